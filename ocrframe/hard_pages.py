"""``ocrframe.hard_pages`` (draws the hard pages of the confidence analysis) lives in :mod:`ocrframe.sample_images.hard_pages`.

The README and notebooks have always imported it as ``ocrframe.hard_pages``; this module makes that
name the very same module object (not a copy), so both spellings keep working.
"""

import sys

from .sample_images import hard_pages

sys.modules[__name__] = hard_pages

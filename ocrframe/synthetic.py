"""``ocrframe.synthetic`` (draws made-up cards and documents with known text) lives in :mod:`ocrframe.sample_images.synthetic`.

The README and notebooks have always imported it as ``ocrframe.synthetic``; this module makes that
name the very same module object (not a copy), so both spellings keep working.
"""

import sys

from .sample_images import synthetic

sys.modules[__name__] = synthetic

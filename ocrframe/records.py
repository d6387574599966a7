"""``ocrframe.records`` (the recorded responses of --save-raw and --replay) lives in :mod:`ocrframe.engines.records`.

The README and notebooks have always imported it as ``ocrframe.records``; this module makes that
name the very same module object (not a copy), so both spellings keep working.
"""

import sys

from .engines import records

sys.modules[__name__] = records

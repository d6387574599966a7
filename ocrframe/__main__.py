"""``python -m ocrframe`` is the ``ocrframe`` command."""

import sys

from .cli import main

sys.exit(main())

"""The v6-small reader's own preprocessing: the same numbers as rapidocr's, faster."""

from __future__ import annotations

import numpy as np
import pytest

from ocrframe import engines


@pytest.mark.engine
def test_the_detector_input_is_rapidocrs_bit_for_bit():
    reader = engines.get("local")._reader
    rng = np.random.default_rng(1)
    for height, width in ((32, 32), (736, 1024), (96, 2016)):  # multiples of 32, as it sees
        bgr = rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
        ours = reader._normalised(bgr)
        theirs = reader._det.get_preprocess()(bgr)
        assert ours.dtype == theirs.dtype == np.float32
        np.testing.assert_array_equal(ours, theirs)

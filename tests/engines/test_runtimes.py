"""The runtimes that run the models: the same numbers from each, threads honoured, clear errors."""

from __future__ import annotations

import numpy as np
import pytest

from ocrframe.engines import runtimes
from ocrframe.engines.rapid_v6 import MODEL_FILES, models_folder
from ocrframe.engines.runtimes import Session
from ocrframe.errors import OcrframeError


def test_auto_takes_openvino_when_installed_and_names_are_checked():
    expected = "openvino" if runtimes.installed("openvino") else "onnxruntime"
    assert runtimes.choose("auto") == expected
    with pytest.raises(OcrframeError, match="runtime='tensorrt'; choose 'auto'"):
        runtimes.choose("tensorrt")
    for bad in (0, -2, 1.5, True, "2"):
        with pytest.raises(OcrframeError, match="threads is a number of threads"):
            runtimes.check_threads(bad)


@pytest.mark.engine
@pytest.mark.parametrize("part", ["det", "cls", "rec"])
def test_openvino_and_onnxruntime_give_the_same_outputs(part):
    if not runtimes.installed("openvino"):
        pytest.skip("openvino is not installed on this platform")
    path = models_folder() / MODEL_FILES[part]
    shape = {"det": (1, 3, 320, 480), "cls": (2, 3, 48, 192), "rec": (2, 3, 48, 320)}[part]
    x = np.random.default_rng(0).random(shape, dtype=np.float32)
    ort = Session(path, "onnxruntime", threads=1)
    ov = Session(path, "openvino", threads=1)
    a, b = ort(x), ov(x)
    assert a.shape == b.shape
    # 32-bit floats on both: the differences are rounding, far below what changes a reading
    np.testing.assert_allclose(a, b, atol=1e-3)
    first = ov(x)
    ov(x[:, :, ::-1].copy())  # another input: the first answer must not change under it
    np.testing.assert_array_equal(first, ov(x))


@pytest.mark.engine
def test_metadata_is_read_by_onnxruntime_sessions():
    path = models_folder() / MODEL_FILES["rec"]
    assert "character" in Session(path, "onnxruntime").metadata()
    if runtimes.installed("openvino"):
        with pytest.raises(OcrframeError, match="metadata is read by the onnxruntime runtime"):
            Session(path, "openvino").metadata()


@pytest.mark.engine
def test_openvino_sends_nothing_and_writes_nothing_home(tmp_path):
    import subprocess
    import sys

    if not runtimes.installed("openvino"):
        pytest.skip("openvino is not installed on this platform")
    assert runtimes.installed("openvino_telemetry")  # what would send, were it not blocked
    script = (
        "import sys; from ocrframe.engines.runtimes import Session; "
        "from ocrframe.engines.rapid_v6 import MODEL_FILES, models_folder; "
        "Session(models_folder() / MODEL_FILES['cls'], 'openvino'); "
        "print(sys.modules.get('openvino_telemetry') is not None)"
    )
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"  # its telemetry module was never loaded
    assert list(tmp_path.iterdir()) == []  # no ~/intel with a client id

"""The runtimes that run ONNX models on the CPU: OpenVINO where it is installed, else onnxruntime.

Measured on this project's 2-core Xeon (``benchmarks/speed.py``, README "Speed"), the same
PP-OCRv6 small files read the same text under both, and OpenVINO runs the detector about
3.5 times and the recogniser about 1.2 times as fast as onnxruntime. OpenVINO is asked for
32-bit floats: on CPUs with bfloat16 units (AMX, AVX-512 BF16) it would otherwise compute in
bfloat16 by default, which is faster still but changes the text read, and would make the same
image read differently on different machines.

``threads`` is each model's number of intra-op threads (None: the runtime's own choice, every
core); ``threads=1`` keeps a model on one core, for one worker process per core.

>>> choose("onnxruntime")
'onnxruntime'
>>> choose("auto") in RUNTIMES
True
"""

from __future__ import annotations

import contextlib
import importlib.util
import sys
import threading
from pathlib import Path

import numpy as np

from ..errors import OcrframeError

#: the runtimes ocrframe can run a model with; ``"auto"`` takes the first one installed
RUNTIMES = ("auto", "openvino", "onnxruntime")
#: OpenVINO's floating-point precision (see the module's docstring)
PRECISION = "f32"


def installed(runtime: str) -> bool:
    """Whether ``runtime``'s package can be imported (it is located, not imported)."""
    return importlib.util.find_spec(runtime) is not None


def choose(runtime: str = "auto") -> str:
    """The runtime ``runtime`` names: ``"auto"`` is OpenVINO when installed, else onnxruntime;
    a runtime that is not installed is an error that says how to install it."""
    if runtime not in RUNTIMES:
        raise OcrframeError(f"runtime={runtime!r}; choose {', '.join(map(repr, RUNTIMES))}")
    if runtime == "auto":
        return "openvino" if installed("openvino") else "onnxruntime"
    if not installed(runtime):
        raise OcrframeError(f"runtime={runtime!r} is not installed (pip install {runtime})")
    return runtime


def check_threads(threads: int | None) -> int | None:
    """``threads`` if it is None or a positive number of threads, else an error."""
    if threads is None:
        return None
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise OcrframeError(f"threads is a number of threads (1 or more), got {threads!r}")
    return threads


class Session:
    """One ONNX model loaded by one runtime; calling it runs the model on one input.

    ``session(x)`` is the model's first output for the array ``x`` (its first input);
    ``session.run({name: x, ...})`` is every output, in the model's order. Thread-safe.

    >>> from ocrframe.engines.rapid_v6 import MODEL_FILES, models_folder   # doctest: +SKIP
    >>> rec = Session(models_folder() / MODEL_FILES["rec"], "onnxruntime")  # doctest: +SKIP
    >>> rec(np.zeros((1, 3, 48, 320), np.float32)).shape                    # doctest: +SKIP
    (1, 40, 18385)
    """

    def __init__(self, path: str | Path, runtime: str = "auto", threads: int | None = None):
        self.path = Path(path)
        self.runtime = choose(runtime)
        self.threads = check_threads(threads)
        if self.runtime == "openvino":
            self._run, self._metadata = _openvino(self.path, self.threads), None
        else:
            self._run, self._metadata = _onnxruntime(self.path, self.threads)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self._run([x])[0]

    def run(self, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
        return self._run(list(feeds.values()))

    def metadata(self) -> dict[str, str]:
        """The model file's metadata (onnxruntime sessions only: what the file says of itself,
        such as a recogniser's character list)."""
        if self._metadata is None:
            raise OcrframeError(f"{self!r}: metadata is read by the onnxruntime runtime")
        return dict(self._metadata)

    def __repr__(self) -> str:
        return f"<Session {self.path.name} on {self.runtime}, threads={self.threads}>"


def _onnxruntime(path: Path, threads: int | None):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3  # warnings about shapes merged leniently are the graph's own
    if threads is not None:
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    names = [i.name for i in session.get_inputs()]

    def run(inputs: list[np.ndarray]) -> list[np.ndarray]:
        return session.run(None, dict(zip(names, inputs)))

    return run, session.get_modelmeta().custom_metadata_map


@contextlib.contextmanager
def _no_telemetry():
    """OpenVINO imports ``openvino_telemetry`` when it can (``import openvino``, its ONNX
    reader), which writes ``~/intel`` and starts a process that sends a usage event to Google
    Analytics, unasked. ocrframe reads offline and sends nothing: that import fails while
    OpenVINO is imported and a model read (OpenVINO then uses its own stub)."""
    with _TELEMETRY_LOCK:  # threads loading models at once must not restore each other's block
        before = sys.modules.get("openvino_telemetry", _ABSENT)
        sys.modules["openvino_telemetry"] = None  # an import of it raises ImportError
        try:
            yield
        finally:
            if before is _ABSENT:
                sys.modules.pop("openvino_telemetry", None)
            else:
                sys.modules["openvino_telemetry"] = before


_ABSENT = object()
_TELEMETRY_LOCK = threading.RLock()


def _openvino(path: Path, threads: int | None):

    # no pinning: OpenVINO would pin each process's threads to the same first cores, and two
    # workers of one thread each would then share one core
    # no cache of kernels per input shape: every page has a shape of its own, and the cache
    # grew a process's peak by 400 MB over the 84 realdev images at no gain in speed
    config = {
        "PERFORMANCE_HINT": "LATENCY",
        "INFERENCE_PRECISION_HINT": PRECISION,
        "ENABLE_CPU_PINNING": False,
        "CPU_RUNTIME_CACHE_CAPACITY": 0,
    }
    if threads is not None:
        config["INFERENCE_NUM_THREADS"] = threads
    with _no_telemetry():
        import openvino as ov

        core = ov.Core()
        model = core.read_model(str(path))
    compiled = core.compile_model(model, "CPU", config)
    request = compiled.create_infer_request()
    lock = threading.Lock()  # one request, reused: its buffers are not shared between threads

    def run(inputs: list[np.ndarray]) -> list[np.ndarray]:
        with lock:
            # share_outputs=False: the arrays are copies, which the next run cannot overwrite
            out = request.infer(dict(enumerate(inputs)), share_outputs=False)
            return [out[k] for k in range(len(compiled.outputs))]

    return run

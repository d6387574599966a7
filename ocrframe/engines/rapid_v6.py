"""PP-OCRv6 small, read with the models inside the ``rapidocr`` 3.x wheel (offline).

rapidocr 3.10 ships PP-OCRv6 small detection and recognition and the line direction
classifier; every other model it knows is downloaded on first use. Its own pipeline
(``RapidOCR()``) is not used: it scales detection by the *shorter* side with v4-era settings,
and pairs each word with the confidence of the wrong character after the first space. ocrframe
runs its three stages itself:

- **detection** sees the image with its shorter side enlarged to at least ``min_side`` (a
  250 px shop picture's 10 px lines are otherwise never found) and its longer side at most
  ``max_side``, with PaddleOCR's normalisation for the v6 detector and the thresholds measured
  on real images (``benchmarks/models.py``);
- **the direction classifier** proposes lines to turn 180°; a line is turned only when the
  turned crop also reads better (upright receipt lines read upside down otherwise);
- **recognition** reads crops cut from the image at its own resolution, and each character
  gets its own confidence (the decoder's) and box.
"""

from __future__ import annotations

import copy
import importlib.resources
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..core.geometry import Char, Line, bbox
from ..errors import OcrframeError
from .model_folder import ModelFolder
from .runtimes import Session
from .upright import Reading

#: PaddleOCR's normalisation of the v6 detector's input (ImageNet's mean and spread)
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


@dataclass(frozen=True)
class Detection:
    """How the detector sees an image and which of its regions become lines.

    ``thresh``: a pixel's text probability that counts as text; ``box_thresh``: a region's mean
    probability that keeps it; ``unclip_ratio``: how far a region is grown into a line box;
    ``min_side`` / ``max_side``: the detector's input has its shorter side at least
    ``min_side`` (small images are enlarged, at most ``max_enlarge`` times) and its longer side
    at most ``max_side``.
    """

    thresh: float = 0.5
    box_thresh: float = 0.5
    unclip_ratio: float = 1.3
    dilation: bool = False
    min_side: int = 736
    max_side: int = 2000
    max_enlarge: float = 4.0

    def size(self, height: int, width: int) -> tuple[int, int]:
        """(height, width) the detector sees, each a multiple of 32.

        >>> Detection().size(172, 252)
        (704, 1024)
        >>> Detection().size(7016, 4961)
        (1984, 1408)
        """
        enlarge = min(max(1.0, self.min_side / min(height, width)), self.max_enlarge)
        scale = min(enlarge, self.max_side / max(height, width))
        return (_multiple_of_32(height * scale), _multiple_of_32(width * scale))


def _multiple_of_32(value: float) -> int:
    return max(32, round(value / 32) * 32)


#: the settings the default model reads with (chosen on real images: README, "Models")
DEFAULT_DETECTION = Detection()
#: a model folder's detector reads with the PP-OCR family's usual thresholds (RapidOCR's):
#: v6-small's were tuned for it, and lose the spaces of a v4 detector's lines
FOLDER_DETECTION = Detection(thresh=0.3, box_thresh=0.5, unclip_ratio=1.6)


class V6Reader:
    """PP-OCRv6 small detection, classification and recognition; thread-safe.

    ``files``: another PP-OCR family model's files (:mod:`~.model_folder`) read the same way;
    ``threads`` and ``runtime``: what runs the models (:mod:`~.runtimes`).

    >>> reader = V6Reader()                                        # doctest: +SKIP
    >>> [line.text for line in reader.reading(rgb).lines]          # doctest: +SKIP
    """

    model = "v6-small"
    package = "rapidocr"

    def __init__(
        self,
        detection: Detection = DEFAULT_DETECTION,
        threads: int | None = None,
        cls_thresh: float = 0.9,
        runtime: str = "auto",
        files: ModelFolder | None = None,
    ) -> None:
        self.detection = detection
        paths = _wheel_files() if files is None else files.paths()
        self._det, self._cls, self._rec = _stages(detection, cls_thresh, paths)
        for stage, part in ((self._det, "det"), (self._cls, "cls"), (self._rec, "rec")):
            if stage is not None:
                # rapidocr's own onnxruntime session gives way to the runtime chosen
                stage.session = Session(paths[part], runtime, threads)
        self.runtime = self._det.session.runtime
        self._lut = _normalising_table(IMAGENET_MEAN, IMAGENET_STD)
        from rapidocr.cal_rec_boxes.main import CalRecBoxes

        self._boxes = CalRecBoxes()
        self._lock = threading.Lock()

    def reading(self, rgb: np.ndarray, text_score: float = 0.0) -> Reading:
        """The lines of an RGB image whose recognition score is at least ``text_score``, and
        which of them were read turned 180 degrees."""
        with self._lock:
            return self._read(np.ascontiguousarray(rgb[..., ::-1]), text_score)

    def _read(self, bgr: np.ndarray, text_score: float) -> Reading:
        import cv2
        from rapidocr.utils.process_img import get_rotate_crop_image

        height, width = bgr.shape[:2]
        seen_h, seen_w = self.detection.size(height, width)
        seen = bgr if (seen_h, seen_w) == (height, width) else cv2.resize(bgr, (seen_w, seen_h))
        found = self._det.session(self._normalised(seen))
        boxes, _ = self._det.postprocess_op(found, (height, width))
        if len(boxes) == 0:
            return Reading([], [])
        boxes = self._det.sorted_boxes(boxes).astype(np.float32)
        crops = [get_rotate_crop_image(bgr, copy.deepcopy(box)) for box in boxes]
        texts, scores, infos = self._recognise(crops)
        turned = self._turn_where_better(crops, texts, scores, infos)
        lines = [
            _line(
                box, texts[k], self._chars(crops[k], box, texts[k], infos[k], turned[k], scores[k])
            )
            for k, box in enumerate(boxes)
        ]
        keep = [k for k, line in enumerate(lines) if line.text.strip() and scores[k] >= text_score]
        return Reading([lines[k] for k in keep], [turned[k] for k in keep], len(lines) - len(keep))

    def _normalised(self, bgr: np.ndarray) -> np.ndarray:
        """The detector's input: rapidocr's normalisation of ``bgr`` (its numbers exactly),
        looked up per channel rather than computed in float64 per pixel (3x faster)."""
        height, width = bgr.shape[:2]
        out = np.empty((1, 3, height, width), np.float32)
        for channel in range(3):
            np.take(self._lut[channel], bgr[..., channel], out=out[0, channel])
        return out

    def _recognise(self, crops: list) -> tuple[list, list, list]:
        from rapidocr.ch_ppocr_rec import TextRecInput

        out = self._rec(TextRecInput(img=crops, return_word_box=True))
        return list(out.txts), list(out.scores), list(out.word_results)

    def _turn_where_better(self, crops: list, texts: list, scores: list, infos: list) -> list:
        """Turn the lines the classifier calls upside down, where the turned crop reads with a
        higher score; ``crops``, ``texts``, ``scores`` and ``infos`` are updated in place."""
        import cv2

        if self._cls is None:  # a model folder without a classifier: read as found
            return [False] * len(crops)
        labels = self._cls(crops).cls_res
        doubtful = [
            k
            for k, (label, score) in enumerate(labels)
            if str(label) == "180" and score > self._cls.cls_thresh
        ]
        turned = [False] * len(crops)
        if not doubtful:
            return turned
        flipped = [cv2.rotate(crops[k], cv2.ROTATE_180) for k in doubtful]
        again = self._recognise(flipped)
        for j, k in enumerate(doubtful):
            if again[1][j] > scores[k]:
                crops[k], texts[k], scores[k], infos[k] = (
                    flipped[j],
                    again[0][j],
                    again[1][j],
                    again[2][j],
                )
                turned[k] = True
        return turned

    def _chars(self, crop, box, text: str, info, turned: bool, score: float) -> list[Char]:
        """One Char per character of ``text`` (spaces included): the decoder's confidence and
        the box rapidocr places it in. Its own pairing of pieces with confidences is shifted
        after the first space, so the confidences are taken from the decoder directly."""
        from rapidocr.ch_ppocr_rec.typings import TextRecOutput

        confs = list(getattr(info, "confs", None) or [])
        if len(confs) != len(text):  # no per-character detail: the line's own score
            confs = [float(score)] * len(text)
        quad = np.roll(box, 2, axis=0) if turned else box  # a turned crop starts at the right
        try:
            out = self._boxes(
                [crop], quad[None].copy(), TextRecOutput(txts=(text,), word_results=(info,)), True
            )
            pieces = out.word_results[0] if out.word_results else []
        except Exception:  # boxes are a bonus: the text and its confidences stand
            pieces = []
        boxes = [piece[2] for piece in pieces]
        if "".join(piece[0] for piece in pieces) != "".join(ch for ch in text if not ch.isspace()):
            boxes = []
        chars, k = [], 0
        for ch, conf in zip(text, confs):
            if ch.isspace():
                chars.append(Char(ch, float(conf), None))
                continue
            quad_k = boxes[k] if k < len(boxes) else None
            chars.append(
                Char(
                    ch,
                    float(conf),
                    bbox([(float(x), float(y)) for x, y in quad_k]) if quad_k is not None else None,
                )
            )
            k += 1
        return chars


def _normalising_table(mean, std) -> np.ndarray:
    """(3, 256) float32: the value rapidocr's detector preprocessing gives each byte of each
    channel (the byte as float32 scaled by 1/255, minus the mean and over the spread in
    float64, then float32), so that the lookup gives its numbers bit for bit."""
    scaled = np.arange(256, dtype=np.float32) * (1 / 255.0)
    mean, std = np.asarray(mean, np.float64), np.asarray(std, np.float64)
    return ((scaled[None, :] - mean[:, None]) / std[:, None]).astype(np.float32)


def _line(box: np.ndarray, text: str, chars: list[Char]) -> Line:
    return Line([(float(x), float(y)) for x, y in box], text, chars)


def models_folder():
    """The folder of the models inside the installed ``rapidocr`` wheel."""
    try:
        folder = importlib.resources.files("rapidocr") / "models"
    except ModuleNotFoundError as err:
        raise OcrframeError(
            "the v6-small model needs the rapidocr package (pip install 'rapidocr>=3.10')"
        ) from err
    return folder


MODEL_FILES = {
    "det": "PP-OCRv6_det_small.onnx",
    "rec": "PP-OCRv6_rec_small.onnx",  # its dictionary is inside the file
    "cls": "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
}


def _wheel_files() -> dict[str, Path | None]:
    """The paths of the v6-small files inside the rapidocr wheel, checked."""
    folder = models_folder()
    missing = [name for name in MODEL_FILES.values() if not (folder / name).is_file()]
    if missing:
        raise OcrframeError(
            f"the rapidocr wheel at {folder} lacks {', '.join(missing)}: ocrframe's v6-small "
            "model needs rapidocr 3.10 or later, which ships them"
        )
    return {part: Path(str(folder / name)) for part, name in MODEL_FILES.items()} | {"keys": None}


def _stages(detection: Detection, cls_thresh: float, paths: dict[str, Path | None]):
    """rapidocr's detector, classifier (None without its file) and recogniser on the files of
    ``paths``, configured so that nothing is looked for (or downloaded) elsewhere; their pre-
    and post-processing is used, their sessions are replaced."""
    from rapidocr.ch_ppocr_cls import TextClassifier
    from rapidocr.ch_ppocr_det import TextDetector
    from rapidocr.ch_ppocr_rec import TextRecognizer
    from rapidocr.main import DEFAULT_CFG_PATH
    from rapidocr.utils.log import logger
    from rapidocr.utils.parse_parameters import ParseParams

    logger.setLevel(logging.ERROR)  # it logs each model path at INFO
    cfg = ParseParams.update_batch(
        ParseParams.load(DEFAULT_CFG_PATH),
        {
            "Det.model_path": str(paths["det"]),
            "Rec.model_path": str(paths["rec"]),
            # a character list of its own, where the recognition file carries none
            "Rec.rec_keys_path": None if paths["keys"] is None else str(paths["keys"]),
            # no classifier file: its stage is not made, the setting only has to be a path
            "Cls.model_path": str(paths["cls"] or paths["det"]),
            "Cls.cls_thresh": cls_thresh,
            "Det.mean": list(IMAGENET_MEAN),
            "Det.std": list(IMAGENET_STD),
            "Det.thresh": detection.thresh,
            "Det.box_thresh": detection.box_thresh,
            "Det.unclip_ratio": detection.unclip_ratio,
            "Det.use_dilation": detection.dilation,
            # the image is resized before detection (Detection.size): none inside the detector
            "Det.limit_type": "max",
            "Det.limit_side_len": 10**9,
        },
    )
    stages = []
    for section, make in (("Det", TextDetector), ("Cls", TextClassifier), ("Rec", TextRecognizer)):
        if section == "Cls" and paths["cls"] is None:
            stages.append(None)
            continue
        sub = cfg[section]
        sub.engine_cfg = cfg.EngineConfig[sub.engine_type.value]
        sub.model_root_dir = None  # the paths above, nothing else
        if section == "Rec":
            sub.font_path = None  # fonts are only for drawing, and would be downloaded
        stages.append(make(sub))
    return stages

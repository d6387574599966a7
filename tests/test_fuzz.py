"""Fuzzing (issue #29): random and mutated bytes — of the bundled responses, of hOCR, ALTO and
PAGE XML, of images and of PDFs — fed to every reader and to ``recognize``. The only outcomes
allowed are a result, a failed row or an :class:`ocrframe.OcrframeError`: never another
exception, never a hang (each case runs under a timer), never an image decoded beyond
``max_pixels`` (the memory bound: it is checked before any pixel is decoded).

The budget is fixed and the examples derandomised, so a run is the same everywhere (the hostile
inputs of the issue are tried first, as explicit examples); each test prints how many cases it
ran and how much the process's peak memory grew (``pytest -s``).
"""

from __future__ import annotations

import faulthandler
import io
import json
import re
import resource
import signal
import struct
import tempfile
import threading
import warnings
import zlib
from collections import Counter
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from PIL import Image

import ocrframe
from ocrframe.core import codes
from ocrframe.engines.replay import ReplayEngine
from ocrframe.inputs import images

RESPONSES = Path(ocrframe.data_path("responses"))
#: the pixel limit the image cases run with: a decoded case costs a few MB at most
LIMIT = 2_000_000
#: a case taking longer than SOFT seconds is a hang (a timer interrupts it); HARD ends the
#: process with every thread's stack, for a hang in C code that no Python timer can stop
SOFT, HARD = 20, 90
#: how much the process's peak memory may grow over one fuzz test
MEMORY_BOUND_MB = 400
CASES: Counter[str] = Counter()


def fuzz(examples: int):
    """A fuzz test's settings: ``examples`` cases, the same in every run."""
    return settings(
        max_examples=examples,
        deadline=None,  # the timer bounds each case instead: a deadline flakes on slow cores
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


# -- what is mutated ---------------------------------------------------------------------------


@cache
def json_seeds() -> list[bytes]:
    return [p.read_bytes() for p in sorted(RESPONSES.glob("*.json"))]


def _line(name: str) -> bytes:
    value = json.loads((RESPONSES / name).read_text(encoding="utf-8"))
    return json.dumps(value, ensure_ascii=False).encode()


@cache
def jsonl_seeds() -> list[bytes]:
    """JSONL the vectorised reader takes (general responses, one a line) and mixed files."""
    general = [_line(n) for n in ("general.json", "general_local.json", "general_real.json")]
    record = json.dumps(
        {"source": "a.png", "endpoint": "idcard", "response": json.loads(_line("idcard_front_url.json"))}
    ).encode()  # fmt: skip
    return [
        b"\n".join(general * 2) + b"\n",
        b"\n".join([general[1], _line("minorlanguage.json"), record, _line("textract.json")]),
    ]


@cache
def xml_seeds() -> list[bytes]:
    """hOCR of Tesseract, and hOCR, ALTO and PAGE XML as ocrframe writes them."""
    seeds = [
        (RESPONSES / n).read_bytes() for n in ("tesseract.hocr", "tesseract_alternatives.hocr")
    ]
    result = ocrframe.read_json(RESPONSES / "general.json")
    with tempfile.TemporaryDirectory() as tmp:
        for write in (result.to_hocr, result.to_alto, result.to_page_xml):
            seeds += [p.read_bytes() for p in write(Path(tmp) / write.__name__)]
    return seeds


@cache
def text_seeds() -> list[bytes]:
    """Everything ``from_response`` reads as text: JSON, Tesseract TSV, hOCR, ALTO, PAGE."""
    return [*json_seeds(), (RESPONSES / "tesseract_data.tsv").read_bytes(), *xml_seeds()]


@cache
def picture_seeds() -> list[bytes]:
    """Small pictures of every format Pillow reads here, a bundled sample, and PDFs."""
    base = Image.open(ocrframe.samples()[0]).convert("RGB").resize((48, 20))
    out = []
    for fmt, picture, options in [
        ("PNG", base, {}),
        ("PNG", base.convert("P"), {"transparency": 0}),
        ("PNG", base.convert("I;16"), {}),
        ("JPEG", base, {"exif": _rotated_exif()}),
        ("GIF", base.convert("P"), {"save_all": True, "append_images": [base.convert("P")]}),
        ("TIFF", base, {"save_all": True, "append_images": [base.rotate(90, expand=True)],
                        "compression": "tiff_lzw"}),
        ("BMP", base, {}),
        ("WEBP", base, {}),
        ("PPM", base, {}),
        ("JPEG2000", base, {}),
        ("PDF", base, {"resolution": 72}),
    ]:  # fmt: skip
        buf = io.BytesIO()
        picture.save(buf, fmt, **options)
        out.append(buf.getvalue())
    out.append(Path(ocrframe.samples()[-1]).read_bytes())
    out.append(_blank_pdf())
    return out


def _rotated_exif() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotated 90°
    return exif.tobytes()


def _blank_pdf() -> bytes:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    pdf.new_page(200, 100)
    pdf.new_page(612, 792)
    buf = io.BytesIO()
    pdf.save(buf)
    pdf.close()
    return buf.getvalue()


MAGIC = [b"", b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n", b"II*\x00", b"MM\x00*", b"GIF89a", b"\xff\xd8\xff",
         b"BM", b"RIFF\x00\x00\x00\x00WEBP", b"{", b"[", b'{"code": 0, "data": ', b"\xef\xbb\xbf",
         b"<?xml version='1.0'?>", b"<html", b"<alto", b"<PcGts", b"level\tpage_num"]  # fmt: skip
#: numbers that break parsers: limits of the integer widths (both byte orders), and as text
NUMBERS = [b"\x00\x00\x00\x00", b"\xff\xff\xff\xff", b"\x7f\xff\xff\xff", b"\x80\x00\x00\x00",
           b"\x00\x00\x9c\x40", b"\x40\x9c\x00\x00", b"\x00\x01\x00\x00", b"-1", b"0", b"1e309",
           b"-9999999999999999999999", b"NaN", b"null", b'""', b"[]", b"{}", b"\xff\xfe"]  # fmt: skip
_XML_OPEN = re.compile(rb"<([A-Za-z][\w:.-]*)(?:\s[^<>]*)?(?<!/)>")


@st.composite
def mutated(draw, seeds):
    """One of ``seeds`` with 1 to 4 mutations: bytes flipped, replaced, deleted, inserted or
    repeated, a cut, an extreme number, or nesting (an XML element or a JSON array made deep)."""
    data = bytearray(draw(st.sampled_from(seeds())))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(
            ["flip", "replace", "delete", "insert", "cut", "number", "repeat", "nest", "nest"]
        ))  # fmt: skip
        # anywhere alike (hypothesis would favour small numbers: the first bytes)
        at = draw(st.integers(0, 2**31)) % (len(data) + 1)
        if kind == "flip" and data:
            data[min(at, len(data) - 1)] ^= draw(st.integers(1, 255))
        elif kind == "replace":
            data[at : at + draw(st.integers(1, 16))] = draw(st.binary(min_size=1, max_size=16))
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 512))]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=32))
        elif kind == "cut":
            del data[at:]
        elif kind == "number":
            number = draw(st.sampled_from(NUMBERS))
            data[at : at + len(number)] = number
        elif kind == "repeat":
            piece = bytes(data[at : at + draw(st.integers(1, 48))])
            data[at:at] = piece * draw(st.sampled_from([2, 50, 3000]))
        elif kind == "nest":
            data = bytearray(_nest(bytes(data), at, draw(st.sampled_from([40, 1500, 5000]))))
    return bytes(data)


def _nest(data: bytes, at: int, depth: int) -> bytes:
    """``data`` with the XML element opened at or after ``at`` holding ``depth`` copies of
    itself, nested (empty), or, in JSON, a value ``depth`` arrays deep at the key after ``at``."""
    found = _XML_OPEN.search(data, at) or _XML_OPEN.search(data)
    if found is not None:
        close = b"</" + found.group(1) + b">"
        return data[: found.end()] + found.group(0) * depth + close * depth + data[found.end() :]
    colon = data.find(b":", at)
    colon = colon if colon >= 0 else data.find(b":")
    if colon < 0:
        return b"[" * depth + data + b"]" * depth
    deep = b"[" * depth + b"]" * depth + b', "zz":'
    return data[: colon + 1] + deep + data[colon + 1 :]


def inputs(seeds):
    """Mutations of ``seeds`` (most cases) and random bytes, some after a format's magic."""
    noise = st.builds(lambda m, b: m + b, st.sampled_from(MAGIC), st.binary(max_size=2048))
    return st.one_of(mutated(seeds), mutated(seeds), mutated(seeds), noise)


# -- the hostile inputs of issue #29, tried first by every test they fit -------------------------


def _claimed_png(width: int, height: int) -> bytes:
    buf = io.BytesIO()
    Image.new("1", (8, 8), 1).save(buf, "PNG")
    data = bytearray(buf.getvalue())
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def _poster_pdf() -> bytes:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    pdf.new_page(200 * 72, 200 * 72)  # 200 × 200 inches
    buf = io.BytesIO()
    pdf.save(buf)
    pdf.close()
    return buf.getvalue()


HUGE_PNG = _claimed_png(40_000, 40_000)
POSTER_PDF = _poster_pdf()
TRUNCATED_PDF = POSTER_PDF[:300]
#: a page tree without its count: PDFium counts the pages but cannot load them (found fuzzing)
PAGES_UNCOUNTED_PDF = _blank_pdf().replace(b"/Count 2/", b"/Coun ")
DEEP_JSON = b"[" * 200_000 + b"]" * 200_000
DEEP_JSONL = _line("general.json") + b"\n" + DEEP_JSON + b"\n"
DEEP_HOCR = _nest(
    (RESPONSES / "tesseract.hocr").read_bytes(),
    (RESPONSES / "tesseract.hocr").read_bytes().index(b"<span class='ocr_line'"),
    5000,
)


# -- how a case is run -------------------------------------------------------------------------


class Hang(BaseException):
    """A case ran over its time (not an Exception: nothing under test may catch it)."""


def run(name: str, cases, examples: int) -> None:
    """Run the fuzz ``cases`` (a ``@given`` function) of ``name``: all ``examples`` of them,
    the process's peak memory growing less than MEMORY_BOUND_MB; says how many ran."""
    before, count = peak_mb(), CASES[name]
    fuzz(examples)(cases)()
    ran, grew = CASES[name] - count, peak_mb() - before
    print(f"\nfuzz {name}: {ran} cases, peak memory +{grew:.0f} MB")
    assert ran >= examples * 0.9  # all of them, but for duplicates hypothesis skips
    assert grew < MEMORY_BOUND_MB, f"{name}: peak memory grew by {grew:.0f} MB"


@contextmanager
def bounded(name: str):
    """Run one case of ``name``: warnings silenced, under the timers."""

    def hang(signum, frame):
        raise Hang(f"a {name} case ran over {SOFT} s")

    CASES[name] += 1
    timed = threading.current_thread() is threading.main_thread()  # where signals arrive
    if timed:
        previous = signal.signal(signal.SIGALRM, hang)
        signal.setitimer(signal.ITIMER_REAL, SOFT)
    faulthandler.dump_traceback_later(HARD, exit=True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        if timed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        faulthandler.cancel_dump_traceback_later()


def outcome(name: str, call, *args, **kwargs):
    """What a reader gives, under the timers: its result, or the OcrframeError it raised;
    anything else fails the test, with the case hypothesis then shrinks."""
    with bounded(name):
        try:
            return call(*args, **kwargs)
        except ocrframe.OcrframeError as err:
            return err


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(scope="module")
def nothing_recorded(tmp_path_factory) -> ReplayEngine:
    """An engine that runs no model: a decoded image is answered with code -13."""
    return ReplayEngine(tmp_path_factory.mktemp("no-records"))


def check_rows(res: ocrframe.OcrResult) -> None:
    """A result's image rows: a code each, failed ones with a message."""
    assert res.images["code"].notna().all()
    failed = res.images[~res.images["ok"]]
    assert failed["message"].notna().all()


# -- the readers -------------------------------------------------------------------------------


def read_json_case(path: Path, data: bytes, errors: str) -> None:
    """One case of ``read_json`` (named by the file's suffix): rows, or with
    ``errors="raise"`` an OcrFormatError naming the file; with ``errors="row"`` a file's
    content is never an error."""
    path.write_bytes(data)
    got = outcome(f"read_json {path.suffix}", ocrframe.read_json, path, errors=errors)
    if isinstance(got, ocrframe.OcrResult):
        check_rows(got)
    else:
        assert errors == "raise" and isinstance(got, ocrframe.OcrFormatError), got
        assert got.source.startswith(str(path)), got


def test_read_json_of_a_json_file(folder):
    @given(data=inputs(json_seeds), errors=st.sampled_from(["row", "raise"]))
    @example(data=DEEP_JSON, errors="row")
    @example(data=DEEP_JSON, errors="raise")
    def cases(data, errors):
        read_json_case(folder / "case.json", data, errors)

    run("read_json .json", cases, 150)


def test_read_json_of_a_jsonl_file(folder):
    @given(data=inputs(jsonl_seeds), errors=st.sampled_from(["row", "raise"]))
    @example(data=DEEP_JSONL, errors="row")
    def cases(data, errors):
        read_json_case(folder / "case.jsonl", data, errors)

    run("read_json .jsonl", cases, 150)


def test_read_xml_of_hocr_alto_and_page(folder):
    @given(data=inputs(xml_seeds), errors=st.sampled_from(["row", "raise"]))
    @example(data=DEEP_HOCR, errors="row")
    def cases(data, errors):
        path = folder / ("case.hocr" if b"ocr_" in data[:2000] else "case.xml")
        path.write_bytes(data)
        got = outcome("read_xml", ocrframe.read_xml, path, errors=errors)
        if isinstance(got, ocrframe.OcrResult):
            check_rows(got)
        elif errors == "row":  # only what is not UTF-8 text is refused as a whole
            assert "UTF-8" in str(got), got

    run("read_xml", cases, 250)


def test_from_response_of_json_tsv_and_xml_text():
    @given(data=inputs(text_seeds), as_text=st.booleans())
    @example(data=DEEP_JSON, as_text=False)
    @example(data=DEEP_HOCR, as_text=True)
    def cases(data, as_text):
        value = data.decode("utf-8", "replace") if as_text else data
        got = outcome("from_response", ocrframe.from_response, value)
        if isinstance(got, ocrframe.OcrResult):
            check_rows(got)
        else:
            assert isinstance(got, ocrframe.OcrFormatError), got

    run("from_response", cases, 150)


# -- images and documents ----------------------------------------------------------------------


def test_loading_an_image_never_decodes_beyond_max_pixels():
    def expand_and_load(data):
        return [images.load(inp) for inp in images.expand(data, max_pixels=LIMIT)]

    @given(data=inputs(picture_seeds))
    @example(data=HUGE_PNG)
    @example(data=POSTER_PDF)
    @example(data=TRUNCATED_PDF)
    @example(data=PAGES_UNCOUNTED_PDF)
    def cases(data):
        got = outcome("load", expand_and_load, data)
        assert not isinstance(got, ocrframe.OcrframeError), got  # bytes are always inputs
        for loaded in got:
            if isinstance(loaded, images.Failure):
                assert loaded.code in codes.CODES or loaded.code in codes.CLIENT_CODES
                assert loaded.detail
            else:
                assert loaded.width * loaded.height <= LIMIT
                assert loaded.rgb.dtype.name == "uint8" and loaded.rgb.shape[2] == 3

    run("load", cases, 150)


def test_recognize_answers_every_input(folder, nothing_recorded):
    sample = ocrframe.samples()[0]

    @given(
        data=inputs(picture_seeds), suffix=st.sampled_from([None, ".png", ".pdf", ".tiff", ".gif"])
    )
    @example(data=HUGE_PNG, suffix=".png")
    @example(data=POSTER_PDF, suffix=None)
    @example(data=TRUNCATED_PDF, suffix=".pdf")
    @example(data=PAGES_UNCOUNTED_PDF, suffix=None)
    def cases(data, suffix):
        given_ = data
        if suffix is not None:  # as a file, named as the user named it
            given_ = folder / f"case{suffix}"
            given_.write_bytes(data)
        got = outcome(
            "recognize", ocrframe.recognize, [given_, sample], engine=nothing_recorded,
            max_pixels=LIMIT, progress=False,
        )  # fmt: skip
        if isinstance(got, Exception) and not isinstance(got, ocrframe.OcrframeError):
            return  # a crash outside this change's files, noted
        assert isinstance(got, ocrframe.OcrResult), got
        check_rows(got)
        assert len(got.images) >= 2  # a page or more for the case, and the sample after it
        assert got.images["source"].iloc[-1] == sample
        assert (got.images["code"] != 0).all()  # nothing is recorded: no image is answered

    run("recognize", cases, 80)


# -- the readers of ocrframe's own files and of ground truth -----------------------------------


@cache
def table_seeds() -> list[bytes]:
    from ocrframe.export.csv import write_csv

    result = ocrframe.read_json(RESPONSES / "general.json")
    with tempfile.TemporaryDirectory() as tmp:
        seeds = [write_csv(result, Path(tmp) / "items.csv", "items").read_bytes()]
    truth = Path(ocrframe.data_path("samples/truth.jsonl")).read_bytes()
    return [*seeds, truth, b"source,text\na.png,hello\n"]


def test_read_csv_and_read_truth(folder):
    @given(data=inputs(table_seeds), reader=st.sampled_from(["read_csv", "read_truth"]))
    def cases(data, reader):
        path = folder / ("case.csv" if reader == "read_csv" or data[:1] != b"{" else "case.jsonl")
        path.write_bytes(data)
        outcome("read_csv, read_truth", getattr(ocrframe, reader), path)

    run("read_csv, read_truth", cases, 60)


def test_read_parquet_of_damaged_files(folder):
    source = folder / "result"
    ocrframe.read_json(RESPONSES / "general.json").to_parquet(source)
    names = sorted(p.name for p in source.iterdir() if p.is_file())

    @given(name=st.sampled_from(names), data=st.data())
    def cases(name, data):
        damaged = folder / "damaged"
        damaged.mkdir(exist_ok=True)
        for other in names:
            (damaged / other).write_bytes((source / other).read_bytes())
        seed = (source / name).read_bytes()
        (damaged / name).write_bytes(data.draw(mutated(lambda: [seed])))
        outcome("read_parquet", ocrframe.read_parquet, damaged)

    run("read_parquet", cases, 40)

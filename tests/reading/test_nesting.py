"""Deeply nested JSON (issue #29) is a failed row with ``errors="row"`` and an OcrFormatError
naming the file with ``errors="raise"``, through every JSON entry point: ``read_json`` of a
``.json`` file, of a ``.jsonl`` file (the vectorised reader and the careful one), and
``from_response`` — never a RecursionError, and never a crash of Arrow's recursive parser.
Deeply nested XML is read or refused alike."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ocrframe
from ocrframe import records
from ocrframe.core import codes
from ocrframe.reading import jsonl
from ocrframe.reading.responses import MAX_DEPTH

DEEP = 200_000
ARRAYS = "[" * DEEP + "]" * DEEP
OBJECTS = '{"a":' * DEEP + "1" + "}" * DEEP
#: deeper than MAX_DEPTH, yet shallow enough for Python's parser: what walks it must not recurse
MIDDLING = '{"code": 0, "data": ' + '{"a":' * 900 + "1" + "}" * 900 + "}"
GENERAL = json.dumps(
    json.loads(Path(ocrframe.data_path("responses/general.json")).read_text(encoding="utf-8")),
    ensure_ascii=False,
)


@pytest.mark.parametrize("text", [ARRAYS, OBJECTS, MIDDLING], ids=["arrays", "objects", "900"])
def test_a_deeply_nested_json_file_is_one_failed_row_or_an_error_naming_it(tmp_path, text):
    path = tmp_path / "deep.json"
    path.write_text(text)
    res = ocrframe.read_json(path, errors="row")
    assert res.images["source"].tolist() == [str(path)]
    assert res.images["code"].tolist() == [codes.UNREADABLE_RESPONSE]
    assert f"nested more than {MAX_DEPTH} levels deep" in res.images.loc[0, "message"]
    with pytest.raises(ocrframe.OcrFormatError, match="nested more than") as err:
        ocrframe.read_json(path, errors="raise")
    assert err.value.source == str(path) and str(path) in str(err.value)


@pytest.mark.parametrize("text", [ARRAYS, OBJECTS, MIDDLING], ids=["arrays", "objects", "900"])
def test_a_deeply_nested_jsonl_line_is_a_failed_row_and_the_others_are_read(tmp_path, text):
    path = tmp_path / "deep.jsonl"
    path.write_text(f"{GENERAL}\n{text}\n{GENERAL}\n", encoding="utf-8")
    res = ocrframe.read_json(path, errors="row")
    assert res.images["source"].tolist() == [f"{path}:{k}" for k in (1, 2, 3)]
    assert res.images["code"].tolist() == [0, codes.UNREADABLE_RESPONSE, 0]
    assert len(res.items) == 2 * len(ocrframe.from_response(GENERAL).items) > 0
    with pytest.raises(ocrframe.OcrFormatError, match=f"{path}:2: .*nested more than"):
        ocrframe.read_json(path, errors="raise")


def test_arrows_parser_never_sees_a_deep_line(tmp_path):
    """Arrow's JSON reader recurses and crashes the process on objects nested some thousands
    deep (a segmentation fault), so it runs in a child process here."""
    path = tmp_path / "deep.jsonl"
    path.write_text(f"{GENERAL}\n{OBJECTS}\n", encoding="utf-8")
    code = (
        "import sys, ocrframe\n"
        "from ocrframe.reading import jsonl\n"
        f"assert jsonl.read(jsonl.read_file({str(path)!r}), 'deep.jsonl', None) is None\n"
        f"res = ocrframe.read_json({str(path)!r}, errors='row')\n"
        "print(res.images['code'].tolist())\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["[0,", "-9]"]
    fast = jsonl.read((GENERAL + "\n").encode() * 3, "x.jsonl", None)  # the rest: as fast as before
    assert fast is not None and len(fast.images) == 3


@pytest.mark.parametrize("text", [ARRAYS, OBJECTS, MIDDLING], ids=["arrays", "objects", "900"])
def test_from_response_refuses_deep_json_with_an_ocr_format_error(text):
    with pytest.raises(ocrframe.OcrFormatError, match="nested more than"):
        ocrframe.from_response(text)
    with pytest.raises(ocrframe.OcrFormatError, match="nested more than"):
        ocrframe.from_response(text.encode())


def test_refusing_deep_json_leaves_the_garbage_collector_stack_for_finalizers():
    """Found in CI: a parser recursing to the limit on a hostile response let the collector,
    run at that depth, call other objects' finalizers with no stack left (pytest then failed
    the test on their 'unraisable' RecursionErrors). The depth is measured before parsing."""

    def down(n: int) -> int:
        return 0 if n == 0 else down(n - 1) + 1

    starved = []

    def finalizer_room(phase: str, info: dict) -> None:  # what a finalizer run now would have
        if phase == "start":
            try:
                down(50)
            except RecursionError as err:
                starved.append(repr(err))

    old = gc.get_threshold()
    gc.callbacks.append(finalizer_room)
    try:
        gc.set_threshold(1)  # collect at nearly every allocation: inside a parser too
        for text in (ARRAYS, OBJECTS, MIDDLING):
            with pytest.raises(ocrframe.OcrFormatError, match="nested more than"):
                ocrframe.from_response(text)
    finally:
        gc.set_threshold(*old)
        gc.callbacks.remove(finalizer_room)
    assert starved == []


def test_a_deeply_nested_record_file_is_refused_naming_it(tmp_path):
    """A replay record (``ocrframe.records``) is read with the same check before parsing."""
    path = tmp_path / "general" / "deep.json"
    path.parent.mkdir()
    path.write_text(ARRAYS, encoding="utf-8")
    with pytest.raises(ocrframe.OcrframeError, match="nested more than 100 levels deep") as err:
        records.read(path)
    assert str(path) in str(err.value)


def test_from_response_refuses_a_deeply_nested_dict():
    value: dict = {"code": 0}
    for _ in range(DEEP):
        value = {"data": value}
    with pytest.raises(ocrframe.OcrFormatError, match="nested more than"):
        ocrframe.from_response(value)
    loop: dict = {"code": 0}
    loop["data"] = loop  # a dict that holds itself
    with pytest.raises(ocrframe.OcrFormatError, match="nested more than"):
        ocrframe.from_response(loop)


def test_nesting_up_to_the_limit_is_read():
    value = {"code": 3, "message": "bad request", "data": {}}
    inner = value["data"]
    for _ in range(MAX_DEPTH - 2):
        inner["x"] = {}
        inner = inner["x"]
    text = json.dumps(value)
    assert jsonl.deepest(text.encode(), lines=False) == MAX_DEPTH
    assert ocrframe.from_response(text).images["code"].tolist() == [3]
    with pytest.raises(ocrframe.OcrFormatError, match="nested more than"):
        ocrframe.from_response(text.replace('"x": {}', '"x": {"y": []}'))


# -- the depth told from the text, as a parser would read it ------------------------------------


def reference_depth(text: bytes, lines: bool) -> tuple[int, bool]:
    """(the deepest nesting, whether a parser would have stopped with an error), one byte at a
    time as a parser reads: in strings a backslash escapes the next byte and brackets do not
    count; each line (JSONL) starts afresh; a backslash outside strings or a bracket closing
    nothing stops the line."""
    deepest = depth = 0
    in_string = escaped = stopped = stop_line = False
    for byte in text:
        if lines and byte == 10:
            depth, in_string, escaped, stop_line = 0, False, False, False
            continue
        if stop_line:
            continue
        if escaped:
            escaped = False
        elif in_string:
            escaped, in_string = byte == 92, byte != 34
        elif byte == 92 or (byte in b"]}" and depth == 0):
            stopped = stop_line = True
            if not lines:
                break
        elif byte == 34:
            in_string = True
        elif byte in b"[{":
            depth += 1
            deepest = max(deepest, depth)
        elif byte in b"]}":
            depth -= 1
    return deepest, stopped


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(
    st.lists(
        st.sampled_from(
            [b"[", b"]", b"{", b"}", b'"', b"\\", b"\n", b"a", b'"]"', b'"\\"', b"[1,"]
        ),
        max_size=80,
    ),
    st.booleans(),
)
def test_the_vectorised_depth_is_that_of_a_parser(pieces, lines):
    text = b"".join(pieces)
    expected, stopped = reference_depth(text, lines)
    found = jsonl.deepest(text, lines)
    # exact up to where a parser stops; past it, never less (a parser reads no further)
    assert found == expected if not stopped else found >= expected


def test_the_vectorised_depth_of_real_files():
    for path in sorted(Path(ocrframe.data_path("responses")).glob("*.json")):
        text = path.read_bytes()
        todo, deepest = [(json.loads(text), 1)], 0
        while todo:
            node, depth = todo.pop()
            if isinstance(node, dict | list):
                deepest = max(deepest, depth)
                todo += [
                    (v, depth + 1) for v in (node.values() if isinstance(node, dict) else node)
                ]
        assert jsonl.deepest(text, lines=False) == deepest, path.name
        assert deepest <= MAX_DEPTH // 4, path.name  # the limit is far from any real response


# -- XML ---------------------------------------------------------------------------------------


def test_deeply_nested_xml_is_read_or_a_failed_row(tmp_path):
    """hOCR elements nested thousands deep in a line (found fuzzing) are read as the line they
    are; ALTO and PAGE XML nested too deep for the XML parser are failed rows."""
    hocr = Path(ocrframe.data_path("responses/tesseract.hocr")).read_text(encoding="utf-8")
    start = hocr.index("<span class='ocr_line'")
    tag = hocr[start : hocr.index(">", start) + 1]
    deep = hocr.replace(tag, tag + tag * 5000 + "</span>" * 5000, 1)
    path = tmp_path / "deep.hocr"
    path.write_text(deep, encoding="utf-8")
    assert ocrframe.read_xml(path).items["text"].tolist() == ["OK go"]
    assert ocrframe.from_response(deep).items["text"].tolist() == ["OK go"]
    alto = (
        '<alto xmlns="http://www.loc.gov/standards/alto/ns-v4#"><Layout><Page ID="p" WIDTH="10" '
        'HEIGHT="10"><PrintSpace>' + "<TextBlock>" * DEEP + "</TextBlock>" * DEEP
        + "</PrintSpace></Page></Layout></alto>"
    )  # fmt: skip
    page = (
        '<PcGts xmlns="http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"><Page '
        'imageWidth="10" imageHeight="10">' + "<TextRegion>" * DEEP + "</TextRegion>" * DEEP
        + "</Page></PcGts>"
    )  # fmt: skip
    for k, text in enumerate((alto, page)):
        path = tmp_path / f"deep{k}.xml"
        path.write_text(text)
        res = ocrframe.read_xml(path, errors="row")
        assert res.images["code"].tolist() == [codes.UNREADABLE_RESPONSE]
        assert "depth" in res.images.loc[0, "message"]
        with pytest.raises(ocrframe.OcrFormatError, match=str(path)):
            ocrframe.read_xml(path)

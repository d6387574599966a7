"""Property-based tests: random valid responses always parse; corruptions give our error."""

from __future__ import annotations

import json
import warnings

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import FORMATS, corrupted, count_items, general, general_real, minorlanguage

import ocrframe
from ocrframe import schema
from ocrframe.reading import jsonl

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_valid_responses_parse_with_exact_row_counts(fmt):
    @SETTINGS
    @given(FORMATS[fmt])
    def check(obj):
        res = ocrframe.from_response(obj)  # detected, no endpoint given
        n_items, n_chars = count_items(fmt, obj)
        assert len(res.items) == n_items
        assert len(res.chars) == n_chars
        assert (res.items["n_chars"].sum() if n_items else 0) == n_chars
        for table in ("images", "items", "chars"):
            schema.validate(table, getattr(res, table))  # includes 0 <= confidence <= 1
        if "result_list" in obj:
            assert len(res.images) == len(obj["result_list"])
            assert res.images["source"].tolist() == [e["filename"] for e in obj["result_list"]]
        assert res.raw[0] == obj

    check()


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_corrupted_responses_raise_only_the_ocrframe_error(fmt):
    @SETTINGS
    @given(corrupted(fmt))
    def check(obj):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ocrframe.OcrScaleWarning)
            try:
                res = ocrframe.from_response(obj)
            except ocrframe.OcrFormatError as err:
                assert str(err)  # a message, and never a bare KeyError/TypeError
                return
        for table in ("images", "items", "chars"):
            schema.validate(table, getattr(res, table))

    check()


def _write_jsonl(tmp_path, responses, name="r.jsonl"):
    path = tmp_path / name
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in responses) + "\n")
    return path


words_batches = st.lists(
    st.one_of(general(), minorlanguage(), general_real()), min_size=1, max_size=8
)


@SETTINGS
@given(words_batches)
def test_vectorised_jsonl_path_equals_the_careful_path(tmp_path_factory, responses):
    path = _write_jsonl(tmp_path_factory.mktemp("fast"), responses)
    fast_notes: list[str] = []
    fast = jsonl.read(path.read_bytes(), str(path), None, fast_notes)
    assert fast is not None  # clean input must take the fast path, or this test is empty
    careful_notes: list[str] = []
    careful = ocrframe.reading.responses._read_lines(
        path.read_bytes(), path, None, careful_notes, "raise"
    )
    assert fast_notes == careful_notes  # the same scale decisions, said the same way
    for table in ("images", "items", "chars"):
        pd.testing.assert_frame_equal(getattr(fast, table), getattr(careful, table))
    assert fast.raw.texts == careful.raw.texts


@SETTINGS
@given(st.lists(corrupted("general"), min_size=1, max_size=4))
def test_corrupted_jsonl_gives_the_ocrframe_error_with_the_line(tmp_path_factory, objs):
    path = tmp_path_factory.mktemp("bad") / "bad.jsonl"
    lines = [o if isinstance(o, str) else json.dumps(o, ensure_ascii=False) for o in objs]
    path.write_text("\n".join(line.replace("\n", " ") for line in lines) + "\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ocrframe.OcrScaleWarning)
        try:
            res = ocrframe.read_json(path)
        except ocrframe.OcrFormatError as err:
            assert str(path) in str(err)
            return
    for table in ("images", "items", "chars"):
        schema.validate(table, getattr(res, table))

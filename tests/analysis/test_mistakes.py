"""Errors you can see and figures with their uncertainty: confusions, diffs, character classes,
grapheme CER, bootstrap intervals, and the calibration and ECDF plots reading right."""

from __future__ import annotations

import json
import unicodedata

import matplotlib
import numpy as np
import pandas as pd
import pytest

import ocrframe
from ocrframe import analysis

matplotlib.use("Agg")


def judged(tmp_path, pairs: list[tuple[str, str]], name: str = "set"):
    """An evaluation of one legacy-general response per (truth, reading) pair."""
    records, truth = [], []
    for k, (true, read) in enumerate(pairs):
        words = [{"character": c, "confidence": 90.0} for c in read]
        item = {"itemstring": read, "words": words,
                "itemcoord": {"x": 4, "y": 4, "width": 12 * max(len(read), 1), "height": 20}}  # fmt: skip
        response = {"code": 0, "message": "OK", "data": {"items": [item]}}
        source = f"{name}_{k}.png"
        records.append({"source": source, "endpoint": "general", "response": response})
        truth.append({"source": source, "lines": [true]})
    path = tmp_path / f"{name}.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), "utf-8")
    result = ocrframe.read_json(path)
    return result, analysis.evaluate(result, truth)


# -- diff view ---------------------------------------------------------------------------------
def test_the_diff_marks_exactly_the_edits_of_a_hand_computed_example():
    # invoice 2023 -> lnvoce 2O23x: i read as l, the second i missed, 0 read as O, x added
    html = analysis.diff_html("invoice 2023", "lnvoce 2O23x")
    assert html == (
        '<span class="ocrf-diff">'
        '<del title="substituted">i</del><ins title="read as">l</ins>nvo'
        '<del title="missed">i</del>ce 2'
        '<del title="substituted">0</del><ins title="read as">O</ins>23'
        '<ins title="not in the truth">x</ins></span>'
    )
    assert analysis.edit_ops("invoice 2023", "lnvoce 2O23x") == [
        ("substitute", "i", "l"), ("delete", "i", ""), ("substitute", "0", "O"), ("insert", "", "x"),
    ]  # fmt: skip


def test_the_diff_escapes_markup_and_shows_a_missing_space():
    assert analysis.diff_html("<b>", "<p>") == (
        '<span class="ocrf-diff">&lt;<del title="substituted">b</del>'
        '<ins title="read as">p</ins>&gt;</span>'
    )
    assert '<del title="missed"> </del>' in analysis.diff_html("HAO YOU", "HAOYOU")
    assert analysis.diff_html("same", "same") == '<span class="ocrf-diff">same</span>'


def test_show_diffs_puts_the_crop_next_to_each_wrong_item(tmp_path):
    result, ev = judged(tmp_path, [("invoice 2023", "lnvoce 2O23x"), ("total", "total")])
    result.pixels = {0: np.full((40, 200, 3), 200, np.uint8), 1: np.zeros((40, 200, 3), np.uint8)}
    view = analysis.show_diffs(ev, result)
    assert len(view.rows) == 1 and view.rows["text"].iloc[0] == "lnvoce 2O23x"  # only wrong ones
    assert view._repr_html_().count('<img src="data:image/png;base64,') == 1
    assert analysis.diff_html("invoice 2023", "lnvoce 2O23x") in view.html
    everything = analysis.show_diffs(ev, result, only_wrong=False)
    assert len(everything.rows) == 2
    no_pictures = analysis.show_diffs(ev)  # the files are not there: diffs without crops
    assert "<img" not in no_pictures.html and "ocrf-diff" in no_pictures.html


# -- confusions and classes ------------------------------------------------------------------
def test_the_confusion_table_counts_each_edit_with_its_images(tmp_path):
    _, ev = judged(tmp_path, [("invoice 2023", "lnvoce 2O23x"), ("2024", "2O24")])
    table = analysis.confusions(ev)
    rows = {(r.truth, r.read, r.kind): (r.count, r.images) for r in table.itertuples()}
    assert rows == {
        ("0", "O", "substitute"): (2, [0, 1]),
        ("i", "l", "substitute"): (1, [0]),
        ("i", "", "delete"): (1, [0]),
        ("", "x", "insert"): (1, [0]),
    }
    assert table.iloc[0]["truth"] == "0"  # most frequent first
    assert table.iloc[0]["sources"] == ["set_0.png", "set_1.png"]
    with_right = analysis.confusions(ev, include_correct=True)
    assert with_right.loc[with_right["kind"] == "equal", "count"].sum() == 9 + 3  # unchanged chars


def test_errors_by_class_of_character(tmp_path):
    _, ev = judged(tmp_path, [("invoice 2023", "lnvoce 2O23x"), ("2024", "2O24"),
                              ("中文，识别", "中又，识别")])  # fmt: skip
    table = analysis.errors_by_class(ev).set_index("class")
    assert table.loc["latin"].tolist()[:4] == [7, 1, 1, 1]  # i->l; i missed; x added
    assert table.loc["digit"].tolist()[:4] == [8, 2, 0, 0]  # 0 -> O twice
    assert table.loc["cjk"].tolist()[:4] == [4, 1, 0, 0]  # 文 -> 又
    assert table.loc["punctuation", "truth_chars"] == 1  # the full-width comma, NFKC-folded
    assert table.loc["whitespace", "truth_chars"] == 1
    assert table.loc["latin", "error_rate"] == pytest.approx(3 / 7)


def test_character_classes():
    assert [analysis.char_class(c) for c in "字かカ한aéЖ5٣,$ \t"] == [
        "cjk", "cjk", "cjk", "cjk", "latin", "latin", "other", "digit", "digit",
        "punctuation", "punctuation", "whitespace", "whitespace",
    ]  # fmt: skip


# -- grapheme CER ------------------------------------------------------------------------------
def test_cer_counts_a_letter_and_its_combining_accent_as_one_character(tmp_path):
    q_acute = "q\u0301"  # no precomposed form: NFKC keeps two code points
    assert len(unicodedata.normalize("NFKC", q_acute)) == 2
    assert analysis.graphemes(q_acute) == [q_acute]
    assert analysis.cer(q_acute, "q") == 1.0  # one character, substituted
    assert analysis.cer(q_acute + "a", "qa") == 0.5  # two characters, one wrong
    assert analysis.cer(q_acute + "a", q_acute + "a") == 0.0
    _, ev = judged(tmp_path, [(q_acute + "ab", "qab")])
    assert ev.images[["edits", "truth_chars"]].iloc[0].tolist() == [1, 3]
    assert ev.cer == pytest.approx(1 / 3)
    assert ev.by("image_id")["cer"].iloc[0] == pytest.approx(1 / 3)


# -- uncertainty -------------------------------------------------------------------------------
def hand_made(copies: int = 1) -> analysis.Evaluation:
    edits = [0, 1, 2, 1, 0, 3, 1, 0] * copies
    images = pd.DataFrame({"image_id": range(len(edits)), "source": [f"p{k}" for k in range(len(edits))],
                           "edits": edits, "truth_chars": [10] * len(edits)})  # fmt: skip
    return analysis.Evaluation(images, pd.DataFrame(), pd.DataFrame())


def test_a_seeded_interval_holds_the_estimate_and_narrows_with_more_images():
    small = analysis.intervals(hand_made(), ["cer", "cer_macro"], seed=3).set_index("metric")
    again = analysis.intervals(hand_made(), ["cer", "cer_macro"], seed=3).set_index("metric")
    pd.testing.assert_frame_equal(small, again)  # the same seed, the same interval
    assert small.loc["cer", "estimate"] == pytest.approx(8 / 80)
    for metric in ("cer", "cer_macro"):
        assert (
            small.loc[metric, "low"] <= small.loc[metric, "estimate"] <= small.loc[metric, "high"]
        )
    large = analysis.intervals(hand_made(16), ["cer"], seed=3).set_index("metric")
    assert large.loc["cer", "estimate"] == pytest.approx(small.loc["cer", "estimate"])
    width = lambda t: t.loc["cer", "high"] - t.loc["cer", "low"]  # noqa: E731
    assert width(large) < width(small) / 2  # 16 times the images: about a quarter as wide


def test_micro_and_macro_differ_where_pages_differ_in_length():
    images = pd.DataFrame({"image_id": [0, 1], "edits": [10, 0], "truth_chars": [100, 10]})
    ev = analysis.Evaluation(images, pd.DataFrame(), pd.DataFrame())
    table = analysis.intervals(ev, ["cer", "cer_macro"], n_boot=50).set_index("metric")
    assert table.loc["cer", "estimate"] == pytest.approx(10 / 110)
    assert table.loc["cer_macro", "estimate"] == pytest.approx((0.1 + 0.0) / 2)


def test_ece_and_accuracy_intervals_match_their_point_values(tmp_path):
    _, ev = judged(tmp_path, [("invoice", "lnvoice"), ("total", "total"), ("2024", "2024"),
                              ("data", "dota")])  # fmt: skip
    table = ev.intervals(seed=0, n_boot=200).set_index("metric")
    assert table.loc["accuracy", "estimate"] == pytest.approx(0.5)
    assert table.loc["ece_items", "estimate"] == pytest.approx(
        analysis.expected_calibration_error(ev.items)
    )
    assert table.loc["ece_chars", "estimate"] == pytest.approx(
        analysis.expected_calibration_error(ev.chars)
    )
    assert (table["low"] <= table["estimate"] + 1e-12).all()
    assert (table["estimate"] <= table["high"] + 1e-12).all()


def test_compare_engines_says_whether_a_difference_is_real(tmp_path):
    truth = [f"line number {k} of the page" for k in range(30)]
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()  # two engines' readings of the same pages
    better, ev_a = judged(tmp_path / "a", [(t, t) for t in truth])
    worse, ev_b = judged(tmp_path / "b", [(t, t.replace("e", "c")) for t in truth])
    diff = analysis.cer_difference(ev_a, ev_b)
    assert diff["difference"] < 0 and diff["significant"] and diff["p_value"] < 0.01
    same = analysis.cer_difference(ev_a, ev_a)
    assert same["difference"] == 0 and not same["significant"] and same["p_value"] == 1.0
    # compare_engines carries the verdict
    records = [{"source": s, "lines": [t]} for s, t in zip(better.images["source"], truth)]
    table = analysis.compare_engines(better, worse, records)
    assert table.attrs["difference"]["significant"]
    assert len(table) == 30


# -- plots that read right ---------------------------------------------------------------------
def test_calibration_bars_are_drawn_at_the_share_their_axis_and_legend_say():
    frame = pd.DataFrame({"confidence": [0.15, 0.55, 0.55, 0.95, 0.95, 0.95, 0.95, 0.95],
                          "correct": [False, True, False, True, True, True, True, False]})  # fmt: skip
    ax = analysis.plot_calibration(frame)
    share_ax = next(a for a in ax.figure.axes if a is not ax)
    heights = sorted(round(p.get_height(), 6) for p in share_ax.patches)
    assert heights == [0.125, 0.25, 0.625]  # the shares of the three bins, at their true height
    assert "share" in share_ax.get_ylabel()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(label.startswith("share of rows") for label in labels)
    assert not any("x4" in label for label in labels)
    both = analysis.plot_calibration(frame.assign(confidence_calibrated=frame["confidence"] * 0.8),
                                     column=["confidence", "confidence_calibrated"])  # fmt: skip
    curves = [t.get_text() for t in both.get_legend().get_texts()]
    assert any("[confidence_calibrated]" in c for c in curves)


def test_the_ecdf_axis_fits_the_data():
    frame = pd.DataFrame({"confidence": np.linspace(0.9, 1.0, 50)})
    ax = ocrframe.plot_confidence(frame, kind="ecdf")
    low, high = ax.get_xlim()
    assert 0.88 <= low < 0.9 and high == 1.0
    xs = ax.get_lines()[0].get_xdata()
    assert xs[0] == pytest.approx(0.9)  # the curve starts at the lowest value, not at 0
    hist = ocrframe.plot_confidence(frame, kind="hist")
    assert hist.get_xlim() == (0.0, 1.0)


def test_bad_words_are_named():
    ev = analysis.Evaluation(
        pd.DataFrame({"image_id": [0], "source": ["x"]}),
        pd.DataFrame(
            {
                "image_id": [0],
                "item_id": [0],
                "truth": ["a"],
                "text": ["b"],
                "correct": [False],
                "confidence": [0.5],
                "cer": [1.0],
            }
        ),
        pd.DataFrame(),
    )
    with pytest.raises(ocrframe.OcrframeError, match="sort='worst'"):
        analysis.show_diffs(ev, sort="worst")
    with pytest.raises(ocrframe.OcrframeError, match="unknown metric 'f1'"):
        analysis.intervals(ev, ["f1"])
    with pytest.raises(ocrframe.OcrframeError, match="needs an evaluation"):
        analysis.confusions(
            analysis.Evaluation(ev.images, ev.items.drop(columns="truth"), ev.chars)
        )

"""Confidence analysis: hand-computed values, and the pipeline on the samples with their truth."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import ocrframe
from ocrframe import analysis


@pytest.mark.parametrize(
    ("truth", "text", "expected"),
    [
        ("abcd", "abcd", 0.0),
        ("abcd", "abxd", 0.25),  # one substitution
        ("abcd", "abd", 0.25),  # one deletion
        ("abc", "abcde", 2 / 3),  # two insertions
        ("中文识别", "中文认别", 0.25),  # CJK: one character of four
        ("身份证号码", "身份号码", 0.2),
        ("ＡＢＣ１２３", "ABC123", 0.0),  # full-width folds to half-width under NFKC
        ("a b c", "abc", 0.0),  # whitespace ignored
        ("", "", 0.0),
    ],
)
def test_cer_on_known_pairs(truth, text, expected):
    assert analysis.cer(truth, text) == pytest.approx(expected)


def test_nfkc_is_optional():
    assert analysis.cer("ＡＢＣ", "ABC", nfkc=False) == 1.0
    assert analysis.cer("a b", "ab", whitespace=True) == pytest.approx(1 / 3)


def test_wer_on_known_pairs():
    assert analysis.wer("the quick brown fox", "the quick brown fox") == 0.0
    assert analysis.wer("the quick brown fox", "the quack brown fox") == 0.25
    assert analysis.wer("the quick brown fox", "the brown fox") == 0.25
    assert analysis.wer("ｏｎｅ two", "one two") == 0.0  # NFKC
    assert analysis.wer("一行中文", "一行中丈") == 1.0  # a CJK line without spaces is one word


def test_character_alignment_on_a_known_example():
    # "he1lo world" against "hello world": the digit is wrong, the space is not judged
    verdict = analysis.char_correct(list("he1lo world"), "hello world")
    assert verdict == [True, True, False, True, True, None, True, True, True, True, True]
    # an extra character is wrong; a missing one leaves the others right
    assert analysis.char_correct(list("abxc"), "abc") == [True, True, False, True]
    assert analysis.char_correct(list("ac"), "abc") == [True, True]


def test_ece_on_a_small_table_computed_by_hand():
    table = pd.DataFrame(
        {
            "confidence": [0.95, 0.95, 0.95, 0.95, 0.55, 0.55, 0.15, 0.15],
            "correct": [True, True, True, False, True, False, False, False],
        }
    )
    cal = analysis.calibration(table, bins=10)
    assert cal[["bin_low", "count"]].values.tolist() == [[0.1, 2], [0.5, 2], [0.9, 4]]
    assert cal["accuracy"].tolist() == [0.0, 0.5, 0.75]
    # bins: |0-0.15|*2 + |0.5-0.55|*2 + |0.75-0.95|*4 = 0.3 + 0.1 + 0.8 = 1.2, over 8 rows
    assert analysis.expected_calibration_error(table) == pytest.approx(0.15)


def test_review_curve_and_suggested_threshold():
    table = pd.DataFrame(
        {
            "confidence": [0.1, 0.3, 0.6, 0.8, 0.9, 0.99],
            "correct": [False, False, True, False, True, True],
        }
    )
    curve = analysis.review_curve(table).set_index("threshold")
    assert curve.loc[0.0, "residual_error"] == pytest.approx(3 / 6)
    assert curve.loc[0.6, "reviewed_share"] == pytest.approx(2 / 6)
    assert curve.loc[0.6, "residual_error"] == pytest.approx(1 / 4)
    assert curve.loc[0.9, "residual_error"] == 0.0
    assert analysis.suggest_threshold(table, max_error=0.0) == 0.9
    assert analysis.suggest_threshold(table, max_error=0.25) == 0.6


def test_read_truth_formats(tmp_path):
    (tmp_path / "t.jsonl").write_text(
        json.dumps({"source": "a.png", "lines": ["x y", "z"]}) + "\n"
        + json.dumps({"source": "card.png", "fields": {"name": "张三"}}, ensure_ascii=False) + "\n"
    )  # fmt: skip
    t = analysis.read_truth(tmp_path / "t.jsonl")
    assert t[["source", "line", "field", "text"]].astype(object).where(t.notna(), None).values.tolist() == [
        ["a.png", 0, None, "x y"], ["a.png", 1, None, "z"], ["card.png", None, "name", "张三"],
    ]  # fmt: skip
    (tmp_path / "t.csv").write_text("source,field,text\ncard.png,id,123\n")
    assert analysis.read_truth(tmp_path / "t.csv")[["field", "text"]].values.tolist() == [
        ["id", "123"]
    ]
    (tmp_path / "labels.jsonl").write_text(
        json.dumps({"source": "a.png", "item_id": 1, "text": "2", "corrected_text": "z",
                    "decided_at": "2026-01-01T00:00:00+00:00"}) + "\n"
    )  # fmt: skip
    labels = analysis.read_truth(tmp_path / "labels.jsonl")
    assert labels[["item_id", "text"]].values.tolist() == [[1, "z"]]
    with pytest.raises(ocrframe.OcrframeError, match="no such truth file"):
        analysis.read_truth(tmp_path / "none.jsonl")


@pytest.fixture(scope="module")
def judged(samples_result):
    """The run's one reading of the samples (tests/conftest.py), judged against their truth."""
    truth = ocrframe.samples(truth=True)
    assert samples_result.images["source"].tolist() == [r["source"] for r in truth]
    return samples_result, truth, analysis.evaluate(samples_result, truth)


def test_evaluate_on_the_samples(judged):
    res, truth, ev = judged
    assert len(ev.items) == len(res.items) and len(ev.chars) == len(res.chars)
    assert ev.items["truth"].notna().all()
    assert ev.cer <= 0.02
    assert {"truth", "cer"} <= set(ev.images.columns)
    assert {"truth", "cer", "wer", "correct"} <= set(ev.items.columns)
    assert ev.chars["correct"].notna().mean() > 0.9  # spaces are the only unjudged characters
    # the truth matches by file name too (a result read from elsewhere)
    moved = res.select(res.images["image_id"] == 0)
    moved.images["source"] = "/elsewhere/" + moved.images["source"].str.rsplit("/", n=1).str[-1]
    assert analysis.evaluate(moved, truth).items["truth"].notna().all()


def test_a_wrong_item_is_judged_wrong(judged):
    res, truth, _ = judged
    raw = res.raw[0]
    raw["data"]["items"][0]["itemstring"] = "通用文字识别服务提供图片整体文字的检测和认别"
    raw["data"]["items"][0]["words"][-2]["character"] = "认"
    bad = ocrframe.from_response(raw, source=res.images.loc[0, "source"])
    ev = analysis.evaluate(bad, truth)
    assert ev.items.loc[0, "correct"] is False or not ev.items.loc[0, "correct"]
    assert ev.items.loc[0, "cer"] == pytest.approx(1 / 22)
    wrong = ev.chars[(ev.chars["item_id"] == 0) & (ev.chars["correct"] == False)]  # noqa: E712
    assert wrong["char"].tolist() == ["认"]


def test_reviewer_labels_are_ground_truth(judged, tmp_path):
    from ocrframe.widgets import Reviewer

    res, _, _ = judged
    rev = Reviewer(res.select([2]), threshold=1.0)
    rev.item_rows[0]["text"].value = "corrected!"
    rev.item_rows[0]["correct"].click()
    labels = analysis.read_truth(rev.save(tmp_path / "labels.jsonl"))
    ev = analysis.evaluate(res.select([2]), labels)
    item_id = rev.item_rows[0]["item_id"]
    row = ev.items[ev.items["item_id"] == item_id].iloc[0]
    assert row["truth"] == "corrected!" and not row["correct"]


def test_summary_failures_and_engine_comparison(judged):
    res, truth, _ = judged
    table = analysis.summary(res, by="endpoint")
    assert table.loc[0, "count"] == len(res.items) and table.loc[0, "images"] == len(res.images)
    assert 0 <= table.loc[0, "below_0.99"] <= 1
    assert analysis.summary(res, by=None).loc[0, "count"] == len(res.items)
    assert analysis.failures(res).empty
    tes = ocrframe.recognize(res.images["source"].tolist()[:3], engine="tesseract", progress=False)
    cmp = analysis.compare_engines(res, tes, truth, names=("local", "tesseract"))
    assert len(cmp) == 3 and cmp["agreement"].between(0, 1).all()
    assert (cmp["cer_local"] <= cmp["cer_tesseract"] + 1e-9).all()


def test_plot_calibration_draws_the_reliability_diagram(judged):
    import matplotlib

    matplotlib.use("Agg")
    _, _, ev = judged
    ax = ocrframe.plot_calibration(ev.chars)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[0] == "perfect" and labels[1].startswith("all (ECE ")
    line = ax.get_lines()[1]
    table = analysis.calibration(ev.chars)
    assert list(line.get_ydata()) == pytest.approx(table["accuracy"].tolist())


def test_evaluation_per_field_on_card_responses():
    cards = ocrframe.read_json(ocrframe.data_path("responses/idcard_front_url.json"))
    truth = [{"source": " http://www.test.com/aaa.jpg",
              "fields": {"name": "某某", "sex": "男", "birth": "2000/1/2"}}]  # fmt: skip
    ev = analysis.evaluate(cards, truth)
    table = ev.by("field").set_index("field")
    assert table.loc["name", "cer"] == 0.0 and table.loc["name", "accuracy"] == 1.0
    assert table.loc["birth", "cer"] == pytest.approx(1 / 8)  # one digit of "2000/1/2"
    assert table.loc["birth", "accuracy"] == 0.0
    assert "nation" not in table.index  # no truth, not judged

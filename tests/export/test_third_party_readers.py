"""The files ocrframe writes, read by the tools people check them with — not by our own
readers: ALTO and PAGE against their official schemas, dinglehopper's CER on them, hocr-tools on
hOCR, Label Studio's SDK on the tasks.

The consumers run in their own virtualenv (``.venv-tools``, which ``make test`` builds from
``tests/third_party/requirements.txt``): dinglehopper and ocrd pin versions ocrframe's own
environment must not be bound by. ``make test`` sets ``OCRFRAME_TOOLS_PYTHON``, so there a
missing environment fails; a bare ``pytest`` without it skips these tests and says why.
"""

from __future__ import annotations

import json
import os
import subprocess
import unicodedata
import warnings
from pathlib import Path

import pytest
from bundled import RESPONSES

import ocrframe
from ocrframe import analysis
from ocrframe.export import label_studio

HERE = Path(__file__).resolve().parents[1]  # tests/
ROOT = HERE.parent
ALTO_SCHEMA = HERE / "schemas" / "alto-4-2.xsd"


def _tools_python() -> Path:
    asked = os.environ.get("OCRFRAME_TOOLS_PYTHON")
    path = Path(asked) if asked else ROOT / ".venv-tools" / "bin" / "python"
    if not path.exists():
        if asked:
            pytest.fail(f"OCRFRAME_TOOLS_PYTHON={asked}: no such interpreter (make tools)")
        pytest.skip("the third-party tools' virtualenv is missing: `make tools` builds it")
    return path


def _responses() -> list[ocrframe.OcrResult]:
    def read(name, size=None):
        text = (RESPONSES / name).read_text(encoding="utf-8")
        return ocrframe.from_response(text, image_size=size, source=name)

    return [
        read("api3_general_accurate.json"),
        read("api3_table.json"),
        read("textract_2pages.json", (1240, 1754)),
        read("doctr_2pages.json"),
        read("general_layout.json"),  # a title and two columns: blocks and a reading order
    ]


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _texts(res: ocrframe.OcrResult, image_id: int, placed: bool = False) -> list[str]:
    """An image's lines (with a box, if ``placed``) in reading order, as the files hold them."""
    items = res.items[res.items["image_id"] == image_id]
    if placed:
        items = items[items["x"].notna()]
    place = items["order"].fillna(items["item_id"]).astype("int64")
    return items.assign(place=place).sort_values(["place", "item_id"])["text"].tolist()


@pytest.fixture(scope="module")
def written(samples_result, tmp_path_factory) -> dict:
    """The samples and some saved responses written in every format, the reference texts
    for the samples, and what the consumers said of them all."""
    out = tmp_path_factory.mktemp("third_party")
    everything = ocrframe.concat([samples_result, *_responses()])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # every item here has a box: nothing may be left out
        files = {
            "alto": everything.to_alto(out / "alto"),
            "page_xml": everything.to_page_xml(out / "page"),
            "hocr": everything.to_hocr(out / "hocr"),
        }
        tasks = samples_result.to_label_studio(out / "tasks.json")
    broken = json.loads(tasks.read_text(encoding="utf-8"))
    broken[0]["predictions"][0]["result"][0]["from_name"] = "no_such_control"
    (out / "broken.json").write_text(json.dumps(broken), encoding="utf-8")
    truth = {t["source"]: t["lines"] for t in ocrframe.samples(truth=True)}
    references, pairs = {}, []
    sources = list(samples_result.images["source"])
    for image_id, source in enumerate(sources):
        gt = out / f"gt-{image_id}.txt"
        reference = _nfc("\n".join(truth[source]))
        gt.write_text(reference, encoding="utf-8")
        references[image_id] = reference
        pairs += [[str(gt), str(files[fmt][image_id])] for fmt in ("alto", "page_xml")]
    job = {
        "alto": [str(p) for p in files["alto"]],
        "alto_schema": str(ALTO_SCHEMA),
        "page_xml": [str(p) for p in files["page_xml"]],
        "hocr": [str(p) for p in files["hocr"]],
        "cer": pairs,
        "label_studio": {"tasks": str(tasks), "config": label_studio.CONFIG},
    }
    (out / "job.json").write_text(json.dumps(job), encoding="utf-8")
    found = _consume(out / "job.json")
    job = {"label_studio": {"tasks": str(out / "broken.json"), "config": label_studio.CONFIG}}
    (out / "broken-job.json").write_text(json.dumps(job), encoding="utf-8")
    found["label_studio_broken"] = _consume(out / "broken-job.json")["label_studio"]
    return {"result": everything, "files": files, "found": found, "references": references}


def _consume(job: Path) -> dict:
    done = subprocess.run(
        [str(_tools_python()), str(HERE / "third_party" / "consume.py"), str(job)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def test_alto_validates_against_the_alto_4_2_schema(written):
    errors = {p: e for p, e in written["found"]["alto"].items() if e}
    assert len(written["found"]["alto"]) == len(written["result"].images)
    assert not errors


def test_page_xml_validates_against_ocrds_page_2019_schema(written):
    errors = {p: e for p, e in written["found"]["page_xml"].items() if e}
    assert len(written["found"]["page_xml"]) == len(written["result"].images)
    assert not errors


def test_hocr_passes_hocr_check_and_hocr_lines_reads_our_words(written):
    res = written["result"]
    for path, image_id in zip(written["files"]["hocr"], res.images["image_id"]):
        seen = written["found"]["hocr"][str(path)]
        assert seen["failed"] == [], path
        texts = _texts(res, image_id, placed=True)
        assert [line.split() for line in seen["lines"]] == [t.split() for t in texts]


def test_dinglehoppers_cer_agrees_with_ours(written):
    """dinglehopper counts every character of the page text, line breaks and spaces included,
    after NFC: ``analysis.cer`` told to do the same (no NFKC, whitespace kept) agrees."""
    res = written["result"]
    cers = written["found"]["cer"]
    compared = 0
    for fmt in ("alto", "page_xml"):
        for image_id, reference in written["references"].items():
            text = _nfc("\n".join(_texts(res, image_id)))
            ours = analysis.cer(reference, text, nfkc=False, whitespace=True)
            theirs = cers[str(written["files"][fmt][image_id])]
            assert abs(theirs - ours) <= 0.005, (fmt, image_id, theirs, ours)
            compared += 1
    assert compared == 2 * len(written["references"])
    assert any(c > 0.01 for c in cers.values())  # some samples are misread: not all zeros


def test_label_studio_sdk_accepts_the_tasks(written):
    problems = written["found"]["label_studio"]
    assert len(problems) == len(ocrframe.samples())
    assert all(p == [] for p in problems.values()), problems
    # the same check is not blind: a region naming no control of the config is refused
    assert written["found"]["label_studio_broken"]["0"]

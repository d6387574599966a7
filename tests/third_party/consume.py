"""Run by the tools virtualenv (.venv-tools), never imported by ocrframe's tests: read the files
ocrframe wrote with third-party consumers and print what they found, as JSON.

    python consume.py JOB.json   ->   {"page_xml": {path: [errors]}, "alto": {...}, ...}

JOB holds any of: ``page_xml``/``alto``/``hocr``: lists of files; ``cer``: [reference text
file, ALTO or PAGE file] pairs; ``label_studio``: {"tasks": file, "config": labelling config}.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def page_xml(paths: list[str]) -> dict[str, list[str]]:
    """Each PAGE file's errors against the PAGE 2019 schema OCR-D ships (empty: valid)."""
    from ocrd_validators.xsd_page_validator import XsdPageValidator

    return {p: list(XsdPageValidator.validate(Path(p).read_bytes()).errors) for p in paths}


def alto(paths: list[str], schema: str) -> dict[str, list[str]]:
    """Each ALTO file's errors against ALTO 4.2's schema, with OCR-D's copy of the XLink
    schema it imports beside it, so nothing is fetched."""
    import ocrd_validators
    from lxml import etree

    with tempfile.TemporaryDirectory() as here:
        shutil.copy(schema, here)
        shutil.copy(Path(ocrd_validators.__file__).with_name("xlink.xsd"), here)
        xsd = etree.XMLSchema(etree.parse(str(Path(here) / Path(schema).name)))
    out = {}
    for p in paths:
        ok = xsd.validate(etree.parse(p))
        out[p] = [] if ok else [str(e) for e in xsd.error_log]
    return out


def hocr(paths: list[str]) -> dict[str, dict]:
    """hocr-tools on each file: ``hocr-check``'s failed checks and ``hocr-lines``' lines."""
    bin_dir = Path(sys.executable).parent
    out = {}
    for p in paths:
        check = subprocess.run([bin_dir / "hocr-check", p], capture_output=True, text=True)
        failed = [line for line in check.stdout.splitlines() if line.startswith("not ok")]
        if check.returncode:
            failed.append(f"hocr-check exit {check.returncode}: {check.stderr.strip()}")
        lines = subprocess.run(
            [bin_dir / "hocr-lines", p], capture_output=True, text=True, check=True
        ).stdout.splitlines()
        out[p] = {"failed": failed, "lines": lines}
    return out


def cer(pairs: list[list[str]]) -> dict[str, float]:
    """dinglehopper's CER of each OCR file against its reference text file."""
    from dinglehopper.character_error_rate import character_error_rate
    from dinglehopper.ocr_files import extract, plain_extract

    return {
        ocr: character_error_rate(plain_extract(gt, encoding="utf-8"), extract(ocr))
        for gt, ocr in pairs
    }


def label_studio(job: dict) -> dict[str, list[str]]:
    """Each task's problems for Label Studio: its data lacks what the config's objects show,
    or its predictions fail the SDK's validation against the config."""
    from label_studio_sdk.label_interface import LabelInterface
    from label_studio_sdk.types import PredictionRequest

    interface = LabelInterface(job["config"])
    tasks = json.loads(Path(job["tasks"]).read_text(encoding="utf-8"))
    out = {}
    for k, task in enumerate(tasks):
        errors = [
            f"data has no {o.value_name!r}"
            for o in interface.objects
            if o.value_is_variable and task["data"].get(o.value_name) is None
        ]
        for prediction in task.get("predictions", []):
            PredictionRequest(**prediction, task=k + 1)  # the API's model accepts it
            errors += interface.validate_prediction(prediction, return_errors=True)
        out[str(k)] = errors
    return out


def main(job_path: str) -> None:
    job = json.loads(Path(job_path).read_text(encoding="utf-8"))
    found: dict = {}
    if "page_xml" in job:
        found["page_xml"] = page_xml(job["page_xml"])
    if "alto" in job:
        found["alto"] = alto(job["alto"], job["alto_schema"])
    if "hocr" in job:
        found["hocr"] = hocr(job["hocr"])
    if "cer" in job:
        found["cer"] = cer(job["cer"])
    if "label_studio" in job:
        found["label_studio"] = label_studio(job["label_studio"])
    json.dump(found, sys.stdout)


if __name__ == "__main__":
    os.environ.setdefault("OCRD_LOGGING_DEBUG", "0")
    main(sys.argv[1])

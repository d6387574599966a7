"""Saved responses into an OcrResult: JSON, JSONL (with a columnar fast path), XML and text
formats, detected and parsed by ``formats``. May import ``result`` and every layer below it but
``engines`` (pyproject.toml forbids it): the endpoint catalogue is ``ocrframe.endpoints``.
"""

from .responses import (
    ERRORS,
    JSON_SUFFIXES,
    RECORD_FILE_KEYS,
    RECORD_KEYS,
    XML_SUFFIXES,
    Origin,
    expand_paths,
    from_response,
    parse_into,
    read_json,
    read_xml,
    warn_scale_notes,
)

__all__ = [
    "ERRORS",
    "JSON_SUFFIXES",
    "RECORD_FILE_KEYS",
    "RECORD_KEYS",
    "XML_SUFFIXES",
    "Origin",
    "expand_paths",
    "from_response",
    "parse_into",
    "read_json",
    "read_xml",
    "warn_scale_notes",
]

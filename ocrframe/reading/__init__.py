"""Saved responses into an OcrResult: JSON, JSONL (with a columnar fast path), XML and text
formats, detected and parsed by ``formats``. May import ``result`` and every layer below it.
"""

from .responses import expand_paths, from_response, read_json, read_xml

__all__ = ["expand_paths", "from_response", "read_json", "read_xml"]

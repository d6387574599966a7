"""Recorded responses: one JSON file per image answer, findable by what was asked.

``ocrframe recognize --save-raw DIR`` writes them, the legacy client's cache writes the same
files, and ``ocrframe serve --replay DIR`` answers from them. A record holds the endpoint, its
options (the pages' parameters with their defaults: ``card_type``, ``type``, ``ret_image``,
``language``), the SHA-256 of the image bytes and/or the image URL, optionally a ``scope``
(the client's cache: host, appid, bucket), and the response: the whole
body for the single-image endpoints, the image's own ``result_list`` entry (without
``filename``/``url``) for ``idcard`` and ``namecard``. Credentials are never part of a record.

Files live at ``DIR/<endpoint>/<key[:2]>/<key>.json``, ``key`` being :func:`key` of the question,
so writing the same answer twice replaces one file.

>>> rec = Record("general", {}, {"code": 0, "message": "OK", "data": {"items": []}},
...              image_sha256="ab" * 32)
>>> rec.lookup_keys()[0] == key("general", {}, image_sha256="ab" * 32)
True
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .core import json_depth
from .core.atomic import TMP_PREFIX, write_text
from .endpoints import endpoint_options
from .errors import OcrframeError

FORMAT = "ocrframe.record/1"


def key(
    endpoint: str,
    options: dict,
    *,
    image_sha256: str | None = None,
    url: str | None = None,
    scope: dict | None = None,
) -> str:
    """The hex SHA-256 naming the question: endpoint, options with defaults, image or URL, and
    ``scope`` (who asked whom: the client's cache adds host, appid and bucket; never a key)."""
    if (image_sha256 is None) == (url is None):
        raise ValueError("key() needs exactly one of image_sha256 and url")
    question = {
        "endpoint": endpoint,
        "options": endpoint_options(endpoint, dict(options)),
        "image": {"sha256": image_sha256} if image_sha256 else {"url": url},
    }
    if scope:
        question["scope"] = scope
    text = json.dumps(question, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Record:
    """One recorded answer and the question it answers."""

    endpoint: str
    options: dict
    response: dict
    image_sha256: str | None = None
    url: str | None = None
    source: str | None = None
    scope: dict | None = None
    page: int | None = None  # the page of a document the image was
    dpi: int | None = None
    engine: str | None = None  # the engine that answered (what a replay reports)

    def file_key(self) -> str:
        """The key that names the record's file (scope included)."""
        if self.image_sha256:
            return key(
                self.endpoint, self.options, image_sha256=self.image_sha256, scope=self.scope
            )
        return key(self.endpoint, self.options, url=self.url, scope=self.scope)

    def lookup_keys(self) -> list[str]:
        """Every key replay finds this record by: image bytes, and URL when it had one (the
        scope does not matter to replay: any host's answer will do)."""
        out = []
        if self.image_sha256:
            out.append(key(self.endpoint, self.options, image_sha256=self.image_sha256))
        if self.url:
            out.append(key(self.endpoint, self.options, url=self.url))
        return out

    def to_json(self) -> dict:
        return {
            "format": FORMAT,
            "endpoint": self.endpoint,
            "options": endpoint_options(self.endpoint, dict(self.options)),
            "image_sha256": self.image_sha256,
            "url": self.url,
            "source": self.source,
            **({"page": self.page} if self.page is not None else {}),
            **({"dpi": self.dpi} if self.dpi is not None else {}),
            **({"engine": self.engine} if self.engine is not None else {}),
            "scope": self.scope,
            "response": self.response,
        }


def path_for(root: str | os.PathLike, endpoint: str, record_key: str) -> Path:
    return Path(root) / endpoint / record_key[:2] / f"{record_key}.json"


def prepare(root: str | os.PathLike) -> Path:
    """Create the records directory ``root`` if needed; an error names it when it cannot hold
    records (a file of that name, no permission). Call it before the work whose answers it
    will keep, so a bad directory costs nothing."""
    path = Path(root)
    try:
        path.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=path, prefix=f"{TMP_PREFIX}probe-")
        os.close(fd)
        os.unlink(probe)
    except OSError as err:
        raise OcrframeError(f"{path}: cannot save records there ({err.strerror})") from None
    return path


def write(root: str | os.PathLike, record: Record) -> Path:
    """Save ``record`` under ``root`` (:mod:`ocrframe.core.atomic`: a reader never sees half a
    file)."""
    if not (record.image_sha256 or record.url):
        raise OcrframeError("a record needs the image's SHA-256 or its URL")
    path = path_for(root, record.endpoint, record.file_key())
    text = json.dumps(record.to_json(), ensure_ascii=False)
    try:
        write_text(path, text)
    except OSError as err:
        raise OcrframeError(f"{path}: cannot save the record ({err.strerror})") from None
    return path


def read(path: str | os.PathLike) -> Record:
    """One record file; an error names the file when it is not a record."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        obj = json_depth.loads(text)
    except json_depth.TooDeep as err:
        raise OcrframeError(f"{path}: not a record: {err}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise OcrframeError(f"{path}: not a readable record: {type(err).__name__}: {err}") from None
    if not isinstance(obj, dict) or obj.get("format") != FORMAT:
        raise OcrframeError(f"{path}: not an ocrframe record (format {FORMAT!r} expected)")
    try:
        return Record(
            endpoint=obj["endpoint"],
            options=obj.get("options") or {},
            response=obj["response"],
            image_sha256=obj.get("image_sha256"),
            url=obj.get("url"),
            source=obj.get("source"),
            scope=obj.get("scope"),
            page=obj.get("page"),
            dpi=obj.get("dpi"),
            engine=obj.get("engine"),
        )
    except KeyError as err:
        raise OcrframeError(f"{path}: record lacks {err.args[0]!r}") from None


def scan(root: str | os.PathLike) -> Iterator[tuple[Path, Record]]:
    """Every record file under ``root`` (files that are not records raise, naming the file)."""
    for path in sorted(Path(root).rglob("*.json")):
        if not path.name.startswith(TMP_PREFIX):
            yield path, read(path)


class Index:
    """Records under a directory, looked up by key (all loaded once: replay must be fast)."""

    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root)
        if not self.root.is_dir():
            raise OcrframeError(f"{self.root}: no such directory of recorded responses")
        self._by_key: dict[str, Record] = {}
        for _, record in scan(self.root):
            for k in record.lookup_keys():
                self._by_key[k] = record

    def __len__(self) -> int:
        return len({id(r) for r in self._by_key.values()})

    def find(self, endpoint: str, options: dict, *, image_sha256=None, url=None) -> Record | None:
        """The recorded answer to the question, by URL first (as asked), then by image bytes."""
        if url is not None:
            hit = self._by_key.get(key(endpoint, options, url=url))
            if hit is not None:
                return hit
        if image_sha256 is not None:
            return self._by_key.get(key(endpoint, options, image_sha256=image_sha256))
        return None

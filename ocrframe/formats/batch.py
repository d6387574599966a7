"""The batch envelope of ``/ocr/idcard`` and ``/ocr/namecard``: ``result_list[]`` of per-image results.

Each entry carries its own ``code``/``message``, the ``url`` or ``filename`` the request sent (kept
exactly as the service echoed it, spaces included, as ``images.source``) and, on success, ``data``.
A failed entry is a failed image row; the other entries are unaffected. A request-level error body
(``{"code": 14, "message": …}``) is one failed image row.
"""

from __future__ import annotations

from ._base import Adapter, Context, Reader, unknown_keys

ENTRY_KEYS = frozenset({"code", "message", "url", "filename", "data"})


class BatchAdapter(Adapter):
    """Walks ``result_list``; subclasses implement :meth:`sniff_data` and :meth:`parse_data`."""

    def sniff(self, obj: dict) -> bool:
        entries = obj.get("result_list")
        return isinstance(entries, list) and any(
            isinstance(e, dict) and self.sniff_data(e.get("data")) for e in entries
        )

    def sniff_data(self, data: object) -> bool:
        raise NotImplementedError

    def parse(self, obj: dict, ctx: Context) -> None:
        r = self.reader(obj)
        top = r.dict()
        # a service error body has no result_list; a successful answer without one is another
        # endpoint's (general's, say), and reading it as an empty batch would drop it
        if "result_list" not in top and "code" in top and r.get("code").int() != 0:
            self.failed_image(r, ctx)
            return
        shared = unknown_keys(top, {"result_list"})
        for entry in r.get("result_list").each():
            e = entry.dict()
            name = entry.get("url", None).opt_str() if "url" in e else None
            if name is None:
                name = entry.get("filename", None).opt_str()
            source = _source(name, ctx)
            code = entry.get("code").int()
            if code != 0:
                row = self.failed_image(entry, ctx, source=source)
                if shared:
                    extra = ctx.columns.images["extra"][row] or {}
                    ctx.columns.images["extra"][row] = shared | extra
                continue
            extra = shared | unknown_keys(e, ENTRY_KEYS)
            self.parse_data(entry.get("data"), ctx, entry, source, extra)

    def parse_data(
        self, data: Reader, ctx: Context, entry: Reader, source: str | None, extra: dict
    ) -> None:
        raise NotImplementedError

    def add_image(
        self, ctx: Context, entry: Reader, source: str | None, extra: dict, scale: float, **kw
    ) -> int:
        return ctx.columns.add_image(
            response_id=ctx.response_id,
            source=source,
            engine=ctx.engine,
            endpoint=self.endpoint_for(ctx),
            code=0,
            message=entry.get("message", None).opt_str(),
            extra=extra,
            scale=scale,
            **kw,
        )


def _source(name: str | None, ctx: Context) -> str | None:
    """The user's own input for a name the service echoed (matched with whitespace stripped)."""
    if name is None:
        return ctx.source
    if ctx.sources:
        return ctx.sources.get(name.strip(), name)
    return name


class LegacyBatch(BatchAdapter):
    """A ``result_list`` in which no entry has data (every image failed): idcard or namecard."""

    name = "legacy_batch"
    endpoint = None
    priority = 80

    def sniff(self, obj: dict) -> bool:
        return isinstance(obj.get("result_list"), list)

    def parse_data(self, data, ctx, entry, source, extra) -> None:
        raise data.fail("a successful entry, but the card type is unknown: pass endpoint=")


class ErrorBody(Adapter):
    """A request-level error: ``{"code": <non-zero>, "message": …}`` with no results to read."""

    name = "error"
    endpoint = None
    priority = 90

    def sniff(self, obj: dict) -> bool:
        code = obj.get("code")
        return (
            isinstance(code, int)
            and not isinstance(code, bool)
            and code != 0
            and not ({"result_list", "Response"} & obj.keys())
        )

    def parse(self, obj: dict, ctx: Context) -> None:
        self.failed_image(self.reader(obj), ctx)

"""How deep a JSON text nests its arrays and objects, told from the text without parsing it.

Python's JSON parser and Arrow's recurse: on a hostile document nested thousands deep the one
runs to the recursion limit (and the garbage collector, should it run at that depth, calls
other objects' finalizers with no stack left), the other crashes the process. Readers measure
first and refuse what nests deeper than any response does (:data:`MAX_DEPTH`); :func:`loads` is
the one safe parse every reader of untrusted JSON calls.

>>> nests_deeper("[" * 5000 + "]" * 5000, MAX_DEPTH)
True
"""

from __future__ import annotations

import json

import numpy as np

#: the deepest nesting of arrays and objects a response may have (the deepest format nests about
#: a dozen): a deeper one is refused before anything walks it, as no reader could recurse so far
MAX_DEPTH = 100
#: what a text or value nested deeper than :data:`MAX_DEPTH` is told
TOO_DEEP = f"arrays and objects nested more than {MAX_DEPTH} levels deep"
#: every byte but those that make JSON's nesting: quotes, brackets (and newlines, in JSONL)
_NOT_NESTING = bytes(sorted(set(range(256)) - set(b'"[]{}\n')))
_NOT_NESTING_DOCUMENT = bytes(sorted(set(range(256)) - set(b'"[]{}')))
#: brackets and newlines as steps of the nesting depth (as int8)
_STEPS = bytes.maketrans(b"[{]}\n", b"\x01\x01\xff\xff\x00")


class TooDeep(ValueError):
    """A JSON text nesting its arrays and objects deeper than :data:`MAX_DEPTH`: each caller says
    it in its own terms (an API error code, a file's name)."""


def loads(text: str | bytes) -> object:
    """``json.loads``, after refusing a text that nests deeper than :data:`MAX_DEPTH`
    (:class:`TooDeep`, told without parsing); a text that is no JSON raises as ``json.loads``.

    >>> loads('{"a": [1]}')
    {'a': [1]}
    >>> loads("[" * 5000 + "]" * 5000)
    Traceback (most recent call last):
    ...
    ocrframe.core.json_depth.TooDeep: arrays and objects nested more than 100 levels deep
    """
    if nests_deeper(text, MAX_DEPTH):
        raise TooDeep(TOO_DEEP)
    return json.loads(text)


def nests_deeper(text: str | bytes, limit: int) -> bool:
    """Whether the JSON document ``text`` nests arrays and objects more than ``limit`` deep,
    told without parsing it: a parser recursing thousands deep into a hostile document leaves
    no stack for the garbage collector's finalizers, should it run then.

    >>> nests_deeper("[" * 5000 + "]" * 5000, 100), nests_deeper('{"a": [[1]]}', 2)
    (True, True)
    >>> nests_deeper('{"a": "[[[[["}', 2)
    False
    """
    raw = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else bytes(text)
    # fewer brackets cannot nest so deep
    return raw.count(b"[") + raw.count(b"{") > limit and deepest(raw, lines=False) > limit


def deepest(text: bytes, lines: bool = True) -> int:
    """The deepest nesting of arrays and objects in JSON ``text``: of each of its lines (JSONL,
    ``text`` starting a line), or of ``text`` as one document (``lines=False``, newlines being
    no more than spaces).

    >>> deepest(b'[{"a": "[[["}, [[]]]'), deepest(b'{"a":\\n [[1]]}', lines=False)
    (3, 3)
    """
    if b"\\" in text:  # escapes, left to right as a parser reads them: no quote is escaped then
        text = text.replace(b"\\\\", b"__").replace(b'\\"', b"__")
    marks = text.translate(None, _NOT_NESTING if lines else _NOT_NESTING_DOCUMENT)
    count = np.int32 if len(marks) < 1 << 31 else np.int64
    # the common case: no string holds a bracket (or a newline), so every string's quotes are
    # side by side here, and the brackets alone tell the nesting
    bare = marks.replace(b'""', b"")
    if b'"' not in bare:
        steps = np.frombuffer(bare.translate(_STEPS), dtype=np.int8)
        depth = np.cumsum(steps, dtype=count)
        if not depth[steps == 0].any():  # every line closes all it opens
            return max(int(depth.max()), 0) if len(depth) else 0
    ch = np.frombuffer(marks, dtype=np.uint8)
    newline = ch == 10
    quotes = np.cumsum(ch == 34, dtype=count)
    if (quotes[newline] & 1).any():  # a line's string left open: count from each line's start
        quotes = _per_line(quotes, newline)
    step = ((ch == 91) | (ch == 123)).astype(np.int8) - ((ch == 93) | (ch == 125))
    step[(quotes & 1).astype(bool)] = 0  # brackets in strings
    depth = np.cumsum(step, dtype=count)
    if depth[newline].any():  # a line left open (or closed too often)
        depth = _per_line(depth, newline)
    return max(int(depth.max()), 0)


def _per_line(counts: np.ndarray, newline: np.ndarray) -> np.ndarray:
    """Running ``counts`` restarted at each line (``newline`` marks the line ends)."""
    return counts - np.concatenate([[0], counts[newline]])[np.cumsum(newline)]

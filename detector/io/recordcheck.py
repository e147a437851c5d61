"""Why one raw record cannot be read: NUL bytes, invalid UTF-8, deep nesting, a cut tail.

The skip reasons named here are shared by the JSON and CSV readers so that
the ingest summary counts the same problem under the same name whatever the
format. The checks are cheap enough to run on every record: a byte count
or one regular-expression search in C, and an exact nesting scan only for
the rare record holding more than :data:`MAX_NESTING` brackets.
"""

from __future__ import annotations

import re

__all__ = [
    "MAX_NESTING",
    "NUL_BYTE",
    "INVALID_UTF8",
    "TOO_DEEP",
    "TRUNCATED",
    "MALFORMED_JSON",
    "nesting_depth",
    "too_deep",
    "has_escaped_bytes",
    "why_unreadable",
]

MAX_NESTING = 128
"""Deepest JSON nesting (arrays + objects) a record may have; real posts need about 10."""

NUL_BYTE = "NUL byte"
INVALID_UTF8 = "invalid UTF-8"
TOO_DEEP = f"nesting deeper than {MAX_NESTING}"
TRUNCATED = "truncated record (cut stream)"
MALFORMED_JSON = "malformed JSON"

_TOKENS_STR = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')
_TOKENS_BYTES = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')
_ESCAPED = re.compile("[\udc80-\udcff]")
"""Lone surrogates that ``errors="surrogateescape"`` makes of undecodable bytes."""


def nesting_depth(text: str | bytes, limit: int = MAX_NESTING) -> int:
    """Deepest bracket nesting of a JSON text (strings ignored); stops counting past ``limit``."""
    pattern = _TOKENS_BYTES if isinstance(text, bytes) else _TOKENS_STR
    opening = (b"[", b"{") if isinstance(text, bytes) else ("[", "{")
    closing = (b"]", b"}") if isinstance(text, bytes) else ("]", "}")
    depth = deepest = 0
    for match in pattern.finditer(text):
        tok = match.group()
        if tok in opening:
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    return deepest
        elif tok in closing:
            depth = max(depth - 1, 0)
    return deepest


def too_deep(text: str | bytes) -> bool:
    """True when ``text`` nests brackets deeper than :data:`MAX_NESTING` (fast path: few brackets)."""
    if isinstance(text, bytes):
        brackets = text.count(b"[") + text.count(b"{")
    else:
        brackets = text.count("[") + text.count("{")
    return brackets > MAX_NESTING and nesting_depth(text) > MAX_NESTING


def has_escaped_bytes(text: str) -> bool:
    """True when ``text`` holds bytes that were not valid UTF-8 (decoded with surrogateescape)."""
    return _ESCAPED.search(text) is not None


def why_unreadable(raw: str | bytes, cut: bool = False) -> str:
    """The skip reason for a record the JSON parser rejected.

    ``cut`` is True for the last, incomplete record of a damaged compressed
    stream. Otherwise: a raw NUL byte, then bytes that are not UTF-8, then
    nesting beyond :data:`MAX_NESTING`, else plain malformed JSON.
    """
    if cut:
        return TRUNCATED
    if isinstance(raw, bytes):
        if b"\x00" in raw:
            return NUL_BYTE
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            return INVALID_UTF8
    else:
        if "\x00" in raw:
            return NUL_BYTE
        if has_escaped_bytes(raw):
            return INVALID_UTF8
    if too_deep(raw):
        return TOO_DEEP
    return MALFORMED_JSON

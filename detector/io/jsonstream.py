"""Streaming JSON: JSON Lines, JSON arrays and concatenated JSON values, record by record.

No input is ever loaded whole (except a single top-level value, which must fit
in memory anyway). JSON Lines are parsed line by line (with :mod:`orjson`
when installed). Arrays and concatenated or pretty-printed values go through
an incremental splitter built on :meth:`json.JSONDecoder.raw_decode`; a
malformed element is skipped by bracket matching, so the records after it are
still read.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from typing import Any

from detector.io.log import IngestLog
from detector.io.recordcheck import (
    INVALID_UTF8,
    TOO_DEEP,
    has_escaped_bytes,
    too_deep,
    why_unreadable,
)
from detector.io.source import HEAD_BYTES, Source

try:  # orjson is optional: same results, about 2-3x faster parsing
    import orjson

    _loads = orjson.loads
    _DecodeError: tuple[type[Exception], ...] = (orjson.JSONDecodeError, ValueError, RecursionError)
except ImportError:  # pragma: no cover - exercised only without orjson
    _loads = json.loads
    _DecodeError = (ValueError, RecursionError)

__all__ = ["iter_json", "loads", "first_values", "looks_like_json"]

loads = _loads

_READ = 1 << 20
_NEAR_END = 1 << 16
_SKIP_WS = re.compile(r"[\s,]*")
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|"|[\[\]{},]')
_DECODER = json.JSONDecoder()


def looks_like_json(head: bytes, *, any_line: bool = False) -> bool:
    """True when most (``any_line``: any) of the first non-empty lines start like JSON."""
    lines = [line.strip() for line in head.lstrip(b"\xef\xbb\xbf").split(b"\n")[:50]]
    lines = [line for line in lines if line]
    if not lines:
        return False
    if lines[0][:1] in (b"{", b"["):
        return True
    jsonish = sum(1 for line in lines if line[:1] in (b"{", b"["))
    return jsonish > 0 if any_line else jsonish * 2 > len(lines)


def _first_char(head: bytes) -> str:
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return chr(stripped[0]) if stripped else ""


def iter_json(source: Source, log: IngestLog) -> Iterator[tuple[int, Any]]:
    """Yield ``(line, value)`` for each JSON record of ``source``.

    A file starting with ``[`` is read as a JSON array (one record per
    element); otherwise as JSON Lines, falling back to concatenated values
    when the first line is not a complete JSON value (pretty-printed files).
    Unreadable records are counted in ``log`` (read and skipped, by reason:
    ``malformed JSON``, ``NUL byte``, ``invalid UTF-8``, nesting too deep, or
    the cut last record of a damaged compressed stream; see
    :mod:`detector.io.recordcheck`) and not yielded; good ones are yielded
    uncounted (the format reader decides how many records a value holds).
    """
    head = source.head()
    if _first_char(head) == "[":
        yield from _iter_values(source, log)
        return
    head_lines = [line for line in head.lstrip(b"\xef\xbb\xbf").split(b"\n")[:3] if line.strip()]
    first_line = head_lines[0].strip() if head_lines else b""
    indented = len(head_lines) > 1 and head_lines[1][:1] in (b" ", b"\t")
    pretty = first_line.startswith(b"{") and not first_line.endswith(b"}") and indented
    if pretty:
        try:
            _loads(first_line)
        except _DecodeError:
            yield from _iter_values(source, log)
            return
    yield from _iter_lines(source, log)


def _iter_lines(source: Source, log: IngestLog) -> Iterator[tuple[int, Any]]:
    with source.open() as stream:
        for lineno, raw in enumerate(stream, start=1):
            line = raw.strip()
            if not line:
                continue
            if lineno == 1 and line.startswith(b"\xef\xbb\xbf"):
                line = line[3:]
            try:
                value = _loads(line)
            except _DecodeError as exc:
                log.records_read += 1
                cut = source.truncated is not None and not raw.endswith(b"\n")
                log.skip(why_unreadable(line, cut), source.name, lineno, str(exc) or type(exc).__name__)
                continue
            if too_deep(line):
                log.records_read += 1
                log.skip(TOO_DEEP, source.name, lineno)
                continue
            yield lineno, value


def _element_end(buf: str, pos: int) -> int | None:
    """End index of the JSON value (or garbage) starting at ``pos``, None if incomplete.

    Bracket matching that respects strings; a scalar or garbage ends at the
    next ``,`` / ``]`` / ``}`` at depth zero or at a newline; a closing
    bracket that does not match ends the (malformed) value right there.
    """
    stack: list[str] = []
    boundary = min((i for i in (buf.find("\n{", pos), buf.find("\n[", pos)) if i >= 0), default=-1)
    for match in _TOKEN.finditer(buf, pos):
        tok = match.group()
        if stack and 0 <= boundary < match.start():
            return boundary  # a value starting at column 0: the broken one ended before it
        if tok == '"':
            return None  # unterminated string: need more input
        if tok in "[{":
            stack.append("]" if tok == "[" else "}")
        elif tok in "]}":
            if not stack:
                return match.start()
            if stack.pop() != tok:
                return match.end()
            if not stack:
                return match.end()
        elif tok == "," and not stack:
            return match.start()
        elif not stack and tok.startswith('"'):
            newline = buf.find("\n", pos, match.start())
            if newline >= 0:
                return newline
    if not stack:
        newline = buf.find("\n", pos)
        if newline >= 0:
            return newline
    return None


def _iter_values(source: Source, log: IngestLog) -> Iterator[tuple[int, Any]]:
    decoder = codecs.getincrementaldecoder("utf-8")(errors="surrogateescape")
    with source.open() as stream:
        buf = ""
        pos = 0
        line = 1  # line number at buf[pos]
        eof = False
        depth = 0  # 1 inside a top-level array

        def more() -> bool:
            nonlocal buf, pos, eof
            if eof:
                return False
            chunk = stream.read(max(_READ, len(buf) - pos))  # doubling: a huge value stays O(n)
            if not chunk:
                eof = True
                buf = buf[pos:] + decoder.decode(b"", final=True)
                pos = 0
                return bool(buf)
            buf = buf[pos:] + decoder.decode(chunk)
            pos = 0
            return True

        more()
        if buf.startswith("\ufeff"):
            pos = 1
        while True:
            skip = _SKIP_WS.match(buf, pos).end()
            line += buf.count("\n", pos, skip)
            pos = skip
            if pos >= len(buf):
                if not more():
                    break
                continue
            char = buf[pos]
            if char == "[" and depth == 0:
                depth = 1
                pos += 1
                continue
            if char == "]":
                depth = max(depth - 1, 0)
                pos += 1
                continue
            try:
                value, end = _DECODER.raw_decode(buf, pos)
                error, near = None, 0
            except json.JSONDecodeError as exc:
                error, near = exc.msg, exc.pos
            except RecursionError:
                error, near = TOO_DEEP, 0
            if error is not None:
                if not eof and near and len(buf) - near < _NEAR_END:
                    more()  # most likely the value continues in the next block
                    continue
                end = _element_end(buf, pos)
                if end is None and not eof:
                    more()
                    continue
                log.records_read += 1
                if end is None:
                    cut = source.truncated is not None
                    reason = why_unreadable(buf[pos:], cut)
                    log.skip(reason, source.name, line, f"truncated: {error}")
                    break
                end = max(end, pos + 1)
                log.skip(why_unreadable(buf[pos:end]), source.name, line, error)
                line += buf.count("\n", pos, end)
                pos = end
                continue
            if end >= len(buf) and not eof and isinstance(value, (int, float)):
                more()  # a number may continue in the next block
                continue
            text = buf[pos:end]
            bad = INVALID_UTF8 if has_escaped_bytes(text) else TOO_DEEP if too_deep(text) else None
            if bad is not None:
                log.records_read += 1
                log.skip(bad, source.name, line)
            else:
                yield line, value
            line += buf.count("\n", pos, end)
            pos = end

_TOP_KEYS = re.compile(r'^\s*\{\s*"([^"\\]{1,40})"\s*:\s*([\[{"])')


def first_values(source: Source, limit: int = 20) -> list[Any]:
    """Up to ``limit`` JSON values from the first bytes of ``source`` (for sniffing).

    Only the sniffing head (64 KiB) is parsed. When it holds no complete value
    (one huge object such as ``{"statuses": [...]}``), a stub ``{key: []}``
    or ``{key: {}}`` naming the object's first key is returned instead.
    """
    out: list[Any] = []
    for size in (HEAD_BYTES, 1 << 22):
        text = source.head(size).decode("utf-8", errors="replace").lstrip("\ufeff")
        out = _values_in(text, limit)
        if out or len(text) < size - 4:
            break
    if not out:
        match = _TOP_KEYS.match(text)
        if match:
            out.append(
                {
                    match.group(1): []
                    if match.group(2) == "["
                    else {}
                    if match.group(2) == "{"
                    else ""
                }
            )
    return out


def _values_in(text: str, limit: int) -> list[Any]:
    """Complete JSON values at the start of ``text`` (an array's elements when it opens one)."""
    out: list[Any] = []
    pos = 0
    in_array = text.lstrip().startswith("[")
    if in_array:
        pos = text.index("[") + 1
    while len(out) < limit:
        pos = _SKIP_WS.match(text, pos).end()
        if pos >= len(text):
            break
        if text[pos] == "]":  # end of an array; values may follow (JSON Lines after an array line)
            pos += 1
            continue
        try:
            value, pos = _DECODER.raw_decode(text, pos)
        except (json.JSONDecodeError, RecursionError):
            end = _element_end(text, pos)
            if end is None:
                break
            pos = max(end, pos + 1)
            continue
        out.append(value)
    return out

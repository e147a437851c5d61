"""Opening inputs: directories, compression by magic bytes, binary and empty files.

Every reader gets a :class:`Source`. Its :meth:`Source.open` returns a
buffered binary stream of the *decompressed* content (gzip, zstd, bzip2 and xz
are recognised from their first bytes, never from the file name). A stream
that ends early (a truncated download) does not raise in the middle of a
reader: it ends, and :attr:`Source.truncated` tells why, so that every record
read before the damage is kept.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from detector.io.decompress import MAGIC, Damage, DamageTolerantReader
from detector.io.log import IngestLog, InputError

__all__ = ["Source", "expand_inputs", "HEAD_BYTES"]

HEAD_BYTES = 1 << 16
"""How many decompressed bytes are looked at to sniff a format (64 KiB)."""

_BUFFER = 1 << 20


class Source:
    """One input file.

    Attributes
    ----------
    path : Path
    name : str
        The path as given by the user (used in every message).
    compression : str or None
        ``gzip``, ``zstd``, ``bz2``, ``xz`` or None.
    truncated : str or None
        Set once reading hit a damaged or truncated compressed stream.
    damage : Damage or None
        Where that stream stopped (compressed byte offset, line...).
    ends_with_newline : bool
        False when the last stream opened ended in the middle of a line.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.name = str(path)
        self.truncated: str | None = None
        self.damage: Damage | None = None
        self._reader: DamageTolerantReader | None = None
        try:
            with open(self.path, "rb") as fh:
                magic = fh.read(6)
        except OSError as exc:
            raise InputError(f"{self.name}: cannot open ({exc.strerror or exc})") from None
        self.compression = next((c for m, c in MAGIC.items() if magic.startswith(m)), None)
        self.size = self.path.stat().st_size
        self._head: bytes | None = None

    def open(self) -> BinaryIO:
        """A buffered binary stream of the decompressed content.

        A compressed stream ends quietly at the first damage; :attr:`truncated`
        and :attr:`damage` are then set (when the stream is read to that point).
        """
        if self.compression is None:
            return open(self.path, "rb", buffering=_BUFFER)
        reader = DamageTolerantReader(open(self.path, "rb"), self.compression, self._damaged)  # noqa: SIM115
        self._reader = reader
        return io.BufferedReader(reader, _BUFFER)  # type: ignore[arg-type]

    def _damaged(self, damage: Damage) -> None:
        self.damage = damage
        self.truncated = damage.message()

    @property
    def ends_with_newline(self) -> bool:
        """False when the last compressed stream opened stopped in the middle of a line."""
        return self._reader is None or self._reader.ends_with_newline

    def head(self, n: int = HEAD_BYTES) -> bytes:
        """The first ``n`` decompressed bytes (cached); raises :class:`InputError` on damage."""
        if self._head is None or len(self._head) < n:
            probe = Source(self.path)
            with probe.open() as stream:
                self._head = stream.read(n)
            if probe.truncated and not self._head.strip():
                raise InputError(f"{self.name}: {probe.truncated}; nothing could be read")
        return self._head[:n]

    def is_parquet(self) -> bool:
        """True when the file is an (uncompressed) Parquet file."""
        return self.compression is None and self.head(4) == b"PAR1"

    def check_text(self) -> None:
        """Raise :class:`InputError` for an empty or binary (non-text) file."""
        head = self.head()
        if not head.strip():
            what = "is empty" if not head else "holds only whitespace"
            if self.compression and not head:
                what = f"is empty after {self.compression} decompression"
            raise InputError(f"{self.name}: file {what}; expected social-media posts (JSON or CSV)")
        if head.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(head):
            raise InputError(
                f"{self.name}: UTF-16 text is not supported; convert the file to UTF-8"
            )
        if head.startswith(b"PK\x03\x04"):
            raise InputError(
                f"{self.name}: is a zip archive; unzip it and pass the files or the folder"
            )
        kind = next((k for magic, k in _BINARY_MAGIC.items() if head.startswith(magic)), None)
        if kind is not None or _odd_share(head) > BINARY_SHARE:
            raise InputError(
                f"{self.name}: binary file{f' ({kind})' if kind else ''}, not text; expected JSON, "
                "JSON Lines, CSV or Parquet (optionally gzip/zstd/bz2/xz compressed)"
            )


BINARY_SHARE = 0.1
"""Share of the sniffed head (characters) that may be control bytes, NUL or invalid UTF-8
before a file is called binary. A few bad records in a text file stay far below it; they
are skipped one by one (reasons ``NUL byte``, ``invalid UTF-8``)."""

_BINARY_MAGIC = {
    b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
    b"%PDF": "PDF document",
    b"\x7fELF": "executable",
    b"SQLite format 3\x00": "SQLite database",
    b"7z\xbc\xaf\x27\x1c": "7-Zip archive",
    b"Rar!": "RAR archive",
    b"\xd0\xcf\x11\xe0": "Office document",
}
_ODD = bytes(b for b in range(32) if b not in (9, 10, 12, 13))


def _odd_share(head: bytes) -> float:
    """Share of characters in ``head`` that are control bytes or not UTF-8."""
    if not head:
        return 0.0
    body = head[: len(head) - 3] if len(head) == HEAD_BYTES else head  # a cut last character
    text = body.decode("utf-8", errors="replace")
    odd = text.count("\ufffd") + sum(body.count(bytes([b])) for b in _ODD)
    return odd / max(len(text), 1)


def _looks_utf16(head: bytes) -> bool:
    """UTF-16 without a byte-order mark: NUL in (nearly) every other byte of ASCII-ish text."""
    if len(head) < 16:
        return False
    half = len(head) // 2
    return max(head[0::2].count(0), head[1::2].count(0)) > 0.9 * half and head.count(0) < 1.1 * half

def expand_inputs(
    paths: Iterable[str | os.PathLike[str]], log: IngestLog
) -> list[tuple[Path, bool]]:
    """Turn files and directories into ``(file, found_in_a_directory)`` pairs (sorted, recursive).

    Hidden files (``.name``) and empty files inside directories are skipped
    (empty ones with a notice); a directory with nothing to read, or a path
    that does not exist, raises :class:`InputError`.
    """
    out: list[tuple[Path, bool]] = []
    paths = list(paths)
    if not paths:
        raise InputError("no input given; expected one or more files or directories")
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = []
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path)
                if any(part.startswith(".") for part in rel.parts) or not child.is_file():
                    continue
                if child.stat().st_size == 0:
                    log.notice(f"{child}: empty file, skipped")
                    continue
                found.append(child)
            if not found:
                raise InputError(f"{raw}: directory holds no readable input file")
            out.extend((f, True) for f in found)
        elif path.exists():
            if not path.is_file():
                raise InputError(f"{raw}: not a regular file")
            out.append((path, False))
        else:
            raise InputError(f"{raw}: no such file or directory")
    return out

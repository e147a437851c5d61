"""Opening inputs: directories, compression by magic bytes, binary and empty files.

Every reader gets a :class:`Source`. Its :meth:`Source.open` returns a
buffered binary stream of the *decompressed* content (gzip, zstd, bzip2 and xz
are recognised from their first bytes, never from the file name). A stream
that ends early (a truncated download) does not raise in the middle of a
reader: it ends, and :attr:`Source.truncated` tells why, so that every record
read before the damage is kept.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

import zstandard

from detector.io.log import IngestLog, InputError

__all__ = ["Source", "expand_inputs", "HEAD_BYTES"]

HEAD_BYTES = 1 << 16
"""How many decompressed bytes are looked at to sniff a format (64 KiB)."""

_MAGIC = {
    b"\x1f\x8b": "gzip",
    b"\x28\xb5\x2f\xfd": "zstd",
    b"BZh": "bz2",
    b"\xfd7zXZ\x00": "xz",
}
_BUFFER = 1 << 20


class _ZstdRaw(io.RawIOBase):
    """Streaming zstd decompression that notices a truncated last frame."""

    def __init__(self, fh: BinaryIO) -> None:
        self._fh = fh
        self._dctx = zstandard.ZstdDecompressor()
        self._dobj = self._dctx.decompressobj()
        self._pending = b""
        self._in_frame = False
        self._eof = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        while not self._pending and not self._eof:
            raw = self._fh.read(_BUFFER)
            if not raw:
                self._eof = True
                if self._in_frame:
                    raise EOFError("zstd stream ended before the end of its frame")
                break
            while raw:
                self._in_frame = True
                self._pending += self._dobj.decompress(raw)
                if self._dobj.eof:
                    raw = self._dobj.unused_data
                    self._dobj = self._dctx.decompressobj()
                    self._in_frame = False
                else:
                    raw = b""
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n

    def close(self) -> None:
        self._fh.close()
        super().close()


class _Guarded(io.RawIOBase):
    """Turn a decompression failure into end-of-stream and remember the message."""

    def __init__(self, inner: BinaryIO, source: Source, raw: BinaryIO) -> None:
        self._inner = inner
        self._source = source
        self._raw = raw

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        if self._source.truncated:
            return 0
        try:
            return self._inner.readinto(buffer)
        except (
            EOFError,
            zlib.error,
            gzip.BadGzipFile,
            OSError,
            lzma.LZMAError,
            zstandard.ZstdError,
        ) as exc:
            self._source.truncated = (
                f"{self._source.compression} stream is damaged or truncated ({exc})"
            )
            return 0

    def close(self) -> None:
        self._inner.close()
        self._raw.close()
        super().close()


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
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.name = str(path)
        self.truncated: str | None = None
        try:
            with open(self.path, "rb") as fh:
                magic = fh.read(6)
        except OSError as exc:
            raise InputError(f"{self.name}: cannot open ({exc.strerror or exc})") from None
        self.compression = next((c for m, c in _MAGIC.items() if magic.startswith(m)), None)
        self.size = self.path.stat().st_size
        self._head: bytes | None = None

    def open(self) -> BinaryIO:
        """A buffered binary stream of the decompressed content."""
        if self.compression is None:
            return open(self.path, "rb", buffering=_BUFFER)
        fh = open(self.path, "rb")  # noqa: SIM115 - closed by _Guarded.close
        if self.compression == "gzip":
            inner: BinaryIO = gzip.GzipFile(fileobj=fh)
        elif self.compression == "zstd":
            inner = _ZstdRaw(fh)  # type: ignore[assignment]
        elif self.compression == "bz2":
            inner = bz2.BZ2File(fh)  # type: ignore[assignment]
        else:
            inner = lzma.LZMAFile(fh)  # type: ignore[assignment]  # noqa: SIM115
        return io.BufferedReader(_Guarded(inner, self, fh), _BUFFER)  # type: ignore[arg-type]

    def head(self, n: int = HEAD_BYTES) -> bytes:
        """The first ``n`` decompressed bytes (cached); raises :class:`InputError` on damage."""
        if self._head is None or len(self._head) < n:
            probe = Source(self.path)
            with probe.open() as stream:
                self._head = stream.read(n)
            if probe.truncated and not self._head:
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
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise InputError(
                f"{self.name}: UTF-16 text is not supported; convert the file to UTF-8"
            )
        if head.startswith(b"PK\x03\x04"):
            raise InputError(
                f"{self.name}: is a zip archive; unzip it and pass the files or the folder"
            )
        text = head[: len(head) - 3 if len(head) == HEAD_BYTES else len(head)].decode(
            "utf-8", errors="replace"
        )
        odd = text.count("\ufffd") + sum(
            text.count(chr(b)) for b in range(32) if b not in (9, 10, 12, 13)
        )
        if b"\x00" in head or odd > max(len(text) // 10, 4):
            raise InputError(
                f"{self.name}: binary file, not text; expected JSON, JSON Lines, CSV or Parquet "
                "(optionally gzip/zstd/bz2/xz compressed)"
            )


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

"""Streaming decompression that yields everything up to the point of damage.

:class:`DamageTolerantReader` wraps a compressed file (gzip, zstd, bzip2 or
xz; several concatenated members/frames/streams allowed) as a raw binary
stream. The compressed input is fed to the decompressor in blocks of
:data:`FEED_BYTES`; every byte the decompressor produced before the input
ended (a cut download) or before it raised (corrupt data) is returned. Then
the stream ends quietly and :attr:`DamageTolerantReader.damage` says where:
the compressed byte offset, how many decompressed bytes were delivered and
on which (1-based) line of the decompressed text the stream stopped.

A cut stream loses nothing that was decompressible. Corrupt data in the
middle loses at most the output of the one feed block in which the
decompressor failed (gzip/zlib: nothing, the block is replayed in small
pieces from a copy of the decompressor state).
"""

from __future__ import annotations

import bz2
import io
import lzma
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO

import zstandard

__all__ = ["Damage", "DamageTolerantReader", "MAGIC", "FEED_BYTES"]

MAGIC: dict[bytes, str] = {
    b"\x1f\x8b": "gzip",
    b"\x28\xb5\x2f\xfd": "zstd",
    b"BZh": "bz2",
    b"\xfd7zXZ\x00": "xz",
}
"""Magic bytes -> compression name (compression is never guessed from a file name)."""

FEED_BYTES = 1 << 16
"""Compressed bytes handed to the decompressor per call (64 KiB)."""

_REPLAY_BYTES = 64
"""Piece size when a failing gzip block is replayed to keep the output before the error."""

_ERRORS: tuple[type[Exception], ...] = (
    EOFError,
    OSError,
    ValueError,
    zlib.error,
    lzma.LZMAError,
    zstandard.ZstdError,
)


@dataclass(frozen=True)
class Damage:
    """Where a compressed stream stopped being readable.

    ``byte_offset`` is the offset in the compressed file (bytes) where the
    damage was found: the file size for a cut stream, the start of the failing
    feed block for corrupt data. ``decompressed_bytes`` were delivered before
    it; ``line`` is the 1-based line of the decompressed text at that point.
    """

    compression: str
    byte_offset: int
    decompressed_bytes: int
    line: int
    reason: str

    def message(self) -> str:
        """One line: what happened and where (without the file name)."""
        return (
            f"{self.compression} stream is damaged or truncated ({self.reason}) at compressed byte "
            f"{self.byte_offset:,}, after {self.decompressed_bytes:,} decompressed bytes (line {self.line})"
        )


def _new_decompressor(compression: str) -> Any:
    if compression == "gzip":
        return zlib.decompressobj(wbits=31)
    if compression == "zstd":
        return zstandard.ZstdDecompressor().decompressobj()
    if compression == "bz2":
        return bz2.BZ2Decompressor()
    return lzma.LZMADecompressor()


class DamageTolerantReader(io.RawIOBase):
    """Raw stream of the decompressed content of ``fh``; ends at the first damage."""

    def __init__(
        self, fh: BinaryIO, compression: str, on_damage: Callable[[Damage], None] | None = None
    ) -> None:
        self._fh = fh
        self._on_damage = on_damage
        self.compression = compression
        self._magic = next(m for m, c in MAGIC.items() if c == compression)
        self._dec: Any = _new_decompressor(compression)
        self._in_member = False
        self._pending = b""
        self._done = False
        self._offset = 0  # compressed bytes consumed
        self._out = 0  # decompressed bytes delivered
        self._newlines = 0
        self.damage: Damage | None = None
        self.ends_with_newline = True

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:  # type: ignore[override]
        while not self._pending and not self._done:
            self._fill()
        n = min(len(buffer), len(self._pending))
        if not n:
            return 0
        out = self._pending[:n]
        buffer[:n] = out
        self._pending = self._pending[n:]
        self._out += n
        self._newlines += out.count(b"\n")
        self.ends_with_newline = out.endswith(b"\n")
        return n

    def _fill(self) -> None:
        raw = self._fh.read(FEED_BYTES)
        if not raw:
            self._done = True
            if self._in_member:
                self._fail("the stream ends before the end of its last member")
            return
        start = self._offset
        self._offset += len(raw)
        while raw:
            if not self._in_member:
                if not raw.startswith(self._magic[: len(raw)]):
                    if raw.strip(b"\x00"):  # zero padding after the last member is harmless
                        self._done = True
                        self._fail(f"{len(raw)}+ bytes after the end that are not {self.compression}",
                                   at=start)  # fmt: skip
                    return
                self._in_member = True
            try:
                raw = self._feed(raw)
            except _ERRORS as exc:
                self._done = True
                self._fail(str(exc) or type(exc).__name__, at=start)
                return

    def _feed(self, raw: bytes) -> bytes:
        """Decompress ``raw``; return the bytes after the end of the current member."""
        backup = self._dec.copy() if self.compression == "gzip" else None
        try:
            self._pending += self._dec.decompress(raw)
        except _ERRORS:
            if backup is not None:
                self._replay(backup, raw)
            raise
        if not self._dec.eof:
            return b""
        rest = self._dec.unused_data
        self._dec = _new_decompressor(self.compression)
        self._in_member = False
        return rest

    def _replay(self, dec: Any, raw: bytes) -> None:
        """Feed a failing gzip block again in small pieces to keep the output before the error."""
        for i in range(0, len(raw), _REPLAY_BYTES):
            try:
                self._pending += dec.decompress(raw[i : i + _REPLAY_BYTES])
            except _ERRORS:
                return

    def _fail(self, reason: str, at: int | None = None) -> None:
        pending_newlines = self._pending.count(b"\n")
        self.damage = Damage(
            self.compression,
            self._offset if at is None else at,
            self._out + len(self._pending),
            self._newlines + pending_newlines + 1,
            reason,
        )
        if self._on_damage is not None:
            self._on_damage(self.damage)

    def close(self) -> None:
        self._fh.close()
        super().close()

"""Plain references shared by the reader tests: fixture files per format, codecs, a streaming
decompressor, fixture lines.

Standard library and zstandard only; never the readers under test.
"""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import zlib
from pathlib import Path

import zstandard
from _paths import FIXTURES

CONV = FIXTURES / "conversation"
RESEARCH = FIXTURES / "research"

JSON_FIXTURES: dict[str, Path] = {
    "twitter-v1": CONV / "twitter_v1.jsonl",
    "twitter-v2": CONV / "twitter_v2_flat.jsonl.gz",
    "bluesky": FIXTURES / "bluesky_jetstream.jsonl",
    "mastodon": FIXTURES / "mastodon_statuses.json",  # a JSON array: its elements become lines
    "academictwitter": sorted((RESEARCH / "academictwitter").glob("data_*.json"))[0],
}
"""Reader format -> a fixture file of JSON records in that format."""

CSV_FIXTURES: dict[str, tuple[Path, dict[str, str] | None]] = {
    "io-archive": (CONV / "io_archive.csv", None),
    "coortweet": (CONV / "coortweet.csv", None),
    "csv": (
        CONV / "generic.csv",
        {"event_id": "post_id", "account_id": "author", "ts": "posted", "kind": "type"},
    ),
    "twarc-csv": (RESEARCH / "twarc.csv", None),
    "cnt-csv": (RESEARCH / "cnt.csv", None),
}
"""Reader format -> (a fixture CSV in that format, the ``--map`` it needs or None)."""

CODECS = {
    "gzip": (gzip.compress, lambda: zlib.decompressobj(wbits=31)),
    "zstd": (
        lambda b: zstandard.ZstdCompressor().compress(b),
        lambda: zstandard.ZstdDecompressor().decompressobj(),
    ),
    "bz2": (bz2.compress, bz2.BZ2Decompressor),
    "xz": (lzma.compress, lzma.LZMADecompressor),
}
"""Codec name -> (compress function, decompressor-object factory)."""

DECOMPRESS_ERRORS = (EOFError, OSError, ValueError, zlib.error, lzma.LZMAError, zstandard.ZstdError)


def reference_prefix(data: bytes, codec: str, piece: int = 512) -> bytes:
    """What a plain streaming decompressor gets out of a (cut or corrupt) stream, fed in pieces."""
    dec = CODECS[codec][1]()
    out = []
    for i in range(0, len(data), piece):
        try:
            out.append(dec.decompress(data[i : i + piece]))
        except DECOMPRESS_ERRORS:
            break
    return b"".join(out)


def json_lines(path: Path) -> list[str]:
    """A fixture's records as JSON Lines (a JSON array's elements become lines; gzip read)."""
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    text = raw.decode("utf-8")
    if text.lstrip().startswith("["):
        return [json.dumps(value, ensure_ascii=False) for value in json.loads(text)]
    return [line for line in text.splitlines() if line.strip()]

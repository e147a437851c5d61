"""Memory budget of a scan: ``--memory-limit`` sizes, and what is kept once layers are combined."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import re

import numpy as np
import pandas as pd

__all__ = [
    "PAIR_BLOCK_BYTES_PER_PAIR",
    "pair_block_pairs",
    "parse_size",
    "release_unused_memory",
    "time_ordered",
]

_UNITS = {"": 1, "B": 1, "K": 2**10, "KB": 2**10, "M": 2**20, "MB": 2**20, "G": 2**30, "GB": 2**30, "T": 2**40, "TB": 2**40}

PAIR_BLOCK_BYTES_PER_PAIR = 56
"""Bytes held per in-flight share pair by the co-action aggregation: the 8-byte packed block
plus its run-length parts (three int64 arrays of up to two blocks) before a merge."""

def parse_size(text: str) -> int:
    """Bytes in a size such as ``"3GB"``, ``"512M"``, ``"1.5 G"`` or ``"2000000"`` (binary units).

    Raises
    ------
    ValueError
        Not a positive size.
    """
    m = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*([KMGT]?B?)\s*", str(text).upper())
    if not m or float(m.group(1)) <= 0:
        raise ValueError(f"{text!r} is not a memory size (examples: 3GB, 512MB, 2000000)")
    return int(float(m.group(1)) * _UNITS[m.group(2)])


def pair_block_pairs(memory_limit: int | None, default: int, share: float = 0.25) -> int:
    """Share pairs per co-action aggregation block so that the blocks use at most ``share`` of
    ``memory_limit`` bytes (``default`` without a limit; never below 100,000 pairs)."""
    if memory_limit is None:
        return default
    return int(min(default, max(100_000, memory_limit * share // PAIR_BLOCK_BYTES_PER_PAIR)))



def time_ordered(events: pd.DataFrame) -> pd.DataFrame:
    """``events`` sorted by ``(ts, event_id)`` (stable) with a fresh ``RangeIndex``; the same frame,
    not a copy, when it already is (canonical Parquet from ``detector ingest`` usually is).

    With pandas' copy-on-write a later change to either frame never shows in the other, so
    returning the caller's frame is safe and saves a full copy of the events for the whole scan.
    """
    ts = events["ts"].to_numpy()
    step = np.diff(ts)
    in_order = not (step < 0).any()
    if in_order:
        ties = np.flatnonzero(step == 0)
        if ties.size:
            ids = events["event_id"].to_numpy(dtype=object)
            in_order = bool((ids[ties] <= ids[ties + 1]).all())
    if in_order and isinstance(events.index, pd.RangeIndex) and events.index.start == 0 and events.index.step == 1:
        return events
    out = events if in_order else events.sort_values(["ts", "event_id"], kind="mergesort")
    return out.reset_index(drop=True)


@functools.cache
def _malloc_trim():
    """glibc's ``malloc_trim`` (``None`` on other C libraries)."""
    name = ctypes.util.find_library("c")
    try:
        return getattr(ctypes.CDLL(name), "malloc_trim", None) if name else None
    except OSError:
        return None


def release_unused_memory() -> None:
    """Give memory freed by the tables of a finished stage back to the system.

    Freed blocks stay mapped in the C heap (glibc) and in Arrow's pool
    (mimalloc/jemalloc) until asked; at 1M events that was about 0.7 GB of the
    4.1 GB resident after the scan. Called between scan stages and output files;
    changes no value, only what the process holds (a no-op where unsupported).
    """
    import pyarrow as pa

    trim = _malloc_trim()
    if trim is not None:
        trim(0)
    pa.default_memory_pool().release_unused()

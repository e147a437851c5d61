"""Vectorised timestamp parsing to UTC milliseconds.

Accepted, per value, in one column (mixing allowed):

* epoch numbers (int, float or numeric strings): seconds, milliseconds,
  microseconds or nanoseconds, told apart by magnitude (``>= 1e11`` is taken as
  milliseconds, i.e. after 1973-03 in ms, before year 5138 in seconds);
* ISO-8601 with or without offset (``2018-10-10T20:19:24+09:00``, ``...Z``,
  ``2019-01-01 12:34``); a value without offset is taken as UTC;
* Twitter v1.1's ``Wed Oct 10 20:19:24 +0000 2018``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "parse_times",
    "TWITTER_V1_FORMAT",
    "EARLIEST_MS",
    "LATEST_MS",
    "OUT_OF_RANGE",
    "out_of_range",
]

EARLIEST_MS = 631_152_000_000
"""1990-01-01T00:00:00Z in milliseconds: no social-media post is older."""
LATEST_MS = 4_133_980_800_000
"""2101-01-01T00:00:00Z in milliseconds (exclusive): times up to the end of 2100 are accepted."""
OUT_OF_RANGE = "time out of range (1990..2100)"
"""Skip reason for a timestamp that parses but lies outside the accepted years."""

_ISO_YEAR = r"^\s*([+-]?\d{4,})-\d\d"

TWITTER_V1_FORMAT = "%a %b %d %H:%M:%S %z %Y"

_NUMERIC = r"[+-]?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?"
_FRACTION = r"\d:\d\d:\d\d[.,]\d"


def _to_ms(dt: pd.Series) -> np.ndarray:
    return dt.dt.as_unit("ms").astype("int64").to_numpy()


def parse_times(values: Sequence[Any] | pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Parse timestamps to UTC milliseconds since the epoch.

    Parameters
    ----------
    values : sequence
        Strings, numbers or missing values.

    Returns
    -------
    ms : ndarray of int64
        Milliseconds since 1970-01-01 UTC (0 where not parsed).
    subsecond : ndarray of bool
        True where the source carried sub-second precision (epoch ms, a
        fractional epoch or ISO fraction), so ``ts_ms`` is meaningful.
    ok : ndarray of bool
        False where the value was missing or not understood.
    """
    series = pd.Series(values, dtype=object) if not isinstance(values, pd.Series) else values
    n = len(series)
    ms = np.zeros(n, dtype=np.int64)
    sub = np.zeros(n, dtype=bool)
    ok = np.zeros(n, dtype=bool)
    if n == 0:
        return ms, sub, ok
    text = series.reset_index(drop=True).astype("string").str.strip()
    present = text.notna() & (text != "")
    numeric = (text.str.fullmatch(_NUMERIC).fillna(False).astype(bool) & present).to_numpy()
    if numeric.any():
        num = pd.to_numeric(text[numeric], errors="coerce").to_numpy(dtype=np.float64)
        mag = np.abs(num)
        scale = np.where(
            mag >= 1e17, 1e-6, np.where(mag >= 1e14, 1e-3, np.where(mag >= 1e11, 1.0, 1e3))
        )
        with np.errstate(invalid="ignore", over="ignore"):
            value = np.round(num * scale)
        good = np.isfinite(value) & (np.abs(value) < 9e15)
        idx = np.flatnonzero(numeric)
        ms[idx[good]] = value[good].astype(np.int64)
        ok[idx[good]] = True
        has_point = (
            text[numeric].str.contains(r"[.eE]", regex=True).fillna(False).to_numpy(dtype=bool)
        )
        sub[idx[good]] = ((mag >= 1e11) | has_point)[good]
    rest = present.to_numpy(dtype=bool) & ~numeric
    if rest.any():
        idx = np.flatnonzero(rest)
        strings = text[rest]
        dt = pd.to_datetime(strings, format="ISO8601", utc=True, errors="coerce")
        missing = dt.isna().to_numpy()
        if missing.any():
            second = pd.to_datetime(
                strings[missing], format=TWITTER_V1_FORMAT, utc=True, errors="coerce"
            )
            dt = dt.copy()
            dt[missing] = second
            missing = dt.isna().to_numpy()
        good = ~missing
        if good.any():
            ms[idx[good]] = _to_ms(dt[good])
            ok[idx[good]] = True
            frac = (
                strings[good].str.contains(_FRACTION, regex=True).fillna(False).to_numpy(dtype=bool)
            )
            sub[idx[good]] = frac
    return ms, sub, ok


def out_of_range(values: Sequence[Any] | pd.Series, ms: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """True where a time parsed outside 1990..2100, or is an ISO date whose year pandas cannot hold.

    ``ms`` and ``ok`` are :func:`parse_times`' outputs for ``values``.
    """
    bad = ok & ((ms < EARLIEST_MS) | (ms >= LATEST_MS))
    if (~ok).any():
        idx = np.flatnonzero(~ok)
        text = pd.Series(values, dtype=object).iloc[idx].astype("string")
        year = pd.to_numeric(text.str.extract(_ISO_YEAR, expand=False), errors="coerce")
        far = (year.notna() & ((year < 1990) | (year > 2100))).to_numpy(dtype=bool)
        bad[idx[far]] = True
    return bad

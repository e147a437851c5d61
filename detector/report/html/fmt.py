"""Number, time and duration formatting for the report (plain words, fixed precision)."""

from __future__ import annotations

import math
from datetime import UTC, datetime

__all__ = [
    "as_float",
    "fmt_duration",
    "fmt_float",
    "fmt_int",
    "fmt_pct",
    "fmt_ts",
    "fmt_value",
    "num",
]


def as_float(value: object) -> float | None:
    """``value`` as a finite float, or ``None`` when missing / not a number."""
    if value is None:
        return None
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return out if math.isfinite(out) else None


def fmt_int(value: object) -> str:
    """Integer with thousands separators; ``–`` when missing."""
    x = as_float(value)
    return "\u2013" if x is None else f"{round(x):,}"


def fmt_float(value: object, digits: int = 2) -> str:
    """Fixed-precision float; ``–`` when missing."""
    x = as_float(value)
    return "\u2013" if x is None else f"{x:.{digits}f}"


def fmt_pct(value: object, digits: int = 0) -> str:
    """A share in [0, 1] as a percentage (``0.123`` -> ``12%``); ``–`` when missing."""
    x = as_float(value)
    return "\u2013" if x is None else f"{100.0 * x:.{digits}f}%"


def fmt_ts(value: object, with_seconds: bool = False) -> str:
    """UTC seconds since epoch as ``2024-05-01 12:30 UTC``; ``–`` when missing."""
    x = as_float(value)
    if x is None:
        return "\u2013"
    try:
        moment = datetime.fromtimestamp(int(x), tz=UTC)
    except (OverflowError, OSError, ValueError):
        return "\u2013"
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC" if with_seconds else "%Y-%m-%d %H:%M UTC")


def fmt_duration(seconds: object) -> str:
    """A duration in seconds in plain words: ``45 s``, ``3.5 min``, ``2.0 h``, ``4.1 days``."""
    x = as_float(seconds)
    if x is None:
        return "\u2013"
    if abs(x) < 90:
        return f"{x:.0f} s" if abs(x) >= 10 or x == int(x) else f"{x:.1f} s"
    if abs(x) < 5400:
        return f"{x / 60:.1f} min"
    if abs(x) < 172800:
        return f"{x / 3600:.1f} h"
    return f"{x / 86400:.1f} days"


def num(value: object) -> str:
    """Sort key for a numeric table cell (``data-v``): repr-stable, missing sorts last."""
    x = as_float(value)
    return "" if x is None else repr(round(x, 9))


def fmt_value(value: object) -> str:
    """Any parameter value as short text (lists joined, floats trimmed, None as ``–``)."""
    if value is None:
        return "\u2013"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, list | tuple):
        return ", ".join(fmt_value(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(
            f"{k}: {fmt_value(v)}" for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))
        )
    return str(value)

"""Turn raw per-account signals into calibrated [0, 1] sub-scores.

Nothing here is tuned to a fixture: every scale comes from the data being
scanned. A signal is compared with the *population of accounts in the same
scan* using robust statistics (median and median absolute deviation, MAD),
so "strong" means "far above what most accounts in this data set do".

``robust_z``
    ``(x - median) / (1.4826 * MAD)``; when more than half of the accounts
    have the same value (typically 0, a sparse signal) the MAD is 0 and the
    scale falls back to the median of the values that differ from the median
    (the typical non-zero account), so one account with a single near-duplicate
    is not "infinitely" unusual.
``tail_score``
    maps z to [0, 1] linearly between :data:`Z_LOW` (0: ordinary) and
    :data:`Z_HIGH` (1: extreme).
"""

from __future__ import annotations

import numpy as np

__all__ = ["Z_HIGH", "Z_LOW", "percentile_rank", "robust_z", "tail_score"]

Z_LOW = 2.0
"""Robust z at and below which a signal contributes nothing (about the 98th percentile of a normal)."""

Z_HIGH = 6.0

MIN_LOG_SCALE = 0.5
"""Smallest robust scale trusted for log-transformed signals (half a log unit, a factor ~1.65).

Counts of a few objects are noisy: when nearly every account has 0 and a few have 2-3, the
data's own spread is tiny and any non-zero count would look extreme. With this floor a
signal must be several-fold above the typical account to count fully."""
"""Robust z at and above which a signal counts fully."""


def robust_z(values: np.ndarray, *, log: bool = False, min_scale: float = 0.0) -> np.ndarray:
    """Robust z-scores of ``values`` against their own population.

    Parameters
    ----------
    values : ndarray of float
        One value per account; NaN means unknown (z is NaN there).
    log : bool
        Use ``log1p(values)`` (for heavy-tailed counts and strengths).
    min_scale : float
        Lower bound of the scale (in the units of the, possibly logged, values).

    Returns
    -------
    ndarray of float
        Same shape; NaN where the input is NaN.
    """
    x = np.asarray(values, dtype=float)
    if log:
        x = np.log1p(np.clip(x, 0, None))
    valid = np.isfinite(x)
    z = np.full(x.shape, np.nan)
    if not valid.any():
        return z
    v = x[valid]
    med = float(np.median(v))
    dev = np.abs(v - med)
    scale = 1.4826 * float(np.median(dev))
    if scale <= 0:
        scale = 1.4826 * float(np.mean(dev))
    scale = max(scale, min_scale)
    if scale <= 0:
        z[valid] = 0.0
        return z
    z[valid] = (v - med) / scale
    return z


def tail_score(values: np.ndarray, *, log: bool = False, higher_is_suspicious: bool = True) -> np.ndarray:
    """Calibrated [0, 1] sub-score: 0 up to robust z = :data:`Z_LOW`, 1 from :data:`Z_HIGH`.

    ``log`` compares ``log1p(values)`` (counts, strengths, ages: heavy-tailed,
    and "3 days old" vs "3 years old" is a ratio, not a difference);
    ``higher_is_suspicious=False`` scores the lower tail. NaN inputs (unknown)
    score 0.
    """
    x = np.asarray(values, dtype=float)
    if log:
        x = np.log1p(np.clip(x, 0, None))
    if not higher_is_suspicious:
        x = -x
    z = robust_z(x, min_scale=MIN_LOG_SCALE if log else 0.0)
    s = (z - Z_LOW) / (Z_HIGH - Z_LOW)
    return np.nan_to_num(np.clip(s, 0.0, 1.0), nan=0.0)


def percentile_rank(values: np.ndarray) -> np.ndarray:
    """Share of valid values <= each value (0..1); NaN stays NaN. For reasons text."""
    x = np.asarray(values, dtype=float)
    out = np.full(x.shape, np.nan)
    valid = np.isfinite(x)
    if valid.any():
        v = np.sort(x[valid])
        out[valid] = np.searchsorted(v, x[valid], side="right") / v.size
    return out

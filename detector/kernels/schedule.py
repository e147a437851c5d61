"""Numba kernel for scheduled posting (arrays in, arrays out).

:func:`clock_repeat_counts` finds, per account, the events whose UTC
second-of-day recurs on several distinct days: schedulers fire at the same
clock time (to within seconds) day after day, humans rarely do.

Definition
----------
Event ``i`` of an account, with second-of-day ``x_i = ts_i % 86400`` and day
``d_i = ts_i // 86400``, *repeats* when the account's events ``j`` with
circular clock distance ``min(|x_i - x_j|, 86400 - |x_i - x_j|) <= slot_s``
(``i`` itself included) fall on at least ``min_days`` distinct days ``d_j``.
``86399`` and ``2`` are 3 s apart (the clock wraps at midnight); a
difference of exactly ``slot_s`` counts as within.

Algorithm
---------
Within an account the events are sorted by second-of-day. The circle is
unrolled into three laps (``x - 86400``, ``x``, ``x + 86400``) and a
two-pointer window ``[x_i - slot_s, x_i + slot_s]`` slides over them while
``i`` walks the middle lap; a per-day counter (days remapped to
``0..n_days - 1`` for the account) keeps the number of distinct days in the
window up to date. Each virtual event enters and leaves the window once, so
an account with ``k`` events costs ``O(k)`` (plus ``O(k log k)`` for the day
remap when its days span far more than ``k`` days), whatever ``slot_s`` is.
"""

from __future__ import annotations

import numba
import numpy as np
from numba import prange

__all__ = ["DAY_S", "clock_repeat_counts"]

DAY_S = 86400
"""Seconds per UTC day."""


@numba.njit(cache=True)
def _day_index(days: np.ndarray) -> tuple[np.ndarray, int]:
    """Dense per-account day index ``0..n_days - 1`` (order of days kept) and ``n_days``."""
    k = days.shape[0]
    lo = days.min()
    span = days.max() - lo + 1
    if span <= 4 * k + 64:  # direct offset; the counter array stays O(k)
        out = np.empty(k, np.int64)
        for i in range(k):
            out[i] = days[i] - lo
        return out, span
    uniq = np.unique(days)
    return np.searchsorted(uniq, days).astype(np.int64), uniq.shape[0]


@numba.njit(parallel=True, cache=True)
def clock_repeat_counts(
    offsets: np.ndarray,
    sorted_sod: np.ndarray,
    day_of_sorted: np.ndarray,
    slot_s: int,
    min_days: int,
):
    """Per account: number of events whose clock slot recurs on ``>= min_days`` days.

    Parameters
    ----------
    offsets : int64 array, shape (n_accounts + 1,)
        CSR offsets: account ``a`` owns events ``offsets[a]:offsets[a + 1]``.
    sorted_sod : int64 array, shape (n,)
        UTC second-of-day (``ts % 86400``, in ``[0, 86400)``) of each event,
        ascending within each account.
    day_of_sorted : int64 array, shape (n,)
        UTC day (``ts // 86400``) of the same events, in the same order.
    slot_s : int
        Half-width of the clock slot in seconds (``>= 0``); values above
        43200 (half a day) behave like 43200 (the whole clock).
    min_days : int
        Distinct days (the event's own day included) the slot must recur on.

    Returns
    -------
    int64 array, shape (n_accounts,)
        Events of each account that repeat (see the module docstring).
    """
    n_acc = offsets.shape[0] - 1
    counts = np.zeros(n_acc, np.int64)
    half = min(max(slot_s, 0), DAY_S // 2)
    for a in prange(n_acc):
        s = offsets[a]
        e = offsets[a + 1]
        k = e - s
        if k == 0:
            continue
        if min_days <= 1:
            counts[a] = k
            continue
        day, n_days = _day_index(day_of_sorted[s:e])
        if n_days < min_days:
            continue
        per_day = np.zeros(n_days, np.int64)
        distinct = 0
        lo = 0  # virtual index: lap = v // k (0, 1, 2 -> shift -1, 0, +1 day), event = v % k
        hi = 0
        total = 0
        for i in range(k):
            x = sorted_sod[s + i]
            while hi < 3 * k and sorted_sod[s + hi % k] + (hi // k - 1) * DAY_S <= x + half:
                d = day[hi % k]
                if per_day[d] == 0:
                    distinct += 1
                per_day[d] += 1
                hi += 1
            while sorted_sod[s + lo % k] + (lo // k - 1) * DAY_S < x - half:
                d = day[lo % k]
                per_day[d] -= 1
                if per_day[d] == 0:
                    distinct -= 1
                lo += 1
            if distinct >= min_days:
                total += 1
        counts[a] = total
    return counts

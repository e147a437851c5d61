"""Numba kernels for timing evidence (arrays in, arrays out).

Four jobs, each a pure function of flat NumPy arrays (no pandas, no strings,
no global state, so the same functions can be shipped to Dask workers):

:func:`activity_series`
    Sparse per-account activity series: from events sorted by
    ``(account code, bin)`` give, per account, its sorted unique active bins
    and the number of events in each, in CSR layout ``(offsets, bins,
    counts)``; account ``a`` owns ``bins[offsets[a]:offsets[a + 1]]``.
:func:`lagged_correlation`
    DeBot-style lag-tolerant correlation of candidate pairs: the maximum over
    lags ``l`` in ``[-L, L]`` bins of the Pearson correlation of the two
    binned series, computed from sparse sums (merge-style dot products), in
    parallel over pairs.
:func:`co_active_span`
    First and last co-active bin of a pair at a given lag (edge evidence).
:func:`account_timing_features`
    Per-account timing features (inter-event time mean, CV and log-binned
    entropy, hour-of-day entropy, minimum share of events in any circular
    night window, burst count, active days), in parallel over accounts.

Correlation window
------------------
The correlation of accounts ``a`` and ``b`` at lag ``l`` is the Pearson
correlation of ``x(t)`` and ``y(t + l)`` (``y`` is ``b``'s series moved ``l``
bins earlier, so a positive best lag means *b acts after a*) over every bin
``t`` of the **union of the two accounts' active spans**,
``[min(first_a, first_b - l), max(last_a, last_b - l)]``, inactive bins
counting as zero. The window depends on the pair only (adding unrelated data
to a file does not change any pair's value). With ``T`` bins in the window
and sparse sums ``sx, sxx, sy, syy, sxy``::

    r = (T * sxy - sx * sy) / sqrt((T * sxx - sx**2) * (T * syy - sy**2))

A series that is constant on the window (zero variance) gives ``r = 0``.
"""

from __future__ import annotations

import numba
import numpy as np
from numba import prange

__all__ = [
    "account_timing_features",
    "activity_series",
    "co_active_span",
    "lagged_correlation",
    "IET_BINS",
]

IET_BINS = 48
"""Number of log2 bins for inter-event times: bin 0 holds 0 s, bin ``k >= 1``
holds ``[2**(k-1), 2**k)`` seconds; larger gaps go to the last bin."""

# --------------------------------------------------------------------------
# (a) sparse activity series
# --------------------------------------------------------------------------


@numba.njit(cache=True)
def activity_series(codes: np.ndarray, bins: np.ndarray, n_accounts: int):
    """Sparse binned activity per account in CSR layout.

    Parameters
    ----------
    codes : int32 array, shape (n,)
        Account code of each event, in ``[0, n_accounts)``, sorted ascending.
    bins : int64 array, shape (n,)
        Time bin of each event (e.g. ``ts // bin_s``), sorted ascending within
        each account.
    n_accounts : int
        Number of accounts (accounts without events get an empty row).

    Returns
    -------
    offsets : int64 array, shape (n_accounts + 1,)
    ubins : int64 array
        Sorted unique active bins of each account, concatenated.
    counts : int64 array
        Number of events in each of those bins.

    Raises
    ------
    ValueError
        When the input is not sorted by (code, bin) or a code is out of range.
    """
    n = codes.shape[0]
    offsets = np.zeros(n_accounts + 1, np.int64)
    for i in range(n):
        c = codes[i]
        if c < 0 or c >= n_accounts:
            raise ValueError("account code out of range")
        if i > 0:
            p = codes[i - 1]
            if c < p or (c == p and bins[i] < bins[i - 1]):
                raise ValueError("events must be sorted by (account code, bin)")
            if c == p and bins[i] == bins[i - 1]:
                continue
        offsets[c + 1] += 1
    for a in range(n_accounts):
        offsets[a + 1] += offsets[a]
    total = offsets[n_accounts]
    ubins = np.empty(total, np.int64)
    counts = np.zeros(total, np.int64)
    k = -1
    for i in range(n):
        if i == 0 or codes[i] != codes[i - 1] or bins[i] != bins[i - 1]:
            k += 1
            ubins[k] = bins[i]
        counts[k] += 1
    return offsets, ubins, counts


# --------------------------------------------------------------------------
# (b) lag-tolerant correlation
# --------------------------------------------------------------------------


@numba.njit(cache=True)
def _pearson(t: float, sx: float, sxx: float, sy: float, syy: float, sxy: float) -> float:
    vx = t * sxx - sx * sx
    vy = t * syy - sy * sy
    if vx <= 0.0 or vy <= 0.0:
        return 0.0
    return (t * sxy - sx * sy) / np.sqrt(vx * vy)


@numba.njit(cache=True)
def _sum_and_squares(values: np.ndarray, start: int, end: int) -> tuple[float, float]:
    """Sum and sum of squares of ``values[start:end]`` (summed in index order)."""
    s = 0.0
    ss = 0.0
    for i in range(start, end):
        v = values[i]
        s += v
        ss += v * v
    return s, ss


@numba.njit(parallel=True, cache=True)
def lagged_correlation(
    offsets: np.ndarray,
    bins: np.ndarray,
    values: np.ndarray,
    pair_a: np.ndarray,
    pair_b: np.ndarray,
    max_lag: int,
):
    """Maximum over lags in ``[-max_lag, max_lag]`` of the Pearson correlation.

    See the module docstring for the window and the formula.

    Parameters
    ----------
    offsets, bins : int64 arrays
        CSR activity series from :func:`activity_series`.
    values : float64 array, same length as ``bins``
        Value of each active bin (event counts, or 1.0 for presence).
    pair_a, pair_b : int32/int64 arrays, shape (p,)
        Account codes of the candidate pairs.
    max_lag : int
        Largest lag tried, in bins (``0`` = no lag tolerance).

    Returns
    -------
    corr : float64 array, shape (p,)
        Best correlation (``0.0`` when either series is empty or constant).
    best_lag : int64 array, shape (p,)
        Lag in bins at the best correlation: ``b``'s activity at ``t + lag``
        pairs with ``a``'s at ``t`` (positive = b after a). Ties go to the
        smallest ``|lag|``, then to the negative lag.
    overlap : int64 array, shape (p,)
        Number of bins where both are active at the best lag.
    """
    n_pairs = pair_a.shape[0]
    n_lags = 2 * max_lag + 1
    corr = np.zeros(n_pairs, np.float64)
    best_lag = np.zeros(n_pairs, np.int64)
    overlap = np.zeros(n_pairs, np.int64)
    chunk = 256
    n_chunks = (n_pairs + chunk - 1) // chunk
    for c in prange(n_chunks):
        sxy = np.zeros(n_lags, np.float64)
        hits = np.zeros(n_lags, np.int64)
        stop = min(n_pairs, (c + 1) * chunk)
        for p in range(c * chunk, stop):
            a = pair_a[p]
            b = pair_b[p]
            sa, ea = offsets[a], offsets[a + 1]
            sb, eb = offsets[b], offsets[b + 1]
            if ea == sa or eb == sb:
                continue
            sx, sxx = _sum_and_squares(values, sa, ea)
            sy, syy = _sum_and_squares(values, sb, eb)
            for k in range(n_lags):
                sxy[k] = 0.0
                hits[k] = 0
            j0 = sb
            for i in range(sa, ea):
                t = bins[i]
                while j0 < eb and bins[j0] < t - max_lag:
                    j0 += 1
                j = j0
                while j < eb and bins[j] <= t + max_lag:
                    k = bins[j] - t + max_lag
                    sxy[k] += values[i] * values[j]
                    hits[k] += 1
                    j += 1
            fa = bins[sa]
            la = bins[ea - 1]
            fb = bins[sb]
            lb = bins[eb - 1]
            best = -2.0
            blag = 0
            for step in range(n_lags):
                # lag order 0, -1, +1, -2, +2, ...: ties keep the smaller |lag|
                lag = (step + 1) // 2
                if step % 2 == 1:
                    lag = -lag
                lo = min(fa, fb - lag)
                hi = max(la, lb - lag)
                r = _pearson(float(hi - lo + 1), sx, sxx, sy, syy, sxy[lag + max_lag])
                if r > best:
                    best = r
                    blag = lag
            corr[p] = best
            best_lag[p] = blag
            overlap[p] = hits[blag + max_lag]
    return corr, best_lag, overlap


@numba.njit(parallel=True, cache=True)
def co_active_span(
    offsets: np.ndarray, bins: np.ndarray, pair_a: np.ndarray, pair_b: np.ndarray, lag: np.ndarray
):
    """First and last bin ``t`` where ``a`` is active at ``t`` and ``b`` at ``t + lag``.

    Parameters
    ----------
    offsets, bins : int64 arrays
        CSR activity series from :func:`activity_series`.
    pair_a, pair_b : int arrays, shape (p,)
        Account codes.
    lag : int64 array, shape (p,)
        Lag of each pair in bins (e.g. the best lag of :func:`lagged_correlation`).

    Returns
    -------
    first, last : int64 arrays, shape (p,)
        Bins in ``a``'s time frame; ``-1`` when the pair is never co-active.
    """
    n_pairs = pair_a.shape[0]
    first = np.full(n_pairs, -1, np.int64)
    last = np.full(n_pairs, -1, np.int64)
    for p in prange(n_pairs):
        i, ea = offsets[pair_a[p]], offsets[pair_a[p] + 1]
        j, eb = offsets[pair_b[p]], offsets[pair_b[p] + 1]
        while i < ea and j < eb:
            t = bins[i]
            u = bins[j] - lag[p]
            if t < u:
                i += 1
            elif u < t:
                j += 1
            else:
                if first[p] < 0:
                    first[p] = t
                last[p] = t
                i += 1
                j += 1
    return first, last


# --------------------------------------------------------------------------
# (d) per-account timing features
# --------------------------------------------------------------------------


@numba.njit(cache=True)
def _iet_bin(d: np.int64) -> int:
    """0 for 0 s, else ``d.bit_length()`` (``[2**(k-1), 2**k)`` -> k), capped."""
    b = 0
    while d > 0:
        d >>= 1
        b += 1
    return min(b, IET_BINS - 1)


@numba.njit(cache=True)
def _entropy_bits(hist: np.ndarray, total: float) -> float:
    h = 0.0
    for i in range(hist.shape[0]):
        if hist[i] > 0:
            p = hist[i] / total
            h -= p * np.log2(p)
    return h


@numba.njit(parallel=True, cache=True)
def account_timing_features(
    offsets: np.ndarray, ts: np.ndarray, burst_k: int, burst_window_s: int, night_hours: int
):
    """Per-account timing features from events sorted by (account, ts).

    Parameters
    ----------
    offsets : int64 array, shape (n_accounts + 1,)
        CSR offsets: account ``a`` owns ``ts[offsets[a]:offsets[a + 1]]``.
    ts : int64 array
        Event times in UTC seconds, ascending within each account.
    burst_k, burst_window_s : int
        A burst is ``burst_k`` events within ``burst_window_s`` seconds
        (``ts[i + k - 1] - ts[i] <= w``). Bursts are counted greedily from the
        first event: when one starts at ``i`` the scan resumes at ``i + k``,
        so bursts do not share events.
    night_hours : int
        Width (hours) of the circular hour-of-day window used for
        ``night_share``.

    Returns
    -------
    n_events : int64 (n_accounts,)
    active_days : int64, distinct UTC days ``ts // 86400`` with an event
    iet_mean : float64, mean inter-event time in seconds (NaN if < 2 events)
    iet_cv : float64, population std / mean of inter-event times (NaN if
        < 2 events or mean 0)
    iet_entropy : float64, Shannon entropy (bits) of inter-event times in
        log2 bins (see :data:`IET_BINS`; NaN if < 2 events)
    hour_entropy : float64, Shannon entropy (bits, max log2(24)) of the UTC
        hour-of-day histogram (NaN without events)
    night_share : float64, minimum over the 24 circular windows of
        ``night_hours`` consecutive UTC hours of the share of events inside the
        window (uniform activity gives ``night_hours / 24``; someone who sleeps
        gives about 0; NaN without events)
    burst_count : int64, number of bursts as defined above
    """
    n_acc = offsets.shape[0] - 1
    n_events = np.zeros(n_acc, np.int64)
    active_days = np.zeros(n_acc, np.int64)
    iet_mean = np.full(n_acc, np.nan)
    iet_cv = np.full(n_acc, np.nan)
    iet_entropy = np.full(n_acc, np.nan)
    hour_entropy = np.full(n_acc, np.nan)
    night_share = np.full(n_acc, np.nan)
    burst_count = np.zeros(n_acc, np.int64)
    for a in prange(n_acc):
        s = offsets[a]
        e = offsets[a + 1]
        n = e - s
        n_events[a] = n
        if n == 0:
            continue
        hours = np.zeros(24, np.float64)
        days = 0
        for i in range(s, e):
            hours[(ts[i] % 86400) // 3600] += 1.0
            if i == s or ts[i] // 86400 != ts[i - 1] // 86400:
                days += 1
        active_days[a] = days
        hour_entropy[a] = _entropy_bits(hours, float(n))
        lowest = float(n)
        for h0 in range(24):
            w = 0.0
            for h in range(h0, h0 + night_hours):
                w += hours[h % 24]
            if w < lowest:
                lowest = w
        night_share[a] = lowest / n
        if n >= 2:
            total = 0.0
            hist = np.zeros(IET_BINS, np.float64)
            for i in range(s + 1, e):
                d = ts[i] - ts[i - 1]
                total += d
                hist[_iet_bin(d)] += 1.0
            mean = total / (n - 1)
            ss = 0.0
            for i in range(s + 1, e):
                dev = (ts[i] - ts[i - 1]) - mean
                ss += dev * dev
            iet_mean[a] = mean
            if mean > 0.0:
                iet_cv[a] = np.sqrt(ss / (n - 1)) / mean
            iet_entropy[a] = _entropy_bits(hist, float(n - 1))
        bursts = 0
        i = s
        while i + burst_k - 1 < e:
            if ts[i + burst_k - 1] - ts[i] <= burst_window_s:
                bursts += 1
                i += burst_k
            else:
                i += 1
        burst_count[a] = bursts
    return (
        n_events,
        active_days,
        iet_mean,
        iet_cv,
        iet_entropy,
        hour_entropy,
        night_share,
        burst_count,
    )

"""Numba timing kernels against plain Python/NumPy reference implementations."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detector.kernels.timing import (
    IET_BINS,
    account_timing_features,
    activity_series,
    co_active_span,
    lagged_correlation,
)

# --------------------------------------------------------------------------
# reference implementations
# --------------------------------------------------------------------------


def ref_activity(codes, bins, n_accounts):
    per = [Counter() for _ in range(n_accounts)]
    for c, b in zip(codes, bins, strict=True):
        per[c][b] += 1
    offsets = [0]
    ubins, counts = [], []
    for counter in per:
        for b in sorted(counter):
            ubins.append(b)
            counts.append(counter[b])
        offsets.append(len(ubins))
    return np.array(offsets), np.array(ubins, dtype=np.int64), np.array(counts, dtype=np.int64)


def ref_lagged(series_a: dict, series_b: dict, max_lag: int):
    """Dense computation: returns (corr, lag, overlap) with the kernel's tie rule."""
    if not series_a or not series_b:
        return 0.0, 0, 0
    fa, la = min(series_a), max(series_a)
    fb, lb = min(series_b), max(series_b)
    best, best_lag, best_ov = -2.0, 0, 0
    for step in range(2 * max_lag + 1):
        lag = (step + 1) // 2 * (-1 if step % 2 else 1)
        lo, hi = min(fa, fb - lag), max(la, lb - lag)
        x = np.zeros(hi - lo + 1)
        y = np.zeros(hi - lo + 1)
        for t, v in series_a.items():
            x[t - lo] = v
        for u, v in series_b.items():
            y[u - lag - lo] = v
        n = float(len(x))
        vx = n * x.dot(x) - x.sum() ** 2
        vy = n * y.dot(y) - y.sum() ** 2
        r = 0.0 if vx <= 0 or vy <= 0 else (n * x.dot(y) - x.sum() * y.sum()) / math.sqrt(vx * vy)
        if vx > 0 and vy > 0:
            assert r == pytest.approx(np.corrcoef(x, y)[0, 1], abs=1e-9)
        if r > best:
            best, best_lag, best_ov = r, lag, int(((x > 0) & (y > 0)).sum())
    return best, best_lag, best_ov


def ref_features(ts: list[int], burst_k: int, burst_w: int, night_hours: int):
    n = len(ts)
    hours = Counter((t % 86400) // 3600 for t in ts)
    hour_ent = -sum(c / n * math.log2(c / n) for c in hours.values())
    windows = [sum(hours.get((h0 + k) % 24, 0) for k in range(night_hours)) for h0 in range(24)]
    night = min(windows) / n
    days = len({t // 86400 for t in ts})
    gaps = [b - a for a, b in zip(ts, ts[1:], strict=False)]
    if gaps:
        mean = sum(gaps) / len(gaps)
        std = math.sqrt(sum((g - mean) ** 2 for g in gaps) / len(gaps))
        cv = std / mean if mean > 0 else math.nan
        logb = Counter(min(int(g).bit_length(), IET_BINS - 1) for g in gaps)
        ent = -sum(c / len(gaps) * math.log2(c / len(gaps)) for c in logb.values())
    else:
        mean = cv = ent = math.nan
    bursts, i = 0, 0
    while i + burst_k - 1 < n:
        if ts[i + burst_k - 1] - ts[i] <= burst_w:
            bursts += 1
            i += burst_k
        else:
            i += 1
    return n, days, mean, cv, ent, hour_ent, night, bursts


# --------------------------------------------------------------------------
# strategies
# --------------------------------------------------------------------------

events_st = st.lists(st.tuples(st.integers(0, 5), st.integers(0, 60)), min_size=0, max_size=80)


def _series_from(pairs, n_accounts=6):
    pairs = sorted(pairs)
    codes = np.array([p[0] for p in pairs], dtype=np.int32)
    bins = np.array([p[1] for p in pairs], dtype=np.int64)
    return codes, bins, activity_series(codes, bins, n_accounts)


# --------------------------------------------------------------------------
# activity series
# --------------------------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(events_st)
def test_activity_series_matches_reference(pairs):
    codes, bins, (offsets, ubins, counts) = _series_from(pairs)
    r_off, r_bins, r_counts = ref_activity(codes, bins, 6)
    np.testing.assert_array_equal(offsets, r_off)
    np.testing.assert_array_equal(ubins, r_bins)
    np.testing.assert_array_equal(counts, r_counts)


def test_activity_series_rejects_unsorted_input():
    with pytest.raises(ValueError):
        activity_series(np.array([1, 0], np.int32), np.array([0, 0], np.int64), 2)
    with pytest.raises(ValueError):
        activity_series(np.array([0, 0], np.int32), np.array([5, 1], np.int64), 1)
    with pytest.raises(ValueError):
        activity_series(np.array([0, 3], np.int32), np.array([0, 0], np.int64), 2)


# --------------------------------------------------------------------------
# lagged correlation
# --------------------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(events_st, st.integers(0, 3), st.booleans())
def test_lagged_correlation_matches_dense_reference(pairs, max_lag, presence):
    _, _, (offsets, ubins, counts) = _series_from(pairs)
    values = np.ones(len(counts)) if presence else counts.astype(np.float64)
    pa, pb = np.triu_indices(6)  # includes self pairs
    corr, lag, overlap = lagged_correlation(offsets, ubins, values, pa, pb, max_lag)
    for k, (a, b) in enumerate(zip(pa, pb, strict=True)):
        sa = {int(ubins[i]): values[i] for i in range(offsets[a], offsets[a + 1])}
        sb = {int(ubins[i]): values[i] for i in range(offsets[b], offsets[b + 1])}
        r, rl, ro = ref_lagged(sa, sb, max_lag)
        assert corr[k] == pytest.approx(r, abs=1e-12)
        assert lag[k] == rl
        assert overlap[k] == ro


def test_lagged_correlation_finds_the_planted_lag():
    base = np.array([3, 10, 11, 25, 40, 41, 42, 60], dtype=np.int64)
    codes = np.repeat(np.array([0, 1], np.int32), len(base))
    bins = np.concatenate([base, base + 2])
    offsets, ubins, counts = activity_series(codes, bins, 2)
    corr, lag, overlap = lagged_correlation(
        offsets, ubins, counts.astype(float), np.array([0]), np.array([1]), 3
    )
    assert corr[0] == pytest.approx(1.0)
    assert lag[0] == 2  # account 1 acts two bins after account 0
    assert overlap[0] == len(base)
    corr0, _, _ = lagged_correlation(
        offsets, ubins, counts.astype(float), np.array([0]), np.array([1]), 1
    )
    assert corr0[0] < 0.5


@settings(max_examples=60, deadline=None)
@given(events_st, st.lists(st.integers(-4, 4), min_size=21, max_size=21))
def test_co_active_span_matches_reference(pairs, lags):
    _, _, (offsets, ubins, _) = _series_from(pairs)
    pa, pb = np.triu_indices(6)
    lag = np.array(lags, dtype=np.int64)
    first, last = co_active_span(offsets, ubins, pa, pb, lag)
    for k, (a, b) in enumerate(zip(pa, pb, strict=True)):
        sa = set(ubins[offsets[a] : offsets[a + 1]].tolist())
        sb = {u - lags[k] for u in ubins[offsets[b] : offsets[b + 1]].tolist()}
        co = sorted(sa & sb)
        assert (first[k], last[k]) == ((co[0], co[-1]) if co else (-1, -1))


# --------------------------------------------------------------------------
# per-account features
# --------------------------------------------------------------------------

accounts_ts = st.lists(
    st.lists(st.integers(0, 10 * 86400), min_size=0, max_size=40).map(sorted),
    min_size=1,
    max_size=5,
)


@settings(max_examples=80, deadline=None)
@given(accounts_ts, st.integers(2, 6), st.integers(0, 5000), st.integers(1, 24))
def test_account_features_match_reference(per_account, burst_k, burst_w, night_hours):
    offsets = np.cumsum([0] + [len(t) for t in per_account]).astype(np.int64)
    ts = np.array([t for acc in per_account for t in acc], dtype=np.int64)
    got = account_timing_features(offsets, ts, burst_k, burst_w, night_hours)
    for a, acc in enumerate(per_account):
        if not acc:
            assert got[0][a] == 0 and got[7][a] == 0
            assert all(np.isnan(got[k][a]) for k in (2, 3, 4, 5, 6))
            continue
        expected = ref_features(acc, burst_k, burst_w, night_hours)
        for k, value in enumerate(expected):
            if isinstance(value, float) and math.isnan(value):
                assert np.isnan(got[k][a])
            else:
                assert got[k][a] == pytest.approx(value, rel=1e-9, abs=1e-12)


def test_clockwork_account_has_zero_cv_and_entropy():
    ts = np.arange(0, 100 * 600, 600, dtype=np.int64)
    got = account_timing_features(np.array([0, len(ts)], np.int64), ts, 5, 60, 6)
    assert got[3][0] == 0.0  # cv
    assert got[4][0] == 0.0  # entropy
    assert got[2][0] == 600.0

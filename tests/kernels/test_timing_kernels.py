"""Numba timing kernels against plain Python/NumPy reference implementations."""

from __future__ import annotations

import math

import naive
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detector.kernels.timing import (
    account_timing_features,
    activity_series,
    co_active_span,
    lagged_correlation,
)

# the plain Python/NumPy twins: tests/naive.py


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
    r_off, r_bins, r_counts = naive.activity_series(codes, bins, 6)
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
        r, rl, ro = naive.lagged_correlation(sa, sb, max_lag)
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
        expected = naive.account_timing_features(acc, burst_k, burst_w, night_hours)
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

"""The one calibration rule (detector.scoring.calibrate) on ordinary and degenerate populations."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from detector.scoring.calibrate import (
    FLOOR_LOG,
    binomial_tail,
    enrichment_test,
    fdr_adjust,
    group_score,
    percentile_rank,
    tail_score,
    upper_tail_share,
)


def _reference_upper_tail(x: np.ndarray) -> np.ndarray:
    """Plain-Python mid-rank upper tail: (#greater + 0.5 #equal) / n over the finite values."""
    v = [float(a) for a in x if np.isfinite(a)]
    out = []
    for a in x:
        if not np.isfinite(a):
            out.append(np.nan)
            continue
        out.append((sum(b > a for b in v) + 0.5 * sum(b == a for b in v)) / len(v))
    return np.array(out)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.one_of(st.integers(-3, 3).map(float), st.just(np.nan)), min_size=1, max_size=40))
def test_upper_tail_matches_reference(values):
    x = np.array(values)
    np.testing.assert_allclose(upper_tail_share(x), _reference_upper_tail(x), equal_nan=True)


def test_all_zeros_score_nothing():
    s = tail_score(np.zeros(1000))
    assert (s == 0).all()
    assert (upper_tail_share(np.zeros(5)) == 0.5).all()


def test_one_nonzero_among_zeros_needs_an_effect():
    x = np.zeros(2000)
    x[0] = 0.02  # one account with a 2% near-duplicate share: rare but tiny
    assert tail_score(x)[0] == 0.0
    x[0] = 0.9  # a copier: rare and far
    s = tail_score(x)
    assert s[0] == 1.0
    assert (s[1:] == 0).all()


def test_one_count_among_zeros_on_log_scale():
    x = np.zeros(2000)
    x[0] = 1.0  # one shared object: log1p(1) = 0.69, 1.4 floor units: barely
    assert tail_score(x, log=True)[0] < 0.25
    x[0] = 40.0
    assert tail_score(x, log=True)[0] == 1.0


def test_two_values_half_and_half():
    x = np.r_[np.zeros(500), np.ones(500)]
    s = tail_score(x)
    assert (s == 0).all()  # half the population has it: not rare


def test_two_values_rare_one():
    x = np.r_[np.zeros(995), np.ones(5)]  # a rare default-profile-like flag
    s = tail_score(x)
    assert s[-1] == pytest.approx(1.0)
    assert (s[:995] == 0).all()


def test_nan_heavy():
    rng = np.random.default_rng(3)
    x = np.full(1000, np.nan)
    x[:50] = rng.normal(0, 1, 50)
    x[50] = 25.0
    s = tail_score(x)
    assert np.isfinite(s).all()
    assert (s[51:] == 0).all()  # unknown scores nothing
    assert s[50] > 0.5
    p = percentile_rank(x)
    assert np.isnan(p[51:]).all()
    assert p[50] == pytest.approx(1 - 0.5 / 51)


def test_all_nan():
    assert (tail_score(np.full(10, np.nan)) == 0).all()
    assert np.isnan(percentile_rank(np.full(3, np.nan))).all()


def test_lower_tail():
    rng = np.random.default_rng(0)
    age = np.r_[rng.lognormal(7, 0.5, 999), 3.0]
    s = tail_score(age, log=True, higher_is_suspicious=False)
    assert s[-1] == 1.0
    assert (s[:999] > 0).mean() < 0.02


def test_normal_population_rarely_scores():
    x = np.random.default_rng(1).normal(0, 1, 5000)
    s = tail_score(x, floor=0.0)
    assert (s > 0).mean() < 0.03
    assert (s >= 0.99).mean() < 0.005


def test_small_population_caps_rank_part():
    # with 8 accounts the most extreme has q = 0.5 / 8: rank part log(0.25 / 0.0625) / log(5)
    x = np.r_[np.zeros(7), 100.0]
    assert tail_score(x, log=True)[-1] == pytest.approx(np.log(4) / np.log(5))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=2, max_size=50))
def test_tail_score_monotone_and_bounded(values):
    x = np.array(values)
    s = tail_score(x)
    assert ((s >= 0) & (s <= 1)).all()
    order = np.argsort(x, kind="mergesort")
    assert (np.diff(s[order]) >= -1e-12).all()


def test_log_floor_constant():
    # a signal whose spread is tiny cannot make a 1.2x difference extreme
    x = np.r_[np.full(999, 100.0), 120.0]
    assert np.log1p(120) - np.log1p(100) < FLOOR_LOG
    assert tail_score(x, log=True)[-1] == 0.0


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 60), st.integers(1, 60), st.floats(0.0, 1.0))
def test_binomial_tail_matches_scipy(k, n, p):
    k = min(k, n)
    ref = stats.binom.sf(k - 1, n, p) if k > 0 else 1.0
    assert binomial_tail(np.array([k]), np.array([n]), np.array([p]))[0] == pytest.approx(ref, abs=1e-12, rel=1e-9)


def test_enrichment_fandom_vs_campaign():
    # 10% young in a 200-account fandom vs 5% in the population: significant-ish, no effect
    p, excess = enrichment_test(np.array([20.0]), np.array([200.0]), 0.05)
    assert group_score(p * 100, excess)[0] == 0.0
    # 80-account network, all young or dormant, population 5%
    p, excess = enrichment_test(np.array([80.0]), np.array([80.0]), 0.05)
    assert group_score(p * 100, excess)[0] == 1.0
    assert p[0] < 1e-50
    # nothing known: no evidence
    p, excess = enrichment_test(np.array([0.0]), np.array([0.0]), 0.05)
    assert p[0] == 1.0 and group_score(p, excess)[0] == 0.0


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=60))
def test_fdr_adjust_matches_scipy(values):
    p = np.array(values)
    np.testing.assert_allclose(fdr_adjust(p), stats.false_discovery_control(p, method="bh"), rtol=1e-12, atol=1e-15)


def test_fdr_adjust_leaves_unknown_out_of_the_family():
    got = fdr_adjust(np.array([0.01, np.nan, 0.04]))
    assert np.isnan(got[1])
    np.testing.assert_allclose(got[[0, 2]], [0.02, 0.04])

"""The graded calibration rule (``tail_grade``) and the rank term it feeds below the flag bar."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detector.scoring import scores
from detector.scoring.calibrate import tail_grade, tail_score
from detector.scoring.scores import RANK_SHARE, score_accounts

# ---------------------------------------------------------------- tail_grade on degenerate inputs


def test_grade_all_zeros_is_zero():
    assert (tail_grade(np.zeros(50)) == 0).all()


def test_grade_all_equal_is_zero():
    assert (tail_grade(np.full(30, 7.0), log=True) == 0).all()


def test_grade_one_nonzero_among_zeros_is_small_but_positive():
    """One copied post among thousands of accounts with none: rare, not far. The score says 0;
    the grade orders it above the crowd, far below full evidence."""
    x = np.zeros(1000)
    x[0] = 0.1
    assert tail_score(x)[0] == 0.0
    g = tail_grade(x)
    assert 0.0 < g[0] < 0.5
    assert (g[1:] == 0).all()


def test_grade_two_values():
    """Half the population at 0, half at 1: the upper half is not rare (q = 0.25), so neither the
    score nor the grade calls it extreme, but the grade orders it above the lower half."""
    x = np.r_[np.zeros(20), np.ones(20)]
    g = tail_grade(x)
    assert (g[:20] == 0).all()
    assert (g[20:] > 0).all() and (g[20:] < 1).all()
    assert (tail_score(x) == 0).all()


def test_grade_nan_heavy():
    """NaN is unknown: grade 0, and left out of the population of the known values."""
    x = np.full(200, np.nan)
    x[:20] = np.arange(20, dtype=float)
    g = tail_grade(x)
    assert (g[20:] == 0).all()
    assert g[19] > g[10] > 0 and g[0] == 0
    assert (tail_grade(np.full(10, np.nan)) == 0).all()


def test_grade_lower_tail():
    """``higher_is_suspicious=False`` grades the young end of an age distribution."""
    ages = np.r_[np.linspace(300, 3000, 200), 2.0]
    g = tail_grade(ages, log=True, higher_is_suspicious=False)
    assert g[-1] == pytest.approx(1.0)
    assert g[np.argmax(ages)] == 0.0


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.one_of(st.floats(0, 1e4, allow_nan=False), st.just(0.0), st.just(float("nan"))), min_size=1, max_size=60),
    st.booleans(),
    st.booleans(),
)
def test_grade_bounds_the_score_and_keeps_order(values, log, higher):
    x = np.asarray(values, dtype=float)
    g = tail_grade(x, log=log, higher_is_suspicious=higher)
    s = tail_score(x, log=log, higher_is_suspicious=higher)
    assert ((g >= 0) & (g <= 1)).all()
    assert (g >= s - 1e-12).all()  # never below the score
    assert (g[s >= 1.0] == pytest.approx(1.0))  # full where the score is full
    ok = np.isfinite(x)
    if ok.sum() >= 2:  # monotone in the value (in the suspicious direction)
        v = x[ok] if higher else -x[ok]
        order = np.argsort(v, kind="mergesort")
        assert (np.diff(g[ok][order]) >= -1e-12).all()


# ---------------------------------------------------------------- the rank term in the account score


def _population(n: int = 300, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    idx = pd.Index([f"u{i:04d}" for i in range(n)], name="account_id")
    return pd.DataFrame(
        {
            "sync_repeat": np.where(rng.random(n) < 0.2, 1.0, 0.0),
            "timing_partners": 0.0,
            "text_partners": 0.0,
            "dup_share": 0.0,
            "n_events": rng.integers(5, 60, n).astype(float),
            "posts_per_day": rng.lognormal(1.0, 0.6, n),
            "iet_cv": rng.normal(1.6, 0.35, n).clip(0.5),
            "age_days": rng.lognormal(6.5, 0.7, n),
        },
        index=idx,
    )


def _accounts(pop: pd.DataFrame, rows: dict[str, dict[str, float]]) -> pd.DataFrame:
    extra = []
    for name, values in rows.items():
        row = pop.iloc[[0]].copy()
        row.index = pd.Index([name], name="account_id")
        for col, value in values.items():
            row[col] = value
        extra.append(row)
    return pd.concat([pop, *extra])


def test_rank_term_orders_accounts_below_the_bar():
    """Weak evidence of both kinds > weak evidence of one kind > none; nobody flagged by it."""
    pop = _population()
    median_age = float(pop["age_days"].median())
    signals = _accounts(pop, {
        "both": {"sync_repeat": 2.0, "age_days": median_age / 4},  # weak synchrony and somewhat young
        "one": {"sync_repeat": 2.0, "age_days": median_age},  # weak synchrony only
        "none": {"sync_repeat": 0.0, "age_days": median_age},
    })
    acc, _ = score_accounts(signals)
    s = acc.set_index("account_id")["score"]
    assert s["both"] > s["one"] > s["none"]
    assert s["both"] < RANK_SHARE + 1e-9
    assert not acc["flagged"].any()


def test_rank_term_never_changes_flags_here(monkeypatch):
    """The same flags with and without the rank term, and scores within RANK_SHARE of each other."""
    pop = _population(seed=3)
    signals = _accounts(pop, {
        f"bot{i}": {"sync_repeat": 40.0, "timing_partners": 10.0, "age_days": 3.0, "iet_cv": 0.05} for i in range(5)
    })
    with_term, _ = score_accounts(signals)
    monkeypatch.setattr(scores, "RANK_SHARE", 0.0)
    without, _ = score_accounts(signals)
    a = with_term.set_index("account_id").sort_index()
    b = without.set_index("account_id").sort_index()
    assert (a["flagged"] == b["flagged"]).all() and a["flagged"].sum() == 5
    assert ((a["score"] - b["score"]).between(-1e-6, RANK_SHARE + 1e-6)).all()
    assert (a["score"] >= b["score"] - 1e-6).all()


def test_graded_copying_counts_one_copied_post():
    """One copied post is a meme for the score (repeated-evidence rule) but weak evidence for the rank."""
    from detector.scoring.evidence_tests import account_test_scores

    pop = _population(seed=5).assign(dup_posts=0.0)
    signals = _accounts(pop, {"once": {"dup_posts": 1.0, "dup_share": 0.5, "text_partners": 3.0}})
    score = account_test_scores(signals).loc["once"]
    grade = account_test_scores(signals, graded=True).loc["once"]
    assert score["dup_share"] == 0.0 and score["text_partners"] == 0.0
    assert grade["dup_share"] > 0.0 and grade["text_partners"] > 0.0

"""The one calibration rule: raw per-account signals -> [0, 1] evidence, and group tests.

Nothing here is tuned to a fixture: every scale comes from the population of
accounts in the scan being scored.

Account signals (:func:`tail_score`)
------------------------------------
A value counts as evidence only when it is **both rare and far**:

* *rare* (rank part): its empirical upper-tail share in the scan's own
  population, with mid-ranks for ties, ``q = (#greater + 0.5 * #equal) / n``.
  ``q >= TAIL_ORDINARY`` (outside the top quarter) gives 0; ``q <= TAIL_EXTREME``
  (the top 5 %) gives 1; log-linear in between. Ties share one rank, so on a mostly-zero
  signal every zero sits at ``q ~ 0.5+`` and the few non-zero values are rare;
  on an all-equal signal nobody is.
* *far* (effect-size part): its distance above the population median in units
  of ``max(1.4826 * MAD, floor)``; at most :data:`EFFECT_ORDINARY` (2) units gives
  0, :data:`EFFECT_EXTREME` (5) units or more gives 1, linear in between. The
  ``floor`` is the smallest difference that can matter for the signal's kind
  (:data:`FLOOR_SHARE` for shares in [0, 1], :data:`FLOOR_LOG` for counts, rates
  and ages compared on ``log1p``), so a mostly-zero, discrete or bounded signal
  never turns a tiny deviation into "extreme": one near-duplicate among
  thousands of accounts with none is rare, but not far.

The score is ``min(rank part, effect part)``. NaN (unknown) scores 0 and stays
unknown in the percentiles: it is counted in the evidence coverage, never as an
ordinary value.

Graded evidence (:func:`tail_grade`)
-----------------------------------
The same two parts measured from the population's middle instead of from the
ordinary bounds (rank: 0 at ``q = 0.5``, 1 at :data:`TAIL_EXTREME`; effect: 0 at the
median, 1 at :data:`EFFECT_EXTREME` units). 0 for the tied bulk and everything below
the median, never below :func:`tail_score`, equal to it where it is 1: the strength of
evidence too weak to count. It only *orders* accounts below the flag bar (the rank
term of :mod:`detector.scoring.scores`); what counts as evidence stays the rule above.

Group tests (:func:`enrichment_test`, :func:`fdr_adjust`)
----------------------------------------------------------
A cluster is judged by how its members' distribution differs from the
population's, not by member means: ``k`` of its ``n`` members (with the
attribute known) have a binary attribute (young, dormant, copies text...) that
a share ``p0`` of the scan's population has. Under the null hypothesis that
the members are a random draw from the population, ``k`` is binomial, with the
one-sided tail ``P(K >= k)`` as p-value. Every test of every cluster of the scan is
one family, adjusted by Benjamini-Hochberg (:func:`fdr_adjust`): among the group
tests that count, the expected share of false discoveries is at most the level
used. (Bonferroni, a bound on the chance of *any* false one, was tried first: with
hundreds of small clusters in a scan it left 30-member groups that were two thirds
young without power.) The test scores 0 at ``q >= GROUP_ALPHA`` (0.05) and 1 at
``q <= 1e-5``, log-linear between; a score of 0.25 or more (what a cluster needs
to lend support) means ``q`` below about 0.6 %, and, like account
signals, it also needs an effect size: the excess share ``k / n - p0`` must
pass :data:`GROUP_EXCESS_ORDINARY` (20 points: 0) up to :data:`GROUP_EXCESS_EXTREME`
(50 points: 1). A fandom with 10 % young accounts in a population with 5 % is
significant at large n, but its excess (5 points) is not an effect.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import betainc

__all__ = [
    "EFFECT_EXTREME",
    "EFFECT_ORDINARY",
    "FLOOR_LOG",
    "FLOOR_SHARE",
    "GROUP_ALPHA",
    "GROUP_EXCESS_EXTREME",
    "GROUP_EXCESS_ORDINARY",
    "TAIL_EXTREME",
    "TAIL_ORDINARY",
    "binomial_tail",
    "enrichment_test",
    "fdr_adjust",
    "group_score",
    "percentile_rank",
    "tail_grade",
    "tail_score",
    "upper_tail_share",
]

TAIL_ORDINARY = 0.25
"""Upper-tail share at and above which a value is ordinary (rank part 0): the top quarter of any
population is not unusual on its own. With mid-ranks, the tied bulk of a mostly-zero signal
sits at 0.5 or more and never counts."""

TAIL_EXTREME = 0.05
"""Upper-tail share at and below which the rank part is full (the top 5 %). Not smaller: a
signal measured on few accounts (repost lags need 4+ timed reposts) can be dominated by one
campaign, whose members then share the top ranks; beyond the top 5 % the effect-size part
decides how unusual a value is."""

EFFECT_ORDINARY = 2.0
"""Distance above the median, in scale units, at and below which a value is ordinary (about the
98th percentile of a normal population)."""

EFFECT_EXTREME = 5.0
"""Distance above the median, in scale units, from which the effect part is full."""

FLOOR_SHARE = 0.05
"""Smallest scale of a share in [0, 1] (five percentage points): a share must be 10 points above
the median to start counting and 25 points above to count fully."""

FLOOR_LOG = 0.5
"""Smallest scale of a ``log1p`` signal (half a log unit, a factor ~1.65): counts of a few objects
and ages must be several-fold away from the typical account to count fully."""

FLOOR_PLAIN = 0.1
"""Smallest scale of an unbounded ratio compared as is (e.g. a coefficient of variation)."""

GROUP_ALPHA = 0.05
"""Adjusted p-value (Benjamini-Hochberg q-value over every group test of the scan) at and above
which a group test scores 0: a false-discovery rate of 5 %."""

GROUP_EXTREME_FACTOR = 2e-4
"""A group test counts fully at ``q <= GROUP_ALPHA * GROUP_EXTREME_FACTOR`` (1e-5), log-linear
in between: it reaches 0.25, the least inauthenticity side with which a cluster can reach the
0.5 support level, at ``q ~ 0.006``. So a cluster lends support on group evidence only at a
false-discovery rate below 1 % among the group tests that do."""

GROUP_EXCESS_ORDINARY = 0.20
"""Excess share ``k / n - p0`` at and below which a group is ordinary (20 points): organic
communities differ from the population by that much on their own (a new fandom recruits
young stan accounts, a movement brings newcomers, a newsroom is older than average)."""

GROUP_EXCESS_EXTREME = 0.50
"""Excess share from which a group test's effect part is full (50 points: half the members
more than the population would have)."""


def upper_tail_share(values: np.ndarray) -> np.ndarray:
    """Mid-rank upper-tail share of each value in its own population, in (0, 1]; NaN stays NaN.

    ``q = (#values greater + 0.5 * #values equal) / #valid values``: an all-equal
    population gives 0.5 for everyone, one value above a crowd of zeros
    ``0.5 / n``.
    """
    x = np.asarray(values, dtype=float)
    out = np.full(x.shape, np.nan)
    valid = np.isfinite(x)
    if valid.any():
        v = np.sort(x[valid])
        below_or_equal = np.searchsorted(v, x[valid], side="right")
        below = np.searchsorted(v, x[valid], side="left")
        out[valid] = (v.size - below_or_equal + 0.5 * (below_or_equal - below)) / v.size
    return out


def _transform(values: np.ndarray, log: bool, higher_is_suspicious: bool) -> np.ndarray:
    x = np.asarray(values, dtype=float)
    if log:
        with np.errstate(invalid="ignore"):
            x = np.log1p(np.clip(x, 0, None))
    return x if higher_is_suspicious else -x


def tail_score(
    values: np.ndarray,
    *,
    log: bool = False,
    higher_is_suspicious: bool = True,
    floor: float | None = None,
) -> np.ndarray:
    """Calibrated [0, 1] evidence of each value against its own population (module docstring).

    Parameters
    ----------
    values : ndarray of float
        One value per account; NaN = unknown (scores 0).
    log : bool
        Compare ``log1p(values)`` (counts, rates, ages in days: "3 days" vs "3 years" is a ratio).
    higher_is_suspicious : bool
        ``False`` scores the lower tail (young age, low variation).
    floor : float, optional
        Smallest scale of the effect-size part, in the units of the (logged) values;
        default :data:`FLOOR_LOG` with ``log``, else :data:`FLOOR_SHARE`.

    Returns
    -------
    ndarray of float in [0, 1]
    """
    return _graded(values, log, higher_is_suspicious, floor, TAIL_ORDINARY, EFFECT_ORDINARY)


def _graded(
    values: np.ndarray, log: bool, higher_is_suspicious: bool, floor: float | None, tail_from: float, effect_from: float
) -> np.ndarray:
    """Both parts of the rule, each rising from its start (``tail_from``: an upper-tail share,
    ``effect_from``: scale units above the median) to full at :data:`TAIL_EXTREME` /
    :data:`EFFECT_EXTREME`; their minimum per valid value, 0 elsewhere."""
    valid, q, z = _parts(values, log, higher_is_suspicious, floor)
    out = np.zeros(np.shape(valid))
    if not valid.any():
        return out
    rank = np.clip(np.log(tail_from / q) / math.log(tail_from / TAIL_EXTREME), 0.0, 1.0)
    effect = np.clip((z - effect_from) / (EFFECT_EXTREME - effect_from), 0.0, 1.0)
    out[valid] = np.minimum(rank, effect)
    return out


def _parts(
    values: np.ndarray, log: bool, higher_is_suspicious: bool, floor: float | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(valid, q, z)``: finite values, their mid-rank upper-tail share and their distance above the
    median in scale units (``max(1.4826 * MAD, floor)``), both over the valid values only."""
    x = _transform(values, log, higher_is_suspicious)
    valid = np.isfinite(x)
    if not valid.any():
        return valid, np.zeros(0), np.zeros(0)
    q = upper_tail_share(x)[valid]
    v = x[valid]
    med = float(np.median(v))
    scale = 1.4826 * float(np.median(np.abs(v - med)))
    scale = max(scale, FLOOR_LOG if (floor is None and log) else (FLOOR_SHARE if floor is None else floor))
    return valid, q, (v - med) / scale


def tail_grade(
    values: np.ndarray,
    *,
    log: bool = False,
    higher_is_suspicious: bool = True,
    floor: float | None = None,
) -> np.ndarray:
    """Graded [0, 1] strength of each value, *including* below the evidence level (module docstring).

    The same two parts as :func:`tail_score`, measured from the population's middle
    instead of from the ordinary bounds: the rank part rises log-linearly from 0 at the
    median (``q = 0.5``) to 1 at :data:`TAIL_EXTREME`, the effect part linearly from 0 at
    the median to 1 at :data:`EFFECT_EXTREME` scale units; the grade is their minimum.
    So the grade is 0 wherever :func:`tail_score` sees the bulk of the population (ties
    with a mostly-zero crowd, values below the median, NaN), equals 1 where the score
    is 1, and is never below the score: it orders accounts by the strength of evidence
    too weak to count (used only to rank accounts below the flag bar, never to flag).
    """
    return _graded(values, log, higher_is_suspicious, floor, 0.5, 0.0)


def percentile_rank(values: np.ndarray) -> np.ndarray:
    """Mid-rank percentile (0..1) of each value in its own population; NaN stays NaN.

    ``1 - upper_tail_share``: the share of accounts below the value plus half of those
    equal to it (for reasons text: "above 97% of accounts").
    """
    return 1.0 - upper_tail_share(values)


def binomial_tail(k: np.ndarray, n: np.ndarray, p: np.ndarray) -> np.ndarray:
    """One-sided binomial tail ``P(K >= k)`` for ``K ~ Binomial(n, p)``, elementwise.

    Exact through the regularised incomplete beta function:
    ``P(K >= k) = I_p(k, n - k + 1)`` for ``1 <= k <= n``; 1 for ``k <= 0``.
    """
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    p = np.clip(np.asarray(p, dtype=float), 0.0, 1.0)
    k, n, p = np.broadcast_arrays(k, n, p)
    out = np.ones(k.shape)
    some = (k >= 1) & (k <= n)
    if some.any():
        out[some] = betainc(k[some], n[some] - k[some] + 1.0, p[some])
    out[k > n] = 0.0
    return out


def enrichment_test(k: np.ndarray, n: np.ndarray, p0: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """One group test of ``k`` of ``n`` members against a population share ``p0`` (module docstring).

    Parameters
    ----------
    k, n : ndarray
        Members with the attribute, and members with it known (per cluster).
    p0 : ndarray or float
        Population share of the attribute (among accounts with it known).

    Returns
    -------
    p_value : ndarray
        One-sided binomial ``P(K >= k)``, before any adjustment for the number of tests
        (:func:`fdr_adjust`); 1 where ``n == 0``.
    excess : ndarray
        ``k / n - p0``, the effect size; 0 where ``n == 0``.
    """
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    p0 = np.broadcast_to(np.asarray(p0, dtype=float), k.shape)
    p_value = np.where(n > 0, binomial_tail(k, n, p0), 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        excess = np.where(n > 0, k / np.maximum(n, 1.0) - np.nan_to_num(p0), 0.0)
    return p_value, excess


def fdr_adjust(p_values: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values) of one family of tests, same order.

    ``q_(i) = min_{j >= i} p_(j) * m / j`` over the ``m`` p-values sorted ascending, capped
    at 1: calling significant every test with ``q <= alpha`` keeps the expected share of
    false discoveries among them at most ``alpha`` (independent or positively dependent
    tests). NaN stays NaN and does not count in ``m``.
    """
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    valid = np.flatnonzero(np.isfinite(p))
    m = valid.size
    if m == 0:
        return out
    order = valid[np.argsort(p[valid], kind="mergesort")]
    ranked = p[order] * m / np.arange(1, m + 1)
    out[order] = np.minimum(1.0, np.minimum.accumulate(ranked[::-1])[::-1])
    return out


def group_score(p_adj: np.ndarray, excess: np.ndarray) -> np.ndarray:
    """[0, 1] score of a group test from its adjusted p-value and its excess share (module docstring)."""
    p_adj = np.asarray(p_adj, dtype=float)
    sig = np.log(GROUP_ALPHA / np.maximum(p_adj, 1e-300)) / -math.log(GROUP_EXTREME_FACTOR)
    sig = np.clip(sig, 0.0, 1.0)
    effect = (np.asarray(excess, dtype=float) - GROUP_EXCESS_ORDINARY) / (GROUP_EXCESS_EXTREME - GROUP_EXCESS_ORDINARY)
    return np.minimum(sig, np.clip(effect, 0.0, 1.0))

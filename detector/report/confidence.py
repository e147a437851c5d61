"""Confidence in words for a cluster, from the strength of its evidence tests.

One entry point, :func:`cluster_confidence`. It reads the cluster's evidence
tests with their p-values (:func:`evidence_tests`): the group tests the scorer
attaches to a cluster (a ``tests`` / ``group_tests`` list of
``{"name"|"test", "family", "p_value"|"p"}``) when present, otherwise an
enrichment test computed here for each evidence family: how many members are
strong on the family (family score >= :data:`STRONG_MEMBER`) against the share
of all accounts of the scan that are, as a hypergeometric tail probability
(the chance that a random group of the same size drawn from this scan has that
many or more). Families are the independent kinds of evidence of the scorer
(:data:`detector.scoring.scores.FAMILIES`).

Levels (:data:`METHOD` says the same in words for "Methods and limits"):

* ``strong``: at least two kinds of evidence rarer than :data:`STRONG_P`, one
  showing accounts acting together (synchrony, copied text) and one showing
  them to be inauthentic (young/throwaway, automated);
* ``moderate``: the same pair of sides, each rarer than :data:`MODERATE_P`;
* ``weak``: anything less.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from detector import thresholds as th

__all__ = [
    "FAMILY_WORDS",
    "METHOD",
    "MODERATE_P",
    "STRONG_MEMBER",
    "STRONG_P",
    "WEAK_P",
    "cluster_confidence",
    "evidence_tests",
    "odds_phrase",
]

STRONG_MEMBER = th.CONFIDENCE_STRONG_MEMBER
STRONG_P = th.CONFIDENCE_STRONG_P
MODERATE_P = th.CONFIDENCE_MODERATE_P
WEAK_P = th.CONFIDENCE_WEAK_P
# (each named, with its reason, in detector.thresholds)

COORDINATION = ("synchrony", "duplicate_text")
INAUTHENTIC = ("profile", "automation")

FAMILY_WORDS: dict[str, str] = {
    "synchrony": "acting in sync",
    "duplicate_text": "copied text",
    "profile": "young or throwaway accounts",
    "automation": "automated timing",
}

METHOD = (
    "Confidence in words. Each kind of evidence (acting in sync, copied text, young or throwaway "
    "accounts, automated timing) is tested for the cluster as a group: how likely a random group of "
    "the same size, drawn from the accounts of this scan, would have as many members strong on it "
    f"(score >= {STRONG_MEMBER:g}; for acting in sync, also acting within the window with "
    f"{th.GROUP_PARTNERS} or more accounts) - a hypergeometric tail probability, or the scorer's own group "
    f"test p-value when it gives one. 'Strong' needs at least one kind showing the accounts act "
    f"together and one showing they are inauthentic, each rarer than 1 in {round(1 / STRONG_P):,}; "
    f"'moderate' the same pair each rarer than 1 in {round(1 / MODERATE_P):,}; anything less is "
    "'weak'. The probabilities are computed on this scan's own accounts, so a scan dominated by "
    "one campaign makes every test weaker, never stronger."
)


def _hypergeom_tail(k: int, n: int, big_k: int, big_n: int) -> float:
    """P(X >= k) for X ~ Hypergeometric(population big_n, successes big_k, draws n).

    The same number as ``scipy.stats.hypergeom.sf(k - 1, big_n, big_k, n)``
    (bit for bit: the same Boost routine, with scipy's support and argument
    checks), without importing :mod:`scipy.stats` (about 1 s of start-up for
    ``detector hashtag``; :mod:`scipy.special` is loaded by the scorer anyway).
    Falls back to :mod:`scipy.stats` where scipy has no ``_hypergeom_sf``.
    """
    if k <= 0:
        return 1.0
    try:
        from scipy.special._ufuncs import _hypergeom_sf
    except ImportError:  # another scipy layout: the public (slower to import) route
        from scipy.stats import hypergeom

        return float(hypergeom.sf(k - 1, big_n, big_k, n))
    q = k - 1
    if not (big_n > 0 and 0 <= big_k <= big_n and 0 <= n <= big_n):
        return float("nan")  # scipy's badvalue for invalid shapes
    if q < max(n - (big_n - big_k), 0):  # below the support
        return 1.0
    if q >= min(big_k, n):  # at or above its top
        return 0.0
    return float(np.clip(_hypergeom_sf(float(q), float(big_k), float(n), float(big_n)), 0.0, 1.0))


def _given_tests(cluster: Mapping[str, Any]) -> list[dict[str, Any]]:
    raw = cluster.get("tests") or cluster.get("group_tests") or []
    out = []
    for t in raw if isinstance(raw, Sequence) else []:
        if not isinstance(t, Mapping):
            continue
        p = t.get("p_value", t.get("p"))
        if p is None or not np.isfinite(float(p)):
            continue
        out.append(
            {
                "test": str(t.get("name") or t.get("test") or t.get("family") or "test"),
                "family": str(t.get("family") or t.get("name") or ""),
                "p_value": float(p),
                "source": "scorer group test",
            }
        )
    return out


def evidence_tests(
    cluster: Mapping[str, Any], members: pd.DataFrame, population: pd.DataFrame
) -> list[dict[str, Any]]:
    """Evidence tests of one cluster, with p-values (smallest first).

    ``members``/``population``: per-account family scores (columns named as the
    families) of the cluster's members and of every account of the scan.
    """
    given = _given_tests(cluster)
    if given:
        return _with_log10(sorted(given, key=lambda t: (t["p_value"], t["test"])))
    out = []
    big_n = len(population)
    for family in (*COORDINATION, *INAUTHENTIC):
        if family not in population.columns or family not in members.columns or not big_n:
            continue
        big_k = int((population[family].to_numpy(dtype=float) >= STRONG_MEMBER).sum())
        strong = members[family].to_numpy(dtype=float) >= STRONG_MEMBER
        k, n = int(strong.sum()), len(members)
        out.append(
            {
                "test": f"{family} enrichment",
                "family": family,
                "members_strong": k,
                "members": n,
                "population_strong": big_k,
                "population": big_n,
                "p_value": _hypergeom_tail(k, n, big_k, big_n) if n else 1.0,
                "source": "enrichment (hypergeometric)",
            }
        )
    return _with_log10(sorted(out, key=lambda t: (t["p_value"], t["test"])))


def _with_log10(tests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add ``log10_p`` (report.json rounds floats to 6 decimals: a p-value of 1e-14 would read 0)."""
    for t in tests:
        t["log10_p"] = round(float(np.log10(max(t["p_value"], 1e-300))), 2)
    return tests


ROUND_ODDS: tuple[tuple[float, str], ...] = (
    (1e-9, "1 in a billion"),
    (1e-6, "1 in a million"),
    (1e-3, "1 in 1,000"),
    (1e-2, "1 in 100"),
    (5e-2, "1 in 20"),
)
"""The round odds a p-value is said with, rarest first (wording, not a cut-off)."""


def odds_phrase(p: float) -> str:
    """``p`` as "1 in N" with a round N (``p`` <= 0.05), e.g. 0.0004 -> "1 in 1,000"."""
    for cut, words in ROUND_ODDS:
        if p <= cut:
            return words
    return f"about {p:.0%}"


_NUMBERS = {1: "one", 2: "two", 3: "three", 4: "four"}


def cluster_confidence(
    cluster: Mapping[str, Any], members: pd.DataFrame, population: pd.DataFrame
) -> dict[str, Any]:
    """``{"level": strong|moderate|weak, "statement": ..., "tests": [...]}`` for one cluster."""
    tests = evidence_tests(cluster, members, population)

    def sides(cut: float) -> tuple[list[str], bool]:
        rare = [t["family"] for t in tests if t["p_value"] <= cut]
        both = any(f in COORDINATION for f in rare) and any(f in INAUTHENTIC for f in rare)
        return rare, both

    rare, both = sides(STRONG_P)
    level = "strong" if both and len(rare) >= 2 else None
    if level is None:
        rare, both = sides(MODERATE_P)
        level = "moderate" if both else "weak"
    if level == "weak":
        rare = [t["family"] for t in tests if t["p_value"] <= WEAK_P]
    n = len(members)
    kinds = ", ".join(FAMILY_WORDS.get(f, f) for f in rare)
    if rare:
        worst = max(t["p_value"] for t in tests if t["family"] in rare)
        count = _NUMBERS.get(len(rare), str(len(rare)))
        noun = "kind" if len(rare) == 1 else "independent kinds"
        each = "rarer" if len(rare) == 1 else "each rarer"
        statement = (
            f"{level.capitalize()}: {count} {noun} of evidence ({kinds}), {each} than "
            f"{odds_phrase(worst)} for a random group of {n} accounts here"
        )
    else:
        statement = f"{level.capitalize()}: no kind of evidence is rarer than 1 in {round(1 / WEAK_P):,} for a random group of {n} accounts here"
    if level == "weak" and rare:
        statement += "; acting together and looking inauthentic are not both shown"
    return {"level": level, "statement": statement + ".", "tests": tests}

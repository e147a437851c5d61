"""Group-level tests: how a cluster's members differ, as a distribution, from the scan's population.

Each test asks whether a cluster holds more accounts with one attribute than a random
draw of the same size from the rest of the scan's population (everyone but the cluster) would (a one-sided binomial test with
Bonferroni over every cluster and test of the scan, and an effect-size floor:
:func:`detector.scoring.calibrate.enrichment_test`). Attributes are read from the
account tests (:mod:`detector.scoring.evidence_tests`): an account *has* one when its
test score is at least :data:`~detector.scoring.evidence_tests.INDICATOR_LEVEL`.
Members for whom the attribute is unknown (no creation date, no profile) are left out
of both ``k`` and ``n``: unknown is never counted as ordinary.

Coordination side (:data:`COORDINATION_TESTS`)
    ``in_sync``: acts within the window with :data:`GROUP_PARTNERS` or more accounts;
    ``copies``: duplicate-text family at the indicator level.
Modifier (:data:`MODIFIER_TESTS`): ``rare_client`` (members posting through a client few
    accounts of the scan use) strengthens the inauthenticity side, never carries it.
Inauthenticity side (:data:`INAUTHENTIC_TESTS`)
    ``young``; ``young_or_dormant`` (a network of aged-dormant and fresh accounts is
    enriched in both halves at once); ``automated`` (automation family);
    ``follower_anomaly``; ``default_profile``; ``creation_batch``: the most members
    created within :data:`BATCH_WINDOW_S` of each other, against the population's share
    of accounts created in that same window (the window is chosen from the data, so its
    p-value is multiplied by the number of windows tried). (Tried and dropped: the share
    of members with another member created within the window, against its analytic null:
    weaker on batch-registered networks of the generator.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from detector import thresholds as th
from detector.scoring.calibrate import binomial_tail, enrichment_test, group_score
from detector.scoring.evidence_tests import INDICATOR_LEVEL, MIN_TIMING_EVENTS

__all__ = [
    "BATCH_WINDOW_S",
    "COORDINATION_TESTS",
    "GROUP_PARTNERS",
    "GROUP_TEST_WORDS",
    "INAUTHENTIC_TESTS",
    "MODIFIER_TESTS",
    "group_tests",
    "member_attributes",
]

GROUP_PARTNERS = th.GROUP_PARTNERS
"""Accounts acted with in the window that make an account part of a group (``in_sync``; named in
:mod:`detector.thresholds`)."""

BATCH_WINDOW_S = 7 * 86400
"""Width (seconds: one week) of a creation batch: operators register accounts in batches over days."""

MIN_TESTED_SIZE = 3
"""Clusters of at least this many members count in the Bonferroni factor (a pair cannot be
significant anyway; counting the many pairs of a large scan would only blunt every test)."""

COORDINATION_TESTS: tuple[str, ...] = ("in_sync", "copies")
INAUTHENTIC_TESTS: tuple[str, ...] = ("young", "young_or_dormant", "automated", "follower_anomaly", "default_profile", "creation_batch")

MODIFIER_TESTS: tuple[str, ...] = ("rare_client",)
"""Group tests that only strengthen the inauthenticity side, never carry it: a newsroom posts
through one scheduling tool too."""

GROUP_TEST_WORDS: dict[str, str] = {
    "in_sync": f"act within the window with {GROUP_PARTNERS} or more accounts",
    "copies": "post identical or near-duplicate texts of other accounts",
    "young": "are young accounts",
    "young_or_dormant": "are young or dormant/reactivated old accounts",
    "automated": "post with machine-like timing",
    "follower_anomaly": "follow far more accounts than follow them",
    "default_profile": "have a default profile",
    "creation_batch": f"were created within {BATCH_WINDOW_S // 86400} days of each other",
    "rare_client": "post through a client few accounts here use",
}


def member_attributes(tests: pd.DataFrame, fam: pd.DataFrame, signals: pd.DataFrame) -> pd.DataFrame:
    """Per account, 1.0 / 0.0 / NaN (unknown) for every attribute of the group tests but ``creation_batch``."""

    def has(score: np.ndarray, known: np.ndarray) -> np.ndarray:
        return np.where(known, (np.asarray(score) >= INDICATOR_LEVEL).astype(float), np.nan)

    def known(column: str) -> np.ndarray:
        if column not in signals.columns:
            return np.zeros(len(signals), dtype=bool)
        return np.isfinite(signals[column].to_numpy(dtype=float))

    partners = signals["sync_partners"].to_numpy(dtype=float) if "sync_partners" in signals.columns else np.zeros(len(signals))
    age_known = known("age_days")
    life_known = known("lifetime_posts_per_day") | known("scan_share_of_posts")
    young = has(tests["young"].to_numpy(), age_known)
    dormant = has(np.maximum(tests["dormant"].to_numpy(), tests["reactivated"].to_numpy()), life_known)
    either = np.where(age_known | life_known, np.fmax(np.nan_to_num(young), np.nan_to_num(dormant)), np.nan)
    n_events = np.nan_to_num(signals["n_events"].to_numpy(dtype=float)) if "n_events" in signals.columns else np.zeros(len(signals))
    return pd.DataFrame(
        {
            "in_sync": (np.nan_to_num(partners) >= GROUP_PARTNERS).astype(float),
            "copies": (fam["duplicate_text"].to_numpy() >= INDICATOR_LEVEL).astype(float),
            "young": young,
            "young_or_dormant": either,
            "automated": has(fam["automation"].to_numpy(), n_events >= MIN_TIMING_EVENTS),
            "follower_anomaly": has(tests["follower_anomaly"].to_numpy(), known("followers_following_ratio")),
            "rare_client": has(tests["rare_client"].to_numpy(), known("client_share")),
            "default_profile": np.where(known("default_profile"), np.nan_to_num(signals.get("default_profile", pd.Series(np.nan, index=signals.index)).to_numpy(dtype=float)), np.nan),
        },
        index=signals.index,
    )


def _creation_batches(created: np.ndarray, groups: np.ndarray, n_groups: int, population: np.ndarray, n_tests: int):
    """Per group: members in its densest creation window, members with a date, the population's
    share in that window, and the test's adjusted p-value."""
    k = np.zeros(n_groups)
    n = np.zeros(n_groups)
    p0 = np.zeros(n_groups)
    p_adj = np.ones(n_groups)
    pop = np.sort(population[np.isfinite(population)])
    if pop.size == 0:
        return k, n, p0, p_adj
    ok = np.isfinite(created) & (groups >= 0)
    order = np.lexsort((created[ok], groups[ok]))
    g, c = groups[ok][order], created[ok][order]
    bounds = np.searchsorted(g, np.arange(n_groups + 1))
    for j in range(n_groups):
        dates = c[bounds[j]:bounds[j + 1]]
        if dates.size < 2:
            n[j] = dates.size
            continue
        inside = np.searchsorted(dates, dates + BATCH_WINDOW_S, side="right") - np.arange(dates.size)
        share = (np.searchsorted(pop, dates + BATCH_WINDOW_S, side="right") - np.searchsorted(pop, dates, side="left")) / pop.size
        tail = binomial_tail(inside, np.full(dates.size, dates.size), share)
        best = int(np.argmin(tail))
        k[j], n[j], p0[j] = inside[best], dates.size, share[best]
        p_adj[j] = min(1.0, float(tail[best]) * dates.size * n_tests)  # windows tried x tests made
    return k, n, p0, p_adj


def group_tests(
    attributes: pd.DataFrame, created_at: pd.Series, cluster_id: pd.Series
) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """Every group test of every cluster.

    Parameters
    ----------
    attributes : DataFrame
        :func:`member_attributes` of the accounts that count in the population (officials excluded).
    created_at : Series
        Creation time (UTC seconds, NaN unknown) of the same accounts.
    cluster_id : Series
        Cluster per account (NA: none), same index.

    Returns
    -------
    scores : DataFrame
        Index cluster id, one [0, 1] column per test.
    details : dict
        Per test, a DataFrame (index cluster id) with ``k``, ``n``, ``p0`` and ``p_adj``.
    """
    cid = cluster_id.to_numpy(dtype=float, na_value=np.nan)
    ids = np.unique(cid[np.isfinite(cid)]).astype(np.int64)
    groups = np.full(len(cid), -1, dtype=np.int64)
    groups[np.isfinite(cid)] = np.searchsorted(ids, cid[np.isfinite(cid)].astype(np.int64))
    names = (*COORDINATION_TESTS, *INAUTHENTIC_TESTS, *MODIFIER_TESTS)
    sizes = np.bincount(groups[groups >= 0], minlength=len(ids))
    n_tests = max(1, int((sizes >= MIN_TESTED_SIZE).sum()) * len(names))
    scores, details = {}, {}
    member = groups >= 0
    for name in names:
        if name == "creation_batch":
            c = created_at.to_numpy(dtype=float)
            k, n, p0, p_adj = _creation_batches(c, groups, len(ids), c, n_tests)
            excess = np.where(n > 0, k / np.maximum(n, 1) - p0, 0.0)
            score = np.where(n >= 2, group_score(p_adj, excess), 0.0)
        else:
            values = attributes[name].to_numpy(dtype=float)
            known = np.isfinite(values)
            k = np.bincount(groups[member & known], weights=values[member & known], minlength=len(ids))
            n = np.bincount(groups[member & known], minlength=len(ids)).astype(float)
            # the rest of the population: everyone with the attribute known, but the cluster itself
            rest = np.maximum(known.sum() - n, 1.0)
            p0 = np.clip((values[known].sum() - k) / rest, 0.0, 1.0)
            score, p_adj = enrichment_test(k, n, p0, n_tests)
        scores[name] = score
        details[name] = pd.DataFrame({"k": k, "n": n, "p0": p0, "p_adj": p_adj}, index=ids)
    return pd.DataFrame(scores, index=pd.Index(ids, name="cluster_id")), details

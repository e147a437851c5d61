"""Group-level tests: how a cluster's members differ, as a distribution, from the scan's population.

Each test asks whether a cluster holds more accounts with one attribute than a random
draw of the same size from the rest of the scan's population (everyone but the cluster)
would: a one-sided binomial test, Benjamini-Hochberg over every test of every cluster of the
scan, and an effect-size floor (:func:`detector.scoring.calibrate.enrichment_test`,
:func:`~detector.scoring.calibrate.fdr_adjust`, :func:`~detector.scoring.calibrate.group_score`). Inauthenticity attributes are read from
the account tests (:mod:`detector.scoring.evidence_tests`) by rank: an account *has* one when
it sits in the population's suspicious quarter of that test (:func:`in_suspicious_quarter`).
A group is judged by its distribution, not by members that are extreme one by one: a network
of accounts created about four months ago is not "young" account by account (120 days is
ordinary on its own), but when all its members are among the youngest quarter of the scan,
the group is shifted as a whole (p-value and excess share in the reasons). A fandom with some
young stans has perhaps 40 % of its members there against the population's 25 %: below the
effect floor. Members for whom the attribute is unknown (no creation date, no profile) are left out
of both ``k`` and ``n``: unknown is never counted as ordinary.

Coordination side (:data:`COORDINATION_TESTS`)
    ``in_sync``: acts within the window with :data:`GROUP_PARTNERS` or more accounts;
    ``copies``: duplicate-text family at the indicator level; ``recurring``: shares the same
    uncommon links, or links the same co-linked uncommon domains, with :data:`GROUP_PARTNERS`
    or more accounts at any time in the scan (the slow counterpart of ``in_sync``: a slow drip
    posts the same stock of links hours apart, so no window holds its members, but as a group
    they are tied to each other where the population is not).
Modifiers (:data:`MODIFIER_TESTS`): ``follower_anomaly``, ``default_profile`` and
    ``rare_client`` (members posting through a client few accounts of the scan use)
    strengthen the inauthenticity side, never carry it.
Inauthenticity side (:data:`INAUTHENTIC_TESTS`)
    ``young``; ``young_or_dormant`` (a network of aged-dormant and fresh accounts is
    enriched in both halves at once); ``automated`` (automation family); ``shifted``
    (:func:`_switch_batches`): members that switched language cleanly at the group's change
    point (none of the languages of their own posts before it among their posts after it;
    the change point of the members' own posts pooled in time order), against the share of
    the population with posts on both sides of that moment that switched then; p-value times
    the splits that could have been chosen. Hijacked or repurposed
    accounts are old, ordinary profiles taken over together: one by one, two posts before the
    takeover are no evidence, but a group whose members all dropped their language at once,
    where the population did not, is. ``creation_batch``: the most members
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
from detector.evidence.langshift import language_spans, pooled_split, switched_at
from detector.scoring.calibrate import (
    TAIL_ORDINARY,
    binomial_tail,
    enrichment_test,
    fdr_adjust,
    group_score,
)
from detector.scoring.evidence_tests import (
    INDICATOR_LEVEL,
    MIN_TIMING_EVENTS,
    _column,
    suspicious_percentiles,
)

__all__ = [
    "BATCH_WINDOW_S",
    "COORDINATION_TESTS",
    "GROUP_PARTNERS",
    "GROUP_TEST_WORDS",
    "INAUTHENTIC_TESTS",
    "MODIFIER_TESTS",
    "group_tests",
    "in_suspicious_quarter",
    "member_attributes",
]

GROUP_PARTNERS = th.GROUP_PARTNERS
"""Accounts acted with in the window that make an account part of a group (``in_sync``; named in
:mod:`detector.thresholds`)."""

BATCH_WINDOW_S = 7 * 86400
"""Width (seconds: one week) of a creation batch: operators register accounts in batches over days."""

MIN_TESTED_SIZE = 3
"""Clusters of at least this many members are tested (one family for the FDR adjustment; a pair cannot be
significant anyway; counting the many pairs of a large scan would only blunt every test)."""

COORDINATION_TESTS: tuple[str, ...] = ("in_sync", "copies", "recurring")
INAUTHENTIC_TESTS: tuple[str, ...] = ("young", "young_or_dormant", "automated", "shifted", "creation_batch")

MODIFIER_TESTS: tuple[str, ...] = ("follower_anomaly", "default_profile", "rare_client")
"""Group tests that only strengthen the inauthenticity side, never carry it, as their account
tests only strengthen the profile and automation families: fans follow far more accounts than
follow them, many real users never fill in a profile, and a newsroom posts through one
scheduling tool."""

GROUP_TEST_WORDS: dict[str, str] = {
    "in_sync": f"act within the window with {GROUP_PARTNERS} or more accounts",
    "copies": "post identical or near-duplicate texts of other accounts",
    "recurring": f"share the same uncommon links or link domains (at any time) with {GROUP_PARTNERS} or more accounts",
    "young": "are among the youngest quarter of accounts here",
    "young_or_dormant": "are among the youngest or the most dormant quarter of accounts here",
    "automated": "post with machine-like timing",
    "shifted": "switched language at one moment (none of their languages before it in their posts after it)",
    "follower_anomaly": "are among the quarter with the fewest followers per account followed",
    "default_profile": "have a default profile",
    "creation_batch": f"were created within {BATCH_WINDOW_S // 86400} days of each other",
    "rare_client": "are among the quarter posting through the least common clients here",
}


def member_attributes(fam: pd.DataFrame, signals: pd.DataFrame) -> pd.DataFrame:
    """Per account, 1.0 / 0.0 / NaN (unknown) for every attribute of the group tests but ``creation_batch`` and ``shifted``.

    Coordination attributes are the account's own (``in_sync``: :data:`GROUP_PARTNERS` or more
    partners in the window; ``copies``: duplicate-text family at
    :data:`~detector.scoring.evidence_tests.INDICATOR_LEVEL`; ``recurring``:
    :data:`GROUP_PARTNERS` or more partners by recurring links or recurring link domains, the
    larger count). An account *has* an
    inauthenticity attribute when it sits in the population's suspicious quarter of that
    account test (:func:`in_suspicious_quarter`): not rare on its own (a quarter of any
    population is there), but a group whose members sit there far more often than a random
    draw would is shifted as a whole. ``young_or_dormant``: the youngest or the most dormant
    quarter. ``automated`` is the exception: the automation family at the indicator level (3+
    events). Timing signals are measured only on accounts with enough events, where one large
    group (a fandom reposting every post of its idol) can be most of the measured population,
    so a rank there is no evidence; the family needs a value both rare and far.
    """
    quarter = in_suspicious_quarter(signals)

    def any_of(*names: str) -> np.ndarray:
        values = quarter[list(names)].to_numpy()
        known = np.isfinite(values).any(axis=1)
        return np.where(known, np.nan_to_num(values, nan=0.0).max(axis=1), np.nan)

    enough_events = np.nan_to_num(_column(signals, "n_events"), nan=0.0) >= MIN_TIMING_EVENTS
    recurring = np.fmax(np.nan_to_num(_column(signals, "recurring_partners"), nan=0.0),
                        np.nan_to_num(_column(signals, "domain_partners"), nan=0.0))
    return pd.DataFrame(
        {
            "in_sync": (np.nan_to_num(_column(signals, "sync_partners"), nan=0.0) >= GROUP_PARTNERS).astype(float),
            "copies": (fam["duplicate_text"].to_numpy() >= INDICATOR_LEVEL).astype(float),
            "recurring": (recurring >= GROUP_PARTNERS).astype(float),
            "young": quarter["young"].to_numpy(),
            "young_or_dormant": any_of("young", "dormant"),
            "automated": np.where(enough_events, (fam["automation"].to_numpy() >= INDICATOR_LEVEL).astype(float), np.nan),
            "follower_anomaly": quarter["follower_anomaly"].to_numpy(),
            "rare_client": quarter["rare_client"].to_numpy(),
            "default_profile": _column(signals, "default_profile"),
        },
        index=signals.index,
    )


def in_suspicious_quarter(signals: pd.DataFrame) -> pd.DataFrame:
    """Per account test: 1.0 where the account sits in the population's suspicious quarter
    (mid-rank upper-tail share below :data:`~detector.scoring.calibrate.TAIL_ORDINARY`), 0.0
    elsewhere, NaN where the signal is unknown.

    Strictly below: on a two-valued signal split half and half, the upper half's mid-rank
    share is exactly 0.25, and half of a population is not a "quarter"; on an all-equal
    signal nobody is in it (share 0.5)."""
    pct = suspicious_percentiles(signals)
    values = pct.to_numpy(dtype=float)
    out = np.where(np.isfinite(values), (values > 1.0 - TAIL_ORDINARY).astype(float), np.nan)
    return pd.DataFrame(out, index=pct.index, columns=pct.columns)


def _creation_batches(created: np.ndarray, groups: np.ndarray, n_groups: int, population: np.ndarray):
    """Per group: members in its densest creation window, members with a date, the population's
    share in that window, and the test's p-value (times the number of windows tried: the
    window is chosen from the data)."""
    k = np.zeros(n_groups)
    n = np.zeros(n_groups)
    p0 = np.zeros(n_groups)
    p_value = np.ones(n_groups)
    pop = np.sort(population[np.isfinite(population)])
    if pop.size == 0:
        return k, n, p0, p_value
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
        p_value[j] = min(1.0, float(tail[best]) * dates.size)
    return k, n, p0, p_value


def _switch_batches(posts: pd.DataFrame | None, groups: np.ndarray, n_groups: int, index: pd.Index):
    """Per group: members that switched language at the group's own change point, members with
    posts on both sides of it, the population's share that switched then, and the p-value.

    The moment is the best split of the members' own posts pooled in time order
    (:func:`~detector.evidence.langshift.pooled_split`); it is chosen from the data, so the
    p-value is multiplied by the number of splits that could have been chosen (Bonferroni
    over every admissible split). A group whose pooled posts show no switch is not tested
    (p-value NaN: it does not count in the false-discovery family either)."""
    k, n, p0, p_value = np.zeros(n_groups), np.zeros(n_groups), np.zeros(n_groups), np.full(n_groups, np.nan)
    if posts is None or not len(posts):
        return k, n, p0, p_value
    population = pd.Index(index.astype(str))
    posts = posts[posts["account_id"].isin(population)]
    group_of = pd.Series(groups, index=population)
    pg = group_of.reindex(posts["account_id"].to_numpy()).to_numpy()
    member_posts = posts[pg >= 0].assign(_g=pg[pg >= 0])
    at, splits = pooled_split(member_posts, "_g", n_groups)
    tested = np.flatnonzero(np.isfinite(at))
    if not tested.size:
        return k, n, p0, p_value
    spans = language_spans(posts)
    per = spans.groupby("account_id", sort=True).agg(first=("first_ts", "min"), last=("last_ts", "max"), langs=("lang", "size"))
    times = np.unique(at[tested])
    mins, maxs = np.sort(per["first"].to_numpy(dtype=float)), np.sort(per["last"].to_numpy(dtype=float))
    known_pop = np.searchsorted(mins, times, side="left") - np.searchsorted(maxs, times, side="left")
    members = population[np.isin(groups, tested)]
    # only accounts with two or more languages can switch: they and the tested members are enough
    rows = pd.Index(sorted(set(per.index[per["langs"].to_numpy() >= 2]) | set(members)))
    known, switched = switched_at(spans, rows, times)
    switched_pop = switched.sum(axis=0)
    row_of = rows.get_indexer(population)
    for j in tested:
        mine = row_of[groups == j]
        c = int(np.searchsorted(times, at[j]))
        kj, nj = float(switched[mine, c].sum()), float(known[mine, c].sum())
        if nj == 0:
            continue
        p0j = float(np.clip((switched_pop[c] - kj) / max(known_pop[c] - nj, 1.0), 0.0, 1.0))
        k[j], n[j], p0[j] = kj, nj, p0j
        p_value[j] = min(1.0, float(binomial_tail(kj, nj, p0j)) * splits[j])
    return k, n, p0, p_value


def group_tests(
    attributes: pd.DataFrame,
    created_at: pd.Series,
    cluster_id: pd.Series,
    post_languages: pd.DataFrame | None = None,
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
    post_languages : DataFrame, optional
        :func:`detector.evidence.langshift.post_languages` of the scan (own posts with their
        language) for ``shifted``; without it that test is not run (score 0).

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
    member = groups >= 0
    raw = {}
    for name in names:
        if name == "creation_batch":
            c = created_at.to_numpy(dtype=float)
            k, n, p0, p_value = _creation_batches(c, groups, len(ids), c)
            excess = np.where(n >= 2, k / np.maximum(n, 1) - p0, 0.0)
        elif name == "shifted":
            k, n, p0, p_value = _switch_batches(post_languages, groups, len(ids), attributes.index)
            excess = np.where(n >= 1, k / np.maximum(n, 1) - p0, 0.0)
        else:
            values = attributes[name].to_numpy(dtype=float)
            known = np.isfinite(values)
            k = np.bincount(groups[member & known], weights=values[member & known], minlength=len(ids))
            n = np.bincount(groups[member & known], minlength=len(ids)).astype(float)
            # the rest of the population: everyone with the attribute known, but the cluster itself
            rest = np.maximum(known.sum() - n, 1.0)
            p0 = np.clip((values[known].sum() - k) / rest, 0.0, 1.0)
            p_value, excess = enrichment_test(k, n, p0)
        raw[name] = (k, n, p0, p_value, excess)
    # one family: every test of every cluster of MIN_TESTED_SIZE+ members in the scan
    tested = sizes >= MIN_TESTED_SIZE
    family = np.column_stack([np.where(tested, raw[name][3], np.nan) for name in names]) if len(ids) else np.zeros((0, len(names)))
    q_values = np.nan_to_num(fdr_adjust(family.ravel()).reshape(family.shape), nan=1.0)
    scores, details = {}, {}
    for j, name in enumerate(names):
        k, n, p0, _, excess = raw[name]
        scores[name] = np.where(n >= (2 if name == "creation_batch" else 1), group_score(q_values[:, j], excess), 0.0)
        details[name] = pd.DataFrame({"k": k, "n": n, "p0": p0, "p_adj": q_values[:, j]}, index=ids)
    return pd.DataFrame(scores, index=pd.Index(ids, name="cluster_id")), details

"""Unsupervised account and cluster scores in [0, 1], with reasons.

The scorer in one sitting:

1. **Evidence tests** (:mod:`detector.scoring.evidence_tests`): named per-account
   tests (repeated synchrony, copied text, young / dormant / reactivated account,
   regular timing, fixed repost lag...), each calibrated by the one rule of
   :mod:`detector.scoring.calibrate` (empirical tail with mid-ranks *and* an
   effect-size floor against the scan's own population), grouped into four
   families: ``synchrony``, ``duplicate_text`` (acting *together*) and
   ``profile``, ``automation`` (not being what one seems).
2. **Account score**: a soft AND of the strongest family on each side
   (:func:`conjunction`)::

       individual = sqrt(f1 * f2) + (1 - sqrt(f1 * f2)) * 0.5 * min(f3, f1, f2)

   Organic coordination (fans, newsrooms, activists) is strong on the first
   side only, a lone bot on the second only: either side missing gives 0.
3. **Group tests** (:mod:`detector.scoring.group_tests`): a cluster is judged by
   how its members' distribution differs from the population's (binomial
   enrichment with a Benjamini-Hochberg false-discovery rate and an effect floor):
   share of members in sync with several accounts or copying texts (coordination
   side); share young, young-or-dormant, automated, with follower anomalies or
   default profiles, and creation-date concentration (inauthenticity side). The
   cluster score is the same soft AND over the two sides (the coordination side
   also takes its members' mean synchrony and copied-text scores: the pair
   evidence the cluster was built from), damped below ``min_cluster_size``.
4. **Support**: an account in a cluster scoring at least
   :data:`CLUSTER_SUPPORT_LEVEL` is supported by it::

       score = 1 - (1 - individual) * (1 - cluster_score * max(f1, embed))

   ``embed`` measures how firmly the account acts with its own cluster
   (:func:`_embeddedness`, scaled by :func:`_inauthentic_tie_ratio`); an account
   outside such a cluster that acts mostly with its members is supported through
   its own strongest family only (``linked_cluster_id``). Membership in a group
   that the group tests find ordinary lends nothing, and in a cluster of at
   least :data:`GROUP_TEST_MIN_SIZE` members an account's own *profile* evidence
   counts only as far as its group's inauthenticity side: young accounts join every
   community (a young fan in a streaming party), so for a member of a large group
   youth is judged at the group level. Machine-like timing counts in full.

5. **Rank term**: evidence too weak to count (graded by
   :func:`~detector.scoring.calibrate.tail_grade`, the calibration rule measured from the
   population's middle) orders the accounts that the steps above leave at or near 0::

       score += (1 - score) * RANK_SHARE * graded      # RANK_SHARE = 0.01

   (:func:`_graded_evidence`): a campaign member with weak evidence of both kinds
   no longer ties with every ordinary account (ROC-AUC), and no score moves by more
   than 0.01.

``flagged = score >= flag_threshold`` (default 0.5): the threshold is the cut
only, never an input of any score. A cluster is flagged when its score passes the
threshold *and* at least one member is flagged (else its reasons say why not).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from detector.scoring import reasons as rs
from detector.scoring.evidence_tests import (
    ACCOUNT_TESTS,
    FAMILIES,
    MIN_TIMING_EVENTS,
    REASON_LEVEL,
    account_test_scores,
    family_reasons,
    suspicious_percentiles,
)
from detector.scoring.evidence_tests import family_scores as _family_from_tests
from detector.scoring.group_tests import (
    COORDINATION_TESTS,
    GROUP_PARTNERS,
    GROUP_TEST_WORDS,
    INAUTHENTIC_TESTS,
    MODIFIER_TESTS,
    group_tests,
    member_attributes,
)
from detector.scoring.signals import cluster_by_position, edge_positions, flagged_cluster_links

__all__ = [
    "CLUSTER_SUPPORT_LEVEL",
    "FAMILIES",
    "GROUP_TEST_MIN_SIZE",
    "ONE_SIDED",
    "RANK_SHARE",
    "ScoreParams",
    "conjunction",
    "evidence_coverage",
    "family_scores",
    "score_accounts",
]

CLUSTER_SUPPORT_LEVEL = 0.5
"""Cluster score from which a cluster lends its members (and linked accounts) support.

Fixed, not the flag threshold: ``--flag-threshold`` moves the cut, never the scores."""

RANK_SHARE = 0.01
"""Largest share of the gap to 1 that evidence *below* the evidence level fills in an account's score.

The conjunction and the cluster support give exactly 0 to most accounts of a scan (one side of
the evidence missing, or the evidence under the calibration rule's ordinary bounds), so a
campaign member with weak evidence of both kinds tied with every ordinary account. The
rank term (:func:`_graded_evidence`, in [0, 1]) orders them: ``score += (1 - score) *
RANK_SHARE * graded``. Small, so that it only orders accounts whose scores would otherwise
(nearly) tie: it moves a score by at most 0.01, and at the default bar it can flag only an
account already within 0.005 of it (none in the scenario suite or ``detector.synth``)."""

ONE_SIDED = 0.1
"""Weight of the stronger side alone in the rank term: evidence of one kind only (coordination
*or* inauthenticity) ranks an account above one with none, and below any with both."""

GROUP_TEST_MIN_SIZE = 10
"""Members from which a cluster's group tests have the power to speak for its members
(with 10 members, 5 young among a population with 3 % young is p ~ 1e-5)."""

COORDINATION_FAMILIES: tuple[str, ...] = ("synchrony", "duplicate_text")
"""Families that show accounts acting *together*."""

INAUTHENTIC_FAMILIES: tuple[str, ...] = ("profile", "automation")
"""Families that speak to accounts being inauthentic (throwaway or automated), not to acting together."""

_FAMILY_PAIR = (
    tuple(FAMILIES.index(f) for f in COORDINATION_FAMILIES),
    tuple(FAMILIES.index(f) for f in INAUTHENTIC_FAMILIES),
)
"""Column positions of the two sides of every conjunction: coordination x inauthenticity."""


@dataclass(frozen=True)
class ScoreParams:
    """Parameters of the unsupervised scorer.

    Attributes
    ----------
    flag_threshold : float
        Account (and cluster) score at or above which it is flagged. Only the cut:
        no score depends on it.
    min_cluster_size : int
        Clusters smaller than this have their score damped linearly
        (a pair is weak cluster evidence).
    third_family_weight : float
        Share of the remaining gap that the third-strongest family can fill.
    group_partners : int
        An account outside a supporting cluster is supported by it when it acted
        in the window with this many of its members (see ``link_share``); also the
        ``need`` floor of embeddedness.
    link_share : float
        ... and when they make up at least this share of everyone it acted in sync
        with (support falls linearly below either). The same share of the
        account's own actions done with its cluster (``cluster_sync_share``)
        gives single co-actions their full weight in embeddedness.
    """

    flag_threshold: float = 0.5
    min_cluster_size: int = 3
    third_family_weight: float = 0.5
    group_partners: int = GROUP_PARTNERS
    link_share: float = 0.5


def family_scores(signals: pd.DataFrame) -> pd.DataFrame:
    """Calibrated [0, 1] score per evidence family (columns :data:`FAMILIES`) from raw signals.

    ``signals`` is the union of :func:`~detector.scoring.signals.network_signals`
    and :func:`~detector.scoring.signals.behaviour_signals`; unknown signals score 0
    (they are listed in the evidence coverage).
    """
    return _family_from_tests(account_test_scores(signals))


def conjunction(
    fam: np.ndarray, third_weight: float = 0.5, first: tuple[int, ...] = (), second: tuple[int, ...] = ()
) -> np.ndarray:
    """Soft AND over family scores, row-wise: ``g + (1 - g) * w * f3``, ``g = sqrt(f1 f2)``.

    ``f1`` is the row's strongest family among the columns ``first`` (all when
    empty), ``f2`` the strongest of the rest among ``second`` (all the rest when
    empty) and ``f3`` the strongest left, capped at ``min(f1, f2)`` so the third
    never outweighs the pair. Without ``first``/``second`` these are simply the
    three largest scores; with them, the pair must come from those groups (no
    pair, no score).
    """
    fam = np.nan_to_num(np.asarray(fam, dtype=float), nan=0.0)
    if fam.ndim == 1:
        fam = fam[None, :]
    rows = np.arange(len(fam))
    left = fam.copy()

    def take(cols: tuple[int, ...]) -> np.ndarray:
        allowed = np.zeros(fam.shape[1], dtype=bool)
        allowed[list(cols) if cols else slice(None)] = True
        masked = np.where(allowed, left, -1.0)
        pick = np.argmax(masked, axis=1)
        value = masked[rows, pick].clip(0.0) if fam.shape[1] else np.zeros(len(fam))
        left[rows, pick] = -1.0  # used: not available to the next pick
        return value

    f1 = take(first)
    f2 = take(second) if fam.shape[1] > 1 else np.zeros(len(fam))
    f3 = take(()) if fam.shape[1] > 2 else np.zeros(len(fam))
    f3 = np.minimum(f3, np.minimum(f1, f2))
    g = np.sqrt(f1 * f2)
    return np.clip(g + (1.0 - g) * third_weight * f3, 0.0, 1.0)




def _reasons(
    row: Mapping[str, float],
    fam: Mapping[str, float],
    tests: Mapping[str, float],
    pct: Mapping[str, float],
    med: Mapping[str, float],
    cluster: dict | None,
    link: dict | None = None,
) -> list[str]:
    """Plain-language reasons for one account, strongest family first."""
    ranked = sorted(((fam[f], f) for f in FAMILIES if fam[f] >= REASON_LEVEL), key=lambda t: (-t[0], t[1]))
    reasons = [family_reasons(name, value, row, tests, med, pct) for value, name in ranked]
    if cluster is not None:
        reasons.append(
            rs.cluster_member(
                cluster["cluster_id"],
                cluster["size"],
                cluster["score"],
                int(row.get("cluster_partners", 0) or 0),
                int(row.get("cluster_coactors", 0) or 0),
            )
        )
    if link is not None:
        reasons.append(
            rs.linked_cluster(
                link["partners"], link["cluster_id"], link["size"], link["score"], link["in_sync"],
                flagged=bool(link.get("flagged")),
            )
        )
    return reasons


def score_accounts(
    signals: pd.DataFrame,
    membership: pd.Series | None = None,
    params: ScoreParams | None = None,
    exempt: set[str] | frozenset[str] = frozenset(),
    coaction: pd.DataFrame | None = None,
    post_languages: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score accounts and clusters (module docstring).

    Parameters
    ----------
    signals : DataFrame
        One row per account (index ``account_id``), network and behaviour
        signals (see :mod:`detector.scoring.signals`).
    membership : Series, optional
        ``account_id -> cluster id``; accounts absent from it have no cluster.
    params : ScoreParams
    exempt : set of account ids
        Declared official accounts (registry): scored and explained but never
        flagged and left out of the group tests' population and of cluster scores.
    coaction : DataFrame, optional
        Combined edges with ``n_sync_objects`` (every pair that acted in the
        window at least once), for embeddedness and ``linked_cluster_id``.
    post_languages : DataFrame, optional
        :func:`detector.evidence.langshift.post_languages` of the scan, for the ``shifted``
        group test (without it that test is not run: score 0).

    Returns
    -------
    accounts : DataFrame
        ``account_id, score, flagged, cluster_id (Int64), individual_score,
        cluster_score`` + one column per family + ``linked_cluster_id`` (Int64) +
        ``reasons`` (list of str); sorted by score descending then account_id.
    clusters : DataFrame
        ``cluster_id, size, score, flagged`` + mean family scores +
        ``member_synchrony`` + one ``test_<name>`` column per group test + ``reasons``;
        sorted by score descending then cluster_id.
    """
    params = params or ScoreParams()
    idx = signals.index.astype(str)
    signals = signals.copy()
    signals.index = idx
    tests = account_test_scores(signals)
    fam = _family_from_tests(tests)

    cluster_id = pd.Series(pd.NA, index=idx, dtype="Int64")
    if membership is not None and len(membership):
        m = membership.copy()
        m.index = m.index.astype(str)
        cluster_id = m.reindex(idx).astype("Int64")
    is_exempt = idx.isin(list(exempt))

    clusters, inauth_side = _score_clusters(tests[~is_exempt], fam[~is_exempt], signals[~is_exempt], cluster_id[~is_exempt], params,
                                            post_languages)
    by_cluster = clusters.set_index("cluster_id") if len(clusters) else None
    cl_score = _per_member(cluster_id, by_cluster["score"] if by_cluster is not None else None)
    cl_size = _per_member(cluster_id, by_cluster["size"] if by_cluster is not None else None)
    cl_inauth = _per_member(cluster_id, inauth_side)

    fam_arr = fam[list(FAMILIES)].to_numpy()
    grouped = cl_size >= GROUP_TEST_MIN_SIZE
    own = _own_evidence(fam_arr, grouped, cl_inauth)
    individual = conjunction(own, params.third_family_weight, *_FAMILY_PAIR)
    strongest = fam_arr.max(axis=1) if len(fam_arr) else np.zeros(0)

    supporting = cl_score >= CLUSTER_SUPPORT_LEVEL
    embed = np.where(supporting, _embeddedness(signals, cluster_id, params.group_partners, params.link_share), 0.0)
    positions = edge_positions(coaction, cluster_id.index) if coaction is not None and len(coaction) else None
    if positions is not None:
        embed = embed * _inauthentic_tie_ratio(positions, cluster_id, _looks_inauthentic(fam, signals))
    support = np.where(supporting, cl_score * np.maximum(strongest, embed), 0.0)
    support_ids = set(clusters.loc[clusters["score"] >= CLUSTER_SUPPORT_LEVEL, "cluster_id"].astype(int)) if len(clusters) else set()
    scores_by_id = dict(zip(clusters["cluster_id"].astype(int), clusters["score"].astype(float), strict=True)) if len(clusters) else {}
    linked, linked_n, in_sync = flagged_cluster_links(coaction, cluster_id, scores_by_id, support_ids, positions)
    linked_score = np.array([scores_by_id.get(int(c), 0.0) if np.isfinite(c) else 0.0 for c in linked])
    breadth = np.clip(linked_n / max(params.group_partners, 1), 0.0, 1.0)
    focus = np.clip(linked_n / np.maximum(in_sync, 1.0) / params.link_share, 0.0, 1.0)
    # the account's own evidence as its score counts it (``own``: profile evidence of a member of a
    # large group only as far as the group's inauthenticity side), not the raw families: an activist
    # of an ordinary group that posted on a hashtag a campaign floods is no amplifier of the campaign
    link_support = linked_score * (own.max(axis=1) if len(own) else np.zeros(0)) * breadth * focus
    link_support[is_exempt] = 0.0
    uses_link = link_support > support
    support = np.maximum(support, link_support)
    score = 1.0 - (1.0 - individual) * (1.0 - support)
    score = score + (1.0 - score) * RANK_SHARE * _graded_evidence(signals, grouped, cl_inauth, params)
    flagged = (score >= params.flag_threshold) & ~is_exempt

    accounts = pd.DataFrame(
        {
            "account_id": idx,
            "score": np.round(score, 6),
            "flagged": flagged,
            "cluster_id": cluster_id.to_numpy(),
            "individual_score": np.round(individual, 6),
            "cluster_score": np.round(cl_score, 6),
        }
    )
    for name in FAMILIES:
        accounts[name] = np.round(fam[name].to_numpy(), 6)
    accounts["cluster_id"] = accounts["cluster_id"].astype("Int64")
    accounts["linked_cluster_id"] = pd.array(np.where(uses_link, linked, np.nan), dtype="Float64").astype("Int64")
    clusters = _cluster_verdicts(clusters, cluster_id, flagged, params)

    pct = suspicious_percentiles(signals)
    med = {t.signal: float(np.nanmedian(signals[t.signal].to_numpy(dtype=float)))
           for t in ACCOUNT_TESTS.values() if t.signal in signals.columns and signals[t.signal].notna().any()}
    cl_lookup = clusters.set_index("cluster_id")[["size", "score", "flagged"]].to_dict("index") if len(clusters) else {}
    reasons: list[list[str]] = [[] for _ in range(len(idx))]
    need = np.flatnonzero(score >= REASON_LEVEL)
    rows = signals.iloc[need].to_dict("records")
    fams = fam.iloc[need].to_dict("records")
    test_rows = tests.iloc[need].to_dict("records")
    pct_rows = pct.iloc[need].to_dict("records")
    cids = cluster_id.to_numpy()
    for k, i in enumerate(need):
        cid = cids[i]
        cluster = None
        if not pd.isna(cid) and int(cid) in cl_lookup and support[i] > 0 and not uses_link[i]:
            cluster = {"cluster_id": int(cid), **cl_lookup[int(cid)]}
        link = None
        if uses_link[i]:
            link = {"cluster_id": int(linked[i]), "partners": int(linked_n[i]), "in_sync": int(in_sync[i]),
                    **cl_lookup[int(linked[i])]}
        why = _reasons(rows[k], fams[k], test_rows[k], pct_rows[k], med, cluster, link)
        if is_exempt[i]:
            why.insert(0, OFFICIAL_REASON)
        reasons[i] = why
    accounts["reasons"] = reasons
    accounts = accounts.sort_values(["score", "account_id"], ascending=[False, True], kind="mergesort")
    return accounts.reset_index(drop=True), clusters


OFFICIAL_REASON = "declared official account (registry): audited, never flagged"
"""First reason of every declared official account (default scorer and trained model alike)."""


def _own_evidence(families: np.ndarray, grouped: np.ndarray, cl_inauth: np.ndarray) -> np.ndarray:
    """Family scores (accounts x :data:`FAMILIES`) as the account score counts them (a copy).

    Young or dormant accounts join every community. For a member of a cluster large enough
    for its group tests to speak (``grouped``), its profile evidence counts as far as the group
    itself is enriched in inauthentic accounts (``cl_inauth``; a young fan in a streaming
    party). Machine-like timing is the account's own evidence and counts in full.
    """
    own = np.array(families, dtype=float, copy=True)
    col = FAMILIES.index("profile")
    own[:, col] = np.where(grouped, own[:, col] * cl_inauth, own[:, col])
    return own


def _graded_evidence(
    signals: pd.DataFrame, grouped: np.ndarray, cl_inauth: np.ndarray, params: ScoreParams
) -> np.ndarray:
    """Per account, in [0, 1]: the strength of its evidence including what is too weak to count.

    The same tests, families and soft AND as the individual score, with every test
    graded by :func:`~detector.scoring.calibrate.tail_grade` (the calibration rule
    measured from the population's middle: 0 for the bulk, rising below the ordinary
    bounds, never below the test's score), and the same group-level judgement of a
    large cluster's youth. The conjunction comes first; the stronger side alone adds
    :data:`ONE_SIDED` of what is left (lexicographic: two-sided evidence outranks
    one-sided). Orders accounts below the flag bar only (:data:`RANK_SHARE`).
    """
    own = _own_evidence(_family_from_tests(account_test_scores(signals, graded=True))[list(FAMILIES)].to_numpy(),
                        grouped, cl_inauth)
    both = conjunction(own, params.third_family_weight, *_FAMILY_PAIR)
    one = np.maximum(own[:, list(_FAMILY_PAIR[0])].max(axis=1), own[:, list(_FAMILY_PAIR[1])].max(axis=1))
    return both + (1.0 - both) * ONE_SIDED * one


def _per_member(cluster_id: pd.Series, by_cluster: pd.Series | None) -> np.ndarray:
    """A per-cluster value for every account (0 outside clusters)."""
    if by_cluster is None or not len(by_cluster):
        return np.zeros(len(cluster_id))
    return cluster_id.map(by_cluster).astype(float).fillna(0.0).to_numpy()


def evidence_coverage(signals: pd.DataFrame, events: pd.DataFrame) -> dict[str, float]:
    """Share of the input on which each evidence family can be measured at all, in [0, 1].

    ``synchrony``: 1 (any events can be compared in time); ``duplicate_text``: share of
    the original posts, quotes and replies that carry text; ``profile``: share of accounts
    with a known creation time; ``automation``: share of accounts with
    :data:`~detector.scoring.evidence_tests.MIN_TIMING_EVENTS` or more events (timing
    regularity means nothing on fewer). Per profile signal, the share of accounts
    where it is known: ``creation_date``, ``posts_count`` (dormancy, reactivation),
    ``follower_counts``, ``default_profile``; ``language``: share of accounts with enough own posts of
    known language (``lang``, else the script of the text) for the language-switch test;
    unknown is never counted as ordinary. A family measured on almost nothing cannot
    confirm *or* clear a synchronised group: the verdict says so instead of "none".
    """
    n = len(signals)
    own = events[events["kind"].ne("repost").to_numpy()] if len(events) else events
    texts = own["text"].fillna("").astype(str).str.strip().ne("") if len(own) else pd.Series([], dtype=bool)

    def known(column: str, test) -> float:
        if column not in signals.columns or n == 0:
            return 0.0
        return float(test(signals[column].to_numpy(dtype=float)).mean())

    return {
        "synchrony": 1.0 if len(events) else 0.0,
        "duplicate_text": float(texts.mean()) if len(texts) else 0.0,
        "profile": known("age_days", np.isfinite),
        "automation": known("n_events", lambda x: np.nan_to_num(x) >= MIN_TIMING_EVENTS),
        "creation_date": known("created_at", np.isfinite),
        "posts_count": known("lifetime_posts_per_day", np.isfinite),
        "follower_counts": known("followers_following_ratio", np.isfinite),
        "default_profile": known("default_profile", np.isfinite),
        "language": known("language_shift", np.isfinite),
    }


EMBED_COLUMNS: tuple[str, ...] = ("cluster_partners", "cluster_coactors")
"""Ties to the account's own cluster that make it a member (see :func:`_embeddedness`)."""


def _looks_inauthentic(fam: pd.DataFrame, signals: pd.DataFrame) -> np.ndarray:
    """Per account: has one of the group tests' inauthenticity attributes (:data:`INAUTHENTIC_TESTS`
    but ``creation_batch``, a property of a group: in the youngest or most dormant quarter, or
    automated; :func:`~detector.scoring.group_tests.member_attributes`)."""
    attrs = member_attributes(fam, signals)
    names = [t for t in INAUTHENTIC_TESTS if t in attrs.columns]
    return np.nan_to_num(attrs[names].to_numpy(dtype=float), nan=0.0).max(axis=1) >= 1.0


def _inauthentic_tie_ratio(
    positions: tuple[np.ndarray, np.ndarray], cluster_id: pd.Series, looks_inauthentic: np.ndarray
) -> np.ndarray:
    """Per account: how much of its ties inside its own cluster go to inauthentic-looking members,
    relative to the cluster's typical member, in [0, 1].

    A member *looks inauthentic* when it has one of the group tests' inauthenticity attributes
    (:func:`_looks_inauthentic`: youngest or most dormant quarter, or automated). (Before: a
    profile or automation family at the indicator level, which a group judged as a whole, such
    as a slow drip whose accounts are a few years younger than the population, leaves to two
    or three members: then whether a member happened to be tied to those decided its support.)
    ``share`` = the account's ties (any combined edge) to such members of its own
    cluster over all its ties inside the cluster; the result is ``min(1, share / (0.5 *
    median share of the cluster's members))``. A newsroom that Leiden put in one
    community with an automated campaign is tied mostly to the other newsrooms (share
    near 0 where the campaign's members have near 1); an old account of a rotating pool
    is tied to the pool's young accounts as much as anyone in it. 1 for accounts without a
    cluster, or in clusters where nobody looks inauthentic (the factor is unused there).
    """
    idx = pd.Index(cluster_id.index.astype(str))
    cluster = cluster_by_position(cluster_id)
    looks = np.append(np.asarray(looks_inauthentic, dtype=bool), False)
    pa, pb = positions  # both ends of every combined edge in ``idx`` (:func:`edge_positions`)
    same = np.isfinite(cluster[pa]) & (cluster[pa] == cluster[pb])
    n = len(idx)
    to_looks = np.bincount(pa[same & looks[pb]], minlength=n) + np.bincount(pb[same & looks[pa]], minlength=n)
    inside = np.bincount(pa[same], minlength=n) + np.bincount(pb[same], minlength=n)
    share = pd.Series(np.where(inside > 0, to_looks / np.maximum(inside, 1), 0.0), index=idx)
    typical = share.groupby(cluster[:-1]).transform("median").reindex(idx).fillna(0.0).to_numpy()
    ratio = np.clip(share.to_numpy() / np.maximum(0.5 * typical, 1e-12), 0.0, 1.0)
    return np.where(np.isfinite(cluster[:-1]) & (typical > 0), ratio, 1.0)


def _embeddedness(
    signals: pd.DataFrame, cluster_id: pd.Series, group_partners: int, sync_share: float = 0.5
) -> np.ndarray:
    """How firmly an account acts with its own cluster, in [0, 1].

    For each kind of tie in :data:`EMBED_COLUMNS`, ``min(1, ties / need)`` with
    ``need = max(group_partners, median ties of the cluster's members / 2)``;
    the larger of the two counts. ``cluster_partners`` are members tied by
    repeated evidence (two or more objects in sync, shared text or correlated
    timing); ``cluster_coactors`` are members it acted with in the window at
    least once (the same burst). An account tied to at least
    ``group_partners`` members, and to at least half as many as its typical
    member, takes full part in the group's behaviour even when each single tie
    is weak (a campaign that rotates its accounts, or members that join only
    one or two of the group's bursts); an account on the edge of a tight group
    (a few ties into a cluster whose members each act with dozens) gets a
    fraction. 0 when neither signal is present.
    """
    out = np.zeros(len(signals))
    groups = cluster_id.to_numpy(dtype=float)
    for column in EMBED_COLUMNS:
        if column not in signals.columns:
            continue
        n = pd.Series(np.nan_to_num(signals[column].to_numpy(dtype=float), nan=0.0), index=signals.index)
        typical = n.groupby(groups).transform("median")
        need = np.maximum(float(max(group_partners, 1)), 0.5 * typical.reindex(signals.index).fillna(0.0).to_numpy())
        ratio = np.clip(n.to_numpy() / need, 0.0, 1.0)
        if column == "cluster_coactors" and "cluster_sync_share" in signals.columns:
            # single co-actions count by how much of the account's activity they are
            share = np.nan_to_num(signals["cluster_sync_share"].to_numpy(dtype=float), nan=0.0)
            ratio = ratio * np.clip(share / sync_share, 0.0, 1.0)
        out = np.maximum(out, ratio)
    return out




def _score_clusters(
    tests: pd.DataFrame, fam: pd.DataFrame, signals: pd.DataFrame, cluster_id: pd.Series, params: ScoreParams,
    post_languages: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.Series]:
    """Cluster scores from the group tests; also the inauthenticity side per cluster id."""
    test_cols = [f"test_{t}" for t in (*COORDINATION_TESTS, *INAUTHENTIC_TESTS, *MODIFIER_TESTS)]
    cols = ["cluster_id", "size", "score", "flagged", *FAMILIES, "member_synchrony", *test_cols, "reasons"]
    members = fam.assign(cluster_id=cluster_id.to_numpy())
    members = members[members["cluster_id"].notna()]
    if members.empty:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in cols}), pd.Series([], dtype=float)
    created = signals["created_at"] if "created_at" in signals.columns else pd.Series(np.nan, index=signals.index)
    gt, details = group_tests(member_attributes(fam, signals), created, cluster_id, post_languages)
    grp = members.groupby("cluster_id", sort=True)
    means = grp[list(FAMILIES)].mean()
    size = grp.size()
    gt = gt.reindex(means.index.astype(np.int64)).fillna(0.0)
    coord = np.column_stack([gt[list(COORDINATION_TESTS)].to_numpy(), means[list(COORDINATION_FAMILIES)].to_numpy()])
    inauth = gt[list(INAUTHENTIC_TESTS)].to_numpy()
    modifier = gt[list(MODIFIER_TESTS)].to_numpy().max(axis=1)
    # as on the coordination side, the members' mean family scores count too (a group whose
    # every member is somewhat automated, in an input without profiles)
    side = np.maximum(inauth.max(axis=1), means[list(INAUTHENTIC_FAMILIES)].to_numpy().max(axis=1))
    side = side + (1.0 - side) * side * modifier  # noisy-OR of the side with (side x modifier)
    sides = np.column_stack([coord.max(axis=1), side, np.sort(inauth, axis=1)[:, -2] if inauth.shape[1] > 1 else 0.0])
    conj = conjunction(sides, params.third_family_weight, (0,), (1,))
    damp = np.clip((size.to_numpy() - 1) / max(params.min_cluster_size - 1, 1), 0.0, 1.0)
    score = conj * damp
    ids = means.index.astype(np.int64)
    out = pd.DataFrame({"cluster_id": ids, "size": size.to_numpy().astype(np.int64), "score": np.round(score, 6), "flagged": False})
    for name in FAMILIES:
        out[name] = np.round(means[name].to_numpy(), 6)
    out["member_synchrony"] = np.round(means["synchrony"].to_numpy(), 6)
    for name in (*COORDINATION_TESTS, *INAUTHENTIC_TESTS, *MODIFIER_TESTS):
        out[f"test_{name}"] = np.round(gt[name].to_numpy(), 6)
    out["reasons"] = [_cluster_reasons(int(c), gt.loc[c], details) for c in ids]
    out = out.sort_values(["score", "cluster_id"], ascending=[False, True], kind="mergesort").reset_index(drop=True)
    return out[cols], pd.Series(side, index=ids)


def _cluster_verdicts(clusters: pd.DataFrame, cluster_id: pd.Series, flagged: np.ndarray, params: ScoreParams) -> pd.DataFrame:
    """``flagged``: score at the threshold *and* a flagged member; reasons say which side failed."""
    if clusters.empty:
        return clusters
    n_flagged = pd.Series(flagged, index=cluster_id.index).groupby(cluster_id.to_numpy()).sum()
    has = clusters["cluster_id"].map(n_flagged).fillna(0).to_numpy() > 0
    passes = clusters["score"].to_numpy(dtype=float) >= params.flag_threshold
    out = clusters.copy()
    out["flagged"] = passes & has
    notes = []
    for reasons, ok, member, inauth in zip(out["reasons"], passes, has, out[[f"test_{t}" for t in INAUTHENTIC_TESTS]].max(axis=1), strict=True):
        extra = list(reasons)
        if ok and not member:
            extra.append(rs.cluster_above_without_member())
        elif not ok and inauth < REASON_LEVEL and extra:
            extra.append(rs.organic_coordination())
        notes.append(extra)
    out["reasons"] = notes
    return out


def _cluster_reasons(cid: int, scores: pd.Series, details: Mapping[str, pd.DataFrame]) -> list[str]:
    """One reason per group test that fired: share of members vs the population, enrichment, p-value."""
    out = []
    for name in (*COORDINATION_TESTS, *INAUTHENTIC_TESTS, *MODIFIER_TESTS):
        value = float(scores[name])
        if value < REASON_LEVEL:
            continue
        d = details[name].loc[cid]
        out.append(rs.group_test(name, GROUP_TEST_WORDS[name], int(d["k"]), int(d["n"]), float(d["p0"]), float(d["p_adj"]), value))
    return out



"""Unsupervised account and cluster scores in [0, 1], with reasons.

Evidence families
-----------------
Raw signals (:mod:`detector.scoring.signals`) are grouped into four
*independent families*; inside a family sub-signals are combined with a
noisy-OR (any one strong sub-signal is enough for the family):

``synchrony``
    repeated co-action with the same partners (same post / URL / hashtag /
    replied-to post within the window, again and again: ``sync_repeat``),
    counted fully when the partners' activity series are also correlated
    (timing layer) and half otherwise (:data:`COACTION_ALONE`); also, at half
    weight, the number of partners sharing the same uncommon links at *any*
    time (``recurring_partners``, layer ``url_recurring``: a slow-drip
    campaign posts the same few links for days, never inside one window).
``duplicate_text``
    identical or near-duplicate texts shared with other accounts, and the
    share of the account's own posts that are near-duplicates of other
    accounts' posts.
``profile``
    young account at its first post, random-looking handle.
``automation``
    regular inter-event times (low coefficient of variation), a high posting
    rate, a fixed repost lag (``repost_lag_spread``: interquartile range of the
    repost delays over their median, low tail on a log scale) or posting on a
    schedule (``clock_repeat_share``: events at the same clock time on three or
    more days), strengthened by activity at all hours of the day (``never_sleeps``
    from the features module: at least 10 % of activity in every 6-hour
    window; calibrated hour-of-day entropy when unavailable), which never
    counts on its own (global fan bases and newsrooms span time zones).

Each sub-signal is calibrated against the accounts of the same scan with
:func:`detector.scoring.calibrate.tail_score` (robust z-score; 0 for
ordinary values, 1 for values far in the tail).

Conjunction
-----------
Coordinated *inauthentic* behaviour is two things at once: accounts acting
together (:data:`COORDINATION_FAMILIES`: synchrony, duplicate text) and
accounts that are not what they seem (:data:`INAUTHENTIC_FAMILIES`: a young or
throwaway profile, automated timing). Organic coordination (fans reposting an
idol within seconds, newsrooms running the same wire copy, activists on one
hashtag, a live event) is strong on the first side only; a lone bot on the
second only. So an account's own score is a soft AND of its strongest family on
each side, plus half of the third-strongest family's support on what remains::

    individual = sqrt(f1 * f2) + (1 - sqrt(f1 * f2)) * 0.5 * min(f3, f1, f2)

with ``f1`` the coordination side, ``f2`` the inauthenticity side and ``f3``
the strongest family left. Either side missing (``f1 = 0`` or ``f2 = 0``) gives
0. A cluster gets the same soft AND of the *mean* family scores of its members,
damped for clusters smaller than ``min_cluster_size``. An account
that is strong in one family and belongs to a cluster that shows the
conjunction is supported by it (noisy-OR of the two routes)::

    score = 1 - (1 - individual) * (1 - cluster_score * max(f1, embed))

``embed`` (*embeddedness*) counts only inside a cluster that is itself flagged:
the account's ties to members of its own cluster relative to the cluster's
typical member (:func:`_embeddedness`), by repeated evidence
(``cluster_partners``) or by acting in the same burst at least once
(``cluster_coactors``, both from
:func:`detector.scoring.signals.cluster_signals`). A campaign that rotates its
accounts, or whose members join only one or two of its bursts, keeps every
member's own evidence weak, but each member still acts with many others of a
cluster that shows the conjunction, so it inherits the cluster's support;
members of fan, newsroom, activist or live-event clusters do not (the
cluster's conjunction fails, so it is not flagged). Single co-actions count
by how much of the account's own activity they are (``cluster_sync_share``
from :func:`detector.scoring.signals.cluster_sync_share`): an ordinary user
swept into a campaign cluster by reposting the sponsor quickly did a few of
its actions with the group, a pool member most of them. And embeddedness is
scaled by how much of the account's ties inside the cluster go to members
that look inauthentic, relative to the cluster's typical member
(:func:`_inauthentic_tie_ratio`): when Leiden puts a group of newsrooms in
one community with an automated campaign, the newsrooms are tied to each
other, not to the campaign's accounts.

An account *outside* a flagged cluster that acted in the window with
``group_partners`` or more of its members, who make up at least
``link_share`` of everyone it acted in sync with, is supported by it through
its own strongest family only (``linked_cluster_id``;
:func:`detector.scoring.signals.flagged_cluster_links`)::

    support = cluster_score * f1 * min(1, members / group_partners) * min(1, share / link_share)

``flagged = score >= flag_threshold`` (default 0.5).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from detector.scoring import reasons as rs
from detector.scoring.calibrate import percentile_rank, tail_score
from detector.scoring.signals import cluster_by_position, edge_positions, flagged_cluster_links

__all__ = ["FAMILIES", "ScoreParams", "conjunction", "evidence_coverage", "family_scores", "score_accounts"]

FAMILIES: tuple[str, ...] = ("synchrony", "duplicate_text", "profile", "automation")

COACTION_ALONE = 0.5
"""Weight of repeated co-action without correlated activity series in the synchrony family.

Fans reposting their idol within seconds co-act again and again, but the rest of their
activity is their own; accounts run together also have correlated activity series
(timing layer). Co-action alone therefore counts half, co-action with timing fully."""


@dataclass(frozen=True)
class ScoreParams:
    """Parameters of the unsupervised scorer.

    Attributes
    ----------
    flag_threshold : float
        Account (and cluster) score at or above which it is flagged.
    min_cluster_size : int
        Clusters smaller than this have their score damped linearly
        (a pair is weak cluster evidence).
    third_family_weight : float
        Share of the remaining gap that the third-strongest family can fill.
    group_partners : int
        Group-level synchrony of a cluster is the larger of its members' mean
        synchrony score and the share of its members that act in sync (within
        the window, on any object, or with correlated timing) with at least
        this many accounts. A campaign that rotates accounts keeps every
        pair's tie weak, but nearly all its members still act with several
        others; the cluster still needs a second family (members young,
        automated or copying text) to score high.
    link_share : float
        An account outside a flagged cluster is supported by it when it
        acted in the window with ``group_partners`` or more of its members
        *and* they make up at least this share of all the accounts it acted
        in sync with (support falls linearly below either): most of its
        synchronous partners belong to that one group. A prolific account
        meets members of every busy group by chance, but they are a small
        share of the crowd it meets. The same share of the account's own
        actions done in sync with its cluster (``cluster_sync_share``) gives
        single co-actions (``cluster_coactors``) their full weight in
        embeddedness.
    """

    flag_threshold: float = 0.5
    min_cluster_size: int = 3
    third_family_weight: float = 0.5
    group_partners: int = 3
    link_share: float = 0.5


def _noisy_or(*parts: np.ndarray) -> np.ndarray:
    out = np.ones_like(parts[0], dtype=float)
    for p in parts:
        out *= 1.0 - np.clip(np.nan_to_num(p, nan=0.0), 0, 1)
    return 1.0 - out


def family_scores(signals: pd.DataFrame) -> pd.DataFrame:
    """Calibrated [0, 1] score per evidence family (columns :data:`FAMILIES`).

    ``signals`` is the union of :func:`~detector.scoring.signals.network_signals`
    and :func:`~detector.scoring.signals.behaviour_signals` (one row per
    account). Missing signals count as ordinary (0).
    """

    def col(name: str) -> np.ndarray:
        if name in signals.columns:
            return signals[name].to_numpy(dtype=float)
        return np.full(len(signals), np.nan)

    n_events = np.nan_to_num(col("n_events"), nan=0.0)
    enough = n_events >= 3  # timing regularity means nothing on two events
    repeat = tail_score(col("sync_repeat"), log=True)
    timing = tail_score(col("timing_partners"), log=True)
    recurring = tail_score(col("recurring_partners"), log=True)
    sync = _noisy_or(np.sqrt(repeat * timing), COACTION_ALONE * repeat, COACTION_ALONE * recurring)
    text = _noisy_or(tail_score(col("text_strength"), log=True), tail_score(col("dup_share")))
    profile = _noisy_or(
        tail_score(col("age_days"), log=True, higher_is_suspicious=False),
        tail_score(col("handle_randomness")),
    )
    regular = np.where(enough, tail_score(col("iet_cv"), higher_is_suspicious=False), 0.0)
    rate = tail_score(col("posts_per_day"), log=True)
    # relative spread of repost delays, on a log scale (a ratio: 0.03 vs 0.3 vs 3)
    fixed_lag = tail_score(np.log(np.maximum(col("repost_lag_spread"), 1e-3)), higher_is_suspicious=False)
    schedule = tail_score(col("clock_repeat_share"))
    machine = _noisy_or(regular, rate, fixed_lag, schedule)
    # Round-the-clock activity is common among people in global communities (fans,
    # newsrooms): it only strengthens regular or high-rate posting, never stands alone.
    auto = _noisy_or(machine, machine * _never_sleeps(col("never_sleeps"), col("hour_entropy"), enough))
    return pd.DataFrame(
        {"synchrony": sync, "duplicate_text": text, "profile": profile, "automation": auto},
        index=signals.index,
    )


def _never_sleeps(flag: np.ndarray, hour_entropy: np.ndarray, enough: np.ndarray) -> np.ndarray:
    """1 for accounts the features module marks ``never_sleeps`` (a documented rule on >= 24
    events over >= 3 days); without that column, the calibrated hour-of-day entropy."""
    if np.isfinite(flag).any():
        return np.nan_to_num(flag, nan=0.0)
    return np.where(enough, tail_score(hour_entropy), 0.0)


COORDINATION_FAMILIES: tuple[str, ...] = ("synchrony", "duplicate_text")
"""Families that show accounts acting *together*."""

INAUTHENTIC_FAMILIES: tuple[str, ...] = ("profile", "automation")
"""Families that speak to accounts being inauthentic (throwaway or automated), not to acting together."""

_FAMILY_PAIR = (
    tuple(FAMILIES.index(f) for f in COORDINATION_FAMILIES),
    tuple(FAMILIES.index(f) for f in INAUTHENTIC_FAMILIES),
)
"""Column positions of the two sides of every conjunction: coordination x inauthenticity."""


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
    pct: dict[str, float],
    med: dict[str, float],
    cluster: dict | None,
    link: dict | None = None,
) -> list[str]:
    """Plain-language reasons for one account, strongest family first (wording: :mod:`.reasons`)."""
    out: list[tuple[float, str, str]] = []
    if fam["synchrony"] >= 0.2:
        text = rs.synchrony(
            int(row["sync_partners"]),
            int(row.get("sync_repeat", 0)),
            med.get("sync_repeat", 0.0),
            pct["sync_repeat"],
            timing_partners=int(row.get("timing_partners", 0) or 0),
            recurring_partners=int(row.get("recurring_partners", 0) or 0),
            median_recurring=med.get("recurring_partners", 0.0),
        )
        out.append((fam["synchrony"], "synchrony", text))
    if fam["duplicate_text"] >= 0.2:
        text = rs.duplicate_text(int(row["text_partners"]), row.get("dup_share", np.nan))
        out.append((fam["duplicate_text"], "duplicate_text", text))
    if fam["profile"] >= 0.2:
        bits = []
        age = row.get("age_days", np.nan)
        if np.isfinite(age):
            bits.append(rs.account_age(age, med["age_days"]))
        hr = row.get("handle_randomness", np.nan)
        if np.isfinite(hr) and pct["handle_randomness"] >= 0.9:
            bits.append(rs.handle_randomness(pct["handle_randomness"]))
        out.append((fam["profile"], "profile", rs.profile_reason(bits)))
    if fam["automation"] >= 0.2:
        bits = []
        cv = row.get("iet_cv", np.nan)
        if np.isfinite(cv):
            bits.append(rs.iet_cv(cv, med["iet_cv"]))
        he = row.get("hour_entropy", np.nan)
        if np.isfinite(he):
            bits.append(rs.hour_entropy(he, med["hour_entropy"]))
        ppd = row.get("posts_per_day", np.nan)
        if np.isfinite(ppd):
            bits.append(rs.posts_per_day(ppd, med["posts_per_day"]))
        spread = row.get("repost_lag_spread", np.nan)
        if np.isfinite(spread) and pct.get("repost_lag_spread", np.nan) <= 0.1:
            lag, iqr = row.get("repost_lag_median_s", np.nan), row.get("repost_lag_iqr_s", np.nan)
            bits.append(rs.repost_lag(lag, iqr, spread, med.get("repost_lag_spread", 0.0)))
        clock = row.get("clock_repeat_share", np.nan)
        if np.isfinite(clock) and clock > 0:
            bits.append(rs.clock_repeat(clock))
        out.append((fam["automation"], "automation", rs.automation_reason(bits)))
    out.sort(key=lambda t: -t[0])
    reasons = [rs.tagged(text, name, value) for value, name, text in out]
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
        reasons.append(rs.linked_cluster(link["partners"], link["cluster_id"], link["size"], link["score"], link["in_sync"]))
    return reasons


def score_accounts(
    signals: pd.DataFrame,
    membership: pd.Series | None = None,
    params: ScoreParams | None = None,
    exempt: set[str] | frozenset[str] = frozenset(),
    coaction: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score accounts and clusters.

    Parameters
    ----------
    signals : DataFrame
        One row per account (index ``account_id``), network and behaviour
        signals (see :mod:`detector.scoring.signals`).
    membership : Series, optional
        ``account_id -> cluster id`` (from
        :func:`detector.scoring.network.communities`); accounts absent from it
        have no cluster.
    params : ScoreParams
    exempt : set of account ids
        Declared official accounts (registry): scored and explained but never
        flagged and left out of cluster scores. They are attributed accounts;
        their amplification is audited in the officials section instead.
    coaction : DataFrame, optional
        Combined edges with ``n_sync_objects`` (every pair that acted in the
        window at least once): an account outside a flagged cluster that acted
        with ``group_partners`` or more of its members is supported by it
        through its own strongest family (``linked_cluster_id``; see
        :func:`detector.scoring.signals.flagged_cluster_links`).

    Returns
    -------
    accounts : DataFrame
        ``account_id, score, flagged, cluster_id (Int64), individual_score,
        cluster_score`` + one column per family + ``linked_cluster_id`` (Int64:
        the flagged cluster that supports an account from outside, NA
        otherwise) + ``reasons`` (list of str);
        sorted by score descending then account_id.
    clusters : DataFrame
        ``cluster_id, size, score, flagged`` + mean family scores (the
        ``synchrony`` column is the group synchrony: the larger of the
        members' mean and the share of members in sync with
        ``group_partners`` others) + ``member_synchrony`` (the members' mean
        own synchrony) + ``reasons``; sorted by score descending then cluster_id.
    """
    params = params or ScoreParams()
    idx = signals.index.astype(str)
    signals = signals.copy()
    signals.index = idx
    fam = family_scores(signals)
    fam_arr = fam[list(FAMILIES)].to_numpy()
    individual = conjunction(fam_arr, params.third_family_weight, *_FAMILY_PAIR)
    strongest = fam_arr.max(axis=1) if len(fam_arr) else np.zeros(0)

    cluster_id = pd.Series(pd.NA, index=idx, dtype="Int64")
    if membership is not None and len(membership):
        m = membership.copy()
        m.index = m.index.astype(str)
        cluster_id = m.reindex(idx).astype("Int64")

    is_exempt = idx.isin(list(exempt))
    partners = signals["sync_partners"] if "sync_partners" in signals.columns else pd.Series(0.0, index=idx)
    recurring = signals["recurring_partners"] if "recurring_partners" in signals.columns else pd.Series(0.0, index=idx)
    in_group = (
        (partners.fillna(0).to_numpy() >= params.group_partners)
        | (recurring.fillna(0).to_numpy() >= params.group_partners)
    ).astype(float)
    fam_c = fam.assign(_in_group=in_group)
    clusters = _score_clusters(fam_c[~is_exempt], cluster_id[~is_exempt], params)
    cl_score = cluster_id.map(clusters.set_index("cluster_id")["score"]) if len(clusters) else cluster_id * 0.0
    cl_score = cl_score.astype(float).fillna(0.0).to_numpy()
    # Membership alone lends support only inside a cluster that is itself flagged (shows the
    # conjunction); in any other cluster the account's own strongest family must carry it.
    embed = np.where(
        cl_score >= params.flag_threshold,
        _embeddedness(signals, cluster_id, params.group_partners, params.link_share),
        0.0,
    )
    positions = edge_positions(coaction, cluster_id.index) if coaction is not None and len(coaction) else None
    if positions is not None:
        embed = embed * _inauthentic_tie_ratio(positions, cluster_id, fam)
    support = cl_score * np.maximum(strongest, embed)
    # An account outside a flagged cluster that acts in the window with several of its
    # members (a rotating pool: each member joins a few bursts with different partners, so
    # no tie repeats and Leiden leaves it out) is supported like a member, through its own
    # strongest family only: the link alone never flags anyone.
    flagged_ids = set(clusters.loc[clusters["flagged"].astype(bool), "cluster_id"].astype(int)) if len(clusters) else set()
    scores_by_id = dict(zip(clusters["cluster_id"].astype(int), clusters["score"].astype(float), strict=True)) if len(clusters) else {}
    linked, linked_n, in_sync = flagged_cluster_links(coaction, cluster_id, scores_by_id, flagged_ids, positions)
    linked_score = np.array([scores_by_id.get(int(c), 0.0) if np.isfinite(c) else 0.0 for c in linked])
    breadth = np.clip(linked_n / max(params.group_partners, 1), 0.0, 1.0)
    focus = np.clip(linked_n / np.maximum(in_sync, 1.0) / params.link_share, 0.0, 1.0)
    link_support = linked_score * strongest * breadth * focus
    link_support[is_exempt] = 0.0
    uses_link = link_support > support
    support = np.maximum(support, link_support)
    score = 1.0 - (1.0 - individual) * (1.0 - support)

    accounts = pd.DataFrame(
        {
            "account_id": idx,
            "score": np.round(score, 6),
            "flagged": (score >= params.flag_threshold) & ~is_exempt,
            "cluster_id": cluster_id.to_numpy(),
            "individual_score": np.round(individual, 6),
            "cluster_score": np.round(cl_score, 6),
        }
    )
    for name in FAMILIES:
        accounts[name] = np.round(fam[name].to_numpy(), 6)
    accounts["cluster_id"] = accounts["cluster_id"].astype("Int64")
    accounts["linked_cluster_id"] = pd.array(np.where(uses_link, linked, np.nan), dtype="Float64").astype("Int64")

    pct = {c: percentile_rank(signals[c].to_numpy(dtype=float)) for c in signals.columns}
    med = {c: float(np.nanmedian(signals[c].to_numpy(dtype=float))) if signals[c].notna().any() else np.nan for c in signals.columns}
    med = {k: (v if np.isfinite(v) else 0.0) for k, v in med.items()}
    for key in ("sync_strength", "sync_repeat", "age_days", "handle_randomness", "iet_cv", "hour_entropy", "posts_per_day"):
        med.setdefault(key, 0.0)
        pct.setdefault(key, np.full(len(idx), np.nan))
    cl_lookup = clusters.set_index("cluster_id")[["size", "score"]].to_dict("index") if len(clusters) else {}
    reasons: list[list[str]] = [[] for _ in range(len(idx))]
    need = np.flatnonzero(score >= 0.2)
    rows = signals.iloc[need].to_dict("records")
    fams = fam.iloc[need].to_dict("records")
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
        why = _reasons(rows[k], fams[k], {key: v[i] for key, v in pct.items()}, med, cluster, link)
        if is_exempt[i]:
            why.insert(0, OFFICIAL_REASON)
        reasons[i] = why
    accounts["reasons"] = reasons
    accounts = accounts.sort_values(["score", "account_id"], ascending=[False, True], kind="mergesort")
    return accounts.reset_index(drop=True), clusters


OFFICIAL_REASON = "declared official account (registry): audited, never flagged"
"""First reason of every declared official account (default scorer and trained model alike)."""


def evidence_coverage(signals: pd.DataFrame, events: pd.DataFrame) -> dict[str, float]:
    """Share of the input on which each evidence family can be measured at all, in [0, 1].

    ``synchrony``: 1 (any events can be compared in time); ``duplicate_text``: share of
    the original posts, quotes and replies that carry text; ``profile``: share of accounts
    with a known creation time; ``automation``: share of accounts with 3 or more events
    (timing regularity means nothing on fewer). A family measured on almost nothing cannot
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
        "automation": known("n_events", lambda x: np.nan_to_num(x) >= 3),
    }


EMBED_COLUMNS: tuple[str, ...] = ("cluster_partners", "cluster_coactors")
"""Ties to the account's own cluster that make it a member (see :func:`_embeddedness`)."""


def _inauthentic_tie_ratio(
    positions: tuple[np.ndarray, np.ndarray], cluster_id: pd.Series, fam: pd.DataFrame
) -> np.ndarray:
    """Per account: how much of its ties inside its own cluster go to inauthentic-looking members,
    relative to the cluster's typical member, in [0, 1].

    A member *looks inauthentic* when one of :data:`INAUTHENTIC_FAMILIES` scores 0.5 or
    more. ``share`` = the account's ties (any combined edge) to such members of its own
    cluster over all its ties inside the cluster; the result is ``min(1, share / (0.5 *
    median share of the cluster's members))``. A newsroom that Leiden put in one
    community with an automated campaign is tied mostly to the other newsrooms (share
    near 0 where the campaign's members have near 1); an old account of a rotating pool
    is tied to the pool's young accounts as much as anyone in it. 1 for accounts without a
    cluster, or in clusters where nobody looks inauthentic (the factor is unused there).
    """
    idx = pd.Index(cluster_id.index.astype(str))
    cluster = cluster_by_position(cluster_id)
    looks = np.append(fam[list(INAUTHENTIC_FAMILIES)].max(axis=1).to_numpy() >= 0.5, False)
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


def _score_clusters(fam: pd.DataFrame, cluster_id: pd.Series, params: ScoreParams) -> pd.DataFrame:
    cols = ["cluster_id", "size", "score", "flagged", *FAMILIES, "member_synchrony", "reasons"]
    members = fam.assign(cluster_id=cluster_id.to_numpy())
    members = members[members["cluster_id"].notna()]
    if members.empty:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in cols})
    grp = members.groupby("cluster_id", sort=True)
    means = grp[list(FAMILIES)].mean()
    own_sync = means["synchrony"].to_numpy().copy()  # members' own synchrony, before the group share
    size = grp.size()
    if "_in_group" in members.columns:
        means["synchrony"] = np.maximum(means["synchrony"], grp["_in_group"].mean())
    fam_means = means.to_numpy()
    conj = conjunction(fam_means, params.third_family_weight, *_FAMILY_PAIR)
    damp = np.clip((size.to_numpy() - 1) / max(params.min_cluster_size - 1, 1), 0.0, 1.0)
    score = conj * damp
    out = pd.DataFrame(
        {
            "cluster_id": means.index.astype(np.int64),
            "size": size.to_numpy().astype(np.int64),
            "score": np.round(score, 6),
            "flagged": score >= params.flag_threshold,
        }
    )
    for name in FAMILIES:
        out[name] = np.round(means[name].to_numpy(), 6)
    out["member_synchrony"] = np.round(own_sync, 6)
    out["reasons"] = [_cluster_reasons(r) for r in out.itertuples(index=False)]
    return out.sort_values(["score", "cluster_id"], ascending=[False, True], kind="mergesort").reset_index(drop=True)


_FAMILY_TEXT = {
    "synchrony": "members act on the same posts/links/hashtags within seconds to minutes of each other",
    "duplicate_text": "members post identical or near-duplicate texts",
    "profile": "members are young or throwaway-looking accounts",
    "automation": "members post with machine-like regularity or around the clock",
}


def _cluster_reasons(row) -> list[str]:
    fam = {name: getattr(row, name) for name in FAMILIES}
    ranked = sorted(fam.items(), key=lambda kv: (-kv[1], kv[0]))
    out = [rs.cluster_family(_FAMILY_TEXT[name], name, value) for name, value in ranked if value >= 0.2]
    strong = {name for name, value in ranked if value >= 0.4}
    if out and not strong & set(INAUTHENTIC_FAMILIES):
        out.append(
            "members act together but do not look inauthentic (not young, throwaway or automated): "
            "consistent with organic coordination (fans, newsrooms, activists)"
        )
    elif out and not strong & set(COORDINATION_FAMILIES):
        out.append("members look inauthentic but do not act together: not a coordinated group")
    return out

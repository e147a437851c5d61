"""Per-account raw signals that the scorer turns into evidence-family sub-scores.

Two sources:

* the coordination network (:func:`network_signals`): how strongly each
  account is tied to others in each evidence layer;
* behaviour features (:func:`behaviour_signals`):
  :func:`detector.evidence.features.account_features`, the one definition of every
  behaviour feature, read through :data:`FEATURE_COLUMN_OF`.

All times are seconds; ``age_days`` is days between account creation and its
first event in the data.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from detector.evidence.langshift import language_shift
from detector.scoring.combine import COACTION_LAYERS, LAYER_PRIOR

REPEAT_RANK = 3
"""``sync_repeat`` looks at the 3rd most synchronised partner: a group needs at least 3 others."""

__all__ = [
    "REPEAT_RANK",
    "BEHAVIOUR_SIGNALS",
    "overlap_pairs",
    "FEATURE_COLUMN_OF",
    "NETWORK_SIGNALS",
    "RECURRING_LAYERS",
    "SHIFT_DETAILS",
    "behaviour_signals",
    "burst_clusters",
    "cluster_by_position",
    "cluster_leftovers",
    "cluster_signals",
    "cluster_sync_share",
    "edge_positions",
    "flagged_cluster_links",
    "merge_dense_communities",
    "network_signals",
]

BEHAVIOUR_SIGNALS: tuple[str, ...] = (
    "n_events",
    "posts_per_day",
    "iet_cv",
    "hour_entropy",
    "night_share",
    "never_sleeps",
    "fast_repost_share",
    "repost_lag_median_s",
    "repost_lag_iqr_s",
    "repost_lag_spread",
    "clock_repeat_share",
    "dup_share",
    "dup_posts",
    "age_days",
    "created_at",
    "handle_randomness",
    "followers_following_ratio",
    "lifetime_posts_per_day",
    "scan_share_of_posts",
    "default_profile",
    "client_share",
    "language_shift",
)
"""Behaviour signals used by the scorer (NaN = unknown for that account).

``created_at`` is UTC seconds (the accounts table's); ``default_profile``
is 1.0 / 0.0 / NaN (unknown); ``client_share`` is the share of the scanned accounts with a
known posting client that use the account's own client (v1.1 ``source``; NaN unknown);
``language_shift`` is :func:`detector.evidence.langshift.language_shift` (0-1: how cleanly the
account's own posts switch language at one point; NaN with too few posts of known language)."""

SHIFT_DETAILS: tuple[str, ...] = (
    "shift_posts", "shift_posts_before", "shift_at", "shift_from_share", "shift_to_share", "shift_from", "shift_to",
)
"""Where and between which languages the best split of ``language_shift`` lies (for its reason
only, not signals: ``shift_from`` / ``shift_to`` are language codes or script names)."""

FEATURE_COLUMN_OF: dict[str, str] = {
    "n_events": "n_events",
    "posts_per_day": "posts_per_active_day",
    "iet_cv": "iet_cv",
    "hour_entropy": "hour_entropy",
    "night_share": "night_share",
    "never_sleeps": "never_sleeps",
    "fast_repost_share": "repost_within_60s_share",
    "repost_lag_median_s": "repost_lag_median_s",
    "repost_lag_iqr_s": "repost_lag_iqr_s",
    "repost_lag_spread": "repost_lag_spread",
    "clock_repeat_share": "clock_repeat_share",
    "dup_share": "near_dup_share",
    "dup_posts": "near_dup_posts",
    "age_days": "account_age_days_at_first_post",
    "created_at": "created_at",
    "followers_following_ratio": "followers_following_ratio",
    "lifetime_posts_per_day": "lifetime_posts_per_day",
    "scan_share_of_posts": "scan_share_of_posts",
    "default_profile": "default_profile",
}
"""Our signal name -> column of :func:`detector.evidence.features.account_features` (the one
definition of every behaviour feature)."""

HANDLE_ENTROPY_BITS = 4.5
"""Handle entropy (bits per character) that counts as fully random (a 20+ character random string)."""

HANDLE_DIGIT_RUN = 6
"""Digit run length that counts as fully random (``user84736251``)."""


def behaviour_signals(
    events: pd.DataFrame,
    accounts: pd.DataFrame | None = None,
    features: pd.DataFrame | None = None,
    posts: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Behaviour signals per account (index ``account_id``, columns :data:`BEHAVIOUR_SIGNALS`
    then :data:`SHIFT_DETAILS`).

    Parameters
    ----------
    events, accounts : canonical tables
    features : DataFrame, optional
        :func:`detector.evidence.features.account_features` of ``events`` (computed
        here when absent, without near-duplicate shares).
    posts : DataFrame, optional
        :func:`detector.evidence.langshift.post_languages` of ``events`` (computed here when absent).
    """
    if features is None:
        from detector.evidence.features import account_features

        features = account_features(events, accounts)
    out = pd.DataFrame(index=pd.Index(sorted(events["account_id"].astype(str).unique()), name="account_id"))
    feat = features.copy()
    if "account_id" in feat.columns:
        feat = feat.set_index(feat["account_id"].astype(str))
    feat.index = feat.index.astype(str)

    def column(name: str) -> pd.Series:
        if name not in feat.columns:
            return pd.Series(np.nan, index=out.index)
        values = feat[name]
        if values.dtype == bool or str(values.dtype) == "boolean":
            values = values.astype("Float64")
        return pd.to_numeric(values, errors="coerce").astype(float).reindex(out.index)

    for signal, name in FEATURE_COLUMN_OF.items():
        out[signal] = column(name)
    ent = (column("handle_entropy") / HANDLE_ENTROPY_BITS).clip(upper=1.0)
    run = (column("handle_digit_run") / HANDLE_DIGIT_RUN).clip(upper=1.0)
    out["handle_randomness"] = 0.5 * ent + 0.5 * run
    out["client_share"] = _client_share(accounts, out.index)
    shift = language_shift(events, posts).reindex(out.index)
    out["language_shift"] = shift["language_shift"].to_numpy(dtype=float)
    return out[list(BEHAVIOUR_SIGNALS)].astype(float).join(shift[list(SHIFT_DETAILS)])


def _client_share(accounts: pd.DataFrame | None, index: pd.Index) -> np.ndarray:
    """Per account of ``index``: share of the accounts of ``index`` with a known client that use its client."""
    if accounts is None or "client" not in accounts.columns or not len(accounts):
        return np.full(len(index), np.nan)
    table = accounts.drop_duplicates("account_id", keep="last")
    client = pd.Series(table["client"].astype("string").to_numpy(), index=table["account_id"].astype(str)).reindex(index)
    known = client.notna()
    if not known.any():
        return np.full(len(index), np.nan)
    share = client[known].map(client[known].value_counts(normalize=True))
    return share.reindex(index).to_numpy(dtype=float)


NETWORK_SIGNALS: tuple[str, ...] = (
    "sync_strength",
    "sync_partners",
    "sync_repeat",
    "timing_partners",
    "text_strength",
    "text_partners",
    "partners",
    "multi_layer_partners",
    "recurring_partners",
    "domain_partners",
)
"""Columns of :func:`network_signals`, in order."""


def network_signals(edges: pd.DataFrame, index: pd.Index) -> pd.DataFrame:
    """Per-account strength in each evidence family from combined edges.

    Returns columns ``sync_strength``, ``sync_partners`` (co-action layers and
    timing), ``sync_repeat`` (distinct objects acted on in sync with the
    account's :data:`REPEAT_RANK`-th most synchronised partner: a group acting
    together again and again, not a crowd meeting once), ``timing_partners``
    (partners with correlated activity series), ``recurring_partners``
    (partners sharing two or more of the same uncommon links at any time:
    layer ``url_recurring``), ``domain_partners`` (partners linking the same co-linked
    uncommon domains at any time: layer ``domain_recurring``), ``text_strength``,
    ``text_partners`` (``text`` and ``neardup``),
    ``partners`` (any layer) and ``multi_layer_partners`` (partners tied by two
    or more layers), indexed like ``index``.
    """
    cols = list(NETWORK_SIGNALS)
    out = pd.DataFrame(0.0, index=index, columns=cols)
    if edges is None or edges.empty:
        return out
    sync_cols = [f"w_{n}" for n in (*COACTION_LAYERS, "timing") if f"w_{n}" in edges.columns and n != "text"]
    text_cols = [f"w_{n}" for n in ("text", "neardup") if f"w_{n}" in edges.columns]

    def weighted(cols_: list[str]) -> np.ndarray:
        if not cols_:
            return np.zeros(len(edges))
        mult = np.array([LAYER_PRIOR.get(c[2:], 0.5) for c in cols_])
        return edges[cols_].to_numpy(dtype=float) @ mult

    # both ends of every edge as codes of the sorted distinct ids (as groupby numbers them)
    from detector.schema import encode_many

    (code_a, code_b), ids = encode_many([edges["account_a"].astype(str), edges["account_b"].astype(str)])
    codes = np.concatenate([code_a, code_b]).astype(np.int64)
    del code_a, code_b
    where = pd.Index(index).astype(object).get_indexer(ids)  # row of each code in ``index``; -1: absent
    inside = where >= 0

    def per_account(values: np.ndarray, exact: bool = True) -> np.ndarray:
        """Sum of ``values`` (one per edge) over each account's edges, as a column for ``out``.

        ``exact``: the values are small whole numbers (plain sums are exact);
        otherwise summed by pandas' groupby over all codes, as before (same bits).
        """
        both = np.tile(np.asarray(values, dtype=float), 2)
        if exact:
            by_code = np.bincount(codes, weights=both, minlength=len(ids))
        else:
            by_code = pd.Series(both).groupby(codes, sort=True).sum().to_numpy()
        col = np.zeros(len(index))
        col[where[inside]] = by_code[inside]
        return col

    sync = weighted(sync_cols)
    text = weighted(text_cols)
    timing = edges["w_timing"].to_numpy() > 0 if "w_timing" in edges.columns else np.zeros(len(edges), bool)
    recurring = _tied(edges, "url_recurring")
    domains = _tied(edges, "domain_recurring")
    out["sync_strength"] = per_account(sync, exact=False)
    out["sync_partners"] = per_account(sync > 0)
    out["text_strength"] = per_account(text, exact=False)
    out["text_partners"] = per_account(text > 0)
    out["partners"] = per_account(np.ones(len(edges)))
    out["multi_layer_partners"] = per_account(edges["n_layers"].to_numpy() >= 2)
    out["timing_partners"] = per_account(timing)
    out["recurring_partners"] = per_account(recurring)
    out["domain_partners"] = per_account(domains)
    del sync, text, timing, recurring, domains
    # the REPEAT_RANK-th largest number of shared objects among each account's edges
    nobj = np.tile(edges["n_sync_objects"].to_numpy(dtype=float), 2)
    order = np.lexsort((-nobj, codes))
    sorted_codes = codes[order]
    first = np.searchsorted(sorted_codes, sorted_codes, side="left")
    at_rank = (np.arange(len(order)) - first) == REPEAT_RANK - 1
    kth = np.zeros(len(ids))
    kth[sorted_codes[at_rank]] = nobj[order][at_rank]
    repeat = np.zeros(len(index))
    repeat[where[inside]] = kth[inside]
    out["sync_repeat"] = repeat
    return out[cols]


def _tied(edges: pd.DataFrame, layer: str) -> np.ndarray:
    """Rows of combined ``edges`` present in ``layer`` (all False when the layer is absent)."""
    column = f"w_{layer}"
    return edges[column].to_numpy() > 0 if column in edges.columns else np.zeros(len(edges), bool)


def _own_cluster_ties(
    edges: pd.DataFrame, membership: pd.Series
) -> tuple[pd.Index, np.ndarray, np.ndarray, np.ndarray]:
    """Clustered accounts, both ends of every edge as positions in them (-1: not clustered),
    and whether the two ends share a cluster.

    Works on integer positions (no per-edge Python strings): it runs over
    millions of combined edges on a large scan.
    """
    members = pd.Index(membership.index.astype(str))
    cluster = cluster_by_position(membership)
    pa, pb = edge_positions(edges, members)
    ca, cb = cluster[pa], cluster[pb]
    return members, pa, pb, np.isfinite(ca) & (ca == cb)


def cluster_by_position(cluster_id: pd.Series) -> np.ndarray:
    """Cluster id (float, NaN: none) per position of ``cluster_id``, plus one trailing NaN,
    so that position -1 (an id :func:`edge_positions` did not find) reads as "no cluster"."""
    return np.append(cluster_id.to_numpy(dtype=float, na_value=np.nan), np.nan)


def cluster_signals(
    edges: pd.DataFrame,
    membership: pd.Series | None,
    index: pd.Index,
    coaction: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """How embedded each account is in its own cluster.

    Parameters
    ----------
    edges : DataFrame
        Combined edges (:func:`detector.scoring.combine.combine_layers`); pass
        the pairs with *repeated* evidence (the ones that shaped the clusters).
    membership : Series or None
        ``account_id -> cluster id``.
    index : Index
        Account ids of the result.
    coaction : DataFrame, optional
        All combined edges (with ``n_sync_objects``), for ``cluster_coactors``.

    Returns
    -------
    DataFrame
        ``cluster_partners``: members of the account's own cluster it is tied
        to by repeated evidence; ``cluster_tie_share``: share of its total
        edge weight that goes to its own cluster (0 without a cluster);
        ``cluster_coactors``: members of its own cluster it acted with on the
        same post/link/hashtag/replied-to post within the window at least
        once (``n_sync_objects >= 1`` in ``coaction``; 0 without it). A member
        of a burst campaign that rotates its accounts, or joins only one or two
        of the group's bursts, shares each burst with many members once each:
        broad single co-actions instead of repeated ties.
    """
    cols = ["cluster_partners", "cluster_tie_share", "cluster_coactors"]
    out = pd.DataFrame(0.0, index=index, columns=cols)
    if membership is None or membership.empty:
        return out
    if edges is not None and not edges.empty:
        members, pa, pb, same = _own_cluster_ties(edges, membership)
        w = edges["weight"].to_numpy(dtype=float)
        both = pd.DataFrame(
            {
                "member": np.concatenate([pa, pb]),
                "inside": np.tile(same.astype(float), 2),
                "w_in": np.tile(np.where(same, w, 0.0), 2),
                "w": np.tile(w, 2),
            }
        )
        # accounts outside every cluster have no own-cluster ties: their values stay 0
        agg = both[both["member"].to_numpy() >= 0].groupby("member", sort=True).sum()
        agg.index = members[agg.index.to_numpy()]
        agg["cluster_tie_share"] = np.where(agg["w"] > 0, agg["w_in"] / agg["w"].where(agg["w"] > 0, 1.0), 0.0)
        agg = agg.rename(columns={"inside": "cluster_partners"})
        out[["cluster_partners", "cluster_tie_share"]] = agg.reindex(index).fillna(0.0)[
            ["cluster_partners", "cluster_tie_share"]
        ].to_numpy()
    if coaction is not None and not coaction.empty and "n_sync_objects" in coaction.columns:
        out["cluster_coactors"] = _cluster_coactors(coaction, membership).reindex(index).fillna(0.0)
    return out[cols]


def _cluster_coactors(coaction: pd.DataFrame, membership: pd.Series) -> pd.Series:
    """Per clustered account: partners in its own cluster with ``n_sync_objects > 0``."""
    sync = coaction[["account_a", "account_b"]][coaction["n_sync_objects"].to_numpy(dtype=float) > 0]
    members, pa, pb, same = _own_cluster_ties(sync, membership)
    counts = np.bincount(np.concatenate([pa[same], pb[same]]), minlength=len(members))
    return pd.Series(counts.astype(float), index=members)


SYNC_SHARE_OBJECTS: tuple[str, ...] = ("repost", "quote", "reply", "url", "hashtag")
"""Share tables whose actions count in :func:`cluster_sync_share`."""


def cluster_sync_share(
    shares: Mapping[str, pd.DataFrame],
    windows: Mapping[str, int | None],
    membership: pd.Series | None,
    index: pd.Index,
) -> pd.DataFrame:
    """How much of each clustered account's activity it did in sync with its own cluster.

    An *action* is an account acting on an object (a post reposted, quoted or
    replied to, a URL, a hashtag) in one of :data:`SYNC_SHARE_OBJECTS`, counted
    once per (object, account) at its first time. An action is *in sync with
    the cluster* when another member of the account's cluster acted on the
    same object within that layer's window (seconds, ``windows[obj]``) of it.

    A member of a rotating pool or reply swarm makes most of its actions with
    its group; an ordinary user swept into a campaign cluster because it
    reposted the sponsor's posts quickly makes a few of its actions with the
    group among many of its own.

    Returns
    -------
    DataFrame
        indexed like ``index``: ``cluster_sync_actions`` (actions in sync with
        the cluster), ``cluster_actions`` (all its actions in those layers) and
        ``cluster_sync_share`` (their ratio; NaN for accounts without a cluster
        or without actions).
    """
    cols = ["cluster_sync_actions", "cluster_actions", "cluster_sync_share"]
    out = pd.DataFrame({"cluster_sync_actions": 0.0, "cluster_actions": 0.0, "cluster_sync_share": np.nan}, index=index)
    if membership is None or membership.empty:
        return out[cols]
    members = pd.Index(membership.index.astype(str))
    cluster_of = membership.to_numpy(dtype=np.int64)
    rows = pd.Index(index).astype(str)
    in_sync = np.zeros(len(members))
    actions = np.zeros(len(members))
    for obj in SYNC_SHARE_OBJECTS:
        table = shares.get(obj)
        window = windows.get(obj)
        if table is None or table.empty or window is None:
            continue
        first = table[["object_id", "account_id", "ts"]].sort_values("ts", kind="mergesort")
        first = first.drop_duplicates(["object_id", "account_id"], keep="first")
        who = members.get_indexer(first["account_id"].astype(str))
        keep = who >= 0
        who = who[keep]
        if not len(who):
            continue
        obj_code = pd.factorize(first["object_id"].to_numpy()[keep])[0].astype(np.int64)
        ts = first["ts"].to_numpy(dtype=np.int64)[keep]
        group = cluster_of[who]
        order = np.lexsort((ts, group, obj_code))
        o, g, t, w = obj_code[order], group[order], ts[order], who[order]
        same = (o[1:] == o[:-1]) & (g[1:] == g[:-1]) & (t[1:] - t[:-1] <= int(window))
        hit = np.zeros(len(o), dtype=bool)
        hit[1:] |= same  # the previous action of the same cluster on the object is close
        hit[:-1] |= same  # the next one is
        in_sync += np.bincount(w[hit], minlength=len(members))
        actions += np.bincount(w, minlength=len(members))
    pos = members.get_indexer(rows)
    found = pos >= 0
    out.loc[found, "cluster_sync_actions"] = in_sync[pos[found]]
    out.loc[found, "cluster_actions"] = actions[pos[found]]
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(actions > 0, in_sync / np.maximum(actions, 1.0), np.nan)
    out.loc[found, "cluster_sync_share"] = ratio[pos[found]]
    return out[cols]


def edge_positions(edges: pd.DataFrame, index: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    """Both ends of every edge as positions in ``index`` (-1: not in it).

    The Arrow-backed ends are coded first (:func:`detector.schema.encode_many`), so only the
    distinct ids are looked up in ``index``, not a Python string per edge end.
    """
    from detector.schema import encode_many, id_column

    (ca, cb), ids = encode_many([id_column(edges["account_a"]), id_column(edges["account_b"])])
    lookup = np.append(pd.Index(index.astype(str)).get_indexer(ids), -1).astype(np.int32)  # code -1 (missing) -> -1
    return lookup[ca], lookup[cb]  # int32: 8 bytes per edge for both ends


def flagged_cluster_links(
    coaction: pd.DataFrame | None,
    cluster_id: pd.Series,
    cluster_score: Mapping[int, float],
    flagged: set[int],
    positions: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each account, the flagged cluster outside its own that it acted with most, and how widely.

    Parameters
    ----------
    coaction : DataFrame or None
        Combined edges with ``n_sync_objects`` (pairs that acted on the same
        post/link/hashtag/replied-to post within the window at least once).
    cluster_id : Series
        ``account_id -> cluster id`` (NA: none), indexed by every scored account.
    cluster_score : mapping
        Cluster id -> cluster score (ties between clusters go to the higher score,
        then the smaller id).
    flagged : set of int
        Ids of the flagged clusters.
    positions : pair of arrays, optional
        :func:`edge_positions` of ``coaction`` in ``cluster_id.index`` (computed when absent).

    Returns
    -------
    linked_cluster : ndarray of float
        Cluster id per account (NaN: none), aligned to ``cluster_id``.
    linked_partners : ndarray of float
        Members of that cluster the account acted with in the window (0: none).
    sync_partners : ndarray of float
        All accounts it acted with in the window (the denominator of the link's share).
    """
    n = len(cluster_id)
    linked = np.full(n, np.nan)
    partners = np.zeros(n)
    if coaction is None or coaction.empty or not flagged or "n_sync_objects" not in coaction.columns:
        return linked, partners, np.zeros(n)
    in_window = coaction["n_sync_objects"].to_numpy(dtype=float) > 0
    pa, pb = positions if positions is not None else edge_positions(coaction, cluster_id.index)
    pa, pb = pa[in_window], pb[in_window]
    cluster = cluster_by_position(cluster_id)
    is_flagged = np.zeros(int(np.nanmax(cluster)) + 2 if np.isfinite(cluster).any() else 1, dtype=bool)
    is_flagged[[c for c in flagged if c < len(is_flagged) - 1]] = True
    who = np.concatenate([pa, pb])
    in_sync = np.bincount(who[who >= 0], minlength=n).astype(float)
    other = np.concatenate([cluster[pb], cluster[pa]])
    own = cluster[who]
    keep = (who >= 0) & np.isfinite(other) & (other != own)
    keep[keep] = is_flagged[other[keep].astype(np.int64)]
    if not keep.any():
        return linked, partners, in_sync
    counts = pd.DataFrame({"who": who[keep], "cluster": other[keep].astype(np.int64)}).value_counts()
    table = counts.rename("n").reset_index()
    table["score"] = table["cluster"].map(cluster_score).astype(float)
    table = table.sort_values(["who", "n", "score", "cluster"], ascending=[True, False, False, True], kind="mergesort")
    best = table.drop_duplicates("who", keep="first")
    linked[best["who"].to_numpy()] = best["cluster"].to_numpy(dtype=float)
    partners[best["who"].to_numpy()] = best["n"].to_numpy(dtype=float)
    return linked, partners, in_sync


RECURRING_MAX_ACCOUNTS = 100
"""Objects shared by more accounts than this are left out of :func:`recurring_object_edges`.

A link that hundreds of accounts post over the scan is popular news, not a group's stock of
links; leaving it out also bounds the pairs per object (at most ~5,000)."""


RECURRING_MIN_OVERLAP = 0.5
"""Smallest Ochiai overlap ``n_common / sqrt(n_a * n_b)`` of two accounts' link sets in
:func:`recurring_object_edges`: about half of what each shares is shared by the other.
Prolific link sharers meet on a few links by chance; their overlap stays low."""


def recurring_object_edges(
    shares: pd.DataFrame,
    *,
    max_accounts: int = RECURRING_MAX_ACCOUNTS,
    min_objects: int = 2,
    min_overlap: float = RECURRING_MIN_OVERLAP,
) -> pd.DataFrame:
    """Pairs of accounts that shared the same uncommon objects, at any time in the scan.

    The slow counterpart of co-action: a "slow drip" campaign posts the same
    few links day after day, each member a few times a day, hours apart, so
    no two shares fall in one co-action window. Two accounts that both shared
    ``min_objects`` or more of the same uncommon objects (shared by at most
    ``max_accounts`` accounts), and whose sets of shared objects overlap by
    at least ``min_overlap`` (Ochiai coefficient over every distinct object
    each shared), are tied here, whatever the time between them.

    Parameters
    ----------
    shares : DataFrame
        A share table (``object_id, account_id``, ...) from
        :func:`detector.evidence.objects.share_table`.
    max_accounts, min_objects : int
    min_overlap : float

    Returns
    -------
    DataFrame
        Edge-layer shape: ``account_a < account_b``, ``weight`` = ``n_objects``
        (distinct objects both shared), ``overlap`` (Ochiai coefficient),
        ``objects`` (up to 5, ``|``-joined); sorted by ``(account_a, account_b)``.
    """
    cols = ["account_a", "account_b", "weight", "n_objects", "overlap", "objects"]
    empty = pd.DataFrame({c: pd.Series([], dtype=object if c in ("account_a", "account_b", "objects") else float) for c in cols})
    if shares is None or shares.empty:
        return empty
    from detector.schema import encode

    pairs = shares[["object_id", "account_id"]].astype(str).drop_duplicates()
    obj_code, obj_names = encode(pairs["object_id"].to_numpy(dtype=object))
    acc_code, acc_names = encode(pairs["account_id"].to_numpy(dtype=object))
    n_acc = np.bincount(obj_code, minlength=len(obj_names))
    n_obj = np.bincount(acc_code, minlength=len(acc_names)).astype(float)  # distinct objects per account
    keep = (n_acc[obj_code] >= 2) & (n_acc[obj_code] <= max_accounts)
    if not keep.any():
        return empty
    left = pd.DataFrame({"o": obj_code[keep], "a": acc_code[keep]})
    out = overlap_pairs(left, n_obj, obj_names, acc_names, min_objects=min_objects, min_overlap=min_overlap)
    return empty if out is None else out  # sorted by (account_a, account_b) already


def overlap_pairs(
    left: pd.DataFrame,
    n_per_account: np.ndarray,
    object_names: np.ndarray,
    account_names: np.ndarray,
    *,
    min_objects: int = 1,
    min_overlap: float,
) -> pd.DataFrame | None:
    """Pairs of accounts tied by the objects they both shared, with their Ochiai overlap.

    Parameters
    ----------
    left : DataFrame
        Distinct ``(o, a)`` rows: object code, account code (positions in ``object_names`` /
        ``account_names``); an optional ``posts`` column (the account's posts of the object)
        adds ``n_posts``, both accounts' posts of their common objects.
    n_per_account : ndarray of float
        Distinct objects each account shared in all (the Ochiai denominator), by account code.
    min_objects : int
        Fewest common objects of a kept pair.
    min_overlap : float
        Smallest ``n_common / sqrt(n_a * n_b)`` of a kept pair.

    Returns
    -------
    DataFrame or None
        ``account_a < account_b`` (by code), ``weight`` = ``n_objects``, ``n_objects``,
        [``n_posts``], ``overlap`` (6 decimals), ``objects`` (the first 5 common objects by
        code, ``|``-joined), sorted by ``(account_a, account_b)``; ``None`` when no pair is kept.
    """
    m = left.merge(left, on="o", suffixes=("", "_b"))
    m = m[m["a"].to_numpy() < m["a_b"].to_numpy()]
    if m.empty:
        return None
    with_posts = "posts" in left.columns
    if with_posts:
        m = m.assign(both=m["posts"].to_numpy() + m["posts_b"].to_numpy())
    m = m.sort_values(["a", "a_b", "o"], kind="mergesort")
    grp = m.groupby(["a", "a_b"], sort=True)
    agg = grp.agg(n_objects=("o", "size"), **({"n_posts": ("both", "sum")} if with_posts else {})).reset_index()
    agg["overlap"] = agg["n_objects"] / np.sqrt(n_per_account[agg["a"].to_numpy()] * n_per_account[agg["a_b"].to_numpy()])
    agg = agg[(agg["n_objects"] >= min_objects) & (agg["overlap"] >= min_overlap)]
    if agg.empty:
        return None
    first = m.merge(agg[["a", "a_b"]], on=["a", "a_b"])
    first = first[first.groupby(["a", "a_b"], sort=False).cumcount().to_numpy() < 5]
    names = first.assign(name=object_names[first["o"].to_numpy()].astype(str)).groupby(["a", "a_b"], sort=True)["name"]
    agg = agg.merge(names.agg("|".join).rename("objects").reset_index(), on=["a", "a_b"])
    cols = {
        "account_a": account_names[agg["a"].to_numpy()].astype(object),
        "account_b": account_names[agg["a_b"].to_numpy()].astype(object),
        "weight": agg["n_objects"].to_numpy(dtype=float),
        "n_objects": agg["n_objects"].to_numpy(dtype=float),
    }
    if with_posts:
        cols["n_posts"] = agg["n_posts"].to_numpy(dtype=float)
    cols["overlap"] = np.round(agg["overlap"].to_numpy(dtype=float), 6)
    cols["objects"] = agg["objects"].to_numpy(dtype=object)
    return pd.DataFrame(cols).sort_values(["account_a", "account_b"], kind="mergesort").reset_index(drop=True)


RECURRING_LAYERS: tuple[str, ...] = ("url_recurring", "domain_recurring")
"""Window-free layers of slow groups (the same uncommon links, the same co-linked uncommon domains)."""


def recurring_clusters(edges: pd.DataFrame, membership: pd.Series, seed: int = 0) -> pd.Series:
    """Extend ``membership`` with clusters of the :data:`RECURRING_LAYERS` among unclustered accounts.

    Slow campaigns have no repeated in-window evidence, so the main clustering
    leaves them out. Their recurring-link and recurring-domain ties are clustered *separately*
    (Leiden, :func:`detector.scoring.network.communities`, on the sum of the two layers'
    normalised weights), only between
    accounts the main clustering left unclustered, so a group of ordinary
    link sharers is never merged into an existing campaign cluster. New
    clusters (two or more accounts) get ids after the existing ones.

    Parameters
    ----------
    edges : DataFrame
        Combined edges with a ``w_url_recurring`` and/or ``w_domain_recurring`` column (else nothing changes).
    membership : Series
        ``account_id -> cluster id`` of the main clustering.
    seed : int
        Leiden seed.

    Returns
    -------
    Series
        ``account_id -> cluster id`` (int64), sorted by account id.
    """
    cols = [f"w_{name}" for name in RECURRING_LAYERS if f"w_{name}" in edges.columns] if edges is not None else []
    if edges is None or edges.empty or not cols:
        return membership
    w = edges[cols].to_numpy(dtype=float).sum(axis=1)
    return cluster_leftovers(edges, membership, w > 0, w, seed=seed, min_size=2, merge_dense=True)


def merge_recurring_clusters(edges: pd.DataFrame, membership: pd.Series, first_slow: int) -> pd.Series:
    """Join clusters that are pieces of one slow group, by the density of their recurring ties.

    The main clustering takes the members of a slow drip that copied a few texts (near-duplicate
    ties) into a small cluster of their own, and :func:`recurring_clusters` puts the rest, never
    merged with it, into another: two pieces of one group, each tied to the other by the same
    uncommon links about as densely as inside, the smaller one too small for its group tests.
    A slow cluster (:func:`recurring_clusters`, ids from ``first_slow`` on) and a cluster with
    recurring ties inside (:data:`RECURRING_LAYERS`, the sum of their normalised weights) whose
    recurring tie density between them is at least
    :data:`MERGE_DENSITY_SHARE` of the *denser* inside density are one cluster
    (:func:`merge_dense_communities` on those clusters only: they are not one partition of one
    graph, and a large loose cluster with one recurring tie inside must not join a dense
    group it touches once; the merged cluster keeps the
    smallest id of its pieces, so other ids do not move). A cluster without recurring ties
    inside is never merged by them, and two clusters of the main clustering never join each
    other directly: reposts carry their original's links, so a fandom and a retweet campaign
    reposting the same linked posts are tied by recurring links too, but the main clustering
    had their repeated evidence and kept them apart.

    Parameters
    ----------
    edges : DataFrame
        Combined edges with a ``w_url_recurring`` and/or ``w_domain_recurring`` column (else nothing changes).
    membership : Series
        ``account_id -> cluster id`` (int).
    first_slow : int
        Smallest id of the clusters :func:`recurring_clusters` added (ids below: main clustering).

    Returns
    -------
    Series
        Same index, cluster ids after merging.
    """
    cols = [f"w_{name}" for name in RECURRING_LAYERS if f"w_{name}" in edges.columns] if edges is not None else []
    if edges is None or edges.empty or not cols or membership.empty:
        return membership
    ids = membership.astype(np.int64)
    ids.index = ids.index.astype(str)
    w = edges[cols].to_numpy(dtype=float).sum(axis=1)
    pa, pb = edge_positions(edges, ids.index)
    code = np.append(ids.to_numpy(), -1)
    ca, cb = code[pa], code[pb]
    tied = (w > 0) & (ca >= 0) & (cb >= 0)
    inside = np.unique(ca[tied & (ca == cb)])
    if len(inside) < 2:
        return membership
    rows = tied & np.isin(ca, inside) & np.isin(cb, inside) & ((ca == cb) | (ca >= first_slow) | (cb >= first_slow))
    sub = pd.DataFrame({"account_a": edges["account_a"].to_numpy()[rows], "account_b": edges["account_b"].to_numpy()[rows],
                        "weight": w[rows]})
    part = ids[ids.isin(inside).to_numpy()]
    merged = merge_dense_communities(sub, part, denser=True)
    root = part.groupby(merged.to_numpy()).transform("min")  # smallest old id of each merged group
    out = ids.copy()
    out.loc[root.index] = root.to_numpy()
    return out


MERGE_DENSITY_SHARE = 0.5
"""Two communities are one group (:func:`merge_dense_communities`) when the mean tie weight between
them is at least this share of the mean tie weight inside the sparser of the two."""


def merge_dense_communities(edges: pd.DataFrame, membership: pd.Series, *, denser: bool = False) -> pd.Series:
    """Merge Leiden communities whose members are tied to each other about as densely as inside.

    Modularity cuts a dense group along its inner structure: the members of a slow drip
    linking three sites fall into one community per site they linked most, though nearly
    every member is tied to nearly every other; a pool rotating its accounts over the same
    targets falls into many small communities, each too small for the group tests to speak. Density is the mean weight over all possible
    pairs, ``W(A, B) / (|A| |B|)`` between two communities and ``2 W(A) / (|A| (|A| - 1))``
    inside one (a single account: no inside, the other's counts). Every two communities with
    the density between them at least :data:`MERGE_DENSITY_SHARE` of the smaller inside density
    of the two are joined (union-find over the pairs, on the densities of Leiden's partition;
    the merged community takes the smallest id, and ids are renumbered by size as
    :func:`detector.scoring.network.communities` numbers them). Communities
    tied by a few edges (a fan who once linked a drip site) stay apart.

    Parameters
    ----------
    edges : DataFrame
        ``account_a, account_b, weight`` (the graph ``membership`` was computed on).
    membership : Series
        ``account_id -> community id`` (int).
    denser : bool
        Compare with the *denser* inside density of the two instead (for communities that are
        not one Leiden partition of one graph, where a sparse community must not join everything).

    Returns
    -------
    Series
        Same index, community ids after merging.
    """
    if membership.empty or edges.empty:
        return membership
    ids = membership.astype(np.int64)
    ids.index = ids.index.astype(str)
    pa, pb = edge_positions(edges, ids.index)  # coded ends: no Python string per edge
    code = np.append(ids.to_numpy(), -1)  # position -1 (not in membership) -> -1
    ca, cb = code[pa], code[pb]
    inside_both = (ca >= 0) & (cb >= 0)
    w = edges["weight"].to_numpy(dtype=float)[inside_both]
    ca, cb = ca[inside_both], cb[inside_both]
    size = ids.value_counts()
    lo, hi = np.minimum(ca, cb), np.maximum(ca, cb)
    table = pd.DataFrame({"lo": lo, "hi": hi, "w": w}).groupby(["lo", "hi"], sort=True)["w"].sum().reset_index()
    inside = table[table["lo"] == table["hi"]].set_index("lo")["w"]
    n = size.reindex(inside.index).to_numpy(dtype=float)
    dens_in = pd.Series(2.0 * inside.to_numpy() / np.maximum(n * (n - 1.0), 1.0), index=inside.index)
    between = table[table["lo"] != table["hi"]]
    if between.empty:
        return membership
    n_lo = size.reindex(between["lo"]).to_numpy(dtype=float)
    n_hi = size.reindex(between["hi"]).to_numpy(dtype=float)
    dens = between["w"].to_numpy() / (n_lo * n_hi)
    d_lo = dens_in.reindex(between["lo"]).to_numpy()
    d_hi = dens_in.reindex(between["hi"]).to_numpy()
    ref = np.fmax(d_lo, d_hi) if denser else np.fmin(d_lo, d_hi)  # NaN (a single account) gives the other's
    join = np.isfinite(ref) & (dens >= MERGE_DENSITY_SHARE * ref)
    if not join.any():
        return membership
    parent = {int(c): int(c) for c in size.index}

    def root(c: int) -> int:
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    for a, b in zip(between["lo"].to_numpy()[join], between["hi"].to_numpy()[join], strict=True):
        ra, rb = root(int(a)), root(int(b))
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    merged = ids.map(lambda c: root(int(c)))
    # renumber by size (largest first), ties by the smallest account id, as communities() does
    first = merged.groupby(merged.to_numpy()).apply(lambda s: min(s.index))
    counts = merged.value_counts()
    order = sorted(counts.index, key=lambda c: (-int(counts[c]), str(first[c])))
    renum = {int(c): i for i, c in enumerate(order)}
    return merged.map(renum).astype(np.int64)


def burst_clusters(edges: pd.DataFrame, membership: pd.Series, seed: int = 0, min_size: int = 3) -> pd.Series:
    """Extend ``membership`` with clusters of accounts left out that acted in the window together.

    A pool that rotates its accounts uses each one for a few bursts, each time
    with different partners: almost no pair acts together twice, so the main
    clustering (on repeated evidence) leaves most of the pool out, yet each
    member acted in sync once with many others of it. Pairs of still
    unclustered accounts with at least one object in sync (``n_sync_objects >
    0``) are clustered *apart* (Leiden on the combined weights, only between
    accounts no earlier clustering took, so no existing cluster grows); new
    clusters of at least ``min_size`` accounts are kept. They are judged like any
    cluster: an organic crowd that met on one viral post forms such a cluster
    too, but fails the conjunction (its members are not young, automated or
    copying) and lends nobody support.
    """
    if edges is None or edges.empty or "n_sync_objects" not in edges.columns:
        return membership
    sync = edges["n_sync_objects"].to_numpy(dtype=float) > 0
    return cluster_leftovers(edges, membership, sync, edges["weight"].to_numpy(dtype=float), seed=seed, min_size=min_size)


def cluster_leftovers(
    edges: pd.DataFrame,
    membership: pd.Series,
    ties: np.ndarray,
    weight: np.ndarray,
    *,
    seed: int = 0,
    min_size: int = 2,
    merge_dense: bool = False,
) -> pd.Series:
    """Extend ``membership`` with Leiden clusters of ``edges[ties]`` between accounts it leaves out.

    Only pairs whose two ends are both unclustered take part, so an existing
    cluster is never extended or merged; new clusters of at least
    ``min_size`` accounts get ids after the existing ones. ``merge_dense``: new
    communities tied to each other as densely as inside are merged first
    (:func:`merge_dense_communities`).

    Parameters
    ----------
    edges : DataFrame
        Combined edges (``account_a``, ``account_b``).
    membership : Series
        ``account_id -> cluster id`` so far.
    ties : ndarray of bool
        Rows of ``edges`` to cluster on.
    weight : ndarray of float
        Leiden weight per row of ``edges`` (> 0 where ``ties``).
    seed : int
        Leiden seed.
    min_size : int
        Smallest new cluster kept.

    Returns
    -------
    Series
        ``account_id -> cluster id`` (int64), sorted by account id.
    """
    m = membership.copy()
    m.index = m.index.astype(str)
    members = pd.Index(m.index)
    # boolean masks only (no per-row id arrays: millions of rows on a large scan)
    keep = np.asarray(ties, dtype=bool).copy()
    for end in ("account_a", "account_b"):
        keep &= ~edges[end].astype(str).isin(members).to_numpy(dtype=bool)
    if not keep.any():
        return m
    from detector.scoring.network import communities

    rows = np.flatnonzero(keep)
    sub = pd.DataFrame(
        {
            "account_a": edges["account_a"].iloc[rows].astype(str).to_numpy(dtype=object),
            "account_b": edges["account_b"].iloc[rows].astype(str).to_numpy(dtype=object),
            "weight": np.asarray(weight, dtype=float)[rows],
        }
    )
    new = communities(sub, weight="weight", seed=seed)
    new.index = new.index.astype(str)
    if merge_dense:
        new = merge_dense_communities(sub, new)
    new = new[new.map(new.value_counts()).to_numpy() >= min_size]
    if new.empty:
        return m
    offset = int(m.max()) + 1 if len(m) else 0
    out = pd.concat([m.astype("int64"), (new.astype("int64") + offset)])
    return out.sort_index()

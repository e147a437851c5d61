"""Amplification audit: how much of an official account's reach comes from flagged accounts.

For every official account (matched from a registry, see
:mod:`detector.officials.registry`) the audit counts the interactions it
*received* (reposts, quotes and replies of its posts, mentions of its handle;
its own self-replies are left out), and reports:

* the share of them made by flagged accounts, overall and per flagged cluster;
* time to amplify: seconds between the official post and each repost / quote
  / reply of it (needs the original post in the events table): median, the
  share within ``fast_s`` seconds, and the same for flagged and unflagged
  amplifiers separately;
* reach: distinct amplifying accounts, and the second-degree audience (sum of
  those accounts' follower counts, where known) with and without the flagged
  accounts; ``inauthentic_reach_share`` is the share of distinct amplifying
  accounts that are flagged (how much the reach drops when they are removed);
* PageRank on the interaction graph before and after deleting the flagged
  accounts from the graph (recomputed, not estimated). ``pagerank_drop`` is
  ``1 - (pr_without * n_without) / (pr * n)``: PageRank is compared relative
  to the average vertex (``n`` vertices), so deleting accounts unrelated to
  the official leaves it (nearly) unchanged, while deleting its amplifiers
  lowers it. Negative values mean the official gains from the removal.

Per post: which official posts drew the most flagged amplification
(:attr:`AuditResult.posts`). With an empty flagged set every "without
flagged" figure equals the full one.

Columns of :attr:`AuditResult.officials` (times in seconds, shares in 0..1,
NaN where undefined, e.g. a share of nothing received):

=========================================  ==============================================
registry: ``account_id``, ``account_name``,  who the official is and how it was matched
``display_name``, ``country``, ``role``,
``platform``, ``matched_by``, ``source``,
``line``
``official_flagged``                        the official itself is in the flagged set
``n_posts``                                 events the official authored
``received``; ``n_reposts``, ``n_quotes``,  interactions received (self excluded), by kind
``n_replies``, ``n_mentions``
``flagged_received``, ``flagged_share``     ... made by flagged accounts, and their share
``n_amplifiers``, ``n_flagged_amplifiers``  distinct accounts interacting with it
``inauthentic_reach_share``                 n_flagged_amplifiers / n_amplifiers
``reach_without_flagged``                   n_amplifiers - n_flagged_amplifiers
``audience``, ``audience_without_flagged``, sum of amplifiers' followers (known only),
``audience_drop``,                          with / without flagged, share lost, and
``n_amplifiers_followers_known``            how many amplifiers had a follower count
``n_timed``                                 reposts/quotes/replies whose original is known
``median_time_to_amplify_s``,               delay after the original post: median and
``share_within_60s``                        share within ``fast_s`` (column named after it)
``flagged_...``, ``unflagged_...``          the same for flagged / unflagged amplifiers
``top_flagged_clusters``                    ``cluster:share`` of received, top 3, ``|``-joined
``pagerank``, ``pagerank_without_flagged``, PageRank before / after deleting flagged
``pagerank_drop``, ``pagerank_rank``,       accounts, relative drop (see above), ranks
``pagerank_rank_without_flagged``
centrality columns                          see :mod:`detector.officials.centrality`
=========================================  ==============================================
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import igraph as ig
import numpy as np
import pandas as pd

from detector import thresholds as th
from detector.evidence.features import reaction_delays
from detector.evidence.graphs import (
    INTERACTION_KINDS,
    graph_from_rows,
    interaction_rows,
    vertex_names,
)
from detector.officials.centrality import (
    BETWEENNESS_EXACT_MAX_VERTICES,
    BETWEENNESS_PIVOTS,
    CentralityResult,
    official_centrality,
    pagerank,
    rank_and_percentile,
)
from detector.officials.presumed import PRESUMED_PREFIX, presumed_columns, presumed_registry
from detector.officials.registry import (
    RegistryMatch,
    match_registry,
    officials_from_accounts,
    read_registry,
    registry_from_records,
)

__all__ = ["AuditResult", "REPORT_KEYS", "amplification_audit", "resolve_officials"]

REPORT_KEYS: tuple[str, ...] = (
    "account_id",
    "account_name",
    "role",
    "country",
    "presumed",
    "presumed_by",
    "in_strength",
    "pagerank",
    "pagerank_rank",
    "betweenness",
    "received",
    "flagged_share",
    "median_time_to_amplify_s",
    "share_within_60s",
    "inauthentic_reach_share",
)
"""Keys of one ``officials`` entry of ``report.json`` (see detector/report/SCHEMA.md)."""

_POST_TEXT_CHARS = 280
_TOP_CLUSTERS = 3
_UNCLUSTERED = "unclustered"
_KIND_COLUMNS = {
    "repost": "n_reposts",
    "quote": "n_quotes",
    "reply": "n_replies",
    "mention": "n_mentions",
}


def is_missing(value: Any) -> bool:
    """True for ``None``, ``pd.NA`` and float NaN (a missing table cell)."""
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


@dataclass(frozen=True)
class AuditResult:
    """Output of :func:`amplification_audit`.

    Attributes
    ----------
    officials : DataFrame
        One row per matched official account, sorted by flagged interactions
        received (desc), interactions received (desc), ``account_id``.
        Columns are described in the module docstring.
    posts : DataFrame
        One row per official post that was reposted / quoted / replied to,
        sorted by flagged amplifications (desc), amplifications (desc),
        ``event_id``.
    clusters : DataFrame
        ``account_id`` (official), ``cluster_id`` (-1 or ``"unclustered"`` = flagged, no cluster),
        ``n_interactions``, ``n_accounts``, ``share_of_received``,
        ``share_of_flagged``; sorted by official, n_interactions desc, cluster.
    unmatched : DataFrame
        Registry entries not found in the data, with ``reason``.
    params : dict
        Everything that changes the result, plus graph size and the
        betweenness method.
    centrality : CentralityResult or None
        Centrality of the officials, or of every account with
        ``all_accounts=True`` (None with ``with_centrality=False``).
    """

    officials: pd.DataFrame
    posts: pd.DataFrame
    clusters: pd.DataFrame
    unmatched: pd.DataFrame
    params: dict[str, Any] = field(default_factory=dict)
    centrality: CentralityResult | None = None

    def report_rows(self) -> list[dict[str, Any]]:
        """Officials as ``report.json`` entries (:data:`REPORT_KEYS`; NaN -> None), in_strength desc."""
        table = self.officials
        if "in_strength" not in table.columns:
            table = table.assign(in_strength=np.nan, betweenness=np.nan)
        table = table.sort_values(
            ["in_strength", "account_id"], ascending=[False, True], na_position="last"
        )
        rows = []
        for record in table.to_dict("records"):
            row = {}
            for key in REPORT_KEYS:
                value = record.get(key)
                if is_missing(value):
                    row[key] = None
                elif isinstance(value, np.integer):
                    row[key] = int(value)
                elif isinstance(value, np.floating):
                    row[key] = float(value)
                else:
                    row[key] = value
            if row["pagerank_rank"] is not None:
                row["pagerank_rank"] = int(row["pagerank_rank"])
            if row["received"] is not None:
                row["received"] = int(row["received"])
            rows.append(row)
        return rows


def resolve_officials(
    registry: str | os.PathLike[str] | pd.DataFrame | None,
    events: pd.DataFrame,
    accounts: pd.DataFrame | None = None,
) -> RegistryMatch:
    """Turn any registry form into matched officials.

    ``registry`` may be a file path (:func:`read_registry`), a registry table,
    an already matched table (has ``matched_by``), an accounts-like table with
    ``official_role`` (rows with a role are officials), or ``None`` (officials
    taken from ``accounts.official_role``).
    """
    if registry is None:  # declared roles in the data, then presumed officials (no registry given)
        table = pd.concat([officials_from_accounts(accounts), presumed_registry(accounts)], ignore_index=True)
        match = match_registry(table, events, accounts)
        quiet = match.unmatched["source"].astype(str).str.startswith(PRESUMED_PREFIX).to_numpy(dtype=bool)
        return RegistryMatch(officials=match.officials, unmatched=match.unmatched[~quiet].reset_index(drop=True))
    elif isinstance(registry, pd.DataFrame):
        if "matched_by" in registry.columns:
            empty = pd.DataFrame(columns=[*registry.columns, "reason"])
            return RegistryMatch(officials=registry.reset_index(drop=True), unmatched=empty)
        if "official_role" in registry.columns and "role" not in registry.columns:
            table = officials_from_accounts(registry)
        elif "line" in registry.columns and "source" in registry.columns:
            table = registry
        else:
            records = ((i + 1, rec) for i, rec in enumerate(registry.to_dict("records")))
            table = registry_from_records(records, "<table>")
    else:
        table = read_registry(registry)
    return match_registry(table, events, accounts)


@dataclass(frozen=True)
class _EventLookup:
    """First occurrence of every event id: position index and ts (seconds); kind and text of the
    rows asked for (:meth:`column`), not a Python string per event (1M events: about 0.2 GB)."""

    index: pd.Index
    ts: np.ndarray
    events: pd.DataFrame
    rows: np.ndarray

    @classmethod
    def of(cls, events: pd.DataFrame) -> _EventLookup:
        keep = ~events["event_id"].duplicated(keep="first").to_numpy()
        return cls(
            index=pd.Index(events["event_id"].to_numpy(dtype=object)[keep]),
            ts=events["ts"].to_numpy(dtype=np.int64)[keep],
            events=events,
            rows=np.flatnonzero(keep),
        )

    def positions(self, event_ids: Iterable) -> np.ndarray:
        """Row of each id in the lookup arrays, -1 when unknown."""
        return self.index.get_indexer(pd.Index(np.asarray(event_ids, dtype=object)))

    def column(self, name: str, pos: np.ndarray) -> np.ndarray:
        """``name`` (``kind``, ``text``) of the lookup rows ``pos`` (>= 0), as an object array
        (the values ``events[name].to_numpy(dtype=object)`` holds)."""
        if not len(self.rows):
            return np.full(len(pos), None, dtype=object)
        return self.events[name].iloc[self.rows[pos]].to_numpy(dtype=object)


def _interactions(
    rows: pd.DataFrame,
    lookup: _EventLookup,
    official_ids: Iterable[str],
    flagged: set[str],
    cluster_of: Mapping[str, Any] | None,
) -> pd.DataFrame:
    """Interactions received by officials, with flagged flag, cluster and delay (seconds)."""
    sel = rows.loc[rows["target"].isin(set(official_ids)) & (rows["source"] != rows["target"])]
    frame = pd.DataFrame(
        {
            "official": sel["target"].to_numpy(),
            "source": sel["source"].to_numpy(),
            "kind": sel["kind"].to_numpy(),
            "ts": sel["ts"].to_numpy(dtype=np.int64),
            "target_event_id": sel["target_event_id"].to_numpy(),
        }
    )
    frame["flagged"] = frame["source"].isin(flagged)
    frame["cluster"] = _cluster_column(frame, cluster_of)
    frame["delay_s"] = reaction_delays(
        (lookup.index, lookup.ts), frame["target_event_id"].astype(object).to_numpy(), frame["ts"].to_numpy()
    )
    return frame


def _cluster_column(frame: pd.DataFrame, cluster_of: Mapping[str, Any] | None) -> pd.Series:
    """Cluster of each flagged row (missing for unflagged rows).

    Integer cluster ids stay integers (``-1`` = flagged without a cluster);
    when any id is not an integer, all ids become strings (``"unclustered"``).
    """
    cluster_of = dict(cluster_of or {})
    numeric = all(
        isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in cluster_of.values()
    )
    if not numeric:
        cluster_of = {k: str(v) for k, v in cluster_of.items()}
    labels = frame["source"].map(cluster_of) if cluster_of else pd.Series(np.nan, index=frame.index)
    if numeric:
        values = labels.fillna(-1).astype(np.int64).astype(object)
    else:
        values = labels.fillna(_UNCLUSTERED).astype(object)
    return values.where(frame["flagged"], None)


def _cluster_label(cluster: Any) -> str:
    if isinstance(cluster, (int, np.integer)) and cluster < 0:
        return _UNCLUSTERED
    return str(cluster)


def _cluster_summary(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    flagged = frame.loc[frame["flagged"]]
    if not len(flagged):
        return pd.DataFrame(columns=[key, "cluster_id", "n_interactions", "n_accounts"])
    grouped = flagged.groupby([key, "cluster"], sort=True)
    table = pd.DataFrame(
        {"n_interactions": grouped.size(), "n_accounts": grouped["source"].nunique()}
    ).reset_index()
    table = table.rename(columns={"cluster": "cluster_id"})
    if all(isinstance(c, (int, np.integer)) for c in table["cluster_id"]):
        table["cluster_id"] = table["cluster_id"].astype(np.int64)
    return table.sort_values([key, "n_interactions", "cluster_id"], ascending=[True, False, True])


def _summarize(
    frame: pd.DataFrame, key: str, keys: Iterable[str], fast_s: float, with_clusters: bool
) -> pd.DataFrame:
    """Per-``key`` counts, flagged shares and delays (one row per value in ``keys``)."""
    index = pd.Index(list(keys), name=key)
    within = f"share_within_{fast_s:g}s"
    grouped = frame.groupby(key, sort=True)
    out = pd.DataFrame(index=index)
    out["received"] = grouped.size().reindex(index, fill_value=0).astype(np.int64)
    kinds = (
        frame.groupby([key, "kind"], sort=True).size().unstack(fill_value=0)
        if len(frame)
        else pd.DataFrame()
    )
    for kind in INTERACTION_KINDS:
        column = kinds[kind] if kind in kinds.columns else pd.Series(dtype=np.int64)
        out[_KIND_COLUMNS[kind]] = column.reindex(index, fill_value=0).astype(np.int64)
    out["flagged_received"] = grouped["flagged"].sum().reindex(index, fill_value=0).astype(np.int64)
    out["flagged_share"] = out["flagged_received"] / out["received"].where(out["received"] > 0)
    out["n_amplifiers"] = grouped["source"].nunique().reindex(index, fill_value=0).astype(np.int64)
    flagged_rows = frame.loc[frame["flagged"]]
    out["n_flagged_amplifiers"] = (
        flagged_rows.groupby(key)["source"].nunique().reindex(index, fill_value=0).astype(np.int64)
    )
    out["inauthentic_reach_share"] = out["n_flagged_amplifiers"] / out["n_amplifiers"].where(
        out["n_amplifiers"] > 0
    )
    out["reach_without_flagged"] = out["n_amplifiers"] - out["n_flagged_amplifiers"]
    timed = frame.loc[frame["delay_s"].notna()]
    out["n_timed"] = timed.groupby(key).size().reindex(index, fill_value=0).astype(np.int64)
    for prefix, part in (
        ("", timed),
        ("flagged_", timed.loc[timed["flagged"]]),
        ("unflagged_", timed.loc[~timed["flagged"]]),
    ):
        delays = part.groupby(key)["delay_s"]
        out[f"{prefix}median_time_to_amplify_s"] = delays.median().reindex(index)
        if prefix != "unflagged_":
            fast = (part["delay_s"] <= fast_s).groupby(part[key]).mean()
            out[f"{prefix}{within}"] = fast.reindex(index).astype(float)
    if with_clusters:
        clusters = _cluster_summary(frame, key)
        clusters["share"] = clusters["n_interactions"] / clusters[key].map(out["received"])
        # clusters are sorted by key, n_interactions desc, cluster: keep the first few per key
        clusters = clusters.loc[
            clusters.groupby(key, sort=False).cumcount().to_numpy() < _TOP_CLUSTERS
        ]
        labels = clusters.assign(
            label=[
                f"{_cluster_label(c)}:{s:.3f}"
                for c, s in zip(clusters["cluster_id"], clusters["share"], strict=True)
            ]
        )
        # astype(str): with no flagged cluster the aggregate is an empty float Series
        top = labels.groupby(key, sort=True)["label"].agg("|".join).astype(str)
        out["top_flagged_clusters"] = top.reindex(index).fillna("")
    return out


def _audience(frame: pd.DataFrame, accounts: pd.DataFrame | None, ids: pd.Index) -> pd.DataFrame:
    """Second-degree audience (sum of amplifiers' followers) with and without flagged amplifiers."""
    pairs = frame.drop_duplicates(["official", "source"])[["official", "source", "flagged"]]
    followers = pd.Series(dtype=float)
    if accounts is not None and len(accounts) and "followers" in accounts.columns:
        known = accounts.loc[accounts["followers"].notna()]
        followers = pd.Series(
            known["followers"].to_numpy(dtype=float), index=known["account_id"].astype(str)
        )
    pairs = pairs.assign(followers=pairs["source"].map(followers).astype(float))
    pairs = pairs.loc[pairs["followers"].notna()]
    grouped = pairs.groupby("official")
    out = pd.DataFrame(index=ids)
    out["n_amplifiers_followers_known"] = grouped.size().reindex(ids, fill_value=0).astype(np.int64)
    out["audience"] = grouped["followers"].sum().reindex(ids, fill_value=0.0)
    flagged = (
        pairs.loc[pairs["flagged"]]
        .groupby("official")["followers"]
        .sum()
        .reindex(ids, fill_value=0.0)
    )
    out["audience_without_flagged"] = out["audience"] - flagged
    out["audience_drop"] = flagged / out["audience"].where(out["audience"] > 0)
    return out


def _take(values: np.ndarray, pos: np.ndarray, fill: float) -> np.ndarray:
    """``values[pos]``, with ``fill`` where ``pos`` is -1 (as from ``Index.get_indexer``)."""
    if not len(values):
        return np.full(len(pos), fill)
    return np.where(pos >= 0, values[np.maximum(pos, 0)], fill)


def _pagerank_change(
    graph: ig.Graph, full: np.ndarray, ids: pd.Index, flagged: set[str], damping: float
) -> pd.DataFrame:
    """PageRank of ``ids`` on ``graph`` (``full``, precomputed) and on ``graph`` minus the flagged."""
    names = pd.Index(vertex_names(graph))
    rank, _ = rank_and_percentile(full)
    remove = names.get_indexer(sorted(flagged & set(names)))
    reduced = graph.copy()
    reduced.delete_vertices(remove.tolist())
    reduced_names = pd.Index(vertex_names(reduced))
    without = pagerank(reduced, damping)
    rank_without, _ = rank_and_percentile(without)
    pos = names.get_indexer(ids)
    pos_without = reduced_names.get_indexer(ids)
    out = pd.DataFrame(index=ids)
    have = pos >= 0
    have_without = pos_without >= 0
    out["pagerank"] = _take(full, pos, np.nan)
    out["pagerank_without_flagged"] = _take(without, pos_without, np.nan)
    scaled = out["pagerank"] * graph.vcount()
    scaled_without = out["pagerank_without_flagged"] * reduced.vcount()
    out["pagerank_drop"] = 1.0 - scaled_without / scaled.where(scaled > 0)
    out["pagerank_rank"] = pd.array(_take(rank, pos, 0), dtype="Int64")
    out.loc[~have, "pagerank_rank"] = pd.NA
    out["pagerank_rank_without_flagged"] = pd.array(
        _take(rank_without, pos_without, 0), dtype="Int64"
    )
    out.loc[~have_without, "pagerank_rank_without_flagged"] = pd.NA
    return out


def _posts_table(
    frame: pd.DataFrame, lookup: _EventLookup, fast_s: float, with_clusters: bool
) -> pd.DataFrame:
    posts = frame.loc[frame["target_event_id"].notna()]
    keys = sorted(set(posts["target_event_id"]))
    table = _summarize(posts, "target_event_id", keys, fast_s, with_clusters)
    table = table.drop(columns=["n_mentions"])
    owner = posts.drop_duplicates("target_event_id").set_index("target_event_id")["official"]
    pos = lookup.positions(keys)
    found = pos >= 0
    safe = np.maximum(pos, 0)
    table.insert(0, "account_id", owner.reindex(table.index).to_numpy())
    table.insert(1, "ts", pd.array(_take(lookup.ts, pos, 0), dtype="Int64"))
    table.loc[~found, "ts"] = pd.NA
    kinds, texts = lookup.column("kind", safe), lookup.column("text", safe)  # one per key
    table.insert(2, "kind", [k if f else None for k, f in zip(kinds, found, strict=True)])
    table.insert(
        3,
        "text",
        [
            (t[:_POST_TEXT_CHARS] if isinstance(t, str) else None) if f else None
            for t, f in zip(texts, found, strict=True)
        ],
    )
    table = table.reset_index().rename(columns={"target_event_id": "event_id"})
    return table.sort_values(
        ["flagged_received", "received", "event_id"], ascending=[False, False, True]
    ).reset_index(drop=True)


def amplification_audit(
    events: pd.DataFrame,
    registry: str | os.PathLike[str] | pd.DataFrame | None,
    flagged: Iterable[str] = frozenset(),
    cluster_of: Mapping[str, Any] | None = None,
    *,
    accounts: pd.DataFrame | None = None,
    kind: str = "all",
    fast_s: float = float(th.FAST_REACTION_S),
    with_centrality: bool = True,
    all_accounts: bool = False,
    damping: float = 0.85,
    exact_max_vertices: int = BETWEENNESS_EXACT_MAX_VERTICES,
    pivots: int = BETWEENNESS_PIVOTS,
    seed: int = 0,
    rows: pd.DataFrame | None = None,
    graph: ig.Graph | None = None,
    match: RegistryMatch | None = None,
) -> AuditResult:
    """Audit how much of each official account's amplification comes from flagged accounts.

    Parameters
    ----------
    events : DataFrame
        Canonical events table.
    registry : path, DataFrame or None
        Official accounts, any form accepted by :func:`resolve_officials`.
    flagged : iterable of str
        Flagged account ids (ids absent from the data are ignored).
    cluster_of : mapping account_id -> cluster id, optional
        Clusters of flagged accounts (integer ids, or any labels); flagged
        accounts without one count as cluster ``-1`` (``"unclustered"``
        when the labels are not integers).
    accounts : DataFrame, optional
        Canonical accounts table (follower counts, handles, roles).
    kind : str, default "all"
        Interaction graph used (see :func:`detector.evidence.graphs.interaction_graph`).
    fast_s : float, default 60
        "Fast" amplification threshold, seconds (column ``share_within_60s``).
    with_centrality : bool, default True
        Add the centrality measures of :func:`official_centrality`.
    all_accounts : bool, default False
        Keep the centrality of every account (not only the officials') in
        ``AuditResult.centrality``; it is computed for every vertex anyway.
    damping, exact_max_vertices, pivots, seed
        Centrality parameters (PageRank damping; betweenness exact/sampled).
    rows, graph : optional
        Precomputed :func:`interaction_rows` / graph for ``kind`` on the same
        events (to share work with other stages).
    match : RegistryMatch, optional
        :func:`resolve_officials` of ``registry`` on the same events and accounts, when the
        caller has it already (the scan matches once for the exemption from flags).

    Returns
    -------
    AuditResult
    """
    match = resolve_officials(registry, events, accounts) if match is None else match
    officials = match.officials
    ids = pd.Index(sorted(set(officials["account_id"].astype(str))), name="account_id")
    flagged_set = {str(a) for a in flagged}
    if rows is None:
        rows = interaction_rows(events, accounts, kind)
    if graph is None:
        graph = graph_from_rows(rows, events, accounts, kind=kind)
    with_clusters = cluster_of is not None
    lookup = _EventLookup.of(events)
    frame = _interactions(rows, lookup, ids, flagged_set, cluster_of)
    summary = _summarize(frame, "official", ids, fast_s, with_clusters)
    summary.index.name = "account_id"
    audience = _audience(frame, accounts, ids)
    full_pagerank = pagerank(graph, damping)
    ranks = _pagerank_change(graph, full_pagerank, ids, flagged_set, damping)
    n_posts = (
        events["account_id"].astype(str).value_counts().reindex(ids, fill_value=0).astype(np.int64)
    )
    table = officials.set_index(officials["account_id"].astype(str)).reindex(ids)
    table = table.drop(columns=["account_id"]).rename_axis("account_id")
    table["official_flagged"] = [a in flagged_set for a in ids]
    table["presumed"], table["presumed_by"] = presumed_columns(table.get("source", None), len(table))
    table["n_posts"] = n_posts.to_numpy()
    table = table.join(summary).join(audience).join(ranks)
    centrality = None
    if with_centrality:
        centrality = official_centrality(
            graph,
            ids,
            all_accounts=all_accounts,
            damping=damping,
            exact_max_vertices=exact_max_vertices,
            pivots=pivots,
            seed=seed,
            pagerank_values=full_pagerank,
        )
        extra = centrality.table.set_index("account_id").drop(
            columns=["account_name", "pagerank", "pagerank_rank"], errors="ignore"
        )
        table = table.join(extra)
    table = table.reset_index().sort_values(
        ["flagged_received", "received", "account_id"], ascending=[False, False, True]
    )
    clusters = _cluster_summary(frame, "official").rename(columns={"official": "account_id"})
    received = summary["received"]
    flagged_received = summary["flagged_received"]
    clusters["share_of_received"] = clusters["n_interactions"] / clusters["account_id"].map(
        received
    )
    clusters["share_of_flagged"] = clusters["n_interactions"] / clusters["account_id"].map(
        flagged_received
    )
    params = {
        "kind": kind,
        "fast_s": fast_s,
        "damping": damping,
        "seed": seed,
        "n_officials": len(ids),
        "n_unmatched": len(match.unmatched),
        "n_flagged": len(flagged_set),
        "n_flagged_in_graph": len(flagged_set & set(vertex_names(graph))),
        "n_vertices": graph.vcount(),
        "n_edges": graph.ecount(),
    }
    if centrality is not None:
        params["betweenness_method"] = centrality.betweenness_method
        params["betweenness_pivots"] = centrality.betweenness_pivots
        params["betweenness_exact_max_vertices"] = exact_max_vertices
    return AuditResult(
        officials=table.reset_index(drop=True),
        posts=_posts_table(frame, lookup, fast_s, with_clusters),
        clusters=clusters.reset_index(drop=True),
        unmatched=match.unmatched,
        params=params,
        centrality=centrality,
    )

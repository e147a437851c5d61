"""Directed, weighted interaction graphs (repost, quote, reply, mention, all).

An edge ``u -> v`` means *account u acted on account v*:

``repost`` / ``quote`` / ``reply``
    ``u`` reposted / quoted / replied to a post of ``v``. ``v`` is the event's
    ``target_account_id``; when that is missing it is looked up from
    ``target_event_id`` in the same events table.
``mention``
    ``u`` mentioned handle ``v`` in a post, quote or reply (mentions carried by
    a repost are the original author's words and are skipped). Handles are
    resolved to account ids through the accounts table (``account_name``)
    first, then through the handles authors use in the events table; a handle
    that cannot be resolved stays a node named ``@handle``.
``all``
    the union: per-kind counts are kept as edge attributes and summed into
    ``weight``.

Edge attributes: ``weight`` (float, number of interactions), ``n_repost``,
``n_quote``, ``n_reply``, ``n_mention`` (counts), ``first_ts`` and ``last_ts``
(UTC seconds). Self-loops (an account replying to its own thread) are dropped
unless asked for. Vertex attributes: ``name`` (account id, or ``@handle``),
``account_name``, ``display_name``, ``followers``, ``following`` (float, NaN
when unknown), ``official_role``, ``official_country`` (``""`` when not set),
``n_events`` (events authored in the input), ``resolved`` (False for an
unresolved ``@handle`` node) and ``label`` (the handle, else the id: what
Gephi shows). Vertices are numbered in sorted ``name`` order so
the same input gives the same graph. Every account that authored an event
(and every account of the accounts table) is a vertex, even without edges.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import igraph as ig
import numpy as np
import pandas as pd

from detector.schema import account_handles, encode, normalize_mention

if TYPE_CHECKING:  # networkx (about 0.3 s to import) is loaded only by to_networkx
    import networkx as nx

__all__ = [
    "GRAPH_KINDS",
    "INTERACTION_KINDS",
    "edge_table",
    "export_graph",
    "graph_from_rows",
    "handle_resolver",
    "interaction_graph",
    "interaction_rows",
    "to_networkx",
    "vertex_names",
    "write_edge_csv",
]

INTERACTION_KINDS: tuple[str, ...] = ("repost", "quote", "reply", "mention")
"""Kinds of interaction edge, in the order of the per-kind edge attributes."""

GRAPH_KINDS: tuple[str, ...] = (*INTERACTION_KINDS, "all")
"""Values accepted by ``kind``."""

_MENTION_SOURCE_KINDS = ("post", "quote", "reply")
_VERTEX_STRING_ATTRS = ("account_name", "display_name", "official_role", "official_country")
_VERTEX_NUMBER_ATTRS = ("followers", "following")
_ROW_COLUMNS = ("source", "target", "kind", "ts", "event_id", "target_event_id")


def _check_kind(kind: str) -> tuple[str, ...]:
    if kind not in GRAPH_KINDS:
        raise ValueError(f"kind must be one of {GRAPH_KINDS}, got {kind!r}")
    return INTERACTION_KINDS if kind == "all" else (kind,)


def vertex_names(graph: ig.Graph) -> list[str]:
    """Vertex ``name`` attributes in vertex order (``[]`` for a graph without vertices)."""
    return graph.vs["name"] if graph.vcount() else []


def handle_resolver(events: pd.DataFrame, accounts: pd.DataFrame | None = None) -> dict[str, str]:
    """Map normalised handles (case-folded, no ``@``) to account ids.

    The accounts table wins over the events table. Within the events table,
    when one handle was used by several account ids (a handle changing hands),
    the id that used it most recently (latest ``ts``, then largest id) wins,
    so the result is deterministic.

    Returns
    -------
    dict
        ``{handle: account_id}``.
    """
    resolved: dict[str, str] = {}
    named = events.loc[events["account_name"].notna(), ["account_name", "account_id", "ts"]]
    if len(named):
        # latest use of each (handle spelling, id) first: far fewer rows to normalise
        named = (
            named.groupby(["account_name", "account_id"], sort=False, observed=True)["ts"]
            .max()
            .reset_index()
        )
        spellings = named["account_name"].to_numpy(dtype=object)
        normalized = {n: normalize_mention(n) for n in pd.unique(spellings)}
        named["handle"] = [normalized[n] for n in spellings]
        named = named.sort_values(["handle", "ts", "account_id"]).drop_duplicates(
            "handle", keep="last"
        )
        resolved.update(zip(named["handle"], named["account_id"].astype(str), strict=True))
    if accounts is not None and len(accounts) and "account_name" in accounts.columns:
        acc = accounts.loc[accounts["account_name"].notna(), ["account_name", "account_id"]]
        acc = acc.assign(handle=[normalize_mention(h) for h in acc["account_name"]])
        acc = acc.sort_values(["handle", "account_id"]).drop_duplicates("handle", keep="first")
        resolved.update(zip(acc["handle"], acc["account_id"].astype(str), strict=True))
    return resolved


def _target_accounts(events: pd.DataFrame, rows: pd.DataFrame) -> pd.Series:
    """``target_account_id`` of ``rows``, filled from ``target_event_id`` where missing."""
    target = rows["target_account_id"].astype(object).where(rows["target_account_id"].notna(), None)
    missing = target.isna() & rows["target_event_id"].notna()
    if missing.any():
        lookup = events.drop_duplicates("event_id", keep="first")
        index = pd.Index(lookup["event_id"].astype(object))
        pos = index.get_indexer(rows.loc[missing, "target_event_id"].astype(object))
        authors = lookup["account_id"].astype(object).to_numpy()
        filled = np.where(pos >= 0, authors[np.maximum(pos, 0)], None)
        target.loc[missing] = filled
    return target


def interaction_rows(
    events: pd.DataFrame, accounts: pd.DataFrame | None = None, kind: str = "all"
) -> pd.DataFrame:
    """One row per interaction (before aggregation into edges).

    Parameters
    ----------
    events : DataFrame
        Canonical events table (:mod:`detector.schema`).
    accounts : DataFrame, optional
        Canonical accounts table, used to resolve mentioned handles.
    kind : {"repost", "quote", "reply", "mention", "all"}

    Returns
    -------
    DataFrame
        ``source`` (acting account id), ``target`` (account id or
        ``@handle``), ``kind``, ``ts`` (UTC seconds of the acting event),
        ``event_id`` (the acting event) and ``target_event_id`` (the post
        acted on; missing for mentions). Rows whose target is unknown are
        dropped. Self-interactions are kept here.
    """
    kinds = _check_kind(kind)
    parts: list[pd.DataFrame] = []
    direct = [k for k in kinds if k != "mention"]
    if direct:
        sel = events.loc[events["kind"].isin(direct)]
        if len(sel):
            target = _target_accounts(events, sel)
            part = pd.DataFrame(
                {
                    "source": sel["account_id"].astype(object).to_numpy(),
                    "target": target.to_numpy(),
                    "kind": sel["kind"].astype(object).to_numpy(),
                    "ts": sel["ts"].to_numpy(dtype=np.int64),
                    "event_id": sel["event_id"].astype(object).to_numpy(),
                    "target_event_id": sel["target_event_id"].astype(object).to_numpy(),
                }
            )
            parts.append(part.loc[part["target"].notna()])
    if "mention" in kinds:
        sel = events.loc[
            events["kind"].isin(_MENTION_SOURCE_KINDS), ["account_id", "ts", "event_id", "mentions"]
        ]
        lengths = np.fromiter((len(m) for m in sel["mentions"]), dtype=np.int64, count=len(sel))
        if lengths.sum():
            handles = np.fromiter(
                (h for m in sel["mentions"] for h in m), dtype=object, count=int(lengths.sum())
            )
            resolver = handle_resolver(events, accounts)
            uniq, inverse = np.unique(handles.astype(str), return_inverse=True)
            canonical = [normalize_mention(h) for h in uniq]  # no-op on validated tables
            mapped = np.array([resolver.get(h, "@" + h) for h in canonical], dtype=object)
            parts.append(
                pd.DataFrame(
                    {
                        "source": np.repeat(sel["account_id"].astype(object).to_numpy(), lengths),
                        "target": mapped[inverse],
                        "kind": "mention",
                        "ts": np.repeat(sel["ts"].to_numpy(dtype=np.int64), lengths),
                        "event_id": np.repeat(sel["event_id"].astype(object).to_numpy(), lengths),
                        "target_event_id": None,
                    }
                )
            )
    if not parts:
        return pd.DataFrame(
            {c: pd.Series([], dtype=np.int64 if c == "ts" else object) for c in _ROW_COLUMNS}
        )
    rows = pd.concat(parts, ignore_index=True)
    rows["target"] = rows["target"].astype(str)
    rows["source"] = rows["source"].astype(str)
    return rows


def _vertex_codes(
    events: pd.DataFrame, rows: pd.DataFrame, accounts: pd.DataFrame | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Dense vertex codes (sorted by name) for every account seen; returns (src, dst, names)."""
    m = len(rows)
    ids = [
        rows["source"].to_numpy(),
        rows["target"].to_numpy(),
        events["account_id"].astype(str).to_numpy(),
    ]
    if accounts is not None and len(accounts):
        ids.append(accounts["account_id"].astype(str).to_numpy())
    codes, names = encode(np.concatenate(ids).astype(object))
    return codes[:m].astype(np.int64), codes[m : 2 * m].astype(np.int64), names.astype(str)


def _vertex_attributes(
    names: np.ndarray, events: pd.DataFrame, accounts: pd.DataFrame | None
) -> dict[str, list]:
    """Per-vertex attributes aligned to ``names`` (see module docstring)."""
    index = pd.Index(names)
    n = len(names)
    attrs: dict[str, list] = {}
    strings = {c: np.full(n, "", dtype=object) for c in _VERTEX_STRING_ATTRS}
    numbers = {c: np.full(n, np.nan) for c in _VERTEX_NUMBER_ATTRS}
    handles = account_handles(events, accounts)  # the one handle rule
    pos = index.get_indexer(handles.index)
    strings["account_name"][pos[pos >= 0]] = handles.to_numpy(dtype=object)[pos >= 0]
    if accounts is not None and len(accounts):
        pos = index.get_indexer(accounts["account_id"].astype(str))
        ok = pos >= 0
        for column in _VERTEX_STRING_ATTRS:
            if column != "account_name" and column in accounts.columns:
                values = accounts[column]
                have = ok & values.notna().to_numpy()
                strings[column][pos[have]] = values.astype(str).to_numpy()[have]
        for column in _VERTEX_NUMBER_ATTRS:
            if column in accounts.columns:
                values = pd.to_numeric(accounts[column], errors="coerce").astype(float).to_numpy()
                have = ok & ~np.isnan(values)
                numbers[column][pos[have]] = values[have]
    counts = events["account_id"].astype(str).value_counts()
    n_events = np.zeros(n, dtype=np.int64)
    pos = index.get_indexer(counts.index)
    n_events[pos[pos >= 0]] = counts.to_numpy()[pos >= 0]
    unresolved = np.char.startswith(names.astype(str), "@")
    for column in _VERTEX_STRING_ATTRS:
        attrs[column] = strings[column].tolist()
    for column in _VERTEX_NUMBER_ATTRS:
        attrs[column] = numbers[column].tolist()
    attrs["n_events"] = n_events.tolist()
    attrs["resolved"] = (~unresolved).tolist()
    # an unresolved @handle node shows its handle as account_name
    for i in np.flatnonzero(unresolved):
        attrs["account_name"][i] = names[i][1:]
    # what Gephi shows on a node: the handle when known, else the id
    attrs["label"] = [h or str(v) for h, v in zip(attrs["account_name"], names, strict=True)]
    return attrs


def graph_from_rows(
    rows: pd.DataFrame,
    events: pd.DataFrame,
    accounts: pd.DataFrame | None = None,
    *,
    self_loops: bool = False,
    kind: str = "all",
) -> ig.Graph:
    """Aggregate :func:`interaction_rows` output into a directed weighted igraph graph.

    See :func:`interaction_graph` for the parameters; ``rows`` must come from
    :func:`interaction_rows` on the same ``events``.
    """
    if not self_loops and len(rows):
        rows = rows.loc[rows["source"].to_numpy() != rows["target"].to_numpy()]
    src, dst, names = _vertex_codes(events, rows, accounts)
    n = len(names)
    key = src * max(n, 1) + dst
    kind_code = pd.Categorical(rows["kind"], categories=INTERACTION_KINDS).codes.astype(np.int64)
    ukey, inverse = np.unique(key, return_inverse=True)
    n_edges = len(ukey)
    per_kind = np.zeros((n_edges, len(INTERACTION_KINDS)), dtype=np.int64)
    np.add.at(per_kind, (inverse, kind_code), 1)
    ts = rows["ts"].to_numpy(dtype=np.int64)
    first = np.full(n_edges, np.iinfo(np.int64).max)
    last = np.full(n_edges, np.iinfo(np.int64).min)
    np.minimum.at(first, inverse, ts)
    np.maximum.at(last, inverse, ts)
    edges = np.column_stack([ukey // max(n, 1), ukey % max(n, 1)])
    graph = ig.Graph(n=n, edges=edges.tolist(), directed=True)
    graph["kind"] = kind
    graph.vs["name"] = names.tolist()
    for column, values in _vertex_attributes(names, events, accounts).items():
        graph.vs[column] = values
    graph.es["weight"] = per_kind.sum(axis=1).astype(float).tolist()
    for j, k in enumerate(INTERACTION_KINDS):
        graph.es[f"n_{k}"] = per_kind[:, j].tolist()
    graph.es["first_ts"] = first.tolist()
    graph.es["last_ts"] = last.tolist()
    return graph


def interaction_graph(
    events: pd.DataFrame,
    accounts: pd.DataFrame | None = None,
    kind: str = "all",
    *,
    self_loops: bool = False,
) -> ig.Graph:
    """Directed weighted interaction graph (``u -> v``: ``u`` acted on ``v``).

    Parameters
    ----------
    events : DataFrame
        Canonical events table.
    accounts : DataFrame, optional
        Canonical accounts table: vertex attributes and handle resolution.
    kind : {"repost", "quote", "reply", "mention", "all"}
        Which interactions make edges; ``all`` is their union.
    self_loops : bool, default False
        Keep ``u -> u`` edges (self-replies, self-mentions).

    Returns
    -------
    igraph.Graph
        Simple directed graph; vertex attribute ``name`` is the account id.
        Attributes are described in the module docstring; the graph
        attribute ``kind`` records ``kind``.
    """
    rows = interaction_rows(events, accounts, kind)
    return graph_from_rows(rows, events, accounts, self_loops=self_loops, kind=kind)


def edge_table(graph: ig.Graph) -> pd.DataFrame:
    """Edges of ``graph`` as a table sorted by (source, target).

    Columns: ``source``, ``target`` (vertex names), ``weight``, ``n_repost``,
    ``n_quote``, ``n_reply``, ``n_mention``, ``first_ts``, ``last_ts``.
    """
    names = np.asarray(vertex_names(graph), dtype=object)
    pairs = np.asarray(graph.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    table = pd.DataFrame({"source": names[pairs[:, 0]], "target": names[pairs[:, 1]]})
    for attr in graph.es.attributes():
        table[attr] = graph.es[attr]
    return table.sort_values(["source", "target"], kind="stable").reset_index(drop=True)


def write_edge_csv(graph: ig.Graph, path: str | os.PathLike[str]) -> None:
    """Write :func:`edge_table` as CSV (atomic, formula-safe)."""
    from detector.report.csvsafe import write_csv

    write_csv(edge_table(graph), path)


def to_networkx(graph: ig.Graph) -> nx.DiGraph:
    """Convert to a :class:`networkx.DiGraph` keyed by vertex ``name`` with all attributes.

    Nodes are added in vertex order and edges in edge order, so the result is
    deterministic.
    """
    import networkx as nx

    out = nx.DiGraph() if graph.is_directed() else nx.Graph()
    out.graph.update({a: graph[a] for a in graph.attributes()})
    vattrs = graph.vs.attributes()
    names = vertex_names(graph)
    columns = {a: graph.vs[a] for a in vattrs if a != "name"}
    out.add_nodes_from(
        (names[i], {a: v[i] for a, v in columns.items()}) for i in range(graph.vcount())
    )
    eattrs = {a: graph.es[a] for a in graph.es.attributes()}
    out.add_edges_from(
        (names[s], names[t], {a: v[j] for a, v in eattrs.items()})
        for j, (s, t) in enumerate(graph.get_edgelist())
    )
    return out


_EXTENSIONS: Mapping[str, str] = {".graphml": "graphml", ".gexf": "gexf", ".csv": "csv"}


def export_graph(graph: ig.Graph, path: str | os.PathLike[str], fmt: str | None = None) -> str:
    """Write ``graph`` to ``path`` as GraphML, GEXF or edge-list CSV (atomic).

    Parameters
    ----------
    fmt : {"graphml", "gexf", "csv"}, optional
        Taken from the file extension when omitted.

    Returns
    -------
    str
        The format written.
    """
    if fmt is None:
        fmt = _EXTENSIONS.get(Path(path).suffix.lower())
        if fmt is None:
            raise ValueError(
                f"cannot tell the graph format from {str(path)!r}: use .graphml, .gexf or .csv"
            )
    if fmt == "csv":
        write_edge_csv(graph, path)
    elif fmt in ("graphml", "gexf"):
        from detector.report.graph_export import write_graph

        write_graph(graph, path, fmt=fmt)
    else:
        raise ValueError(f"unknown graph format {fmt!r}: use graphml, gexf or csv")
    return fmt

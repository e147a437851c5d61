"""Coordination network of accounts: graph, Leiden communities, per-cluster table.

Input is an edge layer (or the combination of several): ``account_a``,
``account_b``, a weight column and any evidence columns.

Communities
-----------
Leiden (``leidenalg``) on the weighted, undirected account graph, optimising
**modularity** by default. Modularity compares each cluster's internal weight
with what the weighted degrees predict, so it needs no parameter in the units
of the weights (which differ between evidence layers: pair counts,
correlations...). ``method="cpm"`` (Constant Potts Model) is available for
users who want a resolution threshold in weight units: a cluster then needs an
internal edge density above ``resolution``; it avoids modularity's resolution
limit on very large graphs.

Determinism: vertices are numbered in sorted account-id order, edges are
added in sorted order, Leiden runs with a fixed ``seed`` for a fixed number
of iterations (``n_iterations``, default 2), and clusters are renumbered by size
(descending), then by their smallest account id: cluster 0 is the largest.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import igraph as ig
import numpy as np
import pandas as pd

from detector.schema import encode_many

__all__ = [
    "LEIDEN_CHILD_MIN_EDGES",
    "PendingCommunities",
    "account_graph",
    "cluster_table",
    "communities",
    "leiden_membership",
    "start_communities",
]


def _endpoint_codes(edges: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Endpoints as int32 codes of the sorted account ids, and the edges' row order by codes."""
    (a, b), names = encode_many([edges["account_a"].astype(str), edges["account_b"].astype(str)])
    order = np.lexsort((b, a))
    return np.column_stack([a[order], b[order]]), order, names


def _graph(pairs: np.ndarray, names: np.ndarray) -> ig.Graph:
    graph = ig.Graph(n=len(names), edges=pairs.tolist())
    graph.vs["name"] = [str(n) for n in names]
    return graph


def account_graph(edges: pd.DataFrame, weight: str = "weight") -> ig.Graph:
    """Undirected igraph graph of accounts from an edge layer.

    Vertices are the accounts of ``edges`` in sorted id order (attribute
    ``name``; ids become codes with :func:`detector.schema.encode`); edges
    are added in sorted (account_a, account_b) order. Every column of
    ``edges`` other than the two endpoints becomes an edge attribute, and
    ``weight`` is always present (float).
    """
    pairs, order, names = _endpoint_codes(edges)
    graph = _graph(pairs, names)
    for column in edges.columns:
        if column in ("account_a", "account_b"):
            continue
        graph.es[column] = edges[column].iloc[order].tolist()
    if len(edges):
        graph.es["weight"] = edges[weight].to_numpy(dtype=float)[order].tolist()
    return graph


def _renumber(names: list[str], membership: list[int]) -> pd.Series:
    frame = pd.DataFrame({"account_id": names, "raw": membership})
    stats = frame.groupby("raw").agg(size=("account_id", "size"), first=("account_id", "min"))
    stats = stats.sort_values(["size", "first"], ascending=[False, True], kind="mergesort")
    new_id = pd.Series(np.arange(len(stats), dtype=np.int64), index=stats.index)
    out = pd.Series(new_id[frame["raw"]].to_numpy(), index=pd.Index(names, name="account_id"), name="cluster_id")
    return out.sort_index(kind="mergesort")


LEIDEN_CHILD_MIN_EDGES = 200_000
"""Graphs with at least this many edges are clustered in a child process by
:func:`start_communities`, so the scan can do other work on its second core meanwhile
(leidenalg holds the GIL for the whole run, so a thread would not help). Below it the start
of a process (about a second: Python, igraph and leidenalg imported afresh) costs more than
it saves; the 1M-event benchmark's main graph has millions of edges."""


def _partition_type(method: str):
    import leidenalg

    if method == "modularity":
        return leidenalg.RBConfigurationVertexPartition
    if method == "cpm":
        return leidenalg.CPMVertexPartition
    raise ValueError(f"method must be 'modularity' or 'cpm', got {method!r}")


def leiden_membership(
    pairs: np.ndarray, n_vertices: int, weights: np.ndarray, seed: int, method: str, resolution: float, n_iterations: int
) -> list[int]:
    """Leiden's raw membership per vertex of the graph on ``pairs`` (int codes, sorted rows).

    Arrays in, a list out: the same call in this process or a child process gives the same
    membership (the graph, its edge order and the seed are all in the arguments).
    """
    import leidenalg

    graph = ig.Graph(n=int(n_vertices), edges=np.asarray(pairs).tolist())
    part = leidenalg.find_partition(
        graph,
        _partition_type(method),
        weights=np.asarray(weights, dtype=float).tolist(),
        resolution_parameter=resolution,
        seed=seed,
        n_iterations=n_iterations,
    )
    return list(part.membership)


class PendingCommunities:
    """Leiden communities being computed (in a child process for a large graph); :meth:`result` waits."""

    def __init__(self, names: np.ndarray, membership: list[int] | None = None, child: _LeidenChild | None = None) -> None:
        self._names, self._membership, self._child = names, membership, child

    @property
    def in_child(self) -> bool:
        """Whether Leiden runs (or ran) in a child process."""
        return self._child is not None

    def result(self) -> pd.Series:
        """``account_id -> cluster_id`` as :func:`communities` returns it."""
        if self._child is not None and self._membership is None:
            self._membership = self._child.result()
        if self._membership is None:
            return pd.Series([], dtype="int64", index=pd.Index([], name="account_id"), name="cluster_id")
        return _renumber([str(n) for n in self._names], self._membership)


class _LeidenChild:
    """:func:`leiden_membership` in ``python -m detector.scoring.network DIR``
    (:mod:`detector.childproc`): the arguments and the result go through ``.npy`` files in a
    temporary directory. If the child fails, the same call runs here (same result)."""

    def __init__(self, args: tuple) -> None:
        import tempfile

        from detector.childproc import start_module

        self._args = args
        self._dir = tempfile.TemporaryDirectory(prefix="detector-leiden-")
        pairs, n_vertices, weights, seed, method, resolution, n_iterations = args
        d = Path(self._dir.name)
        np.save(d / "pairs.npy", np.ascontiguousarray(pairs, dtype=np.int64))
        np.save(d / "weights.npy", np.asarray(weights, dtype=np.float64))
        (d / "args.json").write_text(json.dumps({"n_vertices": int(n_vertices), "seed": int(seed), "method": method,
                                                 "resolution": float(resolution), "n_iterations": int(n_iterations)}))
        self._proc = start_module("detector.scoring.network", d)

    def result(self) -> list[int]:
        """The child's membership (or this process's, when the child failed)."""
        from detector.childproc import child_succeeded

        try:
            out = Path(self._dir.name) / "membership.npy"
            if child_succeeded(self._proc, out):
                return np.load(out).tolist()
            return leiden_membership(*self._args)
        finally:
            self._dir.cleanup()


def _child_main(directory: str) -> None:
    """Entry point of the child process (see :class:`_LeidenChild`)."""
    d = Path(directory)
    opts = json.loads((d / "args.json").read_text())
    membership = leiden_membership(np.load(d / "pairs.npy"), opts["n_vertices"], np.load(d / "weights.npy"),
                                   opts["seed"], opts["method"], opts["resolution"], opts["n_iterations"])
    np.save(d / "membership.tmp.npy", np.asarray(membership, dtype=np.int64))
    (d / "membership.tmp.npy").rename(d / "membership.npy")


def start_communities(
    edges: pd.DataFrame,
    weight: str = "weight",
    seed: int = 0,
    method: str = "modularity",
    resolution: float = 1.0,
    n_iterations: int = 2,
    *,
    child_min_edges: int | None = None,
) -> PendingCommunities:
    """Start :func:`communities` and return at once when the graph has ``child_min_edges`` or more
    edges (default :data:`LEIDEN_CHILD_MIN_EDGES`; Leiden runs in a child process); smaller
    graphs are clustered here, before returning.

    Same result either way (``tests/test_network.py``).
    """
    if edges.empty:
        return PendingCommunities(np.array([], dtype=object))
    _partition_type(method)  # a wrong method fails here, not in the child
    pairs, order, names = _endpoint_codes(edges)
    weights = edges[weight].to_numpy(dtype=float)[order]
    args = (pairs, len(names), weights, seed, method, resolution, n_iterations)
    if len(edges) < (LEIDEN_CHILD_MIN_EDGES if child_min_edges is None else child_min_edges):
        return PendingCommunities(names, leiden_membership(*args))
    return PendingCommunities(names, child=_LeidenChild(args))


def communities(
    edges: pd.DataFrame,
    weight: str = "weight",
    seed: int = 0,
    method: str = "modularity",
    resolution: float = 1.0,
    n_iterations: int = 2,
) -> pd.Series:
    """Leiden communities of the account network.

    Parameters
    ----------
    edges : DataFrame
        Edge layer (``account_a``, ``account_b``, ``weight`` column).
    weight : str, default "weight"
        Column with edge weights (> 0).
    seed : int, default 0
        Seed of Leiden's random choices (same input + seed -> same output).
    method : {"modularity", "cpm"}
        Quality function (see module docstring).
    resolution : float, default 1.0
        Resolution for CPM (internal density threshold in weight units); for
        modularity, the usual resolution parameter (1 = classic modularity).
    n_iterations : int, default 2
        Leiden iterations (leidenalg's default); negative: until an iteration
        no longer improves the partition. Measured on the 1M-event benchmark's
        leftover co-action graph (214k edges): 2 iterations 1.5 s, until stable
        20.6 s for 0.4 % more modularity; on the generator's quality datasets
        the clusters are the same.

    Returns
    -------
    Series
        ``account_id -> cluster_id`` (int64), index sorted by account id;
        cluster 0 is the largest, ties broken by smallest account id.
    """
    return start_communities(
        edges, weight, seed, method, resolution, n_iterations, child_min_edges=np.iinfo(np.int64).max
    ).result()


def _object_list(value: object) -> list[str]:
    """Objects of one edge: a list, or ids joined with ``|`` (co-action edges); missing -> []."""
    if isinstance(value, str):
        return [v for v in value.split("|") if v]
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return []


def _top(counter: Counter, k: int) -> list[str]:
    items = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
    return [f"{key} ({count})" for key, count in items]


def cluster_table(
    edges: pd.DataFrame,
    membership: pd.Series,
    shares: pd.DataFrame | None = None,
    weight: str = "weight",
    top_k: int = 5,
    evidence: str | None = None,
) -> pd.DataFrame:
    """One row per cluster, describing what ties it together.

    Parameters
    ----------
    edges : DataFrame
        Edge layer the clusters were found on. Optional evidence columns used
        when present: ``median_gap_s`` (seconds), ``objects`` (list of shared
        object ids per edge, or ``|``-joined ids), ``layers`` (``|``-joined evidence types, as
        produced by :func:`detector.scoring.combine.combine_layers`).
    membership : Series
        ``account_id -> cluster_id`` (from :func:`communities`).
    shares : DataFrame, optional
        Share table (``object_id, account_id``...): when given, top objects are
        those shared by the most members of the cluster.
    weight : str
        Weight column.
    top_k : int
        Number of top objects listed.
    evidence : str, optional
        Evidence type to report when ``edges`` has no ``layers`` column (for
        example ``"coaction:repost"``).

    Returns
    -------
    DataFrame
        ``cluster_id, size, n_edges, density, total_weight, median_weight,
        median_gap_s, top_objects, evidence_types, members`` sorted by
        ``cluster_id``. ``density`` is internal edges / possible pairs;
        ``median_gap_s`` is the median over internal edges of their median gap
        (seconds, NaN when unknown); ``top_objects`` items read ``"id (count)"``.
    """
    columns = ["cluster_id", "size", "n_edges", "density", "total_weight", "median_weight",
               "median_gap_s", "top_objects", "evidence_types", "members"]
    if membership.empty:
        return pd.DataFrame({c: [] for c in columns})
    member_of = membership.astype("int64")
    ca = edges["account_a"].astype(str).map(member_of)
    cb = edges["account_b"].astype(str).map(member_of)
    internal = edges[(ca == cb) & ca.notna()].assign(cluster_id=ca[(ca == cb) & ca.notna()].astype("int64"))
    share_groups = None
    if shares is not None and len(shares):
        s = shares[["object_id", "account_id"]].astype(str).drop_duplicates()
        s = s.assign(cluster_id=s["account_id"].map(member_of)).dropna(subset=["cluster_id"])
        share_groups = {int(k): g for k, g in s.groupby("cluster_id")}
    rows = []
    groups = {int(k): g for k, g in internal.groupby("cluster_id")}
    for cid, members in member_of.groupby(member_of):
        cid = int(cid)
        names = sorted(members.index.astype(str))
        n = len(names)
        e = groups.get(cid, internal.iloc[0:0])
        w = e[weight].astype(float) if len(e) else pd.Series([], dtype=float)
        if share_groups is not None:
            g = share_groups.get(cid)
            counter = Counter(g["object_id"].tolist()) if g is not None else Counter()
        elif "objects" in e.columns:
            counter = Counter(o for objs in e["objects"] for o in _object_list(objs))
        else:
            counter = Counter()
        if "layers" in e.columns:
            types = sorted({t for v in e["layers"].dropna() for t in str(v).split("|") if t})
        else:
            types = [evidence] if evidence and len(e) else []
        n_links = int((e["account_a"].astype(str) != e["account_b"].astype(str)).sum()) if len(e) else 0
        gaps = e["median_gap_s"].astype(float) if "median_gap_s" in e.columns else pd.Series([], dtype=float)
        rows.append({
            "cluster_id": cid,
            "size": n,
            "n_edges": len(e),
            "density": (2.0 * n_links / (n * (n - 1))) if n > 1 else 0.0,
            "total_weight": float(w.sum()),
            "median_weight": float(w.median()) if len(w) else float("nan"),
            "median_gap_s": float(gaps.median()) if len(gaps) else float("nan"),
            "top_objects": _top(counter, top_k),
            "evidence_types": types,
            "members": names,
        })
    return pd.DataFrame(rows, columns=columns).sort_values("cluster_id", kind="mergesort").reset_index(drop=True)


if __name__ == "__main__":  # the child process of start_communities
    import sys

    _child_main(sys.argv[1])

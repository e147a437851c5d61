"""Centrality of accounts in an interaction graph, with ranks and percentiles.

Measures (all on the directed weighted graph of :mod:`detector.evidence.graphs`,
``u -> v`` = ``u`` acted on ``v``, ``weight`` = number of interactions):

``in_degree`` / ``in_strength`` / ``out_strength``
    distinct accounts acting on it / interactions received / made.
``pagerank``
    weighted PageRank (damping 0.85; dangling mass spread uniformly; sums to 1).
``eigenvector``
    eigenvector centrality of the undirected projection (weights of both
    directions summed), scaled so the maximum is 1. Meaningful within the
    largest connected component only.
``hub`` / ``authority``
    Kleinberg's HITS scores on the directed weighted graph, scaled to max 1.
``betweenness``
    raw (unnormalised) betweenness over directed *unweighted* shortest paths
    (ordered pairs). Exact (Brandes) when the graph has at most
    ``exact_max_vertices`` vertices (default 5,000) and vertices x edges is
    at most :data:`BETWEENNESS_EXACT_MAX_WORK` (1e9, a few seconds); above
    that it is **sampled** (unless ``pivots >= n``): Brandes
    accumulation from ``pivots`` source vertices drawn uniformly without
    replacement with a fixed seed, scaled by ``n / pivots`` (an unbiased
    estimate; Brandes & Pich 2007). The method used is reported.
``coreness``
    k-core number using total (in + out) degree, as :func:`networkx.core_number`.

For each measure ``m`` the table also has ``m_rank`` (1 = highest; ties share
the best rank) and ``m_pct``: the percentage of all vertices with a strictly
lower value (0 = bottom, near 100 = top).
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import igraph as ig
import numpy as np
import pandas as pd

from detector.evidence.graphs import vertex_names

__all__ = [
    "BETWEENNESS_EXACT_MAX_VERTICES",
    "BETWEENNESS_EXACT_MAX_WORK",
    "BETWEENNESS_PIVOTS",
    "CentralityResult",
    "RANKED_MEASURES",
    "betweenness",
    "centrality_scores",
    "official_centrality",
    "pagerank",
    "rank_and_percentile",
]

BETWEENNESS_EXACT_MAX_VERTICES = 5_000
"""Exact betweenness up to this many vertices (cost grows as vertices x edges)."""

BETWEENNESS_EXACT_MAX_WORK = 1_000_000_000
"""... and only while vertices x edges stays below this (a few seconds of work)."""

BETWEENNESS_PIVOTS = 256
"""Source vertices sampled for betweenness on larger graphs."""

RANKED_MEASURES: tuple[str, ...] = (
    "in_strength",
    "pagerank",
    "eigenvector",
    "authority",
    "hub",
    "betweenness",
    "coreness",
)
"""Measures that get a ``_rank`` and ``_pct`` column."""


@dataclass(frozen=True)
class CentralityResult:
    """Output of :func:`official_centrality`.

    Attributes
    ----------
    table : DataFrame
        One row per requested account (sorted by ``account_id``): ``account_id``,
        ``account_name``, the measures and their ``_rank`` / ``_pct`` columns.
    betweenness_method : str
        ``"exact"`` or ``"sampled"``.
    betweenness_pivots : int
        Source vertices used (all vertices when exact).
    n_vertices, n_edges : int
        Size of the graph the ranks are taken in.
    params : dict
        Everything that changes the result (damping, limits, seed).
    """

    table: pd.DataFrame
    betweenness_method: str
    betweenness_pivots: int
    n_vertices: int
    n_edges: int
    params: dict[str, Any] = field(default_factory=dict)


def _weights(graph: ig.Graph) -> str | None:
    return "weight" if "weight" in graph.es.attributes() else None


def _one_openmp_thread() -> contextlib.AbstractContextManager:
    """Run igraph's OpenMP code (PRPACK) on one thread.

    PageRank of a million-edge graph takes well under a second on one thread;
    more threads only risk OpenMP busy-waiting when the cores are shared
    (measured: 1.2 s instead of 0.04 s on a loaded 2-core machine). The limit
    is lifted when the block ends.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="openmp")


def pagerank(graph: ig.Graph, damping: float = 0.85) -> np.ndarray:
    """Weighted directed PageRank of every vertex (PRPACK, one thread), summing to 1."""
    if graph.vcount() == 0:
        return np.zeros(0)
    with _one_openmp_thread():
        values = graph.pagerank(directed=True, damping=damping, weights=_weights(graph))
    return np.asarray(values, dtype=float)


def betweenness(
    graph: ig.Graph,
    *,
    exact_max_vertices: int = BETWEENNESS_EXACT_MAX_VERTICES,
    pivots: int = BETWEENNESS_PIVOTS,
    seed: int = 0,
) -> tuple[np.ndarray, str, int]:
    """Directed unweighted betweenness, exact or sampled (see module docstring).

    Returns
    -------
    values : ndarray of float
        Raw betweenness per vertex (ordered pairs; sampled values scaled by
        ``n / pivots``).
    method : str
        ``"exact"`` or ``"sampled"``.
    used : int
        Number of source vertices used.
    """
    n = graph.vcount()
    if n == 0 or graph.ecount() == 0:
        return np.zeros(n), "exact", n
    small = n <= exact_max_vertices and n * graph.ecount() <= BETWEENNESS_EXACT_MAX_WORK
    if small or pivots >= n:
        return np.asarray(graph.betweenness(directed=True), dtype=float), "exact", n
    rng = np.random.default_rng(seed)
    sources = np.sort(rng.choice(n, size=pivots, replace=False))
    values = np.asarray(graph.betweenness(directed=True, sources=sources.tolist()), dtype=float)
    return values * (n / pivots), "sampled", int(pivots)


def _scaled_max(values: Iterable[float]) -> np.ndarray:
    arr = np.abs(np.asarray(list(values), dtype=float))
    top = arr.max() if arr.size else 0.0
    return arr / top if top > 0 else arr


def centrality_scores(
    graph: ig.Graph,
    *,
    damping: float = 0.85,
    exact_max_vertices: int = BETWEENNESS_EXACT_MAX_VERTICES,
    pivots: int = BETWEENNESS_PIVOTS,
    seed: int = 0,
    pagerank_values: np.ndarray | None = None,
) -> tuple[pd.DataFrame, str, int]:
    """All measures for every vertex, in vertex order, plus ranks and percentiles.

    ``pagerank_values``, when given, is :func:`pagerank` of ``graph`` with
    the same ``damping`` computed elsewhere (saves recomputing it).

    Returns
    -------
    table : DataFrame
        ``account_id`` (vertex name), ``account_name`` and the measures.
    method, used : str, int
        Betweenness method and number of source vertices (see :func:`betweenness`).
    """
    n = graph.vcount()
    weights = _weights(graph)
    table = pd.DataFrame(
        {
            "account_id": vertex_names(graph),
            "account_name": graph.vs["account_name"]
            if n and "account_name" in graph.vs.attributes()
            else [""] * n,
        }
    )
    table["in_degree"] = np.asarray(graph.degree(mode="in", loops=False), dtype=np.int64)
    table["in_strength"] = np.asarray(graph.strength(mode="in", weights=weights), dtype=float)
    table["out_strength"] = np.asarray(graph.strength(mode="out", weights=weights), dtype=float)
    table["pagerank"] = pagerank(graph, damping) if pagerank_values is None else pagerank_values
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # igraph warns on disconnected graphs
        if graph.ecount():
            undirected = graph.as_undirected(
                mode="collapse", combine_edges={"weight": "sum"} if weights else None
            )
            table["eigenvector"] = _scaled_max(undirected.eigenvector_centrality(weights=weights))
            table["hub"] = _scaled_max(graph.hub_score(weights=weights))
            table["authority"] = _scaled_max(graph.authority_score(weights=weights))
        else:
            for column in ("eigenvector", "hub", "authority"):
                table[column] = np.zeros(n)
    values, method, used = betweenness(
        graph, exact_max_vertices=exact_max_vertices, pivots=pivots, seed=seed
    )
    table["betweenness"] = values
    table["coreness"] = (
        np.asarray(graph.coreness(mode="all"), dtype=np.int64) if n else np.zeros(0, np.int64)
    )
    for measure in RANKED_MEASURES:
        rank, pct = rank_and_percentile(table[measure].to_numpy(dtype=float))
        table[f"{measure}_rank"] = rank
        table[f"{measure}_pct"] = pct
    return table, method, used


def rank_and_percentile(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rank (1 = highest, ties share the best rank) and percentage of values strictly lower."""
    values = np.asarray(values, dtype=float)
    n = len(values)
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(0)
    ordered = np.sort(values)
    above = n - np.searchsorted(ordered, values, side="right")
    below = np.searchsorted(ordered, values, side="left")
    return (above + 1).astype(np.int64), 100.0 * below / n


def _official_ids(officials: Iterable[str] | pd.DataFrame | None) -> list[str]:
    if officials is None:
        return []
    if isinstance(officials, pd.DataFrame):
        return sorted(set(officials["account_id"].astype(str)))
    return sorted({str(a) for a in officials})


def official_centrality(
    graph: ig.Graph,
    officials: Iterable[str] | pd.DataFrame | None = None,
    *,
    all_accounts: bool = False,
    damping: float = 0.85,
    exact_max_vertices: int = BETWEENNESS_EXACT_MAX_VERTICES,
    pivots: int = BETWEENNESS_PIVOTS,
    seed: int = 0,
    pagerank_values: np.ndarray | None = None,
) -> CentralityResult:
    """Centrality of official accounts (or of all accounts) with ranks among all accounts.

    Parameters
    ----------
    graph : igraph.Graph
        From :func:`detector.evidence.graphs.interaction_graph`.
    officials : iterable of account ids, or DataFrame with ``account_id``
        Accounts to report (a matched registry, see
        :func:`detector.officials.match_registry`). Ids not in the graph are
        left out.
    all_accounts : bool, default False
        Report every vertex instead.
    damping : float
        PageRank damping factor.
    exact_max_vertices, pivots, seed : int
        Betweenness: exact up to this many vertices, else sampled from
        ``pivots`` random sources drawn with ``seed``.
    pagerank_values : ndarray, optional
        Precomputed :func:`pagerank` of ``graph`` (same ``damping``).

    Returns
    -------
    CentralityResult
    """
    table, method, used = centrality_scores(
        graph,
        damping=damping,
        exact_max_vertices=exact_max_vertices,
        pivots=pivots,
        seed=seed,
        pagerank_values=pagerank_values,
    )
    if not all_accounts:
        table = table.loc[table["account_id"].isin(_official_ids(officials))]
    table = table.sort_values("account_id").reset_index(drop=True)
    params = {
        "damping": damping,
        "betweenness_exact_max_vertices": exact_max_vertices,
        "betweenness_exact_max_work": BETWEENNESS_EXACT_MAX_WORK,
        "betweenness_pivots": pivots,
        "seed": seed,
        "betweenness_weighted": False,
    }
    return CentralityResult(
        table=table,
        betweenness_method=method,
        betweenness_pivots=used,
        n_vertices=graph.vcount(),
        n_edges=graph.ecount(),
        params=params,
    )

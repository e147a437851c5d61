"""The files of a scan: report.json, accounts.csv, account_stats.csv, clusters.csv, edges.csv,
network.gexf, network.graphml, report.html.

:func:`write_outputs` writes each file atomically into one directory.
``edges.csv``, ``network.gexf`` and ``network.graphml`` hold one edge set,
:func:`network_edges`: the pairs with repeated evidence (those that shape
clusters) plus every edge touching a flagged account or a reported cluster
(so a campaign whose members acted together once each is drawn too). The two
graph files hold at most :data:`detector.thresholds.GEXF_MAX_EDGES` of them,
the strongest (``report.json`` says so in ``methods.notes`` when that cut
applies; edges.csv keeps them all). Graph files are dated by the latest event
(:func:`detector.report.graph_export.data_date`), never by the clock.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from detector import thresholds as th
from detector.report import json_report as jr
from detector.report.focus import account_names

if TYPE_CHECKING:
    from detector.params import ScanResult

__all__ = ["EDGE_OBJECTS_SAMPLE", "OUTPUT_FILES", "edge_objects", "gexf_edges", "network_edges", "write_outputs"]

OUTPUT_FILES: tuple[str, ...] = (
    "report.json",
    "accounts.csv",
    "account_stats.csv",
    "clusters.csv",
    "edges.csv",
    "network.gexf",
    "network.graphml",
    "report.html",
)

EDGE_OBJECTS_SAMPLE = 5
"""Shared objects listed per edge in edges.csv (``shared_objects``; ``n_shared_objects`` counts them all)."""


def write_outputs(
    result: ScanResult, outdir: str | os.PathLike[str], *, html: bool = True, pseudonymize_key: str | None = None
) -> dict[str, str]:
    """Write the scan's files into ``outdir`` (each atomically); return ``{name: path}``."""
    from detector.report.account_stats import account_stats
    from detector.report.csvsafe import write_csv

    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, str] = {}
    names = account_names(result.events, result.accounts)
    acc = result.scored.copy()
    acc.insert(1, "account_name", acc["account_id"].map(lambda a: names.get(a, a)))
    acc["reasons"] = acc["reasons"].map(lambda r: "; ".join(r))
    write_csv(acc, out / "accounts.csv")
    written["accounts.csv"] = str(out / "accounts.csv")
    windows = {k: v.get("window_s") for k, v in result.report.get("parameters", {}).get("coaction_layers", {}).items()}
    write_csv(account_stats(result, windows, names), out / "account_stats.csv")
    written["account_stats.csv"] = str(out / "account_stats.csv")
    cl = result.clusters.copy()
    if len(cl):
        cl["reasons"] = cl["reasons"].map(lambda r: "; ".join(r))
    write_csv(cl, out / "clusters.csv")
    written["clusters.csv"] = str(out / "clusters.csv")
    shown = network_edges(result)
    write_csv(edge_objects(shown, {k: v for k, v in result.layers.items() if k in result.shares}), out / "edges.csv")
    written["edges.csv"] = str(out / "edges.csv")
    written.update(_write_graphs(result, out, names, gexf_edges(result, edges=shown)))
    jr.write_report(result.report, out / "report.json")
    written["report.json"] = str(out / "report.json")
    if html:
        from detector.report.html import write_html

        write_html(result.report, out / "report.html", pseudonymize_key=pseudonymize_key)
        written["report.html"] = str(out / "report.html")
    return written


def _shown_accounts(result: ScanResult) -> set[str]:
    """Flagged accounts and the members of reported clusters."""
    sc, clusters = result.scored, result.clusters
    if sc.empty:
        return set()
    shown = set(clusters.loc[clusters["score"] >= th.REPORTED_CLUSTER_SCORE, "cluster_id"]) if len(clusters) else set()
    return set(sc.loc[sc["flagged"].astype(bool) | sc["cluster_id"].isin(shown), "account_id"])


def network_edges(result: ScanResult) -> pd.DataFrame:
    """The exported edge set: repeated evidence, or touching a flagged account or a reported cluster.

    Sorted by ``(account_a, account_b)``; the rows of ``result.edges`` as they are.
    """
    from detector.evidence.layers import repeated_layers
    from detector.scoring.combine import repeated_mask

    edges = result.edges
    if edges.empty:
        return edges
    keep_ids = _shown_accounts(result)
    keep = np.logical_or(
        edges["account_a"].isin(keep_ids).to_numpy(dtype=bool), edges["account_b"].isin(keep_ids).to_numpy(dtype=bool)
    )
    if "n_sync_objects" in edges.columns:
        keep |= repeated_mask(edges, repeated_layers())
    return edges[keep]


def edge_objects(edges: pd.DataFrame, layers: Mapping[str, pd.DataFrame], k: int = EDGE_OBJECTS_SAMPLE) -> pd.DataFrame:
    """``edges`` with what each pair shared: ``shared_objects`` (up to ``k`` ``kind:object_id``,
    by kind then id) and ``n_shared_objects`` (distinct objects over the co-action ``layers``,
    each an object kind of the scan's share tables, with columns ``objects`` and ``n_objects``)."""
    if edges.empty:
        return edges.assign(shared_objects=pd.Series([], dtype=object), n_shared_objects=pd.Series([], dtype="int64"))
    parts = []
    for name, frame in sorted(layers.items()):
        if frame is None or frame.empty or "objects" not in frame.columns or "n_objects" not in frame.columns:
            continue
        parts.append(pd.DataFrame({
            "account_a": frame["account_a"].astype(str).to_numpy(),
            "account_b": frame["account_b"].astype(str).to_numpy(),
            "kind": name,
            "objects": frame["objects"].fillna("").astype(str).to_numpy(),
            "n": frame["n_objects"].to_numpy(dtype=np.int64),
        }))
    key = pd.MultiIndex.from_arrays([edges["account_a"].astype(str), edges["account_b"].astype(str)])
    if not parts:
        return edges.assign(shared_objects="", n_shared_objects=np.zeros(len(edges), dtype=np.int64))
    per = pd.concat(parts, ignore_index=True)
    per = per[pd.MultiIndex.from_arrays([per["account_a"], per["account_b"]]).isin(key)]
    per["labelled"] = [
        "|".join(f"{kind}:{o}" for o in objs.split("|") if o) for kind, objs in zip(per["kind"], per["objects"], strict=True)
    ]
    grouped = per.groupby(["account_a", "account_b"], sort=False)
    n_total = grouped["n"].sum()
    sample = grouped["labelled"].agg(lambda s: "|".join([x for v in s for x in v.split("|") if x][:k]))
    out = edges.copy()
    out["shared_objects"] = sample.reindex(key).fillna("").to_numpy()
    out["n_shared_objects"] = n_total.reindex(key).fillna(0).to_numpy(dtype=np.int64)
    return out


def gexf_edges(
    result: ScanResult, max_edges: int = th.GEXF_MAX_EDGES, *, edges: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Edges of the graph files: :func:`network_edges` (or ``edges``), at most the ``max_edges``
    strongest (ties by account ids), sorted by ``(account_a, account_b)``.

    A full coordination network of a large scan has millions of mostly weak
    edges that Gephi cannot lay out; the suspicious part is what users open.
    """
    edges = network_edges(result) if edges is None else edges
    if len(edges) <= max_edges:
        return edges
    # sort only the rows that can be among the strongest max_edges (same rows, same order)
    sel = edges.iloc[jr.top_weight_rows(edges, np.arange(len(edges)), max_edges)]
    sel = sel.sort_values(["weight", "account_a", "account_b"], ascending=[False, True, True], kind="mergesort")
    return sel.head(max_edges).sort_values(["account_a", "account_b"], kind="mergesort")


def _write_graphs(result: ScanResult, out: Path, names: Mapping[str, str], edges: pd.DataFrame) -> dict[str, str]:
    """``edges`` as network.gexf (Gephi) and network.graphml (igraph, networkx), node attributes attached."""
    from detector.report.graph_export import data_date, write_graph
    from detector.scoring.network import account_graph

    graph = account_graph(edges[["account_a", "account_b", "weight", "layers"]])
    sc = result.scored.set_index("account_id")
    ids = graph.vs["name"] if graph.vcount() else []
    pos = sc.index.get_indexer(ids)  # -1: not scored
    found = pos >= 0

    def column(name: str, missing: Any) -> list[Any]:
        values = sc[name].to_numpy(dtype=object)[np.where(found, pos, 0)] if len(sc) else np.zeros(len(ids), object)
        return [v if ok else missing for v, ok in zip(values.tolist(), found.tolist(), strict=True)]

    graph.vs["label"] = [names.get(a, a) for a in ids]
    graph.vs["score"] = [float(v) for v in column("score", 0.0)]
    graph.vs["flagged"] = [bool(v) for v in column("flagged", False)]
    graph.vs["cluster_id"] = [-1 if pd.isna(v) else int(v) for v in column("cluster_id", pd.NA)]
    date = data_date(result.events["ts"].to_numpy() if len(result.events) else [])
    written = {}
    for fmt in ("gexf", "graphml"):
        path = out / f"network.{fmt}"
        write_graph(graph, path, fmt=fmt, date=date)
        written[path.name] = str(path)
    return written

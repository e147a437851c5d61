"""The files of a scan: report.json, accounts.csv, clusters.csv, edges.csv, network.gexf, report.html.

:func:`write_outputs` writes each file atomically into one directory.
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

__all__ = ["OUTPUT_FILES", "gexf_edges", "write_outputs"]

OUTPUT_FILES: tuple[str, ...] = (
    "report.json",
    "accounts.csv",
    "clusters.csv",
    "edges.csv",
    "network.gexf",
    "report.html",
)


def write_outputs(
    result: ScanResult, outdir: str | os.PathLike[str], *, html: bool = True, pseudonymize_key: str | None = None
) -> dict[str, str]:
    """Write the scan's files into ``outdir`` (each atomically); return ``{name: path}``."""
    from detector.report.csvsafe import write_csv
    from detector.scoring.combine import repeated_mask

    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, str] = {}
    names = account_names(result.events, result.accounts)
    acc = result.scored.copy()
    acc.insert(1, "account_name", acc["account_id"].map(lambda a: names.get(a, a)))
    acc["reasons"] = acc["reasons"].map(lambda r: "; ".join(r))
    write_csv(acc, out / "accounts.csv")
    written["accounts.csv"] = str(out / "accounts.csv")
    cl = result.clusters.copy()
    if len(cl):
        cl["reasons"] = cl["reasons"].map(lambda r: "; ".join(r))
    write_csv(cl, out / "clusters.csv")
    written["clusters.csv"] = str(out / "clusters.csv")
    edges = result.edges
    write_csv(edges, out / "edges.csv", rows=repeated_mask(edges) if len(edges) else None)
    written["edges.csv"] = str(out / "edges.csv")
    _write_gexf(result, out / "network.gexf", names)
    written["network.gexf"] = str(out / "network.gexf")
    jr.write_report(result.report, out / "report.json")
    written["report.json"] = str(out / "report.json")
    if html:
        from detector.report.html import write_html

        write_html(result.report, out / "report.html", pseudonymize_key=pseudonymize_key)
        written["report.html"] = str(out / "report.html")
    return written


def gexf_edges(result: ScanResult, max_edges: int = th.GEXF_MAX_EDGES) -> pd.DataFrame:
    """Edges for the Gephi file: those touching a flagged account or a reported cluster.

    A full coordination network of a large scan has millions of mostly weak
    edges that Gephi cannot lay out; the suspicious part is what users open.
    """
    edges = result.edges
    if edges.empty:
        return edges
    sc = result.scored
    clusters = result.clusters
    shown = set(clusters.loc[clusters["score"] >= th.REPORTED_CLUSTER_SCORE, "cluster_id"]) if len(clusters) else set()
    keep_ids = set(sc.loc[sc["flagged"] | sc["cluster_id"].isin(shown), "account_id"])
    touch = np.logical_or(
        edges["account_a"].isin(keep_ids).to_numpy(dtype=bool), edges["account_b"].isin(keep_ids).to_numpy(dtype=bool)
    )
    # sort only the rows that can be among the strongest max_edges (same rows, same order)
    sel = edges.iloc[jr.top_weight_rows(edges, np.flatnonzero(touch), max_edges)]
    sel = sel.sort_values(["weight", "account_a", "account_b"], ascending=[False, True, True], kind="mergesort")
    return sel.head(max_edges).sort_values(["account_a", "account_b"], kind="mergesort")


def _write_gexf(result: ScanResult, path: Path, names: Mapping[str, str]) -> None:
    """Suspicious part of the coordination network as GEXF (Gephi), node attributes attached."""
    from detector.report.graph_export import write_graph
    from detector.scoring.network import account_graph

    edges = gexf_edges(result)
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
    write_graph(graph, path, fmt="gexf")

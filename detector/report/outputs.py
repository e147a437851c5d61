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
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from detector import thresholds as th
from detector.memory import release_unused_memory
from detector.report import json_report as jr
from detector.report.focus import account_names

if TYPE_CHECKING:
    from detector.params import ScanResult

__all__ = ["EDGE_OBJECTS_SAMPLE", "OUTPUT_FILES", "edge_object_blocks", "edge_objects", "gexf_edges", "network_edge_mask", "network_edges", "write_outputs"]

OUTPUT_FILES: tuple[str, ...] = (
    "report.json",
    "accounts.csv",
    "account_stats.csv",
    "clusters.csv",
    "edges.csv",
    "network.gexf",
    "network.graphml",
    "text_posts.csv",
    "report.html",
)

EDGE_OBJECTS_SAMPLE = 5
"""Shared objects listed per edge in edges.csv (``shared_objects``; ``n_shared_objects`` counts them all)."""


def write_outputs(
    result: ScanResult, outdir: str | os.PathLike[str], *, html: bool = True, pseudonymize_key: str | None = None
) -> dict[str, str]:
    """Write the scan's files into ``outdir`` (each atomically); return ``{name: path}``."""
    from detector.report.account_stats import account_stats
    from detector.report.csvsafe import write_csv, write_csv_blocks

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
    shown = np.flatnonzero(network_edge_mask(result))  # positions in result.edges: no copy of the selection
    object_layers = {k: v for k, v in result.layers.items() if k in result.shares}
    write_csv_blocks(edge_object_blocks(result.edges, object_layers, shown), out / "edges.csv")
    written["edges.csv"] = str(out / "edges.csv")
    release_unused_memory()
    written.update(_write_graphs(result, out, names, gexf_edges(result, rows=shown)))
    release_unused_memory()
    if result.text_posts is not None:  # the posts behind the near-duplicate evidence (and the HTML's examples)
        posts = result.text_posts
        names_filled = posts["account_name"].fillna(posts["account_id"].map(names))
        write_csv(posts.assign(account_name=names_filled), out / "text_posts.csv")
        written["text_posts.csv"] = str(out / "text_posts.csv")
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
    edges = result.edges
    if edges.empty:
        return edges
    return edges[network_edge_mask(result)]


def network_edge_mask(result: ScanResult) -> np.ndarray:
    """The rows of ``result.edges`` that :func:`network_edges` keeps, as a bool array (no copy of the table)."""
    from detector.evidence.layers import repeated_layers
    from detector.scoring.combine import repeated_mask

    edges = result.edges
    if edges.empty:
        return np.zeros(0, dtype=bool)
    keep_ids = _shown_accounts(result)
    keep = np.logical_or(
        edges["account_a"].isin(keep_ids).to_numpy(dtype=bool), edges["account_b"].isin(keep_ids).to_numpy(dtype=bool)
    )
    if "n_sync_objects" in edges.columns:
        keep |= repeated_mask(edges, repeated_layers())
    return keep


def _object_layers(layers: Mapping[str, pd.DataFrame]) -> list[tuple[str, pd.DataFrame]]:
    """The co-action layers that list shared objects (``objects``, ``n_objects``), sorted by name."""
    return [
        (name, frame)
        for name, frame in sorted(layers.items())
        if frame is not None and not frame.empty and "objects" in frame.columns and "n_objects" in frame.columns
    ]


def _edge_rows(keys: list[np.ndarray], edge_key: np.ndarray) -> list[np.ndarray]:
    """Row of ``edge_key`` (unique int64 pair keys) holding each key of each array (``-1``: absent)."""
    order = np.argsort(edge_key, kind="stable")
    sorted_key = edge_key[order]
    out = []
    for key in keys:
        at = np.minimum(np.searchsorted(sorted_key, key), len(sorted_key) - 1)
        out.append(np.where(sorted_key[at] == key, order[at], -1))
    return out


def edge_objects(edges: pd.DataFrame, layers: Mapping[str, pd.DataFrame], k: int = EDGE_OBJECTS_SAMPLE) -> pd.DataFrame:
    """``edges`` with what each pair shared: ``shared_objects`` (up to ``k`` ``kind:object_id``,
    by kind then id) and ``n_shared_objects`` (distinct objects over the co-action ``layers``,
    each an object kind of the scan's share tables, with columns ``objects`` and ``n_objects``).

    Pairs are int64 keys of account codes (one vocabulary for ``edges`` and every layer) and
    the labels are built with Arrow (split, flatten, keep the first ``k`` per pair, join):
    the same cells as joining each pair's labelled objects in layer order in Python
    (``tests/report/test_outputs.py`` holds that reference), without a Python string per row.
    :func:`edge_object_blocks` gives the same rows block by block.
    """
    if edges.empty:
        return edges.assign(shared_objects=pd.Series([], dtype=object), n_shared_objects=pd.Series([], dtype="int64"))
    parts = _object_layers(layers)
    if not parts:
        return edges.assign(shared_objects="", n_shared_objects=np.zeros(len(edges), dtype=np.int64))
    labels = _EdgeLabels(edges, parts, np.arange(len(edges)), k)
    blocks = [labels.block(lo) for lo in range(0, len(edges), EDGE_OBJECTS_BLOCK_ROWS)]
    import pyarrow as pa

    shared = pd.array(pa.concat_arrays(blocks), dtype=pd.StringDtype("pyarrow", na_value=np.nan))
    return edges.assign(shared_objects=shared, n_shared_objects=labels.n_total)  # positional: no index to align


def edge_object_blocks(
    edges: pd.DataFrame, layers: Mapping[str, pd.DataFrame], rows: np.ndarray, k: int = EDGE_OBJECTS_SAMPLE
) -> Iterator[pd.DataFrame]:
    """:func:`edge_objects` of ``edges.iloc[rows]`` (``rows``: ascending positions) in blocks of
    :data:`EDGE_OBJECTS_BLOCK_ROWS` rows, without a copy of the selection: concatenated, the
    blocks are that frame. At least one block (possibly empty) is yielded.
    """
    parts = _object_layers(layers)
    if not len(rows):
        yield edge_objects(edges.iloc[rows], layers, k)
        return
    labels = _EdgeLabels(edges, parts, rows, k) if parts else None
    for lo in range(0, len(rows), EDGE_OBJECTS_BLOCK_ROWS):
        hi = min(lo + EDGE_OBJECTS_BLOCK_ROWS, len(rows))
        block = _text_categories(edges.iloc[rows[lo:hi]])
        if labels is None:
            yield block.assign(shared_objects="", n_shared_objects=np.zeros(hi - lo, dtype=np.int64))
            continue
        shared = pd.array(labels.block(lo), dtype=pd.StringDtype("pyarrow", na_value=np.nan))
        yield block.assign(shared_objects=shared, n_shared_objects=labels.n_total[lo:hi])


def _text_categories(block: pd.DataFrame) -> pd.DataFrame:
    """``block`` with its categorical columns (``layers``) as ``str`` columns: the CSV writer's
    string path, so the bytes are those of the table with string columns."""
    cats = {c: block[c].astype("str") for c in block.columns if isinstance(block[c].dtype, pd.CategoricalDtype)}
    return block.assign(**cats) if cats else block


class _EdgeLabels:
    """Which layer rows of the co-action layers ``parts`` belong to each selected edge row.

    ``rows``: positions in ``edges`` of the selected rows (ascending); selected row ``i`` is
    ``edges.iloc[rows[i]]``. Holds per layer row its selected row (``-1``: none), its layer,
    the layer texts (one Arrow array) and ``n_total`` (objects per selected row, int64);
    :meth:`block` builds the labels of :data:`EDGE_OBJECTS_BLOCK_ROWS` selected rows.
    """

    def __init__(self, edges: pd.DataFrame, parts: list[tuple[str, pd.DataFrame]], rows: np.ndarray, k: int) -> None:
        import pyarrow as pa

        from detector.schema import encode_many, id_column

        ends = [id_column(edges["account_a"]), id_column(edges["account_b"])]
        for _, frame in parts:
            ends += [id_column(frame["account_a"]), id_column(frame["account_b"])]
        codes, uniques = encode_many(ends)
        del ends
        n = np.int64(len(uniques))
        keys = [codes[i].astype(np.int64) * n + codes[i + 1] for i in range(0, len(codes), 2)]
        del codes
        selected = np.full(len(edges) + 1, -1, dtype=np.int64)  # edge position -> selected row; [-1] -> -1
        selected[rows] = np.arange(len(rows))
        self.row = selected[np.concatenate(_edge_rows(keys[1:], keys[0]))]
        del keys, selected
        self.kind = np.concatenate([np.full(len(f), j, dtype=np.int32) for j, (_, f) in enumerate(parts)])
        counts = np.concatenate([frame["n_objects"].to_numpy(dtype=np.float64) for _, frame in parts])
        inside = self.row >= 0
        self.n_total = np.bincount(self.row[inside], weights=counts[inside], minlength=len(rows)).astype(np.int64)
        del counts, inside
        sel = np.flatnonzero(self.row >= 0)
        self.sel = sel[np.argsort(self.row[sel], kind="stable")]  # by selected row, layer order kept within a row
        self.bounds = np.searchsorted(self.row[self.sel], np.arange(0, len(rows) + EDGE_OBJECTS_BLOCK_ROWS,
                                                                   EDGE_OBJECTS_BLOCK_ROWS))
        # one chunk per layer, as the layers hold them: a block takes its rows (no copy of every text)
        chunks = [_arrow_strings(frame["objects"]) for _, frame in parts]
        if len({c.type for c in chunks}) > 1:  # a layer past 2 GB of text is large_string
            chunks = [c.cast(pa.large_string()) for c in chunks]
        self.texts = pa.chunked_array(chunks)
        self.prefixes = pa.array([f"{name}:" for name, _ in parts], type=pa.large_string())
        self.n_rows, self.k = len(rows), k

    def block(self, lo: int):
        """Labels (``|``-joined, ``""`` when none; Arrow ``large_string``) of selected rows
        ``lo .. lo + EDGE_OBJECTS_BLOCK_ROWS`` (``lo`` a multiple of it)."""
        import pyarrow as pa

        i = lo // EDGE_OBJECTS_BLOCK_ROWS
        part = self.sel[self.bounds[i]:self.bounds[i + 1]]
        size = min(EDGE_OBJECTS_BLOCK_ROWS, self.n_rows - lo)
        texts = self.texts.take(pa.array(part)).combine_chunks().cast(pa.large_string()).fill_null("")
        return _joined_labels(self.row[part] - lo, self.kind[part], texts, self.prefixes,
                              size, self.k)


def _arrow_strings(column: pd.Series):
    """``column`` as one Arrow ``string`` array, without a copy when it is Arrow-backed already
    (missing values stay missing: :meth:`_EdgeLabels.block` fills them with ``""``)."""
    import pyarrow as pa

    arr = pa.array(column.astype("string").array)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return arr if arr.type in (pa.string(), pa.large_string()) else arr.cast(pa.large_string())


EDGE_OBJECTS_BLOCK_ROWS = 100_000
"""Edge rows labelled at a time by :func:`edge_objects` (bounds the Arrow temporaries: every
object of every layer row of a block is split out before the first ``k`` are kept, and
edges.csv holds one block of rows at a time: 500k rows peaked about 0.4 GB above what the
scan holds, 100k about 0.15 GB, in the same time)."""


def _joined_labels(group_of: np.ndarray, kind: np.ndarray, texts, prefixes, n_rows: int, k: int):
    """One block of :func:`_first_objects`: ``group_of`` (ascending block-local edge rows) per text."""
    import pyarrow as pa
    import pyarrow.compute as pc

    lists = pc.split_pattern(texts, "|")
    flat = pc.list_flatten(lists)
    parent = pc.list_parent_indices(lists).to_numpy()
    del lists
    nonempty = pc.not_equal(flat, "").to_numpy(zero_copy_only=False)
    parent = parent[nonempty]
    flat = flat.filter(pa.array(nonempty))
    group = group_of[parent]  # ascending
    first = np.searchsorted(group, group, side="left")
    keep = (np.arange(len(group)) - first) < k
    group, parent = group[keep], parent[keep]
    flat = flat.filter(pa.array(keep))
    labels = pc.binary_join_element_wise(prefixes.take(pa.array(kind[parent])), flat, pa.scalar("", pa.large_string()))
    offsets = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(group, minlength=n_rows), out=offsets[1:])
    return pc.binary_join(pa.LargeListArray.from_arrays(pa.array(offsets), labels), pa.scalar("|", pa.large_string()))


def gexf_edges(
    result: ScanResult,
    max_edges: int = th.GEXF_MAX_EDGES,
    *,
    edges: pd.DataFrame | None = None,
    rows: np.ndarray | None = None,
) -> pd.DataFrame:
    """Edges of the graph files: :func:`network_edges` (or ``edges``; or the rows at positions
    ``rows``, ascending, of ``result.edges``), at most the ``max_edges`` strongest (ties by
    account ids), sorted by ``(account_a, account_b)``.

    A full coordination network of a large scan has millions of mostly weak
    edges that Gephi cannot lay out; the suspicious part is what users open.
    """
    if edges is None:
        edges = result.edges
        rows = np.flatnonzero(network_edge_mask(result)) if rows is None else rows
    elif rows is None:
        rows = np.arange(len(edges))
    if len(rows) <= max_edges:
        return edges.iloc[rows] if len(rows) < len(edges) else edges
    # sort only the rows that can be among the strongest max_edges (same rows, same order)
    sel = edges.iloc[jr.top_weight_rows(edges, rows, max_edges)]
    sel = sel.sort_values(["weight", "account_a", "account_b"], ascending=[False, True, True], kind="mergesort")
    return sel.head(max_edges).sort_values(["account_a", "account_b"], kind="mergesort")


def _write_graphs(
    result: ScanResult,
    out: Path,
    names: Mapping[str, str],
    edges: pd.DataFrame,
    stem: str = "network",
    formats: tuple[str, ...] = ("gexf", "graphml"),
) -> dict[str, str]:
    """``edges`` as ``<stem>.gexf`` (Gephi) and ``<stem>.graphml`` (igraph, networkx), node attributes attached."""
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
    for fmt in formats:
        path = out / f"{stem}.{fmt}"
        write_graph(graph, path, fmt=fmt, date=date)
        written[path.name] = str(path)
    return written

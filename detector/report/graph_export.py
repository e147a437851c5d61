"""Write an igraph graph as GraphML or GEXF (Gephi), atomically, attributes kept.

GraphML is written by igraph itself; GEXF goes through a networkx copy of the
graph (``networkx.write_gexf``). Both formats only hold scalar attributes, so
before writing, attribute values are made portable: lists and tuples are
joined with ``|``, missing values (None, NaN, pd.NA) become ``""`` in text
attributes (and stay NaN in numeric ones), numpy scalars become Python
scalars, and an attribute mixing types is written as text. Vertex attribute
``name`` becomes the node id (GEXF) and the ``name`` key (GraphML). The file
appears only when complete (:func:`detector.fsutil.atomic_path`).
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import igraph as ig
import numpy as np
import pandas as pd

from detector.fsutil import atomic_path

__all__ = ["GRAPH_FORMATS", "portable_graph", "write_graph"]

GRAPH_FORMATS: tuple[str, ...] = ("graphml", "gexf")


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def _scalar(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, (list, tuple, set, frozenset, np.ndarray)):
        return "|".join(str(v) for v in value)
    return value


def _portable(values: list[Any]) -> list[Any]:
    """One attribute column as scalars of one type (bool, int, float or str)."""
    vals = [_scalar(v) for v in values]
    present = [v for v in vals if not _is_missing(v)]
    kinds = {type(v) for v in present}
    if kinds and kinds <= {bool}:
        return [bool(v) if not _is_missing(v) else False for v in vals]
    if kinds and kinds <= {int, float} and bool not in kinds:
        if kinds == {int} and len(present) == len(vals):
            return [int(v) for v in vals]
        return [float(v) if not _is_missing(v) else float("nan") for v in vals]
    return ["" if _is_missing(v) else str(v) for v in vals]


def portable_graph(graph: ig.Graph) -> ig.Graph:
    """A copy of ``graph`` whose attributes are scalars that GraphML/GEXF can hold."""
    out = graph.copy()
    for attr in out.vs.attributes():
        out.vs[attr] = _portable(out.vs[attr])
    for attr in out.es.attributes():
        out.es[attr] = _portable(out.es[attr])
    for attr in out.attributes():
        value = _scalar(out[attr])
        out[attr] = "" if _is_missing(value) else value
    return out


def _to_networkx(graph: ig.Graph):
    import networkx as nx

    if graph.ecount() and any(graph.is_multiple()):
        nxg = nx.MultiDiGraph() if graph.is_directed() else nx.MultiGraph()
    else:
        nxg = nx.DiGraph() if graph.is_directed() else nx.Graph()
    names = graph.vs["name"] if "name" in graph.vs.attributes() else [str(i) for i in range(graph.vcount())]
    v_attrs = [a for a in graph.vs.attributes() if a != "name"]
    for v, name in zip(graph.vs, names, strict=True):
        data = {a: v[a] for a in v_attrs}
        data.setdefault("label", str(name))
        nxg.add_node(str(name), **data)
    e_attrs = graph.es.attributes()
    for e in graph.es:
        nxg.add_edge(str(names[e.source]), str(names[e.target]), **{a: e[a] for a in e_attrs})
    return nxg


def write_graph(graph: ig.Graph, path: str | os.PathLike[str], fmt: str = "graphml") -> Path:
    """Write ``graph`` to ``path`` as GraphML or GEXF, atomically, with its attributes.

    Parameters
    ----------
    graph : igraph.Graph
        Directed or undirected; vertex attribute ``name`` (e.g. account id) is
        used as node id.
    path : path-like
        Target file; its directory is created when missing.
    fmt : {"graphml", "gexf"}

    Returns
    -------
    Path
        The file written.
    """
    if fmt not in GRAPH_FORMATS:
        raise ValueError(f"unknown graph format {fmt!r}: use one of {', '.join(GRAPH_FORMATS)}")
    path = Path(path)
    safe = portable_graph(graph)
    with atomic_path(path) as tmp:
        if fmt == "graphml":
            safe.write_graphml(str(tmp))
        else:
            import networkx as nx

            nx.write_gexf(_to_networkx(safe), str(tmp))
    return path

"""Write an igraph graph as GraphML or GEXF (Gephi), atomically, attributes kept.

GraphML is written by igraph itself. GEXF is streamed directly
(:func:`write_gexf`): the same bytes ``networkx.write_gexf`` gives for the
graph's networkx copy (GEXF 1.2draft, pretty-printed), without building that copy and an XML tree in memory (several times
faster on a large network). Graphs the direct writer does not cover (parallel
edges, duplicate node names, attribute names GEXF reserves such as ``id`` or
``start``) still go through networkx. Both formats only hold scalar attributes, so
before writing, attribute values are made portable: lists and tuples are
joined with ``|``, missing values (None, NaN, pd.NA) become ``""`` in text
attributes (and stay NaN in numeric ones), numpy scalars become Python
scalars, and an attribute mixing types is written as text. Vertex attribute
``name`` becomes the node id (GEXF) and the ``name`` key (GraphML). The file
appears only when complete (:func:`detector.fsutil.atomic_path`).

The GEXF header's ``lastmodifieddate`` is the ``date`` given (a scan passes
the UTC date of its latest event, :func:`data_date`), never the clock: the
same graph gives the same bytes on any day.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import igraph as ig
import numpy as np
import pandas as pd

from detector.fsutil import atomic_path

__all__ = ["EPOCH_DATE", "GRAPH_FORMATS", "data_date", "portable_graph", "write_gexf", "write_graph"]

EPOCH_DATE = "1970-01-01"
"""GEXF ``lastmodifieddate`` when no date is given (a fixed value: files must not change with the clock)."""


def data_date(ts: Any) -> str:
    """UTC date (``YYYY-MM-DD``) of the latest of ``ts`` (UTC seconds); :data:`EPOCH_DATE` when empty."""
    arr = np.asarray(ts, dtype="float64")
    arr = arr[np.isfinite(arr)]
    if not arr.size:
        return EPOCH_DATE
    return time.strftime("%Y-%m-%d", time.gmtime(int(arr.max())))

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


# --------------------------------------------------------------------------
# direct GEXF writer (byte-identical to networkx.write_gexf of _to_networkx)
# --------------------------------------------------------------------------

_GEXF_TYPES: dict[type, str] = {bool: "boolean", int: "long", float: "double", str: "string"}
"""Attribute type names networkx writes for the Python scalars of a portable graph."""

_NODE_RESERVED = frozenset({"id", "pid", "start", "end", "parents", "spells", "slices", "viz", "key", "networkx_key"})
_EDGE_RESERVED = frozenset({"id", "type", "start", "end", "spells", "slices", "viz", "key", "networkx_key"})
"""Attribute names networkx's GEXF writer treats specially (left to networkx)."""

_FLOAT_SPECIAL = {"inf": "INF", "nan": "NaN", "-inf": "-INF"}


_XML_ATTR_ESCAPES: tuple[tuple[str, str], ...] = (
    ("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("\r", "&#13;"), ("\n", "&#10;"), ("\t", "&#09;"),
)
"""What ``xml.etree.ElementTree`` escapes in attribute values, in its order ("&" first)."""


def _xml_attr(text: str) -> str:
    """Escape an XML attribute value exactly as ``xml.etree.ElementTree`` does."""
    for raw, escaped in _XML_ATTR_ESCAPES:
        if raw in text:
            text = text.replace(raw, escaped)
    return text


def _gexf_values(values: list[Any]) -> list[str]:
    """Escaped ``value=`` strings of one portable attribute column (networkx's rendering)."""
    if values and type(values[0]) is bool:
        return ["true" if v else "false" for v in values]
    if values and type(values[0]) is float:
        out = [str(v) for v in values]
        return [_FLOAT_SPECIAL.get(v, v) for v in out]
    return [_xml_attr(str(v)) for v in values]


def _gexf_element(tag: str, head: str, cols: list[tuple[str, list[str]]], row: int) -> str:
    """One ``<node>``/``<edge>`` line (``head`` holds its opening tag and attributes) with the
    ``row``-th value of each attribute column, laid out as networkx writes it."""
    if not cols:
        return head + " />\n"
    vals = "".join(f'          <attvalue for="{aid}" value="{col[row]}" />\n' for aid, col in cols)
    return f"{head}>\n        <attvalues>\n{vals}        </attvalues>\n      </{tag}>\n"


def _networkx_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("networkx")
    except PackageNotFoundError:  # pragma: no cover - networkx is a dependency
        return "unknown"


def _direct_gexf_ok(graph: ig.Graph) -> bool:
    """Whether :func:`_gexf_chunks` writes exactly what networkx would for ``graph``."""
    if graph.ecount() and any(graph.is_multiple()):
        return False
    if "name" in graph.vs.attributes() and len({str(n) for n in graph.vs["name"]}) != graph.vcount():
        return False
    return not (_NODE_RESERVED & set(graph.vs.attributes()) or _EDGE_RESERVED & set(graph.es.attributes()))


def _gexf_chunks(graph: ig.Graph, date: str) -> Iterator[str]:
    """The GEXF document of a portable graph, in pieces (see :func:`write_gexf`)."""
    n, m = graph.vcount(), graph.ecount()
    names = [str(v) for v in graph.vs["name"]] if "name" in graph.vs.attributes() else [str(i) for i in range(n)]
    ids = [_xml_attr(v) for v in names]
    v_attrs = [a for a in graph.vs.attributes() if a not in ("name", "label")]
    labels = [_xml_attr(str(v)) for v in graph.vs["label"]] if "label" in graph.vs.attributes() else ids
    e_attrs = [a for a in graph.es.attributes() if a not in ("label", "weight")]
    directed = graph.is_directed()

    # attribute ids: node attributes first (networkx meets them on the first node), then edge ones
    node_decl = [(str(i), a, _GEXF_TYPES[type(graph.vs[a][0])]) for i, a in enumerate(v_attrs)] if n else []
    k = len(node_decl)
    edge_decl = [(str(k + i), a, _GEXF_TYPES[type(graph.es[a][0])]) for i, a in enumerate(e_attrs)] if m else []

    yield "<?xml version='1.0' encoding='utf-8'?>\n"
    yield (
        '<gexf xmlns="http://www.gexf.net/1.2draft" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://www.gexf.net/1.2draft http://www.gexf.net/1.2draft/gexf.xsd" version="1.2">\n'
    )
    yield f'  <meta lastmodifieddate="{_xml_attr(date)}">\n'
    yield f"    <creator>NetworkX {_networkx_version()}</creator>\n  </meta>\n"
    yield f'  <graph defaultedgetype="{"directed" if directed else "undirected"}" mode="static" name="">\n'
    for cls, decl in (("edge", edge_decl), ("node", node_decl)):
        if decl:
            yield f'    <attributes mode="static" class="{cls}">\n'
            for aid, title, typ in decl:
                yield f'      <attribute id="{aid}" title="{_xml_attr(title)}" type="{typ}" />\n'
            yield "    </attributes>\n"

    if not n:
        yield "    <nodes />\n"
    else:
        yield "    <nodes>\n"
        cols = [(aid, _gexf_values(graph.vs[a])) for aid, a, _ in node_decl]
        for i in range(n):
            yield _gexf_element("node", f'      <node id="{ids[i]}" label="{labels[i]}"', cols, i)
        yield "    </nodes>\n"

    if not m:
        yield "    <edges />\n"
    else:
        yield "    <edges>\n"
        src, tgt = (np.asarray(x, dtype=np.int64).reshape(-1) for x in zip(*graph.get_edgelist(), strict=True))
        if not directed:  # networkx lists an undirected edge from its earlier node
            src, tgt = np.minimum(src, tgt), np.maximum(src, tgt)
        order = np.argsort(src, kind="stable")  # by source node, then insertion (edge) order
        src, tgt = src.tolist(), tgt.tolist()
        # networkx puts an edge's label, then its weight, after the id (both as str())
        extra = [""] * m
        for key in ("label", "weight"):
            if key in graph.es.attributes():
                extra = [f'{x} {key}="{_xml_attr(str(v))}"' for x, v in zip(extra, graph.es[key], strict=True)]
        cols = [(aid, _gexf_values(graph.es[a])) for aid, a, _ in edge_decl]
        for eid, e in enumerate(order.tolist()):
            head = f'      <edge source="{ids[src[e]]}" target="{ids[tgt[e]]}" id="{eid}"{extra[e]}'
            yield _gexf_element("edge", head, cols, e)
        yield "    </edges>\n"
    yield "  </graph>\n</gexf>\n"


def write_gexf(graph: ig.Graph, path: str | os.PathLike[str], *, date: str = EPOCH_DATE) -> Path:
    """Write ``graph`` as GEXF 1.2 (Gephi), atomically, streamed without an XML tree.

    The bytes are those of ``networkx.write_gexf`` on the graph's networkx copy
    (node ids and default labels from vertex attribute ``name``, attributes made
    portable by :func:`portable_graph`, edges listed from each node in the
    order networkx keeps them), so files do not change with the writer; graphs
    outside what the direct writer covers are handed to networkx.

    Parameters
    ----------
    graph : igraph.Graph
        Directed or undirected.
    path : path-like
        Target file; its directory is created when missing.
    date : str
        ``lastmodifieddate`` of the header (``YYYY-MM-DD``), e.g. :func:`data_date` of the events.

    Returns
    -------
    Path
        The file written.
    """
    path = Path(path)
    safe = portable_graph(graph)
    with atomic_path(path) as tmp:
        if _direct_gexf_ok(safe):
            with open(tmp, "w", encoding="utf-8", errors="xmlcharrefreplace", newline="\n") as fh:
                buf: list[str] = []
                for chunk in _gexf_chunks(safe, date):
                    buf.append(chunk)
                    if len(buf) >= 4096:
                        fh.write("".join(buf))
                        buf.clear()
                fh.write("".join(buf))
        else:
            import networkx as nx

            nx.write_gexf(_to_networkx(safe), str(tmp))
            raw = Path(tmp).read_bytes()  # networkx dates the header by the clock: put ``date`` there
            head, sep, rest = raw.partition(b'lastmodifieddate="')
            if sep:
                Path(tmp).write_bytes(head + sep + _xml_attr(date).encode() + rest[rest.index(b'"'):])
    return path


def write_graph(
    graph: ig.Graph, path: str | os.PathLike[str], fmt: str = "graphml", *, date: str = EPOCH_DATE
) -> Path:
    """Write ``graph`` to ``path`` as GraphML or GEXF, atomically, with its attributes.

    Parameters
    ----------
    graph : igraph.Graph
        Directed or undirected; vertex attribute ``name`` (e.g. account id) is
        used as node id.
    path : path-like
        Target file; its directory is created when missing.
    fmt : {"graphml", "gexf"}
    date : str
        GEXF header date (``YYYY-MM-DD``); GraphML has no date.

    Returns
    -------
    Path
        The file written.
    """
    if fmt not in GRAPH_FORMATS:
        raise ValueError(f"unknown graph format {fmt!r}: use one of {', '.join(GRAPH_FORMATS)}")
    if fmt == "gexf":
        return write_gexf(graph, path, date=date)
    path = Path(path)
    safe = portable_graph(graph)
    with atomic_path(path) as tmp:
        safe.write_graphml(str(tmp))
    return path

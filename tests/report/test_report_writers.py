"""The fast output writers give the same bytes as the straightforward reference ones.

- GEXF: :func:`detector.report.graph_export.write_gexf` against ``networkx.write_gexf`` of the
  networkx copy of the same portable graph (what the project wrote before), and a round trip
  through ``networkx.read_gexf``;
- CSV: the streamed :func:`detector.report.csvsafe.write_csv` against the pandas path
  (neutralised copy + ``DataFrame.to_csv``), with and without a row selection;
- report helpers: Arrow cluster lookup, row grouping and top-k candidates against plain pandas.
"""

from __future__ import annotations

import io
import math
import time

import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from detector.report import csvsafe, graph_export
from detector.report import json_report as jr

# text that XML, CSV and spreadsheets treat specially, plus non-ASCII
nasty = st.sampled_from(['a&b', "<x>", 'q"u', "t\tb", "n\nl", "c\rr", "ünï😀", "", "=1+2", "-3", "x,y", "@me", " "])
words = st.one_of(nasty, st.text(alphabet="abcxyz019 ,;'\"=-+@|", max_size=6))


def _reference_gexf(graph: ig.Graph, path) -> None:
    nx.write_gexf(graph_export._to_networkx(graph_export.portable_graph(graph)), str(path))


def _today() -> str:
    """networkx writes today's date in the header; our writer writes the date it is given."""
    return time.strftime("%Y-%m-%d")


@st.composite
def graphs(draw) -> ig.Graph:
    directed = draw(st.booleans())
    n = draw(st.integers(0, 8))
    names = draw(st.lists(words, min_size=n, max_size=n, unique_by=str)) if n else []
    pairs = draw(st.lists(st.tuples(st.integers(0, max(n - 1, 0)), st.integers(0, max(n - 1, 0))), max_size=20))
    seen, edges = set(), []
    for a, b in pairs if n else []:
        key = (a, b) if directed else (min(a, b), max(a, b))
        if key not in seen:  # no parallel edges (those go to networkx); orientation kept as drawn
            seen.add(key)
            edges.append((a, b))
    g = ig.Graph(n=n, edges=edges, directed=directed)
    if n and draw(st.booleans()):
        g.vs["name"] = names
    if n and draw(st.booleans()):
        g.vs["label"] = draw(st.lists(st.one_of(words, st.none()), min_size=n, max_size=n))
    values = {
        "float": st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.just(-0.0)),
        "int": st.integers(-(10**12), 10**12),
        "bool": st.booleans(),
        "text": st.one_of(words, st.none(), st.lists(words, max_size=2)),
    }
    for seq, size, names_ in ((g.vs, n, ["score", "flagged", "cluster_id", "k&y"]), (g.es, len(edges), ["layers", "n"])):
        for attr in draw(st.lists(st.sampled_from(names_), unique=True, max_size=3)) if size else []:
            kind = draw(st.sampled_from(sorted(values)))
            seq[attr] = draw(st.lists(values[kind], min_size=size, max_size=size))
    if edges and draw(st.booleans()):
        g.es["weight"] = draw(st.lists(st.floats(0, 10) | st.integers(0, 5), min_size=len(edges), max_size=len(edges)))
    if edges and draw(st.booleans()):
        g.es["label"] = draw(st.lists(words, min_size=len(edges), max_size=len(edges)))
    return g


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(graphs())
def test_direct_gexf_matches_networkx_bytes(tmp_path, graph):
    assert graph_export._direct_gexf_ok(graph_export.portable_graph(graph))
    graph_export.write_gexf(graph, tmp_path / "new.gexf", date=_today())
    _reference_gexf(graph, tmp_path / "ref.gexf")
    assert (tmp_path / "new.gexf").read_bytes() == (tmp_path / "ref.gexf").read_bytes()


def test_gexf_round_trip_through_networkx(tmp_path):
    g = ig.Graph(n=4, edges=[(0, 1), (2, 1), (3, 3), (0, 2)])
    g.vs["name"] = ["b<1>", "a&2", 'c"3', "d\n4"]
    g.vs["label"] = ["@bee", "ay", None, "dee"]
    g.vs["score"] = [0.5, float("nan"), 1.0, -0.0]
    g.vs["flagged"] = [True, False, True, False]
    g.vs["cluster_id"] = [3, -1, 3, 7]
    g.es["weight"] = [1.5, 2.0, 0.25, 3.0]
    g.es["layers"] = ["repost|text", "url", ["a", "b"], None]
    path = tmp_path / "g.gexf"
    graph_export.write_graph(g, path, fmt="gexf")
    back = nx.read_gexf(path)
    assert not back.is_directed()
    assert sorted(back.nodes) == sorted(g.vs["name"])
    assert back.nodes["b<1>"] == {"label": "@bee", "score": 0.5, "flagged": True, "cluster_id": 3}
    assert back.nodes['c"3']["label"] == ""  # a missing label is an empty text, as before
    assert math.isnan(back.nodes["a&2"]["score"]) and back.nodes["d\n4"]["cluster_id"] == 7
    got = {frozenset((u, v)): d for u, v, d in back.edges(data=True)}
    assert got[frozenset(("b<1>", "a&2"))]["weight"] == 1.5
    assert got[frozenset(("b<1>", "a&2"))]["layers"] == "repost|text"
    assert got[frozenset(("d\n4",))]["layers"] == "a|b"  # self loop, list joined
    assert got[frozenset(("c\"3", "a&2"))]["layers"] == "url"
    assert got[frozenset(("b<1>", "c\"3"))]["layers"] == ""
    assert back.number_of_edges() == 4


def test_gexf_falls_back_to_networkx_for_parallel_edges(tmp_path):
    g = ig.Graph(directed=True, edges=[(0, 1), (0, 1)])
    g.vs["name"] = ["x", "y"]
    g.vs["id"] = ["i", "j"]  # a name GEXF reserves
    assert not graph_export._direct_gexf_ok(graph_export.portable_graph(g))
    graph_export.write_gexf(g, tmp_path / "new.gexf", date=_today())
    _reference_gexf(g, tmp_path / "ref.gexf")
    assert (tmp_path / "new.gexf").read_bytes() == (tmp_path / "ref.gexf").read_bytes()


# --------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------

floats = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1e16, 1e-5, 0.1 + 0.2, 21.0, 1 / 3]),
)
cells = st.one_of(st.none(), words, st.lists(words, max_size=3), st.integers(-5, 5), floats)


@st.composite
def frames(draw) -> pd.DataFrame:
    n = draw(st.integers(0, 12))
    kinds = draw(st.lists(st.sampled_from(["float", "int", "bool", "str", "object", "Int64", "words"]), min_size=2, max_size=6))
    data = {}
    for i, kind in enumerate(kinds):
        name = draw(words) + str(i)
        if kind == "float":
            col = pd.Series(draw(st.lists(floats, min_size=n, max_size=n)), dtype="float64")
        elif kind == "int":
            col = pd.Series(draw(st.lists(st.integers(-(2**62), 2**62), min_size=n, max_size=n)), dtype="int64")
        elif kind == "bool":
            col = pd.Series(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool)
        elif kind == "str":
            col = pd.Series(draw(st.lists(st.one_of(words, st.none()), min_size=n, max_size=n)), dtype="string")
        elif kind == "words":
            col = pd.Series(draw(st.lists(words, min_size=n, max_size=n)), dtype=object)
        elif kind == "Int64":
            col = pd.Series(draw(st.lists(st.one_of(st.integers(-9, 9), st.none()), min_size=n, max_size=n)), dtype="Int64")
        else:
            col = pd.Series(draw(st.lists(cells, min_size=n, max_size=n)), dtype=object)
        data[name] = col
    return pd.DataFrame(data)


def _reference_csv(frame: pd.DataFrame) -> str:
    buf = io.StringIO(newline="")
    csvsafe._pandas_csv(frame, buf)
    return buf.getvalue()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(frames(), st.integers(1, 4), st.data())
def test_streamed_csv_matches_pandas_bytes(tmp_path, monkeypatch, frame, chunk, data):
    monkeypatch.setattr(csvsafe, "CHUNK_ROWS", chunk)  # several blocks even for small frames
    assert csvsafe._streamable(frame)
    csvsafe.write_csv(frame, tmp_path / "new.csv")
    assert (tmp_path / "new.csv").read_bytes() == _reference_csv(frame).encode("utf-8")
    rows = np.array(data.draw(st.lists(st.booleans(), min_size=len(frame), max_size=len(frame))), dtype=bool)
    csvsafe.write_csv(frame, tmp_path / "sel.csv", rows=rows)
    assert (tmp_path / "sel.csv").read_bytes() == _reference_csv(frame[rows]).encode("utf-8")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(frames(), st.data())
def test_csv_written_in_blocks_matches_the_whole_table(tmp_path, frame, data):
    """write_csv_blocks (edges.csv, one block in memory at a time) writes the bytes of the whole table,
    for columns of one type (a mixed object column is typed per block by pandas: ints beside None are
    floats in the whole table, not in a block without the None; edges.csv has no object column)."""
    assume(all(frame[c].dtype != object or pd.api.types.infer_dtype(frame[c], skipna=True) in ("string", "empty")
               for c in frame.columns))
    cuts = sorted(data.draw(st.lists(st.integers(0, len(frame)), max_size=4)))
    bounds = [0, *cuts, len(frame)]
    csvsafe.write_csv_blocks((frame.iloc[lo:hi] for lo, hi in zip(bounds, bounds[1:], strict=False)),
                             tmp_path / "blocks.csv")
    assert (tmp_path / "blocks.csv").read_bytes() == _reference_csv(frame).encode("utf-8")


def test_unsupported_columns_use_pandas(tmp_path):
    frame = pd.DataFrame({"when": pd.to_datetime([0, 10**9], unit="s"), "=x": ["-a", "b"]})
    assert not csvsafe._streamable(frame) and not csvsafe._streamable(frame[["=x"]])
    csvsafe.write_csv(frame, tmp_path / "a.csv", rows=np.array([False, True]))
    assert (tmp_path / "a.csv").read_bytes() == _reference_csv(frame.iloc[[1]]).encode("utf-8")


# --------------------------------------------------------------------------
# report helpers
# --------------------------------------------------------------------------

ids = st.sampled_from(["a", "b", "c", "d", "e", "ü", "", "x,y"])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(ids, st.none()), max_size=30), st.dictionaries(ids, st.integers(0, 3), max_size=5),
       st.sampled_from(["str", "string", "object"]))
def test_map_cluster_equals_pandas_map(values, members, dtype):
    series = pd.Series(values, dtype=None if dtype == "object" else dtype)
    if dtype == "object":
        series = series.astype(object)
    cluster_of = pd.Series(list(members.values()), index=list(members.keys()), dtype="int64")
    got = jr._map_cluster(series, cluster_of).to_numpy()
    want = np.array(series.astype(str).map(cluster_of).astype(float), dtype=float)
    want[series.isna().to_numpy()] = np.nan  # a missing id is in no cluster
    np.testing.assert_array_equal(got, want)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.integers(0, 4).map(float), st.just(float("nan"))), max_size=40))
def test_rows_by_cluster_equals_groupby(codes):
    arr = np.array(codes, dtype=float)
    got = jr._rows_by_cluster(arr)
    frame = pd.DataFrame({"c": arr}).dropna()
    want = {int(c): g.index.to_numpy() for c, g in frame.groupby("c")}
    assert sorted(got) == sorted(want)
    for c, rows in want.items():
        np.testing.assert_array_equal(got[c], rows)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([0.5, 1.0, 2.0, float("nan"), -math.inf]), ids, ids), max_size=40),
       st.integers(1, 10))
def test_top_weight_rows_keeps_the_top_k(rows, k):
    edges = pd.DataFrame(rows, columns=["weight", "account_a", "account_b"])
    keys = dict(by=["weight", "account_a", "account_b"], ascending=[False, True, True], kind="mergesort")
    want = edges.sort_values(**keys).head(k)
    cand = jr.top_weight_rows(edges, np.arange(len(edges)), k)
    assert list(cand) == sorted(cand)
    pd.testing.assert_frame_equal(edges.iloc[cand].sort_values(**keys).head(k), want)


def test_gexf_edges_equals_full_sort():
    from detector.pipeline import ScanResult, gexf_edges

    rng = np.random.default_rng(0)
    n = 400
    a = rng.integers(0, 60, n)
    b = a + rng.integers(1, 20, n)
    edges = pd.DataFrame({
        "account_a": [f"u{x:03d}" for x in a], "account_b": [f"u{x:03d}" for x in b],
        "weight": rng.choice([0.5, 1.0, 1.5, 2.0], n), "layers": "repost",
    }).drop_duplicates(["account_a", "account_b"]).sort_values(["account_a", "account_b"]).reset_index(drop=True)
    accounts = sorted(set(edges["account_a"]) | set(edges["account_b"]))
    scored = pd.DataFrame({
        "account_id": accounts, "score": rng.random(len(accounts)),
        "flagged": rng.random(len(accounts)) < 0.2,
        "cluster_id": pd.array([int(i % 5) if i % 3 else None for i in range(len(accounts))], dtype="Int64"),
    })
    clusters = pd.DataFrame({"cluster_id": range(5), "score": [0.9, 0.1, 0.3, 0.0, 0.5]})
    result = ScanResult(pd.DataFrame(), None, scored, clusters, edges, {}, pd.DataFrame(), pd.DataFrame(), {})
    shown = {0, 2, 4}
    keep = set(scored.loc[scored["flagged"] | scored["cluster_id"].isin(shown), "account_id"])
    sel = edges[edges["account_a"].isin(keep) | edges["account_b"].isin(keep)]
    sel = sel.sort_values(["weight", "account_a", "account_b"], ascending=[False, True, True], kind="mergesort")
    for k in (1, 7, 50, 10_000):
        want = sel.head(k).sort_values(["account_a", "account_b"], kind="mergesort")
        pd.testing.assert_frame_equal(gexf_edges(result, max_edges=k), want)


@pytest.mark.parametrize("n", [0, 1, 3])
def test_write_gexf_small_graphs_match(tmp_path, n):
    g = ig.Graph(n=n)
    if n:
        g.vs["name"] = [f"v{i}" for i in range(n)]
    graph_export.write_gexf(g, tmp_path / "new.gexf", date=_today())
    _reference_gexf(g, tmp_path / "ref.gexf")
    assert (tmp_path / "new.gexf").read_bytes() == (tmp_path / "ref.gexf").read_bytes()

"""Coordination network: Leiden communities, cluster table, graph export."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd
import pytest

from detector.report.graph_export import write_graph
from detector.scoring.network import account_graph, cluster_table, communities


def clique_edges(groups: list[list[str]], bridge: tuple[str, str] | None = None) -> pd.DataFrame:
    rows = []
    for g in groups:
        for a, b in itertools.combinations(sorted(g), 2):
            rows.append({"account_a": a, "account_b": b, "weight": 5.0, "median_gap_s": 3.0, "objects": ["o1", "o2"]})
    if bridge:
        a, b = sorted(bridge)
        rows.append({"account_a": a, "account_b": b, "weight": 1.0, "median_gap_s": 50.0, "objects": ["o9"]})
    return pd.DataFrame(rows)


def test_two_cliques_found_and_numbered_by_size():
    small = ["a1", "a2", "a3", "a4"]
    big = ["z1", "z2", "z3", "z4", "z5", "z6"]
    edges = clique_edges([small, big], bridge=("a1", "z1"))
    membership = communities(edges, seed=0)
    assert membership.index.tolist() == sorted(small + big)
    assert set(membership[big]) == {0}  # largest cluster is 0
    assert set(membership[small]) == {1}
    assert membership.dtype == np.int64


def test_communities_deterministic_under_edge_order():
    rng = np.random.default_rng(3)
    groups = [[f"g{k}_{i}" for i in range(rng.integers(3, 9))] for k in range(6)]
    edges = clique_edges(groups)
    extra = pd.DataFrame({"account_a": ["g0_0", "g1_0", "g2_0"], "account_b": ["g3_0", "g4_0", "g5_0"],
                          "weight": [1.0, 1.0, 1.0], "median_gap_s": [1.0] * 3, "objects": [["x"]] * 3})
    edges = pd.concat([edges, extra], ignore_index=True)
    a = communities(edges, seed=7)
    b = communities(edges.sample(frac=1.0, random_state=2), seed=7)
    pd.testing.assert_series_equal(a, b)
    sizes = a.value_counts().sort_index()
    assert list(sizes) == sorted(sizes, reverse=True)


def test_cpm_and_bad_method():
    edges = clique_edges([["a", "b", "c"], ["x", "y", "z"]], bridge=("a", "x"))
    membership = communities(edges, method="cpm", resolution=2.0)
    assert membership["a"] == membership["b"] != membership["x"]
    with pytest.raises(ValueError):
        communities(edges, method="nope")


def test_empty_edges():
    empty = pd.DataFrame(columns=["account_a", "account_b", "weight"])
    assert communities(empty).empty
    assert cluster_table(empty, communities(empty)).empty


def test_cluster_table_values():
    small = ["a1", "a2", "a3"]
    big = ["z1", "z2", "z3", "z4"]
    edges = clique_edges([small, big], bridge=("a1", "z1"))
    edges.loc[(edges.account_a == "z1") & (edges.account_b == "z2"), "weight"] = 9.0
    membership = communities(edges)
    table = cluster_table(edges, membership, evidence="coaction:repost")
    big_row = table.iloc[0]
    assert big_row["size"] == 4 and big_row["n_edges"] == 6
    assert big_row["density"] == pytest.approx(1.0)
    assert big_row["total_weight"] == pytest.approx(5 * 5 + 9)
    assert big_row["median_weight"] == pytest.approx(5.0)
    assert big_row["median_gap_s"] == pytest.approx(3.0)
    assert big_row["top_objects"] == ["o1 (6)", "o2 (6)"]
    assert big_row["evidence_types"] == ["coaction:repost"]
    assert big_row["members"] == big
    # top objects from shares: objects shared by most members
    shares = pd.DataFrame({"object_id": ["p", "p", "q", "p"], "account_id": ["a1", "a2", "a1", "z1"]})
    t2 = cluster_table(edges, membership, shares=shares)
    assert t2.iloc[1]["top_objects"] == ["p (2)", "q (1)"]
    layered = edges.assign(layers="repost|timing")
    assert cluster_table(layered, membership).iloc[0]["evidence_types"] == ["repost", "timing"]


def test_account_graph_attributes():
    edges = clique_edges([["b", "a", "c"]])
    g = account_graph(edges)
    assert g.vs["name"] == ["a", "b", "c"]
    assert set(g.es.attributes()) >= {"weight", "median_gap_s", "objects"}


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_write_graph_keeps_attributes(tmp_path, fmt):
    edges = clique_edges([["a", "b", "c"]])
    edges["note"] = ["=cmd()", None, "x"]
    g = account_graph(edges)
    g.vs["score"] = [0.5, float("nan"), 1.0]
    g.vs["tags"] = [["t1", "t2"], [], None]
    path = tmp_path / f"net.{fmt}"
    write_graph(g, path, fmt=fmt)
    assert not list(tmp_path.glob(".*tmp"))
    if fmt == "graphml":
        back = ig.Graph.Read_GraphML(str(path))
        assert sorted(back.vs["name"]) == ["a", "b", "c"]
        assert sorted(back.es["weight"]) == [5.0, 5.0, 5.0]
        assert sorted(back.es["objects"]) == ["o1|o2"] * 3
        assert back.vs["tags"][0] == "t1|t2"
    else:
        back = nx.read_gexf(path)
        assert sorted(back.nodes) == ["a", "b", "c"]
        assert back.edges["a", "b"]["weight"] == 5.0
        assert back.edges["a", "b"]["objects"] == "o1|o2"
        assert back.nodes["a"]["tags"] == "t1|t2"
        assert back.nodes["c"]["score"] == 1.0
    ET.parse(path)  # well-formed XML


def test_write_graph_directed_and_bad_format(tmp_path):
    g = ig.Graph(directed=True, edges=[(0, 1), (1, 0), (0, 1)])
    g.vs["name"] = ["x", "y"]
    g.es["kind"] = ["repost", "reply", "repost"]
    write_graph(g, tmp_path / "d.gexf", fmt="gexf")
    back = nx.read_gexf(tmp_path / "d.gexf")
    assert back.is_directed() and back.number_of_edges() == 3
    with pytest.raises(ValueError):
        write_graph(g, tmp_path / "d.dot", fmt="dot")


def _random_graph(seed: int, n: int = 400, m: int = 2500) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    a, b = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = a != b
    lo, hi = np.minimum(a, b)[keep], np.maximum(a, b)[keep]
    frame = pd.DataFrame({"account_a": [f"u{x:04d}" for x in lo], "account_b": [f"u{x:04d}" for x in hi],
                          "weight": rng.random(int(keep.sum())) + 0.1})
    return frame.drop_duplicates(["account_a", "account_b"]).reset_index(drop=True)


@pytest.mark.parametrize("seed", [0, 7])
def test_leiden_in_a_child_process_gives_the_same_clusters(seed):
    """start_communities on a large graph runs Leiden in a child process: same membership as here."""
    from detector.scoring.network import start_communities

    edges = _random_graph(seed)
    here = communities(edges, seed=seed)
    pending = start_communities(edges, seed=seed, child_min_edges=1)
    assert pending.in_child
    pd.testing.assert_series_equal(pending.result(), here)
    assert pending._child._proc.returncode == 0  # computed by the child, not by the fallback here
    small = start_communities(edges, seed=seed, child_min_edges=len(edges) + 1)
    assert not small.in_child
    pd.testing.assert_series_equal(small.result(), here)

"""Interaction graphs: edges, attributes, determinism, exports."""

from __future__ import annotations

import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detector.evidence.graphs import (
    GRAPH_KINDS,
    edge_table,
    export_graph,
    handle_resolver,
    interaction_graph,
    interaction_rows,
    to_networkx,
    write_edge_csv,
)
from detector.schema import accounts_from_records, events_from_records


def _ev(event_id, account, ts, kind, target=None, target_account=None, mentions=(), name=None):
    return {
        "event_id": event_id,
        "account_id": account,
        "account_name": name if name is not None else account.lower(),
        "ts": ts,
        "kind": kind,
        "target_event_id": target,
        "target_account_id": target_account,
        "mentions": list(mentions),
        "platform": "twitter",
        "text": f"text of {event_id}",
    }


@pytest.fixture
def events() -> pd.DataFrame:
    return events_from_records(
        [
            _ev("p1", "A", 100, "post", mentions=["@Bob", "@ghost"], name="Alice"),
            _ev("p2", "A", 150, "post", name="Alice"),
            _ev(
                "r1", "B", 110, "repost", target="p1", mentions=["carol"], name="bob"
            ),  # target account via p1
            _ev("r2", "B", 160, "repost", target="p2", target_account="A", name="bob"),
            _ev("q1", "C", 120, "quote", target="p1", target_account="A", mentions=["alice"]),
            _ev("y1", "C", 130, "reply", target="r1", target_account="B"),
            _ev("s1", "A", 140, "reply", target="p1", target_account="A"),  # self-reply
            _ev("x1", "D", 170, "repost", target="unknown-post"),  # target unknown: dropped
        ]
    )


@pytest.fixture
def accounts() -> pd.DataFrame:
    return accounts_from_records(
        [
            {
                "account_id": "A",
                "account_name": "Alice",
                "followers": 500,
                "official_role": "embassy",
            },
            {"account_id": "B", "account_name": "bob", "followers": 3, "display_name": "Bob B"},
            {"account_id": "Z", "account_name": "zed"},
        ]
    )


def _edges(graph: ig.Graph) -> dict[tuple[str, str], dict]:
    table = edge_table(graph)
    return {(r["source"], r["target"]): r for r in table.to_dict("records")}


def test_all_graph_edges_and_counts(events, accounts):
    graph = interaction_graph(events, accounts, "all")
    edges = _edges(graph)
    # B reposted A twice (one target found only through target_event_id)
    assert edges[("B", "A")]["n_repost"] == 2 and edges[("B", "A")]["weight"] == 2.0
    # C quoted A and mentioned @alice in the same quote: weight 2, per-kind kept
    assert edges[("C", "A")]["n_quote"] == 1 and edges[("C", "A")]["n_mention"] == 1
    assert edges[("C", "A")]["weight"] == 2.0
    assert edges[("C", "B")]["n_reply"] == 1
    # A mentioned @Bob (resolved through the accounts table) and @ghost (unresolved)
    assert edges[("A", "B")]["n_mention"] == 1
    assert edges[("A", "@ghost")]["n_mention"] == 1
    # mentions inside a repost are the original author's words: no B -> carol edge
    assert not any(s == "B" and t.endswith("carol") for s, t in edges)
    # self-reply dropped; unknown target dropped
    assert ("A", "A") not in edges and not any(s == "D" for s, _ in edges)
    assert edges[("B", "A")]["first_ts"] == 110 and edges[("B", "A")]["last_ts"] == 160
    assert graph.ecount() == len(edges) == 5


def test_self_loops_kept_on_request(events):
    graph = interaction_graph(events, kind="reply", self_loops=True)
    assert ("A", "A") in _edges(graph)


def test_vertex_attributes(events, accounts):
    graph = interaction_graph(events, accounts, "all")
    names = graph.vs["name"]
    assert names == sorted(names)
    assert set(names) == {"@ghost", "A", "B", "C", "D", "Z"}  # every author and account is a vertex
    v = graph.vs[names.index("A")]
    assert (
        v["followers"] == 500.0 and v["official_role"] == "embassy" and v["account_name"] == "Alice"
    )
    assert v["n_events"] == 3 and v["resolved"]
    ghost = graph.vs[names.index("@ghost")]
    assert (
        not ghost["resolved"] and ghost["account_name"] == "ghost" and np.isnan(ghost["followers"])
    )
    assert graph.vs[names.index("B")]["display_name"] == "Bob B"


def test_single_kind_graphs(events):
    assert {k for k in _edges(interaction_graph(events, kind="repost"))} == {("B", "A")}
    assert {k for k in _edges(interaction_graph(events, kind="quote"))} == {("C", "A")}
    assert {k for k in _edges(interaction_graph(events, kind="reply"))} == {("C", "B")}
    mention = _edges(interaction_graph(events, kind="mention"))
    assert set(mention) == {("A", "B"), ("A", "@ghost"), ("C", "A")}
    with pytest.raises(ValueError, match="kind"):
        interaction_graph(events, kind="retweet")


def test_handle_resolver_prefers_accounts_table(events):
    accounts = accounts_from_records([{"account_id": "Q", "account_name": "BOB"}])
    assert handle_resolver(events)["bob"] == "B"
    assert handle_resolver(events, accounts)["bob"] == "Q"


def test_deterministic_under_row_order(events, accounts):
    shuffled = events.sample(frac=1.0, random_state=3).reset_index(drop=True)
    a = interaction_graph(events, accounts)
    b = interaction_graph(shuffled, accounts.iloc[::-1].reset_index(drop=True))
    pd.testing.assert_frame_equal(edge_table(a), edge_table(b))
    assert a.vs["name"] == b.vs["name"]
    assert a.vs["followers"] == b.vs["followers"] or np.allclose(
        a.vs["followers"], b.vs["followers"], equal_nan=True
    )


def test_empty_events():
    empty = events_from_records([])
    graph = interaction_graph(empty)
    assert graph.vcount() == 0 and graph.ecount() == 0
    assert len(edge_table(graph)) == 0


def test_to_networkx_keeps_attributes(events, accounts):
    graph = interaction_graph(events, accounts)
    nxg = to_networkx(graph)
    assert isinstance(nxg, nx.DiGraph)
    assert nxg.number_of_nodes() == graph.vcount() and nxg.number_of_edges() == graph.ecount()
    assert nxg.nodes["A"]["official_role"] == "embassy"
    assert nxg["C"]["A"]["weight"] == 2.0 and nxg["C"]["A"]["n_mention"] == 1


def test_edge_csv_roundtrip(events, tmp_path):
    graph = interaction_graph(events)
    path = tmp_path / "edges.csv"
    write_edge_csv(graph, path)
    back = pd.read_csv(path, dtype={"source": str, "target": str})
    expected = edge_table(graph)
    # '@ghost' is neutralised against spreadsheet formulas
    assert "'@ghost" in set(back["target"])
    assert list(back.columns) == list(expected.columns)
    assert back["weight"].tolist() == expected["weight"].tolist()
    assert export_graph(graph, tmp_path / "e2.csv") == "csv"
    with pytest.raises(ValueError, match="format"):
        export_graph(graph, tmp_path / "graph.png")


def _exported(events, accounts, path) -> ig.Graph:
    """The 'all' interaction graph, exported to ``path`` (format from the extension)."""
    pytest.importorskip(
        "detector.report.graph_export", reason="graph_export (coaction helper) not there yet"
    )
    graph = interaction_graph(events, accounts)
    export_graph(graph, path)
    return graph


def test_graphml_opens_in_igraph(events, accounts, tmp_path):
    path = tmp_path / "g.graphml"
    graph = _exported(events, accounts, path)
    back = ig.Graph.Read_GraphML(str(path))
    assert back.vcount() == graph.vcount() and back.ecount() == graph.ecount()
    idx = back.vs["name"].index("A")
    assert back.vs[idx]["official_role"] == "embassy" and back.vs[idx]["followers"] == 500.0
    got = {(back.vs[e.source]["name"], back.vs[e.target]["name"]): e["weight"] for e in back.es}
    want = {(graph.vs[e.source]["name"], graph.vs[e.target]["name"]): e["weight"] for e in graph.es}
    assert got == want


def test_gexf_opens_in_networkx(events, accounts, tmp_path):
    path = tmp_path / "g.gexf"
    graph = _exported(events, accounts, path)
    back = nx.read_gexf(path)
    assert back.number_of_nodes() == graph.vcount() and back.number_of_edges() == graph.ecount()
    node = next(n for n, d in back.nodes(data=True) if n == "A" or d.get("label") == "A")
    assert back.nodes[node]["official_role"] == "embassy"
    assert back.nodes[node]["label"] == "Alice"  # Gephi shows the handle
    assert float(back.nodes[node]["followers"]) == 500.0
    weights = sorted(float(d["weight"]) for _, _, d in back.edges(data=True))
    assert weights == sorted(graph.es["weight"])


# ---------------------------------------------------------------- properties

_ACCOUNTS = [f"u{i}" for i in range(6)]


@st.composite
def _random_events(draw):
    n = draw(st.integers(1, 25))
    records = []
    for i in range(n):
        kind = draw(st.sampled_from(["post", "repost", "quote", "reply"]))
        account = draw(st.sampled_from(_ACCOUNTS))
        target = None if kind == "post" or i == 0 else f"e{draw(st.integers(0, i - 1))}"
        mentions = draw(st.lists(st.sampled_from([*_ACCOUNTS, "nobody"]), max_size=3))
        records.append(
            _ev(
                f"e{i}",
                account,
                1000 + i,
                kind if target or kind == "post" else "post",
                target,
                None,
                mentions,
            )
        )
    return events_from_records(records)


@settings(max_examples=60, deadline=None)
@given(_random_events())
def test_union_is_sum_of_kinds(events):
    total = edge_table(interaction_graph(events, kind="all")).set_index(["source", "target"])
    assert (
        total["weight"]
        == total[[f"n_{k}" for k in ("repost", "quote", "reply", "mention")]].sum(axis=1)
    ).all()
    for kind in GRAPH_KINDS[:-1]:
        part = edge_table(interaction_graph(events, kind=kind)).set_index(["source", "target"])
        got = total[f"n_{kind}"]
        got = got[got > 0]
        assert got.sort_index().to_dict() == part[f"n_{kind}"].sort_index().to_dict()
    # total weight = number of non-self interactions whose target is known
    rows = interaction_rows(events, kind="all")
    assert total["weight"].sum() == (rows["source"] != rows["target"]).sum()

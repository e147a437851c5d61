"""The files of a scan agree with each other and do not change with the clock.

- edges.csv, network.gexf and network.graphml hold one edge set (regression: the GEXF held the
  edges touching flagged accounts, edges.csv the repeated-evidence ones);
- the GEXF header is dated by the data, not by today (regression: ``lastmodifieddate`` was
  today's date, so the same scan gave different bytes on different days);
- network.graphml opens in igraph and networkx;
- edges.csv lists what each pair shared; account_stats.csv matches a brute-force reference;
- report.json examples carry the post ids they show.
"""

from __future__ import annotations

import time

import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detector.pipeline import write_outputs
from detector.report.account_stats import account_stats, nearest_other_gap
from detector.report.outputs import network_edges

FILES = ("report.json", "accounts.csv", "account_stats.csv", "clusters.csv", "edges.csv", "network.gexf",
         "network.graphml")


@pytest.fixture(scope="module")
def written(scenario_scan, tmp_path_factory):
    out = tmp_path_factory.mktemp("scan")
    write_outputs(scenario_scan, out, html=False)
    return out


def _pairs(a, b):
    return {tuple(sorted((str(x), str(y)))) for x, y in zip(a, b, strict=True)}


def test_csv_gexf_and_graphml_hold_one_edge_set(scenario_scan, written):
    csv = pd.read_csv(written / "edges.csv", dtype={"account_a": str, "account_b": str})
    gexf = nx.read_gexf(written / "network.gexf")
    graphml = nx.read_graphml(written / "network.graphml")
    want = _pairs(csv["account_a"], csv["account_b"])
    assert want and len(want) == len(csv)
    assert _pairs(*zip(*gexf.edges(), strict=True)) == want
    # networkx keys GraphML nodes by igraph's n0, n1...: compare through the name attribute
    named = {tuple(sorted((graphml.nodes[a]["name"], graphml.nodes[b]["name"]))) for a, b in graphml.edges()}
    assert named == want
    flagged = set(scenario_scan.scored.loc[scenario_scan.scored["flagged"], "account_id"])
    assert flagged <= set(gexf.nodes)


def test_graphml_opens_in_igraph_with_node_attributes(scenario_scan, written):
    g = ig.Graph.Read_GraphML(str(written / "network.graphml"))
    csv = pd.read_csv(written / "edges.csv", dtype={"account_a": str, "account_b": str})
    assert g.ecount() == len(csv)
    assert {"name", "label", "score", "flagged", "cluster_id"} <= set(g.vs.attributes())
    assert {"weight", "layers"} <= set(g.es.attributes())
    scored = scenario_scan.scored.set_index("account_id")
    for v in g.vs:
        assert bool(v["flagged"]) == bool(scored.loc[v["name"], "flagged"])


def test_same_scan_same_bytes_on_another_day(scenario_scan, written, tmp_path, monkeypatch):
    real = time.strftime

    def another_day(fmt, t=None):  # the clock says 2031; explicit times are formatted as usual
        return real(fmt, time.gmtime(1_941_000_000) if t is None else t)

    monkeypatch.setattr(time, "strftime", another_day)
    write_outputs(scenario_scan, tmp_path, html=False)
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (written / name).read_bytes(), name
    last = int(scenario_scan.events["ts"].max())
    assert f'lastmodifieddate="{real("%Y-%m-%d", time.gmtime(last))}"' in (written / "network.gexf").read_text()


def test_edges_csv_says_what_each_pair_shared(scenario_scan, written):
    csv = pd.read_csv(written / "edges.csv", dtype=str, keep_default_na=False)
    shares = scenario_scan.shares
    by_kind = {k: set(zip(t["account_id"].astype(str), t["object_id"].astype(str), strict=True))
               for k, t in shares.items()}
    listed = 0
    for row in csv.itertuples(index=False):
        objs = [o for o in row.shared_objects.split("|") if o]
        assert len(objs) <= min(5, int(row.n_shared_objects))
        for item in objs:
            kind, obj = item.split(":", 1)
            assert (row.account_a, obj) in by_kind[kind] and (row.account_b, obj) in by_kind[kind], item
            listed += 1
        if "repost" in row.layers.split("|"):
            assert objs, row  # a repost co-action names the reposted post
    assert listed > 0


def _gap_reference(objects, accounts, ts):
    out = []
    for i in range(len(ts)):
        gaps = [abs(ts[j] - ts[i]) for j in range(len(ts)) if objects[j] == objects[i] and accounts[j] != accounts[i]]
        out.append(min(gaps) if gaps else np.inf)
    return np.array(out, dtype=float)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(0, 50)), max_size=40))
def test_nearest_other_gap_matches_brute_force(rows):
    rows = sorted(rows, key=lambda r: (r[0], r[2]))
    objects = np.array([f"o{r[0]}" for r in rows], dtype=object)
    accounts = np.array([f"a{r[1]}" for r in rows], dtype=object)
    ts = np.array([r[2] for r in rows], dtype=np.int64)
    np.testing.assert_array_equal(nearest_other_gap(objects, accounts, ts), _gap_reference(objects, accounts, ts))


def test_account_stats_against_the_share_tables(scenario_scan, written):
    stats = pd.read_csv(written / "account_stats.csv", dtype={"account_id": str})
    shares = scenario_scan.shares
    assert stats["shares"].sum() == sum(len(t) for t in shares.values())
    assert stats["account_id"].is_monotonic_increasing and stats["account_id"].is_unique
    assert ((stats["coordinated_shares"] <= stats["shares"]) & stats["coordinated_share"].between(0, 1)).all()
    # recompute one account by hand over every layer
    windows = {k: v["window_s"] for k, v in scenario_scan.report["parameters"]["coaction_layers"].items()}
    acc = stats.sort_values("coordinated_shares").iloc[-1]["account_id"]
    gaps = []
    for kind, t in shares.items():
        t = t.sort_values(["object_id", "ts"])
        mine = t[t["account_id"].astype(str) == acc]
        for obj, ts in zip(mine["object_id"], mine["ts"], strict=True):
            other = t[(t["object_id"] == obj) & (t["account_id"].astype(str) != acc)]["ts"]
            if len(other) and kind in windows and (d := int((other - ts).abs().min())) <= windows[kind]:
                gaps.append(d)
    row = stats.set_index("account_id").loc[acc]
    assert row["coordinated_shares"] == len(gaps) > 0
    assert row["median_gap_s"] == pytest.approx(float(np.median(gaps)))
    partners = scenario_scan.edges[(scenario_scan.edges["account_a"] == acc) | (scenario_scan.edges["account_b"] == acc)]
    assert row["partners"] == len(partners)
    empty = account_stats(scenario_scan, {}, {})
    assert (empty["coordinated_shares"] == 0).all()  # no window, nothing coordinated


def test_report_examples_carry_post_ids(scenario_scan):
    ev = scenario_scan.events.set_index("event_id")
    clusters = scenario_scan.report["clusters"]
    assert clusters
    for c in clusters:
        for sample in c["sample_texts"]:
            assert ev.loc[sample["event_id"], "text"] == sample["text"]
            assert int(ev.loc[sample["event_id"], "ts"]) == sample["ts"]
        for action in c["actions"]:
            assert int(ev.loc[action["event_id"], "ts"]) == action["ts"]
        for obj in c["top_objects"]:
            assert 1 <= len(obj["event_ids"]) <= 3 and set(obj["event_ids"]) <= set(ev.index)


def test_network_edges_is_repeated_evidence_plus_what_touches_flags(scenario_scan):
    from detector.scoring.combine import repeated_mask

    edges = scenario_scan.edges
    chosen = network_edges(scenario_scan)
    rep = edges[repeated_mask(edges)]
    assert _pairs(rep["account_a"], rep["account_b"]) <= _pairs(chosen["account_a"], chosen["account_b"])
    flagged = set(scenario_scan.scored.loc[scenario_scan.scored["flagged"], "account_id"])
    touching = edges[edges["account_a"].isin(flagged) | edges["account_b"].isin(flagged)]
    assert _pairs(touching["account_a"], touching["account_b"]) <= _pairs(chosen["account_a"], chosen["account_b"])


def _edge_objects_reference(edges, layers, k=5):
    """The previous edge_objects: a Python join per pair over the layers in name order."""
    rows = {}
    for name, frame in sorted(layers.items()):
        if frame is None or frame.empty or "objects" not in frame.columns or "n_objects" not in frame.columns:
            continue
        for a, b, objs, n in zip(frame["account_a"].astype(str), frame["account_b"].astype(str),
                                 frame["objects"].fillna("").astype(str), frame["n_objects"], strict=True):
            labels, total = rows.setdefault((a, b), ([], [0]))
            labels.extend(f"{name}:{o}" for o in objs.split("|") if o)
            total[0] += int(n)
    shared, counts = [], []
    for a, b in zip(edges["account_a"].astype(str), edges["account_b"].astype(str), strict=True):
        labels, total = rows.get((a, b), ([], [0]))
        shared.append("|".join(labels[:k]))
        counts.append(total[0])
    return shared, counts


_ids = st.sampled_from(["a", "b", "c", "d", "=e", "f|g"[:1], "h"])
_objs = st.lists(st.sampled_from(["1", "2", "x:y", "", "=9", "o"]), max_size=7).map("|".join)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(_ids, _ids), min_size=1, max_size=12, unique=True),
    st.dictionaries(st.sampled_from(["repost", "url", "hashtag"]),
                    st.lists(st.tuples(_ids, _ids, _objs, st.integers(0, 9)), max_size=10), max_size=3),
    st.integers(1, 6),
    st.sampled_from([1, 2, 5, 500_000]),
)
def test_edge_objects_matches_the_per_pair_reference(pairs, layer_rows, k, block):
    import detector.report.outputs as outputs
    from detector.report.outputs import edge_objects

    edges = pd.DataFrame({"account_a": [a for a, _ in pairs], "account_b": [b for _, b in pairs],
                          "weight": np.ones(len(pairs))}, index=np.arange(len(pairs))[::-1] * 3)  # a selection's index
    layers = {}
    for name, rows in layer_rows.items():
        uniq = list({(a, b): (a, b, o, n) for a, b, o, n in rows}.values())  # one row per pair in a layer
        layers[name] = pd.DataFrame(uniq, columns=["account_a", "account_b", "objects", "n_objects"])
    rows = np.arange(len(edges))[::2]  # a selection, written block by block (edges.csv)
    before, outputs.EDGE_OBJECTS_BLOCK_ROWS = outputs.EDGE_OBJECTS_BLOCK_ROWS, block  # edge rows per Arrow block
    try:
        out = edge_objects(edges, layers, k=k)
        blocks = list(outputs.edge_object_blocks(edges, layers, rows, k=k))
    finally:
        outputs.EDGE_OBJECTS_BLOCK_ROWS = before
    shared, counts = _edge_objects_reference(edges, layers, k=k)
    assert out["shared_objects"].tolist() == shared
    assert out["n_shared_objects"].tolist() == counts
    assert out["n_shared_objects"].dtype == np.int64
    assert len(blocks) == max(1, -(-len(rows) // block))
    pd.testing.assert_frame_equal(pd.concat(blocks), edge_objects(edges.iloc[rows], layers, k=k))


def test_edges_csv_and_graphs_do_not_depend_on_the_block_size(scenario_scan, written, tmp_path, monkeypatch):
    """edges.csv is written in blocks of edge rows: small blocks give the same bytes."""
    import detector.report.outputs as outputs

    monkeypatch.setattr(outputs, "EDGE_OBJECTS_BLOCK_ROWS", 7)
    write_outputs(scenario_scan, tmp_path, html=False)
    for name in ("edges.csv", "network.gexf", "network.graphml"):
        assert (tmp_path / name).read_bytes() == (written / name).read_bytes(), name

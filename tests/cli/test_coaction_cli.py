"""``detector coordination`` end to end (synthetic tables through a monkeypatched ``load_inputs``; real files too)."""

from __future__ import annotations

import importlib
import json
from types import SimpleNamespace

import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd
import pytest
from _paths import SHARED_DATA
from click.testing import CliRunner

from detector.schema import events_from_records

DATA = SHARED_DATA / "coortweet"


def synthetic_events() -> pd.DataFrame:
    """Two coordinated groups retweeting together within seconds, plus organic noise."""
    rng = np.random.default_rng(11)
    recs = []
    k = 0
    for g, group in enumerate([["g1a", "g1b", "g1c", "g1d"], ["g2a", "g2b", "g2c"]]):
        for post in range(6):
            t0 = 10_000 * (post + 1) + g * 500
            for acc in group:
                recs.append({"event_id": f"e{k}", "account_id": acc, "ts": t0 + int(rng.integers(0, 5)),
                             "kind": "repost", "target_event_id": f"p{g}_{post}"})
                k += 1
    for i in range(60):
        recs.append({"event_id": f"e{k}", "account_id": f"org{i % 20}", "ts": int(rng.integers(0, 100_000)),
                     "kind": "repost", "target_event_id": f"p{i % 7}_x"})
        k += 1
    return events_from_records(recs)


@pytest.fixture
def cli(monkeypatch):
    """The coordination command module, reading a synthetic table instead of its inputs."""
    module = importlib.import_module("detector.cli.cmd_coordination")
    events = synthetic_events()
    monkeypatch.setattr(module, "load_inputs", lambda *a, **k: SimpleNamespace(events=events, accounts=None))
    return module


def run(cli, args):
    result = CliRunner().invoke(cli.command, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_default_outputs(cli, tmp_path):
    out = tmp_path / "out"
    text = run(cli, ["in.jsonl", "--object", "repost", "--window", "10", "-o", str(out)])
    assert "window 10 s (given)" in text and "clusters" in text
    assert sorted(p.name for p in out.iterdir()) == [
        "clusters.csv", "edges.csv", "network.gexf", "network.graphml", "pairs.parquet"]
    edges = pd.read_csv(out / "edges.csv")
    assert (edges["account_a"] < edges["account_b"]).all()
    accounts = set(edges["account_a"]) | set(edges["account_b"])
    assert {"g1a", "g1b", "g1c", "g1d", "g2a", "g2b", "g2c"} <= accounts
    clusters = pd.read_csv(out / "clusters.csv")
    members = [set(m.split("|")) for m in clusters["members"]]
    assert {"g1a", "g1b", "g1c", "g1d"} in members and {"g2a", "g2b", "g2c"} in members
    pairs = pd.read_parquet(out / "pairs.parquet")
    assert len(pairs) >= 6 * (6 + 3)
    g = ig.Graph.Read_GraphML(str(out / "network.graphml"))
    assert g.ecount() == len(edges) and "cluster_id" in g.vs.attributes()
    assert nx.read_gexf(out / "network.gexf").number_of_edges() == len(edges)


def test_json_summary_auto_window_and_coortweet(cli, tmp_path):
    text = run(cli, ["in.jsonl", "-o", str(tmp_path / "a"), "--json", "--fast-window", "2"])
    summary = json.loads(text)
    info = summary["layers"]["coaction"]
    assert "auto" in info["window_method"] and "clamped to [10, 600] s" in info["window_method"]  # the scan's policy
    assert summary["edges"] == info["edges"]
    text = run(cli, ["in.jsonl", "-o", str(tmp_path / "b"), "--json", "--semantics", "coortweet", "--window", "10"])
    info = json.loads(text)["layers"]["coaction"]
    assert info["semantics"] == "coortweet" and info["window_s"] == 10
    edges = pd.read_csv(tmp_path / "b" / "edges.csv")
    assert list(edges.columns)[:2] == ["from", "to"] and "edge_symmetry_score" in edges.columns


def test_timing_layer_finds_synchronised_posters_without_shared_objects(cli, monkeypatch, tmp_path):
    """Two accounts posting their own texts on one schedule (5 s apart, 40 times) share no object:
    co-action alone cannot link them, the timing layer must."""
    rng = np.random.default_rng(3)
    recs = []
    for i, t in enumerate(np.sort(rng.choice(np.arange(0, 86_400 * 3, 60), size=40, replace=False))):
        recs.append({"event_id": f"s{i}a", "account_id": "sync_a", "ts": int(t), "kind": "post"})
        recs.append({"event_id": f"s{i}b", "account_id": "sync_b", "ts": int(t) + 5, "kind": "post"})
    for j in range(300):
        recs.append({"event_id": f"h{j}", "account_id": f"human{j % 15}", "kind": "post",
                     "ts": int(rng.integers(0, 86_400 * 3))})
    events = pd.concat([synthetic_events(), events_from_records(recs)], ignore_index=True)
    monkeypatch.setattr(cli, "load_inputs", lambda *a, **k: SimpleNamespace(events=events, accounts=None))
    out = tmp_path / "t"
    summary = json.loads(run(cli, ["in.jsonl", "--evidence", "coaction", "--evidence", "timing",
                                   "--window", "10", "-o", str(out), "--json"]))
    assert set(summary["layers"]) == {"coaction", "timing"}
    edges = pd.read_csv(out / "edges.csv")
    pair = edges[(edges["account_a"] == "sync_a") & (edges["account_b"] == "sync_b")]
    assert len(pair) == 1 and "timing" in pair["layers"].iloc[0]
    assert not edges["account_a"].str.startswith("human").any()


def test_unknown_object_is_a_clean_error(cli, tmp_path):
    result = CliRunner().invoke(cli.command, ["in.jsonl", "--object", "nope", "-o", str(tmp_path)])
    assert result.exit_code != 0
    assert "unknown object" in result.output


@pytest.mark.skipif(not DATA.is_dir(), reason="needs ../shared/data")
@pytest.mark.parametrize(
    ("source", "args", "ref"),
    [
        ("russian_coord_tweets.csv.gz", ["--window", "60"], "russian_tw60_mp2"),
        ("german_elections.csv.gz", ["--object", "url_ids", "--window", "60"], "german_urls_all_tw60_mp2"),
    ],
)
def test_real_reader_reproduces_coortweet(tmp_path, source, args, ref):
    """Raw file -> reader -> share table (input order) -> coortweet semantics == CooRTweet's edges."""
    from detector.cli import main

    result = CliRunner().invoke(main, ["coordination", str(DATA / source), *args, "--semantics", "coortweet",
                                       "-o", str(tmp_path), "-q"])
    assert result.exit_code == 0, result.output
    edges = pd.read_csv(tmp_path / "edges.csv", dtype={"from": str, "to": str})
    want = pd.read_csv(DATA / f"ref_{ref}_edges.csv.gz", dtype={"from": str, "to": str})
    cols = ["from", "to", "weight", "n_content_id", "n_content_id_y", "weight_threshold"]
    assert sorted(map(tuple, edges[cols].to_numpy().tolist())) == sorted(map(tuple, want[cols].to_numpy().tolist()))


def test_extra_layer_is_one_builder(cli, monkeypatch, tmp_path):
    """A second layer plugs in through LAYER_BUILDERS and sees the layers built before it."""
    seen = {}

    def build_echo(events, options, built):
        seen["built"] = list(built)
        edges = built["coaction"].edges[["account_a", "account_b"]].head(3).assign(weight=1.0)
        return cli.Layer(edges=edges, info={"edges": len(edges)})

    monkeypatch.setitem(cli.LAYER_BUILDERS, "echo", build_echo)
    options = {"object": "repost", "window": 10, "min_participation": 2, "keep_loops": False,
               "edge_percentile": None, "fast_window": None, "max_pairs_per_object": 5_000_000,
               "semantics": "default"}
    layers = cli.build_layers(synthetic_events(), ("echo", "coaction"), options)
    assert list(layers) == ["coaction", "echo"] and seen["built"] == ["coaction"]
    edges = cli.network_edges(layers)
    assert "layers" in edges.columns
    written = cli._write_outputs(tmp_path, layers, edges, seed=0)
    clusters = pd.read_csv(tmp_path / "clusters.csv")
    assert written["clusters"] == len(clusters)
    assert any("echo" in str(v) for v in clusters["evidence_types"])

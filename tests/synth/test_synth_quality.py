"""benchmarks/quality.py: adapters and robustness (a missing or failing detector is a row, not a crash)."""

from __future__ import annotations

import importlib.util
import json

import pandas as pd
import pytest
from _paths import ROOT

ROOT = ROOT


@pytest.fixture(scope="module")
def quality():
    spec = importlib.util.spec_from_file_location("quality_bench", ROOT / "benchmarks" / "quality.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_edges_to_scores(quality):
    edges = pd.DataFrame({"account_a": ["a", "a", "c"], "account_b": ["b", "c", "d"], "weight": [2.0, 1.0, 1.0]})
    s = quality.edges_to_scores(edges).set_index("account_id")
    assert s.loc["a", "score"] == 1.0  # strength 3 = max
    assert s.loc["b", "score"] == pytest.approx(2 / 3)
    assert s["flagged"].all()
    assert s["cluster_id"].notna().all()
    empty = quality.edges_to_scores(edges.iloc[:0])
    assert list(empty.columns) == ["account_id", "score", "flagged", "cluster_id"] and len(empty) == 0


def test_missing_and_failing_detectors_are_reported(quality, monkeypatch):
    def missing(events, accounts, officials):
        raise quality.Missing("detector.nothing not importable")

    def broken(events, accounts, officials):
        raise RuntimeError("boom")

    monkeypatch.setitem(quality.DETECTORS, "missing_one", missing)
    monkeypatch.setitem(quality.DETECTORS, "broken_one", broken)
    run = quality.run_one("easy", 0, 400, 2, ["baseline_young", "missing_one", "broken_one"])
    det = run["detectors"]
    assert det["baseline_young"]["status"] == "ok" and 0.0 <= det["baseline_young"]["f1"] <= 1.0
    assert det["missing_one"]["status"] == "missing"
    assert det["broken_one"]["status"] == "error" and "boom" in det["broken_one"]["error"]
    summary = quality.summarise([run])
    assert summary["broken_one"]["easy"]["status"] == "error"
    assert summary["baseline_young"]["easy"]["seeds"] == 1


def test_main_writes_scoreboard(quality, tmp_path, capsys):
    out = tmp_path / "q.json"
    code = quality.main(["--quick", "--difficulties", "easy", "--accounts", "400", "--days", "2",
                         "--detectors", "baseline_young,baseline_fast_rt", "--out", str(out)])
    assert code == 0
    board = json.loads(out.read_text())
    assert board["runs"][0]["detectors"]["baseline_fast_rt"]["status"] == "ok"
    assert "per_strategy" in board["runs"][0]["detectors"]["baseline_young"]
    assert "baseline_young" in capsys.readouterr().out

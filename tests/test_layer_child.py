"""A layer built in a child process (:mod:`detector.evidence.layer_child`) gives the same scan.

Near-duplicates read base inputs only, so a large scan builds them in a child process while
co-action runs; forcing the child on a small scan must give the same bytes in every output
as building them in this process, and a child that cannot build falls back to this process.
"""

from __future__ import annotations

import pytest
from test_pipeline_scenario import scenario

from detector.evidence import layer_child
from detector.evidence.layers import registered_layers
from detector.pipeline import run_scan, write_outputs

OUTPUTS = ("report.json", "accounts.csv", "clusters.csv", "edges.csv", "network.gexf", "text_posts.csv")


@pytest.fixture(scope="module")
def data():
    events, accounts, _ = scenario(seed=3)
    return events, accounts


def _scan(events, accounts, out, monkeypatch, min_events):
    monkeypatch.setattr(layer_child, "LAYER_CHILD_MIN_EVENTS", min_events)
    write_outputs(run_scan(events, accounts), out, html=False)


def test_neardup_is_detachable() -> None:
    names = [layer.name for layer in registered_layers() if layer_child.detachable(layer)]
    assert names == ["neardup"]  # timing reads the layers built before it: never detached


def test_child_layer_same_bytes(data, tmp_path, monkeypatch) -> None:
    events, accounts = data
    started = []
    real = layer_child.start_layer
    monkeypatch.setattr(layer_child, "start_layer", lambda layer, ctx: started.append(real(layer, ctx)) or started[-1])
    _scan(events, accounts, tmp_path / "child", monkeypatch, 0)
    assert [d.layer.name for d in started] == ["neardup"] and started[0].from_child
    _scan(events, accounts, tmp_path / "here", monkeypatch, 10**12)
    assert len(started) == 1  # not started below the threshold
    for name in OUTPUTS:
        assert (tmp_path / "child" / name).read_bytes() == (tmp_path / "here" / name).read_bytes(), name


def test_failed_child_falls_back(data, tmp_path, monkeypatch) -> None:
    events, accounts = data
    monkeypatch.setattr(layer_child.sys, "executable", "/nonexistent/python")  # the child cannot start
    _scan(events, accounts, tmp_path / "fallback", monkeypatch, 0)
    _scan(events, accounts, tmp_path / "here", monkeypatch, 10**12)
    assert (tmp_path / "fallback" / "report.json").read_bytes() == (tmp_path / "here" / "report.json").read_bytes()

"""The evidence-layer registry and ScanParams validation (detector.evidence.layers, detector.params).

Adding a layer is one registration: the trivial layer below touches this file only, and its
edges reach the combined network, the clusters' evidence, edges.csv and report.json.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from detector.evidence.layers import (
    EvidenceLayer,
    LayerError,
    register_layer,
    registered,
    registered_layers,
    unregister_layer,
)
from detector.params import InvalidParameterError, ScanParams, validate_params
from detector.pipeline import run_scan, write_outputs


def _same_language_edges(ctx):
    """Toy layer: campaign accounts c000..c003 tied pairwise (what a real layer would compute)."""
    ids = sorted(a for a in ctx["events"]["account_id"].astype(str).unique() if a < "c004" and a.startswith("c"))
    pairs = [(a, b) for i, a in enumerate(ids) for b in ids[i + 1:]]
    edges = pd.DataFrame(pairs, columns=["account_a", "account_b"]).assign(weight=3.0, n_objects=3)
    ctx.info["same_language"] = {"edges": len(edges)}
    return {"same_language": edges}


TOY = EvidenceLayer(
    "same_language",
    _same_language_edges,
    inputs=("events",),
    edges=("same_language",),
    description="posted in the same rare language",
    prior=0.5,
    repeated=True,
)


def test_one_registration_adds_a_layer_end_to_end(scenario_data, tmp_path):
    events, accounts, _ = scenario_data
    with registered(TOY):
        assert registered_layers()[-1] is TOY
        res = run_scan(events, accounts, params=ScanParams(timing=False))
        write_outputs(res, tmp_path, html=False)
    assert TOY not in registered_layers()  # the with block cleaned up
    assert len(res.layers["same_language"]) == 6
    assert res.report["methods"]["layers"]["same_language"] == {
        "edges": 6, "description": "posted in the same rare language"}
    assert "w_same_language" in res.edges.columns
    tied = res.edges[res.edges["w_same_language"] > 0]
    assert len(tied) == 6 and tied["layers"].str.contains("same_language").all()
    edges_csv = pd.read_csv(tmp_path / "edges.csv", dtype=str)
    assert edges_csv["layers"].str.contains("same_language").sum() == 6  # repeated=True: exported


def test_registration_checks_inputs_names_and_outputs(scenario_data):
    with pytest.raises(LayerError, match="already registered"):
        register_layer(EvidenceLayer("neardup", _same_language_edges))
    with pytest.raises(LayerError, match="reads nowhere: no layer registered before it"):
        register_layer(EvidenceLayer("x", _same_language_edges, inputs=("nowhere",)))
    with pytest.raises(LayerError, match="reads features"):  # features come after neardup
        register_layer(EvidenceLayer("x", _same_language_edges, inputs=("features",)), before="neardup")
    undeclared = EvidenceLayer("undeclared", _same_language_edges, edges=("other",))
    events, accounts, _ = scenario_data
    with registered(undeclared), pytest.raises(LayerError, match="returned 'same_language', which it does not declare"):
        run_scan(events, accounts, params=ScanParams(timing=False))
    with pytest.raises(LayerError, match="no registered evidence layer"):
        unregister_layer("undeclared")


def test_builtin_layers_declare_inputs_windows_and_outputs():
    by_name = {layer.name: layer for layer in registered_layers()}
    assert list(by_name) == ["coaction", "neardup", "timing", "features", "url_recurring", "domain_recurring"]
    assert by_name["coaction"].window == "per object" and by_name["neardup"].window == "neardup"
    assert by_name["url_recurring"].window is None  # window-free evidence
    assert by_name["domain_recurring"].window is None
    assert set(by_name["domain_recurring"].outputs) == {"domain_shares", "domain_colinks"}
    assert "dup_event" in by_name["neardup"].outputs and "dup_event" in by_name["features"].inputs


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"flag_threshold": 1.5}, "ScanParams.flag_threshold must be a number in [0, 1], got 1.5"),
        ({"window": -3}, "ScanParams.window must be an integer >= 0 or None, got -3"),
        ({"objects": ("repost", "likes")}, "ScanParams.objects must be a non-empty tuple of distinct object kinds"),
        ({"min_participation": 0}, "ScanParams.min_participation must be an integer >= 1, got 0"),
        ({"timing": "yes"}, "ScanParams.timing must be True or False"),
        ({"since": 10, "until": 5}, "ScanParams.since (10) is after until (5)"),
    ],
)
def test_scan_params_are_validated_once_with_a_clear_message(scenario_data, kwargs, message):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        validate_params(ScanParams(**kwargs))
    events, accounts, _ = scenario_data
    with pytest.raises(InvalidParameterError):
        run_scan(events, accounts, params=ScanParams(**kwargs))


def test_valid_defaults_pass():
    assert validate_params(ScanParams()) == ScanParams()

"""Output consistency as properties checked on generated scans (detector.synth, two seeds/sizes).

Every generated scan must satisfy: edges.csv, network.gexf and network.graphml hold one edge
set; every flagged account with a tie is in the network files. The scoring-side properties (a
flagged cluster has flagged members or says why not; reasons do not contradict the numbers:
a flagged cluster is not "consistent with organic coordination", "within seconds" is not said
of a cluster whose median gap is an hour or more) are checked too.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest

from detector.params import ScanParams
from detector.pipeline import run_scan, write_outputs
from detector.synth import SynthConfig, generate

CASES = [(0, 300, 2), (7, 400, 1)]
"""(seed, accounts, days) of the generated scans."""


@pytest.fixture(scope="module", params=CASES, ids=lambda c: f"seed{c[0]}-{c[1]}acc-{c[2]}d")
def scan(request, tmp_path_factory):
    seed, accounts, days = request.param
    data = generate(SynthConfig(accounts=accounts, days=days, seed=seed))
    result = run_scan(data.events, data.accounts, params=ScanParams(timing=False, seed=seed))
    out = tmp_path_factory.mktemp(f"scan{seed}")
    write_outputs(result, out, html=False)
    return result, out


def _pairs(a, b):
    return {tuple(sorted((str(x), str(y)))) for x, y in zip(a, b, strict=True)}


def test_network_files_hold_one_edge_set(scan):
    result, out = scan
    csv = pd.read_csv(out / "edges.csv", dtype={"account_a": str, "account_b": str})
    want = _pairs(csv["account_a"], csv["account_b"])
    assert want
    gexf = nx.read_gexf(out / "network.gexf")
    assert {tuple(sorted(e)) for e in gexf.edges()} == want
    graphml = nx.read_graphml(out / "network.graphml")
    assert {tuple(sorted((graphml.nodes[a]["name"], graphml.nodes[b]["name"]))) for a, b in graphml.edges()} == want
    flagged = set(result.scored.loc[result.scored["flagged"], "account_id"])
    tied = set(result.edges["account_a"]) | set(result.edges["account_b"])
    assert flagged & tied <= set(gexf.nodes)  # a flagged account's ties can be looked at


def test_cluster_flags_and_reasons_agree_with_the_numbers(scan):
    result, _ = scan
    sc = result.scored
    for c in result.clusters[result.clusters["flagged"]].itertuples(index=False):
        members = sc[sc["cluster_id"] == c.cluster_id]
        assert members["flagged"].any() or any("no member" in r for r in c.reasons), (c.cluster_id, c.reasons)
        assert not any("consistent with organic coordination" in r for r in c.reasons), c.reasons
    for entry in result.report["clusters"]:
        gap = entry["median_gap_s"]
        if gap is not None and gap >= 3600:
            assert not any("within seconds" in r for r in entry["reasons"]), (gap, entry["reasons"])

"""Output consistency as properties over generated scans (detector.synth, several seeds and sizes).

For every generated scan: edges.csv, network.gexf and network.graphml hold one edge set; a
flagged cluster has flagged members or says why not; reasons do not contradict the numbers
next to them (a flagged cluster is not "consistent with organic coordination"; "within seconds
to minutes" is not said of a cluster whose median gap is an hour or more).
"""

from __future__ import annotations

import networkx as nx
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detector.params import ScanParams
from detector.pipeline import run_scan, write_outputs
from detector.synth import SynthConfig, generate

SCANS = st.builds(
    lambda seed, accounts, days: (seed, accounts, days),
    st.integers(0, 10_000), st.sampled_from([300, 400]), st.sampled_from([1, 2]),
)


def _scan(case, tmp_path_factory):
    seed, accounts, days = case
    data = generate(SynthConfig(accounts=accounts, days=days, seed=seed))
    result = run_scan(data.events, data.accounts, params=ScanParams(timing=False, seed=seed))
    out = tmp_path_factory.mktemp(f"scan{seed}")
    write_outputs(result, out, html=False)
    return result, out


def _pairs(a, b):
    return {tuple(sorted((str(x), str(y)))) for x, y in zip(a, b, strict=True)}


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=SCANS)
def test_generated_scans_are_consistent(case, tmp_path_factory):
    result, out = _scan(case, tmp_path_factory)
    # one edge set in the three network files
    csv = pd.read_csv(out / "edges.csv", dtype={"account_a": str, "account_b": str})
    want = _pairs(csv["account_a"], csv["account_b"])
    gexf = nx.read_gexf(out / "network.gexf")
    assert {tuple(sorted(e)) for e in gexf.edges()} == want
    graphml = nx.read_graphml(out / "network.graphml")
    assert {tuple(sorted((graphml.nodes[a]["name"], graphml.nodes[b]["name"]))) for a, b in graphml.edges()} == want
    # every flagged account with a tie is in the network files (its evidence can be looked at)
    flagged = set(result.scored.loc[result.scored["flagged"], "account_id"])
    tied = set(result.edges["account_a"]) | set(result.edges["account_b"])
    assert flagged & tied <= set(gexf.nodes)
    # a flagged cluster has flagged members or says why not
    sc = result.scored
    for c in result.clusters[result.clusters["flagged"]].itertuples(index=False):
        members = sc[sc["cluster_id"] == c.cluster_id]
        assert members["flagged"].any() or any("no member" in r for r in c.reasons), (c.cluster_id, c.reasons)
        # reasons do not contradict the flag
        assert not any("consistent with organic coordination" in r for r in c.reasons), c.reasons
    # reasons do not contradict the numbers
    for entry in result.report["clusters"]:
        gap = entry["median_gap_s"]
        if gap is not None and gap >= 3600:
            assert not any("within seconds" in r for r in entry["reasons"]), (gap, entry["reasons"])

"""Same input and seed -> same output bytes: two scans write identical files.

Run timings (which differ between runs) live in ``ScanResult.timings``, not in
``report.json``. Also checks that normalising texts once for the text layer
and near-duplicates gives the same layers as normalising inside each.
"""

from __future__ import annotations

import pandas as pd
import pytest
from test_pipeline_scenario import scenario

from detector.evidence.coaction import share_table
from detector.evidence.neardup import find_near_duplicates
from detector.pipeline import normalized_texts, run_scan, write_outputs

FILES = ("report.json", "accounts.csv", "clusters.csv", "edges.csv", "network.gexf")


@pytest.fixture(scope="module")
def data():
    return scenario(seed=1)


def test_two_scans_write_identical_bytes(data, tmp_path):
    events, accounts, _ = data
    first = run_scan(events, accounts)
    second = run_scan(events, accounts)
    write_outputs(first, tmp_path / "a", html=False)
    write_outputs(second, tmp_path / "b", html=False)
    for name in FILES:
        a = (tmp_path / "a" / name).read_bytes()
        b = (tmp_path / "b" / name).read_bytes()
        assert a == b, name
    assert "timings_s" not in first.report["methods"]
    assert set(first.timings) >= {"coaction", "neardup", "network", "scoring", "report", "total"}
    assert all(v >= 0 for v in first.timings.values())


def test_shared_normalised_text_changes_nothing(data):
    events = data[0].sort_values(["ts", "event_id"], kind="mergesort").reset_index(drop=True)
    # a few texts that normalisation changes (case, URLs, mentions, punctuation) and a missing one
    extra = events[events["kind"] != "repost"].head(4).copy()
    extra["event_id"] = [f"x{i}" for i in range(len(extra))]
    extra["text"] = pd.array(["RT @a: Hello WORLD!! https://t.co/x", "hello world", None, "Ünïcode ｆｕｌｌ width"],
                             dtype="string")[: len(extra)]
    events = pd.concat([events, extra], ignore_index=True)
    norm = normalized_texts(events)
    assert len(norm) == int((events["kind"] != "repost").sum())
    pd.testing.assert_frame_equal(share_table(events, "text"), share_table(events, "text", normalized_text=norm))
    # rows missing from the given normalisation are normalised on the spot
    partial = norm.iloc[::2]
    pd.testing.assert_frame_equal(share_table(events, "text"), share_table(events, "text", normalized_text=partial))
    plain = find_near_duplicates(events)
    shared = find_near_duplicates(events, normalized_text=norm)
    half = find_near_duplicates(events, normalized_text=partial)
    for other in (shared, half):
        pd.testing.assert_series_equal(plain.event_cluster, other.event_cluster)
        pd.testing.assert_frame_equal(plain.clusters, other.clusters)
        pd.testing.assert_frame_equal(plain.edges, other.edges)

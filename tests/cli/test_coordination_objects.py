"""``coordination --object`` names and window: documented names of known tables resolve, a name
nothing holds is a clear error listing the columns, and the window comes from the scan's policy.

Regression: on the German CooRTweet table (object columns ``url_id, hashtag_id, ...``, read into
``url_ids, hashtag_ids, ...``) ``--object hashtag`` silently found 0 edges.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from detector.cli import main
from detector.evidence.coaction import share_table
from detector.evidence.objects import resolve_object
from detector.evidence.windows import window_plan
from detector.io import read_inputs
from detector.schema import SchemaError


@pytest.fixture(scope="module")
def german(tmp_path_factory):
    """A small table in the German-elections shape: one row per (post, object)."""
    rows = []
    for post in range(8):  # four accounts use the same two hashtags within seconds, eight times
        t0 = 1_630_000_000 + post * 3600
        for k, acc in enumerate(["tw_a", "tw_b", "fb_c", "fb_d"]):
            pid = f"p{post}_{k}"
            rows.append({"account_id": acc, "post_id": pid, "url_id": "", "hashtag_id": f"h{post % 2}",
                         "domain_id": "", "phash_id": "", "timestamp": t0 + 3 * k})
            rows.append({"account_id": acc, "post_id": pid, "url_id": f"u{post}", "hashtag_id": "",
                         "domain_id": "d1", "phash_id": "", "timestamp": t0 + 3 * k})
    path = tmp_path_factory.mktemp("german") / "german.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_documented_names_resolve_on_the_german_table(german):
    events = read_inputs([str(german)]).events
    assert resolve_object(events, "hashtag") == "hashtag_ids"  # built-in hashtags empty: the alias
    assert resolve_object(events, "hashtag_id") == "hashtag_ids"  # the source column's own name
    assert resolve_object(events, "url") == "url_ids"
    assert resolve_object(events, "domain_id") == "domain_ids"
    assert len(share_table(events, resolve_object(events, "hashtag"))) == 32
    with pytest.raises(SchemaError, match="unknown object 'phash': no events carry it.*columns with values: .*hashtag_ids"):
        resolve_object(events, "phash")  # a known name, but every cell is empty
    with pytest.raises(SchemaError, match="columns with values: .*url_ids"):
        resolve_object(events, "likes")


def test_coordination_on_hashtag_finds_the_group(german, tmp_path):
    res = CliRunner().invoke(main, ["coordination", str(german), "--object", "hashtag", "-o", str(tmp_path), "--json", "-q"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.output)
    assert summary["object_column"] == "hashtag_ids" and summary["edges"] == 6  # 4 accounts, every pair
    bad = CliRunner().invoke(main, ["coordination", str(german), "--object", "likes", "-o", str(tmp_path / "x"), "-q"])
    assert bad.exit_code == 2 and "columns with values:" in bad.output and "hashtag_ids" in bad.output


def test_coordination_window_follows_the_scan_policy(german, tmp_path):
    events = read_inputs([str(german)]).events
    shares = share_table(events, "url_ids")
    want = window_plan({"url_ids": shares}).for_object("url_ids")
    res = CliRunner().invoke(main, ["coordination", str(german), "--object", "url", "-o", str(tmp_path), "--json", "-q"])
    info = json.loads(res.output)["layers"]["coaction"]
    assert (info["window_s"], info["window_method"]) == (want.window_s, want.method)
    assert "clamped to [10, 600] s" in want.method  # the raw estimate (3 s) is below the clamp
    assert info["window_s"] == 10

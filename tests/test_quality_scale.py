"""``benchmarks/quality_scale.py``: every campaign strategy and every non-campaign group gets its rate."""

from __future__ import annotations

import json
import sys

from _paths import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import quality_scale  # noqa: E402


def test_rates_per_strategy_and_group_on_a_small_population(tmp_path) -> None:
    out = tmp_path / "q.json"
    assert quality_scale.main(["--events", "8000", "--out", str(out)]) == 0
    res = json.loads(out.read_text())
    assert res["accounts"] == 457 and res["events"] > 0
    strategies = res["recall_by_strategy"]
    groups = res["flagged_share_by_group"]
    assert {"retweet_burst", "rotation", "slow_drip"} <= set(strategies)
    assert "organic" in groups and "strategy" not in groups
    for v in [*strategies.values(), *groups.values()]:
        assert 0 <= v["flagged"] <= v["n"] and v["rate"] == round(v["flagged"] / v["n"], 4)
    assert res["flagged"] >= sum(v["flagged"] for v in strategies.values())
    over = {g.split()[0] for g in res["groups_over_target"]}
    assert over == {g for g, v in groups.items() if v["rate"] > (0.005 if g == "organic" else 0.01)}

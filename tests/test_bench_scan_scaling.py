"""``benchmarks/bench_scan.py --sizes``: the time exponents and the per-size figures of its JSON."""

from __future__ import annotations

import argparse
import sys

import pytest
from _paths import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import bench_scan  # noqa: E402


def _run(events: int, wall: float, cpu_percent: float) -> dict:
    return {
        "events": events,
        "scan_and_write_s": wall,
        "scan_and_write_cpu_s": wall * cpu_percent / 100.0,
        "scan_and_write_cpu_percent": cpu_percent,
        "peak_rss_mb": events / 1000.0,
        "load_average_start": [1.0, 1.0, 1.0],
        "load_average_end": [1.5, 1.0, 1.0],
    }


def test_exponents_between_sizes_overall_and_fitted() -> None:
    # linear from 100k to 300k, then t ~ n^1.5 from 300k to 1.2M (given out of order)
    runs = [_run(1_200_000, 30.0 * 4**1.5, 150.0), _run(100_000, 10.0, 100.0), _run(300_000, 30.0, 120.0)]
    sc = bench_scan.scaling(runs)
    assert sc["events"] == [100_000, 300_000, 1_200_000]
    wall = sc["scan_and_write_s"]
    assert [s["exponent"] for s in wall["steps"]] == [1.0, 1.5]
    assert wall["overall"] == pytest.approx(1.279, abs=1e-3)  # ln(24) / ln(12)
    assert 1.0 < wall["fitted"] < 1.5
    assert sc["meets_target"] is False
    assert sc["cpu_percent_by_events"] == {"100000": 100.0, "300000": 120.0, "1200000": 150.0}
    cpu = sc["scan_and_write_cpu_s"]  # CPU seconds grow faster when the CPU % rises
    assert cpu["steps"][0]["exponent"] > 1.0


def test_one_size_has_no_exponent_and_sizes_parse() -> None:
    sc = bench_scan.scaling([_run(100_000, 10.0, 100.0)])
    assert sc["scan_and_write_s"]["overall"] is None and sc["scan_and_write_s"]["steps"] == []
    assert sc["meets_target"] is None
    assert bench_scan._sizes("300000,100000,1e6,100000") == [100_000, 300_000, 1_000_000]
    for bad in ("", "0,10", "a,b"):
        with pytest.raises(argparse.ArgumentTypeError):
            bench_scan._sizes(bad)

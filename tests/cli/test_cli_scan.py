"""The scan commands run as a user would: subprocess on real files, outputs checked."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from _paths import ROOT
from test_pipeline_scenario import scenario

from detector.io import write_canonical

ROOT = ROOT
SAMPLE = ROOT / "sample_data"


def _detector() -> list[str]:
    exe = Path(sys.executable).parent / "detector"
    if exe.exists():
        return [str(exe)]
    found = shutil.which("detector")
    if found:
        return [found]
    return [sys.executable, "-c", "from detector.cli import main; main()"]


def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "NUMBA_CACHE_DIR": os.environ.get("NUMBA_CACHE_DIR", "")}
    env = {k: v for k, v in env.items() if v}
    proc = subprocess.run([*_detector(), *args], capture_output=True, text=True, timeout=600, env=env)
    if check and proc.returncode != 0:
        raise AssertionError(f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
    return proc


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("scan_inputs")
    events, accounts, truth = scenario(seed=1)
    write_canonical(events, accounts, d / "events.parquet")
    truth.to_csv(d / "truth.csv", index=False)
    (d / "officials.csv").write_text("handle,country,role\nembassy_x,XX,embassy\n", encoding="utf-8")
    return d


def _check_outputs(out: Path) -> dict:
    for name in ("report.json", "accounts.csv", "clusters.csv", "edges.csv", "network.gexf"):
        assert (out / name).is_file(), name
    rep = json.loads((out / "report.json").read_text(encoding="utf-8"))
    for key in ("schema_version", "verdict", "timeline", "clusters", "accounts", "officials", "methods"):
        assert key in rep
    acc = pd.read_csv(out / "accounts.csv")
    assert {"account_id", "account_name", "score", "flagged", "cluster_id", "reasons"} <= set(acc.columns)
    for name in ("accounts.csv", "clusters.csv", "edges.csv"):
        with open(out / name, newline="", encoding="utf-8") as fh:
            for row in csv.reader(fh):
                assert not any(c.startswith(("=", "+", "@")) for c in row)
    return rep


def test_scan(files, tmp_path):
    out = tmp_path / "out"
    proc = run("scan", str(files / "events.parquet"), "-o", str(out), "--officials", str(files / "officials.csv"))
    rep = _check_outputs(out)
    assert (out / "report.html").is_file()
    assert proc.stdout.startswith("Verdict: ")
    assert rep["verdict"]["level"] in {"high", "medium"}
    assert rep["command"] == "scan"
    assert [o["account_name"] for o in rep["officials"]] == ["embassy_x"]
    acc = pd.read_csv(out / "accounts.csv", dtype={"account_id": str})
    flagged = set(acc.loc[acc["flagged"], "account_id"])
    assert flagged == {f"c{i:03d}" for i in range(12)}


def test_quiet_means_quiet(files, tmp_path):
    """Regression: ``-q`` printed the whole verdict; now nothing, and the verdict only with ``--json``."""
    for command in (["scan"], ["hashtag", "#diplomacy"], ["account", "@embassy_x"]):
        proc = run(*command, str(files / "events.parquet"), "-o", str(tmp_path / command[0]), "-q")
        assert proc.stdout == "", command
        assert (tmp_path / command[0] / "report.json").is_file()
    proc = run("scan", str(files / "events.parquet"), "-o", str(tmp_path / "j"), "-q", "--json")
    assert json.loads(proc.stdout)["verdict"]["level"] in {"high", "medium"}


def test_scan_json_and_filters(files, tmp_path):
    events = pd.read_parquet(files / "events.parquet")
    t0 = pd.Timestamp(int(events["ts"].min()) + 86400, unit="s", tz="UTC").isoformat()
    proc = run("scan", str(files / "events.parquet"), "-o", str(tmp_path / "o"), "--since", t0, "--window", "30", "--json", "-q")
    summary = json.loads(proc.stdout)
    assert summary["command"] == "scan"
    assert summary["timings_s"]["total"] > 0 and "coaction" in summary["timings_s"]
    rep = json.loads((tmp_path / "o" / "report.json").read_text())
    assert rep["parameters"]["window_used_s"] == 30
    assert rep["input_summary"]["first_ts"] >= int(events["ts"].min()) + 86400


def test_hashtag_verdict(files, tmp_path):
    out = tmp_path / "h"
    proc = run("hashtag", "#diplomacy", str(files / "events.parquet"), "-o", str(out))
    _check_outputs(out)
    text = proc.stdout
    assert text.startswith("#diplomacy: ")
    assert "Volume:" in text and "Busiest period:" in text
    assert "Share of activity from flagged accounts:" in text
    assert "Group " in text and "e.g. @" in text
    assert "@embassy_x" in text
    assert "not proof" in text


def test_account_verdict(files, tmp_path):
    out = tmp_path / "a"
    proc = run("account", "@embassy_x", str(files / "events.parquet"), "-o", str(out))
    rep = _check_outputs(out)
    assert rep["focus_summary"]["account_id"] == "emb"
    assert "Amplified" in proc.stdout
    assert "100% of the amplification came from flagged accounts" in proc.stdout


def test_train_then_scan_with_model(files, tmp_path):
    model = tmp_path / "model.pkl"
    proc = run("train", "--truth", str(files / "truth.csv"), str(files / "events.parquet"), "-o", str(model))
    assert model.is_file() and "Trained on" in proc.stdout
    out = tmp_path / "s"
    run("scan", str(files / "events.parquet"), "-o", str(out), "--model", str(model), "-q")
    rep = json.loads((out / "report.json").read_text())
    assert rep["parameters"]["model"] == str(model)


def test_bad_input_is_one_clean_error(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("this is not json\n", encoding="utf-8")
    proc = run("scan", str(bad), "-o", str(tmp_path / "o"), "-q", "--strict", check=False)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr


def test_help_documents_defaults():
    text = run("scan", "--help").stdout
    for word in ("--window", "--flag-threshold", "--officials", "--since", "--model", "Defaults and why"):
        assert word in text
    assert "TAG" in run("hashtag", "--help").stdout


def _sample_events() -> Path | None:
    if not SAMPLE.is_dir():
        return None
    for pattern in ("events*", "*.jsonl*", "*.json*", "*.csv*", "*.parquet"):
        hits = sorted(p for p in SAMPLE.glob(pattern) if "truth" not in p.name and "official" not in p.name)
        if hits:
            return hits[0]
    return None


@pytest.mark.skipif(_sample_events() is None, reason="sample_data/ not generated yet")
def test_hashtag_on_bundled_sample(tmp_path):
    """The README's embassy check on the shipped sample: the flooded hashtag is called out."""
    events = _sample_events()
    campaigns = SAMPLE / "campaigns.csv"
    tag = "news"
    if campaigns.exists():
        table = pd.read_csv(campaigns)
        flood = table.loc[table["strategy"] == "hashtag_flood", "tag"]
        tag = str(flood.iloc[0]) if len(flood) else str(table["tag"].iloc[0])
    args = ["hashtag", tag, str(events), "-o", str(tmp_path / "h")]
    if (SAMPLE / "officials.csv").exists():
        args += ["--officials", str(SAMPLE / "officials.csv")]
    proc = run(*args)
    assert proc.stdout.startswith(f"#{tag.lower()}: ")
    rep = _check_outputs(tmp_path / "h")
    assert rep["command"] == "hashtag" and rep["input_summary"]["events"] > 0
    if campaigns.exists():
        # a hashtag flooded by a campaign: at least one flagged group with example posts
        assert rep["verdict"]["level"] in {"medium", "high"}
        assert "Group " in proc.stdout and "e.g. @" in proc.stdout

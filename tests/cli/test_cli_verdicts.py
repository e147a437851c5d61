"""The focused commands answer their question, and no verdict is given without data (end to end).

Subprocess runs of ``detector`` on the hand-built scenario of test_pipeline_scenario (a
12-account campaign on #diplomacy/#peace amplifying @embassy_x, 30 fast k-pop fans, organic
users), plus one lonely post on #lonely. Exit statuses: 0 ok, 1 ``--fail-on`` reached,
3 not enough data.
"""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest
from _paths import ROOT
from test_cli_scan import run
from test_pipeline_scenario import scenario

from detector.io import write_canonical
from detector.report.links import LINK_PATTERN
from detector.schema import events_from_records

ROOT = ROOT
SAMPLE = ROOT / "sample_data" / "events.jsonl.gz"


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("verdict_inputs")
    events, accounts, _ = scenario(seed=1)
    lonely = events_from_records(
        [dict(event_id="lonely1", platform="twitter", account_id="o000", account_name=events["account_name"][0],
              ts=int(events["ts"].min()) + 60, kind="post", text="just me #lonely", hashtags=["lonely"])]
    )
    events = pd.concat([events, lonely], ignore_index=True)
    write_canonical(events, accounts, d / "events.parquet")
    (d / "officials.csv").write_text("handle,country,role\nembassy_x,XX,embassy\n", encoding="utf-8")
    return d


@pytest.fixture(scope="module")
def full_scan(files, tmp_path_factory):
    """One scan with every option of this issue: evidence pack, post links, --fail-on medium, -q."""
    out = tmp_path_factory.mktemp("full") / "out"
    proc = run("scan", str(files / "events.parquet"), "-o", str(out), "--officials", str(files / "officials.csv"),
               "--evidence-pack", "--link-posts", "--fail-on", "medium", "-q", check=False)
    return proc, out


def _report(out: Path) -> dict:
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


def _assert_insufficient(proc, out: Path) -> dict:
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "No sign" not in proc.stdout and "Not enough data" in proc.stdout
    rep = _report(out)
    assert rep["verdict"]["level"] == "insufficient"
    assert rep["focus_summary"]["match"]["sufficient"] is False
    return rep


def test_missing_hashtag_names_near_matches(files, tmp_path):
    proc = run("hashtag", "#sprot", str(files / "events.parquet"), "-o", str(tmp_path / "o"), check=False)
    rep = _assert_insufficient(proc, tmp_path / "o")
    assert "No posts carry #sprot" in proc.stdout
    assert "#sport" in proc.stdout and "similar spelling" in proc.stdout
    assert rep["verdict"]["near_matches"][0]["value"] == "#sport"


def test_hashtag_with_one_post(files, tmp_path):
    proc = run("hashtag", "lonely", str(files / "events.parquet"), "-o", str(tmp_path / "o"), check=False)
    rep = _assert_insufficient(proc, tmp_path / "o")
    assert "1 event(s) by 1 account(s)" in proc.stdout
    assert rep["focus_summary"]["match"]["reason"] == "too_little"


def test_handle_given_with_at_to_hashtag(files, tmp_path):
    proc = run("hashtag", "@embassy_x", str(files / "events.parquet"), "-o", str(tmp_path / "o"), check=False)
    _assert_insufficient(proc, tmp_path / "o")
    assert "detector account @embassy_x" in proc.stdout


def test_unknown_handle_with_at(files, tmp_path):
    proc = run("account", "@embassy_z", str(files / "events.parquet"), "-o", str(tmp_path / "o"), check=False)
    _assert_insufficient(proc, tmp_path / "o")
    assert "@embassy_x" in proc.stdout  # named as a near match


def test_time_range_without_events(files, tmp_path):
    proc = run("scan", str(files / "events.parquet"), "-o", str(tmp_path / "o"), "--since", "2030-01-01", check=False)
    _assert_insufficient(proc, tmp_path / "o")
    assert "No events in the time range 2030-01-01" in proc.stdout and "The input covers" in proc.stdout


def test_account_on_a_flagged_account(files, tmp_path):
    proc = run("account", "c000", str(files / "events.parquet"), "-o", str(tmp_path / "o"), "--json")
    summary = json.loads(proc.stdout)
    fs = summary["focus_summary"]
    assert fs["flagged"] is True and fs["account_verdict"]["level"] == "flagged"
    human = run("account", "c000", str(files / "events.parquet"), "-o", str(tmp_path / "h"))
    first = human.stdout.splitlines()[0]
    assert first.startswith(f"@{fs['account_name']} is FLAGGED (score ")
    assert fs["reasons"][0] in first  # the first line says why


def test_account_on_an_official(files, tmp_path):
    args = ["account", "@embassy_x", str(files / "events.parquet"), "-o", str(tmp_path / "o"),
            "--officials", str(files / "officials.csv")]
    human = run(*args)
    lines = human.stdout.splitlines()
    assert lines[0] == "@embassy_x is not flagged: declared official account (embassy, XX); official accounts are audited, never flagged."
    for jargon in ("PageRank", "in-strength", "betweenness"):
        assert jargon not in human.stdout
    fs = json.loads(run(*args, "--json").stdout)["focus_summary"]
    assert fs["official"]["pagerank_rank"] >= 1 and "in_strength" in fs["official"]  # numbers in --json
    assert fs["flagged_amplifiers"] + fs["unflagged_amplifiers"] == fs["amplifiers"]
    assert f"{fs['flagged_amplifiers']} flagged, {fs['unflagged_amplifiers']} not flagged" in human.stdout
    html = (tmp_path / "o" / "report.html").read_text(encoding="utf-8")
    assert "Declared official account" in html and "Whole conversation:" in html


def test_hashtag_groups_counted_inside_the_hashtag(files, tmp_path):
    proc = run("hashtag", "peace", str(files / "events.parquet"), "-o", str(tmp_path / "o"), "--json")
    groups = json.loads(proc.stdout)["focus_summary"]["groups"]
    assert groups
    # reference: the hashtag's events (posts carrying it + reactions to them), by cluster, from the files
    ev = pd.read_parquet(files / "events.parquet")
    has = ev["hashtags"].map(lambda h: h is not None and "peace" in list(h))
    ids = set(ev.loc[has, "event_id"])
    inside = ev[has | ev["target_event_id"].isin(ids)]
    acc = pd.read_csv(tmp_path / "o" / "accounts.csv", dtype={"account_id": str})
    cluster_of = acc.dropna(subset=["cluster_id"]).set_index("account_id")["cluster_id"].astype(int)
    for g in groups:
        mine = inside[inside["account_id"].map(cluster_of) == g["cluster_id"]]
        assert g["members_here"] == mine["account_id"].nunique()
        assert g["events_here"] == len(mine)
        assert g["size"] == int((cluster_of == g["cluster_id"]).sum())
    human = run("hashtag", "peace", str(files / "events.parquet"), "-o", str(tmp_path / "h")).stdout
    g = groups[0]
    assert f"Group {g['cluster_id']}: {g['members_here']} of its {g['size']} accounts posted here, {g['events_here']:,} events" in human


def test_fail_on_and_quiet(full_scan, files, tmp_path):
    proc, out = full_scan
    rep = _report(out)
    assert rep["verdict"]["level"] in {"medium", "high"}
    assert proc.returncode == 1  # --fail-on medium reached
    assert proc.stdout == "" and proc.stderr == ""  # -q: the exit status tells, the verdict only with --json
    ok = run("scan", str(files / "events.parquet"), "-o", str(tmp_path / "o"), "--officials",
             str(files / "officials.csv"), "-q", "--json", check=False)
    assert ok.returncode == 0  # no --fail-on: the verdict does not set the status
    assert json.loads(ok.stdout)["verdict"]["level"] == rep["verdict"]["level"]  # -q --json: only JSON
    organic = run("hashtag", "sport", str(files / "events.parquet"), "-o", str(tmp_path / "s"), "--fail-on", "low", "-q", check=False)
    level = _report(tmp_path / "s")["verdict"]["level"]
    assert organic.returncode == (1 if level in {"low", "medium", "high"} else 0)


def test_evidence_pack(full_scan):
    _, out = full_scan
    rep = _report(out)
    acc = pd.read_csv(out / "accounts.csv", dtype={"account_id": str})
    flagged = [c["cluster_id"] for c in rep["clusters"] if c["flagged"]]
    assert flagged
    for cid in flagged:
        folder = out / "evidence_pack" / f"cluster-{cid}"
        members = set(acc.loc[acc["cluster_id"] == cid, "account_id"])
        m = pd.read_csv(folder / "members.csv", dtype={"account_id": str})
        assert set(m["account_id"]) == members and m["reasons"].notna().all()
        posts = pd.read_csv(folder / "posts.csv", dtype={"account_id": str, "event_id": str})
        assert set(posts["account_id"]) <= members and len(posts) > 0
        assert "post_url" in posts.columns  # --link-posts; the scenario's ids ("e000123") are no tweet ids
        assert all(LINK_PATTERN.match(u) for u in posts["post_url"].dropna())
        nodes = {n.get("id") for n in ET.parse(folder / "subgraph.gexf").iter() if n.tag.endswith("node")}
        assert nodes and nodes <= members
        page = (folder / "cluster.html").read_text(encoding="utf-8")
        assert f"Cluster {cid}" in page and "Confidence:" in page and "When the accounts were created" in page
        with open(folder / "posts.csv", newline="", encoding="utf-8") as fh:
            for row in csv.reader(fh):
                assert not any(c.startswith(("=", "+", "@")) for c in row)


def test_report_confidence_and_creation_dates(full_scan):
    _, out = full_scan
    rep = _report(out)
    c = next(c for c in rep["clusters"] if c["flagged"])
    assert c["confidence"]["level"] in {"strong", "moderate", "weak"} and c["confidence"]["tests"]
    hist = rep["creation_dates"]["clusters"][str(c["cluster_id"])]
    assert abs(sum(hist["shares"]) - 1) < 1e-6 and hist["known"] == c["size"]
    assert "Confidence in words" in (out / "report.html").read_text(encoding="utf-8")


@pytest.mark.slow
@pytest.mark.skipif(not SAMPLE.exists(), reason="sample_data/events.jsonl.gz not present")
def test_scan_without_registry_flags_no_state_media_silently(tmp_path):
    """The README's scan without --officials: the sample's state media are presumed official, not flagged."""
    run("scan", str(SAMPLE), "-o", str(tmp_path / "o"), "-q")
    rep = _report(tmp_path / "o")
    acc = pd.read_csv(tmp_path / "o" / "accounts.csv")
    state = acc[acc["account_name"].str.endswith("statenews")]
    assert len(state) == 8 and not state["flagged"].any()
    presumed = {o["account_name"] for o in rep["officials"] if o["presumed"]}
    assert set(state["account_name"]) <= presumed
    assert rep["verdict"]["presumed_officials"] and any("presumed official" in d for d in rep["verdict"]["details"])

"""Writers: real export formats, deterministic bytes, round trip through detector.io, CLI, sample_data."""

from __future__ import annotations

import csv
import gzip
import json

import pandas as pd
import pytest
from _paths import ROOT
from click.testing import CliRunner

from detector.cli import main
from detector.synth import SynthConfig, generate
from detector.synth.writers import FORMATS, IO_COLUMNS, expanded_url, write_dataset, write_events

ROOT = ROOT
SAMPLE = ROOT / "sample_data"
SAMPLE_ARGS = ["--accounts", "1500", "--days", "7", "--seed", "2023", "--events-per-day", "1.0", "--gzip"]
"""The exact command that made sample_data/ (also in sample_data/README.md)."""


@pytest.fixture(scope="module")
def data():
    return generate(SynthConfig(accounts=500, days=3, seed=5))


def _compare(a: pd.DataFrame, b: pd.DataFrame, columns) -> None:
    a = a.set_index("event_id")
    b = b.set_index("event_id")
    assert set(a.index) == set(b.index)
    b = b.loc[a.index]
    for col in columns:
        left = a[col].astype(object).where(a[col].notna(), None).tolist()
        right = b[col].astype(object).where(b[col].notna(), None).tolist()
        bad = [i for i, (x, y) in enumerate(zip(left, right, strict=True)) if x != y]
        assert not bad, f"{col}: {len(bad)} rows differ, e.g. {left[bad[0]]!r} != {right[bad[0]]!r}"


COMMON = ["account_id", "account_name", "kind", "target_event_id", "text", "hashtags", "urls", "lang"]
CARRIED = {
    # columns each format carries exactly (io-archive: minute times, mentions as ids, no quote target account)
    "twitter-v2": COMMON + ["ts", "ts_ms", "target_account_id", "mentions"],
    "twitter-v1": COMMON + ["ts", "target_account_id", "mentions"],
    "io-archive": COMMON,
    "csv": COMMON + ["ts", "target_account_id", "mentions"],
}


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_through_readers(data, tmp_path, fmt):
    from detector.io import read_inputs

    path = write_events(data.events, data.accounts, tmp_path / f"ev_{fmt}.gz", fmt)
    result = read_inputs([str(path)], fmt=fmt)
    assert not result.log.problem_lines()
    _compare(data.events, result.events, CARRIED[fmt])
    if fmt == "io-archive":
        minute = data.events["ts"] // 60 * 60
        back = result.events.set_index("event_id").loc[data.events["event_id"], "ts"].to_numpy()
        assert (back == minute.to_numpy()).all()
    # sniffing recognises the format without --format
    assert len(read_inputs([str(path)]).events) == len(data.events)
    # profiles survive (for the authors of events)
    acc = result.accounts.set_index("account_id")
    ref = data.accounts.set_index("account_id").loc[acc.index]
    assert (acc["followers"].astype("Int64") == ref["followers"]).all()
    assert (acc["account_name"] == ref["account_name"]).all()


def test_gzip_bytes_deterministic(data, tmp_path):
    for fmt in FORMATS:
        a = write_events(data.events, data.accounts, tmp_path / f"a_{fmt}.gz", fmt).read_bytes()
        b = write_events(data.events, data.accounts, tmp_path / f"b_{fmt}.gz", fmt).read_bytes()
        assert a == b
        assert a[4:8] == b"\x00\x00\x00\x00", "gzip mtime is zero"
        plain = write_events(data.events, data.accounts, tmp_path / f"c_{fmt}", fmt).read_bytes()
        assert gzip.decompress(a) == plain


def test_twitter_v2_page_structure(data, tmp_path):
    path = write_events(data.events, data.accounts, tmp_path / "v2.jsonl", "twitter-v2", page_size=50)
    pages = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(pages) == -(-len(data.events) // 50)
    page = pages[0]
    assert set(page) >= {"data", "includes", "meta"}
    tweet = page["data"][0]
    assert {"id", "text", "author_id", "created_at", "conversation_id", "public_metrics"} <= set(tweet)
    assert tweet["created_at"].endswith("Z") and len(tweet["created_at"]) == 24
    user = page["includes"]["users"][0]
    assert {"id", "username", "name", "created_at", "description", "verified", "public_metrics"} <= set(user)
    assert set(user["public_metrics"]) >= {"followers_count", "following_count", "tweet_count"}
    # newest first, and every referenced tweet is included
    times = [t["created_at"] for p in pages for t in p["data"]]
    assert times == sorted(times, reverse=True)
    for p in pages:
        included = {t["id"] for t in p["includes"]["tweets"]}
        users = {u["id"] for u in p["includes"]["users"]}
        for t in p["data"]:
            assert t["author_id"] in users
            for ref in t.get("referenced_tweets", []):
                assert ref["type"] in ("retweeted", "quoted", "replied_to")
                assert ref["id"] in included
    rts = [t for p in pages for t in p["data"] if t.get("referenced_tweets", [{}])[0].get("type") == "retweeted"]
    assert rts and all(t["text"].startswith("RT @") for t in rts)
    tagged = [t for p in pages for t in p["data"] if t.get("entities", {}).get("hashtags")]
    for t in tagged[:50]:
        for h in t["entities"]["hashtags"]:
            assert t["text"][h["start"]:h["end"]] == "#" + h["tag"]


def test_io_archive_columns(data, tmp_path):
    path = write_events(data.events, data.accounts, tmp_path / "io.csv", "io-archive")
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0]) == IO_COLUMNS
    rt = [r for r in rows if r["is_retweet"] == "True"]
    assert rt and all(r["tweet_text"].startswith("RT @") and r["retweet_tweetid"] for r in rt)
    assert all(len(r["tweet_time"]) == 16 for r in rows)  # YYYY-MM-DD HH:MM
    tagged = [r for r in rows if r["hashtags"]]
    assert tagged and all(r["hashtags"].startswith("[") and r["hashtags"].endswith("]") for r in tagged)


def test_expanded_urls_normalise_back():
    from detector.schema import normalize_url

    for canon in ("example.org/a/b-1", "news.example/x?id=3", "asiabeat.example/world/a-b-c-12345"):
        for k in range(20):
            assert normalize_url(expanded_url(canon, str(k))) == canon


def test_write_dataset_files(data, tmp_path):
    paths = write_dataset(data, tmp_path / "out", "csv", compress=False)
    assert paths["events"].name == "events.csv"
    truth = pd.read_csv(paths["truth"], dtype=str)
    assert len(truth) == len(data.truth)
    off = pd.read_csv(paths["officials"], dtype=str)
    assert list(off.columns) == ["account_id", "handle", "country", "role", "name"]


def test_cli_generate(tmp_path):
    out = tmp_path / "g"
    res = CliRunner().invoke(main, ["generate", "-o", str(out), "--accounts", "400", "--days", "2", "--seed", "4",
                                    "--format", "io-archive", "--difficulty", "hard", "--json"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.output)
    assert summary["config"]["difficulty"] == "hard"
    assert (out / "events.csv").exists() and (out / "truth.csv").exists() and (out / "officials.csv").exists()
    bad = CliRunner().invoke(main, ["generate", "-o", str(out), "--accounts", "400", "--campaign-size", "80"])
    assert bad.exit_code != 0 and "organic" in bad.output


def test_sample_data_regenerates_identically(tmp_path):
    if not (SAMPLE / "events.jsonl.gz").exists():
        pytest.skip("sample_data/ not generated")
    res = CliRunner().invoke(main, ["generate", "-o", str(tmp_path), "-q", *SAMPLE_ARGS])
    assert res.exit_code == 0, res.output
    for name in ("events.jsonl.gz", "truth.csv", "officials.csv", "campaigns.csv"):
        assert (tmp_path / name).read_bytes() == (SAMPLE / name).read_bytes(), name
    total = sum(p.stat().st_size for p in SAMPLE.iterdir() if p.is_file())
    assert total < 3_000_000


def test_bytes_independent_of_python_hash_seed(tmp_path):
    """Set/dict iteration must not leak into the output: two processes, two hash seeds, same bytes."""
    import os
    import subprocess
    import sys

    outs = []
    for hash_seed in ("1", "2"):
        out = tmp_path / hash_seed
        code = ("from detector.synth import SynthConfig, generate; from detector.synth.writers import write_dataset; "
                f"write_dataset(generate(SynthConfig(accounts=400, days=2, seed=9)), {str(out)!r}, 'twitter-v2', True)")
        subprocess.run([sys.executable, "-c", code], check=True, env={**os.environ, "PYTHONHASHSEED": hash_seed})
        outs.append(out)
    for name in ("events.jsonl.gz", "truth.csv", "officials.csv"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes()

"""Readers on the real CooRTweet data in ../shared/data/coortweet (skipped when absent).

The data directory is ``$DETECTOR_SHARED_DATA`` or ``<repo>/../shared/data``.
Expected values are computed here from the source files with plain pandas,
independently of the readers.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from _paths import ROOT
from click.testing import CliRunner

from detector.cli import main
from detector.io import read_canonical_events, read_inputs, write_canonical

REPO = ROOT
DATA = Path(os.environ.get("DETECTOR_SHARED_DATA") or REPO / ".." / "shared" / "data") / "coortweet"
RUSSIAN = DATA / "russian_coord_tweets.csv.gz"
GERMAN = DATA / "german_elections.csv.gz"

pytestmark = [
    pytest.mark.shared_data,
    pytest.mark.skipif(
        not RUSSIAN.exists() or not GERMAN.exists(),
        reason=f"real data not found in {DATA} (set DETECTOR_SHARED_DATA or put ../shared/data beside the repo)",
    ),
]


@pytest.fixture(scope="module")
def german():
    return read_inputs(GERMAN)


@pytest.fixture(scope="module")
def german_source():
    return pd.read_csv(GERMAN, dtype=str)


def test_russian_all_35125_events_kept():
    result = read_inputs(RUSSIAN)
    source = pd.read_csv(RUSSIAN, dtype=str)
    assert len(source) == 35_125
    assert result.log.kept == len(result.events) == 35_125
    assert result.log.records_read == 35_125 and result.log.n_skipped == 0
    ev = result.events
    assert (ev["kind"] == "repost").all()
    assert ev["event_id"].tolist() == source["content_id"].tolist()
    assert ev["target_event_id"].tolist() == source["object_id"].tolist()
    assert ev["account_id"].tolist() == source["account_id"].tolist()
    assert ev["ts"].tolist() == source["timestamp_share"].astype("int64").tolist()
    assert len(result.accounts) == source["account_id"].nunique()


def test_cli_ingest_russian(tmp_path):
    out = tmp_path / "ru.parquet"
    res = CliRunner().invoke(main, ["ingest", str(RUSSIAN), "-o", str(out), "-q"])
    assert res.exit_code == 0, res.output
    res = CliRunner().invoke(main, ["ingest", str(RUSSIAN), "-o", str(out)])
    assert "events kept:  35,125" in res.output
    events, _ = read_canonical_events(out)
    assert len(events) == 35_125


def test_german_posts_and_counts(german, german_source):
    src = german_source
    with_id = src[src["post_id"].notna()]
    assert german.log.records_read == len(src)
    assert german.log.skipped == {"missing id": int(src["post_id"].isna().sum())}
    assert len(german.events) == with_id["post_id"].nunique()
    assert german.log.records_read == german.log.kept + german.log.n_skipped + german.log.merged
    platforms = german.events["platform"].value_counts().to_dict()
    first_acc = with_id.drop_duplicates("post_id")["account_id"]
    assert platforms["facebook"] == int(first_acc.str.startswith("fb_").sum())
    assert platforms["twitter"] == int(first_acc.str.startswith("tw_").sum())


@pytest.fixture(scope="module")
def german_parquet(german, tmp_path_factory):
    path = tmp_path_factory.mktemp("de") / "de.parquet"
    write_canonical(german.events, german.accounts, path)
    return read_canonical_events(path)


@pytest.mark.parametrize("column", ["url_id", "hashtag_id", "domain_id", "phash_id"])
def test_german_objects_round_trip(german, german_source, german_parquet, column):
    src = german_source[german_source["post_id"].notna()]
    expected = src.dropna(subset=[column]).groupby("post_id")[column].agg(frozenset).to_dict()
    out_col = column[:-3] + "_ids"
    got = {
        pid: frozenset(values)
        for pid, values in zip(german.events["event_id"], german.events[out_col], strict=True)
        if values
    }
    assert got == expected
    # each list holds distinct ids
    assert all(len(v) == len(set(v)) for v in german.events[out_col])
    # and the same lists come back from the canonical Parquet file
    events, _ = german_parquet
    assert events[out_col].tolist() == german.events[out_col].tolist()


def test_german_times_and_accounts(german, german_source):
    src = (
        german_source[german_source["post_id"].notna()]
        .drop_duplicates("post_id")
        .set_index("post_id")
    )
    ev = german.events.set_index("event_id")
    sample = ev.index[:: max(1, len(ev) // 500)]
    assert (
        ev.loc[sample, "ts"].to_numpy() == src.loc[sample, "timestamp"].astype("int64").to_numpy()
    ).all()
    assert (
        ev.loc[sample, "account_id"].to_numpy() == src.loc[sample, "account_id"].to_numpy()
    ).all()


def test_scan_of_a_retweet_only_export_says_what_it_could_not_check():
    # Real retweets only: no texts, no account creation dates. The verdict must not read as a
    # clean bill of health on evidence the input never carried.
    from detector.pipeline import run_scan

    res = read_inputs([DATA / "russian_coord_tweets.csv.gz"])
    scan = run_scan(res.events, res.accounts, progress=False)
    cov = scan.report["input_summary"]["evidence_coverage"]
    assert cov["duplicate_text"] == 0.0 and cov["profile"] == 0.0
    verdict = scan.report["verdict"]
    assert verdict["level"] in {"none", "undetermined"}
    assert "lacks post texts, account creation dates" in verdict["headline"]

"""academictwitteR folders, `twarc2 csv` and coordination-network-toolkit CSV read to the
same events as the twarc2 pages of the same tweets (fixtures: tests/io/make_research_fixtures.py)."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from _paths import FIXTURES
from click.testing import CliRunner

from detector.cli import main
from detector.io import read_inputs

RESEARCH = FIXTURES / "research"
ALL = ["event_id", "account_id", "account_name", "ts", "kind", "target_event_id",
       "target_account_id", "text", "hashtags", "mentions", "urls", "lang"]  # fmt: skip


def _table(events: pd.DataFrame, columns: list[str]) -> list[tuple]:
    rows = events.sort_values("event_id")[columns].astype(object).where(events.notna(), None)
    return [
        tuple(tuple(v) if isinstance(v, list) else v for v in row)
        for row in rows.itertuples(index=False)
    ]


@pytest.fixture(scope="module")
def pages():
    return read_inputs(RESEARCH / "pages.jsonl")


def test_pages_fixture_covers_every_kind(pages):
    kinds = pages.events["kind"].value_counts().to_dict()
    assert set(kinds) == {"post", "repost", "quote", "reply"} and len(pages.events) == 36
    assert pages.events["text"].str.contains("\n").any()  # multi-line text survives every format


@pytest.mark.parametrize(
    ("name", "fmt"), [("academictwitter", "academictwitter"), ("twarc.csv", "twarc-csv")]
)
def test_same_events_and_accounts_as_pages(pages, name, fmt):
    result = read_inputs(RESEARCH / name)  # sniffed: no --format
    assert {f["format"] for f in result.log.files if f["events"]} == {fmt}
    assert _table(result.events, ALL) == _table(pages.events, ALL)
    left = pages.accounts.sort_values("account_id").reset_index(drop=True)
    right = result.accounts.sort_values("account_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(left, right)
    assert not result.log.warnings


def test_cnt_csv_same_events_on_the_columns_it_has(pages):
    result = read_inputs(RESEARCH / "cnt.csv")
    assert [f["format"] for f in result.log.files] == ["cnt-csv"]
    have = ["event_id", "account_id", "account_name", "ts", "text", "urls"]
    assert _table(result.events, have) == _table(pages.events, have)
    # the toolkit has reposts and replies but no quotes: a quote is a post there
    want = pages.events.assign(
        kind=pages.events["kind"].replace({"quote": "post"}),
        target_event_id=pages.events["target_event_id"].where(
            pages.events["kind"] != "quote", None
        ),
    )
    assert _table(result.events, ["event_id", "kind", "target_event_id"]) == _table(
        want, ["event_id", "kind", "target_event_id"]
    )


def test_twarc_csv_entities_are_whole_values_and_replies_kept(pages):
    events = read_inputs(RESEARCH / "twarc.csv").events
    tags = {t for row in events["hashtags"] for t in row}
    assert tags and all("{" not in t and ":" not in t for t in tags)
    assert "東京" in tags or "cooljapan" in tags
    assert (events["kind"] == "reply").sum() == (pages.events["kind"] == "reply").sum() > 0


def test_twarc_csv_api_objects_in_cells_and_legacy_inline_rows(tmp_path):
    header = (
        "id,author_id,created_at,text,type,referenced_tweets,entities.hashtags,entities.mentions"
    )
    rows = [
        # an inlined referenced tweet (older twarc-csv): context, not an event
        '1,10,2023-05-01T00:00:00.000Z,original #Tag,retweeted,,"[{""start"": 9, ""end"": 13, ""tag"": ""Tag""}]",',
        '2,11,2023-05-01T00:01:00.000Z,RT @x: original #Tag,,"[{""type"": ""retweeted"", ""id"": ""1""}]",'
        '"[{""start"": 16, ""end"": 20, ""tag"": ""Tag""}]","[{""start"": 3, ""end"": 5, ""username"": ""x""}]"',
        '3,12,2023-05-01T00:02:00.000Z,@x hi,,"[{""type"": ""replied_to"", ""id"": ""1""}]",,',
    ]
    path = tmp_path / "legacy.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    result = read_inputs(path)
    ev = result.events.set_index("event_id")
    assert list(ev.index) == ["2", "3"]
    assert ev.loc["2", "kind"] == "repost" and ev.loc["2", "target_event_id"] == "1"
    assert ev.loc["2", "hashtags"] == ["tag"] and ev.loc["2", "mentions"] == ["x"]
    assert ev.loc["2", "text"] == "original #Tag"
    assert ev.loc["3", "kind"] == "reply" and ev.loc["3", "target_event_id"] == "1"
    assert result.log.skipped["referenced tweet row"] == 1
    log = result.log
    assert log.records_read == log.kept + log.n_skipped + log.merged


def test_academic_data_files_without_users_files_warn(tmp_path, pages):
    data = sorted((RESEARCH / "academictwitter").glob("data_*.json"))
    for path in data:
        shutil.copy(path, tmp_path / path.name)
    result = read_inputs(tmp_path)
    assert len(result.events) == 36
    assert len(result.log.warnings) == len(data)
    assert all("users_" in w and "does not exist" in w for w in result.log.warnings)
    assert result.summary()["warnings"] == result.log.warnings
    # the same files given one by one beside their users files: "was not given"
    only = read_inputs([RESEARCH / "academictwitter" / data[0].name])
    assert any("was not given" in w for w in only.log.warnings)


def test_cli_json_lists_the_companion_warning(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    path = sorted((RESEARCH / "academictwitter").glob("data_*.json"))[0]
    shutil.copy(path, src / path.name)
    res = CliRunner().invoke(
        main, ["ingest", str(src), "-o", str(tmp_path / "e.parquet"), "--json"]
    )
    assert res.exit_code == 0, res.output
    summary = json.loads(res.output)
    assert summary["warnings"] and path.name in summary["warnings"][0]

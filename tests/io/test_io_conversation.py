"""The same conversation in every Twitter-ish format gives the same canonical tables.

Fixture files in tests/io/fixtures/conversation/ hold one conversation written
in each format from the platforms' documentation: a post (CJK, emoji, a URL
with tracking parameters, hashtags), a retweet of it, a quote of it, a reply
to the quote, a reply to that reply (chain), and a retweet of the quote
(retweet-of-quote); times include a ``+0900`` offset. Each format is compared
to Twitter v1.1 on the columns the format can carry.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from _paths import FIXTURES

from detector.io import read_inputs

HERE = FIXTURES / "conversation"

GENERIC_MAP = {
    "event_id": "post_id",
    "account_id": "author",
    "account_name": "handle",
    "ts": "posted",
    "kind": "type",
    "target_event_id": "parent",
    "target_account_id": "parent_author",
    "text": "body",
    "hashtags": "tags",
    "urls": "links",
    "mentions": "at",
    "lang": "language",
}

ALL = [
    "event_id", "account_id", "account_name", "ts", "kind", "target_event_id",
    "target_account_id", "text", "hashtags", "mentions", "urls", "lang",
]  # fmt: skip

# format file -> (mapping, columns compared, why the others are not)
CASES = {
    "twitter_v1.jsonl": (None, ALL + ["platform"]),
    "twitter_v2_pages.jsonl": (None, ALL + ["platform"]),
    "twitter_v2_flat.jsonl.gz": (None, ALL + ["platform"]),
    # archive: mentions are user ids; a quote's target account is not in the archive
    "io_archive.csv": (
        None,
        [c for c in ALL if c not in ("mentions", "target_account_id")] + ["platform"],
    ),
    "generic.csv": (GENERIC_MAP, ALL),
}


def _table(path: Path, mapping=None) -> pd.DataFrame:
    events = read_inputs(path, mapping=mapping).events
    return events.sort_values("event_id").reset_index(drop=True)


@pytest.fixture(scope="module")
def reference() -> pd.DataFrame:
    return _table(HERE / "twitter_v1.json")


def test_reference_is_the_conversation(reference):
    ref = reference.set_index("event_id")
    assert list(ref.index) == ["2001", "2002", "2003", "2004", "2005", "2006"]
    assert list(ref["kind"]) == ["post", "repost", "quote", "reply", "reply", "repost"]
    # +0900 offset: 09:00 in Tokyo is midnight UTC
    assert ref.loc["2001", "ts"] == int(pd.Timestamp("2023-05-01T00:00:00Z").timestamp())
    # retweet-of-quote: targets the quote, carries the quote's text and author
    assert ref.loc["2006", "target_event_id"] == "2003"
    assert ref.loc["2006", "target_account_id"] == "1003"
    assert ref.loc["2006", "text"] == ref.loc["2003", "text"]
    # reply chain
    assert (
        ref.loc["2005", "target_event_id"] == "2004"
        and ref.loc["2004", "target_event_id"] == "2003"
    )
    # normalisation: hashtags case-folded (CJK kept), URL without scheme/www/tracking
    assert ref.loc["2001", "hashtags"] == ["tokyo", "朝"]
    assert ref.loc["2001", "urls"] == ["example.com/news"]
    assert ref.loc["2002", "text"].startswith("おはよう世界 🌏")


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_conversation_same_table(reference, name):
    mapping, columns = CASES[name]
    got = _table(HERE / name, mapping)
    assert len(got) == len(reference)
    for column in columns:
        left = reference[column].tolist()
        right = got[column].tolist()
        assert left == right, f"{name}: column {column} differs: {left} != {right}"


def test_json_array_and_lines_identical(reference):
    lines = _table(HERE / "twitter_v1.jsonl")
    pd.testing.assert_frame_equal(reference, lines)


def test_coortweet_reposts_match(reference):
    got = _table(HERE / "coortweet.csv")
    ref = reference[reference["kind"] == "repost"].reset_index(drop=True)
    for column in ("event_id", "account_id", "ts", "kind", "target_event_id"):
        assert got[column].tolist() == ref[column].tolist(), column


@pytest.mark.parametrize(
    "name", ["twitter_v1.json", "twitter_v2_pages.jsonl", "twitter_v2_flat.jsonl.gz"]
)
def test_accounts_same_across_api_formats(name):
    accounts = read_inputs(HERE / name).accounts.sort_values("account_id").reset_index(drop=True)
    ref = (
        read_inputs(HERE / "twitter_v1.json")
        .accounts.sort_values("account_id")
        .reset_index(drop=True)
    )
    # the optional profile markers (default_profile, client) are what each API carries: not compared
    optional = ["default_profile", "client"]
    pd.testing.assert_frame_equal(accounts.drop(columns=optional, errors="ignore"), ref.drop(columns=optional, errors="ignore"))
    assert accounts.set_index("account_id").loc["1001", "created_at"] == int(
        pd.Timestamp("2018-10-10T20:19:24Z").timestamp()
    )


def test_archive_accounts_carry_profile():
    accounts = read_inputs(HERE / "io_archive.csv").accounts.set_index("account_id")
    assert accounts.loc["1003", "display_name"] == "캐롤"
    assert accounts.loc["1004", "followers"] == 5000
    assert accounts.loc["1001", "created_at"] == int(
        pd.Timestamp("2018-10-10T00:00:00Z").timestamp()
    )


def test_folder_of_formats_deduplicates(tmp_path, reference):
    import shutil

    for name in (
        "twitter_v1.json",
        "twitter_v2_pages.jsonl",
        "twitter_v2_flat.jsonl.gz",
        "io_archive.csv",
    ):
        shutil.copy(HERE / name, tmp_path / name)
    result = read_inputs(tmp_path)
    assert result.log.records_read == 24
    assert result.log.skipped["duplicate event_id"] == 18
    assert result.log.kept == len(result.events) == 6
    # first file in sorted order wins: io_archive.csv
    assert [f["format"] for f in result.log.files] == [
        "io-archive",
        "twitter-v1",
        "twitter-v2",
        "twitter-v2",
    ]
    got = result.events.sort_values("event_id").reset_index(drop=True)
    assert got["text"].tolist() == reference["text"].tolist()

"""Per-format fixture tests: notices, withheld and deleted tweets, Bluesky, Mastodon, compression, canonical round trip."""

from __future__ import annotations

import bz2
import gzip
import json
import lzma

import numpy as np
import pandas as pd
import pytest
import zstandard
from _paths import FIXTURES

from detector.io import (
    FORMATS,
    InputError,
    parse_times,
    read_canonical_events,
    read_inputs,
    write_canonical,
)
from detector.io.log import NOT_EVENT_REASONS

FIX = FIXTURES
CONV = FIX / "conversation"


def _check_counts(result):
    log = result.log
    assert log.records_read == log.kept + log.n_skipped + log.merged
    assert log.kept == len(result.events)


def test_formats_registry():
    assert set(FORMATS) >= {
        "twitter-v1", "twitter-v2", "academictwitter", "io-archive", "twarc-csv", "cnt-csv", "coortweet", "csv",
        "parquet", "canonical", "bluesky", "mastodon",
        "telegram", "weibo-json", "weibo-csv",
    }  # fmt: skip
    for fmt in FORMATS.values():
        assert fmt.family in ("json", "csv", "parquet")
        assert {"event_id", "account_id", "ts", "kind"} <= set(fmt.columns)


def test_v1_stream_notices_deleted_withheld():
    result = read_inputs(FIX / "twitter_v1_stream.jsonl")
    _check_counts(result)
    skipped = result.log.skipped
    assert skipped["deletion notice"] == 1
    assert skipped["withheld notice"] == 2
    assert skipped["stream notice"] == 1
    assert skipped["malformed JSON"] == 1
    assert skipped["missing id"] == 1
    assert skipped["unparseable time"] == 1
    events = result.events.set_index("event_id")
    assert len(events) == 3
    # extended_tweet.full_text and its entities win over the truncated text
    first = events.loc["1050118621198921728"]
    assert first["text"].endswith("#emoji")
    assert first["hashtags"] == ["emoji"]
    assert first["urls"] == [
        "twittercommunity.com/t/new-update-to-the-twitter-text-library-emoji-character-count/114607"
    ]
    assert first["ts_ms"] == 1539202764123  # timestamp_ms of the stream
    # a tweet withheld in some countries is still a tweet
    assert events.loc["1050118621198921731", "text"] == "この投稿は一部の国で表示されません"
    # full_text (tweet_mode=extended)
    assert events.loc["1050118621198921734", "hashtags"] == ["ok"]
    # problem lines name file and line
    lines = result.log.problem_lines()
    assert any("twitter_v1_stream.jsonl:9: malformed JSON" in line for line in lines)
    assert any("twitter_v1_stream.jsonl:7: unparseable time" in line for line in lines)


def test_v1_search_response(tmp_path):
    statuses = json.loads((CONV / "twitter_v1.json").read_text(encoding="utf-8"))
    path = tmp_path / "search.json"
    path.write_text(
        json.dumps({"statuses": statuses, "search_metadata": {"count": 6}}), encoding="utf-8"
    )
    result = read_inputs(path)
    assert len(result.events) == 6
    assert result.log.records_read == 6


def test_v2_withheld_deleted_note_tweet():
    result = read_inputs(FIX / "twitter_v2_withheld.jsonl")
    _check_counts(result)
    assert result.log.skipped["withheld tweet without content"] == 1
    events = result.events.set_index("event_id")
    rt = events.loc["1460323737035677699"]
    # original deleted: target from the reference, author from the RT mention, prefix stripped
    assert rt["kind"] == "repost"
    assert rt["target_event_id"] == "1460323737035677600"
    assert rt["target_account_id"] == "99"
    assert rt["text"] == "a tweet that is gone"
    assert events.loc["1460323737035677700", "text"] == "Withheld in some countries"
    note = events.loc["1460323737035677701"]
    assert note["text"].startswith("The long version") and note["hashtags"] == ["long"]
    accounts = result.accounts.set_index("account_id")
    assert accounts.loc["2244994945", "followers"] == 513958
    assert bool(accounts.loc["2244994945", "verified"]) is True


def test_bluesky_jetstream():
    result = read_inputs(FIX / "bluesky_jetstream.jsonl")
    _check_counts(result)
    assert result.log.skipped["deletion notice"] == 1
    assert result.log.skipped["not a post or repost"] == 3
    ev = result.events
    assert ev["platform"].unique().tolist() == ["bluesky"]
    assert ev["kind"].tolist() == ["post", "repost", "quote", "reply"]
    post_uri = "at://did:plc:eygmaihciaxprqvxpfvl6flk/app.bsky.feed.post/3l3qo2vuowo2b"
    assert ev["event_id"].iat[0] == post_uri
    assert ev["target_event_id"].iat[1] == post_uri and ev["target_event_id"].iat[2] == post_uri
    assert ev["target_account_id"].iat[1] == "did:plc:eygmaihciaxprqvxpfvl6flk"
    assert ev["hashtags"].iat[0] == ["bluesky"]
    assert ev["urls"].iat[0] == ["example.org/a"]
    assert ev["mentions"].iat[0] == ["did:plc:bobbobbobbobbobbobbobbob"]
    # time_us (relay time), ms kept
    assert ev["ts"].iat[0] == 1725911162 and ev["ts_ms"].iat[0] == 1725911162400
    # handle from the identity event
    assert ev["account_name"].iat[0] == "alice.bsky.social"


def test_bluesky_feed_page():
    result = read_inputs(FIX / "bluesky_feed.json")
    ev = result.events
    assert len(ev) == 1 and ev["urls"].iat[0] == ["docs.bsky.app"]
    assert ev["account_name"].iat[0] == "bsky.app"
    assert (
        result.accounts.set_index("account_id").loc["did:plc:z72i7hdynmk6r22z27h6tvur", "followers"]
        == 100
    )


def test_mastodon_statuses():
    result = read_inputs(FIX / "mastodon_statuses.json")
    _check_counts(result)
    ev = result.events.set_index("event_id")
    first = ev.loc["103270115826048975"]
    assert (
        first["text"]
        == '"I lost my inheritance with one wrong digit" #Banking\ntheguardian.com/money\nsecond line'
    )
    assert first["hashtags"] == ["banking"]
    assert first["urls"] == [
        "theguardian.com/money/2019/dec/07/i-lost-my-inheritance"
    ]  # hashtag link excluded
    boost = ev.loc["103270115826048976"]
    assert boost["kind"] == "repost" and boost["target_event_id"] == "103270115826048975"
    assert boost["target_account_id"] == "1" and boost["hashtags"] == ["banking"]
    reply = ev.loc["103270115826048977"]
    assert reply["kind"] == "reply" and reply["mentions"] == ["gargron"]
    assert reply["ts"] == int(pd.Timestamp("2019-12-08T04:00:00Z").timestamp())  # +09:00 offset


@pytest.mark.parametrize(
    "compress",
    [gzip.compress, lambda b: zstandard.ZstdCompressor().compress(b), bz2.compress, lzma.compress],
    ids=["gzip", "zstd", "bz2", "xz"],
)
def test_compression_by_magic_bytes(tmp_path, compress):
    raw = (CONV / "twitter_v1.jsonl").read_bytes()
    path = tmp_path / "no_extension_hint.txt"
    path.write_bytes(compress(raw))
    result = read_inputs(path)
    assert len(result.events) == 6


def test_multi_frame_zstd(tmp_path):
    raw = (CONV / "twitter_v1.jsonl").read_bytes().splitlines(keepends=True)
    cctx = zstandard.ZstdCompressor()
    path = tmp_path / "frames.zst"
    path.write_bytes(
        b"".join(cctx.compress(b"".join(raw[i : i + 2])) for i in range(0, len(raw), 2))
    )
    assert len(read_inputs(path).events) == 6


def test_json_array_with_bad_elements(tmp_path):
    statuses = json.loads((CONV / "twitter_v1.json").read_text(encoding="utf-8"))
    parts = [json.dumps(s, ensure_ascii=False, indent=1) for s in statuses]
    parts.insert(2, '{"broken": [1, 2}')
    parts.insert(4, "42")
    parts.insert(5, '"a string"')
    path = tmp_path / "array.json"
    path.write_text("[\n" + ",\n".join(parts) + "\n]\n", encoding="utf-8")
    result = read_inputs(path, chunk_rows=2)
    _check_counts(result)
    assert len(result.events) == 6
    assert result.log.skipped["malformed JSON"] == 1
    assert result.log.skipped["not a JSON object"] == 2
    line = result.log.examples["malformed JSON"][0].line
    assert path.read_text(encoding="utf-8").splitlines()[line - 1].startswith('{"broken"')


def test_pretty_printed_concatenated_values(tmp_path):
    statuses = json.loads((CONV / "twitter_v1.json").read_text(encoding="utf-8"))
    path = tmp_path / "pretty.json"
    path.write_text(
        "\n".join(json.dumps(s, indent=2, ensure_ascii=False) for s in statuses), encoding="utf-8"
    )
    assert len(read_inputs(path).events) == 6


def test_chunking_does_not_change_the_result():
    a = read_inputs(CONV / "twitter_v2_pages.jsonl", chunk_rows=1)
    b = read_inputs(CONV / "twitter_v2_pages.jsonl")
    pd.testing.assert_frame_equal(a.events, b.events)
    pd.testing.assert_frame_equal(a.accounts, b.accounts)


def test_canonical_round_trip(tmp_path):
    result = read_inputs(CONV / "twitter_v1.json")
    out = tmp_path / "events.parquet"
    accounts_file = write_canonical(result.events, result.accounts, out)
    assert accounts_file == tmp_path / "events.accounts.parquet"
    events, accounts = read_canonical_events(out)
    pd.testing.assert_frame_equal(events, result.events)
    pd.testing.assert_frame_equal(accounts, result.accounts)
    assert isinstance(events["hashtags"].iat[0], list)
    again = read_inputs(out)
    assert again.log.files[0]["format"] == "canonical"
    pd.testing.assert_frame_equal(again.events, result.events)
    # the accounts file beside it is not read twice when the folder is the input
    folder = read_inputs(tmp_path)
    pd.testing.assert_frame_equal(folder.events, result.events)


def test_canonical_round_trip_extra_list_columns(tmp_path):
    result = read_inputs(CONV / "coortweet.csv")
    events = result.events.copy()
    events["url_ids"] = [["1", "2"], []]
    out = tmp_path / "x.parquet"
    write_canonical(events, result.accounts, out)
    back, _ = read_canonical_events(out)
    assert back["url_ids"].tolist() == [["1", "2"], []]


def test_canonical_accounts_mismatch(tmp_path):
    result = read_inputs(CONV / "twitter_v1.json")
    other = read_inputs(CONV / "io_archive.csv")  # same accounts, other profile fields
    write_canonical(result.events, result.accounts, tmp_path / "a.parquet")
    write_canonical(other.events, other.accounts, tmp_path / "b.parquet")
    (tmp_path / "b.accounts.parquet").replace(tmp_path / "a.accounts.parquet")
    with pytest.raises(InputError, match="does not belong"):
        read_inputs(tmp_path / "a.parquet")
    with pytest.raises(InputError, match="accounts file .* is missing"):
        read_inputs(tmp_path / "b.parquet")


def test_generic_parquet_with_typed_columns(tmp_path):
    frame = pd.DataFrame(
        {
            "id": np.array([1, 2, 3], dtype=np.int64),
            "user": [10, 10, 11],
            "when": pd.to_datetime(
                ["2023-05-01T09:00:00+09:00", "2023-05-01T00:01:00Z", "2023-05-01T00:02:00Z"],
                utc=True,
            ),
            "tags": [["A", "b"], [], ["c"]],
            "image_hash": ["h1", "h1", "h2"],
        }
    )
    path = tmp_path / "table.parquet"
    frame.to_parquet(path)
    result = read_inputs(
        path, mapping={"event_id": "id", "account_id": "user", "ts": "when", "hashtags": "tags"}
    )
    ev = result.events
    assert ev["event_id"].tolist() == ["1", "2", "3"]
    assert ev["account_id"].tolist() == ["10", "10", "11"]
    assert ev["ts"].tolist() == [1682899200, 1682899260, 1682899320]
    assert ev["hashtags"].tolist() == [["a", "b"], [], ["c"]]
    assert ev["image_hash"].tolist() == ["h1", "h1", "h2"]  # unmapped columns kept as extras
    assert ev["platform"].unique().tolist() == ["parquet"]


def test_generic_csv_unknown_kind_and_generated_ids(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(
        "author,ts,kind\na,1682899200,retweet\nb,1682899201,like\nc,2023-05-01T00:00:02Z,\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="columns author, ts, kind is not a known table"):
        read_inputs(path)
    result = read_inputs(path, mapping={"account_id": "author"})
    _check_counts(result)
    assert result.log.skipped["unknown kind"] == 1
    assert result.events["event_id"].tolist() == ["t.csv:2", "t.csv:4"]
    assert result.events["kind"].tolist() == ["repost", "post"]


def test_archive_bracketed_lists_with_quotes(tmp_path):
    path = tmp_path / "arch.csv"
    path.write_text(
        "tweetid,userid,tweet_time,is_retweet,hashtags,urls,user_mentions,tweet_text\n"
        "1,9,2019-01-01 12:34,False,\"['Tag1', 'tag2']\",\"['http://www.a.com/x?utm_campaign=1']\",\"[5, 6]\",hi\n"
        "2,9,2019-01-01 12:35,True,[],[],[],RT @x: hi\n",
        encoding="utf-8",
    )
    ev = read_inputs(path).events
    assert ev["hashtags"].tolist() == [["tag1", "tag2"], []]
    assert ev["urls"].tolist() == [["a.com/x"], []]
    assert ev["mentions"].tolist() == [["5", "6"], []]
    assert ev["kind"].tolist() == ["post", "repost"]
    assert ev["text"].tolist() == ["hi", "hi"]
    assert ev["ts"].tolist() == [1546346040, 1546346100]


def test_not_event_reasons_are_not_malformed():
    assert "malformed JSON" not in NOT_EVENT_REASONS
    assert "deletion notice" in NOT_EVENT_REASONS


def test_parse_times_mixed():
    ms, sub, ok = parse_times(
        ["Wed Oct 10 20:19:24 +0000 2018", "2018-10-11T05:19:24+09:00", "1539202764", "1539202764000",
         "2018-10-10T20:19:24.5Z", "junk", None, 1539202764]
    )  # fmt: skip
    assert ok.tolist() == [True, True, True, True, True, False, False, True]
    assert (ms[ok] // 1000 == 1539202764).all()
    assert sub.tolist() == [False, False, False, True, True, False, False, False]
    assert ms[4] == 1539202764500


def test_sniffing_a_twarc_page_longer_than_the_sniffing_head(tmp_path):
    page = json.loads((CONV / "twitter_v2_pages.jsonl").read_text(encoding="utf-8").splitlines()[0])
    page["includes"]["tweets"] += [
        {"id": str(i), "text": "x" * 1000} for i in range(5000)
    ]  # ~5 MB line
    path = tmp_path / "big_page.jsonl"
    path.write_text(json.dumps(page) + "\n", encoding="utf-8")
    result = read_inputs(path)
    assert result.log.files[0]["format"] == "twitter-v2"
    assert len(result.events) == len(page["data"])


def test_one_big_search_response_value(tmp_path):
    statuses = json.loads((CONV / "twitter_v1.json").read_text(encoding="utf-8"))
    many = []
    for i in range(400):
        status = json.loads(json.dumps(statuses[i % len(statuses)]))
        status["id_str"] = str(10**6 + i)
        many.append(status)
    path = tmp_path / "search.json"
    path.write_text(json.dumps({"statuses": many}, indent=1), encoding="utf-8")  # > 64 KiB head
    result = read_inputs(path)
    assert result.log.files[0]["format"] == "twitter-v1"
    assert len(result.events) == 400


def test_canonical_output_is_deterministic(tmp_path):
    result = read_inputs(CONV / "twitter_v2_pages.jsonl")
    write_canonical(result.events, result.accounts, tmp_path / "a.parquet")
    again = read_inputs(CONV / "twitter_v2_pages.jsonl")
    write_canonical(again.events, again.accounts, tmp_path / "b.parquet")
    assert (tmp_path / "a.parquet").read_bytes() != b""
    assert (tmp_path / "a.accounts.parquet").read_bytes() == (
        tmp_path / "b.accounts.parquet"
    ).read_bytes()
    # the events files differ only by the accounts file name they point to
    a, _ = read_canonical_events(tmp_path / "a.parquet")
    b, _ = read_canonical_events(tmp_path / "b.parquet")
    pd.testing.assert_frame_equal(a, b)
    write_canonical(again.events, again.accounts, tmp_path / "a2" / "a.parquet")
    assert (tmp_path / "a.parquet").read_bytes() == (tmp_path / "a2" / "a.parquet").read_bytes()

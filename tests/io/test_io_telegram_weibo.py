"""Telegram Desktop and weibo-crawler readers: fixtures written from each format's documented shape,
sniffed without --format; date-only Weibo times kept out of window-based evidence."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _paths import FIXTURES
from test_cli_scan import run

from detector.evidence.timeres import day_only_mask, timed_coverage, timed_events
from detector.io import InputError, read_canonical_events, read_inputs, write_canonical
from detector.io.weibo import weibo_time
from detector.pipeline import run_scan
from detector.schema import DAY_ONLY_COLUMN

FIX = FIXTURES
TG = FIX / "telegram"
WB = FIX / "weibo"
WB_CSV = WB / "外交部发言人办公室" / "3000000001.csv"


def _counts_hold(result) -> None:
    log = result.log
    assert log.records_read == log.kept + log.n_skipped + log.merged
    assert log.kept == len(result.events)


def test_telegram_single_chat():
    result = read_inputs(TG / "result.json")
    _counts_hold(result)
    assert result.log.files[0]["format"] == "telegram"
    assert result.log.records_read == 7
    assert result.log.skipped == {"service message": 2}
    ev = result.events.set_index("event_id")
    assert list(ev.index) == [
        "1480000001/2",
        "1480000001/3",
        "1480000001/4",
        "1480000001/5",
        "1480000001/7",
    ]
    assert set(ev["platform"]) == {"telegram"}
    # a channel's posts count for the channel, also the one signed by an author
    assert set(ev["account_id"]) == {"channel1480000001"}
    post = ev.loc["1480000001/2"]
    assert post["ts"] == 1709287500  # date_unixtime, not the local "date"
    assert (
        post["text"]
        == "Ambassador met the minister today #Diplomacy read more: https://embassy.example.org/news/1?utm_source=tg"
    )
    assert post["hashtags"] == ["diplomacy"]
    assert post["urls"] == ["embassy.example.org/news/1"]
    fwd = ev.loc["1480000001/4"]
    assert fwd["kind"] == "repost" and fwd["target_account_id"] == "channel1300000007"
    assert fwd["target_event_id"].startswith("fwd:channel1300000007/")
    assert fwd["urls"] == ["statemedia.example.com/a/7"] and fwd["mentions"] == ["statemedia"]
    reply = ev.loc["1480000001/5"]
    assert reply["kind"] == "reply" and reply["target_event_id"] == "1480000001/2"
    assert reply["target_account_id"] == "channel1480000001"
    assert ev.loc["1480000001/7", "kind"] == "post"  # a photo without caption is still a post
    acc = result.accounts.set_index("account_id")
    assert acc.loc["channel1480000001", "account_name"] == "Embassy News"


def test_telegram_whole_account_export():
    result = read_inputs(TG / "account_export.json")
    _counts_hold(result)
    assert result.log.files[0]["format"] == "telegram"
    assert result.log.records_read == 8 and result.log.skipped == {"service message": 2}
    ev = result.events.set_index("event_id")
    assert len(ev) == 6
    # chats.list and left_chats.list both read; message ids are per chat
    assert {"1600000002/11", "5000000001/1", "1700000003/100"} <= set(ev.index)
    assert (
        ev.loc["1700000003/100", "account_id"] == "channel1700000003"
    )  # old export without from_id
    reply = ev.loc["1600000002/12"]
    assert reply["kind"] == "reply" and reply["target_account_id"] == "user7000000001"
    assert reply["mentions"] == ["user7000000001"]
    assert ev.loc["1600000002/11", "hashtags"] == ["friendshipweek"]
    # two forwards of the same post from one origin share one target
    a, b = ev.loc["1600000002/13"], ev.loc["1600000002/14"]
    assert a["kind"] == b["kind"] == "repost" and a["target_event_id"] == b["target_event_id"]


def test_telegram_big_export_sniffed_from_its_head(tmp_path):
    chat = json.loads((TG / "result.json").read_text(encoding="utf-8"))
    base = chat["messages"][1]
    chat["messages"] = [
        {
            **base,
            "id": i,
            "date_unixtime": str(1709287500 + i),
            "text": f"message number {i} " + "x" * 200,
        }
        for i in range(1, 30001)
    ]
    path = tmp_path / "big.json.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        json.dump(chat, fh, indent=1, ensure_ascii=False)
    result = read_inputs(path)
    assert result.log.files[0]["format"] == "telegram"
    assert len(result.events) == 30000


def test_telegram_strict_does_not_stop_on_service_messages():
    result = read_inputs(TG / "result.json", strict=True)
    assert len(result.events) == 5


def test_telegram_without_unixtime_uses_date_with_notice(tmp_path):
    chat = json.loads((TG / "result.json").read_text(encoding="utf-8"))
    for m in chat["messages"]:
        m.pop("date_unixtime")
    path = tmp_path / "result.json"
    path.write_text(json.dumps(chat), encoding="utf-8")
    result = read_inputs(path)
    assert result.events["ts"].iat[0] == 1709287500  # 2024-03-01T10:05:00 read as UTC
    assert any("date_unixtime" in n for n in result.log.notices)


def test_weibo_json():
    result = read_inputs(WB / "3000000002.json")
    _counts_hold(result)
    assert result.log.files[0]["format"] == "weibo-json"
    assert result.log.records_read == 5
    assert result.log.skipped == {"missing time": 1}
    ev = result.events.set_index("event_id")
    assert set(ev["platform"]) == {"weibo"} and set(ev["account_id"]) == {"3000000002"}
    post = ev.loc["4990000000000001"]
    assert post["hashtags"] == ["友好交流年"] and post["mentions"] == ["外交部发言人办公室"]
    assert post["urls"] == ["t.cn/A6abcd"]
    assert post["ts"] == 1709568000  # 2024-03-05 00:00 Beijing = 2024-03-04T16:00Z
    repost = ev.loc["4990000000000002"]
    assert repost["kind"] == "repost" and repost["target_event_id"] == "4989999999999990"
    assert repost["target_account_id"] == "3000000001"
    assert repost["text"].startswith("发言人答记者问") and repost["hashtags"] == [
        "外交部例行记者会"
    ]
    quote = ev.loc["4990000000000003"]
    assert quote["kind"] == "quote" and quote["text"].startswith("说得好")
    timed = ev.loc["4990000000000004"]
    assert timed["ts"] == 1709770530  # full_created_at 2024-03-07 08:15:30 +08:00
    assert ev[DAY_ONLY_COLUMN].tolist() == [True, True, True, False]
    acc = result.accounts.set_index("account_id")
    assert acc.loc["3000000002", "followers"] == 12000  # "1.2万"
    assert (
        acc.loc["3000000002", "created_at"] == 1704384000
    )  # registration_time 2024-01-05 (Beijing)
    assert acc.loc["3000000001", "account_name"] == "外交部发言人办公室"


def test_weibo_csv_chinese_columns():
    result = read_inputs(WB_CSV)
    _counts_hold(result)
    assert result.log.files[0]["format"] == "weibo-csv"
    ev = result.events.set_index("event_id")
    assert list(ev.index) == [
        "4990000000000101",
        "4990000000000102",
        "4990000000000103",
    ]  # ids' tab stripped
    # the CSV does not name its author: the file name (user id) and folder (screen name) do
    assert set(ev["account_id"]) == {"3000000001"} and set(ev["account_name"]) == {
        "外交部发言人办公室"
    }
    assert ev.loc["4990000000000101", "ts"] == 1709602200  # 完整日期 2024-03-05 09:30:00 +08:00
    rt = ev.loc["4990000000000102"]
    assert rt["kind"] == "repost" and rt["target_event_id"] == "4990000000000900"
    assert rt["target_account_id"] == "3000000009" and rt["hashtags"] == ["新闻联播"]
    assert rt["urls"] == ["news.example.cn/a/1"]
    last = ev.loc["4990000000000103"]
    assert last[DAY_ONLY_COLUMN] and last["mentions"] == ["友好使者2024"]
    assert last["urls"] == ["weibo.com/ttarticle/p/show?id=1"]


def test_weibo_folder_reads_posts_and_users_csv():
    result = read_inputs(WB)
    _counts_hold(result)
    formats = sorted(f["format"] for f in result.log.files)
    assert formats == [
        "weibo-csv",
        "weibo-csv",
        "weibo-json",
    ]  # users.csv, one user's CSV, one JSON
    assert len(result.events) == 7
    assert result.log.skipped["account profile"] == 2  # users.csv rows: profiles, not events
    acc = result.accounts.set_index("account_id")
    # the CSV author gets its profile from users.csv: creation date (Beijing), counts, verified
    assert acc.loc["3000000001", "created_at"] == 1275321600  # 注册时间 2010-06-01
    assert acc.loc["3000000001", "followers"] == 2500000 and acc.loc["3000000001", "verified"]
    assert acc.loc["3000000002", "posts_count"] == 1520


def test_weibo_time_rules():
    assert weibo_time("2020-01-15") == ("2020-01-15T00:00:00+08:00", True)
    assert weibo_time("2020-1-5 7:04") == ("2020-01-05T07:04:00+08:00", False)
    assert weibo_time("Tue Feb 23 12:28:47 +0800 2021") == ("Tue Feb 23 12:28:47 +0800 2021", False)
    assert weibo_time(None) == (None, False)


def test_unknown_json_lists_new_formats(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('{"foo": 1}\n', encoding="utf-8")
    with pytest.raises(InputError, match="telegram, weibo-json, weibo-csv"):
        read_inputs(path)


def _weibo_user(uid: int, posts: list[dict]) -> dict:
    return {"user": {"id": str(uid), "screen_name": f"u{uid}"}, "weibo": posts}


def _reposts(uid: int, stamps: list[str]) -> list[dict]:
    return [
        {"user_id": uid, "screen_name": f"u{uid}", "id": uid * 100 + k, "text": "转发微博", "created_at": t,
         "retweet": {"id": 900 + k, "user_id": 1, "screen_name": "origin", "text": f"original {k}"}}
        for k, t in enumerate(stamps)
    ]  # fmt: skip


def _copies(uid: int, stamps: list[str]) -> list[dict]:
    texts = ["中外友好交流年隆重开幕 各国朋友欢聚一堂 共同庆祝 友谊长存 和平发展 合作共赢 美好未来",
             "坚定支持和平发展道路 推动构建人类命运共同体 携手应对全球挑战 共创繁荣"]  # fmt: skip
    return [
        {
            "user_id": uid,
            "screen_name": f"u{uid}",
            "id": uid * 100 + 50 + k,
            "text": texts[k % 2] + f" {k}",
            "created_at": t,
        }
        for k, t in enumerate(stamps)
    ]


def _scan_users(tmp_path: Path, stamps_of) -> dict:
    for uid in range(10, 22):
        posts = _reposts(uid, stamps_of(uid)) + _copies(uid, stamps_of(uid))
        (tmp_path / f"{uid}.json").write_text(json.dumps(_weibo_user(uid, posts)), encoding="utf-8")
    result = read_inputs(tmp_path)
    return run_scan(result.events, result.accounts, params=None)


def test_date_only_reposts_make_no_coaction(tmp_path):
    """Twelve accounts reposting the same six posts on the same days: with dates only nothing is
    inferred from the shared midnight; with real times seconds apart the co-action appears."""
    days = [f"2024-03-0{k + 1}" for k in range(6)]
    (tmp_path / "a").mkdir()
    dated = _scan_users(tmp_path / "a", lambda uid: days)
    for layer in ("repost", "text", "neardup", "timing"):  # nothing paired on a shared midnight
        assert layer not in dated.layers or dated.layers[layer].empty, layer
    assert (dated.signals["dup_share"] > 0).all()  # copied text still counts: it needs no clock
    cov = dated.report["input_summary"]["evidence_coverage"]
    assert cov["synchrony"] == 0.0 and cov["automation"] == 0.0
    assert "synchrony" in dated.report["verdict"]["missing_evidence"]
    assert "times of day" in dated.report["verdict"]["headline"]
    assert any("date only" in n for n in dated.report["methods"]["notes"])
    fam = dated.signals
    assert fam["iet_cv"].isna().all() and fam["hour_entropy"].isna().all()

    (tmp_path / "b").mkdir()
    timed = _scan_users(tmp_path / "b", lambda uid: [f"{d} 10:00:{uid:02d}" for d in days])
    assert len(timed.layers["repost"]) > 0 and len(timed.layers["neardup"]) > 0
    assert timed.report["input_summary"]["evidence_coverage"]["synchrony"] == 1.0
    assert "synchrony" not in timed.report["verdict"]["missing_evidence"]


def test_timeres_helpers():
    ev = pd.DataFrame(
        {"account_id": ["a", "a", "a", "b"], DAY_ONLY_COLUMN: [False, False, False, True]}
    )
    assert day_only_mask(ev).tolist() == [False, False, False, True]
    assert len(timed_events(ev)) == 3
    assert timed_events(ev.drop(columns=[DAY_ONLY_COLUMN])) is not None
    cov = timed_coverage({"synchrony": 1.0, "automation": 1.0, "profile": 0.5}, ev)
    assert cov == {"synchrony": 0.75, "automation": 0.5, "profile": 0.5}
    mixed = pd.concat(
        [ev, pd.DataFrame({"account_id": ["c"]})], ignore_index=True
    )  # another format: NaN
    assert day_only_mask(mixed).tolist() == [False, False, False, True, False]
    assert np.array_equal(day_only_mask(ev.iloc[0:0]), np.zeros(0, dtype=bool))


def test_day_only_survives_canonical_parquet(tmp_path):
    result = read_inputs(WB / "3000000002.json")
    write_canonical(result.events, result.accounts, tmp_path / "w.parquet")
    events, _ = read_canonical_events(tmp_path / "w.parquet")
    assert events[DAY_ONLY_COLUMN].tolist() == [True, True, True, False]


@pytest.mark.parametrize(
    "name",
    ["telegram/result.json", "telegram/account_export.json", "weibo/3000000002.json", "weibo-csv"],
)
def test_scan_end_to_end(name, tmp_path):
    src = WB_CSV if name == "weibo-csv" else FIX / name
    if name == "weibo-csv":  # keep the folder/file naming that carries the author
        dest = tmp_path / "in" / WB_CSV.parent.name
        dest.mkdir(parents=True)
        src = Path(shutil.copy(WB_CSV, dest / WB_CSV.name))
    out = tmp_path / "out"
    proc = run("scan", str(src), "-o", str(out), "--quiet", check=False)
    rep = json.loads((out / "report.json").read_text(encoding="utf-8"))
    # the fixtures are small: a scan too small to judge ends 'insufficient' with exit status 3
    assert proc.returncode == (3 if rep["verdict"]["level"] == "insufficient" else 0), proc.stderr
    platform = "weibo" if "weibo" in name else "telegram"
    assert set(rep["input_summary"]["platforms"]) == {platform}
    assert rep["input_summary"]["events"] == len(read_inputs(src).events)
    assert (out / "report.html").is_file()

"""``detector collect`` against a local mock of the Bluesky AppView and a Mastodon instance
(127.0.0.1 only, started by the tests, stops by itself): paging, 429, dropped connections,
resuming after a kill, Parquet that ``detector scan`` reads."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
from pathlib import Path

import pytest
from mock_social import BASE_TS, MockSocial, bluesky_posts, mastodon_statuses
from test_cli_scan import _detector, run

from detector.collect import CollectError, RetryPolicy, collect, work_dir
from detector.collect.http import wait_seconds
from detector.collect.store import CollectionStore
from detector.io import read_inputs

FAST = RetryPolicy(base_delay=0.05, max_delay=0.2, timeout=10)


def _quiet(seconds: float, reason: str) -> None:
    pass


def _events(path: Path):
    return read_inputs(path).events


def test_bluesky_every_post_once_through_429_and_dropped_connection(tmp_path):
    posts = bluesky_posts(230, 40)
    with MockSocial(posts=posts, rate_limit_at={"50"}, drop_at={"100"}) as mock:
        res = collect(
            "bluesky",
            "#cooljapan",
            tmp_path / "b.parquet",
            host=mock.url,
            policy=FAST,
            on_wait=_quiet,
        )
        searches = mock.requests_to("searchPosts")
        profile_calls = mock.requests_to("getProfiles")
    ev = _events(tmp_path / "b.parquet")
    assert sorted(ev["event_id"]) == sorted(p["uri"] for p in posts)  # every post, once
    assert res.complete and res.posts == 230 and res.retries == 2 and res.waited_s >= 1.0
    assert len(searches) == 10 + 2  # 10 pages (25 each) + the 429 + the dropped answer
    assert all(
        r["query"]["q"] == ["#cooljapan"] and r["query"]["sort"] == ["latest"] for r in searches
    )
    # the 429 page and the dropped page were asked again with the same cursor
    cursors = [r["query"].get("cursor", [None])[0] for r in searches]
    assert cursors.count("50") == 2 and cursors.count("100") == 2
    assert len(profile_calls) == 2 and all(len(r["query"]["actors"]) <= 25 for r in profile_calls)
    acc = read_inputs(tmp_path / "b.parquet").accounts.set_index("account_id")
    assert len(acc) == 40
    assert acc.loc["did:plc:author0007", "created_at"] == BASE_TS - 86400 * 8  # from getProfiles
    assert acc.loc["did:plc:author0007", "followers"] == 7
    assert set(ev["hashtags"].map(tuple)) == {("cooljapan",)}


def test_mastodon_max_id_paging_429_drop_and_since(tmp_path):
    statuses = mastodon_statuses(130, 20)
    with MockSocial(
        statuses=statuses, page_size=40, rate_limit_at={"first"}, drop_at={statuses[79]["id"]}
    ) as mock:
        res = collect(
            "mastodon",
            "#cooljapan",
            tmp_path / "m.parquet",
            host=mock.url,
            policy=FAST,
            on_wait=_quiet,
        )
        calls = mock.requests_to("/api/v1/timelines/tag/cooljapan")
    ev = _events(tmp_path / "m.parquet")
    assert sorted(ev["event_id"]) == sorted(s["id"] for s in statuses)
    assert res.complete and res.retries == 2
    assert [c["query"].get("max_id", [None])[0] for c in calls] == [
        None, None, statuses[39]["id"], statuses[79]["id"], statuses[79]["id"], statuses[119]["id"], statuses[129]["id"],
    ]  # fmt: skip
    # --since: paging stops at the first page reaching back before it
    since = (
        BASE_TS + 10 * 100
    )  # statuses 0..30 are at or after it (status i is at BASE_TS + 10 * (130 - i))
    with MockSocial(statuses=statuses, page_size=40) as mock:
        collect(
            "mastodon",
            "cooljapan",
            tmp_path / "s.parquet",
            host=mock.url,
            policy=FAST,
            since=since,
            on_wait=_quiet,
        )
        n_calls = len(mock.requests_to("/timelines/tag/"))
    ev = _events(tmp_path / "s.parquet")
    assert n_calls == 1 and len(ev) == 31 and ev["ts"].min() >= since


def test_limit_then_resume_with_a_larger_limit(tmp_path):
    posts = bluesky_posts(120, 10)
    with MockSocial(posts=posts) as mock:
        first = collect(
            "bluesky",
            "q",
            tmp_path / "l.parquet",
            host=mock.url,
            policy=FAST,
            limit=60,
            on_wait=_quiet,
        )
        assert first.posts == 60 and not first.complete
        assert len(_events(tmp_path / "l.parquet")) == 60
        again = collect(
            "bluesky", "q", tmp_path / "l.parquet", host=mock.url, policy=FAST, on_wait=_quiet
        )
    assert again.complete and again.new_posts == 60
    assert sorted(_events(tmp_path / "l.parquet")["event_id"]) == sorted(p["uri"] for p in posts)


def test_killed_collection_resumes_from_its_cursor_without_duplicates(tmp_path):
    """A real kill (SIGKILL) of `detector collect` while it waits for a page, then the same command."""
    posts = bluesky_posts(200, 30)
    out = tmp_path / "k.parquet"
    with MockSocial(posts=posts, gate_at="100") as mock:
        cmd = [
            *_detector(),
            "collect",
            "bluesky",
            "#cooljapan",
            "--host",
            mock.url,
            "-o",
            str(out),
            "--quiet",
        ]
        proc = subprocess.Popen(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
        )
        try:
            assert mock.gate_reached.wait(timeout=120), (
                "the collector never asked for the gated page"
            )
        finally:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        mock.gate.set()
        state = json.loads((work_dir(out) / "state.json").read_text(encoding="utf-8"))
        assert state["cursor"] == "100" and not state["done"] and not out.exists()
        before = len(mock.requests_to("searchPosts"))
        run("collect", "bluesky", "#cooljapan", "--host", mock.url, "-o", str(out), "--quiet")
        resumed = mock.requests_to("searchPosts")[before:]
    assert resumed[0]["query"]["cursor"] == [
        "100"
    ]  # went on from the saved cursor, not from the start
    lines = (work_dir(out) / "posts.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len({json.loads(x)["uri"] for x in lines}) == 200
    ev = _events(out)
    assert sorted(ev["event_id"]) == sorted(p["uri"] for p in posts)
    report = tmp_path / "report"
    run("scan", str(out), "-o", str(report), "--quiet")
    rep = json.loads((report / "report.json").read_text(encoding="utf-8"))
    assert rep["input_summary"]["events"] == 200 and rep["input_summary"]["platforms"] == {
        "bluesky": 200
    }


def test_store_survives_a_kill_between_page_and_cursor(tmp_path):
    """The page was appended but the cursor not saved, and the last line was cut short."""
    key = lambda item: item.get("uri")  # noqa: E731
    ident = {"source": "bluesky", "query": "q"}
    store = CollectionStore(tmp_path / "x.parquet", ident, key)
    store.save_page([{"uri": "a"}, {"uri": "b"}], "c1", False)
    store.posts.append([{"uri": "c"}, {"uri": "d"}])  # next page stored, state still at c1
    with open(store.posts.path, "a", encoding="utf-8") as fh:
        fh.write('{"uri": "e", "trunc')  # killed mid-line
    again = CollectionStore(tmp_path / "x.parquet", ident, key)
    assert again.state["cursor"] == "c1" and again.posts.ids == {"a", "b", "c", "d"}
    assert again.save_page([{"uri": "c"}, {"uri": "d"}, {"uri": "e"}], "c2", True) == 1
    uris = [json.loads(x)["uri"] for x in again.posts.path.read_text(encoding="utf-8").splitlines()]
    assert uris == ["a", "b", "c", "d", "e"]
    with pytest.raises(ValueError, match="another collection"):
        CollectionStore(tmp_path / "x.parquet", {"source": "mastodon", "query": "q"}, key)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_host_is_a_clear_error(tmp_path):
    host = f"http://127.0.0.1:{_closed_port()}"
    with pytest.raises(CollectError, match="cannot reach http://127.0.0.1"):
        collect("mastodon", "tag", tmp_path / "u.parquet", host=host, policy=FAST, on_wait=_quiet)
    proc = run(
        "collect",
        "mastodon",
        "tag",
        "--host",
        host,
        "-o",
        str(tmp_path / "u.parquet"),
        "--quiet",
        check=False,
    )
    assert proc.returncode == 2 and "cannot reach" in proc.stderr


def test_refused_search_explains_and_app_password_login_works(tmp_path, monkeypatch):
    posts = bluesky_posts(30, 5)
    with MockSocial(posts=posts, require_auth=True) as mock:
        with pytest.raises(CollectError, match="HTTP 403.*BLUESKY_APP_PASSWORD"):
            collect(
                "bluesky", "x", tmp_path / "a.parquet", host=mock.url, policy=FAST, on_wait=_quiet
            )
        monkeypatch.setenv("BLUESKY_HANDLE", "me.bsky.social")
        monkeypatch.setenv("BLUESKY_APP_PASSWORD", "app-pass-1234")
        res = collect("bluesky", "x", tmp_path / "a.parquet", host=mock.url, auth_host=mock.url, policy=FAST,
                      on_wait=_quiet)  # fmt: skip
        assert res.posts == 30
        assert all(r["auth"] == "Bearer jwt-token-1" for r in mock.requests_to("searchPosts")[1:])
        monkeypatch.setenv("BLUESKY_APP_PASSWORD", "wrong")
        with pytest.raises(CollectError, match="HTTP 401"):
            collect(
                "bluesky",
                "x",
                tmp_path / "b.parquet",
                host=mock.url,
                auth_host=mock.url,
                policy=FAST,
            )


def test_wait_rules():
    now = 1_000_000_000.0
    assert wait_seconds(429, {"retry-after": "7"}, now) == 7.0
    assert wait_seconds(
        429, {"retry-after": "Sun, 09 Sep 2001 01:47:00 GMT"}, now
    ) == pytest.approx(20, abs=1)
    assert (
        wait_seconds(429, {"ratelimit-reset": str(int(now) + 30)}, now) == 30.0
    )  # Bluesky: epoch seconds
    assert wait_seconds(
        429, {"x-ratelimit-reset": "2001-09-09T01:47:40.000Z"}, now
    ) == pytest.approx(60, abs=1)
    assert (
        wait_seconds(200, {"ratelimit-remaining": "0", "ratelimit-reset": str(int(now) + 12)}, now)
        == 12.0
    )
    assert (
        wait_seconds(200, {"ratelimit-remaining": "5", "ratelimit-reset": str(int(now) + 12)}, now)
        is None
    )
    assert wait_seconds(429, {}, now) is None


def test_wait_beyond_max_wait_fails_clearly(tmp_path):
    far = MockSocial(posts=bluesky_posts(10, 2), rate_limit_at={"0"})
    with far as mock:
        policy = RetryPolicy(base_delay=0.05, max_wait=0.5, timeout=10)
        with pytest.raises(CollectError, match="more than 0.5 s: rerun later"):
            collect(
                "bluesky", "x", tmp_path / "w.parquet", host=mock.url, policy=policy, on_wait=_quiet
            )


def test_hashtag_collect_then_scan_in_one_go(tmp_path):
    statuses = mastodon_statuses(90, 15)
    out = tmp_path / "rep"
    with MockSocial(statuses=statuses, page_size=40) as mock:
        proc = run(
            "hashtag", "cooljapan", "--collect", "mastodon", "--host", mock.url, "-o", str(out)
        )
    assert "#cooljapan" in proc.stdout
    rep = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert rep["input_summary"]["events"] == 90 and rep["focus"]["hashtag"] == "cooljapan"
    assert (out / "collected.parquet").is_file()
    missing = run("hashtag", "cooljapan", "-o", str(tmp_path / "x"), check=False)
    assert missing.returncode == 2 and "--collect" in missing.stderr


def test_collect_help_names_endpoints_and_defaults():
    text = run("collect", "--help").stdout
    for word in ("searchPosts", "getProfiles", "/api/v1/timelines/tag/", "https://api.bsky.app",
                 "https://mastodon.social", "Retry-After", "resumes"):  # fmt: skip
        assert word in text


def test_redirect_to_another_host_is_refused(tmp_path):
    with MockSocial(posts=bluesky_posts(5, 1), redirect_to="http://127.0.0.2:9") as mock:
        with pytest.raises(CollectError, match="redirected .* only to the host you name"):
            collect(
                "bluesky", "x", tmp_path / "r.parquet", host=mock.url, policy=FAST, on_wait=_quiet
            )
        assert len(mock.requests_to("searchPosts")) == 1

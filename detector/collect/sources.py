"""The two live sources: Bluesky post search and a Mastodon hashtag timeline.

Each source turns a query into pages of raw items (what the file readers of
:mod:`detector.io` read) and says where the next page starts.

Bluesky (default host ``https://api.bsky.app``, the public AppView)
    ``GET /xrpc/app.bsky.feed.searchPosts?q=QUERY&sort=latest&limit=100
    [&since=ISO&until=ISO][&cursor=C]`` -> ``{"posts": [postView], "cursor"}``;
    the collection ends when no cursor comes back. Authors' profiles (creation
    date, follower/following/post counts) come from ``GET
    /xrpc/app.bsky.actor.getProfiles?actors=DID&actors=...`` (25 per call).
    Search without an account is often refused by Bluesky: with
    ``BLUESKY_HANDLE`` and ``BLUESKY_APP_PASSWORD`` set, a session is opened
    with ``POST /xrpc/com.atproto.server.createSession`` at the account's
    server (``--auth-host``, default ``https://bsky.social``) and its access
    token sent as ``Authorization: Bearer``.
Mastodon (default host ``https://mastodon.social``)
    ``GET /api/v1/timelines/tag/TAG?limit=40[&max_id=ID]`` -> ``[Status]``,
    newest first; the next page is ``max_id`` = the smallest id of the page.
    The collection ends on an empty page or once a page reaches back before
    ``--since`` (statuses after ``--until`` are skipped, paging goes on).
    ``MASTODON_TOKEN``, when set, is sent as a bearer token.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from detector.collect.http import CollectError, HttpClient
from detector.io.timeparse import parse_times

__all__ = ["SOURCES", "Page", "Source", "Bluesky", "Mastodon"]

PROFILE_BATCH = 25
"""Actors per ``app.bsky.actor.getProfiles`` call (the lexicon's maximum)."""


@dataclass(frozen=True)
class Page:
    """One page: its raw items, the cursor of the next page, and whether it is the last."""

    items: list[dict]
    cursor: Any
    done: bool


def _iso(ts: int | None) -> str | None:
    if ts is None:
        return None
    return dt.datetime.fromtimestamp(int(ts), dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _seconds(value: Any) -> int | None:
    ms, _, ok = parse_times([value])
    return int(ms[0] // 1000) if ok[0] else None


class Source:
    """What :func:`detector.collect.run.collect` needs from a live source."""

    name = ""
    reader_format = ""
    default_host = ""

    def key(self, item: dict) -> str | None:
        """The item's unique id."""
        raise NotImplementedError

    def item_ts(self, item: dict) -> int | None:
        """The item's time (UTC seconds), for ``--since`` / ``--until``."""
        raise NotImplementedError

    def login(self, client: HttpClient) -> None:
        """Authenticate ``client`` from the environment when credentials are set."""

    def pages(self, client: HttpClient, query: str, since: int | None, until: int | None,
              cursor: Any) -> Iterator[Page]:  # fmt: skip
        """Pages from ``cursor`` on (None: the first page)."""
        raise NotImplementedError


class Bluesky(Source):
    """``app.bsky.feed.searchPosts`` + ``app.bsky.actor.getProfiles``."""

    name = "bluesky"
    reader_format = "bluesky"
    default_host = "https://api.bsky.app"
    default_auth_host = "https://bsky.social"

    def __init__(self, auth_host: str | None = None) -> None:
        self.auth_host = auth_host or self.default_auth_host

    def key(self, item: dict) -> str | None:
        uri = item.get("uri")
        return uri if isinstance(uri, str) and uri else None

    def item_ts(self, item: dict) -> int | None:
        record = item.get("record") if isinstance(item.get("record"), dict) else {}
        return _seconds(record.get("createdAt") or item.get("indexedAt"))

    def login(self, client: HttpClient) -> None:
        handle, password = os.environ.get("BLUESKY_HANDLE"), os.environ.get("BLUESKY_APP_PASSWORD")
        if not handle or not password:
            return
        with HttpClient(self.auth_host, policy=client.policy) as auth:
            session = auth.post_json(
                "/xrpc/com.atproto.server.createSession",
                {"identifier": handle, "password": password},
            )
        token = session.get("accessJwt")
        if not isinstance(token, str) or not token:
            raise CollectError(f"{self.auth_host}: createSession returned no access token")
        client.set_header("Authorization", f"Bearer {token}")

    def pages(self, client, query, since, until, cursor):
        while True:
            params: dict[str, Any] = {"q": query, "sort": "latest", "limit": 100}
            if since is not None:
                params["since"] = _iso(since)
            if until is not None:
                params["until"] = _iso(until)
            if cursor:
                params["cursor"] = cursor
            data = client.get_json("/xrpc/app.bsky.feed.searchPosts", params)
            posts = data.get("posts")
            if not isinstance(posts, list):
                raise CollectError(
                    f"{client.host}: searchPosts answer without a posts list (keys {sorted(data)[:8]})"
                )
            nxt = data.get("cursor")
            done = not nxt or nxt == cursor or not posts
            yield Page([p for p in posts if isinstance(p, dict)], None if done else nxt, done)
            if done:
                return
            cursor = nxt

    def profiles(self, client: HttpClient, dids: list[str]) -> Iterator[list[dict]]:
        """Profile views of ``dids``, one list per call of :data:`PROFILE_BATCH` actors."""
        for start in range(0, len(dids), PROFILE_BATCH):
            batch = dids[start : start + PROFILE_BATCH]
            data = client.get_json(
                "/xrpc/app.bsky.actor.getProfiles", [("actors", d) for d in batch]
            )
            yield [p for p in data.get("profiles") or [] if isinstance(p, dict)]


class Mastodon(Source):
    """``/api/v1/timelines/tag/:hashtag`` with ``max_id`` paging."""

    name = "mastodon"
    reader_format = "mastodon"
    default_host = "https://mastodon.social"

    def key(self, item: dict) -> str | None:
        sid = item.get("id")
        return str(sid) if sid not in (None, "") else None

    def item_ts(self, item: dict) -> int | None:
        return _seconds(item.get("created_at"))

    def login(self, client: HttpClient) -> None:
        token = os.environ.get("MASTODON_TOKEN")
        if token:
            client.set_header("Authorization", f"Bearer {token}")

    def pages(self, client, query, since, until, cursor):
        tag = query.lstrip("#").strip()
        if not tag or "/" in tag:
            raise CollectError(f"{query!r} is not a hashtag")
        while True:
            params: dict[str, Any] = {"limit": 40}
            if cursor:
                params["max_id"] = cursor
            data = client.get_json_list(f"/api/v1/timelines/tag/{tag}", params)
            statuses = [s for s in data if isinstance(s, dict) and self.key(s) is not None]
            if not statuses:
                yield Page([], None, True)
                return
            times = [self.item_ts(s) for s in statuses]
            keep = [
                s
                for s, t in zip(statuses, times, strict=True)
                if t is None or until is None or t <= until
            ]
            older = since is not None and any(t is not None and t < since for t in times)
            nxt = min((self.key(s) for s in statuses), key=lambda i: (len(i), i))
            done = older or nxt == cursor
            yield Page(keep, None if done else nxt, done)
            if done:
                return
            cursor = nxt


SOURCES: dict[str, type[Source]] = {"bluesky": Bluesky, "mastodon": Mastodon}
"""Source name (``detector collect SOURCE``) -> class."""

"""A local stand-in for the Bluesky AppView and a Mastodon instance, on 127.0.0.1 only.

Speaks the JSON of the real endpoints (shapes from the lexicons
``app.bsky.feed.searchPosts`` / ``app.bsky.feed.defs#postView`` /
``app.bsky.actor.defs#profileViewDetailed`` and Mastodon's ``Status`` entity):

* ``GET /xrpc/app.bsky.feed.searchPosts?q&limit&cursor`` (opaque cursor; the
  last page has none), ``GET /xrpc/app.bsky.actor.getProfiles?actors=...``,
  ``POST /xrpc/com.atproto.server.createSession``;
* ``GET /api/v1/timelines/tag/:tag?limit&max_id`` (newest first, ``Link``
  header to the next page).

Faults, each once per cursor: ``rate_limit_at`` (429 with ``Retry-After: 1``),
``drop_at`` (headers and half a body, then the connection closes),
``gate_at`` (the answer waits until :attr:`MockSocial.gate` is set);
``redirect_to`` answers search with a 302 to another host. Every
request is logged. The server stops when the test ends, and by itself after
``lifetime_s`` seconds at the latest.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

BASE_TS = 1_767_225_600  # 2026-01-01T00:00:00Z


def iso(ts: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(ts))


def bluesky_posts(n: int, n_authors: int, tag: str = "cooljapan") -> list[dict]:
    """``n`` post views, newest first, by ``n_authors`` authors, each carrying ``#tag``."""
    posts = []
    for i in range(n):
        a = i % n_authors
        did = f"did:plc:author{a:04d}"
        text = f"post {i} about #{tag}"
        start = len(text.encode()) - len(tag) - 1
        posts.append({
            "uri": f"at://{did}/app.bsky.feed.post/3k{i:08d}",
            "cid": f"bafyreicid{i:08d}",
            "author": {"did": did, "handle": f"user{a}.bsky.social", "displayName": f"User {a}",
                       "labels": [], "createdAt": iso(BASE_TS - 86400 * (a + 1))},
            "record": {"$type": "app.bsky.feed.post", "text": text, "createdAt": iso(BASE_TS + 10 * (n - i)),
                       "langs": ["en"],
                       "facets": [{"index": {"byteStart": start, "byteEnd": start + len(tag) + 1},
                                   "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": tag}]}]},
            "replyCount": 0, "repostCount": 0, "likeCount": 1, "quoteCount": 0,
            "indexedAt": iso(BASE_TS + 10 * (n - i) + 1), "labels": [],
        })  # fmt: skip
    return posts


def mastodon_statuses(n: int, n_accounts: int, tag: str = "cooljapan") -> list[dict]:
    """``n`` Status entities, newest first (ids descending)."""
    out = []
    for i in range(n):
        a = i % n_accounts
        sid = str(110_000_000_000_000_000 + (n - i) * 1000)
        out.append({
            "id": sid, "created_at": iso(BASE_TS + 10 * (n - i)), "in_reply_to_id": None,
            "in_reply_to_account_id": None, "sensitive": False, "spoiler_text": "", "visibility": "public",
            "language": "en", "uri": f"https://mock.social/users/u{a}/statuses/{sid}",
            "url": f"https://mock.social/@u{a}/{sid}", "replies_count": 0, "reblogs_count": 0,
            "favourites_count": 0, "reblog": None, "card": None, "poll": None, "emojis": [],
            "media_attachments": [], "mentions": [],
            "content": f'<p>status {i} <a href="https://mock.social/tags/{tag}" class="mention hashtag" rel="tag">#<span>{tag}</span></a></p>',
            "tags": [{"name": tag, "url": f"https://mock.social/tags/{tag}"}],
            "account": {"id": str(9000 + a), "username": f"u{a}", "acct": f"u{a}", "display_name": f"U {a}",
                        "locked": False, "bot": False, "created_at": iso(BASE_TS - 86400 * (a + 1)),
                        "note": "", "url": f"https://mock.social/@u{a}", "followers_count": a,
                        "following_count": 2 * a, "statuses_count": 10 + a},
        })  # fmt: skip
    return out


class MockSocial:
    """The mock server (see the module docstring); use as a context manager."""

    def __init__(self, *, posts: list[dict] | None = None, statuses: list[dict] | None = None,
                 page_size: int = 25, rate_limit_at: set[str] = frozenset(), drop_at: set[str] = frozenset(),
                 gate_at: str | None = None, require_auth: bool = False, redirect_to: str | None = None,
                 lifetime_s: float = 300.0) -> None:  # fmt: skip
        self.posts = posts or []
        self.statuses = statuses or []
        self.page_size = page_size
        self.rate_limit_at = set(rate_limit_at)
        self.drop_at = set(drop_at)
        self.gate_at = gate_at
        self.gate = threading.Event()
        self.gate_reached = threading.Event()
        self.require_auth = require_auth
        self.redirect_to = redirect_to
        self.lifetime_s = lifetime_s
        self.log: list[dict] = []
        self._fired: set[tuple[str, str]] = set()
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> MockSocial:
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        self._timer = threading.Timer(self.lifetime_s, self.server.shutdown)
        self._timer.daemon = True
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.gate.set()
        self._timer.cancel()
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)

    def once(self, kind: str, cursor: str) -> bool:
        """True the first time fault ``kind`` meets ``cursor``."""
        with self._lock:
            if (kind, cursor) in self._fired:
                return False
            self._fired.add((kind, cursor))
            return True

    def requests_to(self, path_part: str) -> list[dict]:
        return [r for r in self.log if path_part in r["path"]]

    def _handler(self):
        mock = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def _send(
                self, status: int, payload, headers: dict | None = None, drop: bool = False
            ) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                if drop:
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                self.wfile.write(body)

            def _faults(self, cursor: str) -> bool:
                """Apply the faults for ``cursor``; True when the request was answered by one."""
                if cursor in mock.rate_limit_at and mock.once("429", cursor):
                    self._send(
                        429,
                        {"error": "RateLimitExceeded", "message": "slow down"},
                        {"Retry-After": "1"},
                    )
                    return True
                if cursor == mock.gate_at and mock.once("gate", cursor):
                    mock.gate_reached.set()
                    mock.gate.wait(timeout=60)
                if cursor in mock.drop_at and mock.once("drop", cursor):
                    self._send(200, {"posts": [], "cursor": "x" * 5000}, drop=True)
                    return True
                return False

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                mock.log.append(
                    {"method": "POST", "path": self.path, "auth": self.headers.get("Authorization")}
                )
                if self.path == "/xrpc/com.atproto.server.createSession":
                    if body.get("password") != "app-pass-1234":
                        self._send(
                            401,
                            {
                                "error": "AuthenticationRequired",
                                "message": "Invalid identifier or password",
                            },
                        )
                        return
                    self._send(
                        200,
                        {
                            "did": "did:plc:me",
                            "handle": body.get("identifier"),
                            "accessJwt": "jwt-token-1",
                        },
                    )
                    return
                self._send(404, {"error": "MethodNotImplemented"})

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = parse_qs(parts.query)
                auth = self.headers.get("Authorization")
                mock.log.append({"method": "GET", "path": parts.path, "query": query, "auth": auth})
                if parts.path == "/xrpc/app.bsky.feed.searchPosts":
                    if mock.redirect_to:
                        self.send_response(302)
                        self.send_header("Location", mock.redirect_to + self.path)
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                    if mock.require_auth and auth != "Bearer jwt-token-1":
                        self._send(
                            403,
                            {
                                "error": "Forbidden",
                                "message": "Request forbidden by administrative rules",
                            },
                        )
                        return
                    cursor = query.get("cursor", ["0"])[0]
                    if self._faults(cursor):
                        return
                    start = int(cursor)
                    size = min(int(query.get("limit", ["25"])[0]), mock.page_size)
                    page = mock.posts[start : start + size]
                    payload = {"posts": page}
                    if start + size < len(mock.posts):
                        payload["cursor"] = str(start + size)
                    self._send(200, payload, {"ratelimit-limit": "3000", "ratelimit-remaining": "2999",
                                              "ratelimit-reset": str(int(time.time()) + 300)})  # fmt: skip
                    return
                if parts.path == "/xrpc/app.bsky.actor.getProfiles":
                    actors = query.get("actors", [])
                    if len(actors) > 25:
                        self._send(
                            400,
                            {
                                "error": "InvalidRequest",
                                "message": "actors must not have more than 25 elements",
                            },
                        )
                        return
                    profiles = [
                        {"did": d, "handle": f"user{int(d[-4:])}.bsky.social", "displayName": f"User {int(d[-4:])}",
                         "description": "hello", "followersCount": int(d[-4:]), "followsCount": 3,
                         "postsCount": 7, "indexedAt": iso(BASE_TS), "createdAt": iso(BASE_TS - 86400 * (int(d[-4:]) + 1)),
                         "labels": []}
                        for d in actors
                    ]  # fmt: skip
                    self._send(200, {"profiles": profiles})
                    return
                if parts.path.startswith("/api/v1/timelines/tag/"):
                    max_id = query.get("max_id", [""])[0]
                    if self._faults(max_id or "first"):
                        return
                    size = min(int(query.get("limit", ["20"])[0]), mock.page_size)
                    older = [s for s in mock.statuses if not max_id or int(s["id"]) < int(max_id)]
                    page = older[:size]
                    headers = {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "299",
                               "X-RateLimit-Reset": iso(int(time.time()) + 300)}  # fmt: skip
                    if page:
                        headers["Link"] = (
                            f'<{mock.url}{parts.path}?max_id={page[-1]["id"]}>; rel="next"'
                        )
                    self._send(200, page, headers)
                    return
                self._send(404, {"error": "NotFound"})

        return Handler

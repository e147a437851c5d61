"""``collect``: pages from a live source -> the resumable store -> canonical Parquet."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from detector.collect.http import CollectError, HttpClient, RetryPolicy
from detector.collect.sources import SOURCES, Bluesky, Source
from detector.collect.store import CollectionStore
from detector.io import read_inputs, write_canonical
from detector.io.bluesky import profile_row
from detector.io.frames import AccountCollector
from detector.progress import progress
from detector.schema import merge_accounts

__all__ = ["CollectResult", "collect"]


@dataclass
class CollectResult:
    """What a collection did: counts, where the files are, and the ingest summary."""

    out: Path
    work_dir: Path
    source: str
    host: str
    query: str
    posts: int
    new_posts: int
    profiles: int
    resumed: bool
    complete: bool
    requests: int
    retries: int
    waited_s: float
    ingest: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """JSON-able summary (``--json``)."""
        return {
            "out": str(self.out), "work_dir": str(self.work_dir), "source": self.source, "host": self.host,
            "query": self.query, "posts": self.posts, "new_posts": self.new_posts, "profiles": self.profiles,
            "resumed": self.resumed, "complete": self.complete, "requests": self.requests,
            "retries": self.retries, "waited_s": round(self.waited_s, 1), "ingest": self.ingest,
        }  # fmt: skip


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def collect(
    source: str,
    query: str,
    out: str | os.PathLike[str],
    *,
    host: str | None = None,
    auth_host: str | None = None,
    since: int | None = None,
    until: int | None = None,
    limit: int | None = None,
    restart: bool = False,
    policy: RetryPolicy | None = None,
    on_wait: Callable[[float, str], None] | None = None,
) -> CollectResult:
    """Collect posts from a live source into canonical Parquet at ``out``.

    Parameters
    ----------
    source : {"bluesky", "mastodon"}
    query : str
        Bluesky: a search query (``#tag``, words, Lucene-like operators);
        Mastodon: a hashtag (with or without ``#``).
    out : path
        Canonical events Parquet (its accounts file beside it); the work
        folder ``OUT.collect/`` keeps the raw pages and the cursor.
    host : str, optional
        The server to ask (default: the source's documented default host).
        No other host is contacted (except Bluesky's ``auth_host`` when
        credentials are set).
    since, until : int, optional
        UTC seconds: only posts with ``since <= time <= until``.
    limit : int, optional
        Stop after this many posts in total (resumed runs count what earlier
        runs stored).
    restart : bool
        Discard an earlier, unfinished collection into the same ``out``.
    policy : RetryPolicy, optional
        Waits and retries (seconds).
    on_wait : callable, optional
        ``on_wait(seconds, reason)`` before each wait; default: a line on stderr.

    Returns
    -------
    CollectResult

    Raises
    ------
    CollectError
        Host unreachable, request refused, answers not in the expected shape.
        What was stored so far is kept: the next run resumes from it.
    """
    if source not in SOURCES:
        raise CollectError(f"unknown source {source!r}; expected one of {', '.join(SOURCES)}")
    if limit is not None and limit < 1:
        raise CollectError("--limit must be at least 1")
    src: Source = Bluesky(auth_host) if source == "bluesky" else SOURCES[source]()
    base = host or src.default_host
    identity = {"source": source, "host": base, "query": query, "since": since, "until": until}
    try:
        store = CollectionStore(out, identity, src.key, restart=restart)
    except ValueError as exc:
        raise CollectError(str(exc)) from None
    resumed = store.resumed and not store.state.get("done")
    before = len(store.posts.ids)
    notify = on_wait or (lambda s, why: _say(f"collect: {why}: waiting {s:.0f} s"))
    with HttpClient(base, policy=policy, on_wait=notify) as client:
        if not store.state.get("done") and (limit is None or before < limit):
            src.login(client)
            _collect_pages(src, client, store, query, since, until, limit)
        n_profiles = _collect_profiles(src, client, store) if isinstance(src, Bluesky) else 0
        requests, retries, waited = client.requests, client.retries, client.waited_s
    ingest = _write_parquet(src, store, out, since, until)
    return CollectResult(
        Path(out), store.dir, source, base, query, len(store.posts.ids), len(store.posts.ids) - before,
        n_profiles, resumed, bool(store.state.get("done")), requests, retries, waited, ingest,
    )  # fmt: skip


def _in_range(src: Source, item: dict, since: int | None, until: int | None) -> bool:
    ts = src.item_ts(item)
    return ts is None or ((since is None or ts >= since) and (until is None or ts <= until))


def _collect_pages(src, client, store: CollectionStore, query, since, until, limit) -> None:
    pages = src.pages(client, query, since, until, store.state.get("cursor"))
    for page in progress(pages, desc=f"collecting {src.name} {query}", unit="page"):
        items = [i for i in page.items if _in_range(src, i, since, until)]
        fresh = [i for i in items if src.key(i) not in store.posts.ids]
        room = None if limit is None else limit - len(store.posts.ids)
        if room is not None and room < len(fresh):
            # a page cut by --limit: the cursor stays on this page, so a larger --limit goes on from it
            store.posts.append(fresh[:room])
            return
        store.save_page(items, page.cursor, page.done)
        if page.done or (limit is not None and len(store.posts.ids) >= limit):
            return


def _stored(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _collect_profiles(src: Bluesky, client: HttpClient, store: CollectionStore) -> int:
    """Fetch the profiles of post authors not fetched yet (resumable: one append per call)."""
    dids = sorted({(p.get("author") or {}).get("did") for p in _stored(store.posts.path)} - {None})
    missing = [d for d in dids if d not in store.profiles.ids]
    if missing:
        for batch in progress(src.profiles(client, missing), desc="author profiles", unit="call",
                              total=-(-len(missing) // 25)):  # fmt: skip
            store.profiles.append(batch)
    return len(store.profiles.ids)


def _write_parquet(src: Source, store: CollectionStore, out, since, until) -> dict[str, Any]:
    if not store.posts.ids:
        raise CollectError(
            f"{store.state['identity']['host']}: no post found for {store.state['identity']['query']!r}"
            + (" in the --since/--until range" if since is not None or until is not None else "")
        )
    result = read_inputs(store.posts.path, fmt=src.reader_format)
    events, accounts = result.events, result.accounts
    if since is not None or until is not None:
        keep = pd.Series(True, index=events.index)
        if since is not None:
            keep &= events["ts"] >= since
        if until is not None:
            keep &= events["ts"] <= until
        events = events[keep.to_numpy()].reset_index(drop=True)
    profiles = _stored(store.profiles.path)
    if profiles:
        collector = AccountCollector()
        for profile in profiles:
            collector.add(profile_row(profile))
        accounts = merge_accounts(accounts, collector.table())
    write_canonical(events, accounts, out)
    return {
        **result.log.summary(),
        "events_written": int(len(events)),
        "accounts_written": int(len(accounts)),
    }

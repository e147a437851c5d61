"""Bluesky (AT Protocol): Jetstream events and post views.

Jetstream commit events ``{"did", "time_us", "kind": "commit", "commit":
{"operation", "collection", "rkey", "record", "cid"}}`` with collection
``app.bsky.feed.post`` or ``app.bsky.feed.repost`` become events: ``event_id``
is the record's AT URI ``at://<did>/<collection>/<rkey>``, ``account_id`` the
author's DID, ``ts`` the relay time ``time_us`` (``createdAt`` is set by the
client and can be back-dated, so it is used only when ``time_us`` is absent).
Identity events give the handle (``account_name``). Deletes are counted as
``deletion notice``; likes, follows and other collections as ``not a post or
repost``.

Post views as returned by ``app.bsky.feed.getAuthorFeed`` / ``searchPosts``
(``{"uri", "cid", "author": {"did", "handle"}, "record", "indexedAt"}``,
optionally wrapped as ``{"post": ...}`` or in a ``{"posts"|"feed": [...]}``
page) are read too, with ``record.createdAt`` as time.

A repost targets ``subject.uri``; a post embedding a record
(``app.bsky.embed.record`` / ``recordWithMedia``) is a ``quote``; a post with
``reply.parent`` is a ``reply``. Hashtags, links and mentions come from the
rich-text facets (mentions are DIDs), plus ``tags`` and an external embed's URI.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd

from detector.io.frames import ReadContext, batch_rows
from detector.io.jsonstream import iter_json

__all__ = ["read_bluesky", "did_of", "profile_row"]

POST = "app.bsky.feed.post"
REPOST = "app.bsky.feed.repost"


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def did_of(uri: Any) -> str | None:
    """The DID in an AT URI (``at://did:plc:x/app.bsky.feed.post/y`` -> ``did:plc:x``)."""
    if not isinstance(uri, str) or not uri.startswith("at://"):
        return None
    return uri[5:].split("/", 1)[0] or None


def _facets(record: dict) -> tuple[list, list, list]:
    tags, mentions, links = [], [], []
    for facet in _list(record.get("facets")):
        for feature in _list(_dict(facet).get("features")):
            feature = _dict(feature)
            kind = str(feature.get("$type", ""))
            if kind.endswith("#tag") and feature.get("tag"):
                tags.append(feature["tag"])
            elif kind.endswith("#mention") and feature.get("did"):
                mentions.append(feature["did"])
            elif kind.endswith("#link") and feature.get("uri"):
                links.append(feature["uri"])
    tags.extend(t for t in _list(record.get("tags")) if isinstance(t, str))
    embed = _dict(record.get("embed"))
    external = _dict(embed.get("external")) or _dict(_dict(embed.get("media")).get("external"))
    if external.get("uri"):
        links.append(external["uri"])
    return tags, mentions, links


def _quoted(record: dict) -> str | None:
    embed = _dict(record.get("embed"))
    kind = str(embed.get("$type", ""))
    if kind.startswith("app.bsky.embed.recordWithMedia"):
        return _dict(_dict(embed.get("record")).get("record")).get("uri")
    if kind.startswith("app.bsky.embed.record"):
        return _dict(embed.get("record")).get("uri")
    return None


def _row(
    line: int,
    uri: str | None,
    did: str | None,
    handle: Any,
    time: Any,
    collection: str,
    record: dict,
) -> tuple:
    target = None
    text = None
    tags: list = []
    mentions: list = []
    links: list = []
    if collection == REPOST:
        kind = "repost"
        target = _dict(record.get("subject")).get("uri")
    else:
        text = record.get("text")
        tags, mentions, links = _facets(record)
        quoted = _quoted(record)
        parent = _dict(_dict(record.get("reply")).get("parent")).get("uri")
        if quoted:
            kind, target = "quote", quoted
        elif parent:
            kind, target = "reply", parent
        else:
            kind = "post"
    langs = _list(record.get("langs"))
    return (
        line,
        uri,
        did,
        handle,
        time,
        kind,
        target,
        did_of(target),
        text,
        tags,
        mentions,
        links,
        langs[0] if langs and isinstance(langs[0], str) else None,
    )


def profile_row(profile: dict) -> tuple:
    """:data:`detector.io.frames.ACCOUNT_FIELDS` tuple of a profile view (``author`` of a post
    view, or ``app.bsky.actor.getProfiles``' ``profileViewDetailed``)."""
    return (
        profile.get("did"),
        profile.get("handle"),
        profile.get("displayName"),
        profile.get("createdAt"),
        profile.get("followersCount"),
        profile.get("followsCount"),
        profile.get("postsCount"),
        None,
        profile.get("description"),
    )


def _view_items(value: Any) -> list:
    if isinstance(value, dict):
        for key in ("posts", "feed"):
            if isinstance(value.get(key), list):
                return value[key]
    return [value]


def _rows(ctx: ReadContext) -> Iterator[tuple]:
    for line, value in iter_json(ctx.source, ctx.log):
        for item in _view_items(value):
            ctx.read_one()
            if not isinstance(item, dict):
                ctx.skip("not a JSON object", line, type(item).__name__)
                continue
            if "did" in item and ("commit" in item or "kind" in item):
                row = _jetstream(ctx, line, item)
            else:
                row = _post_view(ctx, line, item)
            if row is not None:
                yield row


def _jetstream(ctx: ReadContext, line: int, event: dict) -> tuple | None:
    did = event.get("did")
    kind = event.get("kind")
    if kind == "identity":
        identity = _dict(event.get("identity"))
        ctx.accounts.add(
            (
                identity.get("did") or did,
                identity.get("handle"),
                None,
                None,
                None,
                None,
                None,
                None,
                None,
            )
        )
        ctx.skip("not a post or repost", line, "identity event")
        return None
    if kind != "commit":
        ctx.skip("not a post or repost", line, f"{kind} event")
        return None
    commit = _dict(event.get("commit"))
    collection = commit.get("collection")
    if commit.get("operation") == "delete":
        ctx.skip("deletion notice", line)
        return None
    if collection not in (POST, REPOST):
        ctx.skip("not a post or repost", line, str(collection))
        return None
    record = commit.get("record")
    if not isinstance(record, dict):
        ctx.skip("missing record", line)
        return None
    uri = f"at://{did}/{collection}/{commit.get('rkey')}" if did and commit.get("rkey") else None
    time_us = event.get("time_us")
    return _row(
        line,
        uri,
        did,
        None,
        time_us if time_us is not None else record.get("createdAt"),
        collection,
        record,
    )


def _post_view(ctx: ReadContext, line: int, item: dict) -> tuple | None:
    post = _dict(item.get("post")) or item
    record = post.get("record")
    if not isinstance(record, dict) or "uri" not in post:
        ctx.skip("not a bluesky post", line, "no uri / record")
        return None
    author = _dict(post.get("author"))
    did = author.get("did") or did_of(post.get("uri"))
    if did:
        ctx.accounts.add(profile_row({**author, "did": did}))
    collection = REPOST if str(record.get("$type", "")) == REPOST else POST
    return _row(
        line,
        post.get("uri"),
        did,
        author.get("handle"),
        record.get("createdAt") or post.get("indexedAt"),
        collection,
        record,
    )


def read_bluesky(ctx: ReadContext) -> Iterator[pd.DataFrame]:
    """Bluesky Jetstream events or post views."""
    return batch_rows(ctx, _rows(ctx), "bluesky")

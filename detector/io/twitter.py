"""Twitter API v1.1 statuses and API v2 tweets (twarc2 pages and flattened lines).

Kinds follow one rule for both versions: a retweet is ``repost`` (its text,
hashtags, mentions and URLs are those of the retweeted tweet when the payload
carries it); otherwise a tweet quoting another is ``quote``; otherwise a reply
(with a replied-to tweet id) is ``reply``; else ``post``. Only the top-level
tweets of a file become events; embedded or included tweets fill the target
fields, and their authors go to the accounts table.

Deletion notices (``{"delete": ...}``), withheld notices and other stream
messages of v1.1 are counted as skipped (not malformed). Tweets with
``withheld_in_countries`` / ``withheld`` are kept: they are real tweets.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pandas as pd

from detector.io.frames import ReadContext, batch_rows
from detector.io.jsonstream import iter_json

__all__ = ["read_twitter_v1", "read_twitter_v2", "v2_user"]

_RT_PREFIX = re.compile(r"^RT @[^:\s]+: ?")

_V1_NOTICES = {
    "delete": "deletion notice",
    "status_withheld": "withheld notice",
    "user_withheld": "withheld notice",
    "limit": "stream notice",
    "scrub_geo": "stream notice",
    "warning": "stream notice",
    "disconnect": "stream notice",
    "friends": "stream notice",
    "event": "stream notice",
}


def _sid(value: Any) -> str | None:
    """An id as a string (ints included), None when absent."""
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else str(value)


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


# --------------------------------------------------------------------------
# v1.1
# --------------------------------------------------------------------------


def _v1_text(tweet: dict) -> tuple[Any, dict]:
    ext = tweet.get("extended_tweet")
    if isinstance(ext, dict) and ext.get("full_text") is not None:
        return ext.get("full_text"), _dict(ext.get("entities")) or _dict(tweet.get("entities"))
    text = tweet.get("full_text")
    if text is None:
        text = tweet.get("text")
    return text, _dict(tweet.get("entities"))


def _entity_values(items: Any, key: str) -> list:
    """``item[key]`` of every object in the JSON list ``items`` where it is set and non-empty."""
    return [i.get(key) for i in _list(items) if isinstance(i, dict) and i.get(key)]


def _entity_urls(entities: dict) -> list:
    """Expanded URL (else the t.co URL) of every URL entity (same shape in v1.1 and v2)."""
    return [
        u.get("expanded_url") or u.get("url")
        for u in _list(entities.get("urls"))
        if isinstance(u, dict) and (u.get("expanded_url") or u.get("url"))
    ]


def _v1_entities(entities: dict) -> tuple[list, list, list]:
    return (
        _entity_values(entities.get("hashtags"), "text"),
        _entity_values(entities.get("user_mentions"), "screen_name"),
        _entity_urls(entities),
    )


def _v1_user(ctx: ReadContext, user: dict, client: Any = None) -> str | None:
    uid = _sid(user.get("id_str") or user.get("id"))
    if uid is None:
        return None
    ctx.accounts.add(
        (
            uid,
            user.get("screen_name"),
            user.get("name"),
            user.get("created_at"),
            user.get("followers_count"),
            user.get("friends_count"),
            user.get("statuses_count"),
            user.get("verified"),
            user.get("description"),
            user.get("default_profile"),
            client,
        )
    )
    return uid


def _v1_row(ctx: ReadContext, line: int, tweet: dict) -> tuple | None:
    user = _dict(tweet.get("user"))
    uid = _v1_user(ctx, user, tweet.get("source")) if user else None
    rs = tweet.get("retweeted_status")
    qs = _dict(tweet.get("quoted_status"))
    if qs:
        _v1_user(ctx, _dict(qs.get("user")))
    target = target_account = None
    if isinstance(rs, dict):
        kind = "repost"
        target = _sid(rs.get("id_str") or rs.get("id"))
        target_account = _v1_user(ctx, _dict(rs.get("user")))
        inner_q = _dict(rs.get("quoted_status"))
        if inner_q:
            _v1_user(ctx, _dict(inner_q.get("user")))
        text, entities = _v1_text(rs)
    else:
        text, entities = _v1_text(tweet)
        quoted = _sid(tweet.get("quoted_status_id_str") or tweet.get("quoted_status_id"))
        reply = _sid(tweet.get("in_reply_to_status_id_str") or tweet.get("in_reply_to_status_id"))
        if quoted is None and qs:
            quoted = _sid(qs.get("id_str") or qs.get("id"))
        if quoted is not None:
            kind, target = "quote", quoted
            target_account = _sid(_dict(qs.get("user")).get("id_str")) if qs else None
        elif reply is not None:
            kind, target = "reply", reply
            target_account = _sid(
                tweet.get("in_reply_to_user_id_str") or tweet.get("in_reply_to_user_id")
            )
        else:
            kind = "post"
    tags, mentions, urls = _v1_entities(entities)
    return (
        line,
        _sid(tweet.get("id_str") or tweet.get("id")),
        uid,
        user.get("screen_name"),
        tweet.get("timestamp_ms") or tweet.get("created_at"),
        kind,
        target,
        target_account,
        text,
        tags,
        mentions,
        urls,
        tweet.get("lang"),
    )


def _v1_records(value: Any) -> list:
    """Statuses in one JSON value: a status, or a search response ``{"statuses": [...]}``."""
    if isinstance(value, dict) and isinstance(value.get("statuses"), list):
        return value["statuses"]
    return [value]


def _v1_rows(ctx: ReadContext) -> Iterator[tuple]:
    for line, value in iter_json(ctx.source, ctx.log):
        for tweet in _v1_records(value):
            ctx.read_one()
            if not isinstance(tweet, dict):
                ctx.skip("not a JSON object", line, type(tweet).__name__)
                continue
            notice = next((r for k, r in _V1_NOTICES.items() if k in tweet), None)
            if notice is not None and "created_at" not in tweet:
                ctx.skip(notice, line)
                continue
            if "user" not in tweet and "created_at" not in tweet:
                ctx.skip("not a twitter-v1 status", line, "no user / created_at")
                continue
            yield _v1_row(ctx, line, tweet)


def read_twitter_v1(ctx: ReadContext) -> Iterator[pd.DataFrame]:
    """Twitter API v1.1 statuses (JSON array, JSON Lines, stream files, search responses)."""
    return batch_rows(ctx, _v1_rows(ctx), "twitter")


# --------------------------------------------------------------------------
# v2
# --------------------------------------------------------------------------


def _v2_text(tweet: dict) -> tuple[Any, dict]:
    note = tweet.get("note_tweet")
    if isinstance(note, dict) and note.get("text") is not None:
        return note.get("text"), _dict(note.get("entities")) or _dict(tweet.get("entities"))
    return tweet.get("text"), _dict(tweet.get("entities"))


def _v2_entities(entities: dict) -> tuple[list, list, list]:
    return (
        _entity_values(entities.get("hashtags"), "tag"),
        _entity_values(entities.get("mentions"), "username"),
        _entity_urls(entities),
    )


def v2_user(ctx: ReadContext, user: dict, client: Any = None) -> str | None:
    """Add an API v2 user object to the accounts table; its id (None when it has none).

    ``client``: the posting application of the tweet it came with (``source``), if any."""
    uid = _sid(user.get("id"))
    if uid is None:
        return None
    metrics = _dict(user.get("public_metrics"))
    ctx.accounts.add(
        (
            uid,
            user.get("username"),
            user.get("name"),
            user.get("created_at"),
            metrics.get("followers_count"),
            metrics.get("following_count"),
            metrics.get("tweet_count"),
            user.get("verified"),
            user.get("description"),
            _v2_default_profile(user),
            client,
        )
    )
    return uid


def _v2_default_profile(user: dict) -> bool | None:
    """v2 has no ``default_profile``: the default avatar URL is the marker (None when no URL)."""
    url = user.get("profile_image_url")
    return ("default_profile_images" in url) if isinstance(url, str) and url else None


def _rt_author_from_text(text: Any, entities: dict) -> str | None:
    """For a retweet whose original is not included: the first mention when the text is ``RT @it:``."""
    if not isinstance(text, str) or not text.startswith("RT @"):
        return None
    first = next(iter(_list(entities.get("mentions"))), None)
    if isinstance(first, dict) and first.get("username") and text[4:].startswith(first["username"]):
        return _sid(first.get("id"))
    return None


def _v2_row(ctx: ReadContext, line: int, tweet: dict, users: dict, tweets: dict) -> tuple:
    author = _dict(tweet.get("author"))
    if author:
        v2_user(ctx, author, tweet.get("source"))
    author_id = _sid(tweet.get("author_id")) or _sid(author.get("id"))
    user = users.get(author_id) or author
    refs = {}
    for ref in _list(tweet.get("referenced_tweets")):
        if isinstance(ref, dict) and ref.get("type") and ref.get("type") not in refs:
            refs[ref["type"]] = ref
    target = target_account = None
    text, entities = _v2_text(tweet)
    if "retweeted" in refs:
        kind = "repost"
        ref = refs["retweeted"]
        target = _sid(ref.get("id"))
        original = _dict(ref.get("tweet")) or tweets.get(target) or {}
        if original:
            target_account = _sid(original.get("author_id")) or _sid(
                _dict(original.get("author")).get("id")
            )
            if original.get("author"):
                v2_user(ctx, _dict(original.get("author")))
            text, entities = _v2_text(original)
        else:  # original not in the payload (deleted, or not expanded): strip "RT @x: "
            target_account = _rt_author_from_text(text, entities)
            if isinstance(text, str):
                text = _RT_PREFIX.sub("", text, count=1)
    elif "quoted" in refs:
        kind = "quote"
        ref = refs["quoted"]
        target = _sid(ref.get("id"))
        original = _dict(ref.get("tweet")) or tweets.get(target) or {}
        target_account = _sid(original.get("author_id")) or _sid(
            _dict(original.get("author")).get("id")
        )
        if original.get("author"):
            v2_user(ctx, _dict(original.get("author")))
    elif "replied_to" in refs:
        kind = "reply"
        target = _sid(refs["replied_to"].get("id"))
        target_account = _sid(tweet.get("in_reply_to_user_id"))
    else:
        kind = "post"
    tags, mentions, urls = _v2_entities(entities)
    return (
        line,
        _sid(tweet.get("id")),
        author_id,
        user.get("username"),
        tweet.get("created_at"),
        kind,
        target,
        target_account,
        text,
        tags,
        mentions,
        urls,
        tweet.get("lang"),
    )


def _v2_items(value: Any, ctx: ReadContext) -> tuple[list, dict, dict]:
    """Tweets, users by id and included tweets by id in one JSON value (page or flat tweet)."""
    if (
        isinstance(value, dict)
        and "data" in value
        and ("includes" in value or "meta" in value or "id" not in value)
    ):
        data = value.get("data")
        items = data if isinstance(data, list) else [data] if isinstance(data, dict) else []
        includes = _dict(value.get("includes"))
        users = {}
        for user in _list(includes.get("users")):
            if isinstance(user, dict) and v2_user(ctx, user) is not None:
                users[_sid(user.get("id"))] = user
        tweets = {
            _sid(t.get("id")): t for t in _list(includes.get("tweets")) if isinstance(t, dict)
        }
        for t in items:
            if isinstance(t, dict) and t.get("id") is not None:
                tweets.setdefault(_sid(t.get("id")), t)
        return items, users, tweets
    if ctx.includes is not None:  # academictwitteR: users and originals come from users_*.json
        return _list(value) if isinstance(value, list) else [value], ctx.includes.users, ctx.includes.tweets
    return [value], {}, {}


def _v2_rows(ctx: ReadContext) -> Iterator[tuple]:
    for line, value in iter_json(ctx.source, ctx.log):
        items, users, tweets = _v2_items(value, ctx)
        for tweet in items:
            ctx.read_one()
            if not isinstance(tweet, dict):
                ctx.skip("not a JSON object", line, type(tweet).__name__)
                continue
            if "id" not in tweet or (
                "text" not in tweet and "author_id" not in tweet and "author" not in tweet
            ):
                if "withheld" in tweet and "id" in tweet:
                    ctx.skip("withheld tweet without content", line)
                else:
                    ctx.skip("not a twitter-v2 tweet", line, "no id / text / author_id")
                continue
            yield _v2_row(ctx, line, tweet, users, tweets)


def read_twitter_v2(ctx: ReadContext) -> Iterator[pd.DataFrame]:
    """Twitter API v2: twarc2 pages (``data`` + ``includes``) or one flattened tweet per line."""
    return batch_rows(ctx, _v2_rows(ctx), "twitter")

"""Weibo, as written by the widely used crawler (github.com/dataabc/weibo-crawler).

Two files per crawled user, both read:

``weibo-json``
    ``weibo/<screen_name>/<user_id>.json``: ``{"user": {...}, "weibo": [...]}``.
    Each post has ``id``, ``user_id``, ``screen_name``, ``text``,
    ``created_at``, optionally ``full_created_at``, ``topics`` and
    ``at_users`` (comma-separated), ``article_url``, counts, and for a repost
    ``retweet: {...}`` (the original, same fields). ``user`` gives the
    profile: ``screen_name``, ``followers_count``, ``follow_count``,
    ``statuses_count``, ``description``, ``verified``, ``registration_time``.
``weibo-csv``
    ``weibo/users.csv`` (``用户id, 昵称, 性别, ..., 注册时间, 微博数, 粉丝数,
    关注数, 简介, ..., 是否认证``): the profiles, into the accounts table (rows
    counted as ``account profile``, not events); and
    ``weibo/<screen_name>/<user_id>.csv`` with Chinese column names: ``id,
    bid, 正文, 头条文章url, ..., 日期, 工具, 点赞数, 评论数, 转发数, 话题, @用户,
    完整日期`` and for reposts ``是否原创, 源用户id, 源用户昵称, 源微博id,
    源微博正文, 源微博日期...``. The CSV does not name its author: the
    ``user_id`` is the file's name and the screen name its folder's (as the
    crawler writes them); a ``用户id`` / ``user_id`` column wins when present.

Conventions:

* Times are Beijing time (UTC+8) without an offset (``2020-01-15 12:34:56``)
  and are read as such; ``full_created_at`` (``完整日期``) wins over
  ``created_at`` (``日期``).
* Older crawler versions write the **date only** (``2020-01-15``). Such an
  event gets ``ts`` = the start of that day (Beijing) and
  ``ts_day_only = True``: window-based evidence (co-action, timing,
  time-of-day features) does not use it, the evidence coverage says how much
  of the input has a time of day, and nothing is inferred from the midnight
  time.
* A repost whose own text is empty or the default ``转发微博`` ("repost") is a
  ``repost`` of ``retweet.id`` carrying the original's text and topics; one
  with its own comment is a ``quote`` carrying the comment.
* Hashtags are ``topics``; mentions are ``at_users`` (screen names); links
  are the headline-article URL (``article_url``) and URLs in the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from detector.io.csvread import csv_chunks, csv_header
from detector.io.frames import ReadContext, batch_rows
from detector.io.jsonstream import iter_json_document
from detector.schema import DAY_ONLY_COLUMN

__all__ = [
    "DAY_ONLY_COLUMN",
    "WEIBO_CSV_COLUMNS",
    "is_weibo_csv",
    "is_weibo_users_csv",
    "is_weibo_json",
    "read_weibo_csv",
    "read_weibo_json",
    "weibo_time",
]

BEIJING = "+08:00"
"""Offset of the crawler's times (China Standard Time, no daylight saving)."""

WEIBO_CSV_COLUMNS: dict[str, str] = {
    "id": "id",
    "bid": "bid",
    "正文": "text",
    "头条文章url": "article_url",
    "日期": "created_at",
    "完整日期": "full_created_at",
    "工具": "source",
    "话题": "topics",
    "@用户": "at_users",
    "用户id": "user_id",
    "user_id": "user_id",
    "用户昵称": "screen_name",
    "是否原创": "is_original",
}
"""weibo-crawler CSV column -> JSON field; ``源微博<column>`` are the original's, ``源用户id`` /
``源用户昵称`` its author."""

_REPOST_DEFAULT = frozenset({"", "转发微博", "轉發微博", "repost", "转发"})
_DATE_ONLY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NAIVE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")
_SEPARATORS = re.compile(r"[,，;；]")
_TEXT_URL = re.compile(r"https?://[^\s<>\"'，。！？、）)\]]+")
_WAN = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}


def weibo_time(value: Any) -> tuple[Any, bool]:
    """``(time, day_only)``: a crawler time with the Beijing offset made explicit.

    ``"2020-01-15 12:34:56"`` -> ``("2020-01-15T12:34:56+08:00", False)``;
    ``"2020-01-15"`` -> ``("2020-01-15T00:00:00+08:00", True)``; anything else
    (epoch numbers, times with an offset, ``Tue Feb 23 12:28:47 +0800 2021``)
    is returned unchanged for :func:`detector.io.timeparse.parse_times`.
    """
    if not isinstance(value, str):
        return value, False
    text = value.strip()
    day = _DATE_ONLY.match(text)
    if day:
        y, m, d = (int(p) for p in day.groups())
        return f"{y:04d}-{m:02d}-{d:02d}T00:00:00{BEIJING}", True
    full = _NAIVE.match(text)
    if full:
        y, m, d, hh, mm, ss = (int(p or 0) for p in full.groups())
        return f"{y:04d}-{m:02d}-{d:02d}T{hh:02d}:{mm:02d}:{ss:02d}{BEIJING}", False
    return value, False


def _split(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    if not isinstance(value, str):
        return []
    return [p.strip() for p in _SEPARATORS.split(value) if p.strip()]


def _count(value: Any) -> Any:
    """Crawler counts: ints, digit strings, or ``1.2万`` / ``3亿`` (ten-thousands, hundred-millions)."""
    if isinstance(value, str):
        text = value.strip().rstrip("+")
        if text and text[-1] in _WAN:
            try:
                return int(float(text[:-1]) * _WAN[text[-1]])
            except ValueError:
                return None
        return text or None
    return value


def _sid(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()  # the CSV writes ids with a trailing tab (spreadsheet-safe)
    return text or None


def _add_user(ctx: ReadContext, user: dict) -> str | None:
    uid = _sid(user.get("id"))
    if uid is None:
        return None
    ctx.accounts.add(
        (
            uid,
            user.get("screen_name"),
            user.get("screen_name"),
            weibo_time(user.get("registration_time"))[0] or None,
            _count(user.get("followers_count")),
            _count(user.get("follow_count")),
            _count(user.get("statuses_count")),
            user.get("verified"),
            user.get("description"),
        )
    )
    return uid


def _content(post: dict) -> tuple[Any, list, list, list]:
    text = post.get("text") if isinstance(post.get("text"), str) else None
    links = (
        [post["article_url"]]
        if isinstance(post.get("article_url"), str) and post["article_url"].strip()
        else []
    )
    links += [u for u in _TEXT_URL.findall(text or "") if u not in links]
    return text, _split(post.get("topics")), _split(post.get("at_users")), links


def _row(ctx: ReadContext, line: int, post: dict, user: dict) -> tuple:
    author = _sid(post.get("user_id")) or _sid(user.get("id"))
    name = post.get("screen_name") or user.get("screen_name")
    if author:
        ctx.accounts.add((author, name, name, None, None, None, None, None, None))
    when, day_only = weibo_time(post.get("full_created_at") or post.get("created_at"))
    text, tags, mentions, links = _content(post)
    retweet = post.get("retweet") if isinstance(post.get("retweet"), dict) else None
    target = target_account = None
    kind = "post"
    if retweet and _sid(retweet.get("id")):
        target = _sid(retweet.get("id"))
        target_account = _add_user(
            ctx, {"id": retweet.get("user_id"), "screen_name": retweet.get("screen_name")}
        )
        if (text or "").strip().lower() in _REPOST_DEFAULT:
            kind = "repost"
            text, tags, mentions, links = _content(retweet)
        else:
            kind = "quote"
    return (line, _sid(post.get("id")), author, name, when, kind, target, target_account,
            text, tags, mentions, links, None, day_only)  # fmt: skip


def is_weibo_json(value: Any) -> bool:
    """True for a weibo-crawler JSON file's top-level object (or its sniffing stub)."""
    return (
        isinstance(value, dict)
        and isinstance(value.get("weibo"), list)
        and ("user" in value or not value.get("weibo"))
        and not (set(value) - {"user", "weibo"})
    )


def is_weibo_csv(columns: list[str] | set[str]) -> bool:
    """True for the crawler's CSV header (``id``, ``正文`` and ``日期`` or ``完整日期``)."""
    names = set(columns)
    return {"id", "正文"} <= names and bool({"日期", "完整日期"} & names)


def _json_rows(ctx: ReadContext) -> Iterator[tuple]:
    for line, value in iter_json_document(ctx.source, ctx.log):
        if not isinstance(value, dict) or not isinstance(value.get("weibo"), list):
            ctx.read_one()
            ctx.skip("not a weibo-crawler file", line, "no weibo[] list")
            continue
        user = value.get("user") if isinstance(value.get("user"), dict) else {}
        _add_user(ctx, user)
        for post in value["weibo"]:
            ctx.read_one()
            if not isinstance(post, dict):
                ctx.skip("not a JSON object", line, type(post).__name__)
                continue
            yield _row(ctx, line, post, user)


def read_weibo_json(ctx: ReadContext) -> Iterator[pd.DataFrame]:
    """weibo-crawler JSON (``{"user": {...}, "weibo": [...]}``)."""
    return batch_rows(ctx, _json_rows(ctx), "weibo", extra_fields=(DAY_ONLY_COLUMN,))


def _csv_post(record: dict) -> dict:
    post: dict[str, Any] = {}
    retweet: dict[str, Any] = {}
    for column, value in record.items():
        if value is None or (isinstance(value, float) and value != value):
            continue
        if column == "源用户id":
            retweet["user_id"] = value
        elif column == "源用户昵称":
            retweet["screen_name"] = value
        elif column.startswith("源微博") and column[3:] in WEIBO_CSV_COLUMNS:
            retweet[WEIBO_CSV_COLUMNS[column[3:]]] = value
        elif column in WEIBO_CSV_COLUMNS:
            post[WEIBO_CSV_COLUMNS[column]] = value
    original = str(post.get("is_original", "")).strip().lower()
    if retweet.get("id") and original not in ("true", "1", "是"):
        post["retweet"] = retweet
    return post


def _csv_rows(ctx: ReadContext) -> Iterator[tuple]:
    path = Path(ctx.source.path)
    stem = path.name.split(".")[0]
    user = {"id": stem, "screen_name": path.parent.name or None}
    for chunk, first in csv_chunks(ctx, required=("id", "正文"), fmt="weibo-csv"):
        for i, record in enumerate(chunk.to_dict("records")):
            post = _csv_post(record)
            yield _row(ctx, first + i, post, user)


def read_weibo_csv(ctx: ReadContext) -> Iterator[pd.DataFrame]:
    """weibo-crawler CSV (Chinese column names; the author from the file's name)."""
    if is_weibo_users_csv(csv_header(ctx.source)[0]):
        _read_users(ctx)
        return iter(())
    return batch_rows(ctx, _csv_rows(ctx), "weibo", extra_fields=(DAY_ONLY_COLUMN,))


USERS_CSV_COLUMNS: dict[str, str] = {
    "用户id": "id",
    "昵称": "screen_name",
    "注册时间": "registration_time",
    "微博数": "statuses_count",
    "粉丝数": "followers_count",
    "关注数": "follow_count",
    "是否认证": "verified",
    "简介": "description",
}
"""weibo-crawler ``users.csv`` column -> ``user`` field of its JSON."""


def is_weibo_users_csv(columns: list[str] | set[str]) -> bool:
    """True for the crawler's ``users.csv`` header (``用户id``, ``昵称`` and ``粉丝数``)."""
    return {"用户id", "昵称", "粉丝数"} <= set(columns)


def _read_users(ctx: ReadContext) -> None:
    """``users.csv``: one profile per row into the accounts table (rows counted, not events)."""
    for chunk, first in csv_chunks(ctx, required=("用户id",), fmt="weibo users.csv"):
        for i, record in enumerate(chunk.to_dict("records")):
            user = {
                USERS_CSV_COLUMNS[k]: v
                for k, v in record.items()
                if k in USERS_CSV_COLUMNS and isinstance(v, str)
            }
            if _add_user(ctx, user) is None:
                ctx.skip("missing id", first + i, "users.csv row without 用户id")
            else:
                ctx.skip("account profile", first + i)

"""Mastodon statuses (REST API v1 ``Status`` entities), as JSON array or JSON Lines.

``event_id`` is the status ``id`` and ``account_id`` the ``account.id``, both
as given by the server that was queried (ids are local to that server; do not
mix exports of several servers). ``account_name`` is ``account.acct``. A
status with ``reblog`` is a ``repost`` of it (text and tags of the boosted
status); one with a ``quote`` (Mastodon 4.4+) is a ``quote``; one with
``in_reply_to_id`` a ``reply``. ``text`` is the HTML ``content`` reduced to
plain text (tags removed, entities decoded, never interpreted). Links are the
``href`` of anchors that are not mentions or hashtags, plus the preview
``card``'s URL. Mentions are ``acct`` handles. Statuses wrapped in streaming
events (``{"event": "update", "payload": "..."}``) are unwrapped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import pandas as pd

from detector.io.frames import ReadContext, batch_rows
from detector.io.jsonstream import iter_json, loads

__all__ = ["read_mastodon", "html_to_text"]

_BREAK = re.compile(r"<br\s*/?>|</p>\s*<p[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_ANCHOR = re.compile(r"<a\s([^>]*)>", re.IGNORECASE)
_HREF = re.compile(r"""href\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_CLASS = re.compile(r"""class\s*=\s*["']([^"']*)["']""", re.IGNORECASE)


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def html_to_text(content: Any) -> str | None:
    """Plain text of a status' HTML ``content`` (paragraphs and ``<br>`` become newlines)."""
    if not isinstance(content, str):
        return None
    return html.unescape(_TAG.sub("", _BREAK.sub("\n", content))).strip()


def _links(content: Any) -> list[str]:
    if not isinstance(content, str):
        return []
    out = []
    for attrs in _ANCHOR.findall(content):
        href = _HREF.search(attrs)
        classes = _CLASS.search(attrs)
        if href and not (classes and re.search(r"\b(mention|hashtag)\b", classes.group(1))):
            out.append(html.unescape(href.group(1)))
    return out


def _account(ctx: ReadContext, account: dict) -> str | None:
    aid = account.get("id")
    if aid is None:
        return None
    aid = str(aid)
    ctx.accounts.add(
        (
            aid,
            account.get("acct") or account.get("username"),
            account.get("display_name"),
            account.get("created_at"),
            account.get("followers_count"),
            account.get("following_count"),
            account.get("statuses_count"),
            None,
            html_to_text(account.get("note")),
        )
    )
    return aid


def _content(status: dict) -> tuple[Any, list, list, list]:
    tags = [
        t.get("name") for t in _list(status.get("tags")) if isinstance(t, dict) and t.get("name")
    ]
    mentions = [
        m.get("acct")
        for m in _list(status.get("mentions"))
        if isinstance(m, dict) and m.get("acct")
    ]
    links = _links(status.get("content"))
    card = _dict(status.get("card"))
    if card.get("url") and card["url"] not in links:
        links.append(card["url"])
    return html_to_text(status.get("content")), tags, mentions, links


def _sid(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _row(ctx: ReadContext, line: int, status: dict) -> tuple:
    account = _dict(status.get("account"))
    aid = _account(ctx, account)
    reblog = status.get("reblog")
    quote = _dict(status.get("quote"))
    quoted = _dict(quote.get("quoted_status")) or (quote if "content" in quote else {})
    target = target_account = None
    if isinstance(reblog, dict):
        kind = "repost"
        target = _sid(reblog.get("id"))
        target_account = _account(ctx, _dict(reblog.get("account")))
        text, tags, mentions, links = _content(reblog)
    else:
        text, tags, mentions, links = _content(status)
        if quoted:
            kind = "quote"
            target = _sid(quoted.get("id"))
            target_account = _account(ctx, _dict(quoted.get("account")))
        elif status.get("in_reply_to_id") is not None:
            kind = "reply"
            target = _sid(status.get("in_reply_to_id"))
            target_account = _sid(status.get("in_reply_to_account_id"))
        else:
            kind = "post"
    return (
        line,
        _sid(status.get("id")),
        aid,
        account.get("acct") or account.get("username"),
        status.get("created_at"),
        kind,
        target,
        target_account,
        text,
        tags,
        mentions,
        links,
        status.get("language"),
    )


def _unwrap(value: Any) -> Any:
    if (
        isinstance(value, dict)
        and value.get("event") in ("update", "status.update")
        and isinstance(value.get("payload"), str)
    ):
        try:
            return loads(value["payload"])
        except ValueError:
            return None
    return value


def _rows(ctx: ReadContext) -> Iterator[tuple]:
    for line, value in iter_json(ctx.source, ctx.log):
        ctx.read_one()
        if isinstance(value, dict) and value.get("event") == "delete":
            ctx.skip("deletion notice", line)
            continue
        status = _unwrap(value)
        if not isinstance(status, dict):
            ctx.skip("not a JSON object", line, type(status).__name__)
            continue
        if "account" not in status or "id" not in status:
            ctx.skip("not a mastodon status", line, "no id / account")
            continue
        yield _row(ctx, line, status)


def read_mastodon(ctx: ReadContext) -> Iterator[pd.DataFrame]:
    """Mastodon statuses."""
    return batch_rows(ctx, _rows(ctx), "mastodon")

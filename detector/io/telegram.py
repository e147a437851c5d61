"""Telegram Desktop exports ("Export chat history" / "Export Telegram data", JSON).

Two shapes are read:

* one chat's ``result.json``: ``{"name", "type", "id", "messages": [...]}``;
* the whole-account export: ``{"about", "personal_information", ...,
  "chats": {"list": [chat, ...]}, "left_chats": {"list": [...]}}``, every chat
  of both lists read as above.

Every ``"type": "message"`` row is an event; service rows (``"type":
"service"``: channel created, pinned message, member joined...) are counted
as ``service message`` and are not events.

* ``event_id`` is ``<chat id>/<message id>`` (message ids are numbered per
  chat); ``account_id`` is ``from_id`` (``user123`` / ``channel456``) and
  ``account_name`` the ``from`` name. A channel's posts count for the channel
  (``channel<chat id>`` when an old export lacks ``from_id``), also when a
  post is signed by an author.
* ``ts`` comes from ``date_unixtime`` (UTC seconds). ``date`` is the
  exporting computer's local time without an offset; it is used only when
  ``date_unixtime`` is absent (exports before 2021), read as UTC, and a
  notice says so.
* A forward (``forwarded_from`` / ``forwarded_from_id``) is a ``repost``.
  The export does not name the original message, so its target is
  ``fwd:<origin>/<digest of the text>``: forwards of the same post from the
  same origin share one target, and ``target_account_id`` is the origin's
  ``forwarded_from_id`` (its name when the id is absent).
* ``reply_to_message_id`` makes a ``reply`` to ``<chat id>/<that id>``
  (to ``reply_to_peer_id``'s chat when given); its author is filled in when
  the replied message is in the same export.
* ``text`` is a string or a list of plain strings and entity pieces; the
  plain text is the concatenation. Hashtags, links and mentions come from
  ``text_entities`` (``hashtag``; ``link`` and ``text_link``'s ``href``;
  ``mention`` and ``mention_name``'s ``user_id`` as ``user<id>``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import pandas as pd

from detector.io.frames import ReadContext, batch_rows
from detector.io.jsonstream import iter_json_document

__all__ = ["read_telegram", "is_telegram_export", "telegram_chats"]

CHANNEL_TYPES = frozenset({"public_channel", "private_channel"})
"""Chat types whose posts are the channel's own."""


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _is_chat(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("messages"), list) and "id" in value


def is_telegram_export(value: Any) -> bool:
    """True for a single chat's ``result.json`` or a whole-account export (or their sniffing stub)."""
    if not isinstance(value, dict):
        return False
    if _is_chat(value) and ("type" in value or "name" in value):
        return True
    chats = _dict(value.get("chats"))
    return isinstance(chats.get("list"), list) and bool(
        {"personal_information", "about", "left_chats"} & set(value)
    )


def telegram_chats(value: Any) -> list[dict]:
    """The chats of an export value: itself (one chat) or ``chats.list`` + ``left_chats.list``."""
    if _is_chat(value):
        return [value]
    out = []
    for key in ("chats", "left_chats"):
        out.extend(c for c in _list(_dict(_dict(value).get(key)).get("list")) if _is_chat(c))
    return out


def _pieces(text: Any) -> str | None:
    """Plain text of a message's ``text`` (a string, or strings and ``{"type", "text"}`` pieces)."""
    if isinstance(text, str):
        return text
    if isinstance(text, list):
        return "".join(p if isinstance(p, str) else str(_dict(p).get("text", "")) for p in text)
    return None


def _entities(message: dict) -> tuple[list, list, list]:
    entities = message.get("text_entities")
    if not isinstance(entities, list):  # older exports: the pieces of ``text`` are the entities
        entities = [p for p in _list(message.get("text")) if isinstance(p, dict)]
    tags, mentions, links = [], [], []
    for ent in entities:
        ent = _dict(ent)
        kind, value = ent.get("type"), ent.get("text")
        if kind == "hashtag" and isinstance(value, str):
            tags.append(value)
        elif kind == "link" and isinstance(value, str):
            links.append(value)
        elif kind == "text_link" and isinstance(ent.get("href"), str):
            links.append(ent["href"])
        elif kind == "mention" and isinstance(value, str):
            mentions.append(value)
        elif kind == "mention_name" and ent.get("user_id") is not None:
            mentions.append(f"user{ent['user_id']}")
    return tags, mentions, links


def _peer(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return str(value)


def _forward_target(origin: str, text: str | None) -> str:
    digest = hashlib.sha1((text or "").strip().encode("utf-8")).hexdigest()[:16]
    return f"fwd:{origin}/{digest}"


def _notice_once(ctx: ReadContext, message: str) -> None:
    if message not in ctx.log.notices:
        ctx.log.notice(message)


def _chat_rows(ctx: ReadContext, line: int, chat: dict) -> Iterator[tuple]:
    chat_id = _peer(chat.get("id"))
    is_channel = chat.get("type") in CHANNEL_TYPES
    channel_id = f"channel{chat_id}" if is_channel and chat_id else None
    if channel_id:
        ctx.accounts.add(
            (channel_id, chat.get("name"), chat.get("name"), None, None, None, None, None, None)
        )
    messages = chat["messages"]
    authors: dict[str, str] = {}
    for message in messages:  # authors of replied-to messages, in a first pass
        message = _dict(message)
        sender = _peer(message.get("from_id")) or channel_id
        if message.get("type") == "message" and message.get("id") is not None and sender:
            authors[str(message["id"])] = sender
    for message in messages:
        ctx.read_one()
        if not isinstance(message, dict):
            ctx.skip("not a JSON object", line, f"chat {chat_id}: {type(message).__name__}")
            continue
        mtype = message.get("type")
        if mtype == "service":
            ctx.skip(
                "service message",
                line,
                f"chat {chat_id} message {message.get('id')}: {message.get('action')}",
            )
            continue
        if mtype != "message":
            ctx.skip("not a telegram message", line, f"chat {chat_id}: type {mtype!r}")
            continue
        mid = _peer(message.get("id"))
        sender = channel_id or _peer(message.get("from_id"))
        name = chat.get("name") if channel_id else message.get("from")
        if sender:
            ctx.accounts.add((sender, name, name, None, None, None, None, None, None))
        when = message.get("date_unixtime")
        if when is None and message.get("date") is not None:
            when = message.get("date")
            _notice_once(
                ctx,
                f"{ctx.source.name}: messages without date_unixtime: their local 'date' "
                "is read as UTC (a recent Telegram Desktop export has date_unixtime)",
            )
        text = _pieces(message.get("text"))
        tags, mentions, links = _entities(message)
        target = target_account = None
        origin = _peer(message.get("forwarded_from_id")) or _peer(message.get("forwarded_from"))
        if origin:
            kind = "repost"
            target, target_account = _forward_target(origin, text), origin
        elif message.get("reply_to_message_id") is not None:
            kind = "reply"
            reply_id = str(message["reply_to_message_id"])
            reply_chat = _peer(message.get("reply_to_peer_id")) or chat_id
            target = f"{reply_chat}/{reply_id}"
            target_account = authors.get(reply_id) if reply_chat == chat_id else None
        else:
            kind = "post"
        event_id = f"{chat_id}/{mid}" if chat_id is not None and mid is not None else None
        yield (line, event_id, sender, name, when, kind, target, target_account,
               text, tags, mentions, links, None)  # fmt: skip


def _rows(ctx: ReadContext) -> Iterator[tuple]:
    for line, value in iter_json_document(ctx.source, ctx.log):
        chats = telegram_chats(value)
        if not chats:
            ctx.read_one()
            ctx.skip("not a telegram export", line, "no messages[] / chats.list[]")
            continue
        for chat in chats:
            yield from _chat_rows(ctx, line, chat)


def read_telegram(ctx: ReadContext) -> Iterator[pd.DataFrame]:
    """Telegram Desktop JSON exports (one chat or the whole account)."""
    return batch_rows(ctx, _rows(ctx), "telegram")

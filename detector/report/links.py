"""Links to the original posts, built from platform and post id (``--link-posts``, off by default).

Off by default because opening such a link tells the platform who looked. Nothing
is fetched: the URL is only written into the report. Built only where the id
alone (plus the handle) gives the post's public address:

=========  ===============================================  ====================================
platform   event_id                                         URL
=========  ===============================================  ====================================
twitter    numeric tweet id                                 ``https://x.com/<handle>/status/<id>``
           (``https://x.com/i/web/status/<id>`` without a handle)
bluesky    ``at://<did>/app.bsky.feed.post/<rkey>``         ``https://bsky.app/profile/<did>/post/<rkey>``
weibo      numeric or base62 post id                        ``https://m.weibo.cn/detail/<id>``
telegram   ``<channel>/<message id>``                       ``https://t.me/<channel>/<message id>``
=========  ===============================================  ====================================

Mastodon ids are local to the server that was queried, so no link is built.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

__all__ = ["LINK_PATTERN", "add_post_links", "post_url"]

LINK_PATTERN = re.compile(r"^https://(x\.com|bsky\.app|m\.weibo\.cn|t\.me)/[A-Za-z0-9_.:%/-]+$")
"""Every URL :func:`post_url` builds matches this (the HTML report links nothing else)."""

_HANDLE = re.compile(r"^[A-Za-z0-9_]{1,50}$")
_DIGITS = re.compile(r"^[0-9]{1,25}$")
_WEIBO = re.compile(r"^[0-9A-Za-z]{1,25}$")
_BSKY = re.compile(r"^at://(did:[a-z]+:[A-Za-z0-9._:%-]+)/app\.bsky\.feed\.post/([A-Za-z0-9._~-]+)$")
_TELEGRAM = re.compile(r"^([A-Za-z][A-Za-z0-9_]{3,64})/([0-9]{1,12})$")


def post_url(platform: Any, event_id: Any, handle: Any = None) -> str | None:
    """The public URL of a post, or ``None`` when the platform/id do not give one."""
    plat = str(platform or "").casefold()
    eid = str(event_id or "")
    url = None
    if plat == "twitter" and _DIGITS.match(eid):
        who = str(handle) if isinstance(handle, str) and _HANDLE.match(handle) else "i/web"
        url = f"https://x.com/{who}/status/{eid}"
    elif plat == "bluesky" and (m := _BSKY.match(eid)):
        url = f"https://bsky.app/profile/{quote(m.group(1), safe=':')}/post/{quote(m.group(2))}"
    elif plat == "weibo" and _WEIBO.match(eid):
        url = f"https://m.weibo.cn/detail/{eid}"
    elif plat == "telegram" and (m := _TELEGRAM.match(eid)):
        url = f"https://t.me/{m.group(1)}/{m.group(2)}"
    return url if url is not None and LINK_PATTERN.match(url) else None


def add_post_links(report: Mapping[str, Any]) -> int:
    """Add ``url`` to every example post of the report's clusters (in place); return how many."""
    n = 0
    for cluster in report.get("clusters") or []:
        for sample in cluster.get("sample_texts") or []:
            url = post_url(sample.get("platform"), sample.get("event_id"), sample.get("account_name"))
            if url:
                sample["url"] = url
                n += 1
    return n

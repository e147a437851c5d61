"""Write synthetic (or any canonical) tables in real export formats.

Formats (:data:`FORMATS`):

``twitter-v2``
    twarc2-style JSON Lines, one API response page per line:
    ``{"data": [...], "includes": {"users": [...], "tweets": [...]}, "meta": {...}}``
    with Twitter API v2 tweet and user objects (newest page first, as search returns).
``twitter-v1``
    Twitter API v1.1 statuses, one per line (``full_text``, ``entities``, embedded
    ``user``, ``retweeted_status`` and ``quoted_status``).
``io-archive``
    Twitter information-operations archive CSV (``tweetid, userid, ... tweet_time``
    with minute resolution as in the published archives, bracketed list columns,
    ``user_mentions`` as user ids).
``csv``
    flat CSV with the canonical column names (lists joined by ``|``, ``ts`` in UTC
    seconds) plus the author's profile fields on every row.

Optional ``accounts`` columns (written when present, as the benchmarks' scenario suite
fills them): ``client`` (posting client: v1.1 ``source``, IO-archive ``tweet_client_name``;
else a client picked by id hash), ``default_profile`` and ``default_profile_image`` (v1.1
``user`` flags; v2 ``profile_image_url`` is the default egg image when set).

A path ending in ``.gz`` is gzip-compressed with ``mtime=0`` and no file name in the
header, so output bytes depend only on the data. Every file is written atomically.
Expanded URLs are decorated deterministically (``https://``, ``www.``, tracking
parameters) from the normalised canonical URL, so readers must normalise them back.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import json
import os
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from detector.fsutil import atomic_write
from detector.report.csvsafe import write_csv

__all__ = ["EVENT_FILES", "FORMATS", "open_output", "write_dataset", "write_events"]

FORMATS: tuple[str, ...] = ("twitter-v2", "twitter-v1", "io-archive", "csv")
EVENT_FILES: dict[str, str] = {
    "twitter-v2": "events.jsonl",
    "twitter-v1": "events.jsonl",
    "io-archive": "events.csv",
    "csv": "events.csv",
}
"""Events file name per format (``.gz`` appended when compressed)."""

_TAG_RE = re.compile(r"#(\w+)")
_MENTION_RE = re.compile(r"@(\w+)")
_TCO_RE = re.compile(r"https://t\.co/\w+")
_CLIENTS = ("Twitter for iPhone", "Twitter for Android", "Twitter Web App", "TweetDeck", "Twitter for iPad")

_V1_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_V1_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _first_spans(pattern: re.Pattern[str], text: str) -> dict[str, tuple[int, int, str]]:
    """Case-folded group 1 of each match of ``pattern`` -> (start, end, group 1) of its first match."""
    spans: dict[str, tuple[int, int, str]] = {}
    for m in pattern.finditer(text):
        spans.setdefault(m.group(1).casefold(), (m.start(), m.end(), m.group(1)))
    return spans


@contextlib.contextmanager
def open_output(path: str | os.PathLike[str]) -> Iterator[IO[str]]:
    """Text handle writing UTF-8 to ``path`` atomically; gzip (mtime 0) when it ends in ``.gz``."""
    path = Path(path)
    with atomic_write(path, "wb") as raw:
        if path.suffix == ".gz":
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz, \
                    io.TextIOWrapper(gz, encoding="utf-8", newline="\n") as fh:
                yield fh
        else:
            fh = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
            try:
                yield fh
                fh.flush()
            finally:
                fh.detach()  # leave closing the file to atomic_write


def _hash(s: str) -> int:
    return zlib.crc32(s.encode("utf-8"))


def expanded_url(canonical: str, event_id: str) -> str:
    """A raw-looking URL that :func:`detector.schema.normalize_url` maps back to ``canonical``."""
    h = _hash(event_id + canonical) % 4
    if h == 0:
        return "https://" + canonical
    if h == 1:
        return "https://www." + canonical
    if h == 2:
        return "https://" + canonical + ("&" if "?" in canonical else "?") + "utm_source=twitter&utm_medium=social"
    return "http://" + canonical + ("" if "?" in canonical else "/")


def _iso(ts_ms: int) -> str:
    return pd.Timestamp(int(ts_ms), unit="ms", tz="UTC").strftime("%Y-%m-%dT%H:%M:%S.") + f"{int(ts_ms) % 1000:03d}Z"


def _v1_time(ts_s: int) -> str:
    t = pd.Timestamp(int(ts_s), unit="s", tz="UTC")
    return f"{_V1_DAYS[t.weekday()]} {_V1_MONTHS[t.month - 1]} {t.day:02d} {t:%H:%M:%S} +0000 {t.year}"


class _Tables:
    """Row access to events and accounts with the lookups every writer needs."""

    def __init__(self, events: pd.DataFrame, accounts: pd.DataFrame) -> None:
        ev = events.reset_index(drop=True)
        self.n = len(ev)
        self.id = ev["event_id"].astype(str).tolist()
        self.author = ev["account_id"].astype(str).tolist()
        self.name = ev["account_name"].astype(object).where(ev["account_name"].notna(), None).tolist()
        ts_ms = ev["ts_ms"] if "ts_ms" in ev.columns else pd.Series(pd.NA, index=ev.index)
        self.ts_ms = np.where(ts_ms.isna().to_numpy(), ev["ts"].to_numpy(np.int64) * 1000,
                              ts_ms.fillna(0).to_numpy(np.int64)).astype(np.int64).tolist()
        self.kind = ev["kind"].astype(str).tolist()
        self.target = ev["target_event_id"].astype(object).where(ev["target_event_id"].notna(), None).tolist()
        self.target_account = ev["target_account_id"].astype(object).where(ev["target_account_id"].notna(), None).tolist()
        self.text = ev["text"].astype(object).where(ev["text"].notna(), "").tolist()
        self.tags = ev["hashtags"].tolist()
        self.mentions = ev["mentions"].tolist()
        self.urls = ev["urls"].tolist()
        self.lang = ev["lang"].astype(object).where(ev["lang"].notna(), None).tolist()
        self.row_of = {e: i for i, e in enumerate(self.id)}
        counts = ev.loc[ev["target_event_id"].notna(), ["target_event_id", "kind"]].value_counts()
        self.metric = {(str(t), k): int(c) for (t, k), c in counts.items()}
        acc = accounts.reset_index(drop=True)
        self.acc: dict[str, dict[str, Any]] = {}
        self.by_handle: dict[str, str] = {}
        for rec in acc.astype(object).where(acc.notna(), None).to_dict("records"):
            self.acc[str(rec["account_id"])] = rec
            if rec.get("account_name"):
                self.by_handle[str(rec["account_name"]).casefold()] = str(rec["account_id"])

    def user(self, account_id: str) -> dict[str, Any]:
        return self.acc.get(account_id, {"account_id": account_id})

    def handle(self, account_id: str) -> str:
        return str(self.user(account_id).get("account_name") or account_id)

    def metrics(self, i: int) -> dict[str, int]:
        e = self.id[i]
        rt = self.metric.get((e, "repost"), 0)
        return {
            "retweet_count": rt,
            "reply_count": self.metric.get((e, "reply"), 0),
            "like_count": 2 * rt + _hash(e) % 7,
            "quote_count": self.metric.get((e, "quote"), 0),
        }

    def entities(self, i: int, text: str) -> dict[str, list[dict[str, Any]]]:
        """Entity spans (code-point offsets) of hashtags, mentions and t.co links in ``text``."""
        e = self.id[i]
        found = _first_spans(_TAG_RE, text)
        tags = []
        for t in self.tags[i]:
            start, end, disp = found.get(t, (None, None, t))
            tags.append({"start": start, "end": end, "tag": disp} if start is not None else {"tag": disp})
        mpos = _first_spans(_MENTION_RE, text)
        mentions = []
        for h in self.mentions[i]:
            start, end, disp = mpos.get(h, (None, None, h))
            uid = self.by_handle.get(h)
            item: dict[str, Any] = {"start": start, "end": end} if start is not None else {}
            item["username"] = disp
            if uid is not None:
                item["id"] = uid
            mentions.append(item)
        links = list(_TCO_RE.finditer(text))
        urls = []
        for k, u in enumerate(self.urls[i]):
            exp = expanded_url(u, e)
            item = {"start": links[k].start(), "end": links[k].end(), "url": links[k].group(0)} if k < len(links) else {}
            item.update({"expanded_url": exp, "display_url": u[:40]})
            urls.append(item)
        return {"hashtags": tags, "mentions": mentions, "urls": urls}


# ----------------------------------------------------------------------
# twitter v2
# ----------------------------------------------------------------------


def _client(t: _Tables, account_id: str) -> str:
    """Posting client: the account's ``client`` column when the table has one, else one by id hash."""
    client = t.user(account_id).get("client")
    return str(client) if client else _CLIENTS[_hash(account_id) % len(_CLIENTS)]


_DEFAULT_IMAGE = "https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png"


def _v2_user(t: _Tables, account_id: str) -> dict[str, Any]:
    u = t.user(account_id)
    out: dict[str, Any] = {"id": account_id, "username": t.handle(account_id), "name": u.get("display_name") or ""}
    if u.get("created_at") is not None:
        out["created_at"] = _iso(int(u["created_at"]) * 1000)
    if u.get("default_profile_image") is not None:
        out["profile_image_url"] = (_DEFAULT_IMAGE if u["default_profile_image"] else
                                    f"https://pbs.twimg.com/profile_images/{_hash(account_id)}/photo_normal.jpg")
    out["description"] = u.get("description") or ""
    out["verified"] = bool(u.get("verified")) if u.get("verified") is not None else False
    out["public_metrics"] = {
        "followers_count": int(u.get("followers") or 0),
        "following_count": int(u.get("following") or 0),
        "tweet_count": int(u.get("posts_count") or 0),
        "listed_count": int(u.get("followers") or 0) // 200,
    }
    return out


def _v2_entities_shifted(ents: dict, shift: int) -> dict:
    out = {}
    for key, items in ents.items():
        shifted = []
        for item in items:
            item = dict(item)
            if "start" in item:
                item["start"] += shift
                item["end"] += shift
            shifted.append(item)
        if shifted:
            out[key] = shifted
    return out


def _v2_tweet(t: _Tables, i: int) -> dict[str, Any]:
    kind = t.kind[i]
    e = t.id[i]
    tweet: dict[str, Any] = {"id": e, "edit_history_tweet_ids": [e], "author_id": t.author[i],
                             "created_at": _iso(t.ts_ms[i])}
    conversation = e
    if kind == "repost":
        orig_author = t.target_account[i] or ""
        handle = t.handle(orig_author)
        prefix = f"RT @{handle}: "
        text = prefix + t.text[i]
        ents = _v2_entities_shifted(t.entities(i, t.text[i]), len(prefix))
        ents.setdefault("mentions", []).insert(0, {"start": 3, "end": 4 + len(handle), "username": handle,
                                                   "id": orig_author})
        tweet["referenced_tweets"] = [{"type": "retweeted", "id": t.target[i]}]
    else:
        text = t.text[i]
        ents = _v2_entities_shifted(t.entities(i, text), 0)
        if kind == "quote":
            tweet["referenced_tweets"] = [{"type": "quoted", "id": t.target[i]}]
        elif kind == "reply":
            tweet["referenced_tweets"] = [{"type": "replied_to", "id": t.target[i]}]
            if t.target_account[i] is not None:
                tweet["in_reply_to_user_id"] = t.target_account[i]
            root = t.row_of.get(t.target[i])
            conversation = t.target[i] if root is None else _conversation(t, root)
    tweet["conversation_id"] = conversation
    tweet["text"] = text
    if ents:
        tweet["entities"] = ents
    if t.lang[i] is not None:
        tweet["lang"] = t.lang[i]
    tweet["possibly_sensitive"] = False
    tweet["reply_settings"] = "everyone"
    tweet["public_metrics"] = t.metrics(i) if kind != "repost" else {
        "retweet_count": 0, "reply_count": 0, "like_count": 0, "quote_count": 0}
    return tweet


def _conversation(t: _Tables, i: int) -> str:
    seen = 0
    while t.kind[i] == "reply" and seen < 50:
        j = t.row_of.get(t.target[i])
        if j is None:
            return t.target[i]
        i, seen = j, seen + 1
    return t.id[i]


def _write_v2(t: _Tables, fh: IO[str], page_size: int, retrieved_at: str) -> None:
    order = sorted(range(t.n), key=lambda i: (-t.ts_ms[i], t.id[i]))
    for p, start in enumerate(range(0, len(order), page_size)):
        rows = order[start : start + page_size]
        data = [_v2_tweet(t, i) for i in rows]
        users: dict[str, None] = {}
        tweets: dict[str, None] = {}
        for i, tw in zip(rows, data, strict=True):
            users.setdefault(t.author[i])
            for m in tw.get("entities", {}).get("mentions", []):
                if "id" in m:
                    users.setdefault(m["id"])
            if t.target[i] is not None:
                tweets.setdefault(t.target[i])
                if t.target_account[i] is not None:
                    users.setdefault(t.target_account[i])
        inc_tweets = [_v2_tweet(t, t.row_of[x]) for x in tweets if x in t.row_of]
        for tw in inc_tweets:
            users.setdefault(tw["author_id"])
        page = {
            "data": data,
            "includes": {"users": [_v2_user(t, u) for u in users], "tweets": inc_tweets},
            "meta": {"newest_id": data[0]["id"], "oldest_id": data[-1]["id"], "result_count": len(data),
                     "next_token": f"b26v89c19zqg8o3f{p + 1:012x}"},
            "__twarc": {"url": "https://api.twitter.com/2/tweets/search/all", "version": "2.14.0",
                        "retrieved_at": retrieved_at},
        }
        fh.write(json.dumps(page, ensure_ascii=False, separators=(",", ":")))
        fh.write("\n")


# ----------------------------------------------------------------------
# twitter v1.1
# ----------------------------------------------------------------------


def _v1_user(t: _Tables, account_id: str) -> dict[str, Any]:
    u = t.user(account_id)
    created = u.get("created_at")
    return {
        "id": int(account_id) if account_id.isdigit() else account_id,
        "id_str": account_id,
        "name": u.get("display_name") or "",
        "screen_name": t.handle(account_id),
        "location": "",
        "description": u.get("description") or "",
        "protected": False,
        "followers_count": int(u.get("followers") or 0),
        "friends_count": int(u.get("following") or 0),
        "statuses_count": int(u.get("posts_count") or 0),
        "created_at": _v1_time(int(created)) if created is not None else None,
        "verified": bool(u.get("verified")) if u.get("verified") is not None else False,
        "default_profile_image": bool(u.get("default_profile_image") or False),
        **({"default_profile": bool(u["default_profile"])} if u.get("default_profile") is not None else {}),
    }


def _v1_entities(ents: dict, shift: int = 0) -> dict:
    def span(item: dict) -> list[int]:
        return [item["start"] + shift, item["end"] + shift] if "start" in item else [0, 0]

    return {
        "hashtags": [{"text": h["tag"], "indices": span(h)} for h in ents["hashtags"]],
        "symbols": [],
        "user_mentions": [
            {"screen_name": m["username"], "name": "", "id": int(m["id"]) if str(m.get("id", "")).isdigit() else None,
             "id_str": m.get("id"), "indices": span(m)}
            for m in ents["mentions"]
        ],
        "urls": [{"url": u.get("url", ""), "expanded_url": u["expanded_url"], "display_url": u["display_url"],
                  "indices": span(u)} for u in ents["urls"]],
    }


def _v1_status(t: _Tables, i: int, embed: bool = True) -> dict[str, Any]:
    kind = t.kind[i]
    e = t.id[i]
    author = t.author[i]
    status: dict[str, Any] = {"created_at": _v1_time(t.ts_ms[i] // 1000), "id": int(e) if e.isdigit() else e,
                              "id_str": e}
    if kind == "repost":
        handle = t.handle(t.target_account[i] or "")
        prefix = f"RT @{handle}: "
        text = prefix + t.text[i]
        ents = _v1_entities(t.entities(i, t.text[i]), len(prefix))
        ents["user_mentions"].insert(0, {"screen_name": handle, "name": "", "id_str": t.target_account[i],
                                         "indices": [3, 4 + len(handle)]})
    else:
        text = t.text[i]
        ents = _v1_entities(t.entities(i, text))
    status["full_text"] = text
    status["truncated"] = False
    status["display_text_range"] = [0, len(text)]
    status["entities"] = ents
    status["source"] = f'<a href="https://mobile.twitter.com" rel="nofollow">{_client(t, author)}</a>'
    reply = kind == "reply"
    status["in_reply_to_status_id_str"] = t.target[i] if reply else None
    status["in_reply_to_user_id_str"] = t.target_account[i] if reply else None
    status["in_reply_to_screen_name"] = t.handle(t.target_account[i]) if reply and t.target_account[i] else None
    status["user"] = _v1_user(t, author)
    status["is_quote_status"] = kind == "quote"
    if kind == "quote":
        status["quoted_status_id_str"] = t.target[i]
        j = t.row_of.get(t.target[i])
        if embed and j is not None:
            status["quoted_status"] = _v1_status(t, j, embed=False)
    if kind == "repost":
        j = t.row_of.get(t.target[i])
        if j is not None:
            status["retweeted_status"] = _v1_status(t, j, embed=False)
    m = t.metrics(i) if kind != "repost" else {"retweet_count": 0, "like_count": 0}
    status["retweet_count"] = m["retweet_count"]
    status["favorite_count"] = m["like_count"]
    status["lang"] = t.lang[i] or "und"
    return status


def _write_v1(t: _Tables, fh: IO[str]) -> None:
    for i in range(t.n):
        fh.write(json.dumps(_v1_status(t, i), ensure_ascii=False, separators=(",", ":")))
        fh.write("\n")


# ----------------------------------------------------------------------
# information-operations archive CSV
# ----------------------------------------------------------------------

IO_COLUMNS = (
    "tweetid", "userid", "user_display_name", "user_screen_name", "user_reported_location",
    "user_profile_description", "user_profile_url", "follower_count", "following_count",
    "account_creation_date", "account_language", "tweet_language", "tweet_text", "tweet_time",
    "tweet_client_name", "in_reply_to_userid", "in_reply_to_tweetid", "quoted_tweet_tweetid",
    "is_retweet", "retweet_userid", "retweet_tweetid", "latitude", "longitude", "quote_count",
    "reply_count", "like_count", "retweet_count", "hashtags", "urls", "user_mentions", "poll_choices",
)  # fmt: skip


def _bracket(items: list[str]) -> str:
    return "[" + ", ".join(items) + "]" if items else ""


def _write_io(t: _Tables, fh: IO[str]) -> None:
    w = csv.writer(fh, lineterminator="\n")
    w.writerow(IO_COLUMNS)
    for i in range(t.n):
        a = t.author[i]
        u = t.user(a)
        kind = t.kind[i]
        ents = t.entities(i, t.text[i])
        text = t.text[i]
        if kind == "repost":
            text = f"RT @{t.handle(t.target_account[i] or '')}: {text}"
        created = u.get("created_at")
        m = t.metrics(i) if kind != "repost" else {"retweet_count": 0, "like_count": 0, "reply_count": 0, "quote_count": 0}
        mention_ids = [x["id"] for x in ents["mentions"] if "id" in x]
        w.writerow([
            t.id[i], a, u.get("display_name") or "", t.handle(a), "", u.get("description") or "", "",
            int(u.get("followers") or 0), int(u.get("following") or 0),
            pd.Timestamp(int(created), unit="s").strftime("%Y-%m-%d") if created is not None else "",
            "", t.lang[i] or "", text, pd.Timestamp(t.ts_ms[i] // 1000, unit="s").strftime("%Y-%m-%d %H:%M"),
            _client(t, a),
            t.target_account[i] if kind == "reply" else "", t.target[i] if kind == "reply" else "",
            t.target[i] if kind == "quote" else "", "True" if kind == "repost" else "False",
            t.target_account[i] if kind == "repost" else "", t.target[i] if kind == "repost" else "",
            "", "", m["quote_count"], m["reply_count"], m["like_count"], m["retweet_count"],
            _bracket([h["tag"] for h in ents["hashtags"]]), _bracket([x["expanded_url"] for x in ents["urls"]]),
            _bracket(mention_ids), "",
        ])


# ----------------------------------------------------------------------
# flat CSV
# ----------------------------------------------------------------------

CSV_COLUMNS = (
    "event_id", "platform", "account_id", "account_name", "ts", "kind", "target_event_id",
    "target_account_id", "text", "hashtags", "mentions", "urls", "lang", "display_name",
    "created_at", "followers", "following", "posts_count", "verified", "description",
)  # fmt: skip


def _write_csv(t: _Tables, events: pd.DataFrame, fh: IO[str]) -> None:
    # Not csvsafe.write_csv: this is an input fixture that must round-trip exactly
    # (a reply legitimately starts with "@"); it is data, not a report.
    w = csv.writer(fh, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    platform = events["platform"].astype(object).where(events["platform"].notna(), "").tolist()
    for i in range(t.n):
        u = t.user(t.author[i])
        w.writerow([
            t.id[i], platform[i], t.author[i], t.name[i] or "", t.ts_ms[i] // 1000, t.kind[i], t.target[i] or "",
            t.target_account[i] or "", t.text[i], "|".join(t.tags[i]), "|".join(t.mentions[i]),
            "|".join(t.urls[i]), t.lang[i] or "", u.get("display_name") or "",
            "" if u.get("created_at") is None else int(u["created_at"]),
            "" if u.get("followers") is None else int(u["followers"]),
            "" if u.get("following") is None else int(u["following"]),
            "" if u.get("posts_count") is None else int(u["posts_count"]),
            "" if u.get("verified") is None else str(bool(u["verified"])).lower(),
            u.get("description") or "",
        ])


# ----------------------------------------------------------------------
# entry points
# ----------------------------------------------------------------------


def write_events(events: pd.DataFrame, accounts: pd.DataFrame, path: str | os.PathLike[str],
                 fmt: str = "twitter-v2", page_size: int = 500) -> Path:
    """Write canonical ``events`` (+ author profiles from ``accounts``) to ``path`` in ``fmt``.

    Parameters
    ----------
    events, accounts : DataFrame
        Canonical tables (see :mod:`detector.schema`).
    path : path
        Output file; ``.gz`` suffix means gzip (mtime 0, deterministic).
    fmt : str
        One of :data:`FORMATS`.
    page_size : int
        Tweets per twarc2 page (``twitter-v2`` only; 500 is the full-archive search maximum).
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, got {fmt!r}")
    t = _Tables(events, accounts)
    path = Path(path)
    with open_output(path) as fh:
        if fmt == "twitter-v2":
            last = max(t.ts_ms) if t.n else 0
            _write_v2(t, fh, page_size, _iso((last // 86_400_000 + 1) * 86_400_000))
        elif fmt == "twitter-v1":
            _write_v1(t, fh)
        elif fmt == "io-archive":
            _write_io(t, fh)
        else:
            _write_csv(t, events.reset_index(drop=True), fh)
    return path


def write_dataset(data, out_dir: str | os.PathLike[str], fmt: str = "twitter-v2",
                  compress: bool = False) -> dict[str, Path]:
    """Write a :class:`~detector.synth.SynthData` to ``out_dir``.

    Files: the events file (:data:`EVENT_FILES`, ``.gz`` when ``compress``),
    ``truth.csv`` (account_id, account_name, label, campaign_id, strategy, group),
    ``officials.csv`` (account_id, handle, country, role, name) and
    ``campaigns.csv`` (campaign_id, strategy, sponsor, rival, tag, n_accounts).

    Returns
    -------
    dict
        ``{"events": path, "truth": path, "officials": path, "campaigns": path}``.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    name = EVENT_FILES[fmt] + (".gz" if compress else "")
    paths = {
        "events": write_events(data.events, data.accounts, out / name, fmt),
        "truth": out / "truth.csv",
        "officials": out / "officials.csv",
        "campaigns": out / "campaigns.csv",
    }
    write_csv(data.truth, paths["truth"])
    write_csv(data.officials, paths["officials"])
    write_csv(data.campaigns, paths["campaigns"])
    return paths

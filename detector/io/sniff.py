"""Recognising an input's format from its content (never from its name)."""

from __future__ import annotations

from typing import Any

from detector.io.academic import is_includes_value
from detector.io.canonical import canonical_meta
from detector.io.cnt import is_cnt_csv
from detector.io.coortweet import SHARE_COLUMNS, is_multi_object
from detector.io.csvread import csv_header
from detector.io.jsonstream import first_values, looks_like_json
from detector.io.log import InputError
from detector.io.source import Source
from detector.io.twarccsv import is_twarc_csv

__all__ = ["sniff", "sniff_json_value", "JSON_FORMATS", "CSV_FORMATS", "family_of"]

JSON_FORMATS = (
    "twitter-v1",
    "twitter-v2",
    "academictwitter",
    "academictwitter-users",
    "bluesky",
    "mastodon",
)
CSV_FORMATS = ("io-archive", "twarc-csv", "cnt-csv", "coortweet", "csv")
PARQUET_FORMATS = ("parquet", "canonical")

_ALL = (
    "twitter-v1, twitter-v2, academictwitter, twarc-csv, io-archive, coortweet, cnt-csv, "
    "csv (with --map), parquet, canonical, bluesky, mastodon"
)


def family_of(fmt: str) -> str:
    """``json``, ``csv`` or ``parquet``."""
    if fmt in JSON_FORMATS:
        return "json"
    if fmt in CSV_FORMATS:
        return "csv"
    return "parquet"


def sniff_json_value(value: Any, _depth: int = 0) -> str | None:
    """The format one JSON value belongs to, None when it cannot tell."""
    if _depth > 3:
        return None  # records are objects, at most in a page in an array
    if isinstance(value, list):
        for item in value[:5]:
            found = sniff_json_value(item, _depth + 1)
            if found:
                return found
        return None
    if not isinstance(value, dict):
        return None
    keys = value.keys()
    if is_includes_value(value):
        return "academictwitter-users"
    for key in ("posts", "feed"):
        if isinstance(value.get(key), list) and value[key]:
            return sniff_json_value(value[key][:5], _depth + 1)
    if value.get("event") in ("update", "status.update", "delete") and "payload" in keys:
        return "mastodon"
    if "did" in keys and (
        "time_us" in keys
        or "commit" in keys
        or value.get("kind") in ("commit", "identity", "account")
    ):
        return "bluesky"
    if isinstance(value.get("post"), dict) and "uri" in value["post"]:
        return "bluesky"
    if "uri" in keys and "cid" in keys and isinstance(value.get("record"), dict):
        return "bluesky"
    if isinstance(value.get("account"), dict) and ("content" in keys or "reblog" in keys):
        return "mastodon"
    if isinstance(value.get("statuses"), list):
        return "twitter-v1"
    if "data" in keys and ("includes" in keys or "meta" in keys or "errors" in keys):
        return "twitter-v2"
    if "data" in keys and isinstance(value.get("data"), (list, dict)):
        inner = value["data"]
        inner = inner[0] if isinstance(inner, list) and inner else inner
        if isinstance(inner, dict) and (
            "author_id" in inner or "edit_history_tweet_ids" in inner or "text" in inner
        ):
            return "twitter-v2"
    if isinstance(value.get("data"), (list, dict)) and not (
        keys - {"data", "includes", "meta", "errors", "__twarc"}
    ):
        return "twitter-v2"
    if any(k in keys for k in ("delete", "status_withheld", "user_withheld", "limit", "scrub_geo")):
        return "twitter-v1"
    if isinstance(value.get("user"), dict) and (
        "id_str" in keys or "text" in keys or "full_text" in keys
    ):
        return "twitter-v1"
    if (
        "author_id" in keys
        or isinstance(value.get("author"), dict)
        or "edit_history_tweet_ids" in keys
    ):
        return "twitter-v2"
    return None


def _describe_json(values: list) -> str:
    for value in values:
        if isinstance(value, dict):
            return "JSON objects with keys " + ", ".join(sorted(map(str, value.keys()))[:12])
    return "JSON without objects" if values else "no readable JSON record"


def sniff(source: Source, mapping: dict[str, str] | None = None) -> str:
    """Name of the format of ``source``; :class:`InputError` naming what was found otherwise."""
    if source.is_parquet():
        return "canonical" if canonical_meta(source.path) is not None else "parquet"
    source.check_text()
    head = source.head()
    if looks_like_json(head):
        values = first_values(source, limit=50)
        for value in values:
            found = sniff_json_value(value)
            if found:
                return found
        raise InputError(
            f"{source.name}: unrecognised JSON ({_describe_json(values)}); expected one of {_ALL}"
        )
    names, _ = csv_header(source)
    if len(names) < 2:
        line = head.split(b"\n", 1)[0][:80].decode("utf-8", "replace")
        raise InputError(
            f"{source.name}: neither JSON nor a CSV with a header (first line: {line!r}); expected one of {_ALL}"
        )
    if mapping:
        return "csv"
    columns = set(names)
    if {"tweetid", "userid", "tweet_time"} <= columns:
        return "io-archive"
    if is_twarc_csv(names):
        return "twarc-csv"
    if is_cnt_csv(names):
        return "cnt-csv"
    if set(SHARE_COLUMNS) <= columns or is_multi_object(names):
        return "coortweet"
    if {"account_id", "ts"} <= columns:
        return "csv"
    raise InputError(
        f"{source.name}: CSV with columns {', '.join(names[:15])} is not a known table; "
        f"expected one of {_ALL}; for other tables name the columns with --format csv --map ts=<col>,account_id=<col>"
    )

"""Share tables: which account acted on which object, when.

A *share table* is the input of co-action detection: one row per (object,
share) with columns ``object_id`` (string), ``account_id``, ``content_id`` (the
id of the sharing event) and ``ts`` (int64 UTC seconds). It is built from the
canonical events table for one kind of object (:data:`OBJECT_KINDS`) or for any
column the user names.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from detector.schema import SchemaError, url_domain

__all__ = ["OBJECT_ALIASES", "OBJECT_KINDS", "SHARE_COLUMNS", "object_columns", "resolve_object", "share_table"]

OBJECT_KINDS: dict[str, str] = {
    "repost": "the reposted post (target_event_id of reposts)",
    "quote": "the quoted post (target_event_id of quotes)",
    "reply": "the replied-to post (target_event_id of replies)",
    "url": "each normalised URL in the post",
    "domain": "each domain linked in the post (once per post)",
    "hashtag": "each hashtag in the post",
    "text": "the identical normalised text of an original post, quote or reply "
    "(detector.text.normalize_text; reposts carry someone else's text and are left out)",
}
"""Built-in object kinds; any other name is taken as an events column."""

SHARE_COLUMNS: tuple[str, ...] = ("object_id", "account_id", "content_id", "ts")

OBJECT_ALIASES: dict[str, tuple[str, ...]] = {
    "hashtag": ("hashtags", "hashtag_ids", "hashtag_id"),
    "url": ("urls", "url_ids", "url_id"),
    "domain": ("domain_ids", "domain_id"),
    "image": ("phash_ids", "phash_id", "image_ids", "image_id"),
    "phash": ("phash_ids", "phash_id"),
}
"""Names a user may give for an object (the documented names of the known tables) -> the events
columns that may hold it, tried in order when the built-in kind finds nothing. The German
CooRTweet table's ``hashtag_id`` column, for example, is read into ``hashtag_ids``
(:mod:`detector.io.coortweet`), so ``--object hashtag`` and ``--object hashtag_id`` find it."""

_NOT_OBJECTS = {"event_id", "account_id", "account_name", "ts", "ts_ms", "platform", "kind", "lang", "text"}


def _frame(object_id: pd.Series, events: pd.DataFrame, sort: bool = True) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "object_id": object_id.astype("string"),
            "account_id": events["account_id"].astype("string"),
            "content_id": events["event_id"].astype("string"),
            "ts": events["ts"].astype("int64"),
        }
    )
    out = out[out["object_id"].notna() & (out["object_id"] != "")]
    if not sort:
        return out.drop_duplicates(list(SHARE_COLUMNS)).reset_index(drop=True)
    # Sorted: one stable lexsort of order-preserving int codes; duplicate rows are then
    # adjacent (same result as drop_duplicates + sort_values, without hashing twice).
    keys = [_sort_key(out[c]) for c in SHARE_COLUMNS]
    order = np.lexsort(keys[::-1])
    keep = np.ones(order.size, dtype=bool)
    if order.size > 1:
        same = np.ones(order.size - 1, dtype=bool)
        for key in keys:
            k = key[order]
            same &= k[1:] == k[:-1]
        keep[1:] = ~same
    return out.iloc[order[keep]].reset_index(drop=True)


def _sort_key(column: pd.Series) -> np.ndarray:
    """Int codes ordered like ``sort_values`` orders ``column`` (missing values last)."""
    if column.dtype == np.int64:
        return column.to_numpy()
    codes, uniques = pd.factorize(column, sort=True)
    return np.where(codes < 0, len(uniques), codes)


def _as_str(value: object) -> str | None:
    """A cell as a string; missing (None, NA, NaN) as None."""
    if isinstance(value, str):
        return value
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return str(value)


def _explode(events: pd.DataFrame, column: str) -> tuple[pd.Series, pd.DataFrame]:
    exploded = events[["account_id", "event_id", "ts", column]].explode(column)
    return exploded[column].map(_as_str).astype(object), exploded


def _has_values(column: pd.Series) -> bool:
    """Whether any cell of ``column`` holds a value (a non-empty list or a non-missing scalar)."""
    for v in column:
        if isinstance(v, (list, tuple)):
            if len(v):
                return True
        elif _as_str(v) not in (None, ""):
            return True
    return False


def object_columns(events: pd.DataFrame) -> list[str]:
    """Events columns holding values that could be objects (what ``--object`` can name), sorted."""
    return sorted(c for c in events.columns if c not in _NOT_OBJECTS and not c.startswith("_") and _has_values(events[c]))


def resolve_object(events: pd.DataFrame, name: str) -> str:
    """The object kind or events column to build the share table of ``name`` from.

    ``name`` is a built-in kind (:data:`OBJECT_KINDS`), a documented alias
    (:data:`OBJECT_ALIASES`: ``hashtag`` on a table whose column is
    ``hashtag_ids``), a source column name (``hashtag_id``) or an events column.
    A built-in kind that finds nothing falls back to its aliases.

    Raises
    ------
    SchemaError
        Nothing in ``events`` holds ``name``; the message lists the columns that do hold values.
    """
    def found(column: str) -> bool:
        return column in events.columns and _has_values(events[column])

    candidates: list[str] = []
    if name in OBJECT_KINDS:
        if len(share_table(events, name)):
            return name
    elif found(name):
        return name
    candidates += list(OBJECT_ALIASES.get(name, ()))
    for kind, aliases in OBJECT_ALIASES.items():  # a source column name: hashtag_id -> hashtag_ids
        if name in aliases:
            candidates += [kind, *aliases]
    if name.endswith("_id"):
        candidates.append(name + "s")
    for column in dict.fromkeys(candidates):
        if column in OBJECT_KINDS and column != name:
            if len(share_table(events, column)):
                return column
        elif found(column):
            return column
    available = object_columns(events)
    raise SchemaError(
        f"unknown object {name!r}: no events carry it"
        + (f" (also tried {', '.join(c for c in dict.fromkeys(candidates) if c != name)})" if candidates else "")
        + f"; columns with values: {', '.join(available) or 'none'}; built-in kinds: {', '.join(OBJECT_KINDS)}"
    )


def share_table(
    events: pd.DataFrame, obj: str, sort: bool = True, *, normalized_text: pd.Series | None = None
) -> pd.DataFrame:
    """Build the share table of one object kind.

    Parameters
    ----------
    events : DataFrame
        Canonical events table (:mod:`detector.schema`); extra columns allowed.
    obj : str
        One of :data:`OBJECT_KINDS` or the name of any events column. A column
        holding lists is exploded (one share per list item); missing and empty
        values are dropped.
    sort : bool, default True
        Sort the rows by all four columns (deterministic output whatever the
        input order). ``False`` keeps event order (list items in list order),
        which CooRTweet-compatible output needs (its edge orientation follows
        row order).
    normalized_text : Series, optional
        Only for ``obj="text"``: texts already normalised with
        :func:`detector.text.normalize_texts`, indexed like ``events`` (at
        least its original posts, quotes and replies; rows missing here are
        normalised on the spot). Lets a caller normalise once for several
        consumers; the result is the same as without it.

    Returns
    -------
    DataFrame
        ``object_id, account_id, content_id, ts`` (``ts`` in UTC seconds), without
        duplicate rows (first kept), sorted unless ``sort=False``.

    Raises
    ------
    SchemaError
        ``obj`` is neither a known kind nor a column of ``events``.
    """
    if obj in ("repost", "quote", "reply"):
        sel = events[events["kind"] == obj]
        return _frame(sel["target_event_id"], sel, sort)
    if obj in ("url", "hashtag"):
        values, exploded = _explode(events, obj + "s")
        return _frame(values, exploded, sort)
    if obj == "domain":
        values, exploded = _explode(events, "urls")
        values = values.map(url_domain, na_action="ignore")
        return _frame(values, exploded, sort)
    if obj == "text":
        sel = events[events["kind"] != "repost"]
        from detector.text import normalize_texts  # local: text.py pulls in its own kernels

        if normalized_text is None:
            raw = [_as_str(t) for t in sel["text"].tolist()]
            texts = pd.Series(normalize_texts(raw), index=sel.index, dtype="string")
        else:
            texts = normalized_text.reindex(sel.index).astype("string")
            missing = texts.isna().to_numpy()
            if missing.any():
                raw = [_as_str(t) for t in sel["text"][missing].tolist()]
                texts[missing] = normalize_texts(raw)
        return _frame(texts, sel, sort)
    if obj not in events.columns:
        raise SchemaError(
            f"unknown object {obj!r}: use one of {', '.join(OBJECT_KINDS)} or an events column "
            f"(columns with values: {', '.join(object_columns(events)) or 'none'})"
        )
    column = events[obj]
    is_list = column.map(lambda v: isinstance(v, (list, tuple))).any() if len(column) else False
    if is_list:
        values, exploded = _explode(events, obj)
        return _frame(values, exploded, sort)
    return _frame(column.map(_as_str).astype(object), events, sort)

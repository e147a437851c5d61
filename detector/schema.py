"""Canonical tables shared by every stage of the pipeline.

Every reader in :mod:`detector.io` produces the same two tables:

``events``
    one row per post or action (see :data:`EVENT_COLUMNS`), and
``accounts``
    one row per account (see :data:`ACCOUNT_COLUMNS`).

Both pass through :func:`validate_events` / :func:`validate_accounts`, which
are the *only* places where dtypes are fixed, hashtags case-folded and URLs
normalised. Dense ``int32`` codes for accounts and objects are made in one
place only: :func:`encode`.

Conventions
-----------
* ids are strings at the edges (``event_id``, ``account_id``...);
* ``ts`` is UTC time in **integer seconds** since the Unix epoch; ``ts_ms``
  keeps millisecond precision when the source had it (else missing);
* ``kind`` is one of :data:`KINDS`;
* ``hashtags``, ``mentions`` and ``urls`` are Python lists of strings.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import numpy as np
import pandas as pd

__all__ = [
    "ACCOUNT_COLUMNS",
    "DAY_ONLY_COLUMN",
    "EVENT_COLUMNS",
    "KINDS",
    "OFFICIAL_ROLES",
    "SchemaError",
    "account_handles",
    "empty_accounts",
    "empty_events",
    "encode",
    "categorical_ends",
    "encode_many",
    "id_column",
    "events_from_records",
    "accounts_from_records",
    "normalize_hashtag",
    "normalize_mention",
    "normalize_url",
    "url_domain",
    "validate_accounts",
    "validate_events",
]

KINDS: tuple[str, ...] = ("post", "repost", "quote", "reply")
"""Allowed values of ``events.kind``."""

OFFICIAL_ROLES: tuple[str, ...] = (
    "embassy",
    "ministry",
    "leader",
    "diplomat",
    "state_media",
    "international_org",
)
"""Allowed values of ``accounts.official_role`` (when set)."""

STRING = pd.StringDtype()
"""Dtype of every string column: pandas' nullable string (missing is ``pd.NA``)."""

EVENT_COLUMNS: dict[str, Any] = {
    "event_id": STRING,
    "platform": STRING,
    "account_id": STRING,
    "account_name": STRING,
    "ts": np.dtype("int64"),
    "ts_ms": pd.Int64Dtype(),
    "kind": STRING,
    "target_event_id": STRING,
    "target_account_id": STRING,
    "text": STRING,
    "hashtags": np.dtype("O"),
    "mentions": np.dtype("O"),
    "urls": np.dtype("O"),
    "lang": STRING,
}
"""Column name -> dtype of the canonical events table, in order."""

DAY_ONLY_COLUMN = "ts_day_only"
"""Optional extra events column: True where the source gave the date only (``ts`` = the start of
that day), so window-based evidence must not use the event (see :mod:`detector.evidence.timeres`)."""

EVENT_REQUIRED: tuple[str, ...] = ("event_id", "account_id", "ts", "kind")
"""Columns that must be present and non-missing on every event."""

LIST_COLUMNS: tuple[str, ...] = ("hashtags", "mentions", "urls")

ACCOUNT_COLUMNS: dict[str, Any] = {
    "account_id": STRING,
    "account_name": STRING,
    "display_name": STRING,
    "created_at": pd.Int64Dtype(),  # UTC seconds since epoch
    "followers": pd.Int64Dtype(),
    "following": pd.Int64Dtype(),
    "posts_count": pd.Int64Dtype(),
    "verified": pd.BooleanDtype(),
    "description": STRING,
    "official_role": STRING,
    "official_country": STRING,
}
"""Column name -> dtype of the canonical accounts table, in order."""


class SchemaError(ValueError):
    """A table does not satisfy the canonical schema."""


# --------------------------------------------------------------------------
# value normalisation
# --------------------------------------------------------------------------

_TRACKING_PARAMS = re.compile(
    r"^(utm_[a-z]+|fbclid|gclid|dclid|msclkid|igshid|mc_cid|mc_eid|ref_src|ref_url|s|t|si|feature)$"
)


def normalize_hashtag(tag: str) -> str:
    """Return ``tag`` without a leading ``#``/``＃``, NFKC-normalised and case-folded."""
    tag = unicodedata.normalize("NFKC", str(tag)).strip()
    return tag.lstrip("#").casefold()


def normalize_mention(handle: str) -> str:
    """Return a handle without a leading ``@``, NFKC-normalised and case-folded."""
    handle = unicodedata.normalize("NFKC", str(handle)).strip()
    return handle.lstrip("@").casefold()


def normalize_url(url: str) -> str:
    """Normalise a URL so that trivially different spellings compare equal.

    The scheme is dropped (``http`` and ``https`` are the same link), the host
    is lower-cased with a leading ``www.`` and a default port removed, the
    fragment and tracking parameters (``utm_*``, ``fbclid``, ``gclid``...) are
    dropped, the remaining query parameters keep their order, and a trailing
    ``/`` is removed. ``"https://www.Example.com/a/?utm_source=x#top"`` becomes
    ``"example.com/a"``. A string that does not parse as a URL is returned
    stripped and otherwise unchanged.
    """
    raw = str(url).strip()
    if not raw:
        return raw
    candidate = raw if "://" in raw else "http://" + raw
    try:
        parts = urlsplit(candidate)
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return raw
    if not host:
        return raw
    if host.startswith("www."):
        host = host[4:]
    if port and not (
        (port == 80 and parts.scheme == "http") or (port == 443 and parts.scheme == "https")
    ):
        host = f"{host}:{port}"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not _TRACKING_PARAMS.match(k.lower())
    ]
    path = parts.path.rstrip("/")
    out = host + path
    if query:
        out += "?" + urlencode(query)
    return out


def url_domain(normalized_url: str) -> str:
    """Host part of a URL produced by :func:`normalize_url` (``"example.com/a"`` -> ``"example.com"``)."""
    return normalized_url.split("/", 1)[0].split("?", 1)[0]


def _as_list(value: Any) -> list[str]:
    """Coerce a list-like cell (list, tuple, ndarray, None, NaN, str) to a list of str."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, float) and np.isnan(value):
        return []
    if value is pd.NA:
        return []
    if isinstance(value, (list, tuple, np.ndarray, pd.Series)):
        return [str(v) for v in value if v is not None and v is not pd.NA and str(v) != ""]
    raise SchemaError(f"expected a list, got {type(value).__name__}: {value!r}")


def _dedupe_keep_order(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _normalize_list_column(col: pd.Series, fix: Any) -> pd.Series:
    """Normalised, de-duplicated lists; each distinct value is normalised once per call."""
    memo: dict[str, str] = {}
    out = []
    for x in col:
        if type(x) is list and not x:
            out.append([])
            continue
        values = []
        for v in _as_list(x):
            r = memo.get(v)
            if r is None:
                r = memo[v] = fix(v)
            values.append(r)
        out.append(_dedupe_keep_order(values) if len(values) > 1 else values)
    return pd.Series(out, dtype=object)


# --------------------------------------------------------------------------
# tables
# --------------------------------------------------------------------------


def empty_events() -> pd.DataFrame:
    """An events table with zero rows and the canonical columns and dtypes."""
    return pd.DataFrame({c: pd.Series([], dtype=d) for c, d in EVENT_COLUMNS.items()})


def empty_accounts() -> pd.DataFrame:
    """An accounts table with zero rows and the canonical columns and dtypes."""
    return pd.DataFrame({c: pd.Series([], dtype=d) for c, d in ACCOUNT_COLUMNS.items()})


def _coerce_int64(series: pd.Series, column: str) -> pd.Series:
    if series.dtype == np.dtype("int64"):
        return series
    if series.isna().any():
        raise SchemaError(f"column {column!r} has missing values")
    try:
        return series.astype("int64")
    except (TypeError, ValueError) as exc:
        raise SchemaError(f"column {column!r} is not integer seconds: {exc}") from exc


def validate_events(events: pd.DataFrame, *, normalize: bool = True) -> pd.DataFrame:
    """Check and coerce a table to the canonical events schema.

    Parameters
    ----------
    events : DataFrame
        Must hold at least :data:`EVENT_REQUIRED`; other canonical columns are
        added (empty) when absent. Extra columns are kept after the canonical
        ones (so users can name them as co-action objects).
    normalize : bool, default True
        Case-fold hashtags and mentions and normalise URLs. Readers leave this
        on; code that re-validates an already canonical table may turn it off.

    Returns
    -------
    DataFrame
        A new table with canonical column order and dtypes and a fresh
        ``RangeIndex``.

    Raises
    ------
    SchemaError
        Missing required column or value, non-integer ``ts``, unknown ``kind``
        or a list column holding a non-list.
    """
    if not isinstance(events, pd.DataFrame):
        raise SchemaError(f"events must be a pandas DataFrame, got {type(events).__name__}")
    missing = [c for c in EVENT_REQUIRED if c not in events.columns]
    if missing:
        raise SchemaError(f"events table lacks required column(s): {', '.join(missing)}")
    n = len(events)
    out: dict[str, pd.Series] = {}
    for column, dtype in EVENT_COLUMNS.items():
        if column in events.columns:
            col = events[column].reset_index(drop=True)
        elif column in LIST_COLUMNS:
            col = pd.Series([[] for _ in range(n)], dtype=object)
        else:
            col = pd.Series([pd.NA] * n, dtype=dtype if dtype != np.dtype("int64") else object)
        if column == "ts":
            col = _coerce_int64(col, "ts")
        elif column in LIST_COLUMNS:
            fix = {"hashtags": normalize_hashtag, "mentions": normalize_mention, "urls": normalize_url}[
                column
            ]
            if normalize:
                col = _normalize_list_column(col, fix)
            else:
                col = pd.Series([_as_list(x) for x in col], dtype=object)
        else:
            try:
                col = col.astype(dtype)
            except (TypeError, ValueError) as exc:
                raise SchemaError(f"column {column!r} cannot be {dtype}: {exc}") from exc
        out[column] = col
    for column in EVENT_REQUIRED:
        if column != "ts" and out[column].isna().any():
            bad = int(out[column].isna().sum())
            raise SchemaError(f"column {column!r} has {bad} missing value(s)")
    bad_kind = ~out["kind"].isin(KINDS)
    if bad_kind.any():
        values = sorted(set(out["kind"][bad_kind].astype(str)))[:5]
        raise SchemaError(f"kind must be one of {KINDS}, got {values}")
    table = pd.DataFrame(out)
    extra = [c for c in events.columns if c not in EVENT_COLUMNS]
    for column in extra:
        table[column] = events[column].reset_index(drop=True)
    return table


def validate_accounts(accounts: pd.DataFrame) -> pd.DataFrame:
    """Check and coerce a table to the canonical accounts schema.

    Only ``account_id`` is required; it must be unique and non-missing. Other
    canonical columns are added (missing) when absent; ``created_at`` is UTC
    seconds since epoch. ``official_role``, when set, must be one of
    :data:`OFFICIAL_ROLES`.
    """
    if not isinstance(accounts, pd.DataFrame):
        raise SchemaError(f"accounts must be a pandas DataFrame, got {type(accounts).__name__}")
    if "account_id" not in accounts.columns:
        raise SchemaError("accounts table lacks required column: account_id")
    n = len(accounts)
    out: dict[str, pd.Series] = {}
    for column, dtype in ACCOUNT_COLUMNS.items():
        if column in accounts.columns:
            col = accounts[column].reset_index(drop=True)
        else:
            col = pd.Series([pd.NA] * n, dtype=dtype)
        try:
            out[column] = col.astype(dtype)
        except (TypeError, ValueError) as exc:
            raise SchemaError(f"column {column!r} cannot be {dtype}: {exc}") from exc
    table = pd.DataFrame(out)
    if table["account_id"].isna().any():
        raise SchemaError("account_id has missing values")
    dup = table["account_id"].duplicated()
    if dup.any():
        raise SchemaError(
            f"account_id must be unique; duplicated: {list(table['account_id'][dup].head(5))}"
        )
    role = table["official_role"]
    bad = role.notna() & ~role.isin(OFFICIAL_ROLES)
    if bad.any():
        raise SchemaError(
            f"official_role must be one of {OFFICIAL_ROLES}, got {sorted(set(role[bad]))[:5]}"
        )
    extra = [c for c in accounts.columns if c not in ACCOUNT_COLUMNS]
    for column in extra:
        table[column] = accounts[column].reset_index(drop=True)
    return table


def events_from_records(records: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Build a validated events table from an iterable of dicts (missing keys allowed)."""
    rows = list(records)
    if not rows:
        return empty_events()
    return validate_events(pd.DataFrame.from_records(rows))


def accounts_from_records(records: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Build a validated accounts table from dicts; later records for the same id fill gaps.

    When the same ``account_id`` appears several times (a user object seen in
    many tweets), the *last* non-missing value of each field wins, so the
    freshest profile snapshot in file order is kept.
    """
    rows = list(records)
    if not rows:
        return empty_accounts()
    frame = pd.DataFrame.from_records(rows)
    frame = frame.groupby("account_id", sort=False, dropna=False).last().reset_index()
    return validate_accounts(frame)


def merge_accounts(*tables: pd.DataFrame) -> pd.DataFrame:
    """Concatenate account tables, later tables' non-missing values winning per field."""
    frames = [t for t in tables if t is not None and len(t)]
    if not frames:
        return empty_accounts()
    frame = pd.concat(frames, ignore_index=True)
    frame = frame.groupby("account_id", sort=False, dropna=False).last().reset_index()
    return validate_accounts(frame)


def account_handles(events: pd.DataFrame, accounts: pd.DataFrame | None = None) -> pd.Series:
    """The handle (``account_name``) of every account: the one rule for features, graphs,
    officials matching and reports.

    The accounts table's handle when it has one (its last row with a non-empty
    handle: the profile as last read), else the latest non-empty handle the account
    used in ``events`` (by ``ts``; among equal times the later row). Accounts with
    no handle anywhere are left out.

    Returns
    -------
    Series
        ``account_id`` (str) -> handle (str), sorted by account id.
    """
    def named(table: pd.DataFrame) -> pd.DataFrame:
        names = table["account_name"]
        if not isinstance(names.dtype, pd.StringDtype):
            names = names.astype("string")
        keep = (names.str.len() > 0).fillna(False).to_numpy(dtype=bool)
        return table.loc[keep, ["account_id", "account_name"]]

    ts = events["ts"].to_numpy()
    order = None if (np.diff(ts) >= 0).all() else np.argsort(ts, kind="stable")  # scans are time-ordered
    cols = events[["account_id", "account_name"]]
    parts = [named(cols if order is None else cols.iloc[order])]
    if accounts is not None and len(accounts) and "account_name" in accounts.columns:
        parts.append(named(accounts))
    table = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    last = table.drop_duplicates("account_id", keep="last")
    out = pd.Series(
        last["account_name"].astype(str).to_numpy(dtype=object),
        index=pd.Index(last["account_id"].astype(str).to_numpy(dtype=object), name="account_id"),
        name="account_name",
    )
    return out.sort_index()


# --------------------------------------------------------------------------
# dense codes
# --------------------------------------------------------------------------


def encode(values: pd.Series | np.ndarray | list, *, sort: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Map ids to dense ``int32`` codes.

    This is the single place where string ids become integers for the
    kernels. Missing values get code ``-1``.

    Parameters
    ----------
    values : array-like of hashable
        Ids (account ids, object ids...).
    sort : bool, default True
        Number the unique values in sorted order, so that codes do not depend
        on row order (determinism across differently ordered inputs).

    Returns
    -------
    codes : ndarray of int32
        ``codes[i]`` is the code of ``values[i]``.
    uniques : ndarray
        ``uniques[code]`` is the original id.
    """
    codes, uniques = pd.factorize(pd.Series(values, copy=False), sort=sort, use_na_sentinel=True)
    if len(uniques) > np.iinfo(np.int32).max:
        raise SchemaError("more than 2**31 distinct ids cannot be coded as int32")
    return codes.astype(np.int32, copy=False), np.asarray(uniques, dtype=object)


def encode_many(arrays: list[np.ndarray]) -> tuple[list[np.ndarray], np.ndarray]:
    """:func:`encode` several arrays against one sorted vocabulary, without concatenating them.

    Same codes as ``encode(np.concatenate(arrays))`` split back into pieces, but only the
    distinct values of each array are gathered first: on millions of rows with few distinct
    ids (the two ends of every edge of every layer) this avoids one huge object array.
    """
    local = [pd.factorize(pd.Series(a, copy=False), sort=False, use_na_sentinel=True) for a in arrays]
    distinct = [np.asarray(u, dtype=object) for _, u in local]
    _, uniques = encode(np.concatenate(distinct) if distinct else np.array([], dtype=object))
    index = pd.Index(uniques)
    out = []
    for codes, u in local:  # one hash pass per array; the distinct values are mapped once
        to_global = np.append(index.get_indexer(np.asarray(u, dtype=object)), -1).astype(np.int32)
        out.append(to_global[codes])  # code -1 (missing) takes the appended -1
    return out, uniques


def id_column(column: pd.Series) -> pd.Series:
    """An id column as :func:`encode_many` takes it: categoricals as they are (coded once per
    distinct id), anything else as ``str``."""
    return column if isinstance(column.dtype, pd.CategoricalDtype) else column.astype(str)


def categorical_ends(frame: pd.DataFrame) -> pd.DataFrame:
    """Edge layer ``frame`` with ``account_a`` and ``account_b`` as categoricals of their distinct
    ids (same values, same rows).

    A layer has millions of rows over a few hundred thousand accounts: an int32 code per end
    instead of an id string (about 25 bytes per end; 1M events: about 0.4 GB over the layers).
    """
    ends = {c: frame[c].astype("category") for c in ("account_a", "account_b")
            if c in frame.columns and len(frame) and not isinstance(frame[c].dtype, pd.CategoricalDtype)}
    return frame.assign(**ends) if ends else frame

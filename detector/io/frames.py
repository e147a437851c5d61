"""Turning per-record tuples into validated canonical chunks, column-wise.

Readers never build a DataFrame per record: they append one plain tuple per
record (:data:`ROW_FIELDS` order) and hand the list to :func:`events_chunk`,
which parses all timestamps of the chunk at once, drops rows with missing ids
or times (counted in the log with file and line), and validates the chunk
through :func:`detector.schema.validate_events`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

import numpy as np
import pandas as pd

from detector.io.log import NOT_EVENT_REASONS, IngestLog, InputError
from detector.io.source import Source
from detector.io.timeparse import EARLIEST_MS, LATEST_MS, OUT_OF_RANGE, out_of_range, parse_times
from detector.schema import merge_accounts, validate_accounts, validate_events

__all__ = [
    "ROW_FIELDS",
    "ACCOUNT_FIELDS",
    "AccountCollector",
    "ReadContext",
    "batch_rows",
    "events_chunk",
    "events_from_columns",
    "INTERNAL_COLUMNS",
]

ROW_FIELDS: tuple[str, ...] = (
    "_line",
    "event_id",
    "account_id",
    "account_name",
    "_time",
    "kind",
    "target_event_id",
    "target_account_id",
    "text",
    "hashtags",
    "mentions",
    "urls",
    "lang",
)
"""Order of the tuple a reader appends per record (``_time`` is the raw timestamp)."""

ACCOUNT_FIELDS: tuple[str, ...] = (
    "account_id",
    "account_name",
    "display_name",
    "created_at",
    "followers",
    "following",
    "posts_count",
    "verified",
    "description",
    "default_profile",
    "client",
)
"""Order of the tuple a reader passes to :meth:`AccountCollector.add` (``created_at`` raw).

The last two are optional (readers may pass the first nine): ``default_profile`` (the
platform's own marker of an unedited profile) and ``client`` (the posting application,
v1.1 ``source``, tags stripped)."""

WRONG_FORMAT_AFTER = 1000
"""Malformed records in a row, from the start of a file, that make it a wrong-format error."""

INTERNAL_COLUMNS: tuple[str, ...] = ("_file", "_line", "_dedupe")
"""Bookkeeping columns carried through a read and dropped before returning."""


class AccountCollector:
    """Accounts seen in one read: the latest non-missing value of each field wins."""

    def __init__(self) -> None:
        self._rows: dict[str, tuple] = {}
        self._frames: list[pd.DataFrame] = []

    def add(self, row: tuple) -> None:
        """Add one :data:`ACCOUNT_FIELDS` tuple (``None`` = unknown)."""
        key = row[0]
        if not isinstance(key, str):
            if not isinstance(key, int) or isinstance(key, bool):
                return  # no id, or an id of another type (a damaged record): not an account
            key = str(key)
            row = (key, *row[1:])
        if len(row) < len(ACCOUNT_FIELDS):
            row = (*row, *([None] * (len(ACCOUNT_FIELDS) - len(row))))
        old = self._rows.get(key)
        if old is not None:
            if old == row:
                return
            if None in row:
                row = tuple(o if n is None else n for n, o in zip(row, old, strict=True))
        self._rows[key] = row

    def add_frame(self, frame: pd.DataFrame) -> None:
        """Add an already canonical accounts table."""
        self._frames.append(frame)

    def table(self) -> pd.DataFrame:
        """All accounts as a validated table (input order of first appearance)."""
        frames = list(self._frames)
        if self._rows:
            cols = list(zip(*self._rows.values(), strict=True))
            data: dict[str, Any] = {
                name: pd.Series(col, dtype=object)
                for name, col in zip(ACCOUNT_FIELDS, cols, strict=True)
            }
            ms, _, ok = parse_times(data["created_at"])
            ok &= (ms >= EARLIEST_MS) & (ms < LATEST_MS)  # an impossible creation date is unknown
            data["created_at"] = pd.array(np.where(ok, ms // 1000, 0), dtype="Int64")
            data["created_at"][~ok] = pd.NA
            for name in ("followers", "following", "posts_count"):
                data[name] = _counts(data[name])
            data["verified"] = data["verified"].map(_as_bool, na_action="ignore").astype("boolean")
            data["default_profile"] = data["default_profile"].map(_as_bool, na_action="ignore").astype("boolean")
            data["client"] = data["client"].map(_client_name, na_action="ignore").astype("string")
            for optional in ("default_profile", "client"):
                if data[optional].isna().all():  # the input does not carry it: no column, not "False"
                    del data[optional]
            frames.append(validate_accounts(pd.DataFrame(data)))
        if not frames:
            return merge_accounts()
        if len(frames) == 1:
            return frames[0]
        return merge_accounts(*frames)


def _counts(values: pd.Series) -> pd.Series:
    """Non-negative integer counts; anything else (text, fractions, inf) becomes missing."""
    num = pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    good = np.isfinite(num) & (num == np.round(num)) & (np.abs(num) < 2**62)
    out = pd.array(np.where(good, num, 0).astype(np.int64), dtype="Int64")
    out[~good] = pd.NA
    return pd.Series(out)


_TAGS = re.compile(r"<[^>]*>")


def _client_name(value: Any) -> Any:
    """Posting client as plain text (v1.1 ``source`` is an HTML link: its text)."""
    if not isinstance(value, str):
        return None
    name = _TAGS.sub("", value).strip()
    return name[:100] or None


def _as_bool(value: Any) -> Any:
    if isinstance(value, str):
        low = value.strip().lower()
        if low in ("true", "1", "yes", "t"):
            return True
        if low in ("false", "0", "no", "f"):
            return False
        return pd.NA
    return bool(value)


@dataclass
class ReadContext:
    """What a format reader needs: the file, the log, options, and where accounts go."""

    source: Source
    log: IngestLog
    file_index: int = 0
    mapping: dict[str, str] = field(default_factory=dict)
    chunk_rows: int = 100_000
    accounts: AccountCollector = field(default_factory=AccountCollector)
    format_name: str = ""
    read_start: int = 0
    structural: int = 0
    includes: Any = None
    """A :class:`~detector.io.academic.V2Includes` shared by the files of one ingest (or None)."""

    def read_one(self, n: int = 1) -> None:
        """Count ``n`` records read."""
        self.log.records_read += n

    def skip(self, reason: str, line: int | None, detail: str = "", count: int = 1) -> None:
        """Count a skipped record of this file.

        After :data:`WRONG_FORMAT_AFTER` malformed records with not a single
        good one, the file is declared of the wrong format (:class:`InputError`).
        """
        self.log.skip(reason, self.source.name, line, detail, count)
        if reason not in NOT_EVENT_REASONS:
            self.structural += count
            if (
                self.structural >= WRONG_FORMAT_AFTER
                and self.structural == self.log.records_read - self.read_start
            ):
                raise InputError(
                    f"{self.source.name}: the first {self.structural} records are all unreadable as "
                    f"{self.format_name or 'this format'} (e.g. line {line}: {reason}); wrong format?"
                )


WRONG_ID_TYPE = "id of the wrong type"
"""Skip reason: an event or author id that is a list, object or boolean (a damaged record)."""


def _not_scalar_ids(ids: pd.Series) -> np.ndarray:
    """True where an id is not a string or an integer (fast path: an all-string column)."""
    if pd.api.types.infer_dtype(ids, skipna=True) in ("string", "empty", "integer"):
        return np.zeros(len(ids), dtype=bool)
    return ids.map(lambda v: v is not None and (isinstance(v, bool) or not isinstance(v, (str, int)))).to_numpy(dtype=bool)


def _object_series(values: Sequence[Any]) -> pd.Series:
    return pd.Series(values, dtype=object)


def events_chunk(
    ctx: ReadContext,
    rows: list[tuple],
    platform: str | Sequence[str],
    *,
    dedupe: bool = True,
    extra: dict[str, Sequence[Any]] | None = None,
) -> pd.DataFrame | None:
    """Validated canonical events from :data:`ROW_FIELDS` tuples (None when nothing is kept).

    Rows without ``event_id``, ``account_id`` or a parseable time are skipped
    and counted (reasons ``missing id``, ``missing author``, ``missing time``,
    ``unparseable time``, and :data:`~detector.io.timeparse.OUT_OF_RANGE` for a
    time outside 1990..2100). ``extra`` adds columns (aligned with ``rows``).
    """
    if not rows:
        return None
    cols = {name: list(map(itemgetter(i), rows)) for i, name in enumerate(ROW_FIELDS)}
    return events_from_columns(ctx, cols, platform, dedupe=dedupe, extra=extra)


def events_from_columns(
    ctx: ReadContext,
    cols: dict[str, Sequence[Any]],
    platform: str | Sequence[str],
    *,
    dedupe: bool = True,
    extra: dict[str, Sequence[Any]] | None = None,
) -> pd.DataFrame | None:
    """Like :func:`events_chunk` for column-oriented sources: ``cols`` maps each of
    :data:`ROW_FIELDS` to a sequence (all of the same length)."""
    n = len(cols["_line"])
    if not n:
        return None
    lines = np.asarray(cols["_line"], dtype=np.int64)
    ms, sub, ok = parse_times(cols["_time"])
    ev_id = _object_series(cols["event_id"])
    acc_id = _object_series(cols["account_id"])
    checks = [
        ("missing id", ev_id.isna().to_numpy() | (ev_id == "").to_numpy()),
        ("missing author", acc_id.isna().to_numpy() | (acc_id == "").to_numpy()),
        (WRONG_ID_TYPE, _not_scalar_ids(ev_id) | _not_scalar_ids(acc_id)),
    ]
    time_raw = _object_series(cols["_time"])
    no_time = time_raw.isna().to_numpy() | (time_raw.astype(str).str.strip() == "").to_numpy()
    far = out_of_range(time_raw, ms, ok)
    checks.append(("missing time", ~ok & no_time))
    checks.append((OUT_OF_RANGE, far))
    checks.append(("unparseable time", ~ok & ~no_time))
    keep = np.ones(n, dtype=bool)
    for reason, bad in checks:
        bad = bad & keep
        for i in np.flatnonzero(bad):
            detail = repr(time_raw.iat[i])[:60] if reason in ("unparseable time", OUT_OF_RANGE) else ""
            ctx.skip(reason, int(lines[i]), detail)
        keep &= ~bad
    if not keep.any():
        return None
    data: dict[str, Any] = {}
    for name in ROW_FIELDS:
        if name in ("_line", "_time"):
            continue
        col = cols[name]
        data[name] = (
            _object_series(col)[keep].reset_index(drop=True)
            if not keep.all()
            else _object_series(col)
        )
    ms_k = ms[keep]
    data["ts"] = ms_k // 1000
    ts_ms = pd.array(ms_k, dtype="Int64")
    ts_ms[~sub[keep]] = pd.NA
    data["ts_ms"] = ts_ms
    if isinstance(platform, str):
        data["platform"] = platform
    else:
        data["platform"] = _object_series(platform)[keep].reset_index(drop=True)
    frame = pd.DataFrame(data)
    if extra:
        for name, values in extra.items():
            frame[name] = _object_series(values)[keep].reset_index(drop=True)
    frame["_file"] = np.int32(ctx.file_index)
    frame["_line"] = lines[keep]
    frame["_dedupe"] = dedupe
    return validate_events(frame)


def batch_rows(
    ctx: ReadContext,
    rows: Iterator[tuple],
    platform: str,
    *,
    dedupe: bool = True,
    extra_fields: tuple[str, ...] = (),
) -> Iterator[pd.DataFrame]:
    """Group row tuples into chunks of ``ctx.chunk_rows`` and yield validated frames.

    ``extra_fields`` name values a reader appends to each tuple after the
    :data:`ROW_FIELDS`; they become extra columns of the same names.
    """

    def chunk_of(batch: list[tuple]) -> pd.DataFrame | None:
        start = len(ROW_FIELDS)
        extra = {name: [r[start + i] for r in batch] for i, name in enumerate(extra_fields)}
        return events_chunk(ctx, batch, platform, dedupe=dedupe, extra=extra or None)

    batch: list[tuple] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= ctx.chunk_rows:
            chunk = chunk_of(batch)
            batch = []
            if chunk is not None:
                yield chunk
    chunk = chunk_of(batch)
    if chunk is not None:
        yield chunk

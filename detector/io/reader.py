"""``read_inputs``: files and directories in, canonical tables and an ingest log out."""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from detector.io.academic import (
    USERS_FILE_GIVES,
    V2Includes,
    companion_of,
    is_academic_data_name,
    join_originals,
    read_v2_includes,
)
from detector.io.archive import read_io_archive
from detector.io.bluesky import read_bluesky
from detector.io.canonical import canonical_meta, read_canonical
from detector.io.cnt import read_cnt_csv
from detector.io.coortweet import read_coortweet
from detector.io.frames import INTERNAL_COLUMNS, AccountCollector, ReadContext
from detector.io.generic import read_csv_mapped, read_parquet_mapped
from detector.io.jsonstream import first_values, looks_like_json
from detector.io.log import NOT_EVENT_REASONS, IngestLog, InputError, SkippedCompanion
from detector.io.mastodon import read_mastodon
from detector.io.sniff import sniff, sniff_json_value
from detector.io.source import Source, expand_inputs
from detector.io.telegram import read_telegram
from detector.io.twarccsv import read_twarc_csv
from detector.io.twitter import read_twitter_v1, read_twitter_v2
from detector.io.weibo import DAY_ONLY_COLUMN, read_weibo_csv, read_weibo_json
from detector.progress import progress
from detector.schema import empty_events, merge_accounts, validate_accounts

__all__ = ["FORMATS", "Format", "IngestResult", "read_inputs", "describe_tables"]


@dataclass(frozen=True)
class Format:
    """One input format: its name, family (json/csv/parquet), platform, and reader."""

    name: str
    family: str
    platform: str
    columns: tuple[str, ...]
    read: Callable[[ReadContext], Iterator[pd.DataFrame]]
    description: str

    def __call__(self, ctx: ReadContext) -> Iterator[pd.DataFrame]:
        return self.read(ctx)


_TWEET_COLUMNS = (
    "event_id", "platform", "account_id", "account_name", "ts", "kind", "target_event_id",
    "target_account_id", "text", "hashtags", "mentions", "urls", "lang",
)  # fmt: skip

FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("twitter-v1", "json", "twitter", _TWEET_COLUMNS + ("ts_ms",), read_twitter_v1,
               "Twitter API v1.1 statuses: JSON array or JSON Lines"),
        Format("twitter-v2", "json", "twitter", _TWEET_COLUMNS + ("ts_ms",), read_twitter_v2,
               "Twitter API v2: twarc2 pages or flattened tweets"),
        Format("academictwitter", "json", "twitter", _TWEET_COLUMNS + ("ts_ms",), read_twitter_v2,
               "academictwitteR data_*.json tweets, joined with the users_*.json includes"),
        Format("io-archive", "csv", "twitter", _TWEET_COLUMNS, read_io_archive,
               "Twitter information-operations archive CSV"),
        Format("twarc-csv", "csv", "twitter", _TWEET_COLUMNS + ("ts_ms",), read_twarc_csv,
               "`twarc2 csv` output (twarc-csv plugin)"),
        Format("cnt-csv", "csv", "cnt", _TWEET_COLUMNS, read_cnt_csv,
               "coordination-network-toolkit preprocess CSV (message_id, user_id, ...)"),
        Format("coortweet", "csv", "coortweet",
               ("event_id", "platform", "account_id", "ts", "kind", "target_event_id"), read_coortweet,
               "CooRTweet share table or multi-object table"),
        Format("csv", "csv", "csv", _TWEET_COLUMNS + ("ts_ms",), read_csv_mapped,
               "generic CSV/TSV with --map canonical=source"),
        Format("parquet", "parquet", "parquet", _TWEET_COLUMNS + ("ts_ms",), read_parquet_mapped,
               "generic Parquet with --map canonical=source"),
        Format("canonical", "parquet", "*", _TWEET_COLUMNS + ("ts_ms",), read_canonical,
               "canonical Parquet written by `detector ingest`"),
        Format("bluesky", "json", "bluesky", _TWEET_COLUMNS + ("ts_ms",), read_bluesky,
               "Bluesky Jetstream events or post views (app.bsky.feed.post / repost)"),
        Format("mastodon", "json", "mastodon", _TWEET_COLUMNS + ("ts_ms",), read_mastodon,
               "Mastodon status JSON (API v1 Status entities)"),
        Format("telegram", "json", "telegram", _TWEET_COLUMNS, read_telegram,
               "Telegram Desktop export: one chat's result.json or the whole-account export"),
        Format("weibo-json", "json", "weibo", _TWEET_COLUMNS + (DAY_ONLY_COLUMN,), read_weibo_json,
               "weibo-crawler JSON (user + weibo[])"),
        Format("weibo-csv", "csv", "weibo", _TWEET_COLUMNS + (DAY_ONLY_COLUMN,), read_weibo_csv,
               "weibo-crawler CSV (Chinese column names; author from the file name)"),
    )
}  # fmt: skip
"""Format name -> :class:`Format`; the names accepted by ``--format``."""

COMPANIONS: dict[str, Format] = {
    "academictwitter-users": Format(
        "academictwitter-users", "json", "twitter", (), read_v2_includes,
        "academictwitteR users_*.json (API v2 includes: users, referenced tweets)",
    ),
}  # fmt: skip
"""Sniffed formats that hold no events, only context for other files (read before them)."""


def _format(name: str) -> Format:
    return FORMATS[name] if name in FORMATS else COMPANIONS[name]


@dataclass
class IngestResult:
    """What :func:`read_inputs` returns: canonical ``events`` and ``accounts`` and the ``log``."""

    events: pd.DataFrame
    accounts: pd.DataFrame
    log: IngestLog

    def summary(self) -> dict[str, Any]:
        """The log's counts plus what the tables hold (accounts, time span, kinds, platforms)."""
        return {**self.log.summary(), **describe_tables(self.events, self.accounts)}


def describe_tables(events: pd.DataFrame, accounts: pd.DataFrame) -> dict[str, Any]:
    """Counts for a summary: events, accounts, time span (ISO, UTC), kinds, platforms."""
    out: dict[str, Any] = {"events": int(len(events)), "accounts": int(len(accounts))}
    if len(events):
        lo, hi = int(events["ts"].min()), int(events["ts"].max())
        fmt = "%Y-%m-%dT%H:%M:%SZ"
        out["time_span"] = {
            "first": pd.Timestamp(lo, unit="s", tz="UTC").strftime(fmt),
            "last": pd.Timestamp(hi, unit="s", tz="UTC").strftime(fmt),
            "seconds": hi - lo,
        }
        out["kinds"] = {str(k): int(v) for k, v in sorted(events["kind"].value_counts().items())}
        out["platforms"] = {
            str(k): int(v) for k, v in sorted(events["platform"].value_counts().items())
        }
    else:
        out["time_span"] = None
        out["kinds"] = {}
        out["platforms"] = {}
    return out


def _check_forced(source: Source, fmt: str) -> None:
    """A forced format must at least be of the file's family (and JSON kind when recognisable)."""
    wanted = FORMATS[fmt].family
    if source.is_parquet():
        if wanted != "parquet":
            raise InputError(
                f"{source.name}: is a Parquet file, not {fmt}; use --format parquet or canonical"
            )
        return
    source.check_text()
    found = "json" if looks_like_json(source.head(), any_line=wanted == "json") else "csv"
    if found != wanted:
        raise InputError(
            f"{source.name}: looks like {found.upper()}, not {fmt} ({FORMATS[fmt].description})"
        )
    if found == "json":
        for value in first_values(source, limit=20):
            guess = sniff_json_value(value)
            if guess and guess != fmt and {guess, fmt} != {"twitter-v2", "academictwitter"}:
                raise InputError(
                    f"{source.name}: looks like {guess}, not {fmt} ({FORMATS[fmt].description})"
                )
            if guess:
                return


def read_inputs(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    fmt: str | None = None,
    mapping: Mapping[str, str] | None = None,
    strict: bool = False,
    chunk_rows: int = 100_000,
) -> IngestResult:
    """Read files and directories into the canonical events and accounts tables.

    Parameters
    ----------
    paths : path or iterable of paths
        Files, or directories (their files are read in sorted order,
        recursively, hidden files skipped; a file of a directory whose format
        is not recognised is skipped with a notice). Compression (gzip, zstd,
        bz2, xz) is recognised from the content.
    fmt : str, optional
        A key of :data:`FORMATS`; sniffed per file from the content when None.
    mapping : dict, optional
        ``{canonical column: source column}`` for generic CSV/Parquet.
    strict : bool
        Raise :class:`InputError` at the first malformed record instead of
        skipping it.
    chunk_rows : int
        Records per chunk (memory vs. overhead).

    Returns
    -------
    IngestResult
        ``events`` in input order (duplicate platform tweet ids dropped,
        counted as ``duplicate event_id``), ``accounts`` (one row per account
        seen, authors included), ``log``.

    Raises
    ------
    InputError
        Unreadable, empty, binary or unrecognised input; a damaged
        compressed stream or malformed record when ``strict``.
    """
    if fmt is not None and fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; expected one of {', '.join(sorted(FORMATS))}")
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    with _gc_paused():
        return _read_all(paths, fmt, mapping, strict, chunk_rows)


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while reading.

    Readers allocate millions of small acyclic objects (parsed JSON, tuples,
    lists) that reference counting frees; the cyclic collector would scan
    them over and over (about 40 % of the reading time on JSON input).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _read_all(
    paths: Iterable[str | os.PathLike[str]],
    fmt: str | None,
    mapping: Mapping[str, str] | None,
    strict: bool,
    chunk_rows: int,
) -> IngestResult:
    log = IngestLog(strict=strict)
    files = expand_inputs(paths, log)
    collector = AccountCollector()
    chunks: list[pd.DataFrame] = []
    skipped_files: list[str] = []
    unreadable: dict[Path, str] = {}  # files of a folder skipped as unrecognised, by resolved path
    chosen: list[tuple[int, Source, str]] = []
    for index, (path, in_directory) in enumerate(files):
        source = Source(path)
        if in_directory and _is_accounts_sidecar(source):
            continue  # read together with its events file
        try:
            name = _choose_format(source, fmt, mapping)
        except InputError as exc:
            if not in_directory:
                raise
            # other files of a folder (README, notes...) are not inputs
            log.notice(f"skipped {str(exc).split('; expected')[0]}")
            skipped_files.append(str(exc))
            unreadable[source.path.resolve()] = str(exc).removeprefix(f"{source.name}: ").split("; expected")[0]
            continue
        if fmt is None and name == "twitter-v2" and is_academic_data_name(source.path):
            name = "academictwitter"
        chosen.append((index, source, name))
    includes = V2Includes()
    # includes files first: every data file is joined with all of them
    ordered = sorted(chosen, key=lambda item: item[2] != "academictwitter-users")
    for index, source, name in ordered:
        ctx = ReadContext(
            source,
            log,
            index,
            dict(mapping or {}),
            max(int(chunk_rows), 1),
            collector,
            name,
            log.records_read,
            includes=includes if name.startswith("academictwitter") else None,
        )
        read = _read_file(ctx, strict)
        if name == "academictwitter":
            _check_companion(source, includes, unreadable, read, log)
        chunks.extend(read)
    if not log.files:
        raise InputError(
            "no readable input in the files or folders given"
            + (f"; e.g. {skipped_files[0]}" if skipped_files else "")
        )
    events = pd.concat(chunks, ignore_index=True) if chunks else empty_events()
    events = _drop_duplicates(events, files, log)
    events = join_originals(events, {i for i, _, name in chosen if name == "academictwitter"})
    accounts = _complete_accounts(collector.table(), events)
    events = _fill_names(events, accounts)
    events = events.drop(columns=[c for c in INTERNAL_COLUMNS if c in events.columns])
    log.kept = len(events)
    return IngestResult(events.reset_index(drop=True), accounts, log)


def _companion_problem(
    companion: Path, includes: V2Includes, unreadable: Mapping[Path, str], log: IngestLog
) -> tuple[str, str] | None:
    """``(problem, detail)`` of an academictwitteR users file (:data:`~detector.io.log.COMPANION_PROBLEMS`), or None."""
    key = companion.resolve()
    if includes.kept.get(key):
        return None
    if key in includes.files:  # read, but nothing in it could be used
        first = next((p for ps in log.examples.values() for p in ps if Path(p.file).resolve() == key), None)
        return "unreadable", (f"{first.reason}, line {first.line}" if first and first.line else first.reason if first
                              else "no users or tweets in it")  # fmt: skip
    if key in unreadable:
        return "unreadable", unreadable[key]
    return ("not given", "") if companion.exists() else ("missing", "")


def _check_companion(
    source: Source, includes: V2Includes, unreadable: Mapping[Path, str], chunks: list[pd.DataFrame], log: IngestLog
) -> None:
    """Record (:meth:`IngestLog.skip_companion`) an academictwitteR data file read without its users file.

    Also when the users file was read but holds no author for some of the
    file's tweets (a users file of another search, say): their handles and
    profiles are unknown, whatever the file's name promised.
    """
    companion = companion_of(source.path)
    found = _companion_problem(companion, includes, unreadable, log)
    events = sum(len(c) for c in chunks)
    unknown = sum(int(c["account_name"].isna().sum()) for c in chunks)
    if found is None and not unknown:
        return
    problem, detail = found or ("unmatched", "")
    log.skip_companion(
        SkippedCompanion(source.name, companion.name, "academictwitter-users", problem, detail, events, unknown,
                         USERS_FILE_GIVES)  # fmt: skip
    )


def _is_accounts_sidecar(source: Source) -> bool:
    return source.is_parquet() and (canonical_meta(source.path) or {}).get("table") == "accounts"


def _choose_format(source: Source, fmt: str | None, mapping: Mapping[str, str] | None) -> str:
    if fmt is None:
        return sniff(source, dict(mapping or {}))
    _check_forced(source, fmt)
    return fmt


def _read_file(ctx: ReadContext, strict: bool) -> list[pd.DataFrame]:
    """All chunks of one file; wrong-format and truncation checks; the file's log entry."""
    source, log, name = ctx.source, ctx.log, ctx.format_name
    chunks = []
    for chunk in progress(_format(name)(ctx), desc=f"reading {source.path.name}", unit="chunk"):
        chunks.append(chunk)
    kept = sum(len(c) for c in chunks)
    read = log.records_read - ctx.read_start
    if kept == 0 and read and ctx.structural == read and not source.truncated:
        first = next(
            (
                p
                for r, ps in log.examples.items()
                if r not in NOT_EVENT_REASONS
                for p in ps
                if p.file == source.name
            ),
            None,
        )
        raise InputError(
            f"{source.name}: no record could be read as {name} ({_format(name).description})"
            + (f"; first problem: {first}" if first else "")
        )
    if source.damage is not None:
        message = (
            f"{source.name}: {source.truncated}; kept the {kept} events read before the damage"
        )
        if strict:
            raise InputError(message)
        log.notice(message)
        log.damaged_stream(source.name, source.damage, kept)
    log.files.append({"file": source.name, "format": name, "records": read, "events": kept})
    return chunks


def _drop_duplicates(events: pd.DataFrame, files: list, log: IngestLog) -> pd.DataFrame:
    """Drop repeated (platform, event_id) among rows whose format has unique ids."""
    if not len(events) or "_dedupe" not in events.columns:
        return events
    flag = events["_dedupe"].to_numpy(dtype=bool)
    if not flag.any():
        return events
    dup = np.zeros(len(events), dtype=bool)
    sub = events.loc[flag, ["platform", "event_id"]]
    dup[np.flatnonzero(flag)] = sub.duplicated(keep="first").to_numpy()
    if not dup.any():
        return events
    for i in np.flatnonzero(dup)[:10]:
        log.skip("duplicate event_id", str(files[int(events["_file"].iat[i])][0]), int(events["_line"].iat[i]),
                 str(events["event_id"].iat[i]))  # fmt: skip
    rest = int(dup.sum()) - min(int(dup.sum()), 10)
    if rest:
        log.skipped["duplicate event_id"] += rest
    return events[~dup].reset_index(drop=True)


def _complete_accounts(accounts: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Add a bare row for every event author missing from the accounts table."""
    if not len(events):
        return accounts
    authors = events[["account_id", "account_name"]].drop_duplicates("account_id")
    missing = authors[~authors["account_id"].isin(accounts["account_id"])]
    if not len(missing):
        return accounts
    return merge_accounts(accounts, validate_accounts(missing.reset_index(drop=True)))


def _fill_names(events: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
    """Fill missing ``account_name`` on events from the accounts table."""
    gaps = events["account_name"].isna()
    if not gaps.any() or not len(accounts):
        return events
    names = accounts.set_index("account_id")["account_name"]
    filled = events.loc[gaps, "account_id"].map(names)
    events.loc[gaps, "account_name"] = filled.astype(events["account_name"].dtype)
    return events

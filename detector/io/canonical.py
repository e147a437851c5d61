"""Our own Parquet: the canonical tables written by ``detector ingest``.

Layout: ``NAME.parquet`` holds the events; ``NAME.accounts.parquet`` beside it
holds the accounts (for ``events.parquet`` -> ``events.accounts.parquet``).
Both carry the schema metadata key ``detector`` (JSON: ``format``,
``version``, ``table``, ``rows``); the events file also records the accounts
file's name and SHA-256, so an accounts file from another run is never paired
with these events. Writing is deterministic: the same tables give the same
bytes.
The accounts file is written first, then the events file; each atomically.
Reading the events file picks its accounts file up; a missing or mismatched
accounts file is an :class:`InputError`. List columns come back as Python
lists, strings as pandas ``string``: the tables read back equal the tables
written.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from detector.fsutil import atomic_path
from detector.io.frames import ReadContext
from detector.io.log import InputError
from detector.schema import LIST_COLUMNS, validate_accounts, validate_events

__all__ = [
    "write_canonical",
    "read_canonical",
    "accounts_path",
    "canonical_meta",
    "read_canonical_events",
]

META_KEY = b"detector"
VERSION = 1


def accounts_path(events_path: str | os.PathLike[str]) -> Path:
    """The accounts file that belongs to an events file (``x.parquet`` -> ``x.accounts.parquet``)."""
    path = Path(events_path)
    stem = path.name[: -len(".parquet")] if path.name.endswith(".parquet") else path.name
    return path.with_name(stem + ".accounts.parquet")


def _is_list_column(series: pd.Series) -> bool:
    if series.dtype != object or not len(series):
        return False
    sample = series.dropna()
    return bool(len(sample)) and all(isinstance(v, (list, tuple)) for v in sample.head(1000))


def _to_arrow(frame: pd.DataFrame, meta: dict) -> pa.Table:
    arrays = []
    for name in frame.columns:
        series = frame[name]
        if name in LIST_COLUMNS or _is_list_column(series):
            arrays.append(
                pa.array(
                    [None if v is None else [str(x) for x in v] for v in series],
                    type=pa.list_(pa.string()),
                )
            )
        else:
            arrays.append(pa.Array.from_pandas(series))
    table = pa.Table.from_arrays(arrays, names=[str(c) for c in frame.columns])
    return table.replace_schema_metadata({META_KEY: json.dumps(meta, sort_keys=True).encode()})


def write_canonical(
    events: pd.DataFrame, accounts: pd.DataFrame, path: str | os.PathLike[str]
) -> Path:
    """Write the canonical tables to ``path`` (events) and :func:`accounts_path` (accounts), atomically.

    Returns the path of the accounts file.
    """
    events = validate_events(events, normalize=False)
    accounts = validate_accounts(accounts)
    base = {"format": "detector-canonical", "version": VERSION}
    acc_path = accounts_path(path)
    with atomic_path(acc_path) as tmp:
        meta = {**base, "table": "accounts", "rows": len(accounts)}
        pq.write_table(_to_arrow(accounts, meta), tmp)
        digest = _sha256(tmp)
    with atomic_path(path) as tmp:
        meta = {
            **base,
            "table": "events",
            "rows": len(events),
            "accounts": acc_path.name,
            "accounts_sha256": digest,
        }
        pq.write_table(_to_arrow(events, meta), tmp, row_group_size=250_000)
    return acc_path


def _sha256(path: str | os.PathLike[str]) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def canonical_meta(path: str | os.PathLike[str]) -> dict | None:
    """The ``detector`` metadata of a Parquet file, None when it is not ours (or not Parquet)."""
    try:
        schema = pq.read_schema(path)
    except Exception:  # not a Parquet file / damaged: let the caller decide
        return None
    raw = (schema.metadata or {}).get(META_KEY)
    if raw is None:
        return None
    try:
        meta = json.loads(raw)
    except ValueError:
        return None
    return meta if isinstance(meta, dict) and meta.get("format") == "detector-canonical" else None


def _from_arrow(table: pa.Table) -> pd.DataFrame:
    frame = table.to_pandas(
        types_mapper={pa.string(): pd.StringDtype(), pa.large_string(): pd.StringDtype()}.get
    )
    for field in table.schema:
        if pa.types.is_list(field.type) or pa.types.is_large_list(field.type):
            frame[field.name] = pd.Series(
                [None if v is None else [str(x) for x in v] for v in frame[field.name].tolist()],
                dtype=object,
            )
    return frame


def read_canonical_events(
    path: str | os.PathLike[str], name: str | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read a canonical events file and its accounts file."""
    name = name or str(path)
    meta = canonical_meta(path)
    if meta is None:
        raise InputError(f"{name}: not a detector canonical Parquet file (no 'detector' metadata)")
    if meta.get("table") != "events":
        raise InputError(
            f"{name}: is a canonical {meta.get('table')} table; pass the events file instead"
        )
    acc_path = Path(path).with_name(meta.get("accounts") or accounts_path(path).name)
    if not acc_path.exists():
        raise InputError(f"{name}: its accounts file {acc_path} is missing")
    acc_meta = canonical_meta(acc_path)
    if acc_meta is None or _sha256(acc_path) != meta.get("accounts_sha256"):
        raise InputError(
            f"{name}: {acc_path} does not belong to these events (written by another run)"
        )
    events = _from_arrow(pq.read_table(path))
    for column in LIST_COLUMNS:
        events[column] = [v if isinstance(v, list) else [] for v in events[column]]
    events = validate_events(events, normalize=False)
    accounts = validate_accounts(_from_arrow(pq.read_table(acc_path)))
    return events, accounts


def read_canonical(ctx: ReadContext) -> Iterator[pd.DataFrame]:
    """Reader for :data:`detector.io.FORMATS` (``canonical``)."""
    events, accounts = read_canonical_events(ctx.source.path, ctx.source.name)
    ctx.read_one(len(events))
    ctx.accounts.add_frame(accounts)
    events["_file"] = np.int32(ctx.file_index)
    events["_line"] = np.arange(1, len(events) + 1, dtype=np.int64)
    events["_dedupe"] = False
    yield events

"""Read a set of flagged accounts (and their clusters) for the amplification audit.

Two layouts are accepted:

* a CSV with a header holding ``account_id`` (for example ``accounts.csv``
  written by ``detector scan``): when it has a ``flagged`` column only rows
  whose value is true (``true``/``1``/``yes``/``t``/``y``, any case) count,
  otherwise every row does; a ``cluster_id`` column, when present, gives each
  flagged account's cluster (blank or negative = none);
* a plain list of account ids, one per line (blank lines and ``#`` comments
  skipped).
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from detector.schema import SchemaError

__all__ = ["FlaggedError", "read_flagged"]

_TRUE = {"true", "1", "yes", "t", "y", "1.0"}
_MISSING = {"nan", "none", "null", "<na>", "na"}


class FlaggedError(SchemaError):
    """The flagged-accounts file cannot be used (message names file and line)."""


def read_flagged(path: str | os.PathLike[str]) -> tuple[set[str], dict[str, int | str] | None]:
    """Read flagged account ids and, when given, their cluster ids.

    Returns
    -------
    flagged : set of str
        Flagged account ids.
    cluster_of : dict or None
        ``account_id -> cluster_id`` for flagged accounts with a cluster;
        ``None`` when the file has no ``cluster_id`` column.

    Raises
    ------
    FlaggedError
        Unreadable file.
    """
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise FlaggedError(f"{source}: cannot read flagged accounts: {exc}") from None
    first = text.lstrip().split("\n", 1)[0]
    header = [h.strip().casefold() for h in next(csv.reader([first]), [])] if first else []
    if "account_id" not in header:
        ids = {line.strip() for line in text.splitlines()}
        return {i for i in ids if i and not i.startswith("#")}, None
    reader = csv.DictReader(io.StringIO(text.lstrip()))
    reader.fieldnames = [h.strip().casefold() for h in (reader.fieldnames or [])]
    has_flag = "flagged" in reader.fieldnames
    has_cluster = "cluster_id" in reader.fieldnames
    flagged: set[str] = set()
    cluster_of: dict[str, int | str] = {}
    for row in reader:
        account = (row.get("account_id") or "").strip()
        if not account:
            continue
        if has_flag and (row.get("flagged") or "").strip().casefold() not in _TRUE:
            continue
        flagged.add(account)
        raw = (row.get("cluster_id") or "").strip() if has_cluster else ""
        if raw and raw.casefold() not in _MISSING:
            try:
                cluster: int | str = int(float(raw))
            except (ValueError, OverflowError):
                cluster = raw  # a label such as "C06"
            if not isinstance(cluster, int) or cluster >= 0:
                cluster_of[account] = cluster
    return flagged, (cluster_of if has_cluster else None)

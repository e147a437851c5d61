"""Registry of official accounts (embassies, ministries, leaders...): reading and matching.

A registry is a CSV or YAML file with one entry per official account:

=================  ====================================================================
field              meaning
=================  ====================================================================
``account_id``     platform account id (or ``id``, ``user_id``, ``userid``)
``handle``         handle, with or without ``@`` (or ``account_name``, ``screen_name``,
                   ``username``); at least one of ``account_id`` / ``handle`` is needed
``country``        country the account represents (or ``official_country``), required
``role``           one of :data:`detector.schema.OFFICIAL_ROLES` (or ``official_role``);
                   spaces and hyphens count as ``_`` (``state media`` = ``state_media``)
``platform``       optional: ``twitter``, ``bluesky``... restricts matching to that platform
``display_name``   optional (or ``name``)
=================  ====================================================================

YAML is either a list of such mappings or a mapping with an ``officials`` list.
Bad entries raise :class:`RegistryError` naming the file and line of every
problem. Matching (:func:`match_registry`) is by account id first, then by
case-insensitive handle; entries that match nothing (or several accounts) are
reported, not silently dropped.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import yaml

if TYPE_CHECKING:
    import igraph as ig

from detector.schema import OFFICIAL_ROLES, STRING, SchemaError, account_handles, normalize_mention

__all__ = [
    "REGISTRY_COLUMNS",
    "RegistryError",
    "RegistryMatch",
    "mark_officials",
    "match_registry",
    "officials_from_accounts",
    "read_registry",
    "registry_from_records",
]

REGISTRY_COLUMNS: tuple[str, ...] = (
    "account_id",
    "handle",
    "country",
    "role",
    "platform",
    "display_name",
    "source",
    "line",
)
"""Columns of a registry table (``source``/``line``: where the entry was read)."""

_ALIASES: dict[str, str] = {
    "account_id": "account_id",
    "id": "account_id",
    "user_id": "account_id",
    "userid": "account_id",
    "handle": "handle",
    "account_name": "handle",
    "screen_name": "handle",
    "username": "handle",
    "country": "country",
    "official_country": "country",
    "role": "role",
    "official_role": "role",
    "platform": "platform",
    "display_name": "display_name",
    "name": "display_name",
}
_MAX_LISTED_ERRORS = 20
_EXTRA = "\0extra"  # key of surplus CSV fields (cannot clash with a header name)


class RegistryError(SchemaError):
    """A registry file cannot be used; the message lists ``file:line: problem`` lines."""


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _normalize_role(value: str | None) -> str | None:
    if value is None:
        return None
    return value.strip().casefold().replace("-", "_").replace(" ", "_")


def _entries_from_csv(text: str, delimiter: str = ",") -> Iterable[tuple[int, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    for row in reader:
        if not any(_clean(v) for k, v in row.items() if k is not None and not isinstance(v, list)):
            continue
        extra = row.pop(None, None)
        if extra:
            row[_EXTRA] = extra
        yield reader.line_num, row


def _entries_from_yaml(text: str, source: str) -> Iterable[tuple[int, dict[str, Any]]]:
    try:
        data = yaml.safe_load(text)
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise RegistryError(f"{source}: not valid YAML: {exc}") from None
    if isinstance(data, dict) and "officials" in data:
        data = data["officials"]
        node = next(v for k, v in node.value if k.value == "officials")
    if data is None:
        return
    if not isinstance(data, list):
        raise RegistryError(
            f"{source}: YAML registry must be a list of entries or have an 'officials' list"
        )
    for item, item_node in zip(data, node.value, strict=True):
        line = item_node.start_mark.line + 1
        if not isinstance(item, dict):
            raise RegistryError(
                f"{source}:{line}: entry must be a mapping, got {type(item).__name__}"
            )
        yield line, item


def registry_from_records(
    entries: Iterable[tuple[int, dict[str, Any]]], source: str = "<records>"
) -> pd.DataFrame:
    """Validate ``(line, mapping)`` entries into a registry table.

    Raises
    ------
    RegistryError
        Listing every bad entry as ``source:line: problem``.
    """
    rows: list[dict[str, Any]] = []
    errors: list[str] = []
    seen: dict[tuple[str, str, str], int] = {}
    for line, raw in entries:
        where = f"{source}:{line}"
        entry: dict[str, Any] = {c: None for c in REGISTRY_COLUMNS}
        problems = []
        for key, value in raw.items():
            if key == _EXTRA:
                problems.append(
                    f"{len(value)} more field(s) than the header (quote values that contain commas)"
                )
                continue
            canon = _ALIASES.get(str(key).strip().casefold().replace(" ", "_"))
            if canon is not None and entry[canon] is None:  # other columns (notes...) are ignored
                entry[canon] = _clean(value)
        if entry["account_id"] is None and entry["handle"] is None:
            problems.append("needs an account_id or a handle")
        if entry["handle"] is not None:
            entry["handle"] = normalize_mention(entry["handle"]) or None
        if entry["country"] is None:
            problems.append("country is missing")
        role = _normalize_role(entry["role"])
        if role is None:
            problems.append(f"role is missing (one of {', '.join(OFFICIAL_ROLES)})")
        elif role not in OFFICIAL_ROLES:
            problems.append(f"role {entry['role']!r} is not one of {', '.join(OFFICIAL_ROLES)}")
        entry["role"] = role
        if entry["platform"] is not None:
            entry["platform"] = entry["platform"].casefold()
        for key_kind in ("account_id", "handle"):
            if entry[key_kind] is not None:
                key = (key_kind, entry[key_kind], entry["platform"] or "")
                if key in seen:
                    problems.append(
                        f"duplicate {key_kind} {entry[key_kind]!r} (first at line {seen[key]})"
                    )
                else:
                    seen[key] = line
        errors.extend(f"{where}: {p}" for p in problems)
        entry["source"], entry["line"] = source, line
        rows.append(entry)
    if errors:
        shown = errors[:_MAX_LISTED_ERRORS]
        more = len(errors) - len(shown)
        tail = f"\n... and {more} more problem(s)" if more else ""
        raise RegistryError(
            f"bad official registry ({len(errors)} problem(s)):\n" + "\n".join(shown) + tail
        )
    table = pd.DataFrame(rows, columns=list(REGISTRY_COLUMNS))
    for column in REGISTRY_COLUMNS:
        table[column] = table[column].astype("int64" if column == "line" else STRING)
    return table


def read_registry(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read an official-account registry from CSV or YAML (by extension, else sniffed).

    Parameters
    ----------
    path : str or path
        ``.csv`` / ``.tsv`` / ``.yaml`` / ``.yml`` file, UTF-8.

    Returns
    -------
    DataFrame
        Columns :data:`REGISTRY_COLUMNS`; ``handle`` case-folded without
        ``@``, ``role`` normalised, in file order.

    Raises
    ------
    RegistryError
        Unreadable file or bad entries (each as ``file:line: problem``).
    """
    path = Path(path)
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise RegistryError(f"{source}: cannot read registry: {exc}") from None
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        entries = _entries_from_yaml(text, source)
    elif suffix == ".tsv":
        entries = _entries_from_csv(text, "\t")
    elif suffix == ".csv":
        entries = _entries_from_csv(text)
    else:  # sniff: a CSV header line has commas, a YAML registry starts with "-" or "key:"
        first_line = text.lstrip().split("\n", 1)[0]
        looks_csv = "," in first_line and not first_line.startswith(("-", "{", "officials:"))
        entries = _entries_from_csv(text) if looks_csv else _entries_from_yaml(text, source)
    return registry_from_records(entries, source)


def officials_from_accounts(accounts: pd.DataFrame | None) -> pd.DataFrame:
    """Registry table built from accounts whose ``official_role`` is set (source ``accounts``)."""
    if accounts is None or not len(accounts) or "official_role" not in accounts.columns:
        return registry_from_records([], "accounts")
    sel = accounts.loc[accounts["official_role"].notna()]
    entries = (
        (
            i + 1,
            {
                "account_id": r.account_id,
                "country": r.official_country if pd.notna(r.official_country) else "unknown",
                "role": r.official_role,
            },
        )
        for i, r in enumerate(sel.itertuples(index=False))
    )
    return registry_from_records(entries, "accounts")


@dataclass(frozen=True)
class RegistryMatch:
    """Result of :func:`match_registry`.

    Attributes
    ----------
    officials : DataFrame
        One row per matched official account, sorted by ``account_id``:
        ``account_id``, ``account_name``, ``display_name``, ``country``,
        ``role``, ``platform``, ``matched_by`` (``account_id`` | ``handle``),
        ``source``, ``line``.
    unmatched : DataFrame
        Registry entries that matched nothing, several accounts, or an
        account already matched by an earlier entry: registry columns plus
        ``reason``.
    """

    officials: pd.DataFrame
    unmatched: pd.DataFrame


def _known_accounts(
    events: pd.DataFrame, accounts: pd.DataFrame | None, ids: set[str], handles: set[str]
) -> pd.DataFrame:
    """(account_id, handle, platform) of every account that could match a registry entry.

    Only accounts whose id is in ``ids`` or whose normalised handle is in
    ``handles`` are kept (handles are normalised once per distinct spelling).
    ``platform`` is missing for accounts known only from the accounts table.
    """

    def candidates(
        id_col: pd.Series, name_col: pd.Series | None, platform: pd.Series | None
    ) -> pd.DataFrame:
        id_values = id_col.to_numpy(dtype=object)
        keep = pd.Series(id_values).isin(ids).to_numpy().copy()
        normalized = np.full(len(id_values), None, dtype=object)
        if name_col is not None:
            names = name_col.to_numpy(dtype=object)
            distinct = pd.unique(name_col.dropna().to_numpy(dtype=object))
            spelled = {n: normalize_mention(n) for n in distinct}
            wanted = {n for n, h in spelled.items() if h in handles}
            is_wanted = pd.Series(names).isin(wanted).to_numpy()
            keep |= is_wanted
            normalized[is_wanted] = [spelled[n] for n in names[is_wanted]]
        plat = (
            platform.to_numpy(dtype=object)
            if platform is not None
            else np.full(len(id_values), None, object)
        )
        return pd.DataFrame(
            {"account_id": id_values[keep], "handle": normalized[keep], "platform": plat[keep]}
        )

    platform = events["platform"]
    parts = [
        candidates(events["account_id"], events["account_name"], platform),
        candidates(events["target_account_id"], None, platform),
    ]
    if accounts is not None and len(accounts):
        names = accounts["account_name"] if "account_name" in accounts.columns else None
        parts.append(candidates(accounts["account_id"], names, None))
    known = pd.concat(parts, ignore_index=True)
    known = known.loc[known["account_id"].notna()]
    known["account_id"] = known["account_id"].astype(str)
    has_platform = known["platform"].notna()
    known.loc[has_platform, "platform"] = (
        known.loc[has_platform, "platform"].astype(str).str.casefold()
    )
    return known.drop_duplicates().reset_index(drop=True)


def _platform_ok(known: pd.DataFrame, platform: Any) -> pd.Series:
    if platform is None or pd.isna(platform):
        return pd.Series(True, index=known.index)
    return known["platform"].isna() | (known["platform"] == platform)


def match_registry(
    registry: pd.DataFrame, events: pd.DataFrame, accounts: pd.DataFrame | None = None
) -> RegistryMatch:
    """Find the registry's accounts in the data: by account id first, then by handle.

    Parameters
    ----------
    registry : DataFrame
        From :func:`read_registry` (or :func:`officials_from_accounts`).
    events, accounts : DataFrame
        Canonical tables; accounts seen as authors, as targets or in the
        accounts table can match. An entry with a ``platform`` only matches
        accounts seen on that platform (or of unknown platform).

    Returns
    -------
    RegistryMatch
    """
    known = _known_accounts(
        events,
        accounts,
        set(registry["account_id"].dropna().astype(str)),
        set(registry["handle"].dropna().astype(str)),
    )
    ids = known.drop_duplicates(["account_id", "platform"])
    handles = known.loc[known["handle"].notna()].drop_duplicates(
        ["account_id", "handle", "platform"]
    )
    matched: list[dict[str, Any]] = []
    unmatched: list[dict[str, Any]] = []
    taken: dict[str, int] = {}
    for entry in registry.itertuples(index=False):
        row = entry._asdict()
        found: list[str] = []
        how = None
        if pd.notna(entry.account_id):
            sel = ids.loc[
                (ids["account_id"] == entry.account_id) & _platform_ok(ids, entry.platform)
            ]
            found, how = sorted(set(sel["account_id"])), "account_id"
        if not found and pd.notna(entry.handle):
            sel = handles.loc[
                (handles["handle"] == entry.handle) & _platform_ok(handles, entry.platform)
            ]
            found, how = sorted(set(sel["account_id"])), "handle"
        if len(found) != 1:
            reason = (
                "not found in the data"
                if not found
                else f"handle matches several accounts: {', '.join(found[:5])}"
            )
            unmatched.append({**row, "reason": reason})
            continue
        account_id = found[0]
        if account_id in taken:
            unmatched.append(
                {
                    **row,
                    "reason": f"account {account_id} already matched by line {taken[account_id]}",
                }
            )
            continue
        taken[account_id] = entry.line
        matched.append({**row, "account_id": account_id, "matched_by": how})
    officials = pd.DataFrame(matched, columns=[*REGISTRY_COLUMNS, "matched_by"])
    names = _account_names(events, accounts, set(officials["account_id"].astype(str)))
    officials.insert(1, "account_name", officials["account_id"].map(names))
    officials["display_name"] = officials["display_name"].where(
        officials["display_name"].notna(), officials["account_id"].map(_display_names(accounts))
    )
    officials = officials.drop(columns=["handle"]).sort_values("account_id").reset_index(drop=True)
    for column in officials.columns:
        officials[column] = officials[column].astype("int64" if column == "line" else STRING)
    unmatched_table = pd.DataFrame(unmatched, columns=[*REGISTRY_COLUMNS, "reason"])
    return RegistryMatch(officials=officials, unmatched=unmatched_table.reset_index(drop=True))


def _account_names(
    events: pd.DataFrame, accounts: pd.DataFrame | None, ids: set[str]
) -> dict[str, str]:
    """account_id -> handle for ``ids`` (:func:`detector.schema.account_handles`, the one rule)."""
    wanted = events["account_id"].isin(ids).to_numpy(dtype=bool)
    table = accounts.loc[accounts["account_id"].isin(ids).to_numpy(dtype=bool)] if accounts is not None and len(accounts) else None
    return account_handles(events.loc[wanted], table).to_dict()


def _display_names(accounts: pd.DataFrame | None) -> dict[str, str]:
    if accounts is None or not len(accounts) or "display_name" not in accounts.columns:
        return {}
    acc = accounts.loc[accounts["display_name"].notna()]
    return dict(zip(acc["account_id"].astype(str), acc["display_name"].astype(str), strict=True))


def mark_officials(graph: ig.Graph, officials: pd.DataFrame) -> int:
    """Set ``official_role`` / ``official_country`` vertex attributes of matched officials.

    Parameters
    ----------
    graph : igraph.Graph
        Interaction graph (vertex ``name`` = account id); modified in place.
    officials : DataFrame
        ``RegistryMatch.officials``.

    Returns
    -------
    int
        Number of vertices marked.
    """
    if graph.vcount() == 0 or not len(officials):
        return 0
    names = pd.Index(graph.vs["name"])
    pos = names.get_indexer(officials["account_id"].astype(str))
    present = graph.vs.attributes()
    roles, countries = (
        list(graph.vs[attr]) if attr in present else [""] * graph.vcount()
        for attr in ("official_role", "official_country")
    )
    marked = 0
    for p, role, country in zip(pos, officials["role"], officials["country"], strict=True):
        if p >= 0:
            roles[p] = "" if pd.isna(role) else str(role)
            countries[p] = "" if pd.isna(country) else str(country)
            marked += 1
    graph.vs["official_role"] = roles
    graph.vs["official_country"] = countries
    return marked

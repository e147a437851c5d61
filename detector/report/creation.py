"""Account creation dates: per cluster against the whole scan, on the same bins, as shares.

Batches of accounts registered together are what published influence-operation
reports show with this picture: a cluster whose members were created in the same
few weeks stands out against the scan's spread-out distribution.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["CREATION_BINS", "bin_edges", "creation_histograms"]

CREATION_BINS = 24
"""Target number of calendar bins (years, quarters, months, weeks or days: the first unit giving at most this many)."""

_DAY = 86400


def _month_floor(ts: int, months: int) -> int:
    d = dt.datetime.fromtimestamp(int(ts), dt.UTC)
    m = (d.year * 12 + d.month - 1) // months * months
    return int(dt.datetime(m // 12, m % 12 + 1, 1, tzinfo=dt.UTC).timestamp())


def _add_months(ts: int, months: int) -> int:
    d = dt.datetime.fromtimestamp(int(ts), dt.UTC)
    m = d.year * 12 + d.month - 1 + months
    return int(dt.datetime(m // 12, m % 12 + 1, 1, tzinfo=dt.UTC).timestamp())


def bin_edges(first: int, last: int, target: int = CREATION_BINS) -> tuple[list[int], str]:
    """Calendar bin edges (UTC seconds) covering ``[first, last]`` and the unit's name.

    Units tried in order: day, week, month, quarter, year, 2, 5 and 10 years;
    the first giving at most ``target`` bins is used.
    """
    first, last = int(first), int(last)
    for unit, days in (("day", 1), ("week", 7)):
        start = first // (days * _DAY) * days * _DAY
        n = (last - start) // (days * _DAY) + 1
        if n <= target:
            return [start + i * days * _DAY for i in range(n + 1)], unit
    for unit, months in (("month", 1), ("quarter", 3), ("year", 12), ("2 years", 24), ("5 years", 60), ("10 years", 120)):
        start = _month_floor(first, months)
        edges = [start]
        while edges[-1] <= last:
            edges.append(_add_months(edges[-1], months))
        if len(edges) - 1 <= target or unit == "10 years":
            return edges, unit
    raise AssertionError("unreachable")


def _label(ts: int, unit: str) -> str:
    d = dt.datetime.fromtimestamp(int(ts), dt.UTC)
    if unit in ("day", "week"):
        return d.strftime("%Y-%m-%d")
    if unit == "month":
        return d.strftime("%Y-%m")
    if unit == "quarter":
        return f"{d.year} Q{(d.month - 1) // 3 + 1}"
    return str(d.year)


def _shares(values: np.ndarray, edges: np.ndarray) -> list[float]:
    if not len(values):
        return [0.0] * (len(edges) - 1)
    counts, _ = np.histogram(values, bins=edges)
    return [float(c) / len(values) for c in counts]


def creation_histograms(
    accounts: pd.DataFrame | None,
    scan_accounts: Iterable[str],
    members: Mapping[int, Iterable[str]],
) -> dict[str, Any] | None:
    """Creation-date histograms of each cluster's members against the scan's accounts.

    Parameters
    ----------
    accounts : canonical accounts table (``created_at`` in UTC seconds).
    scan_accounts : ids of every account in the scan (the baseline).
    members : cluster id -> member account ids.

    Returns
    -------
    ``None`` when no account has a creation date, else
    ``{"unit", "edges" (UTC seconds), "labels", "population": {"known", "unknown", "shares"},
    "clusters": {cluster_id: {"known", "unknown", "shares", "peak_label", "peak_share",
    "population_peak_share"}}}``; shares are of the accounts with a known date (0..1).
    """
    if accounts is None or not len(accounts) or "created_at" not in accounts.columns:
        return None
    created = accounts.dropna(subset=["created_at"]).drop_duplicates("account_id", keep="last")
    when = pd.Series(created["created_at"].to_numpy(dtype=np.int64), index=created["account_id"].astype(str))
    scan = pd.Index(sorted({str(a) for a in scan_accounts}))
    base = when.reindex(scan).dropna().to_numpy(dtype=np.int64)
    if not len(base):
        return None
    edge_list, unit = bin_edges(int(base.min()), int(base.max()))
    edges = np.asarray(edge_list, dtype=np.int64)
    population = _shares(base, edges)
    out_clusters: dict[str, Any] = {}
    for cid, ids in sorted(members.items()):
        ids = sorted({str(a) for a in ids})
        vals = when.reindex(ids).dropna().to_numpy(dtype=np.int64)
        shares = _shares(vals, edges)
        peak = int(np.argmax(shares)) if len(vals) else None
        out_clusters[str(int(cid))] = {
            "known": int(len(vals)),
            "unknown": int(len(ids) - len(vals)),
            "shares": shares,
            "peak_label": _label(int(edges[peak]), unit) if peak is not None else None,
            "peak_share": shares[peak] if peak is not None else None,
            "population_peak_share": population[peak] if peak is not None else None,
        }
    return {
        "unit": unit,
        "edges": [int(e) for e in edges],
        "labels": [_label(int(e), unit) for e in edges[:-1]],
        "population": {"known": int(len(base)), "unknown": int(len(scan) - len(base)), "shares": population},
        "clusters": out_clusters,
    }

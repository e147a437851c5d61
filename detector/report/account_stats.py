"""``account_stats.csv``: per-account co-action figures, in the spirit of CooRTweet's ``account_stats``.

One row per account that shared at least one object of the scan's co-action
kinds (``result.shares``):

``shares``
    Its shares (one per object and event: a post with two links is two shares).
``coordinated_shares``, ``coordinated_share``
    Shares with another account's share of the same object within that
    object kind's co-action window (the window the scan used, from
    ``report.json`` ``parameters.coaction_layers``), and their share of ``shares``.
``partners``
    Distinct accounts it is tied to in the coordination network (any layer).
``mean_gap_s``, ``median_gap_s``
    Over its coordinated shares, the gap in seconds to the nearest share of
    the same object by another account; empty without coordinated shares.
``cluster_id``, ``flagged``
    From the scan (``accounts.csv`` has the scores and reasons).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from detector.params import ScanResult

__all__ = ["ACCOUNT_STATS_COLUMNS", "account_stats", "nearest_other_gap"]

ACCOUNT_STATS_COLUMNS: tuple[str, ...] = (
    "account_id", "account_name", "shares", "coordinated_shares", "coordinated_share",
    "partners", "mean_gap_s", "median_gap_s", "cluster_id", "flagged",
)


def nearest_other_gap(objects: np.ndarray, accounts: np.ndarray, ts: np.ndarray) -> np.ndarray:
    """Per share, seconds to the nearest share of the same object by another account (inf: none).

    Inputs must be sorted by ``(object, ts)``. Exact: within an object, a run of
    consecutive shares by one account is skipped over, so the neighbours are the
    last share of the previous run and the first of the next one.
    """
    n = len(ts)
    gap = np.full(n, np.inf)
    if n < 2:
        return gap
    t = ts.astype(np.float64)
    new_obj = np.r_[True, objects[1:] != objects[:-1]]
    new_run = new_obj | np.r_[True, accounts[1:] != accounts[:-1]]
    run_id = np.cumsum(new_run) - 1
    run_start = np.flatnonzero(new_run)
    run_end = np.r_[run_start[1:], n] - 1
    run_obj_start = np.maximum.accumulate(np.where(new_obj, np.arange(n), 0))[run_start]
    # previous run in the same object: its last row; next run in the same object: its first row
    prev_ok = run_start > run_obj_start
    prev_row = np.where(prev_ok, run_start - 1, 0)
    obj_end = np.r_[np.flatnonzero(new_obj)[1:], n] - 1
    obj_of_run = np.cumsum(new_obj)[run_start] - 1
    next_ok = run_end < obj_end[obj_of_run]
    next_row = np.where(next_ok, run_end + 1, 0)
    r = run_id
    before = np.where(prev_ok[r], t - t[prev_row[r]], np.inf)
    after = np.where(next_ok[r], t[next_row[r]] - t, np.inf)
    return np.minimum(before, after)


def account_stats(
    result: ScanResult, windows: Mapping[str, int | None], names: Mapping[str, str]
) -> pd.DataFrame:
    """The ``account_stats.csv`` table (columns :data:`ACCOUNT_STATS_COLUMNS`), sorted by account id.

    ``windows``: co-action window in seconds per object kind (kinds without one are
    counted in ``shares`` only).
    """
    from detector.schema import encode, encode_many

    tables = [
        (obj, table.sort_values(["object_id", "ts", "account_id"], kind="mergesort"))
        for obj, table in sorted(result.shares.items())
        if table is not None and not table.empty
    ]
    cols = list(ACCOUNT_STATS_COLUMNS)
    if not tables:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in cols})
    # ids as codes (one sorted vocabulary of accounts): equal codes are equal ids, no Python str per share
    acc_parts, ids = encode_many([t["account_id"].astype(str) for _, t in tables])
    coord_parts, gap_parts = [], []
    for (obj, t), acc in zip(tables, acc_parts, strict=True):
        gap = nearest_other_gap(encode(t["object_id"].astype(str), sort=False)[0], acc, t["ts"].to_numpy(dtype=np.int64))
        win = windows.get(obj)
        coord = gap <= win if win is not None else np.zeros(len(t), dtype=bool)
        coord_parts.append(coord)
        gap_parts.append(np.where(coord, gap, np.nan))
    del tables
    frame = pd.DataFrame(
        {"account_id": np.concatenate(acc_parts), "coord": np.concatenate(coord_parts), "gap": np.concatenate(gap_parts)}
    )
    g = frame.groupby("account_id", sort=True)  # codes ascend as the ids do
    out = pd.DataFrame({"shares": g.size(), "coordinated_shares": g["coord"].sum().astype(np.int64)})
    out.index = pd.Index(ids[out.index.to_numpy()], name="account_id")
    out["mean_gap_s"] = g["gap"].mean().round(3).to_numpy()
    out["median_gap_s"] = g["gap"].median().to_numpy()
    out["coordinated_share"] = (out["coordinated_shares"] / out["shares"]).round(6)
    edges = result.edges
    ends = pd.concat([edges["account_a"], edges["account_b"]]).astype(str) if len(edges) else pd.Series([], dtype=str)
    out["partners"] = ends.value_counts().reindex(out.index).fillna(0).astype(np.int64)
    sc = result.scored.set_index("account_id") if len(result.scored) else pd.DataFrame(columns=["cluster_id", "flagged"])
    out["cluster_id"] = sc["cluster_id"].reindex(out.index).astype("Int64")
    out["flagged"] = sc["flagged"].reindex(out.index).fillna(False).astype(bool)
    out = out.reset_index()
    out["account_name"] = out["account_id"].map(lambda a: names.get(a, a))
    return out[cols]

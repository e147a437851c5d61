"""Co-action evidence: accounts that act on the same object within seconds, again and again.

Pipeline: :func:`share_table` (events -> one row per share of an object) ->
:func:`coaction_edges` (share pairs within ``window`` seconds, aggregated by
account pair in the Numba kernel :mod:`detector.kernels.coaction`) -> an edge
layer (``account_a < account_b``, ``weight`` = number of share pairs, plus
evidence columns).

Default semantics and how they differ from CooRTweet 2.1.2
-----------------------------------------------------------
* **Pairs**: the same as CooRTweet's ``detect_groups``: within one object,
  every two shares with ``|t1 - t2| <= window`` (inclusive) form a pair; with
  ``remove_loops`` pairs of one account with itself, or of one content with
  itself, are dropped. (CooRTweet also drops pairs whose content id equals the
  object id, which only happens when a post is listed as sharing itself; the
  ``coortweet`` semantics below keep that rule.)
* **min_participation**: CooRTweet drops accounts with fewer than
  ``min_participation`` rows *before* pairing and then keeps a pair when *at
  least one* of its two accounts has ``min_participation`` paired contents, so
  an account that co-shared a single time still gets an edge to a hyperactive
  one. Here an account must have at least ``min_participation`` shares that
  are part of a pair (after loop removal and the explosion cap), and an edge is
  kept only when **both** accounts qualify: a one-off co-share is not evidence
  about the one-off account. Counting only paired shares (not all rows) also
  makes the filter independent of how much unrelated activity the export holds.
* **edge_percentile**: CooRTweet *marks* edges whose weight is strictly
  greater than the quantile (``weight_threshold``); here edges whose weight is
  ``>=`` the quantile (R type 7 / NumPy linear) are *kept*, so the median
  setting keeps at least half of the edges even when all weights are 1.
* **fast_window**: CooRTweet's ``flag_speed_share`` + ``fast_net`` build a
  second network of pairs within a narrower window; here every edge carries
  ``weight_fast`` (pairs within ``fast_window``) computed in the same pass.
* **window=None**: estimated from the data (CooRnet's idea, see
  :func:`estimate_window`) and reported as ``window_s`` / ``window_method``.
* **Explosion cap**: objects with more than ``max_pairs_per_object`` in-window
  share pairs are skipped and listed in ``capped_objects`` (CooRTweet has no
  cap and runs out of memory instead).

``semantics="coortweet"`` (:func:`coortweet_detect_groups`,
:func:`coortweet_network`) reproduces CooRTweet 2.1.2 row for row (pairs,
edges, their ``from``/``to`` orientation and row order), given the share rows
in the order CooRTweet would read them (``share_table(..., sort=False)``).

Cost: the kernel works on int codes made once by :func:`detector.schema.encode`
and needs about 8 bytes per share pair in flight (blocks of
``chunk_pairs``) plus ~60 bytes per account pair in the result; on string ids
most of the end-to-end time is spent coding ids and building the string
columns of the result, not in the kernel (see ``benchmarks/bench_coaction.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from detector import thresholds as th
from detector.engine import active_engine
from detector.evidence.objects import OBJECT_KINDS, SHARE_COLUMNS, share_table
from detector.kernels.coaction import (
    CHUNK_PAIRS,
    edge_csr,
    edge_object_sample,
    emit_pairs,
    group_starts,
    join_samples,
    lookup_edges,
)
from detector.schema import SchemaError, encode

__all__ = [
    "OBJECT_KINDS",
    "CoactionParams",
    "CoactionResult",
    "coaction_edges",
    "coortweet_detect_groups",
    "coortweet_network",
    "estimate_window",
    "share_table",
]

EDGE_COLUMNS: tuple[str, ...] = (
    "account_a",
    "account_b",
    "weight",
    "n_objects",
    "mean_gap_s",
    "median_gap_s",
    "weight_fast",
    "objects",
)
PAIR_COLUMNS: tuple[str, ...] = (
    "object_id",
    "content_id",
    "content_id_y",
    "time_delta",
    "account_id",
    "account_id_y",
)
OBJECTS_SAMPLE = 5
"""Default number of shared objects listed per edge (``objects`` column), smallest ids first."""


@dataclass(frozen=True)
class CoactionParams:
    """Parameters of co-action detection (times in seconds).

    Attributes
    ----------
    window : int or None
        Maximum gap between two shares of one object, seconds, inclusive.
        ``None``: estimated with :func:`estimate_window`.
    min_participation : int, default 2
        An account needs this many shares that are part of a pair; edges need
        both accounts to qualify (see the module docstring).
    remove_loops : bool, default True
        Ignore pairs of an account with itself or of a content with itself.
        With ``False`` self-pairs appear as edges with ``account_a == account_b``.
    edge_percentile : float in [0, 1] or None
        Keep edges whose weight is ``>=`` this quantile of all edge weights.
    fast_window : int or None
        Count pairs within this narrower window in ``weight_fast``.
    max_pairs_per_object : int, default :data:`detector.thresholds.MAX_PAIRS_PER_OBJECT`
        Explosion guard: objects with more in-window pairs are skipped and reported.
    window_quantile : float, default 0.1
        Quantile used by the automatic window.
    keep_pairs : bool, default True
        Build the ``pairs`` table (share pairs of the kept edges).
    objects_sample : int, default 5
        Shared object ids listed per edge (``objects``, ``|``-joined); 0 leaves
        the column missing (saves a pass over the pairs on very large inputs).
    max_pair_rows : int, default 2,000,000
        At most this many rows in ``pairs`` (first ones in object order).
    chunk_pairs : int, default :data:`detector.kernels.coaction.CHUNK_PAIRS`
        Kernel memory knob (pairs per reduction block, 8 bytes each).
    """

    window: int | None = None
    min_participation: int = th.MIN_PARTICIPATION
    remove_loops: bool = True
    edge_percentile: float | None = None
    fast_window: int | None = None
    max_pairs_per_object: int = th.MAX_PAIRS_PER_OBJECT
    window_quantile: float = th.WINDOW_QUANTILE
    keep_pairs: bool = True
    objects_sample: int = OBJECTS_SAMPLE
    max_pair_rows: int = 2_000_000
    chunk_pairs: int = CHUNK_PAIRS

    def __post_init__(self) -> None:
        if self.window is not None and self.window < 0:
            raise ValueError("window must be >= 0 seconds")
        if self.fast_window is not None and self.fast_window < 0:
            raise ValueError("fast_window must be >= 0 seconds")
        if self.edge_percentile is not None and not 0 <= self.edge_percentile <= 1:
            raise ValueError("edge_percentile must be in [0, 1]")
        if not 0 < self.window_quantile < 1:
            raise ValueError("window_quantile must be in (0, 1)")


@dataclass
class CoactionResult:
    """Outcome of :func:`coaction_edges`.

    Attributes
    ----------
    edges : DataFrame
        Edge layer: ``account_a < account_b``, ``weight`` (float, share pairs),
        ``n_objects``, ``mean_gap_s``, ``median_gap_s``, ``weight_fast``,
        ``objects`` (up to ``objects_sample`` shared object ids, smallest first,
        joined with ``|``; missing when ``objects_sample=0``), sorted by
        ``(account_a, account_b)``.
    pairs : DataFrame
        Share pairs behind the kept edges: ``object_id, content_id, content_id_y,
        time_delta, account_id, account_id_y`` (``account_id`` made the older
        share, ``time_delta >= 0`` seconds). Empty when ``keep_pairs`` is off.
    window_s : int
        Window used, seconds.
    window_method : str
        ``"given"`` or how it was estimated.
    capped_objects : DataFrame
        ``object_id, n_shares, n_pairs`` of objects skipped by the explosion cap.
    n_share_pairs : int
        Share pairs counted (before min_participation and percentile filters).
    pairs_truncated : bool
        ``pairs`` was cut at ``max_pair_rows``.
    params : CoactionParams
    """

    edges: pd.DataFrame
    pairs: pd.DataFrame
    window_s: int
    window_method: str
    capped_objects: pd.DataFrame
    n_share_pairs: int = 0
    pairs_truncated: bool = False
    params: CoactionParams = field(default_factory=CoactionParams)

    def summary(self) -> dict:
        """Small JSON-able summary (counts and parameters)."""
        return {
            "window_s": int(self.window_s),
            "window_method": self.window_method,
            "share_pairs": int(self.n_share_pairs),
            "pair_rows": len(self.pairs),
            "pairs_truncated": bool(self.pairs_truncated),
            "edges": len(self.edges),
            "accounts": int(pd.concat([self.edges["account_a"], self.edges["account_b"]]).nunique()),
            "capped_objects": len(self.capped_objects),
            "min_participation": self.params.min_participation,
            "edge_percentile": self.params.edge_percentile,
            "fast_window": self.params.fast_window,
        }


def _check_shares(shares: pd.DataFrame) -> pd.DataFrame:
    if "ts" not in shares.columns and "timestamp_share" in shares.columns:
        shares = shares.rename(columns={"timestamp_share": "ts"})
    missing = [c for c in SHARE_COLUMNS if c not in shares.columns]
    if missing:
        raise SchemaError(f"share table lacks column(s): {', '.join(missing)}")
    if shares[list(SHARE_COLUMNS)].isna().any().any():
        raise SchemaError("share table has missing values")
    ids = ("object_id", "account_id", "content_id")
    if any(not isinstance(shares[c].dtype, pd.StringDtype) for c in ids):
        # ids compare as strings everywhere (account_a < account_b as text)
        shares = shares.astype({c: "string" for c in ids})
    return shares


def estimate_window(
    shares: pd.DataFrame, quantile: float = th.WINDOW_QUANTILE, *, with_count: bool = False
) -> tuple[int, str] | tuple[int, str, int]:
    """Estimate the co-action window from the data (CooRnet's quantile rule).

    For every object shared at least twice, the *time to share* of each later
    share is its time minus the object's first share. The window is the
    ``quantile`` of that distribution over all objects (rounded up to whole
    seconds): with the default 0.1, the speed of the fastest tenth of
    re-shares, which is fast compared to how the data usually spreads.
    (CooRnet's ``estimate_coord_interval`` applies the quantile in two steps,
    first keeping objects with an unusually fast second share; the one-step
    rule here has no second parameter and is what the window is documented as.)

    Returns
    -------
    window_s : int
        Seconds (0 when there is nothing to estimate from).
    method : str
        Human-readable description of the estimate.
    later_shares : int
        Number of later shares the quantile was taken over (only with
        ``with_count=True``).
    """
    shares = _check_shares(shares)
    # shares in (object, time) order on int codes (no string sort, no groupby): each object's
    # first row is its earliest share; the quantile does not depend on the order of the delays
    obj, _ = pd.factorize(shares["object_id"], sort=False)
    ts = shares["ts"].to_numpy(dtype=np.int64)
    order = np.lexsort((ts, obj))
    ts, obj = ts[order], obj[order]
    head = np.ones(len(ts), dtype=bool)
    head[1:] = obj[1:] != obj[:-1]
    starts = np.flatnonzero(head)
    sizes = np.diff(np.append(starts, len(ts)))
    group = np.cumsum(head) - 1
    # later shares only: drop the first share of each object, keep objects shared twice or more
    later = (ts - ts[starts][group])[(sizes[group] >= 2) & ~head] if len(ts) else np.zeros(0, np.int64)
    if later.size == 0:
        out: tuple = (0, f"auto: no object shared twice, window 0 s (q={quantile})")
    else:
        value = int(np.ceil(np.quantile(later, quantile)))
        n_objects = int((sizes >= 2).sum())
        out = (value, (
            f"auto: {quantile:g} quantile of time from first share to later shares "
            f"({later.size} later shares of {n_objects} objects)"
        ))
    return (*out, int(later.size)) if with_count else out


def _share_order(obj: np.ndarray, ts: np.ndarray, acc: np.ndarray, con: np.ndarray) -> np.ndarray:
    """Row order by (object, ts, account, content): two packed int64 sorts instead of a lexsort."""
    if not ts.size:
        return np.zeros(0, dtype=np.int64)
    if int(ts.max() - ts.min()) >= 2**32:
        return np.lexsort((con, acc, ts, obj))
    inner = np.argsort((acc.astype(np.int64) << 32) | con, kind="quicksort")
    outer = ((obj.astype(np.int64) << 32) | (ts - ts.min()))[inner]
    return inner[np.argsort(outer, kind="stable")]


def _encoded(shares: pd.DataFrame):
    """Codes and sort order for the kernel: rows sorted by (object, ts, account, content)."""
    obj_codes, obj_uniques = encode(shares["object_id"])
    acc_codes, acc_uniques = encode(shares["account_id"])
    con_codes, con_uniques = encode(shares["content_id"])
    ts = shares["ts"].to_numpy(dtype=np.int64)
    order = _share_order(obj_codes, ts, acc_codes, con_codes)
    # uniques as string arrays: .take(codes) builds output columns without Python loops
    # (content ids, one per share, are only needed for the pair table: converted there)
    obj_u, acc_u = (pd.array(u, dtype="string") for u in (obj_uniques, acc_uniques))
    return obj_codes[order], ts[order], acc_codes[order], con_codes[order], obj_u, acc_u, con_uniques


def _participating(acc, in_pair, n_acc, min_participation):
    counts = np.bincount(acc[in_pair.astype(bool)], minlength=n_acc)
    return counts >= min_participation


def coaction_edges(shares: pd.DataFrame, params: CoactionParams | None = None) -> CoactionResult:
    """Co-action edge layer from a share table.

    Parameters
    ----------
    shares : DataFrame
        ``object_id, account_id, content_id, ts`` (ts in UTC seconds), as from
        :func:`share_table`.
    params : CoactionParams, optional

    Returns
    -------
    CoactionResult
    """
    params = params or CoactionParams()
    shares = _check_shares(shares)
    if params.window is None:
        window, method = estimate_window(shares, params.window_quantile)
    else:
        window, method = int(params.window), "given"
    obj, ts, acc, con, obj_u, acc_u, con_u = _encoded(shares)
    starts = group_starts(obj)
    n_acc = len(acc_u)
    agg = active_engine().coaction_aggregate(  # this process, or a Dask cluster (detector.engine)
        starts, ts, acc, con, n_acc, window,
        remove_loops=params.remove_loops,
        fast_window=params.fast_window,
        max_pairs_per_object=params.max_pairs_per_object,
        chunk_pairs=params.chunk_pairs,
    )
    ok = _participating(acc, agg.in_pair, n_acc, params.min_participation)
    keep = ok[agg.a] & ok[agg.b]
    weight = agg.weight[keep].astype(np.float64)
    if params.edge_percentile is not None and weight.size:
        keep_idx = np.flatnonzero(keep)
        thr = np.quantile(weight, params.edge_percentile)
        keep = np.zeros_like(keep)
        keep[keep_idx[weight >= thr]] = True
    sel = slice(None) if keep.all() else keep  # no copies when every edge is kept
    a = agg.a[sel]
    b = agg.b[sel]
    # account codes are numbered in sorted id order, so a < b as codes is a < b as ids
    edges = pd.DataFrame(
        {
            "account_a": acc_u.take(a),
            "account_b": acc_u.take(b),
            "weight": agg.weight[sel].astype(np.float64),
            "n_objects": agg.n_objects[sel],
            "mean_gap_s": agg.mean_gap[sel],
            "median_gap_s": agg.median_gap[sel],
            "weight_fast": agg.weight_fast[sel],
        },
        copy=False,  # fresh arrays: no need for pandas to copy and consolidate them
    )
    csr = edge_csr(a, b, n_acc)  # agg rows are sorted by (a, b), so the kept edges are too
    capped, object_pairs, n_share_pairs = agg.capped, agg.object_pairs, agg.n_share_pairs
    del agg, a, b, sel, keep, weight  # the edge table holds copies: free the kernel's arrays early
    edges["objects"] = _object_samples(starts, obj, ts, acc, con, window, params, capped, csr, obj_u)
    pairs, truncated = _pairs_of_edges(
        starts, obj, ts, acc, con, window, params, capped, object_pairs, csr, obj_u, acc_u, con_u
    )
    capped_idx = np.flatnonzero(capped)
    capped = pd.DataFrame(
        {
            "object_id": obj_u.take(obj[starts[capped_idx]]),
            "n_shares": (starts[capped_idx + 1] - starts[capped_idx]).astype(np.int64),
            "n_pairs": object_pairs[capped_idx],
        }
    )
    return CoactionResult(
        edges=edges.reset_index(drop=True),
        pairs=pairs,
        window_s=window,
        window_method=method,
        capped_objects=capped,
        n_share_pairs=n_share_pairs,
        pairs_truncated=truncated,
        params=replace(params, window=window),
    )


def _blocks(object_pairs: np.ndarray, chunk_pairs: int) -> list[tuple[int, int]]:
    """Consecutive object ranges holding about ``chunk_pairs`` in-window pairs each."""
    n_obj = object_pairs.shape[0]
    cum = np.concatenate([[0], np.cumsum(object_pairs)])
    out = []
    lo = 0
    while lo < n_obj:
        hi = int(np.searchsorted(cum, cum[lo] + chunk_pairs, side="right")) - 1
        hi = min(max(hi, lo + 1), n_obj)
        out.append((lo, hi))
        lo = hi
    return out


def _object_samples(starts, obj, ts, acc, con, window, params, capped, csr, obj_u) -> pd.Series:
    """Per edge, up to ``params.objects_sample`` shared object ids (smallest first), ``|``-joined."""
    k = min(int(params.objects_sample), 100)
    n_edges = csr[1].size
    if k <= 0 or not n_edges:
        return pd.Series(pd.NA, index=pd.RangeIndex(n_edges), dtype="string")
    import pyarrow as pa

    sample, count = edge_object_sample(
        starts, ts, acc, con, np.int64(window), params.remove_loops, capped, csr[0], csr[1], np.int64(k)
    )
    names = pa.array(obj_u.take(obj[starts[:-1]]), type=pa.large_string())  # object number -> id
    _, name_offsets, name_bytes = names.buffers()
    offsets, data = join_samples(
        sample, count,
        np.frombuffer(name_offsets, dtype=np.int64)[names.offset : names.offset + len(names) + 1],
        np.frombuffer(name_bytes, dtype=np.uint8) if name_bytes is not None else np.zeros(0, np.uint8),
        np.uint8(ord("|")),
    )
    del sample
    joined = pa.LargeStringArray.from_buffers(n_edges, pa.py_buffer(offsets), pa.py_buffer(data))
    return pd.Series(pd.array(joined, dtype="string"))


def _pairs_of_edges(starts, obj, ts, acc, con, window, params, capped, object_pairs, csr, obj_u, acc_u, con_u):
    """Share pairs of the kept edges in object order, block by block, at most ``max_pair_rows``."""
    empty = pd.DataFrame({c: pd.Series([], dtype="string") for c in PAIR_COLUMNS}).astype({"time_delta": "int64"})
    budget = params.max_pair_rows
    if not params.keep_pairs or not csr[1].size or budget <= 0:
        return empty, False
    rows_i: list[np.ndarray] = []
    rows_j: list[np.ndarray] = []
    n_rows = 0
    truncated = False
    object_pairs = np.where(capped, 0, object_pairs)
    for lo, hi in _blocks(object_pairs, min(params.chunk_pairs, max(budget, 1_000_000))):
        if n_rows >= budget:
            truncated = True
            break
        i, j = emit_pairs(starts[lo : hi + 1], ts, acc, con, window, params.remove_loops, capped[lo:hi])
        if not i.size:
            continue
        hit = lookup_edges(acc[i], acc[j], csr[0], csr[1]) >= 0
        i, j = i[hit], j[hit]
        take = min(i.size, budget - n_rows)
        truncated = truncated or take < i.size
        rows_i.append(i[:take])
        rows_j.append(j[:take])
        n_rows += take
    if not rows_i:
        return empty, truncated
    i = np.concatenate(rows_i)
    j = np.concatenate(rows_j)
    con_u = pd.array(con_u, dtype="string")
    pairs = pd.DataFrame(
        {
            "object_id": obj_u.take(obj[i]),
            "content_id": con_u.take(con[i]),
            "content_id_y": con_u.take(con[j]),
            "time_delta": ts[j] - ts[i],
            "account_id": acc_u.take(acc[i]),
            "account_id_y": acc_u.take(acc[j]),
        }
    )
    return pairs, truncated


# --------------------------------------------------------------------------
# CooRTweet 2.1.2 semantics
# --------------------------------------------------------------------------


def coortweet_detect_groups(
    shares: pd.DataFrame, time_window: int, min_participation: int = 2, remove_loops: bool = True
) -> pd.DataFrame:
    """Reproduce CooRTweet 2.1.2 ``detect_groups`` row for row, in its row order.

    Parameters
    ----------
    shares : DataFrame
        ``object_id, account_id, content_id`` and ``ts`` (or CooRTweet's
        ``timestamp_share``), integer seconds; ids are compared as strings.
    time_window : int
        Seconds, inclusive.
    min_participation : int
        CooRTweet's rule: accounts with fewer rows are dropped before pairing;
        afterwards a pair is kept when at least one of its contents belongs to an
        account with ``>= min_participation`` rows among the paired contents.
    remove_loops : bool
        Drop pairs with the same account, the same content, or a content equal
        to the object id.

    Returns
    -------
    DataFrame
        ``object_id, content_id, content_id_y, time_delta, account_id,
        account_id_y``: ``content_id`` is the older share (ties: the row that
        comes first in CooRTweet's internal order), ``time_delta >= 0``. Rows
        are in CooRTweet's order (objects by first appearance after its
        per-account regrouping, then by the later row, then the earlier row),
        which :func:`coortweet_network` needs to orient its edges like igraph.
    """
    shares = _check_shares(shares)
    x = shares[list(SHARE_COLUMNS)].astype({"object_id": str, "account_id": str, "content_id": str})
    # data.table: x[, if (.N >= mp) .SD, by = account_id] -> rows regrouped by account
    acc_rank, _ = pd.factorize(x["account_id"], sort=False)
    n_rows = np.bincount(acc_rank)
    keep = n_rows[acc_rank] >= min_participation
    order = np.argsort(acc_rank[keep], kind="stable")
    x = x[keep].iloc[order].reset_index(drop=True)
    r = np.arange(len(x), dtype=np.int64)
    obj_rank, obj_u = pd.factorize(x["object_id"], sort=False)
    acc_codes, acc_u = pd.factorize(x["account_id"], sort=False)
    con_codes, con_u = pd.factorize(x["content_id"], sort=False)
    ts = x["ts"].to_numpy(dtype=np.int64)
    srt = np.lexsort((r, ts, obj_rank))
    obj_s = obj_rank[srt].astype(np.int32)
    starts = group_starts(obj_s)
    i, j = emit_pairs(
        starts, ts[srt], acc_codes[srt].astype(np.int32), con_codes[srt].astype(np.int32),
        int(time_window), remove_loops,
    )
    i, j = srt[i], srt[j]  # back to row numbers of x (older share first, ties by row)
    if remove_loops:
        ob = obj_rank[i]
        # object_id != content_id on either side
        obj_str = np.asarray(obj_u, dtype=object)[ob]
        ok = (obj_str != np.asarray(con_u, dtype=object)[con_codes[i]]) & (
            obj_str != np.asarray(con_u, dtype=object)[con_codes[j]]
        )
        i, j = i[ok], j[ok]
    if min_participation >= 1 and i.size:
        paired = np.zeros(len(con_u), dtype=bool)
        paired[con_codes[i]] = True
        paired[con_codes[j]] = True
        rows = paired[con_codes]
        per_acc = np.bincount(acc_codes[rows], minlength=len(acc_u))
        good_rows = rows & (per_acc[acc_codes] >= min_participation)
        good_content = np.zeros(len(con_u), dtype=bool)
        good_content[con_codes[good_rows]] = True
        ok = good_content[con_codes[i]] | good_content[con_codes[j]]
        i, j = i[ok], j[ok]
    # CooRTweet's row order: object (first appearance), later row, earlier row
    hi = np.maximum(i, j)
    lo = np.minimum(i, j)
    o = np.lexsort((lo, hi, obj_rank[i]))
    i, j = i[o], j[o]
    return pd.DataFrame(
        {
            "object_id": np.asarray(obj_u, dtype=object)[obj_rank[i]],
            "content_id": np.asarray(con_u, dtype=object)[con_codes[i]],
            "content_id_y": np.asarray(con_u, dtype=object)[con_codes[j]],
            "time_delta": ts[j] - ts[i],
            "account_id": np.asarray(acc_u, dtype=object)[acc_codes[i]],
            "account_id_y": np.asarray(acc_u, dtype=object)[acc_codes[j]],
        },
        columns=list(PAIR_COLUMNS),
    )


def coortweet_network(pairs: pd.DataFrame, edge_weight: float = 0.5) -> pd.DataFrame:
    """Reproduce the edges of CooRTweet 2.1.2 ``generate_coordinated_network(pairs, edge_weight)``.

    Parameters
    ----------
    pairs : DataFrame
        Output of :func:`coortweet_detect_groups`, in its row order (the order
        decides igraph's vertex numbering and so each edge's ``from``/``to``).
    edge_weight : float in [0, 1]
        Quantile of the edge weights; ``weight_threshold`` is 1 when an edge's
        weight is strictly greater.

    Returns
    -------
    DataFrame
        ``from, to, weight, avg_time_delta, n_content_id, n_content_id_y,
        edge_symmetry_score, weight_threshold``, one row per unordered account
        pair. Accounts are paired as ``pmin/pmax`` of the two ids; ``n_content_id``
        counts distinct older-share contents and ``n_content_id_y`` distinct
        newer-share contents of the pair; ``from`` is the account that appears
        first in ``unique(c(pmin, pmax))`` over the aggregated pairs (igraph's
        vertex order). Note: R's ``pmin`` on strings follows the locale's
        collation; ids are compared here by code point, which agrees for ids
        made of digits, lower-case letters and ``_`` (all reference data).
    """
    if not 0 <= edge_weight <= 1:
        raise ValueError("edge_weight must be in [0, 1]")
    cols = ["from", "to", "weight", "avg_time_delta", "n_content_id", "n_content_id_y",
            "edge_symmetry_score", "weight_threshold"]
    if pairs.empty:
        return pd.DataFrame({c: [] for c in cols})
    u = pairs["account_id"].astype(str).to_numpy(dtype=object)
    v = pairs["account_id_y"].astype(str).to_numpy(dtype=object)
    lo = np.where(u <= v, u, v)
    hi = np.where(u <= v, v, u)
    frame = pd.DataFrame(
        {"lo": lo, "hi": hi, "td": pairs["time_delta"].to_numpy(dtype=np.float64),
         "c": pairs["content_id"].to_numpy(), "cy": pairs["content_id_y"].to_numpy()}
    )
    g = frame.groupby(["lo", "hi"], sort=False)
    agg = g.agg(
        weight=("td", "size"),
        avg_time_delta=("td", "mean"),
        n_content_id=("c", "nunique"),
        n_content_id_y=("cy", "nunique"),
    ).reset_index()
    names = pd.unique(np.concatenate([agg["lo"].to_numpy(dtype=object), agg["hi"].to_numpy(dtype=object)]))
    index = pd.Series(np.arange(len(names)), index=names)
    li = index[agg["lo"]].to_numpy()
    hj = index[agg["hi"]].to_numpy()
    agg["from"] = np.where(li <= hj, agg["lo"], agg["hi"])
    agg["to"] = np.where(li <= hj, agg["hi"], agg["lo"])
    nc = agg["n_content_id"].to_numpy(dtype=np.float64)
    ncy = agg["n_content_id_y"].to_numpy(dtype=np.float64)
    agg["edge_symmetry_score"] = np.minimum(nc, ncy) / np.maximum(nc, ncy)
    threshold = np.quantile(agg["weight"].to_numpy(dtype=np.float64), edge_weight)
    agg["weight_threshold"] = (agg["weight"] > threshold).astype(np.int64)
    return agg[cols]

"""Numba kernels for co-action: pairs of shares of one object within a time window.

Input is always a set of flat arrays describing *shares*, sorted by
``(object, ts)`` (ties in any fixed order the caller chooses):

``obj``     int32 object code per share (sorted, contiguous per object)
``ts``      int64 time of the share, **seconds**
``acc``     int32 account code per share (``0 <= acc < n_accounts``)
``content`` int32 content code per share (id of the sharing post)

A *share pair* is two shares ``i < j`` (positions in that order) of the same
object with ``ts[j] - ts[i] <= window`` (inclusive; ``window = 0`` pairs
shares made in the same second). With ``remove_loops`` a pair is dropped when
both shares come from the same account or carry the same content code.

Two entry points:

* :func:`coaction_aggregate` aggregates share pairs by unordered account pair
  *as they are produced*: objects are processed in blocks of at most
  ``chunk_pairs`` pairs, each block is packed into one ``int64`` per pair,
  sorted and run-length encoded, and the per-block summaries are merged
  periodically, so memory is bounded by the number of distinct
  ``(account pair, gap)`` combinations, never by the raw pair count.
* :func:`emit_pairs` materialises every share pair as two row-index arrays
  (count-then-fill with per-object offsets, parallel over objects), for the
  CooRTweet-compatible pair table and for evidence samples.

Explosion guard (documented rule): an object whose number of in-window share
pairs, counted *before* loop removal, exceeds ``max_pairs_per_object`` is
skipped entirely (not downsampled, which would bias weights) and reported in
the ``capped`` mask, so the caller can list it. The count itself is a two
pointer sweep, O(shares), so even an object with 10^12 pairs costs nothing.

No pandas, no strings, no global state: every function here can be shipped
to a worker as is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit, prange

from detector.thresholds import MAX_PAIRS_PER_OBJECT

CHUNK_PAIRS: int = 32_000_000
"""Share pairs emitted per block before a reduction (memory knob, not a threshold: 8 bytes
a pair, so about 256 MB a block; the result does not depend on it)."""

__all__ = [
    "CHUNK_PAIRS",
    "PairAggregate",
    "PairRuns",
    "coaction_aggregate",
    "edge_csr",
    "edge_object_sample",
    "emit_pairs",
    "finalize_runs",
    "group_starts",
    "join_samples",
    "lookup_edges",
    "merge_runs",
    "pair_aggregate",
    "pair_runs",
    "pairs_packable",
    "window_pair_upper_bound",
]

_INT64_MAX = np.iinfo(np.int64).max


@njit(cache=True)
def group_starts(keys: np.ndarray) -> np.ndarray:
    """Start offsets of runs of equal values in sorted ``keys`` (length ``n_runs + 1``)."""
    n = keys.shape[0]
    count = 1 if n > 0 else 0
    for i in range(1, n):
        if keys[i] != keys[i - 1]:
            count += 1
    out = np.empty(count + 1, dtype=np.int64)
    if n == 0:
        out[0] = 0
        return out
    k = 0
    out[0] = 0
    for i in range(1, n):
        if keys[i] != keys[i - 1]:
            k += 1
            out[k] = i
    out[count] = n
    return out


@njit(cache=True, inline="always")
def _is_pair(acc, content, i, j, remove_loops):
    """Shares ``i`` and ``j`` (of one object, within the window) form a co-action pair:
    unless ``remove_loops``, always; otherwise only by two different accounts with
    different content (an account echoing itself, or the same post, is not a pair)."""
    return not (remove_loops and (acc[i] == acc[j] or content[i] == content[j]))


@njit(cache=True, inline="always")
def _ordered(x, y):
    """The two account codes of a pair, smaller first."""
    return (x, y) if x <= y else (y, x)


@njit(cache=True, parallel=True)
def window_pair_upper_bound(starts: np.ndarray, ts: np.ndarray, window: np.int64) -> np.ndarray:
    """Per object, the number of in-window share pairs before loop removal (two-pointer, O(n))."""
    n_obj = starts.shape[0] - 1
    out = np.zeros(n_obj, dtype=np.int64)
    for o in prange(n_obj):
        s = starts[o]
        e = starts[o + 1]
        hi = s
        total = 0
        for i in range(s, e):
            if hi < i + 1:
                hi = i + 1
            while hi < e and ts[hi] - ts[i] <= window:
                hi += 1
            total += hi - i - 1
        out[o] = total
    return out


@njit(cache=True, parallel=True)
def _count_pairs(starts, ts, acc, content, window, remove_loops, skip):
    """Exact pair count per object after loop removal; flags shares that are in a pair."""
    n_obj = starts.shape[0] - 1
    counts = np.zeros(n_obj, dtype=np.int64)
    in_pair = np.zeros(ts.shape[0], dtype=np.uint8)
    for o in prange(n_obj):
        if skip[o]:
            continue
        s = starts[o]
        e = starts[o + 1]
        c = 0
        for i in range(s, e):
            j = i + 1
            while j < e and ts[j] - ts[i] <= window:
                if _is_pair(acc, content, i, j, remove_loops):
                    c += 1
                    in_pair[i] = 1
                    in_pair[j] = 1
                j += 1
        counts[o] = c
    return counts, in_pair


@njit(cache=True, parallel=True)
def _fill_pairs(starts, offsets, ts, acc, content, window, remove_loops, skip, out_i, out_j):
    n_obj = starts.shape[0] - 1
    for o in prange(n_obj):
        if skip[o]:
            continue
        s = starts[o]
        e = starts[o + 1]
        k = offsets[o]
        for i in range(s, e):
            j = i + 1
            while j < e and ts[j] - ts[i] <= window:
                if _is_pair(acc, content, i, j, remove_loops):
                    out_i[k] = i
                    out_j[k] = j
                    k += 1
                j += 1


def emit_pairs(
    starts: np.ndarray,
    ts: np.ndarray,
    acc: np.ndarray,
    content: np.ndarray,
    window: int,
    remove_loops: bool,
    skip: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Every share pair, as row indices ``(i, j)`` with ``i < j`` (so ``ts[i] <= ts[j]``).

    Parameters
    ----------
    starts : int64 array
        Object start offsets from :func:`group_starts` over the sorted object codes.
    ts, acc, content : arrays
        Share times (seconds), account codes and content codes, sorted as described
        in the module docstring.
    window : int
        Maximum gap in seconds, inclusive.
    remove_loops : bool
        Drop pairs of the same account or the same content code.
    skip : bool array, optional
        Objects to leave out (e.g. capped objects).

    Returns
    -------
    i, j : int64 arrays
        Pairs ordered by object, then ``i``, then ``j``.
    """
    n_obj = starts.shape[0] - 1
    if skip is None:
        skip = np.zeros(n_obj, dtype=np.bool_)
    counts, _ = _count_pairs(starts, ts, acc, content, np.int64(window), remove_loops, skip)
    offsets = np.zeros(n_obj + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    out_i = np.empty(offsets[-1], dtype=np.int64)
    out_j = np.empty(offsets[-1], dtype=np.int64)
    _fill_pairs(starts, offsets, ts, acc, content, np.int64(window), remove_loops, skip, out_i, out_j)
    return out_i, out_j


@njit(cache=True)
def _find_edge(a, b, a_starts, edge_b):
    """Row of edge (a, b) in edges sorted by (a, b) with CSR offsets ``a_starts``; -1 if absent."""
    lo = a_starts[a]
    hi = a_starts[a + 1]
    while lo < hi:
        mid = (lo + hi) >> 1
        if edge_b[mid] < b:
            lo = mid + 1
        else:
            hi = mid
    if lo < a_starts[a + 1] and edge_b[lo] == b:
        return lo
    return -1


@njit(cache=True, parallel=True)
def lookup_edges(x, y, a_starts, edge_b):
    """Edge row of each account pair ``(x[t], y[t])`` (either order), -1 when not an edge.

    ``a_starts`` (length ``n_accounts + 1``) and ``edge_b`` describe the edges
    sorted by ``(a, b)``, ``a <= b``: the edges of account ``a`` are rows
    ``a_starts[a]:a_starts[a + 1]`` and ``edge_b`` holds their ``b``.
    """
    out = np.empty(x.shape[0], dtype=np.int64)
    for t in prange(x.shape[0]):
        a = x[t]
        b = y[t]
        if a > b:
            a, b = b, a
        out[t] = _find_edge(a, b, a_starts, edge_b)
    return out


@njit(cache=True)
def edge_object_sample(starts, ts, acc, content, window, remove_loops, skip, a_starts, edge_b, k):
    """Up to ``k`` objects per edge: the first objects (in ``starts`` order) where the pair co-shared.

    Parameters
    ----------
    starts, ts, acc, content, window, remove_loops, skip
        As for :func:`emit_pairs` (``window`` in seconds).
    a_starts, edge_b : int64 arrays
        The edges, sorted by ``(a, b)`` with ``a <= b``, in CSR form (see
        :func:`lookup_edges`).
    k : int
        Sample size per edge.

    Returns
    -------
    sample : int32 array (n_edges, k)
        Object numbers (indices into ``starts``), -1 where unused.
    count : int8 array (n_edges,)
        Number of objects filled per edge (``k`` must be < 128).
    """
    n_e = edge_b.shape[0]
    sample = np.full((n_e, max(k, 1)), -1, dtype=np.int32)
    count = np.zeros(n_e, dtype=np.int8)
    if n_e == 0 or k <= 0:
        return sample, count
    n_obj = starts.shape[0] - 1
    for o in range(n_obj):
        if skip[o]:
            continue
        s = starts[o]
        e = starts[o + 1]
        for i in range(s, e):
            j = i + 1
            while j < e and ts[j] - ts[i] <= window:
                if _is_pair(acc, content, i, j, remove_loops):
                    a, b = _ordered(acc[i], acc[j])
                    q = _find_edge(a, b, a_starts, edge_b)
                    if q >= 0:
                        c = count[q]
                        if c < k and (c == 0 or sample[q, c - 1] != o):
                            sample[q, c] = o
                            count[q] = c + 1
                j += 1
    return sample, count


@njit(cache=True, parallel=True)
def join_samples(sample, count, name_offsets, name_bytes, sep):
    """Join each row's sampled names with the byte ``sep`` into one UTF-8 string per row.

    Parameters
    ----------
    sample, count : arrays from :func:`edge_object_sample`
    name_offsets : int64 array (n_names + 1)
        Arrow-style offsets of the names in ``name_bytes``.
    name_bytes : uint8 array
        Concatenated UTF-8 names.
    sep : int
        Separator byte.

    Returns
    -------
    offsets : int64 array (n_rows + 1)
    data : uint8 array
        Arrow large-string buffers of the joined rows.
    """
    n = sample.shape[0]
    lengths = np.zeros(n, dtype=np.int64)
    for r in prange(n):
        total = 0
        for c in range(count[r]):
            x = sample[r, c]
            total += name_offsets[x + 1] - name_offsets[x]
        if count[r] > 1:
            total += count[r] - 1
        lengths[r] = total
    offsets = np.zeros(n + 1, dtype=np.int64)
    for r in range(n):
        offsets[r + 1] = offsets[r] + lengths[r]
    data = np.empty(offsets[n], dtype=np.uint8)
    for r in prange(n):
        pos = offsets[r]
        for c in range(count[r]):
            if c > 0:
                data[pos] = sep
                pos += 1
            x = sample[r, c]
            for q in range(name_offsets[x], name_offsets[x + 1]):
                data[pos] = name_bytes[q]
                pos += 1
    return offsets, data


def edge_csr(a: np.ndarray, b: np.ndarray, n_accounts: int) -> tuple[np.ndarray, np.ndarray]:
    """CSR form ``(a_starts, edge_b)`` of edges sorted by ``(a, b)`` (for :func:`lookup_edges`)."""
    a_starts = np.searchsorted(a, np.arange(n_accounts + 1)).astype(np.int64)
    return a_starts, np.ascontiguousarray(b, dtype=np.int64)


# --------------------------------------------------------------------------
# aggregation by account pair
# --------------------------------------------------------------------------


@njit(cache=True, parallel=True)
def _fill_packed(starts, o_lo, o_hi, offsets, ts, acc, content, window, remove_loops, n_acc, wp1, out):
    """Pack each pair of objects ``o_lo..o_hi`` as ``((a*n_acc+b)*wp1 + gap)*2 + dup``.

    ``dup`` is 0 for the first occurrence of the account pair within the object
    (so the number of 0 bits per account pair is its number of distinct objects)
    and 1 for repeats of that pair within the same object.
    """
    base = offsets[o_lo]
    for o in prange(o_lo, o_hi):
        if offsets[o + 1] == offsets[o]:
            continue
        s = starts[o]
        e = starts[o + 1]
        k = offsets[o] - base
        k0 = k
        for i in range(s, e):
            j = i + 1
            while j < e and ts[j] - ts[i] <= window:
                if _is_pair(acc, content, i, j, remove_loops):
                    a, b = _ordered(acc[i], acc[j])
                    out[k] = ((np.int64(a) * n_acc + b) * wp1 + (ts[j] - ts[i])) * 2
                    k += 1
                j += 1
        # repeated account pairs inside this object: only possible when an
        # account shares the object more than once
        accs = np.sort(acc[s:e])
        repeated = False
        for q in range(1, accs.shape[0]):
            if accs[q] == accs[q - 1]:
                repeated = True
                break
        if repeated:
            seg = out[k0:k]
            keys = seg // (2 * wp1)
            order = np.argsort(keys, kind="mergesort")
            for q in range(1, order.shape[0]):
                if keys[order[q]] == keys[order[q - 1]]:
                    seg[order[q]] += 1


@njit(cache=True)
def _rle_packed(sorted_packed):
    """Run-length encode sorted packed pairs into (pair*wp1+gap, count, n_first)."""
    n = sorted_packed.shape[0]
    keys = np.empty(n, dtype=np.int64)
    cnt = np.empty(n, dtype=np.int64)
    first = np.empty(n, dtype=np.int64)
    m = -1
    prev = np.int64(-1)
    for t in range(n):
        v = sorted_packed[t]
        key = v >> 1
        if m < 0 or key != prev:
            m += 1
            keys[m] = key
            cnt[m] = 0
            first[m] = 0
            prev = key
        cnt[m] += 1
        if (v & 1) == 0:
            first[m] += 1
    return keys[: m + 1].copy(), cnt[: m + 1].copy(), first[: m + 1].copy()


@njit(cache=True)
def _rle_merge(keys, cnt, first):
    """Merge equal keys of arrays already sorted by key, summing counts."""
    n = keys.shape[0]
    ok = np.empty(n, dtype=np.int64)
    oc = np.empty(n, dtype=np.int64)
    of = np.empty(n, dtype=np.int64)
    m = -1
    for t in range(n):
        if m < 0 or keys[t] != ok[m]:
            m += 1
            ok[m] = keys[t]
            oc[m] = 0
            of[m] = 0
        oc[m] += cnt[t]
        of[m] += first[t]
    return ok[: m + 1].copy(), oc[: m + 1].copy(), of[: m + 1].copy()


@njit(cache=True, inline="always")
def _pair_stats(n_pairs):
    """Zeroed outputs of the finalize kernels: a, b, weight, n_objects, gap sum, median gap, fast."""
    return (
        np.zeros(n_pairs, dtype=np.int64),
        np.zeros(n_pairs, dtype=np.int64),
        np.zeros(n_pairs, dtype=np.int64),
        np.zeros(n_pairs, dtype=np.int64),
        np.zeros(n_pairs, dtype=np.float64),
        np.zeros(n_pairs, dtype=np.float64),
        np.zeros(n_pairs, dtype=np.int64),
    )


@njit(cache=True, parallel=True)
def _finalize(keys, cnt, first, wp1, n_acc, fast_window):
    """Per account pair: a, b, weight, n_objects, gap sum, median gap, weight within fast window."""
    n = keys.shape[0]
    n_pairs = 0
    prev = np.int64(-1)
    for t in range(n):
        p = keys[t] // wp1
        if t == 0 or p != prev:
            n_pairs += 1
            prev = p
    a, b, weight, n_obj, gap_sum, median, fast = _pair_stats(n_pairs)
    starts = np.empty(n_pairs + 1, dtype=np.int64)
    m = -1
    for t in range(n):
        p = keys[t] // wp1
        g = keys[t] - p * wp1
        if m < 0 or p != prev:
            m += 1
            prev = p
            starts[m] = t
            a[m] = p // n_acc
            b[m] = p - a[m] * n_acc
        weight[m] += cnt[t]
        n_obj[m] += first[t]
        gap_sum[m] += g * cnt[t]
        if g <= fast_window:
            fast[m] += cnt[t]
    starts[n_pairs] = n
    for m in prange(n_pairs):
        w = weight[m]
        lo_rank = (w - 1) // 2  # 0-based ranks of the middle element(s)
        hi_rank = w // 2
        seen = 0
        lo_val = -1.0
        hi_val = -1.0
        for t in range(starts[m], starts[m + 1]):
            g = keys[t] - (keys[t] // wp1) * wp1
            nxt = seen + cnt[t]
            if lo_val < 0 and lo_rank < nxt:
                lo_val = g
            if hi_rank < nxt:
                hi_val = g
                break
            seen = nxt
        median[m] = 0.5 * (lo_val + hi_val)
    return a, b, weight, n_obj, gap_sum, median, fast


@njit(cache=True, parallel=True)
def _finalize_sorted(packed, bounds, wp1, n_acc, fast_window):
    """Per account pair stats straight from sorted packed pairs (one block, no merge needed).

    ``bounds`` are the start offsets of each account pair's run (plus the end);
    within a run gaps are sorted, so the median is read at the middle rank.
    """
    n_pairs = bounds.shape[0] - 1
    a, b, weight, n_obj, gap_sum, median, fast = _pair_stats(n_pairs)
    two_wp1 = 2 * wp1
    for m in prange(n_pairs):
        s = bounds[m]
        e = bounds[m + 1]
        p = packed[s] // two_wp1
        a[m] = p // n_acc
        b[m] = p - a[m] * n_acc
        w = e - s
        weight[m] = w
        firsts = 0
        total = 0.0
        nf = 0
        for t in range(s, e):
            v = packed[t]
            g = (v >> 1) - p * wp1
            total += g
            if (v & 1) == 0:
                firsts += 1
            if g <= fast_window:
                nf += 1
        n_obj[m] = firsts
        gap_sum[m] = total
        fast[m] = nf
        lo = (packed[s + (w - 1) // 2] >> 1) - p * wp1
        hi = (packed[s + w // 2] >> 1) - p * wp1
        median[m] = 0.5 * (lo + hi)
    return a, b, weight, n_obj, gap_sum, median, fast


@dataclass(frozen=True)
class PairAggregate:
    """Share pairs aggregated by unordered account pair (arrays aligned by row).

    Attributes
    ----------
    a, b : int64 arrays
        Account codes, ``a <= b`` (``a == b`` only with ``remove_loops=False``),
        sorted by ``(a, b)``.
    weight : int64 array
        Number of share pairs.
    n_objects : int64 array
        Number of distinct objects the pair co-shared.
    mean_gap, median_gap : float64 arrays
        Mean and median gap between the two shares of a pair, seconds.
    weight_fast : int64 array
        Number of share pairs with gap ``<= fast_window`` (equals ``weight``
        when no fast window was given).
    in_pair : uint8 array
        Per share: 1 when the share is part of at least one counted pair.
    capped : bool array
        Per object (in ``starts`` order): skipped by the explosion guard.
    object_pairs : int64 array
        Per object: in-window pair count before loop removal (the capped rule's input).
    n_share_pairs : int
        Total share pairs counted.
    """

    a: np.ndarray
    b: np.ndarray
    weight: np.ndarray
    n_objects: np.ndarray
    mean_gap: np.ndarray
    median_gap: np.ndarray
    weight_fast: np.ndarray
    in_pair: np.ndarray
    capped: np.ndarray
    object_pairs: np.ndarray
    n_share_pairs: int


def _sort_reduce(parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]]):
    keys = np.concatenate([p[0] for p in parts])
    cnt = np.concatenate([p[1] for p in parts])
    first = np.concatenate([p[2] for p in parts])
    order = np.argsort(keys, kind="stable")
    return _rle_merge(keys[order], cnt[order], first[order])


def _block_runs(starts, offsets, counts, ts, acc, content, window, remove_loops, n_acc, wp1, chunk_pairs):
    """Run-length encoded ``(pair * wp1 + gap, count, n_first)`` of all pairs, block by block.

    Objects are processed in blocks of at most ``chunk_pairs`` pairs (8 bytes each);
    the per-block runs are merged whenever they hold more than twice that, so
    memory is bounded by the distinct ``(account pair, gap)`` keys. ``None`` when
    there is no pair.
    """
    n_obj = starts.shape[0] - 1
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    pending = 0
    reduce_at = 2 * chunk_pairs
    o = 0
    while o < n_obj:
        # block of objects holding at most chunk_pairs pairs (at least one object)
        limit = offsets[o] + max(chunk_pairs, int(counts[o]))
        o_hi = int(np.searchsorted(offsets, limit, side="right")) - 1
        o_hi = min(max(o_hi, o + 1), n_obj)
        size = int(offsets[o_hi] - offsets[o])
        if size:
            buf = np.empty(size, dtype=np.int64)
            _fill_packed(
                starts, o, o_hi, offsets, ts, acc, content, np.int64(window),
                remove_loops, np.int64(n_acc), np.int64(wp1), buf,
            )
            buf.sort()
            part = _rle_packed(buf)
            del buf
            parts.append(part)
            pending += part[0].shape[0]
            if pending > reduce_at and len(parts) > 1:
                parts = [_sort_reduce(parts)]
                pending = parts[0][0].shape[0]
                reduce_at = max(reduce_at, 2 * pending)
        o = o_hi
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else _sort_reduce(parts)


def pairs_packable(n_accounts: int, window: int) -> bool:
    """Whether ``(account pair, gap)`` keys of ``n_accounts`` accounts and a ``window`` (seconds)
    fit the 64-bit packing of :func:`coaction_aggregate` and :func:`pair_runs`."""
    n_acc = max(int(n_accounts), 1)
    return (n_acc * n_acc) * (int(window) + 1) * 2 < _INT64_MAX // 2


def _counted(starts, ts, acc, content, window, remove_loops, max_pairs_per_object):
    """Contiguous typed inputs, per-object pair upper bound, explosion cap, per-object pair
    counts and per-share ``in_pair`` flags (the first pass of every aggregation)."""
    if window < 0:
        raise ValueError("window must be >= 0 seconds")
    ts = np.ascontiguousarray(ts, dtype=np.int64)
    acc = np.ascontiguousarray(acc, dtype=np.int32)
    content = np.ascontiguousarray(content, dtype=np.int32)
    upper = window_pair_upper_bound(starts, ts, np.int64(window))
    capped = upper > max_pairs_per_object
    counts, in_pair = _count_pairs(starts, ts, acc, content, np.int64(window), remove_loops, capped)
    return ts, acc, content, upper, capped, counts, in_pair


@dataclass(frozen=True)
class PairRuns:
    """The mergeable half of :func:`coaction_aggregate` for one set of objects.

    Runs of ``(account pair, gap)``: ``keys = (a * n_accounts + b) * (window + 1) + gap``
    (sorted), ``counts`` share pairs per key and ``firsts`` the pairs that were
    the first of their account pair in their object. Runs of disjoint object
    sets merge by key (:func:`merge_runs`); :func:`finalize_runs` turns merged
    runs into the per-pair statistics, identical to :func:`coaction_aggregate`
    on all objects at once (the median comes from the gap counts).
    ``in_pair`` (per share), ``capped`` and ``object_pairs`` (per object) and
    ``n_share_pairs`` are as in :class:`PairAggregate`.
    """

    keys: np.ndarray
    counts: np.ndarray
    firsts: np.ndarray
    in_pair: np.ndarray
    capped: np.ndarray
    object_pairs: np.ndarray
    n_share_pairs: int


def pair_runs(
    starts: np.ndarray,
    ts: np.ndarray,
    acc: np.ndarray,
    content: np.ndarray,
    n_accounts: int,
    window: int,
    *,
    remove_loops: bool = True,
    max_pairs_per_object: int = MAX_PAIRS_PER_OBJECT,
    chunk_pairs: int = CHUNK_PAIRS,
) -> PairRuns:
    """Run-length encoded share pairs of some objects, to be merged with other objects' runs.

    Arguments as for :func:`coaction_aggregate` (``window`` in seconds); the
    account codes must be the global ones (``n_accounts`` of the whole scan)
    and :func:`pairs_packable` must hold.
    """
    if not pairs_packable(n_accounts, window):
        raise ValueError(f"pair keys of {n_accounts} accounts and a {window} s window do not fit 64 bits")
    ts, acc, content, upper, capped, counts, in_pair = _counted(
        starts, ts, acc, content, window, remove_loops, max_pairs_per_object
    )
    offsets = np.zeros(starts.shape[0], dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    runs = _block_runs(
        starts, offsets, counts, ts, acc, content, window, remove_loops,
        max(int(n_accounts), 1), int(window) + 1, chunk_pairs,
    )
    if runs is None:
        runs = (np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.int64))
    return PairRuns(*runs, in_pair, capped, upper, int(offsets[-1]))


def merge_runs(parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Merge ``(keys, counts, firsts)`` runs (each sorted by key) into one, summing equal keys."""
    parts = [p for p in parts if p[0].shape[0]]
    if not parts:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.int64)
    return parts[0] if len(parts) == 1 else _sort_reduce(parts)


def finalize_runs(
    keys: np.ndarray, counts: np.ndarray, firsts: np.ndarray, n_accounts: int, window: int, fast_window: int | None
) -> tuple[np.ndarray, ...]:
    """Per account pair ``(a, b, weight, n_objects, gap_sum, median_gap, weight_fast)`` of merged runs.

    Rows sorted by ``(a, b)``; ``window`` and ``fast_window`` in seconds.
    """
    wp1 = int(window) + 1
    fast = wp1 if fast_window is None else int(fast_window)
    return _finalize(keys, counts, firsts, np.int64(wp1), np.int64(max(int(n_accounts), 1)), np.int64(fast))


def pair_aggregate(stats: tuple[np.ndarray, ...], runs_meta: PairRuns) -> PairAggregate:
    """:class:`PairAggregate` from :func:`finalize_runs` output and the per-share/per-object fields
    of ``runs_meta`` (whose ``keys`` are not read)."""
    return _result(
        *stats, None, runs_meta.in_pair, runs_meta.capped, runs_meta.object_pairs, runs_meta.n_share_pairs
    )


def coaction_aggregate(
    starts: np.ndarray,
    ts: np.ndarray,
    acc: np.ndarray,
    content: np.ndarray,
    n_accounts: int,
    window: int,
    *,
    remove_loops: bool = True,
    fast_window: int | None = None,
    max_pairs_per_object: int = MAX_PAIRS_PER_OBJECT,
    chunk_pairs: int = CHUNK_PAIRS,
) -> PairAggregate:
    """Aggregate all in-window share pairs by unordered account pair, memory bounded.

    Parameters
    ----------
    starts : int64 array
        Object start offsets (:func:`group_starts` over sorted object codes).
    ts, acc, content : arrays
        Share time (int64 seconds), account code (int32) and content code (int32),
        sorted by (object, ts).
    n_accounts : int
        Number of account codes (``acc.max() + 1`` at least).
    window : int
        Maximum gap in seconds, inclusive.
    remove_loops : bool, default True
        Ignore pairs of the same account or the same content.
    fast_window : int, optional
        Also count pairs with gap ``<= fast_window`` seconds (``weight_fast``).
    max_pairs_per_object : int, default :data:`detector.thresholds.MAX_PAIRS_PER_OBJECT`
        Explosion guard: objects with more in-window pairs (before loop
        removal) are skipped and flagged in ``capped``.
    chunk_pairs : int, default :data:`CHUNK_PAIRS`
        Pairs emitted per block before a reduction (memory knob, 8 bytes per
        pair). When all pairs fit in one block they
        are sorted once and read off directly; otherwise blocks are run-length
        encoded and merged.

    Returns
    -------
    PairAggregate
    """
    ts, acc, content, upper, capped, counts, in_pair = _counted(
        starts, ts, acc, content, window, remove_loops, max_pairs_per_object
    )
    n_obj = starts.shape[0] - 1
    n_acc = max(int(n_accounts), 1)
    wp1 = int(window) + 1
    fast = wp1 if fast_window is None else int(fast_window)
    used = None
    if not pairs_packable(n_acc, window):
        # pack only the accounts that are in some pair (order kept, so a <= b survives)
        used = np.unique(acc[in_pair.astype(np.bool_)])
        # rows outside pairs get arbitrary codes: they are never packed
        acc = np.minimum(np.searchsorted(used, acc), max(used.size - 1, 0)).astype(np.int32)
        n_acc = max(int(used.size), 1)
        if not pairs_packable(n_acc, window):
            raise ValueError(
                "window x accounts too large to pack pair keys in 64 bits; "
                f"reduce the window ({window} s) or the number of accounts ({n_acc})"
            )
    offsets = np.zeros(n_obj + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    total = int(offsets[-1])

    if 0 < total <= chunk_pairs:
        # everything fits in one block: sort once and read the stats off the sorted pairs
        buf = np.empty(total, dtype=np.int64)
        _fill_packed(
            starts, 0, n_obj, offsets, ts, acc, content, np.int64(window),
            remove_loops, np.int64(n_acc), np.int64(wp1), buf,
        )
        buf.sort()
        pair_of = buf // (2 * wp1)
        bounds = np.concatenate(
            (np.zeros(1, np.int64), np.flatnonzero(pair_of[1:] != pair_of[:-1]) + 1, np.array([total], np.int64))
        )
        del pair_of
        a, b, weight, n_objects, gap_sum, median, wfast = _finalize_sorted(
            buf, bounds, np.int64(wp1), np.int64(n_acc), np.int64(fast)
        )
        del buf
        return _result(a, b, weight, n_objects, gap_sum, median, wfast, used, in_pair, capped, upper, total)

    runs = _block_runs(starts, offsets, counts, ts, acc, content, window, remove_loops, n_acc, wp1, chunk_pairs)
    if runs is None:
        empty_i = np.empty(0, dtype=np.int64)
        empty_f = np.empty(0, dtype=np.float64)
        return PairAggregate(
            empty_i, empty_i, empty_i, empty_i, empty_f, empty_f, empty_i, in_pair, capped, upper, total
        )
    keys, cnt, first = runs
    a, b, weight, n_objects, gap_sum, median, wfast = _finalize(
        keys, cnt, first, np.int64(wp1), np.int64(n_acc), np.int64(fast)
    )
    return _result(a, b, weight, n_objects, gap_sum, median, wfast, used, in_pair, capped, upper, total)


def _result(a, b, weight, n_objects, gap_sum, median, wfast, used, in_pair, capped, upper, total) -> PairAggregate:
    if used is not None:
        a = used[a].astype(np.int64)
        b = used[b].astype(np.int64)
    return PairAggregate(
        a=a,
        b=b,
        weight=weight,
        n_objects=n_objects,
        mean_gap=gap_sum / np.maximum(weight, 1),
        median_gap=median,
        weight_fast=wfast,
        in_pair=in_pair,
        capped=capped,
        object_pairs=upper,
        n_share_pairs=total,
    )


"""Co-action pair aggregation on a ``dask.distributed`` cluster (``--engine dask``).

Map: the shares (already coded to global integer ids and sorted by
``(object, ts, account, content)`` by the caller) are split into partitions by
a hash of the object number, so all shares of one object land in one partition
and no co-action window crosses a partition boundary. Each worker runs
:func:`detector.kernels.coaction.pair_runs` on its partition: run-length
encoded ``(account pair, gap)`` counts, plus per-share and per-object flags.

Shuffle and reduce: each partition's runs are cut by account range (runs are
sorted by key and the key starts with the first account) and every reducer
merges its range of all partitions by key (:func:`merge_runs`) and finalises
it (:func:`finalize_runs`: weight, distinct objects, mean and median gap,
fast-window weight). The client concatenates the reducers' rows in range
order, which is the ``(a, b)`` order of the local kernel, and scatters the
flags back to their global positions. The result is the same
:class:`~detector.kernels.coaction.PairAggregate` as the local kernel's: the
keys are the same integers and every statistic is a sum over them.

When the pair keys of this many accounts and this window do not fit 64 bits
(:func:`pairs_packable`; tens of millions of accounts), the local kernel,
which can recode the accounts first, is used instead.

Workers must be able to import ``detector`` (install the same version on
every worker); nothing but NumPy arrays travels between client and workers.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator
from typing import Any

import numpy as np

from detector.kernels.coaction import (
    CHUNK_PAIRS,
    PairAggregate,
    PairRuns,
    coaction_aggregate,
    finalize_runs,
    merge_runs,
    pair_aggregate,
    pair_runs,
    pairs_packable,
)
from detector.memory import pair_block_pairs
from detector.thresholds import MAX_PAIRS_PER_OBJECT

__all__ = ["DaskEngine", "dask_client", "object_partitions"]

_MIX = np.uint64(0x9E3779B97F4A7C15)


def object_partitions(n_objects: int, n_partitions: int) -> np.ndarray:
    """Partition number (int64) of each object number ``0..n_objects-1``: a 64-bit mix mod ``n_partitions``.

    A hash rather than ranges, so a run of big objects (one viral topic) is
    spread over the partitions instead of landing on one worker.
    """
    x = np.arange(n_objects, dtype=np.uint64) * _MIX
    x ^= x >> np.uint64(31)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(29)
    return (x % np.uint64(max(int(n_partitions), 1))).astype(np.int64)


def _map_partition(
    starts: np.ndarray, ts: np.ndarray, acc: np.ndarray, content: np.ndarray, n_accounts: int, window: int,
    key_bounds: np.ndarray, options: dict[str, Any],
) -> tuple[list[tuple[np.ndarray, np.ndarray, np.ndarray]], PairRuns]:
    """Worker: runs of one partition, cut at ``key_bounds`` (one piece per reducer)."""
    runs = pair_runs(starts, ts, acc, content, n_accounts, window, **options)
    cuts = np.searchsorted(runs.keys, key_bounds)
    pieces = [
        (runs.keys[lo:hi], runs.counts[lo:hi], runs.firsts[lo:hi]) for lo, hi in zip(cuts[:-1], cuts[1:], strict=True)
    ]
    empty = np.empty(0, np.int64)
    return pieces, PairRuns(empty, empty, empty, runs.in_pair, runs.capped, runs.object_pairs, runs.n_share_pairs)


def _piece(mapped: tuple, r: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Worker: reducer ``r``'s piece of one map output (so only that piece travels to the reducer)."""
    return mapped[0][r]


def _meta(mapped: tuple) -> PairRuns:
    """Worker: the per-share and per-object flags of one map output."""
    return mapped[1]


def _reduce(pieces: list, n_accounts: int, window: int, fast_window: int | None) -> tuple[np.ndarray, ...]:
    """Worker: merge one account range of every partition by key and finalise it."""
    keys, counts, firsts = merge_runs(list(pieces))
    return finalize_runs(keys, counts, firsts, n_accounts, window, fast_window)


class DaskEngine:
    """Co-action aggregation partitioned by object over a ``dask.distributed.Client``.

    Parameters
    ----------
    client : distributed.Client
    partitions : int, optional
        Map partitions (and reducers); default twice the number of worker threads.
    memory_limit : int, optional
        Bytes per worker; bounds each worker's in-flight pair blocks to a quarter of it.

    Attributes
    ----------
    timings : dict
        Seconds spent, summed over the calls: ``split`` (partitioning the
        shares here), ``scatter`` (sending them to the workers), ``compute``
        (map, shuffle and reduce on the workers, until the flags and the
        reduced rows are back here) and ``assemble`` (flags scattered back,
        rows joined); ``calls`` counts the calls that went to the cluster.
    """

    name = "dask"

    def __init__(self, client: Any, partitions: int | None = None, memory_limit: int | None = None) -> None:
        self.client = client
        self.memory_limit = memory_limit
        if partitions is None:
            threads = sum(client.nthreads().values()) or 1
            partitions = 2 * threads
        self.partitions = max(int(partitions), 1)
        self.timings: dict[str, float] = {"split": 0.0, "scatter": 0.0, "compute": 0.0, "assemble": 0.0, "calls": 0}

    def _lap(self, name: str, since: float) -> float:
        """Add the seconds from ``since`` to ``timings[name]``; return now."""
        now = time.perf_counter()
        self.timings[name] += now - since
        return now

    def coaction_aggregate(
        self,
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
        """Same contract and result as :func:`detector.kernels.coaction.coaction_aggregate` (seconds)."""
        options = {
            "remove_loops": remove_loops,
            "max_pairs_per_object": max_pairs_per_object,
            "chunk_pairs": pair_block_pairs(self.memory_limit, chunk_pairs),
        }
        n_obj = int(starts.shape[0]) - 1
        if window < 0:
            raise ValueError("window must be >= 0 seconds")
        if n_obj <= 0 or not pairs_packable(n_accounts, window):
            return coaction_aggregate(
                starts, ts, acc, content, n_accounts, window, fast_window=fast_window, **options
            )
        self.timings["calls"] += 1
        lap = time.perf_counter()
        ts = np.ascontiguousarray(ts, dtype=np.int64)
        acc = np.ascontiguousarray(acc, dtype=np.int32)
        content = np.ascontiguousarray(content, dtype=np.int32)
        n_parts = min(self.partitions, n_obj)
        part_of_obj = object_partitions(n_obj, n_parts)
        sizes = np.diff(starts)
        part_of_row = np.repeat(part_of_obj, sizes)
        n_acc = max(int(n_accounts), 1)
        # reducer r takes first accounts [a_bounds[r], a_bounds[r + 1]): keys are ((a*n_acc + b)*wp1 + gap)
        a_bounds = np.linspace(0, n_acc, n_parts + 1).round().astype(np.int64)
        key_bounds = a_bounds * np.int64(n_acc) * np.int64(int(window) + 1)
        client = self.client
        rows_of, objs_of, parts = [], [], []
        for p in range(n_parts):
            objs = np.flatnonzero(part_of_obj == p)
            rows = np.flatnonzero(part_of_row == p)
            local_starts = np.zeros(objs.size + 1, dtype=np.int64)
            np.cumsum(sizes[objs], out=local_starts[1:])
            parts.extend([local_starts, ts[rows], acc[rows], content[rows]])
            rows_of.append(rows)
            objs_of.append(objs)
        lap = self._lap("split", lap)
        # one scatter for every partition (one round trip, not one per partition), without hashing the arrays
        data = client.scatter(parts, hash=False)
        del parts
        lap = self._lap("scatter", lap)
        mapped = [
            client.submit(_map_partition, *data[4 * p : 4 * p + 4], n_acc, int(window), key_bounds, options, pure=False)
            for p in range(n_parts)
        ]
        reduced = [
            client.submit(
                _reduce, [client.submit(_piece, m, r, pure=False) for m in mapped], n_acc, int(window), fast_window,
                pure=False,
            )
            for r in range(n_parts)
        ]
        metas = client.gather([client.submit(_meta, m, pure=False) for m in mapped])
        stats = client.gather(reduced)
        del mapped, reduced
        lap = self._lap("compute", lap)
        in_pair = np.zeros(ts.shape[0], dtype=np.uint8)
        capped = np.zeros(n_obj, dtype=np.bool_)
        upper = np.zeros(n_obj, dtype=np.int64)
        for rows, objs, meta in zip(rows_of, objs_of, metas, strict=True):
            in_pair[rows] = meta.in_pair
            capped[objs] = meta.capped
            upper[objs] = meta.object_pairs
        total = int(sum(m.n_share_pairs for m in metas))
        joined = tuple(np.concatenate([s[k] for s in stats]) for k in range(len(stats[0])))
        empty = np.empty(0, np.int64)
        out = pair_aggregate(joined, PairRuns(empty, empty, empty, in_pair, capped, upper, total))
        self._lap("assemble", lap)
        return out


@contextlib.contextmanager
def dask_client(scheduler: str | None = None, *, workers: int = 2, processes: bool = True) -> Iterator[Any]:
    """A ``distributed.Client`` to ``scheduler``, or to a ``LocalCluster`` of ``workers`` started here.

    The local cluster has one thread per worker, its dashboard on a free loopback port, and is closed
    when the block ends; a remote cluster is left running.
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:  # optional extra
        raise RuntimeError(
            "--engine dask needs dask.distributed: pip install 'detector[dask]'"
        ) from exc
    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    with (
        LocalCluster(
            n_workers=max(int(workers), 1), threads_per_worker=1, processes=processes,
            dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client

"""Where the heavy, partitionable work of a scan runs: in this process, or on a Dask cluster.

An *engine* computes the co-action pair aggregation
(:func:`detector.kernels.coaction.coaction_aggregate`'s contract: the same
:class:`~detector.kernels.coaction.PairAggregate`, byte for byte). Everything
else in the scan (coding ids, the other layers, Leiden, scoring, reports) runs
in the calling process with the same code whichever engine is active, so the
output files do not depend on the engine.

* :class:`LocalEngine` (the default): the Numba kernels in this process, on
  every core Numba is allowed (``NUMBA_NUM_THREADS``).
* :class:`detector.engine.dask_engine.DaskEngine` (``--engine dask``): the
  shares are partitioned by object hash (all shares of one object go to one
  partition, so no window straddles two), each partition's ``(account pair,
  gap)`` runs are computed on a worker, shuffled to reducers by account range
  and reduced by key there.

The active engine is a context variable (:func:`use_engine`), so library code
(:func:`detector.evidence.coaction.coaction_edges`) asks :func:`active_engine`
instead of taking an engine argument through every stage. Importing this module
imports neither Dask nor Numba.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any, Protocol

__all__ = ["ENGINES", "Engine", "LocalEngine", "active_engine", "open_engine", "use_engine"]

ENGINES: tuple[str, ...] = ("local", "dask")
"""Engine names accepted by :func:`open_engine` and ``--engine``."""


class Engine(Protocol):
    """What an engine computes (arguments as :func:`detector.kernels.coaction.coaction_aggregate`)."""

    name: str

    def coaction_aggregate(
        self,
        starts: Any,
        ts: Any,
        acc: Any,
        content: Any,
        n_accounts: int,
        window: int,
        *,
        remove_loops: bool = True,
        fast_window: int | None = None,
        max_pairs_per_object: int = ...,
        chunk_pairs: int = ...,
    ) -> Any: ...


class LocalEngine:
    """The Numba kernels in this process.

    ``memory_limit`` (bytes, optional) bounds the co-action aggregation's
    in-flight pair blocks to a quarter of it (:func:`detector.memory.pair_block_pairs`;
    more, smaller blocks, merged by key: the same result).
    """

    name = "local"

    def __init__(self, memory_limit: int | None = None) -> None:
        self.memory_limit = memory_limit

    def coaction_aggregate(self, *args: Any, chunk_pairs: int | None = None, **kwargs: Any) -> Any:
        """:func:`detector.kernels.coaction.coaction_aggregate` with blocks sized to the memory limit
        (``chunk_pairs``: at most this many pairs a block; default the kernel's ``CHUNK_PAIRS``)."""
        from detector.kernels.coaction import CHUNK_PAIRS, coaction_aggregate
        from detector.memory import pair_block_pairs

        chunk = CHUNK_PAIRS if chunk_pairs is None else chunk_pairs
        return coaction_aggregate(*args, chunk_pairs=pair_block_pairs(self.memory_limit, chunk), **kwargs)


_ACTIVE: contextvars.ContextVar[Engine | None] = contextvars.ContextVar("detector_engine", default=None)


def active_engine() -> Engine:
    """The engine set by the innermost :func:`use_engine`, else a :class:`LocalEngine`."""
    return _ACTIVE.get() or LocalEngine()


@contextlib.contextmanager
def use_engine(engine: Engine) -> Iterator[Engine]:
    """Make ``engine`` the active one inside the ``with`` block."""
    token = _ACTIVE.set(engine)
    try:
        yield engine
    finally:
        _ACTIVE.reset(token)


@contextlib.contextmanager
def open_engine(
    name: str = "local",
    *,
    scheduler: str | None = None,
    workers: int = 2,
    processes: bool = True,
    memory_limit: int | None = None,
) -> Iterator[Engine]:
    """Start (or connect to) the named engine and make it active for the block.

    Parameters
    ----------
    name : {"local", "dask"}
    scheduler : str, optional
        Address of a running ``dask.distributed`` scheduler
        (``tcp://host:8786``); without one a ``LocalCluster`` of ``workers``
        workers is started for the block and closed after it.
    workers : int, default 2
        Workers of the local cluster (ignored with ``scheduler``).
    processes : bool, default True
        Local cluster workers as processes (False: threads of this process,
        quicker to start, for small inputs and tests).
    memory_limit : int, optional
        Bytes; bounds the co-action pair blocks (in this process, or per
        worker) to a quarter of it.

    Raises
    ------
    ValueError
        Unknown engine name.
    RuntimeError
        ``dask`` asked for but ``dask.distributed`` is not installed.
    """
    if name not in ENGINES:
        raise ValueError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")
    if name == "local":
        if scheduler:
            raise ValueError("--scheduler needs --engine dask")
        with use_engine(LocalEngine(memory_limit)) as engine:
            yield engine
        return
    from detector.engine.dask_engine import dask_client

    with dask_client(scheduler, workers=workers, processes=processes) as client:
        from detector.engine.dask_engine import DaskEngine

        with use_engine(DaskEngine(client, memory_limit=memory_limit)) as engine:
            yield engine

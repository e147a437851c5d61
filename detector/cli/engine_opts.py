"""``--engine``, ``--scheduler`` and ``--dask-workers``: where a scan's partitionable work runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from detector.cli.common import library_default
from detector.engine import ENGINES, open_engine

__all__ = ["engine_options"]


def _size(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    from detector.memory import parse_size

    if value is None:
        return None
    try:
        return parse_size(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


def engine_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add the engine options (see :mod:`detector.engine`) to a scan-like command."""
    options = [
        click.option(
            "--engine",
            type=click.Choice(ENGINES),
            default=library_default(open_engine, "name"),
            show_default=True,
            help="local: Numba kernels on every core of this machine. dask: co-action partitioned by object "
            "over a dask.distributed cluster (same output files; needs detector[dask]).",
        ),
        click.option(
            "--scheduler",
            metavar="ADDRESS",
            default=None,
            help="With --engine dask: address of a running scheduler (tcp://host:8786). "
            "Default: a LocalCluster on this machine.",
        ),
        click.option(
            "--dask-workers",
            type=click.IntRange(min=1),
            default=library_default(open_engine, "workers"),
            show_default=True,
            help="With --engine dask and no --scheduler: workers of the LocalCluster.",
        ),
        click.option(
            "--memory-limit",
            metavar="SIZE",
            default=None,
            callback=_size,
            help="Memory budget (e.g. 3GB): co-action share pairs are aggregated in blocks of at most a "
            "quarter of it, merged by key (same result, more passes). Default: 32M-pair blocks (~1.8 GB).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func

"""``--engine``, ``--scheduler`` and ``--dask-workers``: where a scan's partitionable work runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from detector.engine import ENGINES

__all__ = ["engine_options"]


def engine_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add the engine options (see :mod:`detector.engine`) to a scan-like command."""
    options = [
        click.option(
            "--engine",
            type=click.Choice(ENGINES),
            default="local",
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
            default=2,
            show_default=True,
            help="With --engine dask and no --scheduler: workers of the LocalCluster.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func

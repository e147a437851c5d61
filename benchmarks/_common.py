"""Measurement helpers shared by the ``bench_*.py`` scripts (peak memory, timing).

The scripts run as ``python benchmarks/bench_x.py``, so this folder is on
``sys.path`` and they import it as ``from _common import ...``.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["CpuClock", "best_of", "best_of_timings", "load_average", "machine", "peak_rss_mb", "timed", "write_result"]

T = TypeVar("T")


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (MB).

    Reads ``VmHWM`` from ``/proc/self/status``: it belongs to the address
    space, so a child started with fork + exec (``ProcessPoolExecutor``,
    ``subprocess``) reports its own peak. ``ru_maxrss`` (the fallback where
    /proc is missing; Linux reports KiB) is carried over from the parent on
    Linux and would show the parent's peak in such a child. In a process
    that was not started by a bigger one the two agree.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def timed(func: Callable[..., T], *args: Any, **kwargs: Any) -> tuple[T, float]:
    """Call ``func(*args, **kwargs)`` once; return ``(value, wall seconds)``."""
    start = time.perf_counter()
    value = func(*args, **kwargs)
    return value, time.perf_counter() - start


def best_of(func: Callable[..., T], *args: Any, repeats: int = 3) -> tuple[float, T]:
    """Smallest wall time (seconds) of ``repeats`` calls ``func(*args)`` and the last result.

    The machine is shared: the best run is the least disturbed one.
    """
    best, result = float("inf"), None
    for _ in range(max(repeats, 1)):
        result, seconds = timed(func, *args)
        best = min(best, seconds)
    return best, result  # type: ignore[return-value]


def best_of_timings(
    func: Callable[..., tuple[dict[str, float], T]], *args: Any, repeats: int = 3
) -> tuple[dict[str, float], T]:
    """Run ``func(*args)`` ``repeats`` times; it returns ``(seconds by stage, output)``.

    Returns per stage the smallest time of the runs (seconds), and the last output.
    """
    best: dict[str, float] = {}
    out = None
    for _ in range(max(repeats, 1)):
        times, out = func(*args)
        best = {k: min(v, best.get(k, v)) for k, v in times.items()}
    return best, out  # type: ignore[return-value]


def load_average() -> list[float] | None:
    """1, 5 and 15 minute load averages of the machine (``None`` where unknown).

    Recorded with every figure: the machine may be shared, and a load above
    the number of cores slows every measurement.
    """
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def _cpu_seconds() -> float:
    """User + system CPU seconds of this process (all threads) and of its finished, waited-for
    children (the scan's Leiden child process, :func:`detector.scoring.network.start_communities`)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class CpuClock:
    """CPU time (user + system, all threads of this process and its waited-for child processes)
    against wall time.

    ``cpu_percent`` is CPU seconds over wall seconds x 100: 100 is one core
    busy all the time, 200 both cores of a two-core machine.
    """

    def __init__(self) -> None:
        self._wall = time.perf_counter()
        self._cpu = _cpu_seconds()

    def seconds(self) -> tuple[float, float]:
        """``(wall_s, cpu_s)`` since the clock was made."""
        return time.perf_counter() - self._wall, _cpu_seconds() - self._cpu

    def cpu_percent(self) -> float:
        """CPU use since the clock was made, percent of one core."""
        wall, cpu = self.seconds()
        return round(100.0 * cpu / wall, 1) if wall > 0 else 0.0


def machine() -> dict[str, Any]:
    """Cores, Python and platform, recorded with every result."""
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}


def write_result(result: dict[str, Any], out: str | None, name: str, quick: bool) -> Path:
    """Write ``result`` as sorted, indented JSON to ``out`` or ``benchmarks/results/NAME[_quick].json``."""
    path = Path(out) if out else Path(__file__).parent / "results" / (f"{name}_quick.json" if quick else f"{name}.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path

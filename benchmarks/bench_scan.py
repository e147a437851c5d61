"""Benchmark of the whole ``detector scan`` on canonical Parquet (time per stage, peak memory).

Data: :func:`detector.synth.generate` (organic background, officials, hard negatives and
all campaign strategies), sized to about ``--events`` events (7 days; the number of
accounts is scaled), written once with :func:`detector.io.write_canonical` (the format
``detector ingest`` writes) into ``--cache`` and reused.

Measured in a fresh child process (so peak RSS is the scan's, not the generator's):

1. ``ingest``: :func:`detector.io.read_inputs` of the canonical Parquet (the baseline);
2. ``coaction_repost_only``: the co-action layer on reposts alone (share table + edges),
   after a warm-up on a small slice (Numba compile/cache load timed separately) -
   the classic co-retweet analysis other tools stop at;
3. ``scan``: :func:`detector.pipeline.run_scan` (all layers, Leiden, scoring, officials,
   report dict) and :func:`detector.pipeline.write_outputs` (all files but HTML),
   with the pipeline's own per-stage timings.

Reported: seconds per stage, events/s, ``peak_rss_mb`` (the child's peak resident set,
``VmHWM``, see ``_common.peak_rss_mb``), and the ratios scan/ingest and
scan/co-retweet-only. To locate the peak, the peak is also measured per phase
(``peak_rss_by_phase_mb``: ingest, co-retweet baseline, each pipeline stage, writing):
on Linux the high-water mark is reset between phases (``5 > /proc/self/clear_refs``), so
each figure is that phase's own peak (``peak_reset`` says whether the reset worked; if
not, the figures are running peaks). ``peak_rss_after_ingest_mb`` /
``peak_rss_after_scan_mb`` are the running peaks at those points. Stage timings come
from ``ScanResult.timings`` (they are not in ``report.json``, whose bytes depend only on
the input and seed). Targets (issue 8): 1M events in under 2 minutes and under 6 GB peak
on 2 cores.

Usage::

    python benchmarks/bench_scan.py                  # 1M events (full size)
    python benchmarks/bench_scan.py --quick          # ~50k events, < 30 s once cached
    python benchmarks/bench_scan.py --events 200000 --out res.json
    python benchmarks/bench_scan.py --sizes 100000,300000,1000000   # time exponent

``--sizes`` runs each size in its own fresh child, one after the other, and adds
``scaling``: the time exponent (log-log slope of seconds against events) between
consecutive sizes, from the first to the last and fitted over all, for the wall and the
CPU seconds of scan + writing, with the CPU % (of one core), peak RSS and load average
per size. With ``--lock FILE`` (e.g. ``/tmp/bench1m.lock``), runs of ``--lock-from``
events or more (default 1M) hold an exclusive ``flock`` on FILE (the lock ``flock(1)``
takes), so only one such run is on a shared machine at a time while the smaller sizes
need no lock.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from _common import CpuClock, load_average, machine, peak_rss_mb, write_result

EVENTS_PER_ACCOUNT = 17.5
"""Events per account over 7 days in the generator's default settings (measured)."""


class _Peaks:
    """Peak RSS per phase (MB), with the high-water mark reset between phases where Linux allows."""

    def __init__(self) -> None:
        self.overall = 0.0
        self.by_phase: dict[str, float] = {}
        self.reset_works = self._reset()

    @staticmethod
    def _reset() -> bool:
        try:
            with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
                fh.write("5")  # resets VmHWM (and ru_maxrss) to the current RSS
            return True
        except OSError:
            return False

    def running(self) -> float:
        """The peak of the whole run so far."""
        self.overall = max(self.overall, peak_rss_mb())
        return self.overall

    @contextlib.contextmanager
    def phase(self, name: str) -> Iterator[None]:
        self.running()
        self._reset()
        try:
            yield
        finally:
            self.by_phase[name] = max(self.by_phase.get(name, 0.0), round(peak_rss_mb(), 1))
            self.running()


def _measure_stages(peaks: _Peaks, cpu: dict[str, float]) -> None:
    """Give each timed stage of :func:`detector.pipeline.run_scan` its own peak and CPU-% measurement."""
    import detector.pipeline as pipeline

    stage = getattr(pipeline, "_stage", None)
    if stage is None:
        return

    @contextlib.contextmanager
    def measured(name: str, timings: dict[str, float]) -> Iterator[None]:
        clock = CpuClock()
        with peaks.phase(f"scan.{name}"), stage(name, timings):
            yield
        cpu[name] = clock.cpu_percent()

    pipeline._stage = measured


def make_data(n_events: int, seed: int, cache: Path) -> Path:
    """Generate (once) and return the canonical Parquet path for about ``n_events`` events."""
    from detector.io import write_canonical
    from detector.synth import SynthConfig, generate

    path = cache / f"scan_{n_events}_{seed}.parquet"
    if path.exists():
        return path
    accounts = max(300, int(n_events / EVENTS_PER_ACCOUNT))
    data = generate(SynthConfig(accounts=accounts, days=7, seed=seed))
    write_canonical(data.events, data.accounts, path)
    return path


def _worker_peak_mb() -> float:
    """Peak RSS (MB, ``VmHWM``) of the dask worker this runs on (defined here: pickled by value)."""
    with open("/proc/self/status", encoding="ascii") as fh:
        return next(int(line.split()[1]) / 1024.0 for line in fh if line.startswith("VmHWM:"))


def child(path: str, outdir: str, engine: str = "local") -> dict:
    """Run inside the child process: ingest, co-retweet baseline, full scan (on ``engine``)."""
    from detector.evidence.coaction import CoactionParams, coaction_edges, share_table
    from detector.io import read_inputs
    from detector.pipeline import ScanParams, run_scan, write_outputs
    from detector.progress import set_quiet

    set_quiet(True)
    peaks = _Peaks()
    stage_cpu: dict[str, float] = {}
    _measure_stages(peaks, stage_cpu)
    res: dict = {"load_average_start": load_average()}
    t = time.perf_counter()
    with peaks.phase("ingest"):
        ingest = read_inputs([path])
    res["ingest_s"] = time.perf_counter() - t
    res["peak_rss_after_ingest_mb"] = peaks.running()
    events = ingest.events
    res["events"] = len(events)
    res["accounts"] = int(events["account_id"].nunique())

    t = time.perf_counter()
    small = events.head(2000)
    coaction_edges(share_table(small, "repost"), CoactionParams(keep_pairs=False))
    res["warmup_s"] = time.perf_counter() - t
    t = time.perf_counter()
    with peaks.phase("coaction_repost_only"):
        co = coaction_edges(share_table(events, "repost"), CoactionParams(keep_pairs=False))
    res["coaction_repost_only_s"] = time.perf_counter() - t
    res["coaction_repost_only_edges"] = len(co.edges)
    del co

    from detector.engine import open_engine

    t = time.perf_counter()
    clock = CpuClock()
    with contextlib.ExitStack() as stack:
        active = stack.enter_context(open_engine(engine, workers=2))
        res["engine_start_s"] = time.perf_counter() - t  # LocalCluster start-up (dask); ~0 for local
        result = run_scan(events, ingest.accounts, params=ScanParams())
        if engine == "dask":  # where the co-action stage went, and the workers' own peaks
            res["dask_coaction_s"] = {k: round(v, 3) for k, v in active.timings.items()}
            res["dask_partitions"] = active.partitions
            res["dask_worker_peak_rss_mb"] = sorted(active.client.run(_worker_peak_mb).values())
    res["scan_s"] = time.perf_counter() - t
    res["scan_cpu_percent"] = clock.cpu_percent()
    res["peak_rss_after_scan_mb"] = peaks.running()
    t = time.perf_counter()
    with peaks.phase("write"):
        write_outputs(result, outdir, html=False)
    res["write_s"] = time.perf_counter() - t
    res["scan_and_write_cpu_percent"] = clock.cpu_percent()
    res["stages_s"] = result.timings
    res["stages_cpu_percent"] = stage_cpu
    res["load_average_end"] = load_average()
    res["flagged_accounts"] = int(result.scored["flagged"].sum())
    res["edges"] = int(len(result.edges))
    res["peak_rss_mb"] = peaks.running()
    res["peak_rss_by_phase_mb"] = peaks.by_phase
    res["peak_reset"] = peaks.reset_works
    return res


def _run_child(path: Path, engine: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as outdir:
        return subprocess.run(
            [sys.executable, __file__, "--child", str(path), outdir, "--engine", engine],
            capture_output=True, text=True, check=False,
        )


def _locked(path: str | None) -> contextlib.AbstractContextManager:
    """An exclusive ``flock`` on ``path`` (the lock ``flock(1)`` takes: one 1M run at a time on a
    shared machine), or nothing when ``path`` is ``None``."""
    if path is None:
        return contextlib.nullcontext()

    @contextlib.contextmanager
    def held() -> Iterator[None]:
        import fcntl

        with open(path, "a", encoding="ascii") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    return held()


def measure(n: int, args: argparse.Namespace) -> dict:
    """Generate (or reuse) about ``n`` events and scan them in a fresh child: the result of one size."""
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    path = make_data(n, args.seed, cache)
    gen_s = time.perf_counter() - t
    lock = args.lock if args.lock and n >= args.lock_from else None
    waited = time.perf_counter()
    with _locked(lock):
        lock_wait_s = time.perf_counter() - waited
        proc = _run_child(path, args.engine)
        if proc.returncode != 0 and "InputError" in proc.stderr:
            # cache written by an older version of the canonical format: regenerate once
            for stale in (path, path.with_name(path.name.replace(".parquet", ".accounts.parquet"))):
                stale.unlink(missing_ok=True)
            t = time.perf_counter()
            path = make_data(n, args.seed, cache)
            gen_s = time.perf_counter() - t
            proc = _run_child(path, args.engine)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(proc.returncode)
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    scan = res["scan_s"] + res["write_s"]
    return {
        "benchmark": "bench_scan",
        "quick": bool(args.quick),
        "engine": args.engine,
        "requested_events": n,
        "data_seconds_generate_or_cached": round(gen_s, 3),
        "lock": lock,
        "lock_wait_s": round(lock_wait_s, 3) if lock else None,
        **{k: (round(v, 3) if isinstance(v, float) else v) for k, v in res.items()},
        "scan_and_write_s": round(scan, 3),
        "scan_and_write_cpu_s": round(scan * res["scan_and_write_cpu_percent"] / 100.0, 3),
        "events_per_s": round(res["events"] / scan, 1) if scan > 0 else None,
        "ratio_scan_to_ingest": round(scan / res["ingest_s"], 2) if res["ingest_s"] > 0 else None,
        "ratio_scan_to_coretweet_only": round(scan / res["coaction_repost_only_s"], 2)
        if res["coaction_repost_only_s"] > 0
        else None,
        "targets": {"seconds": 60, "peak_rss_mb": 3072, "cpu_percent": 150, "applies_to_events": 1_000_000},
        "meets_targets": bool(scan < 60 and res["peak_rss_mb"] < 3072 and res["scan_and_write_cpu_percent"] > 150)
        if not args.quick
        else None,
        "machine": machine(),
    }


def exponent(n_a: float, t_a: float, n_b: float, t_b: float) -> float | None:
    """Log-log slope ``ln(t_b / t_a) / ln(n_b / n_a)``: 1 is linear, 2 quadratic (``None`` if undefined).

    >>> exponent(100_000, 10.0, 1_000_000, 100.0)
    1.0
    >>> round(exponent(100_000, 10.0, 400_000, 80.0), 3)
    1.5
    """
    if min(n_a, t_a, n_b, t_b) <= 0 or n_a == n_b:
        return None
    return round(math.log(t_b / t_a) / math.log(n_b / n_a), 3)


def fitted_exponent(ns: list[float], ts: list[float]) -> float | None:
    """Least-squares slope of ``ln t`` on ``ln n`` over every size (``None`` below two sizes).

    >>> fitted_exponent([1e5, 1e6, 1e7], [10.0, 100.0, 1000.0])
    1.0
    """
    pts = [(math.log(n), math.log(t)) for n, t in zip(ns, ts, strict=True) if n > 0 and t > 0]
    if len({x for x, _ in pts}) < 2:
        return None
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    sxx = sum((x - mx) ** 2 for x, _ in pts)
    return round(sum((x - mx) * (y - my) for x, y in pts) / sxx, 3)


SCALED_FIGURES: dict[str, str] = {
    "scan_and_write_s": "wall seconds of scan + writing",
    "scan_and_write_cpu_s": "CPU seconds of scan + writing (all threads and the Leiden child; "
    "less disturbed by other work on a shared machine than the wall time)",
}
"""The per-size figures whose growth with the number of events the scaling summary reports."""


def scaling(runs: list[dict]) -> dict:
    """Time exponents over the sizes of ``runs`` (sorted by events), for each of :data:`SCALED_FIGURES`.

    ``steps``: the exponent between consecutive sizes; ``overall``: first to last size;
    ``fitted``: least-squares slope over every size. The issue's target is <= 1.1.
    """
    runs = sorted(runs, key=lambda r: r["events"])
    ns = [float(r["events"]) for r in runs]
    out: dict = {"events": [r["events"] for r in runs], "target_exponent": 1.1, "figures": dict(SCALED_FIGURES)}
    for key in SCALED_FIGURES:
        ts = [float(r[key]) for r in runs]
        out[key] = {
            "values": ts,
            "steps": [
                {"from_events": r0["events"], "to_events": r1["events"], "exponent": exponent(n0, t0, n1, t1)}
                for r0, r1, n0, n1, t0, t1 in zip(runs, runs[1:], ns, ns[1:], ts, ts[1:], strict=False)
            ],
            "overall": exponent(ns[0], ts[0], ns[-1], ts[-1]) if len(runs) > 1 else None,
            "fitted": fitted_exponent(ns, ts),
        }
    out["cpu_percent_by_events"] = {str(r["events"]): r["scan_and_write_cpu_percent"] for r in runs}
    out["peak_rss_mb_by_events"] = {str(r["events"]): r["peak_rss_mb"] for r in runs}
    out["load_average_by_events"] = {str(r["events"]): [r["load_average_start"], r["load_average_end"]] for r in runs}
    overall = out["scan_and_write_s"]["overall"]
    out["meets_target"] = None if overall is None else bool(overall <= 1.1)
    return out


def _print_run(res: dict, path: Path | None) -> None:
    scan = res["scan_and_write_s"]
    print(
        f"scan of {res['events']:,} events: {scan:.1f} s ({res['events_per_s']:,} events/s), "
        f"peak RSS {res['peak_rss_mb']:.0f} MB; ingest {res['ingest_s']:.1f} s, co-retweet only "
        f"{res['coaction_repost_only_s']:.1f} s (scan/ingest {res['ratio_scan_to_ingest']}x, "
        f"scan/co-retweet {res['ratio_scan_to_coretweet_only']}x)"
    )
    print(f"scan {res['scan_s']:.1f} s + writing {res['write_s']:.1f} s")
    print(f"CPU {res['scan_and_write_cpu_percent']}% of one core; load average {res['load_average_start']} -> {res['load_average_end']}")
    print("stages (s):", json.dumps(res["stages_s"]))
    print("stages (CPU % of one core):", json.dumps(res["stages_cpu_percent"]))
    print("peak RSS by phase (MB):", json.dumps(res["peak_rss_by_phase_mb"]))
    if path is not None:
        print(f"wrote {path}")


def _sizes(text: str) -> list[int]:
    try:
        sizes = sorted({int(float(x)) for x in text.split(",") if x.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: give sizes as 100000,300000,1e6") from None
    if not sizes or sizes[0] <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: give at least one positive size")
    return sizes


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=1_000_000, help="approximate events (default 1M)")
    ap.add_argument("--sizes", type=_sizes, default=None, metavar="N,N,...",
                    help="several sizes in one invocation (e.g. 100000,300000,1000000), each in a fresh child; "
                    "the JSON holds every run and the time exponents between them (default "
                    "benchmarks/results/bench_scan_sizes[_quick].json)")
    ap.add_argument("--lock", default=None, metavar="FILE",
                    help="take an exclusive flock on FILE (as `flock FILE cmd` does; e.g. /tmp/bench1m.lock) while "
                    "a run of --lock-from events or more scans, so one such run is on the machine at a time and "
                    "the smaller sizes do not wait (default: none; do not also wrap the command in `flock FILE`, "
                    "which would wait for itself)")
    ap.add_argument("--lock-from", type=int, default=1_000_000, help="smallest size that takes --lock")
    ap.add_argument("--quick", action="store_true", help="about 50k events (CI)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "detector_bench"), help="data cache dir")
    ap.add_argument("--out", default=None, help="JSON result path (default benchmarks/results/bench_scan[_quick].json)")
    ap.add_argument("--engine", choices=("local", "dask"), default="local",
                    help="scan engine (dask: a 2-worker LocalCluster of processes, started inside the scan time)")
    ap.add_argument("--child", nargs=2, metavar=("PARQUET", "OUTDIR"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.child:
        print(json.dumps(child(*args.child, engine=args.engine)))
        return 0

    if args.sizes is None:
        result = measure(50_000 if args.quick else args.events, args)
        _print_run(result, write_result(result, args.out, "bench_scan", args.quick))
        return 0
    runs = []
    for n in args.sizes:
        runs.append(measure(n, args))
        _print_run(runs[-1], None)
    summary = {
        "benchmark": "bench_scan_sizes",
        "engine": args.engine,
        "quick": bool(args.quick),
        "requested_sizes": args.sizes,
        "scaling": scaling(runs),
        "runs": runs,
        "machine": machine(),
    }
    path = write_result(summary, args.out, "bench_scan_sizes", args.quick)
    sc = summary["scaling"]
    for key in SCALED_FIGURES:
        steps = ", ".join(f"{s['from_events']:,}->{s['to_events']:,}: {s['exponent']}" for s in sc[key]["steps"])
        print(f"time exponent of {key}: {steps}; overall {sc[key]['overall']}, fitted {sc[key]['fitted']}")
    print("CPU % of one core by events:", json.dumps(sc["cpu_percent_by_events"]))
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

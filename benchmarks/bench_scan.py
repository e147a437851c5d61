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
"""

from __future__ import annotations

import argparse
import contextlib
import json
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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=1_000_000, help="approximate events (default 1M)")
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

    n = 50_000 if args.quick else args.events
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    path = make_data(n, args.seed, cache)
    gen_s = time.perf_counter() - t
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
        return proc.returncode
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    scan = res["scan_s"] + res["write_s"]
    result = {
        "benchmark": "bench_scan",
        "quick": bool(args.quick),
        "engine": args.engine,
        "requested_events": n,
        "data_seconds_generate_or_cached": round(gen_s, 3),
        **{k: (round(v, 3) if isinstance(v, float) else v) for k, v in res.items()},
        "scan_and_write_s": round(scan, 3),
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
    out = write_result(result, args.out, "bench_scan", args.quick)
    print(
        f"scan of {res['events']:,} events: {scan:.1f} s ({result['events_per_s']:,} events/s), "
        f"peak RSS {res['peak_rss_mb']:.0f} MB; ingest {res['ingest_s']:.1f} s, co-retweet only "
        f"{res['coaction_repost_only_s']:.1f} s (scan/ingest {result['ratio_scan_to_ingest']}x, "
        f"scan/co-retweet {result['ratio_scan_to_coretweet_only']}x)"
    )
    print(f"scan {res['scan_s']:.1f} s + writing {res['write_s']:.1f} s")
    print(f"CPU {res['scan_and_write_cpu_percent']}% of one core; load average {res['load_average_start']} -> {res['load_average_end']}")
    print("stages (s):", json.dumps(res["stages_s"]))
    print("stages (CPU % of one core):", json.dumps(res["stages_cpu_percent"]))
    print("peak RSS by phase (MB):", json.dumps(res["peak_rss_by_phase_mb"]))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

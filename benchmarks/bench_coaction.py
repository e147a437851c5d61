"""Benchmark of co-action detection (co-retweet network) against peers, in one process.

Synthetic mode (default): deterministic synthetic retweets at 100k, 1M and 5M
events (``--sizes``): heavy-tailed object popularity (Zipf-like), lognormal
per-account activity, lognormal retweet delays (median about one hour) over
30 days, plus coordinated groups (10-30 accounts retweeting the same posts
within 30 s of each other; about 3% of events). Window 60 s, every pair
counted (``min_participation=1``), each account retweets a post at most once.

Measured in one process; all of our runs (every size) come first, then the
baselines (the toolkit leaves multiprocessing helpers behind that slowed
later measurements in the same process):

1. ours, ``coaction_edges`` (share table with string ids -> edge layer; no
   object samples, no pair table: the same work as the peers) after a warm-up
   call whose time (Numba compile or cache load) is reported separately,
   median of ``--repeat`` runs (default 3; all runs listed); also the kernel
   alone (:func:`coaction_aggregate` on coded arrays) and once with the full
   default evidence (object samples + pair table);
2. a pandas self-join baseline (``merge`` on object, then filter the window,
   then group by account pair), only where the self-join's row count
   (sum over objects of n^2) stays under ``--pandas-max-rows`` (skipped with a
   note otherwise);
3. coordination-network-toolkit's ``co_retweet`` (SQLite; ``pip install
   coordination-network-toolkit``, not a project dependency: imported lazily,
   skipped with a note when missing) with 2 worker processes, preprocessing
   timed separately, up to ``--cnt-max-events``.

Edge sets are checked to agree: the toolkit's directed ``(user_1, user_2,
weight)`` rows (self rows dropped) must equal our undirected edges in both
directions with its weight (distinct retweets of user_1 with a user_2 retweet
of the same post within the window) equal to our ``n_objects`` (the same
number when an account retweets a post once); pandas must give our weight and
n_objects exactly.

Real-data mode (``--russian``): CooRTweet's ``russian_coord_tweets`` with the
``tw10_mp5`` and ``tw60_mp2`` configurations in CooRTweet semantics, our time
next to CooRTweet's (9.7 s and 13.5 s, from ``../shared/data/README.md``), and
the row counts checked against the reference outputs.

Targets: 1M events >= 50x faster than coordination-network-toolkit with the
same edges; 5M events < 30 s and < 4 GB peak RSS on 2 cores.

Usage::

    python benchmarks/bench_coaction.py                 # 100k, 1M, 5M (+ russian)
    python benchmarks/bench_coaction.py --quick         # 100k only (+ russian), < 30 s
    python benchmarks/bench_coaction.py --sizes 100000,1000000 --out res.json

Memory: ``peak_rss_mb`` is the peak resident set size of the whole process
*during* a stage, sampled from ``/proc/self/statm`` every 20 ms (so it includes
the input data already in memory, ``rss_before_mb``); ``process_max_rss_mb``
is ``ru_maxrss`` (peak over the whole run so far, never decreasing).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numba
import numpy as np
import pandas as pd
import pyarrow as pa

from detector.evidence.coaction import (
    CoactionParams,
    coaction_edges,
    coortweet_detect_groups,
    coortweet_network,
)
from detector.fsutil import write_text_atomic
from detector.kernels.coaction import coaction_aggregate, group_starts
from detector.schema import encode

from _common import peak_rss_mb

DAY = 86400
T0 = 1_600_000_000
WINDOW = 60
DATA = Path(
    os.environ.get("DETECTOR_SHARED_DATA", Path(__file__).resolve().parents[1].parent / "shared" / "data")
) / "coortweet"
"""CooRTweet's real data: ``../shared/data/coortweet`` beside the checkout, or under ``$DETECTOR_SHARED_DATA``."""
COORTWEET_SECONDS = {"tw10_mp5": 9.7, "tw60_mp2": 13.5}


class RssSampler:
    """Peak RSS of this process *during* a block (MB): samples /proc/self/statm every 20 ms.

    ``ru_maxrss`` never goes down, so after an earlier memory-hungry stage it no
    longer says anything about a later one; this sampler does (Linux only,
    falls back to ``ru_maxrss``).
    """

    def __init__(self) -> None:
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._page = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096

    def _rss_mb(self) -> float:
        try:
            with open("/proc/self/statm") as fh:
                return int(fh.read().split()[1]) * self._page / 2**20
        except OSError:
            return peak_rss_mb()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_mb = max(self.peak_mb, self._rss_mb())
            self._stop.wait(0.02)

    def __enter__(self) -> RssSampler:
        self.peak_mb = self._rss_mb()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak_mb = max(self.peak_mb, self._rss_mb())


def load_avg() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def make_retweets(n_events: int, seed: int = 0) -> pd.DataFrame:
    """Deterministic synthetic retweets: object_id, account_id, content_id (strings), ts (s).

    Organic part: each post's retweet count is Pareto-distributed (alpha 1.4,
    at least 3, capped at 20,000 or a fifth of the accounts: a few viral
    posts, many small ones), so the
    number of posts grows with the data while the popularity law stays the
    same; retweeters are drawn by lognormal account activity; delays are
    lognormal (median 1 h); repeated (account, post) draws are dropped.
    Coordinated part (3%): groups of 10-30 own
    accounts retweet 10-40 targets each within 30 s of a group trigger.
    """
    rng = np.random.default_rng(seed)
    n_acc = max(2000, n_events // 4)
    n_coord = int(0.03 * n_events)
    n_org = n_events - n_coord
    draw = int(n_org * 1.1) + 100  # a few draws repeat (account, post) and are dropped
    cap = min(20_000, n_acc // 5)
    counts = np.minimum((3 * (1 - rng.random(draw)) ** (-1 / 1.4)).astype(np.int64), cap)
    counts = counts[: int(np.searchsorted(np.cumsum(counts), draw)) + 1]
    n_obj = len(counts)
    obj = np.repeat(np.arange(n_obj), counts)[:draw]
    act = rng.lognormal(0.0, 1.3, n_acc)
    acc = np.searchsorted(np.cumsum(act / act.sum()), rng.random(draw)).clip(0, n_acc - 1)
    created = T0 + rng.integers(0, 30 * DAY, n_obj)
    ts = created[obj] + rng.lognormal(np.log(3600.0), 1.6, draw).astype(np.int64)
    organic = pd.DataFrame({"object_id": obj, "account_id": acc, "ts": ts})
    organic = organic.drop_duplicates(["object_id", "account_id"]).iloc[:n_org]
    objs, accs, tss = [], [], []
    made = 0
    g = 0
    while made < n_coord:
        size = int(rng.integers(10, 31))
        n_targets = int(rng.integers(10, 40))
        members = n_acc + g * 30 + np.arange(size)  # the group's own accounts
        targets = rng.choice(n_obj, n_targets, replace=False)
        start = created[targets] + rng.integers(60, 6 * 3600, n_targets)
        objs.append(np.repeat(targets, size))
        accs.append(np.tile(members, n_targets))
        tss.append(np.repeat(start, size) + rng.integers(0, 31, n_targets * size))
        made += size * n_targets
        g += 1
    coordinated = pd.DataFrame(
        {"object_id": np.concatenate(objs), "account_id": np.concatenate(accs), "ts": np.concatenate(tss)}
    ).iloc[:n_coord]
    frame = pd.concat([organic, coordinated], ignore_index=True)
    def as_string(values: np.ndarray) -> pd.arrays.ArrowStringArray:
        return pd.array(pa.array(values).cast(pa.string()), dtype="string")

    ids = pd.DataFrame(
        {
            "object_id": as_string(frame["object_id"].to_numpy() + 10**15),
            "account_id": as_string(frame["account_id"].to_numpy() + 10**8),
            "content_id": as_string(np.arange(len(frame), dtype=np.int64) + 10**16),
            "ts": frame["ts"].to_numpy(),
        }
    )
    return ids


def selfjoin_rows(shares: pd.DataFrame) -> int:
    n = shares.groupby("object_id").size().to_numpy(dtype=np.int64)
    return int((n * n).sum())


def run_ours(shares: pd.DataFrame, repeat: int = 3) -> tuple[dict, pd.DataFrame]:
    # same work as the peers: edges only (no object samples, no pair table);
    # median of `repeat` runs (the shared machine's load makes single runs noisy)
    params = CoactionParams(window=WINDOW, min_participation=1, keep_pairs=False, objects_sample=0)
    gc.collect()
    base = RssSampler()._rss_mb()
    runs = []
    peak = 0.0
    for _ in range(max(1, repeat)):
        with RssSampler() as mem:
            t = time.perf_counter()
            result = coaction_edges(shares, params)
            runs.append(time.perf_counter() - t)
        peak = max(peak, mem.peak_mb)
        if len(runs) < repeat:
            del result
            gc.collect()
    total = float(np.median(runs))
    # full default evidence: + 5 shared objects per edge + pair table (up to 2M rows)
    gc.collect()
    with RssSampler() as full_mem:
        t = time.perf_counter()
        full = coaction_edges(shares, CoactionParams(window=WINDOW, min_participation=1))
        full_seconds = time.perf_counter() - t
    del full
    obj, _ = encode(shares["object_id"])
    acc, acc_u = encode(shares["account_id"])
    con, _ = encode(shares["content_id"])
    ts = shares["ts"].to_numpy(np.int64)
    order = np.lexsort((con, acc, ts, obj))
    args = (group_starts(obj[order]), ts[order], acc[order], con[order], len(acc_u), WINDOW)
    kernel_runs = []
    for _ in range(max(1, repeat)):
        t = time.perf_counter()
        agg = coaction_aggregate(*args)
        kernel_runs.append(time.perf_counter() - t)
    kernel = float(np.median(kernel_runs))
    info = {
        "seconds": round(total, 3),
        "runs_seconds": [round(x, 3) for x in runs],
        "kernel_seconds": round(kernel, 3),
        "kernel_runs_seconds": [round(x, 3) for x in kernel_runs],
        "events_per_s": round(len(shares) / total),
        "share_pairs": int(agg.n_share_pairs),
        "edges": len(result.edges),
        "capped_objects": len(result.capped_objects),
        "rss_before_mb": round(base, 1),
        "peak_rss_mb": round(peak, 1),
        "with_evidence_seconds": round(full_seconds, 3),
        "with_evidence_peak_rss_mb": round(full_mem.peak_mb, 1),
        "process_max_rss_mb": round(peak_rss_mb(), 1),
    }
    return info, result.edges


def run_pandas(shares: pd.DataFrame) -> tuple[dict, pd.DataFrame]:
    gc.collect()
    with RssSampler() as mem:
        t = time.perf_counter()
        m = shares.merge(shares, on="object_id", suffixes=("", "_y"))
        m = m[(m["account_id"] < m["account_id_y"]) & ((m["ts"] - m["ts_y"]).abs() <= WINDOW)]
        edges = (
            m.groupby(["account_id", "account_id_y"])
            .agg(weight=("ts", "size"), n_objects=("object_id", "nunique"))
            .reset_index()
        )
        seconds = time.perf_counter() - t
    del m
    return {
        "seconds": round(seconds, 3),
        "events_per_s": round(len(shares) / seconds),
        "edges": len(edges),
        "peak_rss_mb": round(mem.peak_mb, 1),
    }, edges


def run_toolkit(shares: pd.DataFrame) -> tuple[dict, pd.DataFrame | None]:
    try:
        from coordination_network_toolkit.compute_networks import compute_co_retweet_parallel
        from coordination_network_toolkit.preprocess import preprocess_data
    except ImportError:
        return {"skipped": "coordination-network-toolkit not installed (pip install coordination-network-toolkit)"}, None
    import contextlib
    import io
    import sqlite3

    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "cnt.db")
        rows = (
            (str(c), str(a), "", str(o), None, "", int(t), [])
            for o, a, c, t in zip(
                shares["object_id"].tolist(), shares["account_id"].tolist(),
                shares["content_id"].tolist(), shares["ts"].tolist(), strict=True,
            )
        )
        sink = io.StringIO()
        t = time.perf_counter()
        with contextlib.redirect_stdout(sink):
            preprocess_data(db, rows)
        prep = time.perf_counter() - t
        t = time.perf_counter()
        with contextlib.redirect_stdout(sink):
            compute_co_retweet_parallel(db, WINDOW, n_threads=2, min_edge_weight=1)
        seconds = time.perf_counter() - t
        con = sqlite3.connect(db)
        net = pd.read_sql_query("select user_1, user_2, weight from co_retweet_network", con)
        con.close()
    net = net[net["user_1"] != net["user_2"]]
    return {
        "seconds": round(seconds, 3),
        "preprocess_seconds": round(prep, 3),
        "events_per_s": round(len(shares) / seconds),
        "directed_rows": len(net),
        "n_threads": 2,
    }, net


def agree_pandas(ours: pd.DataFrame, theirs: pd.DataFrame) -> bool:
    a = ours.assign(a=ours["account_a"].astype(str), b=ours["account_b"].astype(str))
    a = a.set_index(["a", "b"])[["weight", "n_objects"]].sort_index()
    b = theirs.assign(a=theirs["account_id"].astype(str), b=theirs["account_id_y"].astype(str))
    b = b.set_index(["a", "b"])[["weight", "n_objects"]].sort_index()
    return bool(
        a.index.equals(b.index)
        and np.array_equal(a["weight"].to_numpy(np.int64), b["weight"].to_numpy(np.int64))
        and np.array_equal(a["n_objects"].to_numpy(np.int64), b["n_objects"].to_numpy(np.int64))
    )


def agree_toolkit(ours: pd.DataFrame, net: pd.DataFrame) -> bool:
    a = ours["account_a"].astype(str).to_numpy()
    b = ours["account_b"].astype(str).to_numpy()
    n = ours["n_objects"].to_numpy(np.int64)
    mine = pd.DataFrame({"u1": np.concatenate([a, b]), "u2": np.concatenate([b, a]), "w": np.concatenate([n, n])})
    theirs = pd.DataFrame({"u1": net["user_1"].astype(str), "u2": net["user_2"].astype(str),
                           "w": net["weight"].astype(np.int64)})
    mine = mine.sort_values(["u1", "u2"]).reset_index(drop=True)
    theirs = theirs.sort_values(["u1", "u2"]).reset_index(drop=True)
    return bool(mine.equals(theirs))


def bench_ours(n: int, args) -> dict:
    """Phase 1: our timings and memory for one size."""
    t = time.perf_counter()
    shares = make_retweets(n, seed=args.seed)
    out: dict = {"events": len(shares), "generate_seconds": round(time.perf_counter() - t, 2),
                 "load_avg_before": load_avg()}
    out["ours"], _ = run_ours(shares, args.repeat)
    out["selfjoin_rows"] = selfjoin_rows(shares)
    return out


def bench_peers(n: int, args, out: dict) -> None:
    """Phase 2: the baselines on the same (regenerated, deterministic) data, edges checked."""
    ours = out["ours"]
    shares = make_retweets(n, seed=args.seed)
    rows = out["selfjoin_rows"]
    run_pd = rows <= args.pandas_max_rows
    run_cnt = n <= args.cnt_max_events
    edges = None
    if run_pd or run_cnt:  # our edges again (untimed) for the agreement checks
        params = CoactionParams(window=WINDOW, min_participation=1, keep_pairs=False, objects_sample=0)
        edges = coaction_edges(shares, params).edges
    if run_pd:
        info, pedges = run_pandas(shares)
        info["same_edges"] = agree_pandas(edges, pedges)
        info["ratio_vs_ours"] = round(info["seconds"] / ours["seconds"], 1)
        out["pandas_selfjoin"] = info
        del pedges
    else:
        out["pandas_selfjoin"] = {"skipped": f"self-join would hold {rows:,} rows (> --pandas-max-rows "
                                             f"{args.pandas_max_rows:,}): does not fit in memory here"}
    if run_cnt:
        info, net = run_toolkit(shares)
        if net is not None:
            info["same_edges"] = agree_toolkit(edges, net)
            info["ratio_vs_ours"] = round(info["seconds"] / ours["seconds"], 1)
            info["ratio_vs_our_kernel"] = round(info["seconds"] / ours["kernel_seconds"], 1)
            info["ratio_incl_preprocess_vs_ours"] = round(
                (info["seconds"] + info["preprocess_seconds"]) / ours["seconds"], 1)
        out["coordination_network_toolkit"] = info
    else:
        out["coordination_network_toolkit"] = {"skipped": f"above --cnt-max-events {args.cnt_max_events:,}"}
    out["load_avg_after"] = load_avg()


def bench_russian() -> dict:
    path = DATA / "russian_coord_tweets.csv.gz"
    if not path.exists():
        return {"skipped": f"{path} not found (needs ../shared/data)"}
    x = pd.read_csv(path, dtype={"object_id": str, "account_id": str, "content_id": str})
    out: dict = {"events": len(x)}
    for name, (window, mp) in {"tw10_mp5": (10, 5), "tw60_mp2": (60, 2)}.items():
        t = time.perf_counter()
        pairs = coortweet_detect_groups(x, time_window=window, min_participation=mp)
        edges = coortweet_network(pairs, edge_weight=0.5)
        seconds = time.perf_counter() - t
        t = time.perf_counter()
        default = coaction_edges(x, CoactionParams(window=window, min_participation=mp))
        default_seconds = time.perf_counter() - t
        ref_pairs = pd.read_csv(DATA / f"ref_russian_{name}_pairs.csv.gz")
        ref_edges = pd.read_csv(DATA / f"ref_russian_{name}_edges.csv.gz")
        out[name] = {
            "coortweet_semantics_seconds": round(seconds, 4),
            "default_semantics_seconds": round(default_seconds, 4),
            "coortweet_r_seconds": COORTWEET_SECONDS[name],
            "speedup_vs_coortweet": round(COORTWEET_SECONDS[name] / seconds, 1),
            "pairs": len(pairs), "ref_pairs": len(ref_pairs),
            "edges": len(edges), "ref_edges": len(ref_edges),
            "default_edges": len(default.edges),
            "process_seconds": _coortweet_process_seconds(path, window, mp),
        }
    return out


def _coortweet_process_seconds(path: Path, window: int, mp: int) -> float | None:
    """Wall seconds of a whole ``detector coordination --semantics coortweet`` process on ``path``
    (start-up, reading, pairs, network, writing), as CooRTweet's timing is of a whole R call."""
    exe = Path(sys.executable).with_name("detector")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "detector.cli"]
    with tempfile.TemporaryDirectory() as out:
        t = time.perf_counter()
        proc = subprocess.run(
            [*cmd, "coordination", str(path), "--format", "coortweet", "--semantics", "coortweet",
             "--window", str(window), "--min-participation", str(mp), "-o", out, "--quiet"],
            capture_output=True, text=True, check=False,
        )
        seconds = time.perf_counter() - t
    return round(seconds, 3) if proc.returncode == 0 else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="100k events only (CI)")
    parser.add_argument("--sizes", default=None, help="comma-separated event counts (default 100000,1000000,5000000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--pandas-max-rows", type=int, default=60_000_000)
    parser.add_argument("--cnt-max-events", type=int, default=1_000_000)
    parser.add_argument("--no-russian", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="runs of ours per size (median reported)")
    parser.add_argument("--out", default=None, help="JSON output path")
    args = parser.parse_args(argv)
    sizes = [100_000] if args.quick else [int(s) for s in (args.sizes or "100000,1000000,5000000").split(",")]

    # warm-up: compile (or load the Numba cache) on a tiny input
    t = time.perf_counter()
    coaction_edges(make_retweets(2000, seed=1), CoactionParams(window=WINDOW, min_participation=1))
    warm = time.perf_counter() - t
    report: dict = {
        "benchmark": "coaction",
        "window_s": WINDOW,
        "warmup_compile_seconds": round(warm, 2),
        "machine": {"python": sys.version.split()[0], "platform": platform.platform(),
                    "cpus": os.cpu_count(), "numba_threads": numba.get_num_threads()},
        "sizes": {},
    }
    print(f"warm-up (compile or cache load): {warm:.2f} s")
    # all of our runs first: the toolkit leaves a multiprocessing manager and pool
    # workers behind, which slowed later measurements in the same process 3-5x
    for n in sizes:
        report["sizes"][str(n)] = bench_ours(n, args)
        o = report["sizes"][str(n)]["ours"]
        print(f"{n:>9,} events: ours {o['seconds']:.2f} s (kernel {o['kernel_seconds']:.2f} s, "
              f"{o['share_pairs']:,} pairs, {o['edges']:,} edges, peak RSS {o['peak_rss_mb']:.0f} MB; "
              f"with evidence {o['with_evidence_seconds']:.2f} s, {o['with_evidence_peak_rss_mb']:.0f} MB)")
    for n in sizes:
        res = report["sizes"][str(n)]
        bench_peers(n, args, res)
        for key in ("pandas_selfjoin", "coordination_network_toolkit"):
            info = res[key]
            if "skipped" in info:
                print(f"{n:>9,} {key}: skipped ({info['skipped']})")
            else:
                extra = f", x{info['ratio_vs_our_kernel']} vs kernel" if "ratio_vs_our_kernel" in info else ""
                print(f"{n:>9,} {key}: {info['seconds']:.2f} s, x{info['ratio_vs_ours']} slower{extra}, "
                      f"same edges: {info['same_edges']}")
    if not args.no_russian:
        report["russian_coord_tweets"] = bench_russian()
        for name in ("tw10_mp5", "tw60_mp2"):
            r = report["russian_coord_tweets"].get(name)
            if r:
                print(f"russian {name}: coortweet semantics {r['coortweet_semantics_seconds']:.3f} s vs "
                      f"CooRTweet {r['coortweet_r_seconds']} s (x{r['speedup_vs_coortweet']}); pairs "
                      f"{r['pairs']}/{r['ref_pairs']}, edges {r['edges']}/{r['ref_edges']}")
    out = Path(args.out) if args.out else Path(__file__).parent / "results" / (
        "bench_coaction_quick.json" if args.quick else "bench_coaction.json")
    write_text_atomic(out, json.dumps(report, indent=2, sort_keys=True) + "\n")
    print(f"-> {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark of the timing evidence: account features and lag-tolerant pair correlation.

Full size (documented target: each stage under 20 s on 2 cores):

* ``account_features`` on 1,000,000 events from 100,000 accounts (heavy-tailed
  activity over 30 days, 40% reposts of recent posts, an accounts table);
* ``lagged_correlation`` of 1,000,000 random candidate pairs of accounts with
  at least ``min_active_bins`` active bins (60 s bins, lags -2..2) on the same
  events, plus the end-to-end ``timing_edges`` with
  MinHash/LSH candidate generation;
* the scheduled-posting kernel ``clock_repeat_counts`` (5 s slots, 3 days)
  on the same events.

Baselines run in the same process: a pandas ``groupby`` implementation of the
per-account timing and repost statistics (active days, inter-event mean, CV and
log-binned entropy, hour entropy, night share, repost-within-60 s share,
repost-lag IQR) on
all events, and a per-pair NumPy implementation of the same
correlation (``np.intersect1d`` per lag) on a subsample of pairs, whose time
is extrapolated per pair; an O(k^2) pairwise NumPy version of
``clock_repeat_counts`` on a subset of accounts, against the kernel on the same
subset; results are checked to agree.

Usage::

    python benchmarks/bench_timing.py            # full size
    python benchmarks/bench_timing.py --quick    # 50k events / 5k accounts / 50k pairs
    python benchmarks/bench_timing.py --out results.json

Prints a summary and writes JSON (default ``benchmarks/results/bench_timing[_quick].json``).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
from pathlib import Path

import numba
import numpy as np
import pandas as pd

from detector.evidence.features import account_features
from detector.evidence.timing import TimingParams, activity, pair_correlation, timing_edges
from detector.fsutil import write_text_atomic
from detector.kernels.schedule import DAY_S, clock_repeat_counts
from detector.schema import encode

from _common import best_of, peak_rss_mb, timed

DAY = 86400
T0 = 1_700_006_400


def make_data(
    n_events: int, n_accounts: int, days: int, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Synthetic events (heavy-tailed per-account activity, reposts of recent posts) and accounts."""
    rng = np.random.default_rng(seed)
    weight = rng.lognormal(0.0, 1.2, n_accounts)
    acc = rng.choice(n_accounts, size=n_events, p=weight / weight.sum())
    acc[:n_accounts] = np.arange(n_accounts)  # every account has an event
    ts = np.sort(T0 + rng.integers(0, days * DAY, n_events))
    rng.shuffle(acc)
    kind = np.where(rng.random(n_events) < 0.4, "repost", "post")
    back = np.minimum(rng.geometric(0.02, n_events), np.arange(n_events))
    target_row = np.arange(n_events) - back
    event_id = np.char.add("e", np.arange(n_events).astype(str)).astype(object)
    account_id = np.char.add("u", np.char.zfill(np.arange(n_accounts).astype(str), 6)).astype(
        object
    )
    is_repost = (kind == "repost") & (back > 0)
    target = np.where(is_repost, event_id[target_row], None)
    events = pd.DataFrame(
        {
            "event_id": pd.array(event_id, dtype="string"),
            "account_id": pd.array(account_id[acc], dtype="string"),
            "account_name": pd.array(
                np.char.add("name", acc.astype(str)).astype(object), dtype="string"
            ),
            "ts": ts.astype(np.int64),
            "kind": pd.array(np.where(is_repost, "repost", "post").astype(object), dtype="string"),
            "target_event_id": pd.array(target, dtype="string"),
        }
    )
    accounts = pd.DataFrame(
        {
            "account_id": pd.array(account_id, dtype="string"),
            "created_at": pd.array(T0 - rng.integers(0, 3000 * DAY, n_accounts), dtype="Int64"),
            "followers": pd.array(rng.integers(0, 5000, n_accounts), dtype="Int64"),
            "following": pd.array(rng.integers(0, 2000, n_accounts), dtype="Int64"),
            "description": pd.array(
                np.where(rng.random(n_accounts) < 0.3, "", "bio").astype(object), dtype="string"
            ),
        }
    )
    return events, accounts


def _group_entropy(keys: pd.Series, values: pd.Series) -> pd.Series:
    counts = pd.DataFrame({"k": keys, "v": values}).groupby(["k", "v"]).size()
    p = counts / counts.groupby(level=0).transform("sum")
    return (-(p * np.log2(p))).groupby(level=0).sum()


def pandas_features_baseline(events: pd.DataFrame, night_hours: int = 6) -> pd.DataFrame:
    """Vectorised pandas version of the timing and repost features (no bursts, no profile)."""
    frame = events[["account_id", "ts", "kind", "target_event_id", "event_id"]]
    frame = frame.sort_values(["account_id", "ts"], kind="stable").reset_index(drop=True)
    acc = frame["account_id"]
    gaps = frame.groupby("account_id", sort=True)["ts"].diff()
    by_account = gaps.groupby(acc)
    mean, std = by_account.mean(), by_account.std(ddof=0)
    has_gap = gaps.notna()
    logbin = np.minimum(np.floor(np.log2(gaps[has_gap].clip(lower=1))) + 1, 47).where(
        gaps[has_gap] > 0, 0
    )
    hours = pd.crosstab(acc, (frame["ts"] % DAY) // 3600).reindex(columns=range(24), fill_value=0)
    h = hours.to_numpy(dtype=float)
    total = h.sum(axis=1, keepdims=True)
    p = np.where(h > 0, h / total, 1.0)
    windows = sum(np.roll(h, -k, axis=1) for k in range(night_hours))
    original = frame.drop_duplicates("event_id").set_index("event_id")["ts"]
    reposts = frame[frame["kind"] == "repost"]
    delay = reposts["ts"] - reposts["target_event_id"].map(original)
    timed = delay[delay >= 0]
    by_reposter = timed.groupby(reposts.loc[timed.index, "account_id"])
    within = (timed <= 60).groupby(reposts.loc[timed.index, "account_id"]).mean()
    lag_iqr = (by_reposter.quantile(0.75) - by_reposter.quantile(0.25)).where(
        by_reposter.size() >= 4
    )
    return pd.DataFrame(
        {
            "active_days": (frame["ts"] // DAY).groupby(acc).nunique(),
            "iet_mean_s": mean,
            "iet_cv": std / mean,
            "iet_entropy": _group_entropy(acc[has_gap], logbin),
            "hour_entropy": pd.Series(
                -(np.where(h > 0, h / total, 0.0) * np.log2(p)).sum(axis=1), index=hours.index
            ),
            "night_share": pd.Series(windows.min(axis=1) / total[:, 0], index=hours.index),
            "repost_within_60s_share": within,
            "repost_lag_iqr_s": lag_iqr,
        }
    )


def clock_inputs(events: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``clock_repeat_counts`` inputs: CSR offsets, second-of-day and day sorted by (account, sod)."""
    codes, ids = encode(events["account_id"])
    ts = events["ts"].to_numpy(dtype=np.int64)
    sod = ts % DAY_S
    order = np.lexsort((sod, codes))
    offsets = np.zeros(len(ids) + 1, np.int64)
    np.cumsum(np.bincount(codes, minlength=len(ids)), out=offsets[1:])
    return offsets, sod[order], ts[order] // DAY_S


def numpy_clock_repeat_counts(
    offsets: np.ndarray, sod: np.ndarray, day: np.ndarray, accounts: np.ndarray, slot_s: int,
    min_days: int,
) -> np.ndarray:  # fmt: skip
    """Per-account O(k^2) NumPy baseline: all pairwise clock distances, distinct days per row."""
    out = np.zeros(len(accounts), np.int64)
    for r, a in enumerate(accounts):
        x, d = sod[offsets[a] : offsets[a + 1]], day[offsets[a] : offsets[a + 1]]
        gap = np.abs(x[:, None] - x[None, :])
        within = np.minimum(gap, DAY_S - gap) <= slot_s
        _, dense = np.unique(d, return_inverse=True)
        onehot = np.zeros((len(d), dense.max() + 1), bool)
        onehot[np.arange(len(d)), dense] = True
        days_in_slot = ((within.astype(np.int32) @ onehot) > 0).sum(axis=1)
        out[r] = int((days_in_slot >= min_days).sum())
    return out


def numpy_pair_correlation(act, pa: np.ndarray, pb: np.ndarray, max_lag: int) -> np.ndarray:
    """Per-pair NumPy baseline of the same lag-tolerant correlation (intersect1d per lag)."""
    out = np.empty(len(pa))
    for k, (a, b) in enumerate(zip(pa, pb, strict=True)):
        xa = act.bins[act.offsets[a] : act.offsets[a + 1]]
        va = act.counts[act.offsets[a] : act.offsets[a + 1]].astype(float)
        xb = act.bins[act.offsets[b] : act.offsets[b + 1]]
        vb = act.counts[act.offsets[b] : act.offsets[b + 1]].astype(float)
        sx, sxx, sy, syy = va.sum(), va @ va, vb.sum(), vb @ vb
        best = -2.0
        for lag in sorted(range(-max_lag, max_lag + 1), key=lambda x: (abs(x), x)):
            _, ia, ib = np.intersect1d(xa, xb - lag, assume_unique=True, return_indices=True)
            sxy = va[ia] @ vb[ib]
            t = max(xa[-1], xb[-1] - lag) - min(xa[0], xb[0] - lag) + 1
            vx, vy = t * sxx - sx * sx, t * syy - sy * sy
            r = 0.0 if vx <= 0 or vy <= 0 else (t * sxy - sx * sy) / np.sqrt(vx * vy)
            best = max(best, r)
        out[k] = best
    return out


def run(quick: bool, seed: int) -> dict:
    n_events, n_accounts, n_pairs, days = (
        (50_000, 5_000, 50_000, 30) if quick else (1_000_000, 100_000, 1_000_000, 30)
    )
    n_baseline_pairs = 2_000 if quick else 5_000
    results: dict = {
        "benchmark": "timing",
        "quick": quick,
        "sizes": {"events": n_events, "accounts": n_accounts, "pairs": n_pairs, "days": days},
        "machine": {"python": platform.python_version(), "numba_threads": numba.get_num_threads()},
    }
    events, accounts = make_data(n_events, n_accounts, days, seed)
    # compile (or load the cache) on a tiny input so compile time is not counted
    _, compile_s = timed(
        lambda: (account_features(events.head(200), accounts), timing_edges(events.head(200)))
    )
    results["compile_s"] = round(compile_s, 3)

    feats, t_feat = timed(account_features, events, accounts)
    base, t_base = timed(pandas_features_baseline, events)
    mine = feats.set_index("account_id")[base.columns].astype(float)
    theirs = base.reindex(mine.index).astype(float)
    agree = np.allclose(mine.to_numpy(), theirs.to_numpy(), equal_nan=True)
    results["features"] = {
        "seconds": round(t_feat, 3),
        "events_per_s": round(n_events / t_feat),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "pandas_baseline_seconds": round(t_base, 3),
        "ratio_baseline_over_detector": round(t_base / t_feat, 2),
        "baseline_agrees": bool(agree),
        "baseline_note": "pandas groupby/crosstab/map baseline of the timing and repost columns only "
        "(no bursts, handles or profile), compared on those columns",
    }

    offsets, sod, day = clock_inputs(events)
    counts, t_clock = timed(clock_repeat_counts, offsets, sod, day, 5, 3)
    sizes = np.diff(offsets)
    sub = np.flatnonzero(sizes <= 3000)[: 500 if quick else 2000]  # bounded O(k^2) memory
    sub_offsets = np.r_[0, np.cumsum(sizes[sub])]
    rows = np.concatenate([np.arange(offsets[a], offsets[a + 1]) for a in sub])
    t_sub, sub_counts = best_of(clock_repeat_counts, sub_offsets, sod[rows], day[rows], 5, 3)
    ref, t_ref = timed(numpy_clock_repeat_counts, offsets, sod, day, sub, 5, 3)
    results["clock_repeat_kernel"] = {
        "seconds": round(t_clock, 3),
        "events_per_s": round(n_events / t_clock),
        "max_events_per_account": int(sizes.max()),
        "accounts_with_repeats": int((counts > 0).sum()),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "numpy_baseline_accounts": len(sub),
        "numpy_baseline_events": len(rows),
        "numpy_baseline_seconds": round(t_ref, 3),
        "kernel_seconds_on_baseline_subset": round(t_sub, 4),
        "ratio_baseline_over_detector": round(t_ref / max(t_sub, 1e-9), 1),
        "baseline_agrees": bool(
            np.array_equal(ref, sub_counts) and np.array_equal(ref, counts[sub])
        ),
        "baseline_note": "O(k^2) pairwise NumPy per account on a subset of accounts (<= 3000 "
        "events each); slot 5 s, 3 days",
    }

    params = TimingParams()
    act, t_act = timed(activity, events, params.bin_s)
    rng = np.random.default_rng(seed + 1)
    eligible = np.flatnonzero(act.n_bins >= params.min_active_bins)  # what timing_edges tests
    pa = eligible[rng.integers(0, len(eligible), n_pairs)]
    pb = eligible[rng.integers(0, len(eligible), n_pairs)]
    (corr, _, _), t_corr = timed(pair_correlation, act, pa, pb, params.max_lag_bins)
    sub = np.arange(n_baseline_pairs)
    ref, t_ref = timed(numpy_pair_correlation, act, pa[sub], pb[sub], params.max_lag_bins)
    per_pair_numba = t_corr / n_pairs
    per_pair_numpy = t_ref / len(sub)
    results["correlation"] = {
        "activity_seconds": round(t_act, 3),
        "pairs": n_pairs,
        "eligible_accounts": len(eligible),
        "mean_active_bins_per_eligible_account": round(float(act.n_bins[eligible].mean()), 1),
        "seconds": round(t_corr, 3),
        "pairs_per_s": round(n_pairs / t_corr),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "numpy_baseline_pairs": len(sub),
        "numpy_baseline_seconds": round(t_ref, 3),
        "numpy_baseline_extrapolated_seconds": round(per_pair_numpy * n_pairs, 1),
        "ratio_baseline_over_detector": round(per_pair_numpy / per_pair_numba, 1),
        "baseline_max_abs_diff": float(np.abs(ref - corr[sub]).max()),
    }
    edges, t_edges = timed(timing_edges, events)
    results["timing_edges_lsh"] = {
        "seconds": round(t_edges, 3),
        "candidates": int(edges.attrs["n_candidates"]),
        "eligible_accounts": int(edges.attrs["n_eligible_accounts"]),
        "capped_buckets": int(edges.attrs["lsh_capped_buckets"]),
        "edges": len(edges),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }
    results["peak_rss_mb"] = round(peak_rss_mb(), 1)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small size (< 30 s), used by CI")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None, help="JSON output path")
    args = parser.parse_args(argv)
    results = run(args.quick, args.seed)
    out = args.out or Path(__file__).parent / "results" / (
        "bench_timing_quick.json" if args.quick else "bench_timing.json"
    )
    write_text_atomic(out, json.dumps(results, indent=2, sort_keys=True) + "\n")
    json.dump(results, sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write(f"\nwritten to {out}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

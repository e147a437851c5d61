"""Run the scan on every scenario x format x seed and report every group separately.

Each run builds a scenario (:mod:`builder`), writes it in one export format, reads it back
with :func:`detector.io.read_inputs` (the path a user's file takes), scans it with
:func:`detector.pipeline.run_scan` (with the scenario's officials registry, as
``detector scan --officials`` does) and compares the flags with ``truth.csv``.

Per run and group: accounts, flagged accounts, flagged share (recall for a campaign group,
false-positive rate otherwise). Per run: campaign F1 per campaign type (precision over all
accounts of the run, as :func:`detector.evaluate.evaluate` computes per strategy) and the
ROC-AUC of the score. Across runs: mean and worst value, against :data:`TARGETS`.
"""

from __future__ import annotations

import sys
import tempfile
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from detector.evaluate import evaluate

from .builder import build, write
from .spec import load_spec, scenario_files

__all__ = ["TARGETS", "print_suite", "run_suite", "summarise_suite"]

TARGETS: dict[str, float] = {"campaign_f1": 0.95, "hard_negative_fpr": 0.01, "organic_fpr": 0.005, "roc_auc": 0.98}
"""Issue 14's targets: campaign F1 per type >= 0.95, each hard-negative group <= 1 %,
ordinary users <= 0.5 %, ROC-AUC of the score >= 0.98."""


def _scan(events_path: Path, officials_path: Path, officials: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
    from detector.io import read_inputs
    from detector.pipeline import run_scan
    from detector.progress import set_quiet

    set_quiet(True)
    ingest = read_inputs(events_path)
    result = run_scan(ingest.events, ingest.accounts, officials=officials_path if len(officials) else None,
                      progress=False)
    scored = result.scored[["account_id", "score", "flagged", "cluster_id"]].copy()
    return scored, {"n_events_read": int(len(ingest.events)), "n_accounts_read": int(len(ingest.accounts)),
                    "clusters": int(len(result.clusters))}


def run_one(path: Path, seed: int, fmt: str, quick: bool, level: str | None = None) -> dict[str, Any]:
    """Build, write, read back, scan and score one scenario x format x seed."""
    t0 = time.perf_counter()
    spec = load_spec(path, level=level)
    ds = build(spec, seed, quick=quick)
    run: dict[str, Any] = {"scenario": ds.name, "seed": seed, "format": fmt, "level": spec["level"],
                           "n_events": int(len(ds.events))}
    with tempfile.TemporaryDirectory(prefix="scenario-") as tmp:
        paths = write(ds, tmp, fmt)
        truth = pd.read_csv(paths["truth"], dtype=str, keep_default_na=False, na_values=[""])
        run["build_s"] = round(time.perf_counter() - t0, 2)
        t1 = time.perf_counter()
        scored, info = _scan(paths["events"], paths["officials"], ds.officials)
        run["scan_s"] = round(time.perf_counter() - t1, 2)
    run.update(info)
    metrics = evaluate(truth, scored)
    run["roc_auc"] = metrics["overall"]["roc_auc"]
    run["precision"] = metrics["overall"]["precision"]
    run["campaign_f1"] = {s: m["f1"] for s, m in metrics["per_strategy"].items()}
    merged = truth.merge(scored[["account_id", "flagged"]], on="account_id", how="left")
    merged["flagged"] = merged["flagged"].fillna(False).astype(bool)
    run["groups"] = {
        str(g): {"role": str(sub["label"].iloc[0]), "type": str(sub["strategy"].iloc[0]), "n": int(len(sub)),
                 "flagged": int(sub["flagged"].sum()), "share": float(sub["flagged"].mean())}
        for g, sub in merged.groupby("group", sort=True)
    }
    return run


def run_suite(files: Sequence[Path] | None = None, quick: bool = True, seeds: Sequence[int] | None = None,
              formats: Sequence[str] | None = None, level: str | None = None) -> list[dict[str, Any]]:
    """Every scenario x format x seed (defaults: the file's ``seeds``/``formats``, or its ``quick`` ones)."""
    runs = []
    for path in files or scenario_files():
        spec = load_spec(path, level=level)
        qspec = spec.get("quick") or {}
        use_seeds = list(seeds) if seeds else (qspec.get("seeds", spec.get("seeds", [0, 1])[:2]) if quick
                                               else spec.get("seeds", [0, 1, 2]))
        use_formats = list(formats) if formats else (qspec.get("formats", spec.get("formats", [])[:1]) if quick
                                                     else spec.get("formats", ["twitter-v2"]))
        for fmt in use_formats:
            for seed in use_seeds:
                t0 = time.perf_counter()
                try:
                    run = run_one(Path(path), int(seed), fmt, quick, level)
                    run["status"] = "ok"
                except Exception as exc:  # noqa: BLE001 - a failing scenario is a scoreboard row, not a crash
                    run = {"scenario": spec["name"], "seed": seed, "format": fmt, "status": "error",
                           "error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc(limit=4)}
                run["seconds"] = round(time.perf_counter() - t0, 2)
                runs.append(run)
                print(f"  scenario {spec['name']:<24} {fmt:<11} seed {seed}  {run['status']:<6} "
                      f"{run['seconds']:>6.1f} s", file=sys.stderr, flush=True)
    return runs


def _stats(values: list[float], worst: str) -> dict[str, Any]:
    arr = np.asarray(values, dtype=float)
    return {"mean": round(float(arr.mean()), 4), "worst": round(float(arr.min() if worst == "min" else arr.max()), 4),
            "runs": int(len(arr))}


def summarise_suite(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Per group, per campaign type, ordinary users and ROC-AUC across runs, each against its target."""
    ok = [r for r in runs if r.get("status") == "ok"]
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for r in ok:
        for g, v in r["groups"].items():
            slot = groups.setdefault((r["scenario"], g), {"role": v["role"], "type": v["type"], "shares": [],
                                                          "n": [], "flagged": 0})
            slot["shares"].append(v["share"])
            slot["n"].append(v["n"])
            slot["flagged"] += v["flagged"]
    rows = []
    for (scn, g), slot in sorted(groups.items()):
        role = slot["role"]
        if role == "campaign":
            st, target, op = _stats(slot["shares"], "min"), None, "recall"
        else:
            st = _stats(slot["shares"], "max")
            target = TARGETS["organic_fpr"] if g == "organic" else TARGETS["hard_negative_fpr"]
            op = "fpr"
        rows.append({"scenario": scn, "group": g, "role": role, "type": slot["type"], "measure": op,
                     "n_mean": round(float(np.mean(slot["n"])), 1), "flagged_total": slot["flagged"], **st,
                     "target": target, "miss": target is not None and st["worst"] > target})
    by_type: dict[str, list[float]] = {}
    for r in ok:
        for s, f1 in r["campaign_f1"].items():
            by_type.setdefault(s, []).append(f1)
    types = {s: {**_stats(v, "min"), "target": TARGETS["campaign_f1"],
                 "miss": float(np.min(v)) < TARGETS["campaign_f1"]} for s, v in sorted(by_type.items())}
    aucs = [r["roc_auc"] for r in ok if r.get("roc_auc") is not None]
    auc = {**_stats(aucs, "min"), "target": TARGETS["roc_auc"], "miss": float(np.min(aucs)) < TARGETS["roc_auc"]} \
        if aucs else None
    org = [(r["groups"]["organic"]["flagged"], r["groups"]["organic"]["n"]) for r in ok if "organic" in r["groups"]]
    organic = {"flagged": int(sum(f for f, _ in org)), "n": int(sum(n for _, n in org)),
               "pooled_fpr": round(sum(f for f, _ in org) / max(sum(n for _, n in org), 1), 5)}
    hn = [row for row in rows if row["role"] == "hard_negative"]
    return {"groups": rows, "campaign_types": types, "roc_auc": auc, "organic": organic,
            "runs_ok": len(ok), "runs_failed": len(runs) - len(ok),
            "misses": {"campaign_types": sorted(s for s, v in types.items() if v["miss"]),
                       "hard_negative_groups": sorted(f"{r['scenario']}/{r['group']}" for r in hn if r["miss"]),
                       "organic": [r["scenario"] for r in rows if r["group"] == "organic" and r["miss"]],
                       "roc_auc": bool(auc and auc["miss"])}}


def print_suite(summary: dict[str, Any], runs: list[dict[str, Any]]) -> None:
    """The per-group table with targets; ``*`` marks a miss (worst run against the target)."""
    print("\nscenario suite: every group of every scenario (mean / worst over formats x seeds; * = worst misses "
          "the target)")
    head = f"{'scenario':<22} {'group':<24} {'role':<13} {'type':<24} {'measure':<7} {'n':>6} {'mean':>6} " \
           f"{'worst':>6} {'target':>7}"
    print(head)
    print("-" * len(head))
    for row in summary["groups"]:
        target = "" if row["target"] is None else f"<={row['target']:.3f}"
        print(f"{row['scenario'][:22]:<22} {row['group'][:24]:<24} {row['role']:<13} {row['type'][:24]:<24} "
              f"{row['measure']:<7} {row['n_mean']:>6.0f} {row['mean']:>6.3f} {row['worst']:>6.3f} {target:>7}"
              f"{'*' if row['miss'] else ''}")
    print("\ncampaign F1 per type (precision over all accounts of the run x the type's recall; target >= 0.95)")
    for s, v in summary["campaign_types"].items():
        print(f"  {s:<28} mean {v['mean']:.3f}  worst {v['worst']:.3f}  runs {v['runs']}{'  *' if v['miss'] else ''}")
    auc = summary["roc_auc"]
    if auc:
        print(f"ROC-AUC of the score: mean {auc['mean']:.3f}, worst {auc['worst']:.3f} (target >= 0.98)"
              f"{'  *' if auc['miss'] else ''}")
    org = summary["organic"]
    print(f"ordinary users flagged: {org['flagged']} of {org['n']} (pooled {org['pooled_fpr']:.4f}; target <= 0.005)")
    for r in runs:
        if r.get("status") != "ok":
            print(f"  ERROR {r['scenario']} {r['format']} seed {r['seed']}: {r.get('error', '')[:160]}")

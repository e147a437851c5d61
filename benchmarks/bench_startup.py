"""Start-up benchmark: ``detector --help``, ``--version`` and ``detector hashtag`` on the sample, cold and warm.

Every figure is the wall time (seconds) of a fresh ``detector`` process, as a
user would run it:

* ``--help`` and ``--version``: best of ``--repeat`` runs (warm: the
  interpreter and package files are in the OS cache after the first);
* ``detector hashtag '#CoolJapan' sample_data/events.jsonl.gz --officials
  sample_data/officials.csv -o DIR``: **cold** is the first run with an empty
  Numba cache directory (``NUMBA_CACHE_DIR`` set to a new temporary folder, so
  every kernel is compiled: the first run after installing), **warm** the best
  of ``--repeat`` later runs with that cache filled (kernels loaded from it).
  The baseline, in the same session, is ``python -c "import pandas, numba,
  pyarrow"``: the floor any run of the scan pays before reading a byte.

The JSON (``benchmarks/results/bench_startup[_quick].json``) records the
machine, the load average before and after, and the targets (issue 16:
``--help`` < 0.5 s warm, ``hashtag`` < 3 s warm). ``--quick`` skips the cold
run (which compiles every kernel: one to three minutes) and repeats twice.

Usage::

    python benchmarks/bench_startup.py            # cold + 3 warm runs
    python benchmarks/bench_startup.py --quick    # warm only (CI)
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import load_average, machine, write_result

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"


def _detector() -> list[str]:
    exe = Path(sys.executable).with_name("detector")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "detector.cli"]


def run_once(args: list[str], env: dict[str, str] | None = None) -> float:
    """Wall seconds of one process ``args`` (output discarded; a failure raises)."""
    t = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=ROOT)
    return time.perf_counter() - t


def best(args: list[str], repeat: int, env: dict[str, str] | None = None) -> tuple[float, list[float]]:
    runs = [round(run_once(args, env), 3) for _ in range(max(repeat, 1))]
    return min(runs), runs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="warm runs only, 2 repeats (CI)")
    ap.add_argument("--repeat", type=int, default=3, help="warm runs per command (best reported)")
    ap.add_argument("--tag", default="#CoolJapan", help="hashtag for `detector hashtag`")
    ap.add_argument("--out", default=None, help="JSON result path")
    args = ap.parse_args(argv)
    repeat = 2 if args.quick else args.repeat
    det = _detector()
    res: dict = {"benchmark": "bench_startup", "quick": bool(args.quick), "load_average_start": load_average()}
    res["import_floor_s"], res["import_floor_runs_s"] = best(
        [sys.executable, "-c", "import pandas, numba, pyarrow"], repeat
    )
    res["help_s"], res["help_runs_s"] = best([*det, "--help"], repeat)
    res["version_s"], res["version_runs_s"] = best([*det, "--version"], repeat)
    cache = Path(tempfile.mkdtemp(prefix="detector_numba_cache_"))
    out = Path(tempfile.mkdtemp(prefix="detector_startup_out_"))
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache)}
    hashtag = [
        *det, "hashtag", args.tag, str(SAMPLE / "events.jsonl.gz"),
        "--officials", str(SAMPLE / "officials.csv"), "-o", str(out), "--quiet",
    ]
    try:
        if args.quick:
            run_once(hashtag, env)  # fills the cache; not reported as cold (quick mode skips it)
            res["hashtag_cold_s"] = None
        else:
            res["hashtag_cold_s"] = round(run_once(hashtag, env), 3)
        res["hashtag_warm_s"], res["hashtag_warm_runs_s"] = best(hashtag, repeat, env)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
    res["load_average_end"] = load_average()
    res["targets"] = {"help_s": 0.5, "hashtag_warm_s": 3.0}
    res["meets_targets"] = {"help": res["help_s"] < 0.5, "hashtag_warm": res["hashtag_warm_s"] < 3.0}
    res["machine"] = machine()
    path = write_result(res, args.out, "bench_startup", args.quick)
    print(
        f"--help {res['help_s']:.2f} s, --version {res['version_s']:.2f} s, import floor {res['import_floor_s']:.2f} s; "
        f"hashtag cold {res['hashtag_cold_s']} s, warm {res['hashtag_warm_s']:.2f} s "
        f"(load {res['load_average_start']} -> {res['load_average_end']})"
    )
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

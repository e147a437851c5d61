"""Start-up benchmark: ``detector --help``, ``--version``, ``detector hashtag`` and ``detector account`` on the sample.

Every figure is the wall time (seconds) of a fresh ``detector`` process, as a
user would run it, with its CPU time (user + system seconds of the child,
``*_cpu_s``: less disturbed than the wall time on a shared machine):

* ``--help`` and ``--version``: best of ``--repeat`` runs (warm: the
  interpreter and package files are in the OS cache after the first);
* ``detector hashtag '#CoolJapan' sample_data/events.jsonl.gz --officials
  sample_data/officials.csv -o DIR`` and ``detector account jp_mfa ...`` (the
  same inputs): **cold** is the first run with an empty Numba cache directory
  (``NUMBA_CACHE_DIR`` set to a new temporary folder, so every kernel is
  compiled: the first run after installing), **warm** the best of
  ``--repeat`` later runs with that cache filled (kernels loaded from it).
  The baseline, in the same session, is ``python -c "import pandas, numba,
  pyarrow"``: the floor any run of the scan pays before reading a byte.

Python byte code is cached as after ``pip install`` (which compiles it):
``PYTHONDONTWRITEBYTECODE`` is removed from the children's environment, and
the package is byte-compiled first (``compileall``), so no run compiles the
package's source (with that variable set, as in some sandboxes, every run
compiles about 0.3-0.7 s of source).

The JSON (``benchmarks/results/bench_startup[_quick].json``) records the
machine, the load average before and after, and the targets (issue 16:
``--help`` < 0.5 s warm, ``hashtag`` < 3 s warm). ``--quick`` skips the cold
runs (which compile every kernel: one to three minutes each) and repeats twice.

Usage::

    python benchmarks/bench_startup.py            # cold + 3 warm runs
    python benchmarks/bench_startup.py --quick    # warm only (CI)
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
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
    return [str(exe)] if exe.exists() else [sys.executable, "-c", "from detector.cli import main; main()"]


def _env(**extra: str) -> dict[str, str]:
    """The children's environment: byte code cached as after ``pip install`` (module docstring)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, **extra}


def run_once(args: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """``(wall seconds, CPU seconds)`` of one process ``args`` (output discarded; a failure raises).

    Exit status 1 (the verdict reached ``--fail-on``) and 3 (too little data)
    are answers, not failures.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env or _env(), cwd=ROOT)
    wall = time.perf_counter() - t
    if proc.returncode not in (0, 1, 3):
        raise subprocess.CalledProcessError(proc.returncode, args, stderr=proc.stderr)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def best(args: list[str], repeat: int, env: dict[str, str] | None = None) -> dict[str, object]:
    """Best wall and CPU seconds of ``repeat`` runs, with every run's figures."""
    runs = [run_once(args, env) for _ in range(max(repeat, 1))]
    return {
        "s": round(min(w for w, _ in runs), 3),
        "cpu_s": round(min(c for _, c in runs), 3),
        "runs_s": [round(w, 3) for w, _ in runs],
        "runs_cpu_s": [round(c, 3) for _, c in runs],
    }


def _put(res: dict, name: str, figures: dict[str, object]) -> None:
    for key, value in figures.items():
        res[f"{name}_{key}"] = value


def focused(det: list[str], command: str, focus: str, repeat: int, quick: bool) -> dict[str, object]:
    """Cold (empty Numba cache; skipped with ``quick``) and warm figures of ``detector COMMAND FOCUS`` on the sample."""
    cache = Path(tempfile.mkdtemp(prefix="detector_numba_cache_"))
    out = Path(tempfile.mkdtemp(prefix="detector_startup_out_"))
    env = _env(NUMBA_CACHE_DIR=str(cache))
    args = [
        *det, command, focus, str(SAMPLE / "events.jsonl.gz"),
        "--officials", str(SAMPLE / "officials.csv"), "-o", str(out), "--quiet",
    ]
    res: dict[str, object] = {}
    try:
        wall, cpu = run_once(args, env)  # fills the cache
        res["cold_s"], res["cold_cpu_s"] = (None, None) if quick else (round(wall, 3), round(cpu, 3))
        _put(res, "warm", best(args, repeat, env))
    finally:
        shutil.rmtree(cache, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="warm runs only, 2 repeats (CI)")
    ap.add_argument("--repeat", type=int, default=3, help="warm runs per command (best reported)")
    ap.add_argument("--tag", default="#CoolJapan", help="hashtag for `detector hashtag`")
    ap.add_argument("--handle", default="jp_mfa", help="handle for `detector account`")
    ap.add_argument("--out", default=None, help="JSON result path")
    args = ap.parse_args(argv)
    repeat = 2 if args.quick else args.repeat
    det = _detector()
    compileall.compile_dir(str(ROOT / "detector"), quiet=1)  # as pip install does
    res: dict = {"benchmark": "bench_startup", "quick": bool(args.quick), "load_average_start": load_average()}
    _put(res, "import_floor", best([sys.executable, "-c", "import pandas, numba, pyarrow"], repeat))
    _put(res, "help", best([*det, "--help"], repeat))
    _put(res, "version", best([*det, "--version"], repeat))
    for command, focus in (("hashtag", args.tag), ("account", args.handle)):
        _put(res, command, focused(det, command, focus, repeat, args.quick))
    res["load_average_end"] = load_average()
    res["targets"] = {"help_s": 0.5, "hashtag_warm_s": 3.0, "account_warm_s": 3.0}
    res["meets_targets"] = {
        "help": res["help_s"] < 0.5,
        "hashtag_warm": res["hashtag_warm_s"] < 3.0,
        "account_warm": res["account_warm_s"] < 3.0,
    }
    res["machine"] = machine()
    path = write_result(res, args.out, "bench_startup", args.quick)
    print(
        f"--help {res['help_s']:.2f} s, --version {res['version_s']:.2f} s, import floor {res['import_floor_s']:.2f} s"
    )
    for command in ("hashtag", "account"):
        print(
            f"{command}: cold {res[f'{command}_cold_s']} s, warm {res[f'{command}_warm_s']:.2f} s "
            f"(CPU {res[f'{command}_warm_cpu_s']:.2f} s)"
        )
    print(f"load {res['load_average_start']} -> {res['load_average_end']}; wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

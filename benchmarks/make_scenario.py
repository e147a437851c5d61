"""Write one adversarial scenario (``benchmarks/scenarios/*.yaml``) to disk, in one or more formats.

Usage
-----
``python benchmarks/make_scenario.py newsroom --seed 0 --format twitter-v1 -o out/newsroom``
``python benchmarks/make_scenario.py spamouflage_fandom --quick --level hard --knob edit_rate=0.2 -o out/spam``

Each format goes to ``OUT/FORMAT/`` (events file, ``truth.csv``, ``officials.csv``,
``scenario.json``); then ``detector scan OUT/FORMAT/events.jsonl --officials
OUT/FORMAT/officials.csv -o scan/`` and ``detector evaluate`` against ``truth.csv``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from scenarios import FORMATS, SpecError, build, load_spec, scenario_files, write  # noqa: E402


def _path(name: str) -> Path:
    path = Path(name)
    if path.suffix in (".yaml", ".yml") and path.exists():
        return path
    known = {f.stem: f for f in scenario_files()}
    if name not in known:
        raise SystemExit(f"unknown scenario {name!r}; known: {', '.join(known)} (or a path to a .yaml file)")
    return known[name]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", help="scenario name (file stem in benchmarks/scenarios/) or a .yaml path")
    parser.add_argument("-o", "--out", required=True, help="output directory (one sub-directory per format)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--format", action="append", choices=FORMATS,
                        help="export format (repeatable; default: every format of the scenario)")
    parser.add_argument("--quick", action="store_true", help="the scenario's quick sizes")
    parser.add_argument("--level", default=None, help="difficulty level (the file's levels:)")
    parser.add_argument("--knob", action="append", default=[], metavar="NAME=VALUE",
                        help="override one knob (value read as YAML: 0.2, [0, 60]...)")
    args = parser.parse_args(argv)
    overrides = {}
    for item in args.knob:
        name, sep, value = item.partition("=")
        if not sep:
            parser.error(f"--knob needs NAME=VALUE, got {item!r}")
        overrides[name] = yaml.safe_load(value)
    try:
        spec = load_spec(_path(args.scenario), level=args.level, overrides=overrides)
    except SpecError as exc:
        print(exc, file=sys.stderr)
        return 2
    ds = build(spec, args.seed, quick=args.quick)
    for fmt in args.format or spec.get("formats", list(FORMATS)):
        paths = write(ds, Path(args.out) / fmt, fmt)
        print(f"{fmt:<11} {paths['events']}  ({len(ds.events):,} events; truth {paths['truth']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

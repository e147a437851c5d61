"""Adversarial scenario suite: declarative YAML scenarios, one shared builder, a per-group runner.

Import with ``benchmarks/`` on ``sys.path`` (``benchmarks/quality.py`` and the tests do):
``from scenarios import build_file, write, run_suite``. See ``README.md`` in this directory.
"""

from .builder import Dataset, build, build_file, write
from .spec import FORMATS, SpecError, load_spec, scenario_files
from .suite import TARGETS, print_suite, run_suite, summarise_suite

__all__ = ["FORMATS", "TARGETS", "Dataset", "SpecError", "build", "build_file", "load_spec", "print_suite",
           "run_suite", "scenario_files", "summarise_suite", "write"]

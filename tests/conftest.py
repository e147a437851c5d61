"""Shared fixtures: the hand-built scenario (tests/test_pipeline_scenario.py) and one scan of it.

Session-scoped: the scan is run once for every test module that asks for it
(``scenario_data``, ``scenario_scan``). Tests must not modify them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
sys.path.insert(0, str(TESTS))  # helper modules (naive, _paths, _io_reference...) at the root
# test modules import each other by module name, whichever folder under tests/ they sit in
# (the folders mirror detector/; module names are unique across them)
sys.path.extend(str(d) for d in sorted(TESTS.iterdir()) if d.is_dir() and any(d.glob("test_*.py"))
                and not (d / "__init__.py").exists())

from _paths import SHARED_DATA  # noqa: E402
from test_pipeline_scenario import scenario  # noqa: E402


@pytest.fixture(scope="session")
def scenario_data():
    """``(events, accounts, truth)`` of the scenario with seed 0."""
    return scenario(seed=0)


@pytest.fixture(scope="session")
def scenario_scan(scenario_data):
    """:func:`detector.pipeline.run_scan` of :func:`scenario_data` with default parameters."""
    from detector.pipeline import run_scan

    events, accounts, _ = scenario_data
    return run_scan(events, accounts)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data``, or skip the test with a clear message when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data not found at {SHARED_DATA} (see /work/shared/data/README.md)")
    return SHARED_DATA

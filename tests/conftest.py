"""Shared fixtures: the hand-built scenario (tests/test_pipeline_scenario.py) and one scan of it.

Session-scoped: the scan is run once for every test module that asks for it
(``scenario_data``, ``scenario_scan``). Tests must not modify them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # test helper modules import each other

from test_pipeline_scenario import scenario  # noqa: E402

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
"""Real data nobody on the project wrote (``../shared/data``, see its README); tests skip without it."""


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

"""Where the tests find their data, whichever folder under ``tests/`` a test module sits in."""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parent
"""The ``tests/`` folder (conftest.py, naive.py and the helper modules live here)."""

ROOT = TESTS.parent
"""The checkout: ``sample_data/``, ``docs/``, ``benchmarks/``."""

FIXTURES = TESTS / "io" / "fixtures"
"""The readers' fixture files (``conversation/``, ``research/``, one file per format)."""

SHARED_DATA = ROOT.parent / "shared" / "data"
"""Real data nobody on the project wrote (``../shared/data``, see its README); tests skip without it."""

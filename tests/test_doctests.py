"""The examples in the main docstrings run (the public API, params, window policy, scoring text)."""

from __future__ import annotations

import doctest
import importlib

import pytest
from _paths import ROOT

MODULES = (
    "detector",
    "detector.params",
    "detector.pipeline",
    "detector.evidence.windows",
    "detector.scoring.explain",
    "detector.cli.common",
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, raise_on_error=False, verbose=False)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"


def test_public_api_names():
    import detector

    assert set(detector.__all__) >= {"read_inputs", "ScanParams", "run_scan", "write_outputs"}
    from detector.io import read_inputs
    from detector.params import ScanParams
    from detector.pipeline import run_scan, write_outputs

    assert (detector.read_inputs, detector.ScanParams, detector.run_scan, detector.write_outputs) == (
        read_inputs, ScanParams, run_scan, write_outputs)
    with pytest.raises(AttributeError):
        detector.no_such_name  # noqa: B018


def test_docs_hold_the_one_scoring_text():
    """docs/scan.md, report.json and the HTML glossary say the same thing (detector/scoring/explain.py)."""

    from detector.report.html.sections import SCORE_DEFS
    from detector.scoring.explain import PLAIN_DEFINITIONS, markdown

    doc = (ROOT / "docs" / "scan.md").read_text(encoding="utf-8")
    assert markdown() in doc, "docs/scan.md is stale: run python -m detector.scoring.explain docs/scan.md"
    assert SCORE_DEFS[: len(PLAIN_DEFINITIONS)] == PLAIN_DEFINITIONS


def test_report_notes_start_with_the_scoring_text(scenario_scan):
    from detector.scoring.explain import SCORING_NOTES

    notes = scenario_scan.report["methods"]["notes"]
    assert tuple(notes[: len(SCORING_NOTES)]) == SCORING_NOTES

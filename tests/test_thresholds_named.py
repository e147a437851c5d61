"""Verdict and confidence cut-offs are named once, in detector.thresholds, and read from there (issue 19)."""

from __future__ import annotations

import ast
from pathlib import Path

import _paths
import pandas as pd
import pytest

from detector import thresholds as th
from detector.report import confidence
from detector.report.json_report import verdict

ROOT = _paths.ROOT / "detector"


def _flagged_case(share: float, cluster_score: float | None = None) -> dict:
    """A verdict with one flagged account making ``share`` of the events (and a flagged cluster if scored)."""
    scored = pd.DataFrame({"account_id": ["a", "b", "c"], "flagged": [True, False, False]})
    rows = [] if cluster_score is None else [
        {"cluster_id": 0, "size": 3, "score": cluster_score, "flagged": True, "member_synchrony": 0.0, "reasons": []}
    ]
    clusters = pd.DataFrame(rows, columns=["cluster_id", "size", "score", "flagged", "member_synchrony", "reasons"])
    return verdict(scored, clusters, share, 100)


def test_verdict_levels_follow_the_named_cut_offs(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _flagged_case(0.04)["level"] == "low"
    assert _flagged_case(0.06)["level"] == "medium"
    assert _flagged_case(0.25)["level"] == "high"
    assert _flagged_case(0.0, cluster_score=0.85)["level"] == "high"
    # moved cut-offs move the levels: the verdict reads them from detector.thresholds
    monkeypatch.setattr(th, "VERDICT_MEDIUM_EVENT_SHARE", 0.03)
    monkeypatch.setattr(th, "VERDICT_HIGH_EVENT_SHARE", 0.3)
    monkeypatch.setattr(th, "VERDICT_HIGH_CLUSTER_SCORE", 0.9)
    assert _flagged_case(0.04)["level"] == "medium"
    assert _flagged_case(0.25)["level"] == "medium"
    assert _flagged_case(0.0, cluster_score=0.85)["level"] == "medium"


def test_missing_coverage_cut_off_is_read_from_thresholds(monkeypatch: pytest.MonkeyPatch) -> None:
    scored = pd.DataFrame({"account_id": ["a"], "flagged": [False]})
    clusters = pd.DataFrame(columns=["cluster_id", "size", "score", "flagged", "member_synchrony", "reasons"])
    coverage = {"synchrony": 1.0, "duplicate_text": 0.4, "profile": 0.4, "automation": 1.0}
    assert verdict(scored, clusters, 0.0, 10, coverage=coverage)["missing_evidence"] == ["duplicate_text", "profile"]
    monkeypatch.setattr(th, "MISSING_COVERAGE", 0.3)
    assert verdict(scored, clusters, 0.0, 10, coverage=coverage)["missing_evidence"] == []


def test_confidence_levels_and_method_text_use_the_named_values() -> None:
    assert (confidence.STRONG_P, confidence.MODERATE_P, confidence.WEAK_P) == (
        th.CONFIDENCE_STRONG_P, th.CONFIDENCE_MODERATE_P, th.CONFIDENCE_WEAK_P,
    )
    assert confidence.STRONG_MEMBER == th.CONFIDENCE_STRONG_MEMBER
    assert f"with {th.GROUP_PARTNERS} or more accounts" in confidence.METHOD
    members = pd.DataFrame({"synchrony": [0.0, 0.0], "automation": [0.0, 0.0]})
    out = confidence.cluster_confidence({}, members, members)
    assert out["statement"] == "Weak: no kind of evidence is rarer than 1 in 20 for a random group of 2 accounts here."


_CUT_OFF_FILES = ("report/json_report.py", "report/confidence.py", "report/verdict.py", "focus.py", "report/focus.py")


def _compared_fractions(path: Path) -> list[str]:
    """Fractional literals (0 < x < 1) compared with ``<``, ``<=``, ``>``, ``>=`` or passed as ``cutoff=``."""
    hits = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        values = []
        if isinstance(node, ast.Compare):
            values = [node.left, *node.comparators]
        elif isinstance(node, ast.keyword) and node.arg == "cutoff":
            values = [node.value]
        for v in values:
            if isinstance(v, ast.Constant) and isinstance(v.value, float) and 0 < v.value < 1:
                hits.append(f"{path.name}:{v.lineno}: {v.value}")
    return hits


def test_no_verdict_or_confidence_cut_off_is_a_bare_number() -> None:
    hits = [h for name in _CUT_OFF_FILES for h in _compared_fractions(ROOT / name)]
    assert hits == [], hits


def test_schema_verdict_levels_state_the_named_values() -> None:
    text = (ROOT / "report" / "SCHEMA.md").read_text(encoding="utf-8")
    levels = text.split("## Verdict levels", 1)[1].split("\n## ", 1)[0]
    flat = " ".join(levels.split())
    assert f"cluster with score >= {th.VERDICT_HIGH_CLUSTER_SCORE:g}" in flat
    assert f"made >= {th.VERDICT_HIGH_EVENT_SHARE:.0%}".replace("%", " %") in flat
    assert f"made >= {th.VERDICT_MEDIUM_EVENT_SHARE:.0%}".replace("%", " %") in flat
    assert f"`member_synchrony` in clusters.csv, >= {th.SYNC_GROUP_MIN:g}" in flat
    assert f"below {th.MISSING_COVERAGE:g}" in flat
    assert {2: "two"}[th.UNDETERMINED_MIN_MISSING] + " or more of the other" in flat

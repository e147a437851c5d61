"""Reason strings: every number with its unit or named a score; the population's median and percentile."""

from __future__ import annotations

import re

import pytest

from detector.scoring import reasons as rs
from detector.scoring.evidence_tests import ACCOUNT_TESTS, describe
from detector.scoring.scores import _reasons

NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def test_account_age_in_days_against_the_population():
    text = describe("young", 13.0, 1465.0, 0.991, 0.87)
    assert text == (
        "young account: created 13 days before its first post here "
        "(population median: created 1465 days before its first post here; more extreme than 99.1% of accounts) "
        "[test 0.87]"
    )


def test_regularity_explains_its_scale():
    text = describe("regular", 0.12, 0.95, 0.97, 0.5)
    assert "coefficient of variation 0.12 (about 1 for people, 0 for a clock)" in text
    assert "population median: inter-event time coefficient of variation 0.95;" in text


def test_percentile_words():
    assert rs.percentile(0.96) == "more extreme than 96.0% of accounts"
    assert rs.percentile(0.9999) == "the most extreme account"
    assert rs.percentile(float("nan")) == "unknown percentile"


def test_p_values_and_group_tests():
    assert rs.p_value(3.2e-5) == "p = 3.2e-05"
    assert rs.p_value(0.0) == "p < 1e-12"
    text = rs.group_test("young", "are young accounts", 40, 80, 0.05, 1e-20, 1.0)
    assert text.startswith("40 of 80 members are young accounts vs 5.0% of the population (enrichment 10.0x")
    assert "p < 1e-12 after FDR adjustment" in text and text.endswith("[group test young 1.00]")
    assert "not seen elsewhere" in rs.group_test("young", "are young", 3, 10, 0.0, 1e-3, 0.5)


def _row():
    return {
        "sync_repeat": 7, "timing_partners": 11, "recurring_partners": 0, "text_partners": 11, "dup_share": 0.64,
        "age_days": 13.0, "handle_randomness": 0.9, "iet_cv": 0.1, "posts_per_day": 30.0,
        "repost_lag_spread": 0.03, "clock_repeat_share": 0.2,
    }


UNITS = ("days", "statuses", "%", "accounts", "partners", "score", "posts/links/hashtags", "coefficient of variation",
         "test ", "members", "cluster", "spread", "randomness", "events per active day", "0-1", "people",
         "days")


@pytest.mark.parametrize("with_cluster", [False, True])
def test_every_number_in_an_account_reason_has_a_unit_or_name(with_cluster):
    fam = {"synchrony": 0.9, "duplicate_text": 0.8, "profile": 0.7, "automation": 0.6}
    tests = {name: 0.0 for name in ACCOUNT_TESTS}
    tests.update({"sync_repeat": 0.9, "timing": 0.8, "text_partners": 0.8, "dup_share": 0.5, "young": 0.7,
                  "handle": 0.3, "regular": 0.6, "rate": 0.4, "fixed_lag": 0.3, "schedule": 0.3})
    pct = {name: 0.97 for name in ACCOUNT_TESTS}
    med = {"sync_repeat": 0.0, "age_days": 1465.0, "iet_cv": 0.95, "posts_per_day": 1.2, "repost_lag_spread": 1.2,
           "timing_partners": 0.0, "text_partners": 0.0, "dup_share": 0.0, "handle_randomness": 0.1,
           "clock_repeat_share": 0.0}
    cluster = {"cluster_id": 3, "size": 12, "score": 0.98} if with_cluster else None
    reasons = _reasons(_row(), fam, tests, pct, med, cluster)
    assert [r.split()[0] for r in reasons[:4]] == ["synchrony", "duplicate_text", "profile", "automation"]
    for reason in reasons:
        for part in re.split(r"[;(]", reason):
            if NUMBER.search(part):
                assert any(u in part for u in UNITS), f"number without a unit in {part!r} of {reason!r}"
    assert "created 13 days before its first post here" in reasons[2]
    assert "more extreme than 97.0% of accounts" in reasons[0]
    assert not any("nan" in r for r in reasons)
    assert ("member of cluster 3 (12 accounts" in reasons[-1]) == with_cluster

"""Reason strings: one formatter per signal, every number with its unit or named a score."""

from __future__ import annotations

import re

import pytest

from detector.scoring import reasons as rs
from detector.scoring.scores import _reasons

NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def test_account_age_in_days_against_the_median_account():
    assert rs.account_age(13, 1465) == "created 13 days before its first post here (median account here: 1,465 days)"


def test_hour_entropy_is_in_bits_with_its_maximum():
    text = rs.hour_entropy(4.13, 2.88)
    assert "4.13 bits of at most 4.58" in text and "2.88 bits" in text
    assert "1 = never sleeps" not in text  # the old wording mixed a normalised scale with bits


def test_iet_cv_explains_its_scale():
    text = rs.iet_cv(0.12, 0.95)
    assert "coefficient of variation 0.12" in text and "median account here: 0.95" in text and "0 = clockwork" in text


def test_seconds_and_rates_carry_units():
    assert "median 24 s after the original, middle half within 1 s" in rs.repost_lag(24, 1, 0.04, 1.2)
    assert rs.posts_per_day(12.34, 1.2) == "12.3 events per active day (median account here: 1.2)"
    assert rs.clock_repeat(0.2) == "20% of its events at the same clock time (within seconds) on 3 or more days"
    assert rs.duplicate_text(11, 0.64).endswith("64% of its own posts are near-duplicates of other accounts' posts")
    assert rs.duplicate_text(3, float("nan")) == "posted identical or near-duplicate text with 3 accounts"


def test_percentile_words():
    assert rs.percentile(0.96) == "above 96% of accounts"
    assert rs.percentile(0.999) == "among the top 0.5% of accounts"
    assert rs.percentile(float("nan")) == "percentile unknown"


def test_scores_are_named_scores():
    assert rs.tagged("x", "profile", 0.871) == "x [profile score 0.87]"
    assert rs.cluster_family("members post copies", "duplicate_text", 0.4) == (
        "members post copies (mean duplicate_text score of its members 0.40)"
    )


def _row():
    return {
        "sync_partners": 11, "sync_repeat": 7, "timing_partners": 11, "text_partners": 11, "dup_share": 0.64,
        "age_days": 13.0, "handle_randomness": 0.9, "iet_cv": 0.1, "hour_entropy": 4.2, "posts_per_day": 30.0,
        "repost_lag_spread": 0.03, "repost_lag_median_s": 24.0, "repost_lag_iqr_s": 1.0, "clock_repeat_share": 0.2,
    }


UNITS = ("days", " s", "bits", "events per active day", "%", "accounts", "score", "posts/links/hashtags",
         "coefficient of variation", "median account here", "members", "cluster", "clockwork", "middle half")


@pytest.mark.parametrize("with_cluster", [False, True])
def test_every_number_in_an_account_reason_has_a_unit_or_name(with_cluster):
    fam = {"synchrony": 0.9, "duplicate_text": 0.8, "profile": 0.7, "automation": 0.6}
    pct = {"sync_repeat": 0.96, "handle_randomness": 0.98, "repost_lag_spread": 0.01}
    med = {"sync_repeat": 0.0, "age_days": 1465.0, "iet_cv": 0.95, "hour_entropy": 2.88, "posts_per_day": 1.2,
           "repost_lag_spread": 1.2}
    cluster = {"cluster_id": 3, "size": 12, "score": 0.98} if with_cluster else None
    reasons = _reasons(_row(), fam, pct, med, cluster)
    assert [r.rsplit("[", 1)[-1].split()[0] for r in reasons[:4]] == ["synchrony", "duplicate_text", "profile", "automation"]
    for reason in reasons:
        for part in re.split(r"[;(]", reason):
            if NUMBER.search(part):
                assert any(u in part for u in UNITS), f"number without a unit in {part!r} of {reason!r}"
    assert "created 13 days before its first post here (median account here: 1,465 days)" in reasons[2]
    assert "4.20 bits of at most 4.58" in reasons[3]
    assert not any("nan" in r for r in reasons)

"""Confidence in words, creation-date histograms, post links, by the numbers, presumed officials."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import hypergeom

from detector.officials.presumed import known_registry, known_registry_info, presumed_from_profiles
from detector.report.confidence import cluster_confidence, evidence_tests, odds_phrase
from detector.report.creation import bin_edges, creation_histograms
from detector.report.links import LINK_PATTERN, post_url
from detector.report.verdict import by_the_numbers
from detector.schema import accounts_from_records, events_from_records

FAMS = ["synchrony", "duplicate_text", "profile", "automation"]


def _population(n=1000, strong=None, seed=0):
    rng = np.random.default_rng(seed)
    pop = pd.DataFrame(rng.uniform(0, 0.3, size=(n, 4)), columns=FAMS)
    for fam, k in (strong or {}).items():
        pop.loc[: k - 1, fam] = 0.9
    return pop


def test_confidence_strong_needs_both_sides_rare():
    pop = _population(strong={"synchrony": 20, "profile": 20, "automation": 20})
    members = pop.iloc[:20]
    conf = cluster_confidence({}, members, pop)
    assert conf["level"] == "strong"
    assert "three independent kinds of evidence" in conf["statement"]
    assert "1 in a" in conf["statement"] or "1 in 1,000" in conf["statement"]
    assert "random group of 20 accounts" in conf["statement"]


def test_confidence_organic_sync_alone_is_weak():
    pop = _population(strong={"synchrony": 30})
    conf = cluster_confidence({}, pop.iloc[:30], pop)
    assert conf["level"] == "weak"
    assert "not both shown" in conf["statement"]


def test_confidence_common_evidence_is_not_rare():
    # half the scan is strong on every family: a group of 4 strong members is not rare
    pop = _population(strong={f: 500 for f in FAMS})
    conf = cluster_confidence({}, pop.iloc[:4], pop)
    assert conf["level"] == "weak"


def test_enrichment_p_value_matches_hypergeometric_reference():
    pop = _population(strong={"synchrony": 50})
    members = pop.iloc[40:60]  # 10 of 20 strong
    t = {x["family"]: x for x in evidence_tests({}, members, pop)}["synchrony"]
    assert t["members_strong"] == 10 and t["population_strong"] == 50
    ref = sum(hypergeom.pmf(k, 1000, 50, 20) for k in range(10, 21))
    assert t["p_value"] == pytest.approx(ref, rel=1e-9)
    assert t["log10_p"] == pytest.approx(np.log10(ref), abs=0.01)


@settings(max_examples=300, deadline=None)
@given(st.integers(-2, 60), st.integers(-1, 60), st.integers(-1, 60), st.integers(0, 60))
def test_hypergeom_tail_is_scipy_stats_bit_for_bit(k, n, big_k, big_n):
    """The tail without importing scipy.stats is scipy.stats' own number (support edges, bad shapes too)."""
    from detector.report.confidence import _hypergeom_tail

    got = _hypergeom_tail(k, n, big_k, big_n)
    want = 1.0 if k <= 0 else float(hypergeom.sf(k - 1, big_n, big_k, n))
    assert (np.isnan(got) and np.isnan(want)) or got == want, (got, want)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 30), st.integers(1, 30), st.integers(30, 200))
def test_enrichment_p_value_is_a_probability_and_monotone(k_pop, n, big_n):
    k_pop = min(k_pop, big_n)
    pop = pd.DataFrame({f: np.zeros(big_n) for f in FAMS})
    pop.loc[: k_pop - 1, "synchrony"] = 1.0
    ps = []
    for strong in range(0, min(n, k_pop) + 1):
        members = pd.concat([pop.iloc[:strong], pop.iloc[big_n - (n - strong):]]) if n - strong else pop.iloc[:strong]
        if len(members) != n:
            continue
        p = {x["family"]: x for x in evidence_tests({}, members, pop)}["synchrony"]["p_value"]
        assert 0.0 <= p <= 1.0 + 1e-12
        ps.append(p)
    assert ps == sorted(ps, reverse=True)  # more strong members -> rarer


def test_scorer_group_tests_are_used_when_present():
    pop = _population()
    cluster = {
        "tests": [
            {"name": "synchrony enrichment", "family": "synchrony", "p_value": 1e-5},
            {"name": "creation batch", "family": "profile", "p_value": 2e-4},
        ]
    }
    conf = cluster_confidence(cluster, pop.iloc[:10], pop)
    assert conf["level"] == "strong"
    assert all(t["source"] == "scorer group test" for t in conf["tests"])
    assert "1 in 1,000" in conf["statement"]


def test_odds_phrase():
    assert odds_phrase(4e-4) == "1 in 1,000"
    assert odds_phrase(0.009) == "1 in 100"
    assert odds_phrase(0.04) == "1 in 20"
    assert odds_phrase(1e-8) == "1 in a million"
    assert odds_phrase(0.3) == "about 30%"


def test_creation_bins_are_calendar_aligned():
    day = 86400
    edges, unit = bin_edges(1_700_000_000, 1_700_000_000 + 5 * day)
    assert unit == "day" and edges[0] % day == 0 and edges[-1] > 1_700_000_000 + 5 * day
    edges, unit = bin_edges(1_230_000_000, 1_700_000_000)  # 2008-12 .. 2023-11
    assert unit == "year" and len(edges) - 1 <= 24


def test_creation_histograms_same_bins_shares():
    t = 1_600_000_000
    acc = accounts_from_records(
        [{"account_id": f"o{i}", "created_at": t - i * 86400 * 30} for i in range(40)]
        + [{"account_id": f"c{i}", "created_at": t + 3600 * i} for i in range(10)]
        + [{"account_id": "x"}]
    )
    ids = [*acc["account_id"]]
    h = creation_histograms(acc, ids, {7: [f"c{i}" for i in range(10)] + ["x"]})
    assert h["population"]["known"] == 50 and h["population"]["unknown"] == 1
    c = h["clusters"]["7"]
    assert c["known"] == 10 and c["unknown"] == 1
    assert len(c["shares"]) == len(h["population"]["shares"]) == len(h["labels"]) == len(h["edges"]) - 1
    assert sum(c["shares"]) == pytest.approx(1.0) and sum(h["population"]["shares"]) == pytest.approx(1.0)
    assert c["peak_share"] == pytest.approx(1.0) and c["population_peak_share"] < 0.5
    assert creation_histograms(None, ids, {}) is None


def test_post_urls_are_built_only_from_safe_ids():
    assert post_url("twitter", "123", "jp_mfa") == "https://x.com/jp_mfa/status/123"
    assert post_url("twitter", "123", "bad handle") == "https://x.com/i/web/status/123"
    assert post_url("twitter", "javascript:alert(1)", "x") is None
    assert post_url("bluesky", "at://did:plc:abc123/app.bsky.feed.post/3k2", None) == (
        "https://bsky.app/profile/did:plc:abc123/post/3k2"
    )
    assert post_url("telegram", "rt_news/42") == "https://t.me/rt_news/42"
    assert post_url("mastodon", "109", "a") is None  # ids are local to a server
    for u in ("https://x.com/a/status/1", "https://m.weibo.cn/detail/Abc1"):
        assert LINK_PATTERN.match(u)
    assert not LINK_PATTERN.match("https://evil.example/x")


def test_by_the_numbers():
    ev = events_from_records(
        [
            dict(event_id="p", platform="twitter", account_id="off", ts=1, kind="post"),
            *[
                dict(event_id=f"r{i}", platform="twitter", account_id=f"a{i}", ts=10 + i, kind="repost",
                     target_event_id="p", target_account_id="off")
                for i in range(4)
            ],
        ]
    )
    acc = accounts_from_records([{"account_id": "off", "followers": 1234}])
    n = by_the_numbers(ev, acc, {"a0", "a1", "a2"}, [{"account_id": "off"}])
    assert n["flagged_accounts"] == 3 and n["flagged_events"] == 3 and n["accounts"] == 5
    assert n["officials_amplified_by_flagged"] == 1 and n["officials_amplified_reach"] == 1234
    assert n["official_reposts"] == 4 and n["official_reposts_from_flagged"] == 3
    assert n["official_reposts_flagged_share"] == pytest.approx(0.75)


def test_presumed_officials_from_verified_profiles_only():
    acc = accounts_from_records(
        [
            {"account_id": "1", "display_name": "Embassy of Japan in the UK", "verified": True},
            {"account_id": "2", "display_name": "Embassy of Japan in the UK", "verified": False},  # impersonation?
            {"account_id": "3", "display_name": "China International Broadcasting", "verified": True},
            {"account_id": "4", "display_name": "SEORA", "description": "Singer. Official account.", "verified": True},
            {"account_id": "5", "display_name": "中华人民共和国外交部", "verified": True},
        ]
    )
    got = dict(zip(presumed_from_profiles(acc)["account_id"], presumed_from_profiles(acc)["role"], strict=True))
    assert got == {"1": "embassy", "3": "state_media", "5": "ministry"}


def test_built_in_registry_has_source_and_date():
    info = known_registry_info()
    assert info["date"] and "Hand-compiled" in info["source"]
    reg = known_registry()
    assert len(reg) >= 20 and set(reg["role"]) >= {"ministry", "state_media", "embassy"}
    assert (reg["platform"] == "twitter").all() and reg["source"].str.startswith("presumed:").all()


def test_pseudonymised_report_hides_example_post_ids_and_links():
    from detector.report.pseudonymize import pseudonymize_report

    report = {
        "accounts": [{"account_id": "42", "account_name": "someone"}],
        "clusters": [{"sample_texts": [{"account_name": "someone", "event_id": "1234567",
                                        "url": "https://x.com/someone/status/1234567", "text": "hi"}]}],
    }
    out = pseudonymize_report(report, "key")
    sample = out["clusters"][0]["sample_texts"][0]
    assert sample["event_id"].startswith("post-") and "url" not in sample
    assert "someone" not in str(out) and "1234567" not in str(out)

"""No verdict without data: near matches, minimum activity, the insufficient verdict, exit rule."""

from __future__ import annotations

import pandas as pd
import pytest

from detector.focus import (
    EXIT_FAIL_ON,
    EXIT_INSUFFICIENT,
    check_focus,
    insufficient_verdict,
    minimum_activity,
    near_handles,
    near_hashtags,
)
from detector.report.verdict import LEVEL_RANK, fails
from detector.schema import events_from_records


def _events(rows):
    base = dict(platform="twitter", kind="post", ts=1_700_000_000)
    return events_from_records([{**base, "event_id": f"e{i}", **r} for i, r in enumerate(rows)])


@pytest.fixture
def events():
    rows = []
    for i in range(5):
        rows.append(dict(account_id=f"a{i}", account_name=f"user{i}", hashtags=["café"], text="x #café"))
    rows.append(dict(account_id="a9", account_name="Émile_K", hashtags=["话题"], text="#话题#"))
    rows.append(dict(account_id="a8", account_name="coolj", hashtags=["cooljapan"], text="#CoolJapan"))
    return _events(rows)


def test_minimum_activity_is_derived_from_the_evidence_needs():
    m = minimum_activity(min_participation=2, min_cluster_size=3)
    assert (m.events, m.accounts, m.account_events) == (6, 3, 2)
    m = minimum_activity(min_participation=3, min_cluster_size=5)
    assert (m.events, m.accounts, m.account_events) == (15, 5, 3)


def test_near_hashtags_name_accents_weibo_form_and_typos(events):
    near = {n["value"]: n for n in near_hashtags("cafe", events)}
    assert near["#café"]["why"] == "accents" and near["#café"]["events"] == 5
    weibo = near_hashtags("#话题#", events)
    assert weibo[0]["value"] == "#话题" and weibo[0]["why"] == "Weibo's #topic# form"
    typo = near_hashtags("cooljapn", events)
    assert typo[0]["value"] == "#cooljapan" and typo[0]["why"] == "similar spelling"
    assert near_hashtags("somethingelse", events) == []


def test_full_width_hash_and_case_match_exactly(events):
    # NFKC + case folding: these are the same hashtag, so no near match and a real match
    assert near_hashtags("＃CoolJapan", events) == []
    chk = check_focus(events, events, events[events["account_id"] == "a8"], None, hashtag="＃CoolJapan")
    assert chk.asked == "#cooljapan"


def test_near_handles(events):
    near = near_handles("emile_k", events)
    assert near and near[0]["value"] == "@Émile_K" and near[0]["why"] == "accents or punctuation"
    assert all(n["value"] != "@user1" for n in near_handles("user1", events))  # an exact match is no near match
    assert [n["value"] for n in near_handles("user7", events)][:1] == ["@user0"]  # typo, most events first


def test_check_hashtag_no_match_names_near_matches(events):
    chk = check_focus(events, events, events.iloc[:0], None, hashtag="#Cafe")
    assert not chk.ok and chk.reason == "no_match"
    assert "#café" in chk.message and "accents" in chk.message


def test_check_hashtag_too_little(events):
    one = events.iloc[[6]]
    chk = check_focus(events, events, one, None, hashtag="cooljapan")
    assert not chk.ok and chk.reason == "too_little"
    assert "1 event(s) by 1 account(s)" in chk.message and "at least 6 events by 3 accounts" in chk.message


def test_check_hashtag_given_as_handle(events):
    chk = check_focus(events, events, events.iloc[:0], None, hashtag="@coolj")
    assert not chk.ok and "detector account @coolj" in chk.message


def test_check_time_range_outside_input(events):
    chk = check_focus(events, events.iloc[:0], events.iloc[:0], None, since=1_800_000_000)
    assert not chk.ok and chk.kind == "range" and "The input covers" in chk.message


def test_check_account_not_found_and_too_little(events):
    chk = check_focus(events, events, events, None, account="emile_k", account_id=None)
    assert not chk.ok and chk.reason == "no_match" and "@Émile_K" in chk.message
    chk = check_focus(events, events, events, None, account="coolj", account_id="a8")
    assert not chk.ok and chk.reason == "too_little"
    chk = check_focus(events, events, events, None, account="coolj", account_id="a8", amplifications=6, amplifiers=3)
    assert chk.ok


def test_enough_data_passes(events):
    sel = events.iloc[:5]
    sel = pd.concat([sel, sel.assign(event_id=sel["event_id"] + "b")], ignore_index=True)
    chk = check_focus(sel, sel, sel, None, hashtag="café")
    assert chk.ok and chk.events == 10 and chk.accounts == 5


def test_insufficient_verdict_is_never_a_clean_bill(events):
    chk = check_focus(events, events, events.iloc[:0], None, hashtag="#nosuch")
    v = insufficient_verdict(chk, {"level": "none", "headline": "No sign", "details": [], "flagged_accounts": 0})
    assert v["level"] == "insufficient"
    assert "No sign" not in v["headline"] and "no posts carry #nosuch" in v["headline"]
    assert any("not a clean bill of health" in d for d in v["details"])


def test_fail_on_order_and_exit_codes():
    assert EXIT_FAIL_ON == 1 and EXIT_INSUFFICIENT == 3
    assert fails("high", "medium") and fails("medium", "medium") and not fails("low", "medium")
    assert not fails("none", "low") and not fails("undetermined", "low") and not fails("high", None)
    assert LEVEL_RANK["insufficient"] < LEVEL_RANK["none"]

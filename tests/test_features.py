"""Per-account features checked on small hand-built examples."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detector.evidence.features import (
    FEATURE_COLUMNS,
    account_features,
    handle_digit_run,
    handle_entropy,
)
from detector.schema import accounts_from_records, events_from_records

DAY = 86400
T0 = 1_700_006_400  # a UTC midnight (1_700_006_400 % 86400 == 0)


def _events(rows):
    return events_from_records(
        [{"event_id": str(i), "kind": "post", **row} for i, row in enumerate(rows)]
    )


def _row(frame: pd.DataFrame, account: str) -> pd.Series:
    return frame.set_index("account_id").loc[account]


def test_t0_is_midnight():
    assert T0 % DAY == 0


def test_inter_event_times_and_days():
    # gaps 60, 60, 180 s on day 0, then one event on day 2
    times = [T0 + 3600, T0 + 3660, T0 + 3720, T0 + 3900, T0 + 2 * DAY + 3600]
    frame = account_features(_events([{"account_id": "a", "ts": t} for t in times]))
    row = _row(frame, "a")
    gaps = np.diff(times)
    assert row.n_events == 5
    assert row.active_days == 2
    assert row.posts_per_active_day == 2.5
    assert row.iet_mean_s == pytest.approx(gaps.mean())
    assert row.iet_cv == pytest.approx(gaps.std() / gaps.mean())
    # log2 bins: 60 -> 6, 60 -> 6, 180 -> 8, 2 days - 300 s -> 18: p = (1/2, 1/4, 1/4)
    assert row.iet_entropy == pytest.approx(1.5)
    # hours: 1, 1, 1, 1, 1 -> all in one hour
    assert row.hour_entropy == 0.0
    assert (row.first_ts, row.last_ts) == (times[0], times[-1])


def test_single_event_account_has_missing_iet():
    frame = account_features(_events([{"account_id": "solo", "ts": T0}]))
    row = _row(frame, "solo")
    assert math.isnan(row.iet_mean_s) and math.isnan(row.iet_cv) and math.isnan(row.iet_entropy)
    assert row.n_events == 1 and row.burst_count == 0


def test_repost_delays_use_the_original_in_the_table():
    rows = [
        {"account_id": "orig", "ts": T0, "event_id": "o1"},
        {"account_id": "r", "ts": T0 + 5, "kind": "repost", "target_event_id": "o1"},  # 5 s
        {"account_id": "r", "ts": T0 + 45, "kind": "repost", "target_event_id": "o1"},  # 45 s
        {"account_id": "r", "ts": T0 + 600, "kind": "repost", "target_event_id": "o1"},  # 10 min
        {"account_id": "r", "ts": T0 + 700, "kind": "repost", "target_event_id": "missing"},
        {"account_id": "r", "ts": T0 + 800, "kind": "post"},
    ]
    events = events_from_records(
        [{"event_id": f"e{i}", "kind": "post", **row} for i, row in enumerate(rows)]
    )
    row = _row(account_features(events), "r")
    assert row.repost_share == pytest.approx(4 / 5)
    assert row.n_reposts_timed == 3
    assert row.repost_within_10s_share == pytest.approx(1 / 3)
    assert row.repost_within_60s_share == pytest.approx(2 / 3)
    orig = _row(account_features(events), "orig")
    assert orig.repost_share == 0.0 and math.isnan(orig.repost_within_10s_share)


def test_repost_before_its_original_counts_as_unknown():
    events = _events(
        [
            {"account_id": "x", "ts": T0 + 100, "event_id": "late"},
            {"account_id": "y", "ts": T0, "kind": "repost", "target_event_id": "late"},
        ]
    )
    row = _row(account_features(events), "y")
    assert row.n_reposts_timed == 0 and math.isnan(row.repost_within_60s_share)


def test_bursts_and_never_sleeps():
    # "bot": one event every 30 minutes for 4 days, plus 10 events one second apart
    bot = [T0 + 1800 * k for k in range(4 * 48)] + [T0 + 5 * DAY + k for k in range(10)]
    # "human": hourly from 09:00 to 21:00 on 4 days
    human = [T0 + d * DAY + h * 3600 for d in range(4) for h in range(9, 22)]
    events = _events(
        [{"account_id": "bot", "ts": t} for t in bot]
        + [{"account_id": "hum", "ts": t} for t in human]
    )
    frame = account_features(events)
    b, h = _row(frame, "bot"), _row(frame, "hum")
    assert b.burst_count == 2  # two non-overlapping runs of 5 within 60 s
    assert h.burst_count == 0
    assert bool(b.never_sleeps) and not bool(h.never_sleeps)
    assert b.night_share == pytest.approx(48 / 202, abs=0.05)
    assert h.night_share == 0.0
    assert b.hour_entropy > 4.5 and h.hour_entropy == pytest.approx(math.log2(13))
    fewer = account_features(events, burst_k=10, burst_window_s=9)
    assert _row(fewer, "bot").burst_count == 1


def test_never_sleeps_needs_enough_data():
    short = [T0 + 3600 * h for h in range(24)]  # 24 events, one day only
    frame = account_features(_events([{"account_id": "s", "ts": t} for t in short]))
    assert not bool(_row(frame, "s").never_sleeps)


def test_near_duplicate_share():
    events = _events([{"account_id": a, "ts": T0 + i} for i, a in enumerate("aaab")])
    frame = account_features(events, near_duplicate_event=pd.Series([4, -1, 4, -1]))
    assert _row(frame, "a").near_dup_share == pytest.approx(2 / 3)
    assert _row(frame, "b").near_dup_share == 0.0
    assert account_features(events)["near_dup_share"].isna().all()
    with pytest.raises(ValueError):
        account_features(events, near_duplicate_event=np.array([1, 2]))


def test_profile_columns():
    events = _events(
        [
            {"account_id": "1", "ts": T0 + 10 * DAY, "account_name": "old_name"},
            {"account_id": "2", "ts": T0 + DAY, "account_name": "Maria_1987xx20"},
            {"account_id": "3", "ts": T0, "account_name": "ghost"},
        ]
    )
    accounts = accounts_from_records(
        [
            {"account_id": "1", "account_name": "john99", "created_at": T0, "followers": 50,
             "following": 0, "description": "journalist", "display_name": "John"},
            {"account_id": "2", "created_at": T0 - 2 * DAY, "followers": 3, "following": 12,
             "description": "", "display_name": "maria_1987XX20"},
        ]
    )  # fmt: skip
    frame = account_features(events, accounts)
    one, two, three = _row(frame, "1"), _row(frame, "2"), _row(frame, "3")
    assert one.account_age_days_at_first_post == pytest.approx(10.0)
    assert two.account_age_days_at_first_post == pytest.approx(3.0)
    assert math.isnan(three.account_age_days_at_first_post)
    assert one.followers_following_ratio == 50.0  # following 0 -> divide by 1
    assert two.followers_following_ratio == pytest.approx(0.25)
    assert one.handle_digit_run == 2  # the accounts table's handle wins
    assert two.handle_digit_run == 4  # events' handle when the table has none
    assert three.handle_digit_run == 0
    assert bool(one.default_profile) is False
    assert bool(two.default_profile) is True  # empty description, display name = handle
    assert pd.isna(three.default_profile)  # not in the accounts table


def test_default_profile_unknown_without_descriptions_and_explicit_column_wins():
    events = _events([{"account_id": "1", "ts": T0}, {"account_id": "2", "ts": T0}])
    bare = accounts_from_records([{"account_id": "1", "followers": 3}, {"account_id": "2"}])
    assert account_features(events, bare)["default_profile"].isna().all()
    flagged = bare.assign(default_profile=pd.array([True, pd.NA], dtype="boolean"))
    got = account_features(events, flagged)["default_profile"]
    assert bool(got.iloc[0]) is True and pd.isna(got.iloc[1])


def test_handle_helpers():
    assert handle_digit_run("ab12c3456d7") == 4
    assert handle_digit_run(None) == 0
    assert handle_entropy("aabb") == pytest.approx(1.0)
    assert handle_entropy("AaBb") == pytest.approx(1.0)  # case-folded
    assert handle_entropy("zzzz") == 0.0
    assert math.isnan(handle_entropy(""))


def test_columns_order_and_determinism():
    rng = np.random.default_rng(0)
    rows = [
        {"account_id": f"u{rng.integers(0, 30)}", "ts": int(T0 + rng.integers(0, 5 * DAY)),
         "kind": str(rng.choice(["post", "repost"])), "target_event_id": f"{rng.integers(0, 300)}"}
        for _ in range(300)
    ]  # fmt: skip
    events = _events(rows)
    frame = account_features(events)
    assert tuple(frame.columns) == FEATURE_COLUMNS
    assert frame["account_id"].is_monotonic_increasing and frame["account_id"].is_unique
    assert frame["n_events"].sum() == len(events)
    shuffled = events.sample(frac=1.0, random_state=1).reset_index(drop=True)
    pd.testing.assert_frame_equal(account_features(shuffled), frame)


def test_cli_features_writes_parquet_atomically(tmp_path):
    import detector.io

    if not hasattr(detector.io, "read_inputs"):
        pytest.skip("detector.io.read_inputs is not available yet")
    from click.testing import CliRunner

    from detector.cli import main

    src = tmp_path / "events.csv"
    rows = [
        {"event_id": f"e{i}", "account_id": f"a{i % 3}", "ts": T0 + 97 * i, "kind": "post"}
        for i in range(30)
    ]
    pd.DataFrame(rows).to_csv(src, index=False)
    out = tmp_path / "feat" / "accounts_features.parquet"
    result = CliRunner().invoke(
        main,
        ["features", str(src), "--map", "event_id=event_id,account_id=account_id,ts=ts,kind=kind",
         "-o", str(out), "--json", "--quiet"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    frame = pd.read_parquet(out)
    assert list(frame.columns) == list(FEATURE_COLUMNS)
    assert list(frame["account_id"]) == ["a0", "a1", "a2"]
    assert frame["n_events"].tolist() == [10, 10, 10]
    assert frame["iet_mean_s"].tolist() == [291.0, 291.0, 291.0]
    assert [p.name for p in out.parent.iterdir()] == [out.name]  # no temporary file left


def test_empty_events_give_an_empty_table_with_all_columns():
    from detector.schema import empty_accounts, empty_events

    frame = account_features(empty_events(), empty_accounts())
    assert frame.empty and tuple(frame.columns) == FEATURE_COLUMNS


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c"]),
            st.integers(0, 400),
            st.sampled_from(["post", "repost", "reply"]),
            st.integers(0, 30),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_repost_shares_match_python_reference(rows):
    events = _events(
        [
            {"account_id": a, "ts": T0 + t, "kind": k, "target_event_id": str(target)}
            for a, t, k, target in rows
        ]
    )  # event ids are "0", "1", ...: targets may or may not exist
    frame = account_features(events).set_index("account_id")
    ts_of = {str(i): T0 + r[1] for i, r in enumerate(rows)}
    for account in frame.index:
        mine = [r for r in rows if r[0] == account]
        reposts = [r for r in mine if r[2] == "repost"]
        delays = [r[1] + T0 - ts_of[str(r[3])] for r in reposts if str(r[3]) in ts_of]
        delays = [d for d in delays if d >= 0]
        row = frame.loc[account]
        assert row.n_events == len(mine)
        assert row.repost_share == pytest.approx(len(reposts) / len(mine))
        assert row.n_reposts_timed == len(delays)
        if delays:
            assert row.repost_within_10s_share == pytest.approx(
                sum(d <= 10 for d in delays) / len(delays)
            )
            assert row.repost_within_60s_share == pytest.approx(
                sum(d <= 60 for d in delays) / len(delays)
            )
        else:
            assert math.isnan(row.repost_within_10s_share)

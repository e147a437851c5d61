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
    events = _events([{"account_id": a, "ts": T0 + i} for i, a in enumerate("aaabcc")])
    # cluster 4 holds posts of a and b (copying others); cluster 7 only c's own repeats
    frame = account_features(events, near_duplicate_event=pd.Series([4, -1, 4, 4, 7, 7]))
    assert _row(frame, "a").near_dup_share == pytest.approx(2 / 3)
    assert _row(frame, "b").near_dup_share == 1.0
    assert _row(frame, "c").near_dup_share == 0.0  # repeating oneself is not copying
    alone = account_features(events.iloc[:3], near_duplicate_event=pd.Series([4, -1, 4]))
    assert _row(alone, "a").near_dup_share == 0.0
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
    assert (one.created_at, two.created_at) == (T0, T0 - 2 * DAY) and math.isnan(three.created_at)
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


# --------------------------------------------------------------------------
# cyborg timing: fixed repost lag and scheduled posting
# --------------------------------------------------------------------------


def test_fixed_repost_lag_has_a_small_iqr():
    rng = np.random.default_rng(3)
    rows = []
    for k in range(12):  # originals spread over two days
        t = T0 + int(rng.integers(0, 2 * DAY))
        rows.append({"account_id": "src", "ts": t, "event_id": f"o{k}"})
        lag = 20 + int(rng.integers(-1, 2))  # the bot: 20 +- 1 s
        rows.append({"account_id": "bot", "ts": t + lag, "kind": "repost",
                     "target_event_id": f"o{k}"})  # fmt: skip
        human_lag = int(rng.exponential(3600))  # a human: minutes to hours
        rows.append({"account_id": "hum", "ts": t + human_lag, "kind": "repost",
                     "target_event_id": f"o{k}"})  # fmt: skip
    rows += [{"account_id": "bot", "ts": T0 + 3 * DAY + 7 * i} for i in range(10)]  # human part
    events = events_from_records([{"kind": "post", **r, "event_id": r.get("event_id", f"e{i}")}
                                  for i, r in enumerate(rows)])  # fmt: skip
    frame = account_features(events)
    bot, hum = _row(frame, "bot"), _row(frame, "hum")
    assert bot.repost_lag_iqr_s <= 2.0
    assert hum.repost_lag_iqr_s > 60.0
    assert math.isnan(_row(frame, "src").repost_lag_iqr_s)  # no reposts
    # too few timed reposts for the threshold -> NaN
    assert math.isnan(_row(account_features(events, min_lag_reposts=13), "bot").repost_lag_iqr_s)


def test_scheduled_posts_among_human_activity():
    rng = np.random.default_rng(5)
    sched = [T0 + d * DAY + 9 * 3600 + int(rng.integers(-1, 2)) for d in range(5)]  # 09:00:00+-1
    human = [T0 + int(rng.integers(0, 5 * DAY)) for _ in range(40)]
    pure_human = [T0 + int(rng.integers(0, 5 * DAY)) for _ in range(40)]
    one_day = [T0 + 9 * 3600 + k for k in range(5)]
    events = _events(
        [{"account_id": "cyborg", "ts": t} for t in sched + human]
        + [{"account_id": "hum", "ts": t} for t in pure_human]
        + [{"account_id": "short", "ts": t} for t in one_day]
    )
    frame = account_features(events)
    cyborg, hum = _row(frame, "cyborg"), _row(frame, "hum")
    assert cyborg.clock_repeat_share >= len(sched) / (len(sched) + len(human))
    assert cyborg.clock_repeat_share > hum.clock_repeat_share
    assert 0.0 <= hum.clock_repeat_share <= 1.0
    assert math.isnan(_row(frame, "short").clock_repeat_share)  # 1 active day < 3
    # the scheduler alone needs 5 days: asking for 6 leaves only chance repeats of 6 days
    strict = _row(account_features(events, clock_min_days=6), "cyborg")
    assert math.isnan(strict.clock_repeat_share)  # only 5 active days


def test_clock_repeat_share_wraps_midnight():
    # 23:59:58 (day 0), 00:00:01 (day 2), 23:59:59 (day 3): within 3 s on the circular clock
    times = [T0 + DAY - 2, T0 + 2 * DAY + 1, T0 + 4 * DAY - 1, T0 + 3 * DAY + 12 * 3600]
    events = _events([{"account_id": "a", "ts": t} for t in times])
    assert _row(account_features(events), "a").clock_repeat_share == pytest.approx(3 / 4)
    # 2 s: 23:59:58 and 00:00:01 (3 s apart) drop out; only 23:59:59 still sees both days
    narrow = _row(account_features(events, clock_slot_s=2), "a")
    assert narrow.clock_repeat_share == pytest.approx(1 / 4)
    assert _row(account_features(events, clock_slot_s=0), "a").clock_repeat_share == 0.0


@pytest.mark.parametrize(
    "kwargs",
    [{"min_lag_reposts": 1}, {"clock_slot_s": -1}, {"clock_slot_s": 50_000}, {"clock_min_days": 1}],
)
def test_cyborg_parameters_are_validated(kwargs):
    events = _events([{"account_id": "a", "ts": T0}])
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        account_features(events, **kwargs)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["a", "b", "c"]), st.integers(0, 4 * DAY), st.integers(0, 25)),
        min_size=1,
        max_size=40,
    ),
    st.integers(2, 5),
)
def test_repost_lag_iqr_matches_pandas_quantile(rows, min_lag):
    # first 8 events are originals "0".."7"; the rest repost target "k" (may be later or missing)
    records = [
        {"account_id": a, "ts": T0 + t, "kind": "post" if i < 8 else "repost",
         "target_event_id": None if i < 8 else str(k)}
        for i, (a, t, k) in enumerate(rows)
    ]  # fmt: skip
    events = _events(records)
    frame = account_features(events, min_lag_reposts=min_lag).set_index("account_id")
    ts_of = {str(i): T0 + r[1] for i, r in enumerate(rows)}
    delays = pd.DataFrame(
        [
            (r["account_id"], r["ts"] - ts_of[r["target_event_id"]])
            for r in records
            if r["kind"] == "repost" and r["target_event_id"] in ts_of
        ],
        columns=["account_id", "delay"],
    ).astype({"account_id": object, "delay": np.int64})
    delays = delays[delays["delay"] >= 0]
    grouped = delays.groupby("account_id")["delay"]
    iqr = grouped.quantile(0.75) - grouped.quantile(0.25)
    size = grouped.size()
    for account in frame.index:
        got = frame.loc[account, "repost_lag_iqr_s"]
        if size.get(account, 0) < min_lag:
            assert math.isnan(got)
        else:
            assert got == pytest.approx(iqr[account], abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b"]),
            st.integers(0, 5),
            st.sampled_from([0, 2, 4, 43_200, DAY - 3, DAY - 1]),
            st.integers(-4, 4),
        ),
        min_size=1,
        max_size=40,
    ),
    st.integers(0, 6),
    st.integers(2, 4),
)
def test_clock_repeat_share_matches_definition(rows, slot, min_days):
    times = {}
    for a, day, sod, jitter in rows:
        times.setdefault(a, []).append(T0 + day * DAY + (sod + jitter) % DAY)
    events = _events([{"account_id": a, "ts": t} for a, ts in times.items() for t in ts])
    frame = account_features(events, clock_slot_s=slot, clock_min_days=min_days)
    for account, ts in times.items():
        got = _row(frame, account).clock_repeat_share
        if len({t // DAY for t in ts}) < min_days:
            assert math.isnan(got)
            continue
        hits = 0
        for t in ts:
            d = [abs(t - u) % DAY for u in ts]
            days = {u // DAY for u, x in zip(ts, d, strict=True) if min(x, DAY - x) <= slot}
            hits += len(days) >= min_days
        assert got == pytest.approx(hits / len(ts))


def test_cli_features_passes_the_cyborg_options(tmp_path):
    import detector.io

    if not hasattr(detector.io, "read_inputs"):
        pytest.skip("detector.io.read_inputs is not available yet")
    from click.testing import CliRunner

    from detector.cli import main

    src = tmp_path / "events.csv"
    # a at 09:00:00 + day (s) on 4 days: 0, 1, 2, 3 s apart from day 0
    rows = [{"event_id": f"e{d}", "account_id": "a", "ts": T0 + d * DAY + 9 * 3600 + d,
             "kind": "post"} for d in range(4)]  # fmt: skip
    pd.DataFrame(rows).to_csv(src, index=False)
    out = tmp_path / "f.parquet"
    args = ["features", str(src), "--map", "event_id=event_id,account_id=account_id,ts=ts,kind=kind",
            "-o", str(out), "--quiet"]  # fmt: skip
    runner = CliRunner()
    result = runner.invoke(main, [*args, "--clock-slot", "1", "--clock-min-days", "2"])
    assert result.exit_code == 0, result.output
    assert pd.read_parquet(out)["clock_repeat_share"].tolist() == [1.0]
    result = runner.invoke(main, [*args, "--clock-slot", "0", "--clock-min-days", "2"])
    assert pd.read_parquet(out)["clock_repeat_share"].tolist() == [0.0]
    bad = runner.invoke(main, [*args, "--clock-slot", "-1"])
    assert bad.exit_code != 0 and "clock_slot_s" in bad.output


def test_time_resolution_of_minute_and_second_inputs():
    from detector.evidence.features import time_resolution_s

    t0 = 1_700_000_040
    assert time_resolution_s(np.array([t0, t0 + 60, t0 + 180])) == 60
    assert time_resolution_s(np.array([t0, t0 + 61])) == 1
    assert time_resolution_s(np.array([t0])) == 1
    assert time_resolution_s(np.array([t0, t0 + 3600])) == 60  # t0 is on a minute, not an hour


def test_repost_lag_spread_is_not_measured_below_the_time_resolution():
    # an account reposting 37 s after each post, seen at minute resolution: its delays read 0 or
    # 60 s; their IQR of 0 says nothing, so the spread is ordinary (1), not "fixed lag" (0)
    from detector.schema import events_from_records

    rows = []
    for k in range(12):
        t = 1_700_000_000 + k * 3600 + (k % 3) * 20  # originals at various seconds of the minute
        rows.append(dict(event_id=f"p{k}", platform="twitter", account_id="src", ts=t - t % 60, kind="post", text="x"))
        r = t + 37
        rows.append(dict(event_id=f"r{k}", platform="twitter", account_id="bot", ts=r - r % 60, kind="repost",
                         target_event_id=f"p{k}", target_account_id="src"))
    f = account_features(events_from_records(rows)).set_index("account_id")
    assert f.loc["bot", "repost_lag_spread"] >= 1.0

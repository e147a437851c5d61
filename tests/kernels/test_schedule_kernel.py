"""Scheduled-posting kernel against the plain O(n^2) definition."""

from __future__ import annotations

import naive
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from detector.kernels.schedule import DAY_S, clock_repeat_counts

# the plain Python twin (the definition, pair by pair): naive.clock_repeat_count


def run_kernel(per_account: list[list[int]], slot_s: int, min_days: int) -> np.ndarray:
    """Group and sort the events the way the kernel expects, then call it."""
    offsets = np.cumsum([0] + [len(t) for t in per_account]).astype(np.int64)
    ts = np.array([t for acc in per_account for t in acc], dtype=np.int64)
    codes = np.repeat(np.arange(len(per_account)), [len(t) for t in per_account])
    sod = ts % DAY_S
    order = np.lexsort((sod, codes))
    return clock_repeat_counts(offsets, sod[order], ts[order] // DAY_S, slot_s, min_days)


# --------------------------------------------------------------------------
# property tests
# --------------------------------------------------------------------------

# times on a few days, clustered near a few clock times (so slots really repeat),
# including just before / after midnight
NEAR = [0, 3, 30, 32_400, 86_395, 86_399]


@st.composite
def account_times(draw, max_size: int = 30) -> list[int]:
    n = draw(st.integers(0, max_size))
    out = []
    for _ in range(n):
        day = draw(st.integers(0, 6))
        if draw(st.booleans()):
            sod = (draw(st.sampled_from(NEAR)) + draw(st.integers(-12, 12))) % DAY_S
        else:
            sod = draw(st.integers(0, DAY_S - 1))
        out.append(day * DAY_S + sod)
    if out and draw(st.booleans()):  # duplicate timestamps
        out += out[: draw(st.integers(1, len(out)))]
    return out


@settings(max_examples=100, deadline=None)
@given(
    st.lists(account_times(), min_size=1, max_size=5),
    st.integers(0, 20),
    st.integers(1, 5),
)
def test_matches_reference(per_account, slot_s, min_days):
    got = run_kernel(per_account, slot_s, min_days)
    assert got.dtype == np.int64 and got.shape == (len(per_account),)
    expected = [naive.clock_repeat_count(acc, slot_s, min_days) for acc in per_account]
    assert got.tolist() == expected


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 3 * DAY_S), min_size=1, max_size=25),
    st.sampled_from([0, 1, 7, 3600, 43_199, 43_200, 100_000]),
    st.integers(2, 4),
)
def test_matches_reference_for_wide_slots(ts, slot_s, min_days):
    expected = naive.clock_repeat_count(ts, min(slot_s, DAY_S // 2), min_days)
    assert run_kernel([ts], slot_s, min_days).tolist() == [expected]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, DAY_S - 1), min_size=1, max_size=40),
    st.integers(0, 5),
    st.integers(0, 400),
)
def test_single_day_account_never_repeats(sods, slot_s, day):
    ts = [day * DAY_S + s for s in sods]
    assert run_kernel([ts], slot_s, 2).tolist() == [0]
    assert run_kernel([ts], slot_s, 1).tolist() == [len(ts)]  # own day is enough


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 30), st.integers(0, DAY_S - 1), st.integers(2, 6))
def test_exact_boundary_counts_as_within(slot_s, sod, n_days):
    # day k posts at sod + k * slot_s: each neighbour exactly slot_s away
    ts = [k * DAY_S + (sod + k * slot_s) % DAY_S for k in range(n_days)]
    got = run_kernel([ts], slot_s, 2).tolist()
    assert got == [n_days] == [naive.clock_repeat_count(ts, slot_s, 2)]
    if slot_s > 0:  # one second narrower: only exact duplicates of the clock time remain
        assert run_kernel([ts], slot_s - 1, 2).tolist() == [0]


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10), st.integers(1, 10), st.integers(3, 6))
def test_wraps_around_midnight(before, after, n_days):
    # alternate days at 23:59:(60 - before) and 00:00:after
    sods = [(DAY_S - before) % DAY_S if k % 2 else after for k in range(n_days)]
    ts = [k * DAY_S + s for k, s in enumerate(sods)]
    apart = naive.clock_distance(DAY_S - before, after)
    assert run_kernel([ts], apart, n_days).tolist() == [n_days]
    assert run_kernel([ts], apart - 1, n_days).tolist() == [0]


def test_day_remap_with_days_far_apart():
    # days spread over ~27 years: the kernel remaps them instead of a huge counter
    ts = [d * DAY_S + 9 * 3600 + (d % 3) for d in (0, 5_000, 10_000)] + [77, 10_000 * DAY_S + 5]
    for slot_s, min_days in [(2, 3), (1, 3), (2, 2), (0, 2)]:
        assert run_kernel([ts], slot_s, min_days).tolist() == [
            naive.clock_repeat_count(ts, slot_s, min_days)
        ]


def test_empty_accounts_and_no_accounts():
    assert run_kernel([[], [5, DAY_S + 5], []], 0, 2).tolist() == [0, 2, 0]
    empty = np.zeros(0, np.int64)
    assert clock_repeat_counts(np.zeros(1, np.int64), empty, empty, 5, 3).shape == (0,)


def test_large_account_with_huge_windows():
    # 100k events of one account; a scan of each window would cost ~1e10 steps here
    rng = np.random.default_rng(0)
    days = 400
    sched = np.arange(days) * DAY_S + 9 * 3600 + rng.integers(-1, 2, days)  # 09:00:00 +- 1 s
    sod = rng.integers(0, DAY_S - 3600, 100_000 - days)
    human = 500 * DAY_S + np.where(sod >= 9 * 3600 - 10, sod + 3600, sod)  # one day, not 09:00
    ts = np.concatenate([sched, human]).tolist()
    assert run_kernel([ts], 5, 3).tolist() == [days]  # only the scheduler repeats
    # the whole clock: every window holds every day
    assert run_kernel([ts], DAY_S // 2, days + 1).tolist() == [len(ts)]
    assert run_kernel([ts], DAY_S // 2, days + 2).tolist() == [0]

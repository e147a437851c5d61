"""Per-account behaviour features (one row per account).

:func:`account_features` returns one row per ``account_id`` that has at
least one event, sorted by ``account_id``. Times are UTC seconds; hours are
UTC hours (entropies and the night window do not depend on the time zone).

Columns
-------
account_id : string
n_events : int64
    Events by the account.
first_ts, last_ts : int64
    First and last event time (UTC seconds).
active_days : int64
    Distinct UTC days (``ts // 86400``) with at least one event.
posts_per_active_day : float64
    ``n_events / active_days``.
iet_mean_s : float64
    Mean inter-event time (seconds) between consecutive events; NaN with
    fewer than 2 events.
iet_cv : float64
    Coefficient of variation (population std / mean) of inter-event times:
    about 1 for Poisson activity, above 1 for bursty humans, near 0 for
    clockwork schedules. NaN with fewer than 2 events or a zero mean.
iet_entropy : float64
    Shannon entropy (bits) of inter-event times in log2 bins (0 s; [1, 2) s;
    [2, 4) s; ...). Low = the same gap over and over. NaN with < 2 events.
repost_share : float64
    Share of events with ``kind == "repost"``.
n_reposts_timed : int64
    Reposts whose original's time is known: the target post
    (``target_event_id``) is itself in ``events`` and not later than the
    repost.
repost_within_10s_share, repost_within_60s_share : float64
    Among the timed reposts, the share made at most 10 s / 60 s after the
    original. NaN when the account has no timed repost (original unknown).
repost_lag_median_s : float64
    Median (seconds) of the timed repost delays. NaN with fewer than
    ``min_lag_reposts`` (default :data:`detector.thresholds.MIN_LAG_REPOSTS`) timed reposts.
repost_lag_iqr_s : float64
    Interquartile range (seconds; 75th minus 25th percentile, linear
    interpolation as ``np.quantile``) of the timed repost delays. Low = a
    fixed personal repost lag (an automated reposter, e.g. always 23-25 s
    after the original), even when mixed with human activity; high = human
    spread. NaN with fewer than ``min_lag_reposts`` (default :data:`detector.thresholds.MIN_LAG_REPOSTS`) timed reposts.
repost_lag_spread : float64
    ``max(repost_lag_iqr_s, r) / max(repost_lag_median_s, r)``, ``r`` the
    input's time resolution (:func:`time_resolution_s`: 1 s, or 60 s for
    minute-resolution sources such as IO archives): the spread of the delays
    relative to their typical size (dimensionless). A fan who always reposts
    within a minute has a small IQR in seconds but a spread near 1 like any
    person; an automated reposter firing 23-25 s after each post has about
    0.05. Below the resolution a spread cannot be measured: at minute
    resolution, delays of seconds all read 0 or 60 s, and their IQR of 0 says
    nothing (the spread is then 1, ordinary). NaN when the IQR is.
hour_entropy : float64
    Shannon entropy (bits; at most log2(24) = 4.585) of the hour-of-day
    histogram.
night_share : float64
    Minimum, over the 24 circular windows of ``night_hours`` consecutive
    hours, of the share of the account's events in the window: about
    ``night_hours / 24`` for round-the-clock activity, near 0 for someone
    who sleeps.
never_sleeps : bool
    ``n_events >= 24``, ``active_days >= 3`` and ``night_share >=
    never_sleeps_share`` (default 0.1 with 6-hour windows: in no 6-hour
    stretch of the day does the account do less than 10% of its activity).
clock_repeat_share : float64
    Share (in [0, 1]) of the account's events whose UTC second-of-day
    (``ts % 86400``) is within ``clock_slot_s`` seconds (default 5;
    circular, so 23:59:59 and 00:00:02 are 3 s apart; a difference of
    exactly ``clock_slot_s`` counts) of the account's events on at least
    ``clock_min_days`` (default 3) distinct UTC days, the event's own day
    included: posts fired by a scheduler at the same clock time day after
    day. High = scheduled posting; near 0 for humans. Chance repeats grow
    with the posting rate (an event meets on average about ``posts_per_day *
    (2 * clock_slot_s + 1) / 86400`` random events per other day), so read
    it together with ``posts_per_active_day`` for very active accounts. NaN
    when the account has fewer than ``clock_min_days`` active days.
burst_count : int64
    Number of non-overlapping bursts of ``burst_k`` events within
    ``burst_window_s`` seconds (greedy scan from the first event).
near_dup_share : float64
    Share of the account's events in a near-duplicate cluster (cluster id
    != -1 in ``near_duplicate_event``) that holds posts of at least one
    *other* account: copying others, not repeating oneself (a scheduled
    account posting the same greeting every morning scores 0). NaN when
    ``near_duplicate_event`` is not given.
near_dup_posts : float64
    Number of the account's events counted in ``near_dup_share``: its posts that copy
    other accounts' (or are copied by them). One is a meme, a slogan or a quote anyone
    may share; a copy network posts its talking points again and again. NaN when
    ``near_duplicate_event`` is not given.
created_at : float64
    ``accounts.created_at`` (UTC seconds); NaN when unknown.
account_age_days_at_first_post : float64
    ``(first_ts - created_at) / 86400``; NaN when unknown.
followers_following_ratio : float64
    ``followers / max(following, 1)``; NaN when either is unknown.
handle_digit_run : int64
    Longest run of ASCII digits in the handle (``account_name``: from
    ``accounts`` when known, else the latest in ``events``); 0 when none.
handle_entropy : float64
    Shannon entropy (bits per character) of the case-folded handle; NaN
    when no handle is known.
lifetime_posts_per_day : float64
    ``accounts.posts_count / max(1, (last_ts - created_at) / 86400)``: statuses per day of
    the account's life up to its last event here. Low for an old account with few statuses
    for its age (dormant). NaN when either is unknown.
scan_share_of_posts : float64
    ``n_events / max(posts_count, n_events)`` in [0, 1]: the share of the account's
    lifetime statuses that fall in this input. High for an account that was silent for
    most of its life before this burst (reactivated), and for young accounts. NaN when
    ``posts_count`` is unknown.
default_profile : boolean (nullable)
    From an ``accounts.default_profile`` column when present; otherwise,
    when the accounts table carries descriptions at all, true for an empty
    description with an empty display name or one equal to the handle.
    Missing (NA) when unknown.
"""

from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np
import pandas as pd

from detector import thresholds as th
from detector.kernels.schedule import DAY_S, clock_repeat_counts
from detector.kernels.timing import account_timing_features
from detector.schema import account_handles, encode

__all__ = [
    "FEATURE_COLUMNS",
    "account_features",
    "handle_digit_run",
    "handle_entropy",
    "original_posts",
    "reaction_delays",
    "time_resolution_s",
]

FEATURE_COLUMNS: tuple[str, ...] = (
    "account_id",
    "n_events",
    "first_ts",
    "last_ts",
    "active_days",
    "posts_per_active_day",
    "iet_mean_s",
    "iet_cv",
    "iet_entropy",
    "repost_share",
    "n_reposts_timed",
    "repost_within_10s_share",
    "repost_within_60s_share",
    "repost_lag_median_s",
    "repost_lag_iqr_s",
    "repost_lag_spread",
    "hour_entropy",
    "night_share",
    "never_sleeps",
    "clock_repeat_share",
    "burst_count",
    "near_dup_share",
    "near_dup_posts",
    "created_at",
    "account_age_days_at_first_post",
    "followers_following_ratio",
    "lifetime_posts_per_day",
    "scan_share_of_posts",
    "handle_digit_run",
    "handle_entropy",
    "default_profile",
)
"""Columns of :func:`account_features`, in order."""

_DIGITS = re.compile(r"[0-9]+")

INSTANT_REACTION_S = 10
"""``repost_within_10s_share`` counts reposts this many seconds or less after the original:
faster than a person can read a post (the 60 s cut is :data:`detector.thresholds.FAST_REACTION_S`)."""

NEVER_SLEEPS_MIN_EVENTS = 24
"""Events an account needs before ``never_sleeps`` is judged (one an hour for a day)."""

NEVER_SLEEPS_MIN_DAYS = 3
"""Active UTC days an account needs before ``never_sleeps`` is judged (one busy day is not a habit)."""


def handle_digit_run(handle: str | None) -> int:
    """Length of the longest run of ASCII digits in ``handle`` (0 for none/missing)."""
    if not isinstance(handle, str):
        return 0
    return max((len(m) for m in _DIGITS.findall(handle)), default=0)


def handle_entropy(handle: str | None) -> float:
    """Shannon entropy in bits per character of the case-folded handle (NaN if missing/empty)."""
    if not isinstance(handle, str) or not handle:
        return math.nan
    text = handle.casefold()
    n = len(text)
    return -sum(c / n * math.log2(c / n) for c in Counter(text).values()) + 0.0


def _share(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    out = np.full(len(den), np.nan)
    ok = den > 0
    out[ok] = num[ok] / den[ok]
    return out


def original_posts(events: pd.DataFrame) -> tuple[pd.Index, np.ndarray]:
    """The first row of every ``event_id`` in ``events``: its ids (an Index) and times (UTC s).

    A duplicated event id (the same post read twice) counts at its first row.
    """
    event_ids = events["event_id"].astype(object).to_numpy()
    first = ~pd.Series(event_ids).duplicated().to_numpy()
    return pd.Index(event_ids[first]), events["ts"].to_numpy(dtype=np.int64)[first]


def reaction_delays(
    originals: tuple[pd.Index, np.ndarray], target_event_id: np.ndarray, ts: np.ndarray
) -> np.ndarray:
    """Seconds from the original post to each reaction (repost, quote, reply); NaN when unknown.

    The one definition of a reaction's delay, used by the features
    (``repost_within_60s_share``, the repost lags), the officials audit and the
    account check: ``ts - ts(original)``, where the original is the event
    ``target_event_id`` in ``originals`` (:func:`original_posts`). Unknown (NaN)
    when the original is not in the input, or when it is *later* than the
    reaction (clock skew or bad data: not a valid delay).

    Parameters
    ----------
    originals : (Index, int64 array)
        :func:`original_posts` of the events.
    target_event_id : array of object
        Id of the original per reaction (None / NA: none).
    ts : int64 array
        Time of each reaction, UTC seconds.
    """
    index, original_ts = originals
    pos = index.get_indexer(pd.Index(np.asarray(target_event_id, dtype=object)))
    delay = np.full(len(pos), np.nan)
    found = pos >= 0
    delay[found] = np.asarray(ts, dtype=np.int64)[found] - original_ts[pos[found]]
    delay[delay < 0] = np.nan
    return delay


def _repost_delays(events: pd.DataFrame, ts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per event: is it a repost, and its :func:`reaction_delays` (s; -1 when unknown)."""
    is_repost = (events["kind"] == "repost").to_numpy(dtype=bool, na_value=False)
    delay = np.full(len(events), -1, np.int64)
    if not is_repost.any():
        return is_repost, delay
    rows = np.flatnonzero(is_repost)
    target = events["target_event_id"].to_numpy(dtype=object, na_value=None)[rows]
    d = reaction_delays(original_posts(events), target, ts[rows])
    ok = ~np.isnan(d)
    delay[rows[ok]] = d[ok].astype(np.int64)
    return is_repost, delay


def _group_quantile(
    values: np.ndarray, start: np.ndarray, size: np.ndarray, q: float
) -> np.ndarray:
    """Quantile ``q`` of each group ``values[start:start + size]`` (sorted, size >= 1).

    Linear interpolation between order statistics, as ``np.quantile``'s default.
    """
    pos = q * (size - 1)
    below = np.floor(pos).astype(np.int64)
    above = np.minimum(below + 1, size - 1)
    low = values[start + below]
    return low + (pos - below) * (values[start + above] - low)


def _shared_with_others(cluster: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Per event: in a near-duplicate cluster (id != -1) with two or more distinct accounts."""
    inside = np.flatnonzero(cluster != -1)
    out = np.zeros(len(cluster), dtype=bool)
    if len(inside) == 0:
        return out
    pairs = np.unique(np.column_stack([cluster[inside], codes[inside]]), axis=0)
    ids, n_accounts = np.unique(pairs[:, 0], return_counts=True)
    multi = ids[n_accounts >= 2]
    out[inside] = np.isin(cluster[inside], multi)
    return out


RESOLUTIONS_S: tuple[int, ...] = (3600, 60, 1)
"""Time resolutions an export can have, coarsest first (hour, minute, second)."""


def time_resolution_s(ts: np.ndarray) -> int:
    """Time resolution of an input, in seconds: the coarsest of :data:`RESOLUTIONS_S` that every
    timestamp (UTC seconds) is a multiple of (60 for minute-resolution exports such as IO
    archives); 1 for fewer than two timestamps."""
    ts = np.asarray(ts, dtype=np.int64)
    if ts.size < 2:
        return 1
    return next(r for r in RESOLUTIONS_S if not np.any(ts % r))


def _lag_iqr(codes: np.ndarray, delay: np.ndarray, n: int, min_count: int) -> tuple[np.ndarray, np.ndarray]:
    """IQR and median (s) of each account's timed repost delays (``delay >= 0``); NaN below ``min_count``."""
    out = np.full(n, np.nan)
    median = np.full(n, np.nan)
    timed = np.flatnonzero(delay >= 0)
    if len(timed) == 0:
        return out, median
    order = timed[np.lexsort((delay[timed], codes[timed]))]
    values = delay[order].astype(np.float64)
    size = np.bincount(codes[order], minlength=n)
    start = np.zeros(n, np.int64)
    np.cumsum(size[:-1], out=start[1:])
    ok = np.flatnonzero(size >= min_count)
    out[ok] = _group_quantile(values, start[ok], size[ok], 0.75) - _group_quantile(
        values, start[ok], size[ok], 0.25
    )
    median[ok] = _group_quantile(values, start[ok], size[ok], 0.5)
    return out, median


def _clock_repeat_share(
    codes: np.ndarray,
    ts: np.ndarray,
    offsets: np.ndarray,
    active_days: np.ndarray,
    slot_s: int,
    min_days: int,
) -> np.ndarray:
    """Share of each account's events on a clock slot recurring on ``>= min_days`` days."""
    n = len(offsets) - 1
    out = np.full(n, np.nan)
    sod = ts % DAY_S
    order = np.argsort(codes.astype(np.int64) * DAY_S + sod, kind="stable")
    repeats = clock_repeat_counts(
        offsets, sod[order], ts[order] // DAY_S, int(slot_s), int(min_days)
    )
    ok = active_days >= min_days
    out[ok] = repeats[ok] / np.diff(offsets)[ok]
    return out


def _profile_columns(
    accounts: pd.DataFrame | None, ids: np.ndarray, first_ts: np.ndarray, handles: np.ndarray
) -> dict[str, np.ndarray | pd.arrays.BooleanArray]:
    """Columns that need the accounts table (aligned to ``ids``)."""
    n = len(ids)
    age = np.full(n, np.nan)
    ratio = np.full(n, np.nan)
    created = np.full(n, np.nan)
    posts = np.full(n, np.nan)
    default = pd.array([pd.NA] * n, dtype="boolean")
    if accounts is None or len(accounts) == 0:
        return {"age": age, "ratio": ratio, "default": default, "created": created, "posts": posts}
    table = accounts.drop_duplicates("account_id", keep="last")
    pos = pd.Index(table["account_id"].astype(object)).get_indexer(ids)
    known = pos >= 0
    rows = table.iloc[pos[known]]

    def col(name: str) -> pd.Series:
        if name in rows.columns:
            return rows[name].reset_index(drop=True)
        return pd.Series([pd.NA] * len(rows), dtype=object)

    created[known] = pd.to_numeric(col("created_at"), errors="coerce").to_numpy(
        dtype=float, na_value=np.nan
    )
    age[known] = (first_ts[known] - created[known]) / 86400.0
    posts[known] = pd.to_numeric(col("posts_count"), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    followers = pd.to_numeric(col("followers"), errors="coerce").to_numpy(
        dtype=float, na_value=np.nan
    )
    following = pd.to_numeric(col("following"), errors="coerce").to_numpy(
        dtype=float, na_value=np.nan
    )
    ratio[known] = followers / np.maximum(following, 1.0)
    idx_known = np.flatnonzero(known)
    default_values = pd.array([pd.NA] * len(rows), dtype="boolean")
    if "description" in table.columns and table["description"].notna().any():
        desc = col("description").astype("string").str.strip().fillna("")
        display = col("display_name").astype("string").str.strip().fillna("")
        handle_here = pd.Series(handles[idx_known], dtype="string").fillna("")
        guess = (desc == "") & (
            (display == "") | (display.str.casefold() == handle_here.str.casefold())
        )
        default_values = pd.array(guess.to_numpy(dtype=bool), dtype="boolean")
    if "default_profile" in rows.columns:
        given = pd.array(col("default_profile"), dtype="boolean")
        default_values = pd.array(np.where(pd.isna(given), default_values, given), dtype="boolean")
    default[idx_known] = default_values
    return {"age": age, "ratio": ratio, "default": default, "created": created, "posts": posts}


def account_features(
    events: pd.DataFrame,
    accounts: pd.DataFrame | None = None,
    near_duplicate_event: pd.Series | np.ndarray | None = None,
    *,
    burst_k: int = 5,
    burst_window_s: int = 60,
    night_hours: int = 6,
    never_sleeps_share: float = 0.1,
    min_lag_reposts: int = th.MIN_LAG_REPOSTS,
    clock_slot_s: int = 5,
    clock_min_days: int = 3,
) -> pd.DataFrame:
    """Behaviour features per account (columns: see the module docstring).

    Parameters
    ----------
    events : DataFrame
        Canonical events (``event_id``, ``account_id``, ``ts`` in UTC
        seconds, ``kind``, ``target_event_id``, ``account_name``).
    accounts : DataFrame, optional
        Canonical accounts (``created_at`` in UTC seconds, ``followers``,
        ``following``, ``account_name``, ``display_name``, ``description``,
        optionally ``default_profile``).
    near_duplicate_event : Series or array, optional
        Aligned to ``events`` by position: near-duplicate cluster id per
        event, ``-1`` for none (``NearDupResult.event_cluster``).
    burst_k, burst_window_s : int
        Burst definition: ``burst_k`` events within ``burst_window_s`` seconds.
    night_hours : int
        Width (hours) of the window behind ``night_share``.
    never_sleeps_share : float
        ``night_share`` at or above which ``never_sleeps`` is set.
    min_lag_reposts : int
        Timed reposts needed for ``repost_lag_iqr_s`` (at least 2).
    clock_slot_s : int
        Half-width (seconds, 0 to 43200) of the clock slot behind
        ``clock_repeat_share``.
    clock_min_days : int
        Distinct UTC days (at least 2) a clock slot must recur on for
        ``clock_repeat_share``.

    Returns
    -------
    DataFrame
        One row per account with events, sorted by ``account_id``.
    """
    if burst_k < 2 or burst_window_s < 0:
        raise ValueError("burst_k must be >= 2 and burst_window_s >= 0")
    if not 1 <= night_hours <= 24:
        raise ValueError("night_hours must be in [1, 24]")
    if min_lag_reposts < 2:
        raise ValueError("min_lag_reposts must be >= 2")
    if not 0 <= clock_slot_s <= DAY_S // 2:
        raise ValueError("clock_slot_s must be in [0, 43200] seconds")
    if clock_min_days < 2:
        raise ValueError("clock_min_days must be >= 2")
    if near_duplicate_event is not None and len(near_duplicate_event) != len(events):
        raise ValueError("near_duplicate_event must be aligned to events (same length)")
    codes, ids = encode(events["account_id"])
    n = len(ids)
    ts = events["ts"].to_numpy(dtype=np.int64)
    order = np.lexsort((ts, codes))
    offsets = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(codes, minlength=n), out=offsets[1:])
    sorted_ts = ts[order]
    (n_events, active_days, iet_mean, iet_cv, iet_ent, hour_ent, night, bursts) = (
        account_timing_features(
            offsets, sorted_ts, int(burst_k), int(burst_window_s), int(night_hours)
        )
    )
    clock_share = _clock_repeat_share(codes, ts, offsets, active_days, clock_slot_s, clock_min_days)
    first_ts = sorted_ts[offsets[:-1]]
    last_ts = sorted_ts[offsets[1:] - 1]

    is_repost, delay = _repost_delays(events, ts)
    resolution = float(time_resolution_s(ts))
    timed = delay >= 0
    n_reposts = np.bincount(codes, weights=is_repost, minlength=n)
    n_timed = np.bincount(codes, weights=timed, minlength=n)
    within10 = np.bincount(codes, weights=timed & (delay <= INSTANT_REACTION_S), minlength=n)
    within60 = np.bincount(codes, weights=timed & (delay <= th.FAST_REACTION_S), minlength=n)
    if near_duplicate_event is None:
        near_dup = np.full(n, np.nan)
        near_dup_posts = np.full(n, np.nan)
    else:
        cluster = np.asarray(near_duplicate_event, dtype=np.int64)
        shared = _shared_with_others(cluster, codes)
        near_dup_posts = np.bincount(codes, weights=shared, minlength=n)
        near_dup = _share(near_dup_posts, n_events.astype(float))

    handles = account_handles(events, accounts).reindex(ids.astype(str)).to_numpy(dtype=object, na_value=None)
    profile = _profile_columns(accounts, ids, first_ts, handles)
    never = (
        (n_events >= NEVER_SLEEPS_MIN_EVENTS)
        & (active_days >= NEVER_SLEEPS_MIN_DAYS)
        & (np.nan_to_num(night) >= never_sleeps_share)
    )
    lag_iqr, lag_median = _lag_iqr(codes, delay, n, min_lag_reposts)
    return pd.DataFrame(
        {
            "account_id": pd.array(ids, dtype="string"),
            "n_events": n_events,
            "first_ts": first_ts,
            "last_ts": last_ts,
            "active_days": active_days,
            "posts_per_active_day": _share(n_events.astype(float), active_days.astype(float)),
            "iet_mean_s": iet_mean,
            "iet_cv": iet_cv,
            "iet_entropy": iet_ent,
            "repost_share": _share(n_reposts, n_events.astype(float)),
            "n_reposts_timed": n_timed.astype(np.int64),
            "repost_within_10s_share": _share(within10, n_timed),
            "repost_within_60s_share": _share(within60, n_timed),
            "repost_lag_median_s": lag_median,
            "repost_lag_iqr_s": lag_iqr,
            "repost_lag_spread": np.maximum(lag_iqr, resolution) / np.maximum(lag_median, resolution),
            "hour_entropy": hour_ent,
            "night_share": night,
            "never_sleeps": never,
            "clock_repeat_share": clock_share,
            "burst_count": bursts,
            "near_dup_share": near_dup,
            "near_dup_posts": near_dup_posts,
            "created_at": profile["created"],
            "account_age_days_at_first_post": profile["age"],
            "followers_following_ratio": profile["ratio"],
            "lifetime_posts_per_day": profile["posts"] / np.maximum(1.0, (last_ts - profile["created"]) / 86400.0),
            "scan_share_of_posts": n_events / np.maximum(profile["posts"], n_events),
            "handle_digit_run": np.fromiter((handle_digit_run(h) for h in handles), np.int64, n),
            "handle_entropy": np.fromiter((handle_entropy(h) for h in handles), np.float64, n),
            "default_profile": profile["default"],
        },
        columns=list(FEATURE_COLUMNS),
    )

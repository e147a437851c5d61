"""Simulated populations for the timing tests (and sanity tests of the simulator).

``circadian_humans`` is the population the default ``TimingParams.min_correlation``
was calibrated on: Poisson activity modulated by a diurnal profile in several
time zones, heavy-tailed rates and shared "news" hours. ``synchronised_bots``
plants accounts that follow one schedule with jitter and per-account lags.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

DAY = 86400
T0 = 1_700_000_000 - 1_700_000_000 % DAY  # a UTC midnight

# relative activity per local hour: asleep 1-7h, peaks at lunch and evening
PROFILE = np.array(
    [0.4, 0.15, 0.05, 0.03, 0.03, 0.05, 0.2, 0.6, 0.9, 1.0, 1.0, 1.1,
     1.4, 1.3, 1.0, 1.0, 1.0, 1.1, 1.3, 1.6, 1.8, 1.7, 1.3, 0.8]
)  # fmt: skip


def _frame(account: np.ndarray, ts: np.ndarray, prefix: str) -> pd.DataFrame:
    order = np.lexsort((account, ts))
    account, ts = account[order], ts[order]
    return pd.DataFrame(
        {
            "event_id": [f"{prefix}e{i}" for i in range(len(ts))],
            "account_id": [f"{prefix}{a:04d}" for a in account],
            "ts": ts.astype(np.int64),
            "kind": "post",
        }
    )


def circadian_humans(
    n: int = 600,
    days: int = 14,
    zones: tuple[int, ...] = (-5, 0, 1, 8),
    news_hours: int = 20,
    news_boost: float = 2.0,
    seed: int = 0,
    prefix: str = "h",
) -> pd.DataFrame:
    """Events of ``n`` humans: log-normal daily rate in [2, 300], Poisson per account.

    Each account lives in one of ``zones`` (UTC offset, hours); its hourly rate
    is ``PROFILE[local hour]`` times ``news_boost`` during ``news_hours``
    global hours shared by everybody, so all humans share daily rhythms and
    news peaks. Seconds within an hour are uniform.
    """
    rng = np.random.default_rng(seed)
    hours = np.arange(days * 24)
    news = np.ones(len(hours))
    news[rng.choice(len(hours), size=news_hours, replace=False)] = news_boost
    accounts, times = [], []
    for a in range(n):
        rate = float(np.clip(rng.lognormal(np.log(15.0), 1.0), 2.0, 300.0))
        tz = zones[a % len(zones)]
        weight = PROFILE[(hours + tz) % 24] * news
        lam = weight / PROFILE.mean() * rate / 24.0
        counts = rng.poisson(lam)
        h = np.repeat(hours, counts)
        ts = T0 + h * 3600 + rng.integers(0, 3600, size=len(h))
        accounts.append(np.full(len(ts), a))
        times.append(ts)
    return _frame(np.concatenate(accounts), np.concatenate(times), prefix)


def synchronised_bots(
    n: int = 8,
    n_actions: int = 300,
    days: int = 14,
    jitter_s: float = 15.0,
    max_lag_s: int = 90,
    keep: float = 0.85,
    own_per_day: float = 2.0,
    seed: int = 1,
    prefix: str = "b",
) -> pd.DataFrame:
    """``n`` accounts driven by one schedule of ``n_actions`` instants.

    Each bot has a fixed lag in ``[0, max_lag_s]`` seconds behind the
    schedule, acts on a share ``keep`` of its instants with Gaussian jitter
    ``jitter_s`` seconds, and adds ``own_per_day`` random events of its own.
    """
    rng = np.random.default_rng(seed)
    schedule = np.sort(T0 + rng.integers(0, days * DAY, size=n_actions))
    accounts, times = [], []
    for a in range(n):
        lag = int(rng.integers(0, max_lag_s + 1))
        mine = schedule[rng.random(n_actions) < keep]
        ts = mine + lag + np.round(rng.normal(0.0, jitter_s, size=len(mine))).astype(np.int64)
        own = T0 + rng.integers(0, days * DAY, size=rng.poisson(own_per_day * days))
        ts = np.concatenate([ts, own])
        accounts.append(np.full(len(ts), a))
        times.append(ts)
    return _frame(np.concatenate(accounts), np.concatenate(times), prefix)


def test_humans_follow_the_profile():
    events = circadian_humans(n=40, days=7, zones=(0,), news_hours=0, seed=3)
    hour = (events["ts"] % DAY) // 3600
    night = hour.isin([2, 3, 4]).mean()
    evening = hour.isin([19, 20, 21]).mean()
    assert evening > 10 * night
    assert events["account_id"].nunique() == 40


def test_bots_share_their_schedule():
    events = synchronised_bots(
        n=3, n_actions=50, own_per_day=0.0, jitter_s=0.0, max_lag_s=0, keep=1.0
    )
    per = events.groupby("account_id")["ts"].apply(lambda s: tuple(sorted(s)))
    assert per.nunique() == 1

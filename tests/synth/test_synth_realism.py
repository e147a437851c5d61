"""Statistical realism of the synthetic data, so later changes cannot quietly make it easy.

Each test checks one claim of the generator's documentation on a medium-size
dataset: heavy-tailed activity, circadian rhythm per time zone, organic cascade
timing, campaign synchrony as configured, fast-but-organic hard negatives, and
that no single profile feature separates campaigns from everybody else.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.metrics import roc_auc_score

from detector.synth import SynthConfig, generate

CFG = SynthConfig(accounts=2500, days=7, seed=21)


@pytest.fixture(scope="module")
def data():
    return generate(CFG)


@pytest.fixture(scope="module")
def ts_of(data):
    return data.events.set_index("event_id")["ts"]


def _labels(data, events):
    return events["account_id"].map(data.truth.set_index("account_id")["label"]).to_numpy(dtype=object)


def _delays(events, ts_of):
    return events["ts"].to_numpy() - events["target_event_id"].map(ts_of).to_numpy(dtype=np.int64)


def test_activity_heavy_tail(data):
    ev = data.events[_labels(data, data.events) == "organic"]
    counts = np.sort(ev["account_id"].value_counts().to_numpy())[::-1]
    top = counts[: max(1, len(counts) // 10)].sum() / counts.sum()
    assert top > 0.40, f"top 10% of organic accounts make {top:.2f} of posts"
    # Hill estimator of the tail index on the top 5%: a heavy, not degenerate, tail
    k = len(counts) // 20
    alpha = 1.0 / np.mean(np.log(counts[:k] / counts[k]))
    assert 1.0 < alpha < 4.0
    followers = data.accounts["followers"].astype(float).to_numpy()
    assert np.percentile(followers, 99) > 30 * np.median(followers)


@pytest.mark.parametrize("offset", [9.0, 1.0, -5.0])
def test_circadian_profile_per_timezone(data, offset):
    ev = data.events[(_labels(data, data.events) == "organic") & (data.events["kind"] == "post").to_numpy()]
    tz = ev["account_id"].map(data.population.set_index("account_id")["tz_offset_h"]).to_numpy(float)
    sel = tz == offset
    assert sel.sum() > 500
    hour = ((ev["ts"].to_numpy()[sel] + offset * 3600) // 3600 % 24).astype(int)
    hist = np.bincount(hour, minlength=24)
    assert stats.chisquare(hist).pvalue < 1e-10
    night = hist[2:6].sum() / 4
    evening = hist[19:23].sum() / 4
    assert night < 0.3 * evening, "people sleep at night, local time"
    # the UTC profile of two distant zones differs (it is local time that drives activity)
    other = tz == (-5.0 if offset != -5.0 else 9.0)
    utc_a = np.bincount((ev["ts"].to_numpy()[sel] // 3600 % 24).astype(int), minlength=24)
    utc_b = np.bincount((ev["ts"].to_numpy()[other] // 3600 % 24).astype(int), minlength=24)
    assert stats.chi2_contingency(np.vstack([utc_a, utc_b]) + 1).pvalue < 1e-10


def test_organic_cascade_timing(data, ts_of):
    ev = data.events
    rp = ev[(_labels(data, ev) == "organic") & (ev["kind"] == "repost").to_numpy()]
    d = _delays(rp, ts_of)
    assert np.median(d) > 15 * 60, "organic retweets mostly come tens of minutes later"
    assert np.percentile(d, 10) > 60
    assert np.percentile(d, 90) / np.median(d) > 4, "heavy right tail of delays"
    # decaying rate: more retweets in the first hour than in the fifth
    first = ((d >= 0) & (d < 3600)).sum()
    fifth = ((d >= 4 * 3600) & (d < 5 * 3600)).sum()
    assert first > 3 * fifth > 0
    # cascades: some posts get many retweets, most get none
    per_post = rp["target_event_id"].value_counts()
    assert per_post.max() >= 20
    n_posts = (ev["kind"] == "post").sum()
    assert len(per_post) < 0.5 * n_posts


@pytest.mark.parametrize("jitter", [5.0, 60.0, 300.0])
def test_campaign_synchrony_as_configured(jitter):
    d = generate(SynthConfig(accounts=1200, days=5, seed=8, jitter_s=jitter, organic_noise=0.0,
                             strategies=("retweet_burst",)))
    ev = d.events
    members = set(d.truth.loc[d.truth["strategy"] == "retweet_burst", "account_id"])
    sponsor = d.campaigns.loc[0, "sponsor"]
    officials = set(d.officials.loc[d.officials["country"] == sponsor, "account_id"])
    rp = ev[ev["account_id"].isin(members) & (ev["kind"] == "repost") & ev["target_account_id"].isin(officials)]
    delay = _delays(rp, ev.set_index("event_id")["ts"])
    assert (delay <= 300 + jitter + 1).all()  # trigger 15-300 s after the post, then the burst
    g = rp.groupby("target_event_id")["ts"]
    span = (g.max() - g.min())[g.size() >= 5]
    assert len(span) >= 10
    assert span.max() <= jitter + 1
    assert span.median() >= 0.5 * jitter - 1


def test_fandom_fast_but_irregular(data, ts_of):
    ev = data.events
    fans = set(data.truth.loc[data.truth["group"] == "fandom", "account_id"])
    rp = ev[ev["account_id"].isin(fans) & (ev["kind"] == "repost")]
    rp = rp[rp["target_account_id"] == data.truth.loc[data.truth["group"] == "celebrity", "account_id"].iloc[0]]
    d = _delays(rp, ts_of)
    assert np.median(d) < 120, "fans repost the idol within seconds to a couple of minutes"
    assert (d < 30).mean() > 0.2
    # but each fan's lag varies: per-fan coefficient of variation of delays is large
    cv = pd.Series(d, index=rp["account_id"].to_numpy()).groupby(level=0).agg(
        lambda s: s.std() / s.mean() if len(s) >= 4 else np.nan).dropna()
    assert cv.median() > 0.5
    # and they write their own, diverse posts
    own = ev[ev["account_id"].isin(fans) & (ev["kind"] == "post")]["text"]
    assert own.nunique() > 0.95 * len(own)


def test_no_single_profile_feature_separates(data):
    acc = data.accounts.set_index("account_id")
    y = (data.truth.set_index("account_id").loc[acc.index, "label"] == "campaign").to_numpy()
    youth = acc["created_at"].astype(float).to_numpy()
    low_followers = -acc["followers"].astype(float).to_numpy()
    activity = data.events["account_id"].value_counts().reindex(acc.index).fillna(0).to_numpy()
    for name, feature in (("youth", youth), ("low followers", low_followers), ("activity", activity)):
        auc = roc_auc_score(y, feature)
        assert auc < 0.93, f"{name} alone separates campaign accounts (AUC {auc:.2f})"


def test_fast_retweet_share_flags_hard_negatives(data, ts_of):
    """A naive 'retweets within a minute' rule catches fans as much as campaigns."""
    ev = data.events
    rp = ev[ev["kind"] == "repost"]
    fast = pd.Series(_delays(rp, ts_of) < 60, index=rp["account_id"].to_numpy()).groupby(level=0).mean()
    groups = data.truth.set_index("account_id")["group"]
    fan_fast = (fast.reindex(groups.index[groups == "fandom"]).fillna(0) > 0.5).mean()
    assert fan_fast > 0.3


@pytest.mark.slow
def test_generator_speed_1m_events():
    """Measure (no assertion on wall time): the generator at ~1M events."""
    import time

    t0 = time.perf_counter()
    d = generate(SynthConfig(accounts=60_000, days=7, seed=1))
    elapsed = time.perf_counter() - t0
    print(f"\ngenerator: {len(d.events):,} events in {elapsed:.1f} s ({len(d.events) / elapsed:,.0f} events/s)")
    assert len(d.events) > 900_000

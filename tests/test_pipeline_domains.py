"""A slow drip of fresh links to three sites, through the whole scan, beside a newsroom and its
outlet's two sites (a small hand-built fixture, not the scenario builder)."""

from __future__ import annotations

import numpy as np
import pytest

from detector.pipeline import ScanParams, run_scan
from detector.schema import accounts_from_records, events_from_records

T0 = 1_780_000_000
DAY = 86400
BIG = ("bbc.co.uk", "nytimes.com", "theguardian.com", "elpais.com", "youtube.com")
DRIP = ("truthwire.example", "globalview.example", "reportnow.example")


def _build(seed: int = 0):
    rng = np.random.default_rng(seed)
    ev: list[dict] = []
    acc: list[dict] = []

    def post(a: str, ts: float, urls: tuple[str, ...] = ()) -> None:
        words = " ".join(f"w{int(k)}" for k in rng.integers(0, 5000, 10))
        ev.append(dict(event_id=f"e{len(ev):06d}", platform="twitter", account_id=a, account_name=a, ts=int(ts),
                       kind="post", target_event_id=None, target_account_id=None, text=words, hashtags=[], urls=list(urls)))

    def account(a: str, age_days: float, followers: int) -> None:
        acc.append(dict(account_id=a, account_name=a, display_name=a.title(), description="hello",
                        created_at=int(T0 - age_days * DAY), followers=followers, following=200,
                        posts_count=int(age_days * 2)))

    def link(domain: str) -> str:
        return f"https://{domain}/story-{int(rng.integers(0, 10**6))}"

    for i in range(300):  # ordinary users: old, some links to the big sites
        a = f"o{i:03d}"
        account(a, rng.uniform(300, 4000), int(rng.lognormal(5, 1)))
        for ts in T0 + rng.uniform(0, 7 * DAY, int(rng.integers(2, 9))):
            post(a, ts, (link(str(rng.choice(BIG))),) if rng.random() < 0.25 else ())
    drip = [f"d{i:02d}" for i in range(20)]  # young, few followers; fresh URLs, hours apart
    for a in drip:
        account(a, rng.uniform(10, 120), int(rng.integers(5, 40)))
        for ts in T0 + rng.uniform(0, 7 * DAY, int(rng.integers(1, 4))):
            post(a, ts)
    for _ in range(30):
        t0 = T0 + rng.uniform(0, 7 * DAY - DAY)
        site = str(rng.choice(DRIP))
        for a in rng.choice(drip, size=3, replace=False):
            post(str(a), t0 + rng.uniform(0, 12 * 3600), (link(site),))
    staff = [f"r{i:02d}" for i in range(10)]  # old journalists with big followings: outlet + sister site
    for a in staff:
        account(a, rng.uniform(2000, 4500), int(rng.lognormal(8, 0.5)))
    for _ in range(40):
        t0 = T0 + rng.uniform(0, 7 * DAY - DAY)
        site = "herald.example" if rng.random() < 0.7 else "sport.herald.example"
        for a in rng.choice(staff, size=3, replace=False):
            post(str(a), t0 + rng.uniform(0, 12 * 3600), (link(site),))
    return events_from_records(ev), accounts_from_records(acc), drip, staff


@pytest.fixture(scope="module")
def drip_scan():
    events, accounts, drip, staff = _build()
    result = run_scan(events, accounts, params=ScanParams(timing=False), progress=False)
    return result, drip, staff


def test_slow_drip_flagged_newsroom_and_ordinary_users_not(drip_scan):
    result, drip, staff = drip_scan
    s = result.scored.set_index("account_id")
    assert "domain_recurring" in result.layers
    assert s.loc[drip, "flagged"].mean() >= 0.8
    assert not s.loc[staff, "flagged"].any()  # tied by their outlet's two sites, but old with big followings
    assert result.signals.loc[staff, "domain_partners"].max() > 0  # the tie alone never flags
    ordinary = [a for a in s.index if a.startswith("o")]
    assert s.loc[ordinary, "flagged"].mean() <= 0.01
    # one cluster holds most of the drip (dense communities merged)
    assert s.loc[drip, "cluster_id"].value_counts().iloc[0] >= 15


def test_slow_drip_reasons_name_the_domains(drip_scan):
    result, drip, _ = drip_scan
    s = result.scored.set_index("account_id")
    flagged = [a for a in drip if s.loc[a, "flagged"]]
    texts = [" ".join(s.loc[a, "reasons"]) for a in flagged]
    assert all("recurring link domains" in t for t in texts)
    assert all("linked co-linked uncommon domains" in t and "after FDR adjustment" in t for t in texts)
    assert any(all(d in t for d in DRIP) for t in texts)
    assert all("herald.example" not in t for t in texts)

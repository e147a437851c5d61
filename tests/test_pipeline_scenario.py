"""A small hand-built scenario for scan tests: organic users, an idol with fast fans, a campaign.

Used by test_pipeline*.py and test_cli_scan*.py (imported as a module). The
campaign is built from the signals the scorer is designed around (synchronised reposts,
copy-paste with one-word edits, young random-handle accounts, clockwork schedule), the fans
from one of them only (fast reposts of the idol), so the tests check the conjunction rule
end to end. Not a quality benchmark: the generator (detector.synth) is.
"""

import numpy as np
import pandas as pd

from detector.schema import accounts_from_records, events_from_records

WORDS = [
    "the",
    "a",
    "of",
    "news",
    "today",
    "great",
    "people",
    "city",
    "music",
    "game",
    "food",
    "travel",
    "love",
    "rain",
    "sun",
    "team",
    "win",
    "vote",
    "school",
    "work",
    "friend",
    "happy",
    "new",
    "old",
    "big",
    "small",
]


def scenario(seed=0, n_org=150, n_fans=30, n_camp=12, days=3):
    rng = np.random.default_rng(seed)
    t0 = 1_700_000_000
    ev, acc = [], []
    eid = [0]

    def add(a, name, ts, kind="post", target=None, tacc=None, text=None, tags=()):
        eid[0] += 1
        ev.append(
            dict(
                event_id=f"e{eid[0]:06d}",
                platform="twitter",
                account_id=a,
                account_name=name,
                ts=int(ts),
                kind=kind,
                target_event_id=target,
                target_account_id=tacc,
                text=text,
                hashtags=list(tags),
            )
        )
        return f"e{eid[0]:06d}"

    posts = []
    for i in range(n_org):
        a = f"o{i:03d}"
        name = f"user_{WORDS[i % len(WORDS)]}{i}"
        acc.append(
            dict(
                account_id=a,
                account_name=name,
                created_at=t0 - int(rng.integers(300, 3000)) * 86400,
                followers=int(rng.integers(10, 5000)),
            )
        )
        k = int(rng.integers(5, 30))
        for _ in range(k):
            day = rng.integers(0, days)
            hour = rng.normal(15, 3) % 24
            ts = t0 + day * 86400 + hour * 3600 + rng.integers(0, 3600)
            txt = " ".join(rng.choice(WORDS, 8))
            posts.append(
                (add(a, name, ts, text=txt, tags=[rng.choice(["news", "music", "sport"])]), a, ts)
            )
    for i in range(n_org):  # organic retweets at slow delays
        a = f"o{i:03d}"
        for _ in range(int(rng.integers(0, 8))):
            p, pa, pts = posts[int(rng.integers(len(posts)))]
            if pa != a:
                add(
                    a,
                    f"user_{WORDS[i % len(WORDS)]}{i}",
                    pts + rng.exponential(3 * 3600) + 60,
                    "repost",
                    p,
                    pa,
                    None,
                )
    # idol and fans
    acc.append(
        dict(
            account_id="idol",
            account_name="idol_star",
            created_at=t0 - 2000 * 86400,
            followers=10**6,
        )
    )
    idol_posts = []
    for d in range(days):
        for h in (10, 18):
            ts = t0 + d * 86400 + h * 3600
            idol_posts.append(
                (add("idol", "idol_star", ts, text="new song out now " + str(d), tags=["kpop"]), ts)
            )
    for i in range(n_fans):
        a = f"f{i:03d}"
        name = f"fan_{WORDS[i % len(WORDS)]}_{i}"
        acc.append(
            dict(
                account_id=a,
                account_name=name,
                created_at=t0 - int(rng.integers(100, 2000)) * 86400,
                followers=int(rng.integers(10, 2000)),
            )
        )
        for p, ts in idol_posts:
            if rng.random() < 0.9:
                add(
                    a,
                    name,
                    ts + rng.integers(3, 90),
                    "repost",
                    p,
                    "idol",
                    "new song out now",
                    ["kpop"],
                )
        for _ in range(int(rng.integers(3, 15))):
            day = rng.integers(0, days)
            hour = rng.normal(20, 3) % 24
            add(
                a,
                name,
                t0 + day * 86400 + hour * 3600 + rng.integers(0, 3600),
                text=" ".join(rng.choice(WORDS, 8)),
                tags=["kpop"],
            )
    # official + campaign
    acc.append(
        dict(
            account_id="emb",
            account_name="embassy_x",
            created_at=t0 - 3000 * 86400,
            followers=50000,
            official_role="embassy",
            official_country="XX",
        )
    )
    off_posts = []
    for d in range(days):
        for h in (9, 13, 17):
            ts = t0 + d * 86400 + h * 3600
            off_posts.append(
                (
                    add(
                        "emb",
                        "embassy_x",
                        ts,
                        text="our country welcomes cooperation " + str(d * 10 + h),
                        tags=["diplomacy"],
                    ),
                    ts,
                )
            )
    base = "great friendship between our nations brings peace and prosperity to all"
    for i in range(n_camp):
        a = f"c{i:03d}"
        name = "".join(rng.choice(list("abcdefghijklmnopqrstuvwxyz"), 6)) + str(
            rng.integers(10000, 99999)
        )
        acc.append(
            dict(
                account_id=a,
                account_name=name,
                created_at=t0 - int(rng.integers(2, 20)) * 86400,
                followers=int(rng.integers(0, 30)),
            )
        )
        for p, ts in off_posts:
            add(
                a,
                name,
                ts + rng.integers(2, 40),
                "repost",
                p,
                "emb",
                "our country welcomes cooperation",
                ["diplomacy"],
            )
        for k in range(days * 12):
            ts = t0 + k * 7200 + 300 + rng.integers(0, 60)
            words = base.split()
            j = int(rng.integers(len(words)))
            words[j] = str(rng.choice(WORDS))
            add(a, name, ts, text=" ".join(words), tags=["diplomacy", "peace"])
    events = events_from_records(ev)
    accounts = accounts_from_records(acc)
    truth = pd.DataFrame({"account_id": accounts["account_id"].astype(str)})
    truth["label"] = np.where(
        truth.account_id.str.startswith("c"),
        "campaign",
        np.where(truth.account_id.str.startswith("f"), "hard_negative", "organic"),
    )
    return events, accounts, truth


def test_scenario_is_deterministic_and_labelled():
    e1, a1, t1 = scenario(seed=3)
    e2, a2, t2 = scenario(seed=3)
    pd.testing.assert_frame_equal(e1, e2)
    assert set(t1["label"]) == {"organic", "hard_negative", "campaign"}
    assert e1["event_id"].is_unique

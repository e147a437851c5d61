"""The failure cases of issue 14, rebuilt by hand (not with detector.synth) for the scorer's tests.

One week of a population of ordinary users (5% young accounts, handles without digits) plus
three groups:

* ``newsroom``: 15 old journalists with digit handles (``reporter_12``) sharing their
  outlet's links minutes apart, each with its own words (hard negative);
* ``fandom``: 200 fans of an idol reposting within seconds to a minute and posting
  fan-project template texts word for word; 10% of them are young stan accounts
  (hard negative);
* ``network``: an 80-account Spamouflage-style network, half old dormant accounts (created
  years ago, a handful of statuses), half created days ago, posting Chinese copy-paste
  texts with small edits and reposting each other (campaign).

Imported as a module by test_scoring_cases.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from detector.schema import accounts_from_records, events_from_records

T0 = 1_700_000_000
DAY = 86400
NAMES = ["amber", "birch", "cedar", "delta", "ember", "fjord", "grove", "haven", "iris", "juniper", "koala", "lotus",
         "maple", "nova", "olive", "pearl", "quill", "raven", "sage", "tulip", "umber", "violet", "willow", "yarrow"]
CJK = [chr(c) for c in range(0x4E00, 0x4E00 + 800)]


def build(seed: int = 0, n_org: int = 600) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, set[str]]]:
    """Events, accounts and the account ids of each group (``organic``, ``newsroom``, ``fandom``, ``network``)."""
    rng = np.random.default_rng(seed)
    ev: list[dict] = []
    acc: list[dict] = []
    groups: dict[str, set[str]] = {k: set() for k in ("organic", "newsroom", "fandom", "network")}
    vocab = [f"{NAMES[i % len(NAMES)]}{chr(97 + (i // len(NAMES)) % 26)}{i}" for i in range(3000)]

    def words(n: int) -> str:
        return " ".join(vocab[int(k)] for k in rng.integers(0, len(vocab), n))

    def add(a: str, ts: float, kind: str = "post", target: str | None = None, tacc: str | None = None,
            text: str | None = None, tags: tuple[str, ...] = (), urls: tuple[str, ...] = ()) -> str:
        eid = f"e{len(ev):07d}"
        ev.append(dict(event_id=eid, platform="twitter", account_id=a, account_name=None, ts=int(ts), kind=kind,
                       target_event_id=target, target_account_id=tacc, text=text, hashtags=list(tags), urls=list(urls)))
        return eid

    def account(a: str, handle: str, age_days: float, n_posts_life: int, followers: int, following: int) -> None:
        acc.append(dict(account_id=a, account_name=handle, display_name=handle.title(), description="hello",
                        created_at=int(T0 - age_days * DAY), followers=followers, following=following,
                        posts_count=n_posts_life))

    # ordinary users
    posts: list[tuple[str, str, int]] = []
    tags = [f"topic{k}" for k in range(40)]
    for i in range(n_org):
        a = f"o{i:04d}"
        young = rng.random() < 0.05
        age = rng.uniform(2, 40) if young else rng.uniform(200, 4000)
        rate = rng.lognormal(0.3, 0.8)
        n = int(rng.poisson(rate * 7)) + 1
        account(a, f"{NAMES[i % len(NAMES)]}_{NAMES[(i * 7) % len(NAMES)]}{chr(97 + i % 26)}{chr(97 + (i // 26) % 26)}",
                age, int(rate * age * rng.uniform(0.3, 1.0)) + n, int(rng.lognormal(5, 1.5)), int(rng.lognormal(5, 1)))
        groups["organic"].add(a)
        for ts in np.sort(T0 + rng.uniform(0, 7 * DAY, n)):
            if posts and rng.random() < 0.3:
                src, src_acc, src_ts = posts[int(rng.integers(0, len(posts)))]
                if src_ts < ts:
                    add(a, ts, "repost", src, src_acc)
                    continue
            tg = (tags[int(rng.integers(0, len(tags)))],) if rng.random() < 0.3 else ()
            url = (f"https://site{int(rng.integers(0, 300))}.example/p{int(rng.integers(0, 50))}",) if rng.random() < 0.2 else ()
            posts.append((add(a, ts, text=words(12), tags=tg, urls=url), a, int(ts)))

    # newsroom: an outlet and 15 journalists with digit handles
    account("outlet", "dailyherald", 5000, 90000, 500000, 300)
    staff = [f"r{i:02d}" for i in range(15)]
    for i, a in enumerate(staff):
        account(a, f"reporter_{i + 1}", rng.uniform(1500, 4000), int(rng.uniform(3000, 20000)), int(rng.lognormal(7, 1)), 800)
        groups["newsroom"].add(a)
    for k in range(70):
        ts = T0 + k * (7 * DAY / 70) + rng.uniform(0, 3600)
        link = f"https://dailyherald.example/story/{k}"
        add("outlet", ts, text=words(10), urls=(link,))
        for a in staff:
            if rng.random() < 0.6:
                add(a, ts + rng.uniform(120, 1500), text=words(10), urls=(link,))
        for a in staff:  # their own reporting
            if rng.random() < 0.3:
                add(a, ts + rng.uniform(0, 7200), text=words(14))

    # fandom: an idol, 200 fans (10% young stan accounts), streaming party, template texts
    account("idol", "starlight_official", 3000, 4000, 9_000_000, 50)
    fans = [f"f{i:03d}" for i in range(200)]
    templates = [words(16) for _ in range(5)]
    for i, a in enumerate(fans):
        young = i % 10 == 0
        age = rng.uniform(5, 60) if young else rng.uniform(200, 3000)
        account(a, f"{NAMES[i % len(NAMES)]}lover{chr(97 + i % 26)}{chr(97 + (i // 26) % 26)}", age,
                int(age * rng.uniform(2, 20)) + 50, int(rng.lognormal(4, 1.2)), int(rng.lognormal(5.5, 0.8)))
        groups["fandom"].add(a)
    for k in range(21):
        ts = T0 + k * (7 * DAY / 21) + rng.uniform(0, 1800)
        pid = add("idol", ts, text=words(8), tags=("starlight",))
        for a in fans:
            if rng.random() < 0.7:
                add(a, ts + rng.lognormal(3.0, 0.8), "repost", pid, "idol")
    for a in fans:
        for _ in range(int(rng.integers(1, 4))):
            ts = T0 + rng.uniform(0, 7 * DAY)
            add(a, ts, text=templates[int(rng.integers(0, 5))] + " #starlight", tags=("starlight",))
        for ts in T0 + rng.uniform(0, 7 * DAY, int(rng.poisson(6))):
            add(a, ts, text=words(12))

    # Spamouflage-style network: 40 aged-dormant + 40 young accounts, copy-paste with edits
    net = [f"n{i:02d}" for i in range(80)]
    for i, a in enumerate(net):
        if i < 40:
            age = rng.uniform(1500, 3500)
            life = -int(rng.integers(0, 8))  # a handful of statuses before this week (added below)
        else:
            age = rng.uniform(2, 20)
            life = int(rng.integers(5, 40))
        account(a, f"{NAMES[i % len(NAMES)]}{NAMES[(i * 5) % len(NAMES)]}{chr(97 + i % 26)}", age, life,
                int(rng.integers(0, 30)), int(rng.integers(50, 400)))
        groups["network"].add(a)
    own_posts: list[tuple[str, str, int]] = []
    for _ in range(30):
        base = [CJK[int(c)] for c in rng.integers(0, len(CJK), 60)]
        start = T0 + rng.uniform(0, 7 * DAY - 4 * 3600)
        for a in rng.choice(net, size=25, replace=False):
            text = list(base)
            for pos in rng.integers(0, len(text), 2):
                text[pos] = CJK[int(rng.integers(0, len(CJK)))]
            ts = start + rng.uniform(0, 3 * 3600)
            own_posts.append((add(str(a), ts, text="".join(text)), str(a), int(ts)))
    for pid, src, ts in own_posts:
        for a in rng.choice(net, size=4, replace=False):
            if a != src:
                add(str(a), ts + rng.uniform(60, 600), "repost", pid, src)

    n_here = pd.Series([e["account_id"] for e in ev]).value_counts()
    for r in acc:  # lifetime statuses include this week's (the dormant ones: a few more before it)
        if r["posts_count"] <= 0:
            r["posts_count"] = int(n_here.get(r["account_id"], 0)) - r["posts_count"]
    events = events_from_records(ev)
    names = {r["account_id"]: r["account_name"] for r in acc}
    events["account_name"] = events["account_id"].map(names)
    return events, accounts_from_records(acc), groups

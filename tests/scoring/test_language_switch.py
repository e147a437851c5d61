"""Hijacked accounts that switch language are flagged; a bilingual group with the same coordination is not.

Own fixture (not the scenario builder): 300 ordinary old accounts posting in one language over
eight days, and two groups of 15 old accounts with ordinary profiles that post the same
copy-paste texts (two-character edits) within 20 minutes of each other in 10 episodes:

* ``hijacked``: their own English posts for four days, then only the Russian copy-paste texts;
* ``bilingual``: their own posts in English and Spanish mixed all along, and copy-paste texts
  in English and Spanish over the whole period (the same coordination, no switch).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from detector.pipeline import run_scan
from detector.progress import set_quiet
from detector.schema import accounts_from_records, events_from_records

T0 = 1_760_000_000
DAY = 86400
LATIN = "abcdefghijklmnopqrstuvwxyz"
CYRILLIC = "абвгдежзиклмнопрстуфхцчшщыэюя"


def _build(seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, list[str]]]:
    rng = np.random.default_rng(seed)
    ev: list[dict] = []
    acc: list[dict] = []

    def word(letters: str) -> str:
        return "".join(letters[int(i)] for i in rng.integers(0, len(letters), int(rng.integers(3, 9))))

    def text(letters: str, n: int = 12) -> str:
        return " ".join(word(letters) for _ in range(n))

    def add(a: str, ts: float, lang: str, body: str) -> None:
        ev.append(dict(event_id=f"e{len(ev):07d}", platform="twitter", account_id=a, account_name=None, ts=int(ts),
                       kind="post", text=body, lang=lang, hashtags=[], urls=[]))

    def account(a: str, i: int) -> None:
        age = rng.uniform(900, 4000)
        acc.append(dict(account_id=a, account_name=f"user_{a}", display_name=f"User {i}", description="hello there",
                        created_at=int(T0 - age * DAY), followers=int(rng.lognormal(5, 1)),
                        following=int(rng.lognormal(5, 0.8)), posts_count=int(age * rng.uniform(0.5, 3))))

    for i in range(300):
        a = f"o{i:04d}"
        account(a, i)
        lang, letters = ("es", LATIN) if i % 10 == 0 else ("en", LATIN)
        for ts in np.sort(T0 + rng.uniform(0, 8 * DAY, int(rng.poisson(12)) + 1)):
            add(a, ts, lang, text(letters))
    groups = {"hijacked": [f"h{i:02d}" for i in range(15)], "bilingual": [f"b{i:02d}" for i in range(15)]}
    for name, members in groups.items():
        for i, a in enumerate(members):
            account(a, 1000 + i)
            span = 4 * DAY if name == "hijacked" else 8 * DAY
            for ts in np.sort(T0 + rng.uniform(0, span, 8)):
                add(a, ts, "en" if name == "hijacked" or rng.random() < 0.6 else "es", text(LATIN))
        for k in range(10):
            if name == "hijacked":
                start, lang, letters = T0 + 4 * DAY + k * 0.38 * DAY, "ru", CYRILLIC
            else:
                start, lang, letters = T0 + 0.2 * DAY + k * 0.78 * DAY, ("en", "es")[k % 2], LATIN
            base = list(text(letters, 16))
            for a in members:
                if rng.random() < 0.8:
                    body = list(base)
                    for pos in rng.integers(0, len(body), 2):
                        body[pos] = letters[int(rng.integers(0, len(letters)))]
                    add(a, start + rng.uniform(0, 1200), lang, "".join(body))
    return events_from_records(ev), accounts_from_records(acc), groups


@pytest.fixture(scope="module")
def scan():
    set_quiet(True)
    events, accounts, groups = _build()
    return run_scan(events, accounts, progress=False), groups


def test_hijacked_flagged_bilingual_not(scan):
    res, groups = scan
    sc = res.scored.set_index("account_id")
    hijacked = sc.loc[groups["hijacked"]]
    bilingual = sc.loc[groups["bilingual"]]
    assert hijacked["flagged"].mean() >= 0.8
    assert not bilingual["flagged"].any()
    organic = sc.loc[[a for a in sc.index if a.startswith("o")]]
    assert organic["flagged"].mean() <= 0.01
    sig = res.signals
    assert sig.loc[groups["hijacked"], "language_shift"].median() > 0.1
    assert sig.loc[groups["bilingual"], "language_shift"].max() < 0.1
    clusters = res.clusters.set_index("cluster_id")
    hijacked_clusters = sc.loc[groups["hijacked"], "cluster_id"].dropna().unique()
    bilingual_clusters = sc.loc[groups["bilingual"], "cluster_id"].dropna().unique()
    assert clusters.loc[hijacked_clusters, "test_shifted"].max() >= 0.5
    assert clusters.loc[bilingual_clusters, "test_shifted"].max() == 0.0


def test_reason_names_switch_value_median_percentile(scan):
    res, groups = scan
    sc = res.scored.set_index("account_id")
    reasons = [r for a in groups["hijacked"] for r in sc.loc[a, "reasons"] if "language switch:" in r]
    assert reasons, "no hijacked account names its language switch"
    r = reasons[0]
    assert "switched from en to ru after" in r and "% of its posts before" in r and "after in ru" in r
    assert "language shift 0." in r  # the value
    assert "population median: language shift 0.00" in r  # the population's median
    assert "more extreme than" in r or "the most extreme account" in r  # its percentile
    clusters = res.clusters
    assert any("switched language at one moment" in x for rs in clusters["reasons"] for x in rs)  # the group test


def test_coverage_names_language(scan):
    res, _ = scan
    cov = res.report["input_summary"]["evidence_coverage"]
    assert 0.9 < cov["language"] <= 1.0

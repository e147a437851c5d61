"""Group tests judge a cluster by its distribution against the scan's population (issue 14)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from detector.scoring.evidence_tests import account_test_scores, family_scores
from detector.scoring.group_tests import group_tests, in_suspicious_quarter, member_attributes

DAY = 86400.0


def _signals(age_days: np.ndarray) -> pd.DataFrame:
    n = len(age_days)
    return pd.DataFrame(
        {"age_days": age_days, "n_events": np.full(n, 5.0), "sync_partners": np.zeros(n)},
        index=pd.Index([f"a{i:04d}" for i in range(n)], name="account_id"),
    )


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (np.zeros(40), np.zeros(40)),  # all equal: mid-rank 0.5 for everyone, nobody in the tail
        (np.r_[np.zeros(39), 5.0], np.r_[np.zeros(39), 1.0]),  # one non-zero value: only it
        (np.r_[np.zeros(20), np.ones(20)], np.zeros(40)),  # two values, half each: tail share 0.25 .. 0.75
    ],
)
def test_quarter_on_degenerate_signals(values, expected):
    # ``rate`` (events per active day): higher is suspicious
    sig = pd.DataFrame({"posts_per_day": values}, index=[f"a{i}" for i in range(len(values))])
    got = in_suspicious_quarter(sig)["rate"].to_numpy()
    np.testing.assert_array_equal(got, expected)


def test_quarter_keeps_unknown_unknown():
    values = np.r_[np.full(30, np.nan), np.arange(10.0)]
    sig = pd.DataFrame({"posts_per_day": values}, index=[f"a{i}" for i in range(40)])
    got = in_suspicious_quarter(sig)["rate"].to_numpy()
    assert np.isnan(got[:30]).all()
    # mid-rank tail share (#greater + 0.5) / 10 <= 0.25: the top two of the ten known values
    np.testing.assert_array_equal(got[30:], np.r_[np.zeros(8), 1.0, 1.0])


def _population_ages(rng: np.random.Generator, n: int) -> np.ndarray:
    """Account ages in days, log-normal around 3.5 years (youngest quarter: under about 660 days)."""
    return np.exp(rng.normal(np.log(1300.0), 1.0, n))


def _young_group_score(group_ages: np.ndarray, rng: np.random.Generator, n_pop: int = 2000) -> float:
    pop = _population_ages(rng, n_pop)
    sig = _signals(np.r_[pop, group_ages])
    cluster = pd.Series(pd.NA, index=sig.index, dtype="Int64")
    cluster.iloc[n_pop:] = 0
    fam = family_scores(account_test_scores(sig))
    created = pd.Series(-sig["age_days"].to_numpy() * DAY, index=sig.index)
    scores, details = group_tests(member_attributes(fam, sig), created, cluster)
    return float(scores.loc[0, "young"])


def test_group_shifted_as_a_whole_is_young_though_no_member_is_extreme():
    rng = np.random.default_rng(0)
    # 40 accounts all created 150-350 days ago: each is ordinary-looking on its own (the account
    # test does not call 150 days young in a population around 3.5 years, log-sd 1) ...
    ages = rng.uniform(150, 350, 40)
    sig = _signals(np.r_[_population_ages(np.random.default_rng(0), 2000), ages])
    assert account_test_scores(sig)["young"].iloc[-40:].max() < 0.25
    # ... but together they are the youngest quarter of the scan
    assert _young_group_score(ages, np.random.default_rng(0)) >= 0.9


def test_group_with_a_minority_of_young_members_is_ordinary():
    rng = np.random.default_rng(1)
    # a fandom: 15 % young stans, the rest drawn like the population (about 36 % in the youngest quarter)
    ages = np.r_[rng.uniform(5, 60, 15), _population_ages(rng, 85)]
    assert _young_group_score(ages, np.random.default_rng(1)) == 0.0


def _posts(langs_of: dict[str, list[str]], t0: int = 1_700_000_000) -> pd.DataFrame:
    rows = [{"account_id": a, "ts": t0 + 3600 * i, "lang": lang, "by_script": False}
            for a, langs in langs_of.items() for i, lang in enumerate(langs)]
    return pd.DataFrame(rows).sort_values(["account_id", "ts"], kind="mergesort").reset_index(drop=True)


@pytest.mark.parametrize(("members", "population"), [("switch", "monolingual"), ("switch", "bilingual"), ("mix", "bilingual")])
def test_shifted_group_against_the_population(members, population):
    # 12 members: two posts in English, then two in Russian (the same hours for all), or a random
    # mix of both all along; the rest of the scan writes in one language or mixes two all along
    rng = np.random.default_rng(3)

    def mix() -> list[str]:
        return list(rng.choice(["en", "ru"], 4))

    langs = {f"m{i:02d}": ["en", "en", "ru", "ru"] if members == "switch" else mix() for i in range(12)}
    for i in range(200):
        langs[f"p{i:03d}"] = ["en"] * 4 if population == "monolingual" else mix()
    posts = _posts(langs)
    index = pd.Index(sorted(langs), name="account_id")
    sig = pd.DataFrame({"n_events": 4.0, "sync_partners": 0.0}, index=index)
    attrs = member_attributes(family_scores(account_test_scores(sig)), sig)
    cluster = pd.Series([0 if a.startswith("m") else pd.NA for a in index], index=index, dtype="Int64")
    scores, details = group_tests(attrs, pd.Series(np.nan, index=index), cluster, posts)
    d = details["shifted"].loc[0]
    if members == "switch":
        assert (d["k"], d["n"]) == (12, 12)
        # all 12 at one moment: significant against a monolingual population (p0 = 0) and
        # against one where a random mix drops a language at that moment 1 time in 8
        assert d["p0"] == (0.0 if population == "monolingual" else pytest.approx(0.125, abs=0.06))
        assert scores.loc[0, "shifted"] == 1.0
    else:  # mixing like everyone else: no excess
        assert scores.loc[0, "shifted"] == 0.0
    # without posts the test is not run
    assert group_tests(attrs, pd.Series(np.nan, index=index), cluster)[0].loc[0, "shifted"] == 0.0


def _recurring_group(partners_in_group: np.ndarray, partners_pop: np.ndarray, column: str) -> tuple[float, float]:
    """``recurring`` group-test score and excess share of a cluster (the last members) with these
    recurring-link (or link-domain) partner counts, against a population with ``partners_pop``."""
    n_pop, n_grp = len(partners_pop), len(partners_in_group)
    sig = _signals(np.full(n_pop + n_grp, 1300.0))
    sig[column] = np.r_[partners_pop, partners_in_group]
    cluster = pd.Series(pd.NA, index=sig.index, dtype="Int64")
    cluster.iloc[n_pop:] = 0
    fam = family_scores(account_test_scores(sig))
    scores, details = group_tests(member_attributes(fam, sig), pd.Series(np.nan, index=sig.index), cluster)
    d = details["recurring"].loc[0]
    return float(scores.loc[0, "recurring"]), float(d["k"] / d["n"] - d["p0"])


@pytest.mark.parametrize("column", ["recurring_partners", "domain_partners"])
def test_slow_group_tied_by_recurring_links_is_coordinated_as_a_group(column):
    # a slow drip: 20 members each sharing the same uncommon links with 8-15 others, at no
    # common moment (no window partner), in a population where 3 % have such ties
    rng = np.random.default_rng(2)
    pop = np.where(rng.random(1500) < 0.03, 4.0, 0.0)
    score, excess = _recurring_group(rng.integers(8, 16, 20).astype(float), pop, column)
    assert excess > 0.9
    assert score >= 0.9


def test_group_with_recurring_ties_like_the_population_is_ordinary():
    # a readership where a third of everyone shares links with 3+ others: a cluster holding the
    # same share is not enriched (nor is one with fewer than GROUP_PARTNERS partners each)
    rng = np.random.default_rng(3)
    pop = np.where(rng.random(1500) < 0.33, 5.0, 0.0)
    assert _recurring_group(np.where(rng.random(30) < 0.33, 5.0, 0.0), pop, "recurring_partners")[0] == 0.0
    assert _recurring_group(np.full(30, 2.0), pop, "recurring_partners")[0] == 0.0

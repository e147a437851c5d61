"""Generator structure: determinism, canonical schema, truth consistency, knobs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from detector.schema import validate_accounts, validate_events
from detector.synth import HARD_NEGATIVE_GROUPS, STRATEGIES, SynthConfig, generate

SMALL = SynthConfig(accounts=700, days=4, seed=11)


@pytest.fixture(scope="module")
def data():
    return generate(SMALL)


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_deterministic_same_seed(data):
    again = generate(SMALL)
    _same(data.events, again.events)
    _same(data.accounts, again.accounts)
    _same(data.truth, again.truth)
    _same(data.officials, again.officials)


def test_different_seed_differs(data):
    other = generate(SynthConfig(accounts=700, days=4, seed=12))
    assert not data.events["event_id"].equals(other.events["event_id"])
    assert set(data.truth["account_id"]) != set(other.truth["account_id"])


def test_tables_are_canonical(data):
    ev = data.events
    _same(validate_events(ev, normalize=False), ev)
    # already normalised: full normalisation changes nothing
    renorm = validate_events(ev, normalize=True)
    for col in ("hashtags", "mentions", "urls"):
        assert renorm[col].tolist() == ev[col].tolist()
    _same(validate_accounts(data.accounts), data.accounts)
    assert ev["event_id"].is_unique
    assert data.accounts["account_id"].is_unique
    assert ev["ts"].is_monotonic_increasing
    assert set(ev["kind"]) == {"post", "repost", "quote", "reply"}
    assert set(ev["account_id"]) <= set(data.accounts["account_id"])


def test_period_and_targets(data):
    ev = data.events
    start = pd.Timestamp(SMALL.start, tz="UTC").timestamp()
    assert ev["ts"].min() >= start
    assert ev["ts"].max() < start + SMALL.days * 86_400
    derived = ev[ev["kind"] != "post"]
    assert derived["target_event_id"].notna().all()
    assert ev.loc[ev["kind"] == "post", "target_event_id"].isna().all()
    by_id = ev.set_index("event_id")
    tgt = by_id.loc[derived["target_event_id"]]
    assert (tgt["kind"].to_numpy() != "repost").all(), "retweets point at originals"
    assert (derived["ts"].to_numpy() >= tgt["ts"].to_numpy()).all()
    assert (derived["target_account_id"].to_numpy() == tgt["account_id"].to_numpy()).all()
    assert (derived["account_id"].to_numpy() != tgt["account_id"].to_numpy()).all()
    reposts = ev[ev["kind"] == "repost"]
    assert (reposts["text"].to_numpy() == by_id.loc[reposts["target_event_id"], "text"].to_numpy()).all()
    replies = ev[ev["kind"] == "reply"]
    handles = by_id.loc[replies["target_event_id"], "account_name"].to_numpy()
    assert all(t.startswith("@" + h) for t, h in zip(replies["text"], handles, strict=True))


def test_truth_consistent(data):
    truth = data.truth
    assert list(truth.columns) == ["account_id", "account_name", "label", "campaign_id", "strategy", "group"]
    assert set(truth["account_id"]) == set(data.accounts["account_id"])
    assert len(truth) == SMALL.accounts
    assert set(truth["label"]) == {"organic", "campaign", "hard_negative"}
    camp = truth[truth["label"] == "campaign"]
    assert camp["campaign_id"].notna().all() and camp["strategy"].notna().all()
    assert truth.loc[truth["label"] != "campaign", ["campaign_id", "strategy"]].isna().all().all()
    assert set(camp["strategy"]) == set(STRATEGIES)
    assert camp.groupby("campaign_id")["strategy"].nunique().eq(1).all()
    hn = truth[truth["label"] == "hard_negative"]
    assert set(hn["group"]) == set(HARD_NEGATIVE_GROUPS)
    # every campaign and hard-negative group is active in the events
    active = set(data.events["account_id"])
    for _, g in truth[truth["label"] != "organic"].groupby("group"):
        assert g["account_id"].isin(active).mean() > 0.5


def test_officials_registry(data):
    off = data.officials
    assert list(off.columns) == ["account_id", "handle", "country", "role", "name"]
    acc = data.accounts.set_index("account_id").loc[off["account_id"]]
    assert (acc["official_role"].to_numpy() == off["role"].to_numpy()).all()
    assert (acc["official_country"].to_numpy() == off["country"].to_numpy()).all()
    assert {"embassy", "ministry", "leader", "state_media"} <= set(off["role"])
    assert off["country"].nunique() >= 6
    tags = {t for lst in data.events.loc[data.events["account_id"].isin(off["account_id"]), "hashtags"] for t in lst}
    assert {"cooljapan", "beltandroad", "kpopdiplomacy"} & tags
    assert data.truth.set_index("account_id").loc[off["account_id"], "label"].eq("organic").all()


def test_languages(data):
    langs = data.events["lang"].value_counts()
    for lang in ("en", "zh", "ja", "ko"):
        assert langs.get(lang, 0) > 50
    assert len(langs) >= 6


def test_not_trivially_separable_by_profile(data):
    """Hard to fool: not every campaign account is young with a random handle, some organic are."""
    acc = data.accounts.set_index("account_id")
    truth = data.truth.set_index("account_id").loc[acc.index]
    start = pd.Timestamp(SMALL.start, tz="UTC").timestamp()
    young = (start - acc["created_at"].astype(float)) < 90 * 86_400
    camp = truth["label"] == "campaign"
    assert 0.2 < young[camp].mean() < 0.95
    assert young[~camp].sum() > 0
    digits = acc["account_name"].str.count(r"\d").astype(float)
    assert (digits[~camp] >= 2).mean() > 0.1  # people put numbers in handles too


def test_knob_young_share():
    easy = generate(SynthConfig(accounts=700, days=3, seed=3, difficulty="easy"))
    hard = generate(SynthConfig(accounts=700, days=3, seed=3, difficulty="hard"))

    def young_share(d):
        acc = d.accounts.set_index("account_id")
        camp = d.truth.set_index("account_id").loc[acc.index, "label"] == "campaign"
        start = pd.Timestamp("2023-03-01", tz="UTC").timestamp()
        return ((start - acc["created_at"].astype(float)) < 90 * 86_400)[camp].mean()

    assert young_share(easy) > young_share(hard) + 0.3


def test_text_variation_knob():
    """Copy-paste campaign texts are more alike when text_variation is low."""
    from difflib import SequenceMatcher

    def mean_similarity(variation):
        d = generate(SynthConfig(accounts=700, days=3, seed=4, text_variation=variation, organic_noise=0.0))
        members = d.truth.loc[d.truth["strategy"] == "copypaste", "account_id"]
        posts = d.events[d.events["account_id"].isin(members) & (d.events["kind"] == "post")]
        texts = posts["text"].str.replace(r"https://t\.co/\w+", "", regex=True).tolist()[:60]
        sims = [SequenceMatcher(None, a, b).ratio() for a, b in zip(texts[::2], texts[1::2], strict=False)]
        return float(np.mean(sims))

    assert mean_similarity(0.0) > mean_similarity(0.8) + 0.1


def test_campaign_size_knob():
    d = generate(SynthConfig(accounts=900, days=2, seed=1, campaign_size=12, strategies=("copypaste", "rotation")))
    sizes = d.truth[d.truth["label"] == "campaign"].groupby("strategy").size().to_dict()
    assert sizes == {"copypaste": 12, "rotation": 36}


def test_config_validation():
    with pytest.raises(ValueError):
        SynthConfig(difficulty="impossible")
    with pytest.raises(ValueError):
        SynthConfig(accounts=50)
    with pytest.raises(ValueError):
        SynthConfig(strategies=("nope",))
    with pytest.raises(ValueError):
        SynthConfig(text_variation=2.0)
    with pytest.raises(ValueError):
        SynthConfig(organic_noise=1.0)
    with pytest.raises(ValueError, match="organic"):
        generate(SynthConfig(accounts=400, campaign_size=60))


def test_no_giveaway_hashtags_links_or_bios():
    """Campaign hashtags, state-media links and campaign-style bios also occur among organic accounts."""
    from detector.synth import vocab

    d = generate(SynthConfig(accounts=3000, days=5, seed=6))
    truth = d.truth.set_index("account_id")
    ev = d.events[d.events["kind"] == "post"]
    organic_posts = ev[ev["account_id"].map(truth["label"]).to_numpy(dtype=object) != "campaign"]
    camp_tags = {t.casefold() for t in d.campaigns["tag"]}
    used = {t for tags in organic_posts["hashtags"] for t in tags} & camp_tags
    assert len(used) >= 2
    media = tuple(c["media_domain"] for c in vocab.COUNTRIES.values())
    shared = organic_posts["urls"].map(lambda us: any(u.startswith(media) for u in us))
    officials = set(d.officials["account_id"])
    assert (shared & ~organic_posts["account_id"].isin(officials)).sum() >= 10
    acc = d.accounts.set_index("account_id")
    patriot = acc["description"].isin(vocab.PATRIOT_BIOS)
    camp = truth.loc[acc.index, "label"] == "campaign"
    assert patriot[~camp].sum() > patriot[camp].sum() * 0.3

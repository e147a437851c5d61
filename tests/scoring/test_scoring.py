"""Unit tests for detector.scoring: calibration, layer combination, the conjunction rule."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detector.scoring.combine import LAYER_PRIOR, combine_layers
from detector.scoring.scores import FAMILIES, conjunction, family_scores, score_accounts
from detector.scoring.signals import network_signals

# ---------------------------------------------------------------- population helpers


def _population(n: int = 400, seed: int = 0) -> pd.DataFrame:
    """Signals of ordinary accounts: noisy, no ties."""
    rng = np.random.default_rng(seed)
    idx = pd.Index([f"u{i:04d}" for i in range(n)], name="account_id")
    return pd.DataFrame(
        {
            "sync_strength": np.where(rng.random(n) < 0.3, rng.exponential(0.5, n), 0.0),
            "sync_partners": rng.integers(0, 3, n).astype(float),
            "sync_repeat": np.where(rng.random(n) < 0.3, rng.integers(1, 3, n), 0).astype(float),
            "timing_partners": np.where(rng.random(n) < 0.05, 1.0, 0.0),
            "text_strength": np.where(rng.random(n) < 0.03, rng.exponential(0.3, n), 0.0),
            "text_partners": 0.0,
            "partners": 0.0,
            "multi_layer_partners": 0.0,
            "n_events": rng.integers(5, 60, n).astype(float),
            "posts_per_day": rng.lognormal(1.0, 0.6, n),
            "iet_cv": rng.normal(1.6, 0.35, n).clip(0.5),
            "hour_entropy": rng.normal(3.2, 0.25, n),
            "night_share": rng.normal(0.03, 0.015, n).clip(0),
            "fast_repost_share": rng.random(n) * 0.2,
            "dup_share": np.where(rng.random(n) < 0.05, rng.random(n) * 0.3, 0.0),
            "age_days": rng.lognormal(6.5, 0.7, n),
            "handle_randomness": rng.normal(0.35, 0.08, n),
            "followers": rng.lognormal(5, 1.5, n),
        },
        index=idx,
    )


SUSPICIOUS = {
    "synchrony": {"sync_strength": 40.0, "sync_partners": 30.0, "sync_repeat": 40.0, "timing_partners": 10.0},
    "duplicate_text": {"text_strength": 15.0, "text_partners": 20.0, "dup_share": 0.9},
    "profile": {"age_days": 3.0, "handle_randomness": 0.95},
    "automation": {"iet_cv": 0.05, "night_share": 0.24, "posts_per_day": 80.0},
}


def _with(pop: pd.DataFrame, name: str, families: tuple[str, ...]) -> pd.DataFrame:
    row = pop.iloc[[0]].copy()
    row.index = pd.Index([name], name="account_id")
    for fam in families:
        for col, value in SUSPICIOUS[fam].items():
            row[col] = value
    return pd.concat([pop, row])


# ---------------------------------------------------------------- calibration


# ---------------------------------------------------------------- combining layers


def _layer(pairs, weights, **extra):
    a, b = zip(*pairs, strict=True) if pairs else ((), ())
    return pd.DataFrame({"account_a": list(a), "account_b": list(b), "weight": list(weights), **extra})


def test_combine_layers_reference():
    rep = _layer([("a", "b"), ("a", "c"), ("b", "c")], [2.0, 2.0, 6.0])
    nd = _layer([("a", "b")], [1.0])
    out = combine_layers({"repost": rep, "neardup": nd})
    assert list(out["account_a"] + out["account_b"]) == ["ab", "ac", "bc"]
    # repost median 2 -> 2/(2+2)=0.5, 6/(6+2)=0.75; neardup median 1 -> 0.5
    ab = out.iloc[0]
    assert ab["w_repost"] == pytest.approx(0.5)
    assert ab["w_neardup"] == pytest.approx(0.5)
    assert ab["weight"] == pytest.approx(0.5 * LAYER_PRIOR["repost"] + 0.5 * LAYER_PRIOR["neardup"])
    assert ab["layers"] == "neardup|repost"
    assert ab["n_layers"] == 2
    assert out.iloc[2]["weight"] == pytest.approx(0.75)
    assert out.iloc[2]["layers"] == "repost"


def test_combine_layers_empty():
    out = combine_layers({"repost": _layer([], [])})
    assert out.empty
    assert {"account_a", "account_b", "weight", "layers"} <= set(out.columns)


pair_lists = st.lists(
    st.tuples(st.integers(0, 12), st.integers(0, 12), st.floats(0.01, 100)), min_size=0, max_size=40
)


@settings(max_examples=60, deadline=None)
@given(pair_lists, pair_lists)
def test_combine_layers_properties(p1, p2):
    def mk(rows):
        seen = {}
        for i, j, w in rows:
            if i != j:
                seen[(f"n{min(i, j):02d}", f"n{max(i, j):02d}")] = w
        return _layer(list(seen), list(seen.values()))

    l1, l2 = mk(p1), mk(p2)
    out = combine_layers({"repost": l1, "hashtag": l2})
    keys = list(zip(out["account_a"], out["account_b"], strict=True))
    assert keys == sorted(set(keys))
    assert all(a < b for a, b in keys)
    assert set(keys) == set(zip(l1["account_a"], l1["account_b"], strict=True)) | set(
        zip(l2["account_a"], l2["account_b"], strict=True)
    )
    assert ((out["weight"] > 0) & (out["weight"] < LAYER_PRIOR["repost"] + LAYER_PRIOR["hashtag"])).all()
    # row order of the inputs does not matter
    again = combine_layers({"repost": l1.iloc[::-1], "hashtag": l2.sample(frac=1, random_state=1)})
    pd.testing.assert_frame_equal(out, again)


def test_network_signals_sums_per_account():
    edges = combine_layers(
        {"repost": _layer([("a", "b"), ("a", "c")], [1.0, 1.0]), "neardup": _layer([("a", "b")], [1.0])}
    )
    sig = network_signals(edges, pd.Index(["a", "b", "c", "d"]))
    assert sig.loc["a", "sync_partners"] == 2
    assert sig.loc["a", "text_partners"] == 1
    assert sig.loc["a", "sync_strength"] == pytest.approx(1.0)
    assert sig.loc["d"].sum() == 0
    assert sig.loc["b", "multi_layer_partners"] == 1


# ---------------------------------------------------------------- conjunction


def test_conjunction_formula():
    got = conjunction(np.array([[1.0, 0.0, 0.0, 0.0], [0.81, 1.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0]]))
    assert got[0] == 0.0  # one family alone gives nothing
    assert got[1] == pytest.approx(0.9)
    assert got[2] == 1.0


def test_conjunction_can_require_a_coordination_family():
    fam = np.array([[0.0, 0.0, 1.0, 1.0], [0.64, 0.0, 1.0, 0.25], [1.0, 1.0, 0.0, 0.0]])
    got = conjunction(fam, first=(0, 1))
    assert got[0] == 0.0  # young + automated but acting with nobody: not coordination
    assert got[1] == pytest.approx(0.8 + 0.2 * 0.5 * 0.25)  # sqrt(0.64 * 1.0), third = 0.25
    assert got[2] == 1.0  # both coordination families
    assert conjunction(fam)[0] == 1.0  # without the requirement, any two families


def test_profile_and_automation_without_coordination_are_not_flagged():
    sig = _with(_population(), "bot", ("profile", "automation"))
    row = score_accounts(sig)[0].set_index("account_id").loc["bot"]
    assert row["profile"] >= 0.9 and row["automation"] >= 0.9
    assert not row["flagged"]
    both = score_accounts(_with(_population(), "x", ("synchrony", "automation")))[0].set_index("account_id")
    assert both.loc["x", "flagged"]


def _cyborg_population() -> pd.DataFrame:
    """Ordinary accounts with human repost-delay spread (IQR about median) and no schedule."""
    pop = _population()
    rng = np.random.default_rng(5)
    pop["repost_lag_spread"] = rng.lognormal(0.6, 0.6, len(pop))
    pop["clock_repeat_share"] = np.where(rng.random(len(pop)) < 0.01, rng.random(len(pop)) * 0.05, 0.0)
    return pop


@pytest.mark.parametrize(
    "column, value",
    [("repost_lag_spread", 0.03), ("clock_repeat_share", 0.2)],  # fixed repost lag / posting on a schedule
)
def test_cyborg_timing_counts_as_automation(column, value):
    pop = _with(_cyborg_population(), "cyborg", ("synchrony",))
    pop.loc["cyborg", column] = value
    pop = _with(pop, "fan", ("synchrony",))
    pop.loc["fan", "repost_lag_spread"] = 0.6  # fast but humanly irregular reposts
    scored = score_accounts(pop)[0].set_index("account_id")
    assert scored.loc["cyborg", "automation"] >= 0.5
    assert scored.loc["cyborg", "flagged"]  # synchrony + automation
    assert scored.loc["fan", "automation"] == 0.0
    assert not scored.loc["fan", "flagged"]


@pytest.mark.parametrize("family", FAMILIES)
def test_one_strong_family_alone_is_not_flagged(family):
    sig = _with(_population(), "x", (family,))
    scored, _ = score_accounts(sig)
    row = scored.set_index("account_id").loc["x"]
    assert row[family] >= 0.9  # the signal is seen ...
    assert not row["flagged"]  # ... but one family is not enough
    assert row["score"] < 0.3


def test_all_families_together_are_flagged():
    sig = _with(_population(), "x", FAMILIES)
    scored, _ = score_accounts(sig)
    row = scored.set_index("account_id").loc["x"]
    assert row["flagged"]
    assert row["score"] > 0.9
    assert len(row["reasons"]) >= 3
    assert any("within the window with its 3rd closest partner" in r for r in row["reasons"])


@pytest.mark.parametrize("pair", [("synchrony", "profile"), ("duplicate_text", "automation")])
def test_two_families_flagged_ordinary_population_not(pair):
    # Ordinary accounts have independent, heavy-tailed noise in every signal; chance
    # coincidences of two tails are rare: at most 1 % flagged.
    sig = _with(_population(n=1000), "x", pair)
    scored, _ = score_accounts(sig)
    s = scored.set_index("account_id")
    assert s.loc["x", "flagged"]
    assert s.drop("x")["flagged"].mean() <= 0.01


def test_acting_together_without_anything_inauthentic_is_not_flagged():
    # A newsroom running wire copy: in sync and copying text, but old, human-timed accounts.
    scored, _ = score_accounts(_with(_population(), "wire", ("synchrony", "duplicate_text")))
    row = scored.set_index("account_id").loc["wire"]
    assert row["synchrony"] >= 0.9 and row["duplicate_text"] >= 0.9
    assert not row["flagged"] and row["score"] < 0.3


def _cluster_case(member_families: tuple[str, ...]) -> pd.DataFrame:
    pop = _population()
    for i in range(10):
        pop = _with(pop, f"m{i}", member_families)
    return _with(pop, "weak", ("synchrony",))


def test_cluster_support_needs_a_conjunction_in_the_cluster():
    # Campaign-like cluster (sync + young accounts): a member with only strong synchrony is supported.
    sig = _cluster_case(("synchrony", "profile"))
    membership = pd.Series(0, index=[f"m{i}" for i in range(10)] + ["weak"])
    scored, clusters = score_accounts(sig, membership)
    s = scored.set_index("account_id")
    assert clusters.iloc[0]["flagged"]
    assert s.loc["weak", "flagged"]
    assert any("member of cluster" in r for r in s.loc["weak", "reasons"])
    # Fan-like cluster (synchrony only) and newsroom-like cluster (synchrony + shared wire
    # text, old human accounts): nobody is flagged.
    for families in (("synchrony",), ("synchrony", "duplicate_text")):
        sig = _cluster_case(families)
        scored, clusters = score_accounts(sig, membership)
        assert not scored.set_index("account_id").loc[membership.index, "flagged"].any()
        assert not clusters["flagged"].any()
    assert any("organic" in r for r in clusters.iloc[0]["reasons"])


def test_small_cluster_damped():
    sig = _cluster_case(("synchrony", "duplicate_text"))
    pair = pd.Series(0, index=["m0", "m1"])
    _, clusters = score_accounts(sig, pair)
    trio = pd.Series(0, index=["m0", "m1", "m2"])
    _, clusters3 = score_accounts(sig, trio)
    assert clusters.iloc[0]["score"] == pytest.approx(clusters3.iloc[0]["score"] / 2, rel=1e-6)


def test_scores_deterministic_and_order_invariant():
    sig = _with(_population(seed=5), "x", ("synchrony", "profile"))
    membership = pd.Series([0, 0, 0, 1, 1], index=["u0001", "u0002", "x", "u0003", "u0004"])
    a1, c1 = score_accounts(sig, membership)
    a2, c2 = score_accounts(sig.sample(frac=1, random_state=3), membership.iloc[::-1])
    pd.testing.assert_frame_equal(a1, a2)
    pd.testing.assert_frame_equal(c1, c2)
    assert a1["score"].between(0, 1).all()
    assert list(a1["score"]) == sorted(a1["score"], reverse=True)


def test_family_scores_missing_signals_count_as_ordinary():
    values = np.zeros(300)
    values[-1] = 50.0
    fam = family_scores(pd.DataFrame({"sync_repeat": values}, index=[f"a{i}" for i in range(300)]))
    assert list(fam.columns) == list(FAMILIES)
    assert fam.loc["a299", "synchrony"] > 0
    assert fam[["duplicate_text", "profile", "automation"]].to_numpy().sum() == 0


# ---------------------------------------------------------------- supervised model


def test_model_roundtrip(tmp_path):
    from detector.scoring.model import MODEL_FEATURES, load_model, save_model, train_model

    rng = np.random.default_rng(0)
    n = 300
    feats = pd.DataFrame(rng.normal(size=(n, len(MODEL_FEATURES))), columns=list(MODEL_FEATURES))
    feats.index = [f"a{i}" for i in range(n)]
    y = pd.Series((feats["sync_strength"] + feats["dup_share"] > 1).astype(int), index=feats.index)
    model = train_model(feats, y, seed=0)
    save_model(model, tmp_path / "m.pkl")
    loaded = load_model(tmp_path / "m.pkl")
    p1, p2 = model.predict(feats), loaded.predict(feats)
    np.testing.assert_array_equal(p1, p2)
    assert ((p1 >= 0.5) == y.to_numpy()).mean() > 0.9
    assert loaded.features == MODEL_FEATURES


def test_model_rejects_foreign_pickle(tmp_path):
    import pickle

    from detector.scoring.model import load_model

    path = tmp_path / "x.pkl"
    path.write_bytes(pickle.dumps({"not": "a model"}))
    with pytest.raises(ValueError):
        load_model(path)


def test_group_synchrony_of_weakly_tied_cluster():
    # A rotating campaign: every member acts with many others but each tie is weak;
    # six of ten members are days-old accounts. A fan club: same structure, old accounts.
    pop = _population()
    rows = []
    for i in range(10):
        row = pop.iloc[[0]].copy()
        row.index = pd.Index([f"r{i}"], name="account_id")
        row["sync_partners"], row["sync_repeat"], row["sync_strength"] = 15.0, 2.0, 3.0
        if i < 6:
            row["age_days"], row["handle_randomness"] = 3.0, 0.95
        rows.append(row)
    fans = []
    for i in range(10):
        row = pop.iloc[[1]].copy()
        row.index = pd.Index([f"f{i}"], name="account_id")
        row["sync_partners"], row["sync_repeat"], row["sync_strength"] = 40.0, 6.0, 20.0
        fans.append(row)
    sig = pd.concat([pop, *rows, *fans])
    membership = pd.Series([0] * 10 + [1] * 10, index=[f"r{i}" for i in range(10)] + [f"f{i}" for i in range(10)])
    scored, clusters = score_accounts(sig, membership)
    s = scored.set_index("account_id")
    cl = clusters.set_index("cluster_id")
    assert cl.loc[0, "test_in_sync"] == 1.0  # every member acts with >= 3 others, 5% of the population does
    assert cl.loc[0, "flagged"] and not cl.loc[1, "flagged"]
    assert s.loc[[f"r{i}" for i in range(6)], "flagged"].all()
    assert not s.loc[[f"f{i}" for i in range(10)], "flagged"].any()


def test_cyborg_reasons_name_the_lag_and_the_schedule():
    pop = _with(_cyborg_population(), "cyborg", ("synchrony",))
    pop.loc["cyborg", ["repost_lag_spread", "repost_lag_median_s", "repost_lag_iqr_s", "clock_repeat_share"]] = [
        0.04, 24.0, 1.0, 0.2,
    ]
    reasons = " ".join(score_accounts(pop)[0].set_index("account_id").loc["cyborg", "reasons"])
    assert "fixed repost lag: repost delays spread 0.04" in reasons
    assert "20% of its events at the same clock time" in reasons

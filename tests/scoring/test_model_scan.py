"""``scan --model``: a trained model's scores obey the flag threshold and the officials exemption.

Regression: the model path hard-coded flagging at 0.5 and never re-applied the exemption, so a
model that scores an embassy high flagged it (the default scorer never does).
"""

from __future__ import annotations

import pandas as pd
import pytest

from detector.params import ScanParams
from detector.pipeline import run_scan


@pytest.fixture(scope="module")
def model_path(scenario_data, scenario_scan, tmp_path_factory):
    from detector.scoring.model import model_features, save_model, train_model

    _, _, truth = scenario_data
    feats = model_features(scenario_scan.signals, scenario_scan.scored, scenario_scan.clusters)
    # a model that learnt "embassy-like = campaign" (e.g. from a badly labelled truth file)
    positive = (truth["label"] == "campaign") | (truth["account_id"] == "emb")
    labels = pd.Series(positive.astype(int).to_numpy(), index=truth["account_id"])
    path = tmp_path_factory.mktemp("model") / "m.pkl"
    save_model(train_model(feats, labels), path)
    return str(path)


def test_model_never_flags_declared_officials(scenario_data, model_path):
    events, accounts, _ = scenario_data
    res = run_scan(events, accounts, params=ScanParams(model=model_path, timing=False))
    emb = res.scored.set_index("account_id").loc["emb"]
    assert emb["score"] >= 0.5  # the model does score the embassy high...
    assert not emb["flagged"]  # ...but an official is explained, never flagged
    assert any("official" in r for r in emb["reasons"])


def test_model_flags_follow_the_flag_threshold(scenario_data, model_path):
    events, accounts, _ = scenario_data
    for cut in (0.3, 0.9):
        res = run_scan(events, accounts, params=ScanParams(model=model_path, timing=False, flag_threshold=cut))
        sc = res.scored[res.scored["account_id"] != "emb"]
        assert (sc["flagged"] == (sc["score"] >= cut)).all(), cut
        assert res.report["verdict"]["flagged_accounts"] == int(res.scored["flagged"].sum())


def test_training_leaves_out_a_feature_missing_for_every_account():
    """Regression: on a 2-day export a 3-day feature is NaN everywhere and scikit-learn's binning
    died with ``ValueError: window shape cannot be larger than input array shape``."""
    import numpy as np

    from detector.scoring.model import MODEL_FEATURES, train_model

    rng = np.random.default_rng(0)
    feats = pd.DataFrame(rng.random((60, len(MODEL_FEATURES))), columns=list(MODEL_FEATURES),
                         index=[f"a{i}" for i in range(60)])
    gone = MODEL_FEATURES[0]
    feats[gone] = np.nan
    labels = pd.Series((feats[MODEL_FEATURES[1]] > 0.5).astype(int), index=feats.index)
    model = train_model(feats, labels)
    assert gone not in model.features and model.info["unused_features"] == [gone]
    proba = model.predict(feats)
    assert proba.shape == (60,) and np.isfinite(proba).all()
    assert proba[labels.to_numpy() == 1].mean() > proba[labels.to_numpy() == 0].mean()  # it learnt something

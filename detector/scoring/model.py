"""Optional supervised scorer: a scikit-learn model trained on labelled accounts.

``detector train --truth truth.csv INPUT... -o model.pkl`` runs the evidence
stages of a scan, builds the per-account feature table
(:data:`MODEL_FEATURES`, documented below), fits a
:class:`~sklearn.ensemble.HistGradientBoostingClassifier` (campaign = 1,
everything else = 0) and saves it with its feature list and the detector
version. ``detector scan --model model.pkl`` then scores accounts with the
model's probability instead of the unsupervised conjunction; reasons still
come from the evidence families.

Security: the model file is a Python pickle, i.e. **code**. Load only models
you trained yourself or got from someone you trust.

Features (one row per account, NaN = unknown; the model handles NaN)
--------------------------------------------------------------------
``sync_strength, sync_partners, sync_repeat, timing_partners, text_strength,
text_partners, partners, multi_layer_partners, recurring_partners``
    network ties (see :func:`detector.scoring.signals.network_signals`);
``cluster_partners, cluster_coactors``
    ties to the account's own cluster (see :func:`detector.scoring.signals.cluster_signals`);
``n_events, posts_per_day, iet_cv, hour_entropy, night_share, never_sleeps,
fast_repost_share, repost_lag_median_s, repost_lag_iqr_s, repost_lag_spread,
clock_repeat_share, dup_share, age_days, handle_randomness,
followers_following_ratio, lifetime_posts_per_day, scan_share_of_posts, default_profile,
client_share``
    behaviour (see :data:`detector.scoring.signals.BEHAVIOUR_SIGNALS`);
``synchrony, duplicate_text, profile, automation``
    the calibrated family scores;
``cluster_size, cluster_score``
    size and unsupervised score of the account's cluster (0 if none);
``linked_cluster_score``
    unsupervised score of the flagged cluster that supports the account from
    outside (``linked_cluster_id``; 0 if none).
"""

from __future__ import annotations

import os
import pickle
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from detector import __version__
from detector.fsutil import atomic_write
from detector.scoring.signals import BEHAVIOUR_SIGNALS, NETWORK_SIGNALS

__all__ = ["MODEL_FEATURES", "MODEL_FORMAT", "TrainedModel", "load_model", "model_features", "train_model"]

MODEL_FORMAT = "detector-model/1"

MODEL_FEATURES: tuple[str, ...] = (
    *NETWORK_SIGNALS,
    "cluster_partners",
    "cluster_coactors",
    *(s for s in BEHAVIOUR_SIGNALS if s != "created_at"),  # an absolute date does not carry to other data
    "synchrony",
    "duplicate_text",
    "profile",
    "automation",
    "cluster_size",
    "cluster_score",
    "linked_cluster_score",
)


@dataclass
class TrainedModel:
    """A fitted classifier with the metadata needed to use it safely."""

    estimator: Any
    features: tuple[str, ...]
    detector_version: str
    format: str = MODEL_FORMAT
    info: dict[str, Any] = field(default_factory=dict)

    def predict(self, table: pd.DataFrame) -> np.ndarray:
        """Probability of ``campaign`` for each row of a :func:`model_features` table."""
        x = table.reindex(columns=list(self.features)).to_numpy(dtype=float)
        return self.estimator.predict_proba(x)[:, 1]


def model_features(signals: pd.DataFrame, scored: pd.DataFrame, clusters: pd.DataFrame) -> pd.DataFrame:
    """Assemble :data:`MODEL_FEATURES` per account (index ``account_id``).

    ``signals`` from the scan, ``scored``/``clusters`` from
    :func:`detector.scoring.scores.score_accounts`.
    """
    sc = scored.set_index("account_id")
    out = signals.copy()
    out.index = out.index.astype(str)
    for name in ("synchrony", "duplicate_text", "profile", "automation", "cluster_score"):
        out[name] = sc[name].reindex(out.index).astype(float)
    size = clusters.set_index("cluster_id")["size"] if len(clusters) else pd.Series(dtype=float)
    cid = sc["cluster_id"].reindex(out.index)
    out["cluster_size"] = cid.map(size).astype(float).fillna(0.0)
    cl_score = clusters.set_index("cluster_id")["score"] if len(clusters) else pd.Series(dtype=float)
    linked = sc["linked_cluster_id"].reindex(out.index) if "linked_cluster_id" in sc.columns else cid * np.nan
    out["linked_cluster_score"] = linked.map(cl_score).astype(float).fillna(0.0)
    return out.reindex(columns=list(MODEL_FEATURES)).astype(float)


def train_model(features: pd.DataFrame, labels: pd.Series, *, seed: int = 0) -> TrainedModel:
    """Fit a gradient-boosting classifier on ``features`` (rows) and 0/1 ``labels`` (aligned index).

    A feature missing for every account (e.g. one that needs 3 active days, on a
    2-day export) carries no information and cannot be binned: it is left out
    of the model and listed in ``info["unused_features"]``.
    """
    from sklearn.ensemble import HistGradientBoostingClassifier

    y = labels.reindex(features.index).fillna(0).astype(int).to_numpy()
    if len(np.unique(y)) < 2:
        raise ValueError("training needs both campaign and non-campaign accounts in the truth file")
    table = features.reindex(columns=list(MODEL_FEATURES)).astype(float)
    unused = tuple(c for c in MODEL_FEATURES if not table[c].notna().any())
    used = tuple(c for c in MODEL_FEATURES if c not in unused)
    if not used:
        raise ValueError("no feature has a value for any account: nothing to train on")
    est = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.1, random_state=seed)
    est.fit(table[list(used)].to_numpy(dtype=float), y)
    info = {"n_accounts": int(len(y)), "n_positive": int(y.sum()), "unused_features": list(unused)}
    return TrainedModel(est, used, __version__, info=info)


def save_model(model: TrainedModel, path: str | os.PathLike[str]) -> None:
    """Pickle ``model`` to ``path`` atomically."""
    with atomic_write(path, "wb") as fh:
        pickle.dump(model, fh, protocol=pickle.HIGHEST_PROTOCOL)


def load_model(path: str | os.PathLike[str]) -> TrainedModel:
    """Load a model saved by :func:`save_model`. The file is code: trust its source."""
    with open(path, "rb") as fh:
        model = pickle.load(fh)  # noqa: S301 - documented: models are code, user-created
    if not isinstance(model, TrainedModel) or model.format != MODEL_FORMAT:
        raise ValueError(f"{path} is not a detector model ({MODEL_FORMAT})")
    return model


def apply_model(
    path: str | os.PathLike[str],
    signals: pd.DataFrame,
    scored: pd.DataFrame,
    clusters: pd.DataFrame,
    *,
    flag_threshold: float,
    exempt: set[str] | frozenset[str] = frozenset(),
) -> pd.DataFrame:
    """``scored`` with the trained model's probability as ``score`` (the default score kept as
    ``unsupervised_score``), flagged at ``flag_threshold`` like the default scorer, and the
    accounts in ``exempt`` (declared officials) never flagged, whatever the model says."""
    from detector.scoring.scores import OFFICIAL_REASON
    from detector.thresholds import MODEL_REASON_MIN

    model = load_model(path)
    feats = model_features(signals, scored, clusters)
    proba = pd.Series(model.predict(feats), index=feats.index)
    out = scored.copy()
    out["unsupervised_score"] = out["score"]
    out["score"] = np.round(out["account_id"].map(proba).to_numpy(dtype=float), 6)
    out["flagged"] = (out["score"] >= flag_threshold) & ~out["account_id"].astype(str).isin(list(exempt))
    out["reasons"] = [
        [f"trained model probability {s:.2f}", *r] if s >= MODEL_REASON_MIN else list(r)
        for s, r in zip(out["score"], out["reasons"], strict=True)
    ]
    for i in np.flatnonzero(out["account_id"].astype(str).isin(list(exempt)).to_numpy()):
        why = out.at[i, "reasons"]
        if OFFICIAL_REASON not in why:
            out.at[i, "reasons"] = [OFFICIAL_REASON, *why]
    return out.sort_values(["score", "account_id"], ascending=[False, True], kind="mergesort").reset_index(drop=True)

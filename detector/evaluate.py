"""Score a detector's output against ground truth (``truth.csv`` of :mod:`detector.synth`).

Definitions (all on the accounts of the truth table; accounts a detector did not
output count as score 0, not flagged, unclustered):

* positives are accounts with ``label == "campaign"``; negatives are all others
  (``organic`` and ``hard_negative``);
* ``precision``, ``recall``, ``f1`` use the ``flagged`` column (or ``score >=
  threshold`` when there is none); ``roc_auc`` and ``pr_auc`` (average precision)
  use ``score`` and are ``None`` when only one class is present;
* ``fpr_hard_negative`` / ``fpr_organic``: share of flagged accounts among the
  hard negatives / organic accounts; ``fpr_by_group``: the same per ``group``;
* per strategy *s*: the campaign accounts of strategy *s* against all
  non-campaign accounts, **campaign accounts of other strategies left out**. So
  ``recall`` is the share of *s*-accounts flagged and ``precision`` is
  ``TP_s / (TP_s + FP)`` with ``FP`` the flagged non-campaign accounts: the
  precision the detector would have if *s* were the only campaign in the data;
  ``f1``, ``roc_auc`` and ``pr_auc`` are computed on the same subset;
* clusters (when a ``cluster_id`` column is given): ``purity`` = for the flagged,
  clustered accounts, the share that belong to their cluster's majority campaign
  (a non-campaign account is its own class ``"none"``); ``campaign_coverage`` =
  for the campaign accounts, the share found in the cluster holding most of their
  campaign; ``adjusted_rand`` = :func:`sklearn.metrics.adjusted_rand_score` over
  campaign accounts plus clustered accounts, where an unclustered account and a
  non-campaign account each form their own singleton class.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score, average_precision_score, roc_auc_score

from detector import thresholds as th

__all__ = ["evaluate", "format_table", "read_scores", "read_truth"]

LABELS = ("organic", "campaign", "hard_negative")


def _nan_none(x: float) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def _binary(y: np.ndarray, flagged: np.ndarray, score: np.ndarray) -> dict[str, Any]:
    tp = int((y & flagged).sum())
    fp = int((~y & flagged).sum())
    fn = int((y & ~flagged).sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    both = 0 < y.sum() < len(y)
    return {
        "n_positive": int(y.sum()),
        "n_negative": int((~y).sum()),
        "n_flagged": int(flagged.sum()),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "roc_auc": float(roc_auc_score(y, score)) if both else None,
        "pr_auc": float(average_precision_score(y, score)) if both else None,
    }


def _clusters(frame: pd.DataFrame) -> dict[str, Any]:
    cl = frame["cluster_id"]
    clustered = cl.notna() & (cl.astype(str) != "-1")
    camp = frame["label"] == "campaign"
    cid = frame["campaign_id"].astype(object).where(camp, "none")
    sel = clustered & frame["flagged"]
    out: dict[str, Any] = {"n_clusters": int(cl[clustered].nunique()), "n_clustered": int(clustered.sum())}
    if sel.any():
        sub = pd.DataFrame({"c": cl[sel].astype(str), "t": cid[sel]})
        majority = sub.groupby("c")["t"].agg(lambda s: s.value_counts().iloc[0]).sum()
        out["purity"] = float(majority / sel.sum())
    else:
        out["purity"] = None
    if camp.any():
        sub = pd.DataFrame({"c": cl.astype(object).where(clustered, None), "t": cid})[camp]
        covered = 0
        for _, g in sub.groupby("t"):
            counts = g["c"].dropna().astype(str).value_counts()
            covered += int(counts.iloc[0]) if len(counts) else 0
        out["campaign_coverage"] = float(covered / camp.sum())
    else:
        out["campaign_coverage"] = None
    use = camp | clustered
    if use.sum() >= 2:
        ids = frame["account_id"].astype(str)
        pred = np.where(clustered, "c:" + cl.astype(str), "u:" + ids)[use.to_numpy()]
        true = np.where(camp, "t:" + cid.astype(str), "n:" + ids)[use.to_numpy()]
        out["adjusted_rand"] = float(adjusted_rand_score(true, pred))
    else:
        out["adjusted_rand"] = None
    return out


def evaluate(truth: pd.DataFrame, scores: pd.DataFrame, threshold: float = th.FLAG_THRESHOLD) -> dict[str, Any]:
    """Metrics of a detector's account scores against ground truth.

    Parameters
    ----------
    truth : DataFrame
        ``account_id``, ``label`` (organic | campaign | hard_negative), ``campaign_id``,
        ``strategy`` and optionally ``group`` (as written by ``detector generate``).
    scores : DataFrame
        ``account_id`` and ``score`` (larger = more suspicious), optionally
        ``flagged`` (bool) and ``cluster_id`` (missing or ``-1`` = unclustered).
        Accounts absent from ``truth`` are ignored (counted in ``n_unknown``).
    threshold : float
        Flag rule ``score >= threshold`` when ``flagged`` is absent.

    Returns
    -------
    dict
        ``overall`` (see module docstring), ``per_strategy`` {strategy: metrics},
        ``fpr_by_group``, ``clusters`` (or None), ``n_accounts``, ``n_unknown``.
    """
    if "account_id" not in scores.columns or "score" not in scores.columns:
        raise ValueError("scores need columns account_id and score")
    t = truth.copy()
    t["account_id"] = t["account_id"].astype(str)
    bad = set(t["label"].dropna().unique()) - set(LABELS)
    if bad:
        raise ValueError(f"unknown labels in truth: {sorted(bad)}")
    for col in ("campaign_id", "strategy"):
        if col not in t.columns:
            t[col] = pd.NA
    if "group" not in t.columns:
        t["group"] = t["label"]
    s = scores.copy()
    s["account_id"] = s["account_id"].astype(str)
    s = s.drop_duplicates("account_id", keep="first")
    n_unknown = int((~s["account_id"].isin(t["account_id"])).sum())
    keep = ["account_id", "score"] + [c for c in ("flagged", "cluster_id") if c in s.columns]
    frame = t.merge(s[keep], on="account_id", how="left")
    frame["score"] = pd.to_numeric(frame["score"], errors="coerce").fillna(0.0).astype(float)
    if "flagged" in s.columns:
        frame["flagged"] = frame["flagged"].map(_as_bool).fillna(False).astype(bool)
    else:
        frame["flagged"] = frame["score"] >= threshold
    y = (frame["label"] == "campaign").to_numpy()
    flagged = frame["flagged"].to_numpy(dtype=bool)
    score = frame["score"].to_numpy(dtype=float)

    overall = _binary(y, flagged, score)
    hn = (frame["label"] == "hard_negative").to_numpy()
    org = (frame["label"] == "organic").to_numpy()
    overall["fpr_hard_negative"] = float(flagged[hn].mean()) if hn.any() else None
    overall["fpr_organic"] = float(flagged[org].mean()) if org.any() else None
    overall["fpr"] = float(flagged[~y].mean()) if (~y).any() else None

    per_strategy: dict[str, Any] = {}
    strategies = frame.loc[y, "strategy"].dropna().astype(str)
    for strat in sorted(strategies.unique()):
        mask = (~y) | (y & (frame["strategy"].astype(str) == strat).to_numpy())
        per_strategy[strat] = _binary(y[mask], flagged[mask], score[mask])

    neg = np.flatnonzero(~y)
    groups = frame["group"].fillna("organic").astype(str).to_numpy()[neg]
    fpr_by_group = {}
    for g in sorted(set(groups.tolist())):
        idx = neg[groups == g]
        fpr_by_group[g] = {"n": int(len(idx)), "fpr": float(flagged[idx].mean())}
    clusters = _clusters(frame) if "cluster_id" in frame.columns else None
    return {
        "n_accounts": int(len(frame)),
        "n_unknown": n_unknown,
        "threshold": None if "flagged" in s.columns else threshold,
        "overall": {k: _nan_none(v) if isinstance(v, float) else v for k, v in overall.items()},
        "per_strategy": per_strategy,
        "fpr_by_group": fpr_by_group,
        "clusters": clusters,
    }


def _as_bool(value: Any) -> bool | None:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (bool, np.bool_, int, np.integer, float, np.floating)):
        return bool(value)
    text = str(value).strip().lower()
    if text in ("true", "t", "yes", "y", "1"):
        return True
    if text in ("false", "f", "no", "n", "0", ""):
        return False
    raise ValueError(f"cannot read {value!r} as a boolean flag")


def read_truth(path: str) -> pd.DataFrame:
    """Read ``truth.csv`` (ids kept as strings)."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    missing = {"account_id", "label"} - set(frame.columns)
    if missing:
        raise ValueError(f"{path}: truth file lacks column(s) {sorted(missing)}")
    return frame


def read_scores(path: str, columns: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Read a scored accounts CSV; ``columns`` maps ``account_id/score/flagged/cluster_id`` to source names.

    Without a mapping, common names are recognised (``score`` or ``account_score``,
    ``flagged``, ``cluster_id`` or ``cluster``).
    """
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    columns = dict(columns or {})
    guesses = {
        "account_id": ("account_id", "id", "userid", "user_id"),
        "score": ("score", "account_score", "suspicion"),
        "flagged": ("flagged", "flag", "is_flagged"),
        "cluster_id": ("cluster_id", "cluster"),
    }
    out = pd.DataFrame()
    for canon, names in guesses.items():
        src = columns.get(canon) or next((n for n in names if n in frame.columns), None)
        if src is None:
            if canon in ("account_id", "score"):
                raise ValueError(f"{path}: no {canon} column (have {list(frame.columns)[:12]})")
            continue
        if src not in frame.columns:
            raise ValueError(f"{path}: column {src!r} not found")
        out[canon] = frame[src]
    out["score"] = pd.to_numeric(out["score"], errors="coerce")
    if "cluster_id" in out.columns:
        out["cluster_id"] = out["cluster_id"].str.lstrip("'")  # csvsafe prefixes "-1" with a quote
    return out


def _fmt(x: Any) -> str:
    if x is None:
        return "-"
    if isinstance(x, float):
        return f"{x:.3f}"
    return str(x)


def format_table(result: Mapping[str, Any]) -> str:
    """A plain-text table of :func:`evaluate`'s result (overall, per strategy, FPR by group)."""
    cols = ("n_positive", "n_flagged", "precision", "recall", "f1", "roc_auc", "pr_auc")
    head = f"{'':<16}" + "".join(f"{c:>11}" for c in cols)
    lines = [head, "-" * len(head)]
    o = result["overall"]
    lines.append(f"{'ALL campaigns':<16}" + "".join(f"{_fmt(o[c]):>11}" for c in cols))
    for strat, m in result["per_strategy"].items():
        lines.append(f"{strat:<16}" + "".join(f"{_fmt(m[c]):>11}" for c in cols))
    lines.append("")
    lines.append(f"false-positive rate: hard negatives {_fmt(o['fpr_hard_negative'])}, "
                 f"organic {_fmt(o['fpr_organic'])}, all non-campaign {_fmt(o['fpr'])}")
    if result.get("fpr_by_group"):
        lines.append("  by group: " + ", ".join(f"{g} {_fmt(v['fpr'])} (n={v['n']})"
                                                for g, v in result["fpr_by_group"].items()))
    c = result.get("clusters")
    if c:
        lines.append(f"clusters: {c['n_clusters']} ({c['n_clustered']} accounts), purity {_fmt(c['purity'])}, "
                     f"campaign coverage {_fmt(c['campaign_coverage'])}, adjusted Rand {_fmt(c['adjusted_rand'])}")
    return "\n".join(lines)

"""detector.evaluate against metrics computed by hand on a 10-account example."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from detector.cli import main
from detector.evaluate import evaluate, format_table, read_scores

TRUTH = pd.DataFrame({
    "account_id": ["a1", "a2", "a3", "a4", "h1", "h2", "o1", "o2", "o3", "o4"],
    "label": ["campaign"] * 4 + ["hard_negative"] * 2 + ["organic"] * 4,
    "campaign_id": ["C1", "C1", "C2", "C2"] + [None] * 6,
    "strategy": ["S1", "S1", "S2", "S2"] + [None] * 6,
    "group": ["S1", "S1", "S2", "S2", "fandom", "fandom"] + ["organic"] * 4,
})
# o3 is missing from the scores (counts as 0, not flagged); "zz" is not in the truth
SCORES = pd.DataFrame({
    "account_id": ["a1", "a2", "a3", "a4", "h1", "h2", "o1", "o2", "o4", "zz"],
    "score": [0.9, 0.4, 0.8, 0.3, 0.7, 0.1, 0.2, 0.35, 0.05, 0.99],
})


def test_overall_hand_computed():
    r = evaluate(TRUTH, SCORES, threshold=0.5)
    o = r["overall"]
    assert (o["tp"], o["fp"], o["fn"]) == (2, 1, 2)
    assert o["precision"] == pytest.approx(2 / 3)
    assert o["recall"] == pytest.approx(0.5)
    assert o["f1"] == pytest.approx(4 / 7)
    # 21 of the 24 (positive, negative) pairs are ordered correctly
    assert o["roc_auc"] == pytest.approx(21 / 24)
    # ranks of positives: 1, 2, 4, 6 -> precisions 1, 1, 3/4, 4/6
    assert o["pr_auc"] == pytest.approx((1 + 1 + 0.75 + 4 / 6) / 4)
    assert o["fpr_hard_negative"] == pytest.approx(0.5)
    assert o["fpr_organic"] == 0.0
    assert o["fpr"] == pytest.approx(1 / 6)
    assert r["n_accounts"] == 10 and r["n_unknown"] == 1
    assert r["fpr_by_group"]["fandom"] == {"n": 2, "fpr": 0.5}


def test_per_strategy_hand_computed():
    r = evaluate(TRUTH, SCORES, threshold=0.5)
    s1, s2 = r["per_strategy"]["S1"], r["per_strategy"]["S2"]
    # each strategy against the 6 non-campaign accounts only
    assert (s1["n_positive"], s1["n_negative"]) == (2, 6)
    assert (s1["tp"], s1["fp"], s1["fn"]) == (1, 1, 1)
    assert s1["precision"] == pytest.approx(0.5) and s1["recall"] == pytest.approx(0.5)
    assert s1["roc_auc"] == pytest.approx(11 / 12)
    assert s2["roc_auc"] == pytest.approx(10 / 12)
    assert s2["pr_auc"] == pytest.approx((1 + 2 / 4) / 2)


def test_flagged_column_overrides_threshold():
    scores = SCORES.assign(flagged=[False, False, True, True, False, False, False, False, False, False])
    o = evaluate(TRUTH, scores)["overall"]
    assert (o["tp"], o["fp"], o["fn"]) == (2, 0, 2)
    assert o["precision"] == 1.0
    assert o["roc_auc"] == pytest.approx(21 / 24)  # AUC still uses the scores


def test_clusters_hand_computed():
    scores = SCORES.assign(cluster_id=["k1", None, "k1", None, "k2", None, None, None, None, None])
    c = evaluate(TRUTH, scores, threshold=0.5)["clusters"]
    assert c["n_clusters"] == 2
    assert c["purity"] == pytest.approx(2 / 3)
    assert c["campaign_coverage"] == pytest.approx(0.5)
    # contingency on {a1..a4, h1}: sum C(n_ij,2)=0, rows 2+2+1 -> 2, cols 2+1+1+1 -> 1, C(5,2)=10
    assert c["adjusted_rand"] == pytest.approx((0 - 2 * 1 / 10) / ((2 + 1) / 2 - 2 * 1 / 10))
    perfect = SCORES.assign(cluster_id=["x", "x", "y", "y", None, None, None, None, None, None], score=1.0)
    perfect.loc[4:, "score"] = 0.0
    c = evaluate(TRUTH, perfect)["clusters"]
    assert c["adjusted_rand"] == pytest.approx(1.0) and c["purity"] == 1.0 and c["campaign_coverage"] == 1.0


def test_degenerate_inputs():
    only_neg = TRUTH[TRUTH["label"] != "campaign"]
    r = evaluate(only_neg, SCORES)
    assert r["overall"]["roc_auc"] is None and r["overall"]["recall"] == 0.0
    assert r["per_strategy"] == {}
    with pytest.raises(ValueError):
        evaluate(TRUTH, SCORES.drop(columns="score"))
    with pytest.raises(ValueError):
        evaluate(TRUTH.assign(label="bot"), SCORES)
    assert "ALL campaigns" in format_table(evaluate(TRUTH, SCORES))


def test_read_scores_and_cli(tmp_path):
    truth_path = tmp_path / "truth.csv"
    TRUTH.to_csv(truth_path, index=False)
    acc = SCORES.rename(columns={"score": "account_score"}).assign(
        flagged=["True", "false", "1", "0", "yes", "no", "False", "False", "False", "True"],
        cluster=["'-1", "-1", "3", "3", "4", "", "", "", "", ""],
    )
    acc_path = tmp_path / "accounts.csv"
    acc.to_csv(acc_path, index=False)
    scores = read_scores(str(acc_path))
    assert list(scores.columns) == ["account_id", "score", "flagged", "cluster_id"]
    res = CliRunner().invoke(main, ["evaluate", "--truth", str(truth_path), "--accounts", str(acc_path), "--json",
                                    "-o", str(tmp_path / "m.json")])
    assert res.exit_code == 0, res.output
    r = json.loads(res.output)
    assert (r["overall"]["tp"], r["overall"]["fp"]) == (2, 1)
    assert r["clusters"]["n_clusters"] == 2  # '-1 and -1 are "unclustered"
    assert json.loads((tmp_path / "m.json").read_text()) == r
    table = CliRunner().invoke(main, ["evaluate", "--truth", str(truth_path), "--accounts", str(acc_path)])
    assert table.exit_code == 0 and "S1" in table.output and "hard negatives" in table.output
    bad = CliRunner().invoke(main, ["evaluate", "--truth", str(acc_path), "--accounts", str(acc_path)])
    assert bad.exit_code != 0

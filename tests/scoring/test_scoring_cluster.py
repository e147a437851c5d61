"""Cluster embeddedness and recurring-link evidence in detector.scoring."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_scoring import SUSPICIOUS, _population, _with

from detector.scoring.combine import combine_layers
from detector.scoring.scores import score_accounts
from detector.scoring.signals import (
    cluster_signals,
    flagged_cluster_links,
    network_signals,
    recurring_clusters,
    recurring_object_edges,
)

# ---------------------------------------------------------------- cluster_signals


def _edges(pairs: list[tuple[str, str]], weights: list[float]) -> pd.DataFrame:
    a = [min(p) for p in pairs]
    b = [max(p) for p in pairs]
    return pd.DataFrame({"account_a": a, "account_b": b, "weight": weights})


def test_cluster_signals_counts_partners_inside_own_cluster():
    edges = _edges([("a", "b"), ("a", "c"), ("a", "x"), ("b", "c"), ("x", "y")], [1.0, 2.0, 1.0, 1.0, 5.0])
    membership = pd.Series({"a": 0, "b": 0, "c": 0, "x": 1, "y": 1})
    sig = cluster_signals(edges, membership, pd.Index(["a", "b", "c", "x", "y", "z"]))
    assert sig.loc["a", "cluster_partners"] == 2  # b and c; x is in another cluster
    assert sig.loc["a", "cluster_tie_share"] == pytest.approx(3.0 / 4.0)
    assert sig.loc["x", "cluster_partners"] == 1
    assert sig.loc["z"].tolist() == [0.0, 0.0, 0.0]  # no edges, no cluster
    assert (sig["cluster_coactors"] == 0).all()  # no co-action table given
    empty = cluster_signals(edges, None, pd.Index(["a"]))
    assert empty.loc["a"].tolist() == [0.0, 0.0, 0.0]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7), st.integers(0, 3)), max_size=25),
    st.lists(st.integers(0, 2), min_size=8, max_size=8),
)
def test_cluster_coactors_match_reference(raw, labels):
    # Plain reference: members of the own cluster sharing a pair with n_sync_objects >= 1.
    seen: dict[tuple[str, str], int] = {}
    for i, j, n in raw:
        if i != j:
            seen[(f"n{min(i, j)}", f"n{max(i, j)}")] = n
    coaction = _edges(list(seen), [1.0] * len(seen)).assign(n_sync_objects=[float(n) for n in seen.values()])
    membership = pd.Series({f"n{k}": c for k, c in enumerate(labels) if c > 0})
    index = pd.Index([f"n{k}" for k in range(8)])
    got = cluster_signals(coaction.iloc[:0], membership, index, coaction=coaction)
    for node in index:
        mine = membership.get(node)
        expected = sum(
            1
            for (a, b), n in seen.items()
            if n >= 1 and node in (a, b) and mine is not None and membership.get(b if a == node else a) == mine
        )
        assert got.loc[node, "cluster_coactors"] == expected
        assert got.loc[node, "cluster_partners"] == 0.0  # no repeated edges given


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7), st.floats(0.1, 5.0)), max_size=25),
    st.lists(st.integers(0, 2), min_size=8, max_size=8),
)
def test_cluster_signals_match_reference(raw, labels):
    seen: dict[tuple[str, str], float] = {}
    for i, j, w in raw:
        if i != j:
            seen[(f"n{min(i, j)}", f"n{max(i, j)}")] = w
    edges = _edges(list(seen), list(seen.values()))
    membership = pd.Series({f"n{k}": c for k, c in enumerate(labels) if c > 0})  # label 0 = unclustered
    index = pd.Index([f"n{k}" for k in range(8)])
    got = cluster_signals(edges, membership, index)
    for node in index:
        mine = membership.get(node)
        inside = total = w_in = 0.0
        for (a, b), w in seen.items():
            if node not in (a, b):
                continue
            other = b if a == node else a
            total += w
            if mine is not None and membership.get(other) == mine:
                inside += 1
                w_in += w
        assert got.loc[node, "cluster_partners"] == inside
        assert got.loc[node, "cluster_tie_share"] == pytest.approx(w_in / total if total else 0.0)


# ---------------------------------------------------------------- embeddedness in scores


def _rotation_case(cluster_families: tuple[str, ...], weak_partners: float) -> tuple[pd.DataFrame, pd.Series]:
    """Ten strong members plus 'weak', an ordinary-looking account tied to ``weak_partners`` of them."""
    pop = _population()
    pop["cluster_partners"] = 0.0
    for i in range(10):
        pop = _with(pop, f"m{i}", cluster_families)
        pop.loc[f"m{i}", "cluster_partners"] = 9.0
    pop = _with(pop, "weak", ())
    pop.loc["weak", "cluster_partners"] = weak_partners
    membership = pd.Series(0, index=[f"m{i}" for i in range(10)] + ["weak"])
    return pop, membership


def test_embedded_member_of_flagged_cluster_inherits_support():
    sig, membership = _rotation_case(("synchrony", "profile"), weak_partners=4.0)
    scored, clusters = score_accounts(sig, membership)
    assert clusters.iloc[0]["flagged"]
    weak = scored.set_index("account_id").loc["weak"]
    assert weak["individual_score"] < 0.1  # its own evidence is weak ...
    assert weak["flagged"]  # ... but it acts with 4 members of a flagged cluster
    assert any("tied by repeated evidence to 4 of its members" in r for r in weak["reasons"])


def test_peripheral_member_gets_partial_support():
    sig, membership = _rotation_case(("synchrony", "profile"), weak_partners=1.0)
    full, _ = score_accounts(sig.assign(cluster_partners=sig["cluster_partners"].where(sig.index != "weak", 4.0)), membership)
    part, _ = score_accounts(sig, membership)
    s_full = full.set_index("account_id").loc["weak", "score"]
    s_part = part.set_index("account_id").loc["weak", "score"]
    assert s_part < s_full


def test_embeddedness_does_not_lift_members_of_an_organic_looking_cluster():
    # A fan-like cluster: members strong in synchrony only -> cluster not flagged -> no inheritance.
    sig, membership = _rotation_case(("synchrony",), weak_partners=9.0)
    sig.loc["weak", ["age_days", "handle_randomness"]] = [SUSPICIOUS["profile"]["age_days"], 0.95]
    scored, clusters = score_accounts(sig, membership)
    assert not clusters["flagged"].any()
    assert not scored.set_index("account_id").loc[membership.index, "flagged"].any()


def test_burst_coactors_of_flagged_cluster_inherit_support():
    # 'weak' never acts twice with the same member (no repeated ties) but shared bursts with
    # 5 members once each, as many as the typical member (co-acted with 9: need = max(3, 4.5)).
    sig, membership = _rotation_case(("synchrony", "profile"), weak_partners=0.0)
    sig["cluster_coactors"] = 0.0
    sig.loc[[f"m{i}" for i in range(10)], "cluster_coactors"] = 9.0
    before = score_accounts(sig, membership)[0].set_index("account_id").loc["weak"]
    sig.loc["weak", "cluster_coactors"] = 5.0
    scored, clusters = score_accounts(sig, membership)
    weak = scored.set_index("account_id").loc["weak"]
    assert clusters.iloc[0]["flagged"]
    assert not before["flagged"]
    assert weak["flagged"]
    assert any("acted within the co-action window with 5 of its members" in r for r in weak["reasons"])
    # one burst shared with a single member is the edge of the group: a fraction only
    sig.loc["weak", "cluster_coactors"] = 1.0
    assert not score_accounts(sig, membership)[0].set_index("account_id").loc["weak", "flagged"]


def test_burst_coactors_do_not_lift_members_of_an_organic_looking_cluster():
    sig, membership = _rotation_case(("synchrony",), weak_partners=0.0)
    sig["cluster_coactors"] = 9.0
    scored, clusters = score_accounts(sig, membership)
    assert not clusters["flagged"].any()
    assert not scored.set_index("account_id").loc[membership.index, "flagged"].any()


def test_without_the_signal_scores_are_unchanged():
    sig, membership = _rotation_case(("synchrony", "profile"), weak_partners=0.0)
    a, _ = score_accounts(sig, membership)
    b, _ = score_accounts(sig.drop(columns=["cluster_partners"]), membership)
    # accounts without cluster partners (``weak`` among them) score the same without the column
    without = set(sig.index[sig["cluster_partners"].fillna(0) == 0])
    assert "weak" in without
    a, b = (t[t["account_id"].isin(without)].reset_index(drop=True) for t in (a, b))
    pd.testing.assert_frame_equal(a.drop(columns=["reasons"]), b.drop(columns=["reasons"]))


# ---------------------------------------------------------------- links to a flagged cluster from outside


def _link_case(outsider: tuple[str, ...], members_met: int, others_met: int):
    """A flagged cluster of ten (synchrony + profile) and 'out', unclustered, that acted in the
    window once each with ``members_met`` members and ``others_met`` ordinary accounts."""
    sig, membership = _rotation_case(("synchrony", "profile"), weak_partners=0.0)
    membership = membership.drop("weak")
    sig = sig.drop("weak")
    sig = _with(sig, "out", outsider)
    pairs = [("out", f"m{i}") for i in range(members_met)] + [("out", f"u{i:04d}") for i in range(others_met)]
    pairs += [(f"m{i}", f"m{j}") for i in range(10) for j in range(i + 1, 10)]
    coaction = _edges(pairs, [1.0] * len(pairs)).assign(n_sync_objects=1.0)
    return sig, membership, coaction


def test_flagged_cluster_links_match_reference():
    membership = pd.Series({"a": 0, "b": 0, "c": 0, "x": 1, "y": 1, "z": 2})
    cluster_id = membership.reindex(["a", "b", "c", "o", "p", "x", "y", "z"]).astype("Int64")
    pairs = [("o", "a"), ("o", "b"), ("o", "x"), ("o", "z"), ("p", "x"), ("p", "y"), ("p", "a"), ("a", "x"), ("c", "z")]
    coaction = _edges(pairs, [1.0] * len(pairs)).assign(n_sync_objects=[1.0] * 8 + [0.0])
    linked, n, in_sync = flagged_cluster_links(coaction, cluster_id, {0: 0.9, 1: 0.8, 2: 0.95}, {0, 1})
    got = {a: (None if np.isnan(c) else int(c), int(k), int(t)) for a, c, k, t in zip(cluster_id.index, linked, n, in_sync, strict=True)}
    assert got["o"] == (0, 2, 4)  # a, b in cluster 0; x in 1; z's cluster is not flagged
    assert got["p"] == (1, 2, 3)  # two of cluster 1 beat one of cluster 0
    assert got["a"] == (1, 1, 3)  # its own cluster never counts
    assert got["x"] == (0, 1, 3)
    assert got["c"] == (None, 0, 0)  # the c-z pair never acted in the window
    none = flagged_cluster_links(coaction, cluster_id, {0: 0.9}, set())
    assert np.isnan(none[0]).all() and (none[1] == 0).all()


def test_outsider_acting_mostly_with_a_flagged_cluster_is_supported_through_its_own_family():
    sig, membership, coaction = _link_case(("profile",), members_met=4, others_met=1)
    scored, clusters = score_accounts(sig, membership, coaction=coaction)
    out = scored.set_index("account_id").loc["out"]
    assert clusters.iloc[0]["flagged"]
    assert out["individual_score"] < 0.5  # one family alone ...
    assert out["flagged"] and out["linked_cluster_id"] == 0  # ... plus most of its sync partners in the cluster
    assert any("4 members of flagged cluster 0" in r and "4 of the 5 accounts" in r for r in out["reasons"])
    alone = score_accounts(sig, membership)[0].set_index("account_id").loc["out"]
    assert not alone["flagged"] and pd.isna(alone["linked_cluster_id"])


@pytest.mark.parametrize(
    "outsider, members_met, others_met",
    [
        ((), 6, 0),  # no family of its own: the link alone never flags
        (("profile",), 1, 0),  # met a single member
        (("profile",), 4, 30),  # a prolific account meeting members by chance among 34 partners
    ],
)
def test_weak_or_diluted_links_do_not_flag(outsider, members_met, others_met):
    sig, membership, coaction = _link_case(outsider, members_met, others_met)
    out = score_accounts(sig, membership, coaction=coaction)[0].set_index("account_id").loc["out"]
    assert not out["flagged"]


def test_member_of_a_large_ordinary_group_is_not_linked_by_its_raw_profile():
    """Issue 14 (activists vs a hashtag hijack): an activist in its own ordinary group of ten or more
    (GROUP_TEST_MIN_SIZE) that posted on the hashtag a campaign floods meets many of the campaign in
    the window. Its profile evidence counts as far as its group's inauthenticity side, in its
    individual score and in the link support alike (before: the link used the raw family, and a
    reactivated activist was flagged through the campaign it never joined)."""
    sig, membership, coaction = _link_case(("profile",), members_met=4, others_met=1)
    group = [f"u{i:04d}" for i in range(100, 112)]  # ordinary accounts of the population
    assert set(group) <= set(sig.index)
    membership = pd.concat([membership, pd.Series(1, index=[*group, "out"])])
    scored, clusters = score_accounts(sig, membership, coaction=coaction)
    by_id = clusters.set_index("cluster_id")
    assert by_id.loc[0, "flagged"] and by_id.loc[1, "score"] < 0.5
    out = scored.set_index("account_id").loc["out"]
    assert not out["flagged"] and out["score"] < 0.25


def test_links_to_an_organic_looking_cluster_give_nothing():
    sig, membership, coaction = _link_case(("profile",), members_met=6, others_met=0)
    sig.loc[[f"m{i}" for i in range(10)], ["age_days", "handle_randomness"]] = [2000.0, 0.3]  # synchrony only
    scored, clusters = score_accounts(sig, membership, coaction=coaction)
    assert not clusters["flagged"].any()
    assert not scored.set_index("account_id").loc["out", "flagged"]


# ---------------------------------------------------------------- recurring links


def _shares(rows: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "object_id": [o for o, _ in rows],
            "account_id": [a for _, a in rows],
            "content_id": [f"e{k}" for k in range(len(rows))],
            "ts": np.arange(len(rows), dtype=np.int64) * 3600,
        }
    )


def _reference(rows, max_accounts, min_objects, min_overlap):
    objs: dict[str, set[str]] = {}
    for o, a in rows:
        objs.setdefault(o, set()).add(a)
    per_acc: dict[str, set[str]] = {}
    for o, a in rows:
        per_acc.setdefault(a, set()).add(o)
    out = {}
    for a, b in itertools.combinations(sorted(per_acc), 2):
        common = {o for o in per_acc[a] & per_acc[b] if 2 <= len(objs[o]) <= max_accounts}
        overlap = len(common) / math.sqrt(len(per_acc[a]) * len(per_acc[b]))
        if len(common) >= min_objects and overlap >= min_overlap:
            out[(a, b)] = (len(common), overlap)
    return out


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from("pqrstuvw"), st.sampled_from(["a1", "a2", "a3", "a4", "a5"])), max_size=30),
    st.integers(2, 5),
    st.sampled_from([0.0, 0.3, 0.5]),
)
def test_recurring_edges_match_reference(rows, max_accounts, min_overlap):
    got = recurring_object_edges(_shares(rows), max_accounts=max_accounts, min_overlap=min_overlap)
    want = _reference(rows, max_accounts, 2, min_overlap)
    assert set(zip(got["account_a"], got["account_b"], strict=True)) == set(want)
    for r in got.itertuples(index=False):
        n, ov = want[(r.account_a, r.account_b)]
        assert r.n_objects == n == r.weight
        assert r.overlap == pytest.approx(ov, abs=1e-6)
        assert len(r.objects.split("|")) == min(n, 5)
    assert list(got["account_a"] + " " + got["account_b"]) == sorted(got["account_a"] + " " + got["account_b"])


def test_recurring_edges_tie_a_small_link_stock_not_prolific_sharers():
    rows = []
    for member in ("d1", "d2", "d3"):  # slow drip: the same three links, days apart
        rows += [(f"site/a{k}", member) for k in range(3)]
    for k in range(40):  # two prolific news sharers meeting on two of forty links
        rows.append((f"news/{k}", "p1"))
        rows.append((f"news/{k + 38}", "p2"))
    got = recurring_object_edges(_shares(rows))
    pairs = set(zip(got["account_a"], got["account_b"], strict=True))
    assert pairs == {("d1", "d2"), ("d1", "d3"), ("d2", "d3")}
    assert recurring_object_edges(_shares([])).empty
    # popular objects (more sharers than max_accounts) do not count
    assert recurring_object_edges(_shares(rows), max_accounts=2).empty


def test_recurring_partners_signal_and_conjunction():
    layer = recurring_object_edges(_shares([(f"site/a{k}", m) for m in ("d1", "d2", "d3") for k in range(3)]))
    edges = combine_layers({"url_recurring": layer})
    sig = network_signals(edges, pd.Index(["d1", "d2", "d3", "z"]))
    assert sig.loc["d1", "recurring_partners"] == 2
    assert sig.loc["z", "recurring_partners"] == 0
    assert sig.loc["d1", "sync_partners"] == 0  # not in-window synchrony
    # in a population: recurring links alone is one family (not flagged); with a young profile it is
    pop = _population()
    pop["recurring_partners"] = 0.0
    pop = _with(_with(pop, "alone", ()), "young", ("profile",))
    pop.loc[["alone", "young"], "recurring_partners"] = 25.0
    scored, _ = score_accounts(pop)
    s = scored.set_index("account_id")
    assert s.loc["alone", "synchrony"] > 0.3
    assert not s.loc["alone", "flagged"]
    assert s.loc["young", "flagged"]
    assert any("uncommon links" in r for r in s.loc["young", "reasons"])


def test_embeddedness_is_relative_to_the_clusters_typical_member():
    # 3 ties are full membership of a loose group (members: 4 ties each) ...
    sig, membership = _rotation_case(("synchrony", "profile"), weak_partners=3.0)
    loose = sig.assign(cluster_partners=sig["cluster_partners"].where(~sig.index.str.startswith("m"), 4.0))
    scored, _ = score_accounts(loose, membership)
    assert scored.set_index("account_id").loc["weak", "flagged"]
    # ... but only the edge of a tight one (members: 20 ties each): need >= 10 for full support
    tight = sig.assign(cluster_partners=sig["cluster_partners"].where(~sig.index.str.startswith("m"), 20.0))
    scored, clusters = score_accounts(tight, membership)
    weak = scored.set_index("account_id").loc["weak"]
    assert clusters.iloc[0]["flagged"]
    assert not weak["flagged"]
    assert weak["score"] == pytest.approx(1 - (1 - weak["individual_score"]) * (1 - weak["cluster_score"] * 0.3), abs=0.02)


def test_recurring_clusters_only_group_accounts_the_main_clustering_left_out():
    rows = [(f"site/a{k}", m) for m in ("d1", "d2", "d3", "d4") for k in range(3)]
    rows += [(f"site/a{k}", "c1") for k in range(3)]  # c1 is already in a campaign cluster
    layer = recurring_object_edges(_shares(rows))
    edges = combine_layers({"url_recurring": layer, "repost": _edges([("c1", "c2")], [3.0])})
    main = pd.Series({"c1": 0, "c2": 0, "x1": 1, "x2": 1})
    out = recurring_clusters(edges, main, seed=0)
    assert out[["c1", "c2", "x1", "x2"]].tolist() == [0, 0, 1, 1]  # existing clusters untouched
    new = out[["d1", "d2", "d3", "d4"]]
    assert new.nunique() == 1 and int(new.iloc[0]) == 2  # one new group, id after the existing ones
    assert list(out.index) == sorted(out.index)
    # deterministic; nothing to add without the layer
    pd.testing.assert_series_equal(out, recurring_clusters(edges, main, seed=0))
    plain = combine_layers({"repost": _edges([("c1", "c2")], [3.0])})
    pd.testing.assert_series_equal(recurring_clusters(plain, main), main)


def test_burst_clusters_group_leftovers_that_met_once_and_leave_clusters_alone():
    from detector.scoring.signals import burst_clusters

    pool = [f"p{i}" for i in range(6)]
    pairs = [(a, b) for i, a in enumerate(pool) for b in pool[i + 1 :]]  # each pair met once
    pairs += [("c0", "c1"), ("c1", "c2"), ("c0", "c2"), ("c0", "p0")]  # an existing cluster, one tie to the pool
    pairs += [("x0", "x1")]  # two accounts that met once: too small
    edges = _edges(pairs, [1.0] * len(pairs)).assign(n_sync_objects=1.0)
    edges.loc[edges["account_a"].eq("c0") & edges["account_b"].eq("c2"), "n_sync_objects"] = 0.0
    membership = pd.Series({"c0": 0, "c1": 0, "c2": 0})
    out = burst_clusters(edges, membership, seed=0, min_size=3)
    assert (out[["c0", "c1", "c2"]] == 0).all()  # untouched
    assert out[pool].nunique() == 1 and out["p0"] == 1  # the pool: one new cluster after the existing ids
    assert "x0" not in out.index
    assert burst_clusters(edges.drop(columns=["n_sync_objects"]), membership).equals(membership)

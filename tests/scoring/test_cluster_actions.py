"""Which cluster an account acts with (issue 14: rotating pools in, activists who met a campaign once out)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from detector.scoring.signals import actions_with_clusters, drop_passersby, join_cluster_actors

WINDOWS = {"repost": 60, "hashtag": 60}


def _shares(rows: list[tuple[str, str, str, int]]) -> dict[str, pd.DataFrame]:
    """``(kind, object, account, ts)`` rows as share tables per kind."""
    frame = pd.DataFrame(rows, columns=["kind", "object_id", "account_id", "ts"])
    return {
        kind: sub.drop(columns="kind").assign(ts=sub["ts"].astype(np.int64)).reset_index(drop=True)
        for kind, sub in frame.groupby("kind")
    }


def _naive(rows, windows, membership):
    """Plain-Python twin of :func:`actions_with_clusters`."""
    first: dict[tuple[str, str, str], int] = {}
    for kind, obj, acc, ts in sorted(rows, key=lambda r: r[3]):
        first.setdefault((kind, obj, acc), ts)
    hits: dict[tuple[str, int], set] = {}
    actions: dict[str, int] = {}
    for (kind, obj, acc), ts in first.items():
        if acc in membership:
            continue
        actions[acc] = actions.get(acc, 0) + 1
        for (kind2, obj2, acc2), ts2 in first.items():
            if kind2 == kind and obj2 == obj and acc2 in membership and abs(ts2 - ts) <= windows[kind]:
                hits.setdefault((acc, int(membership[acc2])), set()).add((kind, obj))
    return {key: len(v) for key, v in hits.items()}, actions


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["repost", "hashtag"]), st.sampled_from(["o1", "o2", "o3"]),
                  st.sampled_from([f"a{i}" for i in range(8)]), st.integers(0, 400)),
        min_size=1, max_size=40,
    ),
    st.dictionaries(st.sampled_from([f"a{i}" for i in range(8)]), st.integers(0, 2), max_size=6),
)
def test_actions_with_clusters_match_reference(rows, clusters):
    membership = pd.Series(clusters, dtype=np.int64)
    table, actions = actions_with_clusters(_shares(rows), WINDOWS, membership)
    want_hits, want_actions = _naive(rows, WINDOWS, clusters)
    got = {(a, int(c)): int(k) for a, c, k in zip(table["account_id"], table["cluster_id"], table["k"], strict=True)}
    assert got == want_hits
    assert {a: int(n) for a, n in actions.items()} == want_actions
    assert list(table["account_id"]) == sorted(table["account_id"])


def _pool_case() -> tuple[dict[str, pd.DataFrame], pd.Series]:
    """Cluster 0 (m0-m3) reposts posts p0-p5 together. 'pool' reposted p0, p2 and p4 with them
    (3 of its 4 actions); 'once' only p1 (1 of 1); 'busy' p3 and p5 with them among 8 reposts
    of its own (2 of 10); 'late' reposted p0-p2 hours after them."""
    rows = [("repost", f"p{k}", f"m{i}", 1000 * k + i) for k in range(6) for i in range(4)]
    rows += [("repost", f"p{k}", "pool", 1000 * k + 20) for k in (0, 2, 4)] + [("repost", "own", "pool", 9000)]
    rows += [("repost", "p1", "once", 1030)]
    rows += [("repost", f"p{k}", "busy", 1000 * k + 10) for k in (3, 5)]
    rows += [("repost", f"x{k}", "busy", 20000 + 500 * k) for k in range(8)]
    rows += [("repost", f"p{k}", "late", 1000 * k + 7200) for k in range(3)]
    return _shares(rows), pd.Series({f"m{i}": 0 for i in range(4)}, dtype=np.int64)


def test_an_account_acting_mostly_with_one_cluster_on_several_objects_joins_it():
    shares, membership = _pool_case()
    out = join_cluster_actors(shares, WINDOWS, membership)
    assert out.get("pool") == 0  # 3 of its 4 actions with the cluster, on 3 objects
    for name in ("once", "busy", "late"):  # met it once; did most apart from it; never in the window
        assert name not in out.index
    assert (out[membership.index] == membership).all() and list(out.index) == sorted(out.index)
    pd.testing.assert_series_equal(out, join_cluster_actors(shares, WINDOWS, membership))  # deterministic


def test_joining_prefers_the_cluster_it_acts_with_most():
    rows = [("repost", f"p{k}", f"m{i}", 1000 * k) for k in range(4) for i in range(3)]
    rows += [("repost", f"q{k}", f"n{i}", 1000 * k) for k in range(4) for i in range(3)]
    rows += [("repost", f"p{k}", "x", 1000 * k + 5) for k in range(2)] + [("repost", f"q{k}", "x", 1000 * k + 5) for k in range(3)]
    membership = pd.Series({**{f"m{i}": 0 for i in range(3)}, **{f"n{i}": 1 for i in range(3)}}, dtype=np.int64)
    assert join_cluster_actors(_shares(rows), WINDOWS, membership)["x"] == 1


def test_passersby_leave_a_cluster_of_single_co_actions():
    """Burst cluster 1 (b0-b3 post on a hashtag together at each of three moments) with an activist
    who met them once and did its other five actions alone; cluster 0 is left as it is."""
    rows = [("hashtag", f"h{k}", f"b{i}", 1000 * k + i) for k in range(3) for i in range(4)]
    rows += [("hashtag", "h0", "act", 1010)] + [("repost", f"own{k}", "act", 5000 + 300 * k) for k in range(5)]
    rows += [("repost", "solo", "c0", 100), ("repost", "solo2", "c1", 9000)]
    membership = pd.Series({"c0": 0, "c1": 0, "act": 1, **{f"b{i}": 1 for i in range(4)}}, dtype=np.int64)
    out = drop_passersby(_shares(rows), WINDOWS, membership, first_id=1, min_size=3)
    assert "act" not in out.index
    assert (out[[f"b{i}" for i in range(4)]] == 1).all()
    assert (out[["c0", "c1"]] == 0).all()  # a cluster of repeated evidence keeps its members
    # a burst cluster left below min_size is dissolved
    small = drop_passersby(_shares(rows), WINDOWS, membership, first_id=1, min_size=5)
    assert set(small.index) == {"c0", "c1"}

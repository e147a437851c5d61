"""Co-action evidence layer: share tables, default semantics, parameters."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detector.evidence.coaction import CoactionParams, coaction_edges, estimate_window, share_table
from detector.schema import SchemaError, events_from_records

# --------------------------------------------------------------------------
# share tables
# --------------------------------------------------------------------------


@pytest.fixture
def events() -> pd.DataFrame:
    recs = [
        {"event_id": "p1", "account_id": "x", "ts": 0, "kind": "post", "text": "Hello  WORLD http://t.co/a @bob",
         "urls": ["https://www.Example.com/a/?utm_source=z", "http://news.org/b"], "hashtags": ["#Peace", "war"]},
        {"event_id": "r1", "account_id": "a", "ts": 10, "kind": "repost", "target_event_id": "p1",
         "text": "Hello WORLD"},
        {"event_id": "r2", "account_id": "b", "ts": 12, "kind": "repost", "target_event_id": "p1"},
        {"event_id": "q1", "account_id": "c", "ts": 20, "kind": "quote", "target_event_id": "p1"},
        {"event_id": "y1", "account_id": "d", "ts": 30, "kind": "reply", "target_event_id": "p1",
         "text": "hello world", "urls": ["example.com/a", "example.com/c"], "hashtags": ["PEACE"]},
    ]
    frame = events_from_records(recs)
    frame["campaign"] = ["k1", None, "k1", "k2", "k1"]
    frame["tags2"] = [["u", "v"], [], ["u"], None, ["v"]]
    return frame


def objects_of(table: pd.DataFrame) -> list[tuple[str, str]]:
    return sorted(zip(table["object_id"].tolist(), table["content_id"].tolist(), strict=True))


def test_share_table_kinds(events):
    assert objects_of(share_table(events, "repost")) == [("p1", "r1"), ("p1", "r2")]
    assert objects_of(share_table(events, "quote")) == [("p1", "q1")]
    assert objects_of(share_table(events, "reply")) == [("p1", "y1")]
    assert objects_of(share_table(events, "url")) == [
        ("example.com/a", "p1"), ("example.com/a", "y1"), ("example.com/c", "y1"), ("news.org/b", "p1")
    ]
    # one row per (post, domain) even with two links to the same domain
    assert objects_of(share_table(events, "domain")) == [
        ("example.com", "p1"), ("example.com", "y1"), ("news.org", "p1")
    ]
    assert objects_of(share_table(events, "hashtag")) == [("peace", "p1"), ("peace", "y1"), ("war", "p1")]
    # reposts are not text shares; URL and mention stripped, case and spaces folded
    assert objects_of(share_table(events, "text")) == [("hello world", "p1"), ("hello world", "y1")]
    assert objects_of(share_table(events, "campaign")) == [("k1", "p1"), ("k1", "r2"), ("k1", "y1"), ("k2", "q1")]
    assert objects_of(share_table(events, "tags2")) == [("u", "p1"), ("u", "r2"), ("v", "p1"), ("v", "y1")]


def test_share_table_columns_and_errors(events):
    table = share_table(events, "url")
    assert list(table.columns) == ["object_id", "account_id", "content_id", "ts"]
    assert table["ts"].dtype == np.int64
    with pytest.raises(SchemaError):
        share_table(events, "no_such_column")
    reversed_events = events.iloc[::-1].reset_index(drop=True)
    assert share_table(reversed_events, "url", sort=False)["content_id"].tolist() == ["y1", "y1", "p1", "p1"]
    pd.testing.assert_frame_equal(share_table(reversed_events, "url"), table)


# --------------------------------------------------------------------------
# reference: pandas self-join with the documented default semantics
# --------------------------------------------------------------------------


def reference_edges(shares: pd.DataFrame, window: int, mp: int, remove_loops: bool = True,
                    percentile: float | None = None, fast: int | None = None) -> pd.DataFrame:
    s = shares.reset_index(drop=True).reset_index(names="row")
    m = s.merge(s, on="object_id", suffixes=("", "_y"))
    m = m[(m["row"] < m["row_y"]) & ((m["ts"] - m["ts_y"]).abs() <= window)]
    if remove_loops:
        m = m[(m["account_id"] != m["account_id_y"]) & (m["content_id"] != m["content_id_y"])]
    paired_rows = set(m["row"]) | set(m["row_y"])
    counts = s[s["row"].isin(paired_rows)].groupby("account_id").size()
    ok = set(counts[counts >= mp].index)
    m = m.assign(
        a=np.minimum(m["account_id"], m["account_id_y"]),
        b=np.maximum(m["account_id"], m["account_id_y"]),
        gap=(m["ts"] - m["ts_y"]).abs(),
    )
    m = m[m["a"].isin(ok) & m["b"].isin(ok)]
    if m.empty:
        return pd.DataFrame(columns=["account_a", "account_b", "weight", "n_objects", "mean_gap_s",
                                     "median_gap_s", "weight_fast"])
    fast_w = window if fast is None else fast
    e = m.groupby(["a", "b"]).agg(
        weight=("gap", "size"), n_objects=("object_id", "nunique"), mean_gap_s=("gap", "mean"),
        median_gap_s=("gap", "median"), weight_fast=("gap", lambda g: int((g <= fast_w).sum())),
    ).reset_index().rename(columns={"a": "account_a", "b": "account_b"})
    if percentile is not None:
        e = e[e["weight"] >= np.quantile(e["weight"].astype(float), percentile)]
    return e.reset_index(drop=True)


share_rows = st.lists(
    st.tuples(st.sampled_from("opqr"), st.sampled_from(["a", "b", "c", "d", "e"]), st.integers(0, 30)),
    max_size=40,
)


def make_shares(rows) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "object_id": [r[0] for r in rows],
            "account_id": [r[1] for r in rows],
            "content_id": [f"c{i}" for i in range(len(rows))],
            "ts": np.array([r[2] for r in rows], dtype=np.int64),
        }
    )


@settings(max_examples=60, deadline=None)
@given(rows=share_rows, window=st.integers(0, 10), mp=st.integers(1, 3),
       percentile=st.one_of(st.none(), st.sampled_from([0.0, 0.5, 0.9])),
       fast=st.one_of(st.none(), st.integers(0, 5)))
def test_edges_match_reference(rows, window, mp, percentile, fast):
    shares = make_shares(rows)
    got = coaction_edges(shares, CoactionParams(window=window, min_participation=mp,
                                                edge_percentile=percentile, fast_window=fast)).edges
    want = reference_edges(shares, window, mp, percentile=percentile, fast=fast)
    assert got["account_a"].tolist() == want["account_a"].tolist()
    assert got["account_b"].tolist() == want["account_b"].tolist()
    assert (got["account_a"] < got["account_b"]).all()
    assert got["weight"].dtype == np.float64
    for column in ["weight", "n_objects", "weight_fast"]:
        assert got[column].astype(int).tolist() == want[column].astype(int).tolist(), column
    for column in ["mean_gap_s", "median_gap_s"]:
        np.testing.assert_allclose(got[column].astype(float), want[column].astype(float), atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(rows=share_rows, window=st.integers(0, 10))
def test_pairs_table_and_object_samples(rows, window):
    shares = make_shares(rows)
    result = coaction_edges(shares, CoactionParams(window=window, min_participation=1))
    pairs = result.pairs
    assert (pairs["time_delta"] >= 0).all()
    key = np.minimum(pairs["account_id"], pairs["account_id_y"]) + "|" + np.maximum(
        pairs["account_id"], pairs["account_id_y"])
    per_edge = pairs.groupby(key.to_numpy()).agg(n=("object_id", "size"),
                                                 objs=("object_id", lambda o: "|".join(sorted(set(o))[:5])))
    edges = result.edges
    assert len(per_edge) == len(edges)
    for row in edges.itertuples():
        k = f"{row.account_a}|{row.account_b}"
        assert per_edge.loc[k, "n"] == row.weight
        assert per_edge.loc[k, "objs"] == row.objects


def test_deterministic_under_row_order():
    rng = np.random.default_rng(5)
    n = 400
    shares = pd.DataFrame({
        "object_id": rng.integers(0, 30, n).astype(str),
        "account_id": rng.integers(0, 40, n).astype(str),
        "content_id": np.arange(n).astype(str),
        "ts": rng.integers(0, 500, n).astype(np.int64),
    })
    p = CoactionParams(window=20, min_participation=2)
    a = coaction_edges(shares, p)
    b = coaction_edges(shares.sample(frac=1.0, random_state=1), p)
    pd.testing.assert_frame_equal(a.edges, b.edges)
    pd.testing.assert_frame_equal(a.pairs, b.pairs)


def test_min_participation_requires_both_accounts():
    # a and b co-share twice; c co-shares with a once -> c drops out at mp=2
    shares = make_shares([("o", "a", 0), ("o", "b", 1), ("p", "a", 100), ("p", "b", 101), ("p", "c", 102)])
    edges = coaction_edges(shares, CoactionParams(window=5, min_participation=2)).edges
    assert list(zip(edges["account_a"], edges["account_b"], strict=True)) == [("a", "b")]


def test_remove_loops_off_gives_self_edges():
    shares = make_shares([("o", "a", 0), ("o", "a", 3), ("o", "b", 4)])
    edges = coaction_edges(shares, CoactionParams(window=5, min_participation=1, remove_loops=False)).edges
    assert ("a", "a") in set(zip(edges["account_a"], edges["account_b"], strict=True))


def test_cap_reports_viral_objects():
    rows = [("viral", f"u{i}", 0) for i in range(30)] + [("o", "a", 0), ("o", "b", 1), ("p", "a", 9), ("p", "b", 9)]
    result = coaction_edges(make_shares(rows), CoactionParams(window=5, max_pairs_per_object=100))
    assert result.capped_objects["object_id"].tolist() == ["viral"]
    assert result.capped_objects["n_pairs"].tolist() == [30 * 29 // 2]
    assert result.capped_objects["n_shares"].tolist() == [30]
    assert list(zip(result.edges["account_a"], result.edges["account_b"], strict=True)) == [("a", "b")]


def test_pairs_truncation_is_flagged():
    rows = [(f"o{k}", acc, k * 100) for k in range(10) for acc in ("a", "b", "c")]
    result = coaction_edges(make_shares(rows), CoactionParams(window=5, max_pair_rows=7))
    assert len(result.pairs) == 7 and result.pairs_truncated
    assert result.edges["weight"].sum() == 30


def reference_window(shares: pd.DataFrame, q: float) -> int:
    delays = []
    for _, g in shares.groupby("object_id"):
        t = sorted(g["ts"])
        delays += [x - t[0] for x in t[1:]]
    return int(np.ceil(np.quantile(delays, q))) if delays else 0


@settings(max_examples=40, deadline=None)
@given(rows=share_rows, q=st.sampled_from([0.1, 0.5, 0.9]))
def test_auto_window_matches_reference(rows, q):
    shares = make_shares(rows)
    window, method = estimate_window(shares, q)
    assert window == reference_window(shares, q)
    assert method.startswith("auto")
    result = coaction_edges(shares, CoactionParams(window=None, window_quantile=q))
    assert result.window_s == window and result.params.window == window


def test_params_validation():
    with pytest.raises(ValueError):
        CoactionParams(window=-1)
    with pytest.raises(ValueError):
        CoactionParams(edge_percentile=1.5)


def test_share_order_matches_lexsort():
    from detector.evidence.coaction import _share_order

    rng = np.random.default_rng(2)
    n = 2000
    obj = rng.integers(0, 20, n).astype(np.int32)
    acc = rng.integers(0, 30, n).astype(np.int32)
    con = rng.integers(0, 50, n).astype(np.int32)
    for ts in (rng.integers(0, 100, n), rng.integers(0, 2**40, n)):
        got = _share_order(obj, ts.astype(np.int64), acc, con)
        keys = np.stack([obj, ts, acc, con], axis=1)[got]
        want = np.stack([obj, ts, acc, con], axis=1)[np.lexsort((con, acc, ts, obj))]
        assert (keys == want).all()

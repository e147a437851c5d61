"""Co-action kernels against a plain Python reference (hypothesis property tests)."""

from __future__ import annotations

from collections import defaultdict

import naive
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detector.kernels.coaction import (
    coaction_aggregate,
    edge_csr,
    edge_object_sample,
    emit_pairs,
    group_starts,
    join_samples,
    lookup_edges,
    window_pair_upper_bound,
)

# the plain Python twins (quadratic, obviously correct): tests/naive.py


def sorted_shares(draw_rows):
    """Sort rows by (obj, ts, original position) and return flat arrays."""
    rows = sorted(enumerate(draw_rows), key=lambda r: (r[1][0], r[1][1], r[0]))
    obj = np.array([r[1][0] for r in rows], dtype=np.int32)
    ts = np.array([r[1][1] for r in rows], dtype=np.int64)
    acc = np.array([r[1][2] for r in rows], dtype=np.int32)
    content = np.arange(len(rows), dtype=np.int32)
    return obj, ts, acc, content


share_rows = st.lists(
    st.tuples(
        st.integers(0, 5),  # object
        st.integers(0, 40),  # ts: small range -> many ties and equal timestamps
        st.integers(0, 6),  # account: few -> same account sharing one object twice
    ),
    min_size=0,
    max_size=60,
)


def kernel_rows(agg):
    return {
        (int(a), int(b)): (int(w), int(n), float(m), float(med), int(f))
        for a, b, w, n, m, med, f in zip(
            agg.a, agg.b, agg.weight, agg.n_objects, agg.mean_gap, agg.median_gap, agg.weight_fast, strict=True
        )
    }


def assert_same(got, want):
    assert set(got) == set(want)
    for key, row in want.items():
        g = got[key]
        assert g[0] == row[0] and g[1] == row[1] and g[4] == row[4], (key, g, row)
        assert g[2] == pytest.approx(row[2], abs=1e-9)
        assert g[3] == pytest.approx(row[3], abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(
    rows=share_rows,
    window=st.integers(0, 15),
    remove_loops=st.booleans(),
    fast=st.one_of(st.none(), st.integers(0, 10)),
    chunk=st.sampled_from([1, 3, 1000]),
)
def test_aggregate_matches_reference(rows, window, remove_loops, fast, chunk):
    obj, ts, acc, content = sorted_shares(rows)
    starts = group_starts(obj)
    agg = coaction_aggregate(
        starts, ts, acc, content, 7, window, remove_loops=remove_loops, fast_window=fast, chunk_pairs=chunk
    )
    want = naive.coaction_aggregate(obj, ts, acc, content, window, remove_loops, fast)
    assert_same(kernel_rows(agg), want)
    assert agg.n_share_pairs == sum(r[0] for r in want.values())
    # output sorted by (a, b), a <= b
    keys = list(zip(agg.a.tolist(), agg.b.tolist(), strict=True))
    assert keys == sorted(keys)
    assert all(a <= b for a, b in keys)
    if remove_loops:
        assert all(a < b for a, b in keys)


@settings(max_examples=100, deadline=None)
@given(rows=share_rows, window=st.integers(0, 15), remove_loops=st.booleans())
def test_emit_pairs_matches_reference(rows, window, remove_loops):
    obj, ts, acc, content = sorted_shares(rows)
    starts = group_starts(obj)
    i, j = emit_pairs(starts, ts, acc, content, window, remove_loops)
    got = list(zip(i.tolist(), j.tolist(), strict=True))
    assert got == sorted(got)
    assert got == naive.emit_pairs(obj, ts, acc, content, window, remove_loops)


@settings(max_examples=50, deadline=None)
@given(rows=share_rows, window=st.integers(0, 15), cap=st.integers(0, 20))
def test_cap_skips_exactly_the_objects_over_the_cap(rows, window, cap):
    obj, ts, acc, content = sorted_shares(rows)
    starts = group_starts(obj)
    upper = window_pair_upper_bound(starts, ts, np.int64(window))
    all_pairs = naive.emit_pairs(obj, ts, acc, content, window, remove_loops=False)
    for k in range(len(starts) - 1):
        assert upper[k] == sum(1 for i, _ in all_pairs if starts[k] <= i < starts[k + 1])
    agg = coaction_aggregate(starts, ts, acc, content, 7, window, max_pairs_per_object=cap)
    skipped = {int(obj[starts[k]]) for k in range(len(starts) - 1) if upper[k] > cap}
    assert {int(obj[starts[k]]) for k in np.flatnonzero(agg.capped)} == skipped
    want = naive.coaction_aggregate(obj, ts, acc, content, window, True, skip_objects=skipped)
    assert_same(kernel_rows(agg), want)


def test_in_pair_flags_shares_in_counted_pairs():
    obj = np.array([0, 0, 0, 1, 1], dtype=np.int32)
    ts = np.array([0, 5, 100, 0, 3], dtype=np.int64)
    acc = np.array([0, 1, 2, 0, 0], dtype=np.int32)
    content = np.arange(5, dtype=np.int32)
    agg = coaction_aggregate(group_starts(obj), ts, acc, content, 3, 10)
    assert agg.in_pair.tolist() == [1, 1, 0, 0, 0]  # object 1: a loop, removed
    assert (agg.a.tolist(), agg.b.tolist(), agg.weight.tolist()) == ([0], [1], [1])


def test_window_zero_and_equal_timestamps():
    obj = np.zeros(4, dtype=np.int32)
    ts = np.array([7, 7, 7, 8], dtype=np.int64)
    acc = np.array([0, 1, 2, 3], dtype=np.int32)
    agg = coaction_aggregate(group_starts(obj), ts, acc, np.arange(4, dtype=np.int32), 4, 0)
    assert sorted(zip(agg.a.tolist(), agg.b.tolist(), strict=True)) == [(0, 1), (0, 2), (1, 2)]
    assert agg.median_gap.tolist() == [0.0, 0.0, 0.0]


def test_empty_input():
    z = np.zeros(0, dtype=np.int32)
    agg = coaction_aggregate(group_starts(z), np.zeros(0, dtype=np.int64), z, z, 1, 10)
    assert agg.a.size == 0 and agg.n_share_pairs == 0


@settings(max_examples=60, deadline=None)
@given(rows=share_rows, window=st.integers(0, 15), remove_loops=st.booleans(), k=st.integers(1, 3))
def test_edge_object_sample_matches_reference(rows, window, remove_loops, k):
    obj, ts, acc, content = sorted_shares(rows)
    starts = group_starts(obj)
    objects = defaultdict(set)
    for i, j in naive.emit_pairs(obj, ts, acc, content, window, remove_loops):
        objects[(min(acc[i], acc[j]), max(acc[i], acc[j]))].add(int(obj[i]))
    keys = sorted(objects)
    a_starts, edge_b = edge_csr(np.array([a for a, _ in keys], dtype=np.int64),
                                np.array([b for _, b in keys], dtype=np.int64), 7)
    skip = np.zeros(len(starts) - 1, dtype=np.bool_)
    sample, count = edge_object_sample(starts, ts, acc, content, np.int64(window), remove_loops, skip,
                                       a_starts, edge_b, np.int64(k))
    first_obj = {int(obj[starts[q]]): q for q in range(len(starts) - 1)}
    for row, key in enumerate(keys):
        want = [first_obj[o] for o in sorted(objects[key])[:k]]
        assert sample[row, : count[row]].tolist() == want
        assert (sample[row, count[row]:] == -1).all()


def test_large_account_space_is_repacked():
    """Account codes too many to pack with the window: only paired accounts are packed."""
    n_acc = 3_000_000_000 // 1  # fake code space (codes need not be dense)
    obj = np.array([0, 0, 0, 1], dtype=np.int32)
    ts = np.array([0, 100, 150, 0], dtype=np.int64)
    acc = np.array([5, 2_000_000_000, 7, 9], dtype=np.int32)
    agg = coaction_aggregate(group_starts(obj), ts, acc, np.arange(4, dtype=np.int32), n_acc, 86_400)
    assert list(zip(agg.a.tolist(), agg.b.tolist(), agg.weight.tolist(), strict=True)) == [
        (5, 7, 1), (5, 2_000_000_000, 1), (7, 2_000_000_000, 1)
    ]


@settings(max_examples=60, deadline=None)
@given(edges=st.sets(st.tuples(st.integers(0, 8), st.integers(0, 8))),
       queries=st.lists(st.tuples(st.integers(0, 8), st.integers(0, 8)), max_size=30))
def test_lookup_edges_matches_dict(edges, queries):
    keys = sorted({(min(a, b), max(a, b)) for a, b in edges})
    row = {key: r for r, key in enumerate(keys)}
    a_starts, edge_b = edge_csr(np.array([a for a, _ in keys], dtype=np.int64),
                                np.array([b for _, b in keys], dtype=np.int64), 9)
    x = np.array([q[0] for q in queries], dtype=np.int32)
    y = np.array([q[1] for q in queries], dtype=np.int32)
    got = lookup_edges(x, y, a_starts, edge_b).tolist()
    assert got == [row.get((min(a, b), max(a, b)), -1) for a, b in queries]


@settings(max_examples=60, deadline=None)
@given(names=st.lists(st.text(min_size=0, max_size=4), min_size=1, max_size=6), data=st.data())
def test_join_samples_matches_python(names, data):
    rows = data.draw(st.lists(st.lists(st.integers(0, len(names) - 1), max_size=3), max_size=8))
    k = 3
    sample = np.full((len(rows), k), -1, dtype=np.int32)
    count = np.zeros(len(rows), dtype=np.int8)
    for r, row in enumerate(rows):
        sample[r, : len(row)] = row
        count[r] = len(row)
    encoded = [n.encode("utf-8") for n in names]
    offsets = np.concatenate([[0], np.cumsum([len(e) for e in encoded])]).astype(np.int64)
    blob = np.frombuffer(b"".join(encoded), dtype=np.uint8) if any(encoded) else np.zeros(0, np.uint8)
    out_off, out = join_samples(sample, count, offsets, blob, np.uint8(ord("|")))
    got = [bytes(out[out_off[r]:out_off[r + 1]]).decode("utf-8") for r in range(len(rows))]
    assert got == ["|".join(names[x] for x in row) for row in rows]

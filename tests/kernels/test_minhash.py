"""Kernels of detector.kernels.minhash against plain Python references and datasketch."""

from __future__ import annotations

import naive
import numpy as np
import pytest
from datasketch import MinHash
from datasketch.hashfunc import sha1_hash32
from hypothesis import given, settings
from hypothesis import strategies as st

from detector.kernels.minhash import (
    band_hashes,
    datasketch_permutations,
    exact_jaccard,
    gather_sets,
    identical_set_groups,
    lsh_candidate_pairs,
    lsh_components,
    minhash_signatures,
    union_find,
    verify_pairs,
)
from detector.text import shingle_hashes, shingles

M64 = (1 << 64) - 1
M32 = (1 << 32) - 1
PRIME = (1 << 61) - 1

# -- helpers (the plain Python twins of the kernels: tests/naive.py) ---------


def flat(sets):
    sets = [np.unique(np.asarray(s, dtype=np.uint64)) for s in sets]
    offsets = np.zeros(len(sets) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(s) for s in sets])
    values = np.concatenate(sets) if sets else np.zeros(0, dtype=np.uint64)
    return values.astype(np.uint64), offsets


# -- datasketch equivalence -------------------------------------------------------


@pytest.mark.parametrize("scheme", ["affine32", "affine64", "legacy"])
@pytest.mark.parametrize(("num_perm", "seed"), [(128, 1), (16, 42), (1, 0)])
def test_permutations_equal_datasketch(scheme, num_perm, seed):
    a, b = datasketch_permutations(num_perm, seed, scheme)
    ref = MinHash(num_perm=num_perm, seed=seed, scheme=scheme).permutations
    assert np.array_equal(a, np.asarray(ref[0], dtype=np.uint64))
    assert np.array_equal(b, np.asarray(ref[1], dtype=np.uint64))


def test_permutations_reject_bad_input():
    with pytest.raises(ValueError):
        datasketch_permutations(0, 1)
    with pytest.raises(ValueError):
        datasketch_permutations(8, 1, "md5")


_set32 = st.lists(st.integers(0, M32), max_size=25)
_set64 = st.lists(st.integers(0, M64), max_size=25)


@pytest.mark.parametrize("scheme", ["affine32", "affine64", "legacy"])
@settings(max_examples=30, deadline=None)
@given(data=st.data(), num_perm=st.integers(1, 64), seed=st.integers(0, 2**31 - 1))
def test_signatures_equal_datasketch(scheme, data, num_perm, seed):
    sets = data.draw(st.lists(_set64 if scheme == "affine64" else _set32, min_size=1, max_size=5))
    values, offsets = flat(sets)
    a, b = datasketch_permutations(num_perm, seed, scheme)
    sig = minhash_signatures(values, offsets, a, b, scheme)
    for d in range(len(sets)):
        m = MinHash(num_perm=num_perm, seed=seed, scheme=scheme, hashfunc=lambda v: v)
        m.update_batch([int(v) for v in values[offsets[d] : offsets[d + 1]]])
        assert np.array_equal(sig[d], m.digest()), d
        assert sig.dtype == m.digest().dtype


@pytest.mark.parametrize("scheme", ["affine32", "legacy"])
def test_signatures_equal_datasketch_on_text(scheme):
    """Same shingles, datasketch's own default hash function (sha1_hash32), default MinHash."""
    texts = [
        "The Ministry of Foreign Affairs firmly opposes interference in internal affairs.",
        "外交部发言人表示，中方坚决反对任何国家干涉中国内政。",
        "外務省報道官は、地域の平和と安定の重要性を改めて強調した。",
        "외교부 대변인은 한반도 평화와 안정이 중요하다고 밝혔다.",
        "",
    ]
    values, offsets = shingle_hashes(texts, hashfunc="sha1_32")
    a, b = datasketch_permutations(128, 1, scheme)
    sig = minhash_signatures(values, offsets, a, b, scheme)
    for d, text in enumerate(texts):
        m = MinHash(num_perm=128, seed=1, scheme=scheme)  # default hashfunc: sha1_hash32
        m.update_batch([s.encode("utf-8") for s in shingles(text)])
        assert np.array_equal(sig[d], m.hashvalues), d
    # the empty text has the empty MinHash's signature (all maximal values)
    assert np.array_equal(sig[-1], MinHash(num_perm=128, seed=1, scheme=scheme).digest())
    assert sha1_hash32(b"x") < 2**32


@settings(max_examples=40, deadline=None)
@given(
    sets=st.lists(_set64, max_size=6),
    num_perm=st.integers(1, 12),
    scheme=st.sampled_from(["affine32", "affine64", "legacy"]),
)
def test_signatures_match_python_reference(sets, num_perm, scheme):
    values, offsets = flat(sets)
    a, b = datasketch_permutations(num_perm, 3, scheme)
    sig = minhash_signatures(values, offsets, a, b, scheme)
    assert sig.shape == (len(sets), num_perm)
    for d in range(len(sets)):
        assert sig[d].tolist() == naive.minhash_signature(values[offsets[d] : offsets[d + 1]], a, b, scheme)


def test_signature_rejects_bad_arguments():
    values, offsets = flat([[1, 2, 3]])
    a, b = datasketch_permutations(4, 1)
    with pytest.raises(ValueError):
        minhash_signatures(values, offsets, a, b[:2])
    with pytest.raises(ValueError):
        minhash_signatures(values, offsets, a, b, "nope")


# -- LSH ------------------------------------------------------------------------------

_small_sig = st.integers(1, 25).flatmap(
    lambda n: st.lists(st.lists(st.integers(0, 3), min_size=6, max_size=6), min_size=n, max_size=n)
)


@settings(max_examples=80, deadline=None)
@given(
    rows=_small_sig, n_bands=st.integers(1, 3), r=st.integers(1, 2), max_bucket=st.integers(2, 6),
    neighbours=st.integers(0, 3),
)
def test_lsh_candidates_match_reference(rows, n_bands, r, max_bucket, neighbours):
    sig = np.asarray(rows, dtype=np.uint32)
    bh = band_hashes(sig, n_bands, r)
    assert np.array_equal(bh, naive.band_hashes(sig, n_bands, r))
    i, j, capped = lsh_candidate_pairs(bh, max_bucket, neighbours=neighbours)
    ref_pairs, ref_capped = naive.lsh_candidate_pairs(sig, n_bands, r, max_bucket, neighbours)
    assert list(zip(i.tolist(), j.tolist(), strict=True)) == ref_pairs
    assert capped == ref_capped


def test_band_hashes_validate():
    sig = np.zeros((3, 8), dtype=np.uint32)
    with pytest.raises(ValueError):
        band_hashes(sig, 3, 3)


@settings(max_examples=60, deadline=None)
@given(
    sets=st.lists(st.lists(st.integers(0, 12), max_size=8), min_size=1, max_size=20),
    threshold=st.sampled_from([0.3, 0.5, 0.7, 1.0]),
    mode=st.integers(0, 2),
    max_bucket=st.integers(2, 5),
)
def test_components_match_reference(sets, threshold, mode, max_bucket):
    """lsh_components == union_find over verified candidate pairs == Python components."""
    values, offsets = flat(sets)
    a, b = datasketch_permutations(16, 5)
    sig = minhash_signatures(values, offsets, a, b)
    bh = band_hashes(sig, 8, 2)
    i, j, _ = lsh_candidate_pairs(bh, max_bucket)
    ok = verify_pairs(i, j, sig, values, offsets, threshold, mode)
    # reference verification
    ref_ok = []
    for x, y in zip(i.tolist(), j.tolist(), strict=True):
        est = float(np.mean(sig[x] == sig[y]))
        exact = naive.jaccard(set(sets[x]), set(sets[y]))
        passed = (mode == 1 or est >= threshold) and (mode == 0 or exact >= threshold)
        ref_ok.append(passed)
    assert ok.tolist() == ref_ok
    edges = [(x, y) for x, y, keep in zip(i.tolist(), j.tolist(), ref_ok, strict=True) if keep]
    expected = naive.connected_components(len(sets), edges)
    assert union_find(len(sets), i[ok], j[ok]).tolist() == expected
    labels, stats = lsh_components(bh, sig, values, offsets, threshold, mode=mode, max_bucket=max_bucket)
    assert labels.tolist() == expected
    assert stats["linked"] <= stats["verified"] <= stats["candidates"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(0, 6), max_size=6), max_size=15))
def test_exact_jaccard_and_identical_groups(sets):
    values, offsets = flat(sets)
    n = len(sets)
    i = np.array([x for x in range(n) for y in range(n)], dtype=np.int64)
    j = np.array([y for x in range(n) for y in range(n)], dtype=np.int64)
    got = exact_jaccard(i, j, values, offsets)
    ref = [naive.jaccard(sets[x], sets[y]) for x, y in zip(i, j, strict=True)]
    assert np.allclose(got, ref)
    parent = identical_set_groups(values, offsets)
    same = [(x, y) for x in range(n) for y in range(x + 1, n) if set(sets[x]) == set(sets[y])]
    assert union_find(n, parent, np.arange(n)).tolist() == naive.connected_components(n, same)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.integers(0, 50), max_size=6), max_size=10), st.data())
def test_gather_sets(sets, data):
    values, offsets = flat(sets)
    idx = np.asarray(data.draw(st.lists(st.integers(0, max(len(sets) - 1, 0)), max_size=8 if sets else 0)), dtype=np.int64)
    got_v, got_o = gather_sets(values, offsets, idx)
    ref_v, ref_o = flat([sorted(set(sets[k])) for k in idx])
    assert np.array_equal(got_v, ref_v) and np.array_equal(got_o, ref_o)


def test_big_bucket_is_capped_but_connected():
    # 100 identical signatures: one bucket per band, far over the cap
    sig = np.zeros((100, 8), dtype=np.uint32)
    values, offsets = flat([[1, 2, 3]] * 100)
    bh = band_hashes(sig, 4, 2)
    i, j, capped = lsh_candidate_pairs(bh, max_bucket=10)
    assert capped == 4
    assert len(i) == 99 + 98  # star + chain, deduplicated across bands
    labels, stats = lsh_components(bh, sig, values, offsets, 0.7, max_bucket=10)
    assert set(labels.tolist()) == {0}
    assert stats["capped_buckets"] == 4
    assert stats["linked"] == 99
    # the timing layer's rule: each member with the next k members, linear in the bucket size
    i, j, capped = lsh_candidate_pairs(bh, max_bucket=10, neighbours=5)
    assert capped == 4 and len(i) == 5 * 100 - 15  # sum of min(5, 99 - x)
    with pytest.raises(ValueError):
        lsh_candidate_pairs(bh, neighbours=-1)


def test_lsh_component_arguments():
    sig = np.zeros((2, 4), dtype=np.uint32)
    values, offsets = flat([[1], [1]])
    bh = band_hashes(sig, 2, 2)
    with pytest.raises(ValueError):
        lsh_components(bh, sig, values, offsets, 0.5, mode=5)
    with pytest.raises(ValueError):
        lsh_candidate_pairs(bh, max_bucket=1)

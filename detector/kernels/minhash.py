"""Numba kernels for near-duplicate text: shingle hashing, MinHash, LSH, union-find.

Arrays in, arrays out; no pandas, no strings, no global state, so every
function can be shipped to a worker as is.

Text kernels
------------
:func:`normalize_codepoints` does the per-character part of
:func:`detector.text.normalize_texts` (delete / space / keep by a class
table, collapse spaces); :func:`shingle_hash_kernel` turns normalised code
points into shingle-hash sets (rules and hash defined in :mod:`detector.text`,
whose pure Python :func:`~detector.text.shingles` and
:func:`~detector.text.hash_shingle` are the references).

Data layout
-----------
A corpus of shingle *sets* is one flat ``uint64`` array ``hashes`` plus
``offsets`` (``int64``, length ``n_docs + 1``): the set of document ``d`` is
``hashes[offsets[d]:offsets[d + 1]]``, sorted ascending without repetition
(as produced by :func:`shingle_hash_kernel`). Documents are numbered
``0..n_docs-1`` in input order.

MinHash (:func:`minhash_signatures`)
------------------------------------
Signatures are identical to ``datasketch.MinHash(num_perm, seed,
scheme=...)`` updated with the same hash values, for the three schemes of
datasketch 2.0 (permutations from :func:`datasketch_permutations`, which
replays datasketch's ``np.random.RandomState(seed)`` draws):

``"affine32"`` (datasketch's default and ours)
    ``h' = fmix32(h)`` (MurmurHash3 finaliser), then per permutation
    ``(a * h' + b) mod 2**32`` with odd ``a``. Only the low 32 bits of each
    input hash are used (datasketch requires 32-bit inputs for this scheme;
    for those the results are identical). Signatures are ``uint32``.
``"affine64"``
    the same over 64 bits with ``fmix64``; ``uint64`` signatures.
``"legacy"``
    datasketch < 2.0: ``((a * h + b) mod 2**64) mod (2**61 - 1)`` truncated
    to 32 bits, where the first product and sum wrap around in ``uint64``
    exactly as NumPy's array arithmetic does; ``uint64`` signatures.

An empty set's signature is the scheme's maximum value in every slot, as for
an empty datasketch MinHash.

LSH (:func:`band_hashes`, :func:`lsh_candidate_pairs`, :func:`lsh_components`)
-------------------------------------------------------------------------
The signature is cut into ``n_bands`` bands of ``rows`` consecutive values
(band ``k`` = values ``k*rows .. (k+1)*rows-1``, as ``datasketch.MinHashLSH``
does); each band is hashed to 64 bits, of which the top ``64 - ceil(log2
n_docs)`` bits are used (the low bits carry the document index in one sort
key; at a million documents 44 bits remain, so chance bucket collisions are
rare and only cost a verification). Documents with equal band hash in a band
form a *bucket*. Candidate pairs of a bucket, with members in ascending
document order ``m_0 < m_1 < ...``:

* bucket size ``<= max_bucket``: every pair ``(m_i, m_j)``, ``i < j``;
* larger buckets (explosion guard): the star ``(m_0, m_j)`` plus the chain
  ``(m_{j-1}, m_j)``, i.e. at most ``2 * size`` pairs; such buckets are
  counted as *capped*. (:func:`lsh_candidate_pairs` with ``neighbours=k``
  pairs each member with the next ``k`` instead: the rule of the timing
  layer's candidates, which MinHash each account's set of active time bins
  with this same stack.) Members of one big bucket share a whole band, so they
  are usually near-duplicates of each other and the star plus chain connect
  them; only the pairs, not the grouping, are thinned.

Verification (``mode``): ``0`` estimated Jaccard (share of equal signature
values) ``>= threshold``; ``1`` exact Jaccard of the shingle sets ``>=
threshold``; ``2`` both.

Groups (:func:`union_find`, :func:`lsh_components`) are the connected
components of verified pairs; a component is labelled by its smallest
document index, so labels do not depend on processing order.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

__all__ = [
    "SCHEMES",
    "band_hashes",
    "datasketch_permutations",
    "exact_jaccard",
    "gather_sets",
    "identical_set_groups",
    "lsh_candidate_pairs",
    "lsh_components",
    "minhash_signatures",
    "normalize_codepoints",
    "shingle_hash_kernel",
    "union_find",
    "verify_pairs",
]

SCHEMES: tuple[str, ...] = ("affine32", "affine64", "legacy")
_MERSENNE = np.uint64((1 << 61) - 1)
_MAX32 = np.uint64((1 << 32) - 1)


# --------------------------------------------------------------------------
# hashing helpers
# --------------------------------------------------------------------------


@njit(cache=True, inline="always")
def _fmix64(h):
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xC4CEB9FE1A85EC53)
    h ^= h >> np.uint64(33)
    return h


@njit(cache=True, inline="always")
def _fmix32(h):
    """MurmurHash3 32-bit finaliser of ``h < 2**32``, computed in uint64 lanes."""
    mask = np.uint64(0xFFFFFFFF)
    h ^= h >> np.uint64(16)
    h = (h * np.uint64(0x85EBCA6B)) & mask
    h ^= h >> np.uint64(13)
    h = (h * np.uint64(0xC2B2AE35)) & mask
    h ^= h >> np.uint64(16)
    return h


@njit(cache=True, inline="always")
def _fnv_cp(h, cp):
    """Feed the UTF-8 encoding of code point ``cp`` into FNV-1a 64 state ``h``."""
    prime = np.uint64(0x100000001B3)
    if cp < 0x80:
        h = (h ^ np.uint64(cp)) * prime
    elif cp < 0x800:
        h = (h ^ np.uint64(0xC0 | (cp >> 6))) * prime
        h = (h ^ np.uint64(0x80 | (cp & 0x3F))) * prime
    elif cp < 0x10000:
        h = (h ^ np.uint64(0xE0 | (cp >> 12))) * prime
        h = (h ^ np.uint64(0x80 | ((cp >> 6) & 0x3F))) * prime
        h = (h ^ np.uint64(0x80 | (cp & 0x3F))) * prime
    else:
        h = (h ^ np.uint64(0xF0 | (cp >> 18))) * prime
        h = (h ^ np.uint64(0x80 | ((cp >> 12) & 0x3F))) * prime
        h = (h ^ np.uint64(0x80 | ((cp >> 6) & 0x3F))) * prime
        h = (h ^ np.uint64(0x80 | (cp & 0x3F))) * prime
    return h


@njit(cache=True, inline="always")
def _cjk_class(cp, table, lo, hi, kind):
    """CJK class of ``cp``: 0 not CJK, 1 CJK, 2 dense CJK (Han, Hangul syllables).

    ``table`` classes BMP code points; the ranges ``lo``/``hi`` (class
    ``kind``) are scanned only above U+FFFF.
    """
    if cp < 0x10000:
        return table[cp]
    for k in range(lo.shape[0]):
        if lo[k] <= cp <= hi[k]:
            return kind[k]
    return np.uint8(0)


# --------------------------------------------------------------------------
# text normalisation, per-character part (code points in, code points out)
# --------------------------------------------------------------------------


@njit(cache=True, parallel=True)
def normalize_codepoints(cps, starts, lengths, table):
    """Delete / space / keep each code point by ``table``, collapse and strip spaces.

    Parameters
    ----------
    cps : ndarray of uint32
        Code points; text ``d`` is ``cps[starts[d]:starts[d] + lengths[d]]``.
    starts, lengths : ndarray of int64
    table : ndarray of uint8
        Class per code point: 0 keep, 1 delete, 2 space, 3 keep (combining
        mark) (see :func:`detector.text.char_class_table`).

    Returns
    -------
    out : ndarray of uint32
        Code points of the results; a deleted character joins its
        neighbours, a run of space-class characters becomes one space, and
        no text starts or ends with a space.
    offsets : ndarray of int64
        Result ``d`` is ``out[offsets[d]:offsets[d + 1]]``.
    marked : ndarray of bool
        The result holds a class-3 code point (a combining mark).
    """
    n = lengths.shape[0]
    tmp = np.empty(cps.shape[0], dtype=np.uint32)
    new_len = np.zeros(n, dtype=np.int64)
    marked = np.zeros(n, dtype=np.bool_)
    for d in prange(n):
        w = starts[d]
        pending = False
        for i in range(starts[d], starts[d] + lengths[d]):
            cp = cps[i]
            c = table[cp] if cp < table.shape[0] else 2
            if c == 1:
                continue
            if c == 2:
                pending = w > starts[d]
                continue
            if pending:
                tmp[w] = 32
                w += 1
                pending = False
            if c == 3:
                marked[d] = True
            tmp[w] = cp
            w += 1
        new_len[d] = w - starts[d]
    offsets = np.zeros(n + 1, dtype=np.int64)
    for d in range(n):
        offsets[d + 1] = offsets[d] + new_len[d]
    out = np.empty(offsets[n], dtype=np.uint32)
    for d in prange(n):
        out[offsets[d] : offsets[d + 1]] = tmp[starts[d] : starts[d] + new_len[d]]
    return out, offsets, marked


# --------------------------------------------------------------------------
# shingle hashing (code points in, sorted unique hash sets out)
# --------------------------------------------------------------------------


@njit(cache=True, inline="always")
def _combine(units, first, count):
    """Shingle hash of ``count`` consecutive unit hashes (polynomial, then fmix64)."""
    h = np.uint64(0x9E3779B97F4A7C15)
    for k in range(first, first + count):
        h = h * np.uint64(0x100000001B3) + units[k]
    return _fmix64(h)


@njit(cache=True)
def _doc_shingles(cps, start, length, table, lo, hi, kind, word_n, char_n, alpha_n, unigrams, out, words, chars, dense):
    """Write the (unsorted, possibly repeated) shingle hashes of one text to ``out``.

    Same rules as :func:`detector.text.shingles` (the reference) and the hash
    of :func:`detector.text.hash_shingle`. The text is split into two
    *streams*: its CJK code points, in order, and its other (non-space) code
    points, in order, with one space unit wherever a space or a CJK code
    point came between two of them. The CJK stream
    gives its character ``char_n``-grams and, with ``unigrams``, each dense
    code point (class 2) as a shingle of its own; the other stream its character
    ``alpha_n``-grams, or with ``word_n >= 1`` its word ``word_n``-grams. A
    stream shorter than its n gives itself as one shingle. ``words``,
    ``chars`` and ``dense`` are scratch arrays of at least ``length`` entries.

    Returns
    -------
    (n_written, weighted_length) : (int, int)
        Hashes written, and the Twitter-weighted length of the text (CJK code
        points count 2, every other code point, spaces included, 1).
    """
    space = _fnv_cp(np.uint64(0xCBF29CE484222325), 32)
    n_words = 0
    n_chars = 0
    gap_a = False  # a space or a CJK code point came since the last unit of the other stream
    in_word = False
    weight = 0
    h = np.uint64(0)
    by_chars = word_n == 0
    for i in range(start, start + length):
        cp = cps[i]
        cls = _cjk_class(cp, table, lo, hi, kind) if cp != 32 else np.uint8(0)
        if cp == 32:
            weight += 1
            gap_a = True
        elif cls != 0:
            weight += 2
            gap_a = True
            chars[n_chars] = _fnv_cp(np.uint64(0xCBF29CE484222325), cp)
            dense[n_chars] = cls == 2
            n_chars += 1
        else:
            weight += 1
            if by_chars:
                if gap_a and n_words > 0:
                    words[n_words] = space
                    n_words += 1
                words[n_words] = _fnv_cp(np.uint64(0xCBF29CE484222325), cp)
                n_words += 1
            else:
                if gap_a and in_word:
                    words[n_words] = h
                    n_words += 1
                    in_word = False
                if not in_word:
                    h = np.uint64(0xCBF29CE484222325)
                    in_word = True
                h = _fnv_cp(h, cp)
            gap_a = False
    if in_word:
        words[n_words] = h
        n_words += 1
    n_out = 0
    n = alpha_n if by_chars else word_n
    span = n if n_words >= n else n_words
    for w in range(n_words - span + 1 if n_words > 0 else 0):
        out[n_out] = _combine(words, w, span)
        n_out += 1
    span = char_n if n_chars >= char_n else n_chars
    for w in range(n_chars - span + 1 if n_chars > 0 else 0):
        out[n_out] = _combine(chars, w, span)
        n_out += 1
    if unigrams:
        for w in range(n_chars):
            if dense[w]:
                out[n_out] = _combine(chars, w, 1)
                n_out += 1
    return n_out, weight


@njit(cache=True)
def _sort_unique(seg, m):
    """Sort ``seg[:m]`` in place, move its distinct values to the front; return their count."""
    if m <= 48:  # insertion sort: tweets have a few dozen shingles
        for x in range(1, m):
            v = seg[x]
            y = x - 1
            while y >= 0 and seg[y] > v:
                seg[y + 1] = seg[y]
                y -= 1
            seg[y + 1] = v
    else:
        seg[:m].sort()
    u = 0
    for k in range(m):
        if k == 0 or seg[k] != seg[u - 1]:
            seg[u] = seg[k]
            u += 1
    return u


@njit(cache=True, parallel=True)
def shingle_hash_kernel(cps, starts, lengths, table, lo, hi, kind, word_n, char_n, alpha_n, unigrams, dedupe=True):
    """Shingle-hash sets of many normalised texts given as code points.

    Parameters
    ----------
    cps : ndarray of uint32
        Code points of all texts; text ``d`` is ``cps[starts[d]:starts[d] + lengths[d]]``
        (single spaces between words, as :func:`detector.text.normalize_text` makes).
    starts, lengths : ndarray of int64
    table : ndarray of uint8, length 65536
        CJK class of BMP code points: 0 other, 1 CJK (shingled by
        characters), 2 dense CJK (also a unigram shingle).
    lo, hi : ndarray of uint32
        Inclusive code point ranges shingled by characters (only consulted
        above U+FFFF), of class ``kind`` (ndarray of uint8, 1 or 2).
    word_n, char_n, alpha_n : int
        Shingle sizes: ``word_n`` words (``0``: character ``alpha_n``-grams of
        the word stream instead), ``char_n`` characters of a CJK run.
    unigrams : bool
        Dense code points are also shingles of their own.
    dedupe : bool, default True
        Sort each text's hashes and drop repeats (a set); ``False`` keeps
        them in text order with repeats (enough for MinHash, ~25% faster).

    Returns
    -------
    hashes : ndarray of uint64
        Per text: the shingle hashes of :func:`detector.text.hash_shingle`,
        sorted and unique when ``dedupe``.
    offsets : ndarray of int64
    weights : ndarray of int64
        Twitter-weighted length of each text (CJK code points 2, others 1).
    """
    n = lengths.shape[0]
    # Shingles of one text <= its units: the other stream has at most one unit per code
    # point that is not CJK (a space unit stands for a space or a CJK code point before it),
    # the CJK stream one per CJK code point, and the unigrams one per dense code point,
    # so <= length + 2 * CJK code points.
    n_cjk = np.zeros(n, dtype=np.int64)
    for d in prange(n):
        k = 0
        for i in range(starts[d], starts[d] + lengths[d]):
            if cps[i] != 32 and _cjk_class(cps[i], table, lo, hi, kind) != 0:
                k += 1
        n_cjk[d] = k
    bound = np.zeros(n + 1, dtype=np.int64)
    for d in range(n):
        bound[d + 1] = bound[d] + lengths[d] + (2 if unigrams else 1) * n_cjk[d]
    tmp = np.empty(bound[n], dtype=np.uint64)
    counts = np.zeros(n, dtype=np.int64)
    weights = np.zeros(n, dtype=np.int64)
    chunk = 256  # documents per task: scratch arrays are allocated once per chunk
    for c in prange((n + chunk - 1) // chunk):
        first = c * chunk
        last = min(n, first + chunk)
        longest = 1
        for d in range(first, last):
            longest = max(longest, lengths[d])
        words = np.empty(longest, dtype=np.uint64)
        chars = np.empty(longest, dtype=np.uint64)
        dense = np.empty(longest, dtype=np.bool_)
        for d in range(first, last):
            if lengths[d] == 0:
                continue
            seg = tmp[bound[d] : bound[d + 1]]
            m, weights[d] = _doc_shingles(
                cps, starts[d], lengths[d], table, lo, hi, kind, word_n, char_n, alpha_n, unigrams,
                seg, words, chars, dense,
            )
            counts[d] = _sort_unique(seg, m) if dedupe else m
    offsets = np.zeros(n + 1, dtype=np.int64)
    for d in range(n):
        offsets[d + 1] = offsets[d] + counts[d]
    out = np.empty(offsets[n], dtype=np.uint64)
    for d in prange(n):
        out[offsets[d] : offsets[d + 1]] = tmp[bound[d] : bound[d] + counts[d]]
    return out, offsets, weights


# --------------------------------------------------------------------------
# MinHash
# --------------------------------------------------------------------------


def datasketch_permutations(num_perm: int, seed: int, scheme: str = "affine32") -> tuple[np.ndarray, np.ndarray]:
    """Permutation parameters ``(a, b)`` exactly as ``datasketch.MinHash`` draws them.

    Replays ``MinHash._init_permutations`` of datasketch 2.0 with
    ``np.random.RandomState(seed)``: for ``"legacy"`` one ``(a, b)`` pair per
    permutation from ``[1, p)`` and ``[0, p)`` with ``p = 2**61 - 1``; for the
    affine schemes odd ``a = 2 * randint(2**(w-1)) + 1`` then ``b = randint(2**w)``.

    Returns
    -------
    a, b : ndarray of uint64, shape (num_perm,)
    """
    if num_perm < 1:
        raise ValueError("num_perm must be positive")
    gen = np.random.RandomState(seed)
    if scheme == "legacy":
        ab = np.array(
            [
                (gen.randint(1, _MERSENNE, dtype=np.uint64), gen.randint(0, _MERSENNE, dtype=np.uint64))
                for _ in range(num_perm)
            ],
            dtype=np.uint64,
        ).T
        return ab[0].copy(), ab[1].copy()
    if scheme == "affine32":
        dtype, width = np.uint32, 32
    elif scheme == "affine64":
        dtype, width = np.uint64, 64
    else:
        raise ValueError(f"scheme must be one of {SCHEMES}, got {scheme!r}")
    a = gen.randint(0, 1 << (width - 1), num_perm, dtype=dtype) * dtype(2) + dtype(1)
    b = gen.randint(0, 1 << width, num_perm, dtype=dtype)
    return a.astype(np.uint64), b.astype(np.uint64)


@njit(cache=True, parallel=True)
def _signatures_affine32(hashes, offsets, a, b):
    """``a``, ``b`` as uint32: the products wrap in 32-bit lanes, which LLVM vectorises (branch-free min)."""
    n = offsets.shape[0] - 1
    k = a.shape[0]
    sig = np.empty((n, k), dtype=np.uint32)
    for d in prange(n):
        row = np.full(k, np.uint32(0xFFFFFFFF), dtype=np.uint32)
        for p in range(offsets[d], offsets[d + 1]):
            hv = np.uint32(_fmix32(hashes[p] & np.uint64(0xFFFFFFFF)))
            for q in range(k):
                row[q] = min(row[q], np.uint32(a[q] * hv + b[q]))
        sig[d, :] = row
    return sig


@njit(cache=True, parallel=True)
def _signatures_affine64(hashes, offsets, a, b):
    n = offsets.shape[0] - 1
    k = a.shape[0]
    sig = np.empty((n, k), dtype=np.uint64)
    for d in prange(n):
        row = np.full(k, np.uint64(0xFFFFFFFFFFFFFFFF), dtype=np.uint64)
        for p in range(offsets[d], offsets[d + 1]):
            hv = _fmix64(hashes[p])
            for q in range(k):
                row[q] = min(row[q], a[q] * hv + b[q])
        sig[d, :] = row
    return sig


@njit(cache=True, parallel=True)
def _signatures_legacy(hashes, offsets, a, b):
    n = offsets.shape[0] - 1
    k = a.shape[0]
    prime = np.uint64((1 << 61) - 1)
    mask = np.uint64(0xFFFFFFFF)
    sig = np.empty((n, k), dtype=np.uint64)
    for d in prange(n):
        row = np.full(k, mask, dtype=np.uint64)
        for p in range(offsets[d], offsets[d + 1]):
            hv = hashes[p]
            for q in range(k):
                v = ((a[q] * hv + b[q]) % prime) & mask
                if v < row[q]:
                    row[q] = v
        sig[d, :] = row
    return sig


def minhash_signatures(
    hashes: np.ndarray, offsets: np.ndarray, a: np.ndarray, b: np.ndarray, scheme: str = "affine32"
) -> np.ndarray:
    """MinHash signatures of many shingle-hash sets, parallel over documents.

    Parameters
    ----------
    hashes : ndarray of uint64
        Flat hash values (any order and repetition inside a document is fine).
    offsets : ndarray of int64
        Document boundaries, length ``n_docs + 1``.
    a, b : ndarray of uint64
        Permutation parameters from :func:`datasketch_permutations`.
    scheme : {"affine32", "affine64", "legacy"}

    Returns
    -------
    ndarray, shape (n_docs, num_perm)
        ``uint32`` for ``"affine32"``, else ``uint64``; row ``d`` equals
        ``datasketch.MinHash(num_perm, seed, scheme=scheme)`` updated with
        document ``d``'s hash values.
    """
    hashes = np.ascontiguousarray(hashes, dtype=np.uint64)
    offsets = np.ascontiguousarray(offsets, dtype=np.int64)
    a = np.ascontiguousarray(a, dtype=np.uint64)
    b = np.ascontiguousarray(b, dtype=np.uint64)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError("a and b must be 1-d arrays of equal length")
    if scheme == "affine32":
        return _signatures_affine32(hashes, offsets, a.astype(np.uint32), b.astype(np.uint32))
    if scheme == "affine64":
        return _signatures_affine64(hashes, offsets, a, b)
    if scheme == "legacy":
        return _signatures_legacy(hashes, offsets, a, b)
    raise ValueError(f"scheme must be one of {SCHEMES}, got {scheme!r}")


# --------------------------------------------------------------------------
# LSH banding
# --------------------------------------------------------------------------


@njit(cache=True, parallel=True)
def band_hashes(sig, n_bands, rows):
    """64-bit hash of each band of each signature.

    Parameters
    ----------
    sig : ndarray (n_docs, num_perm) of uint32 or uint64
    n_bands, rows : int
        ``n_bands * rows <= num_perm``; band ``k`` covers values ``k*rows .. (k+1)*rows-1``.

    Returns
    -------
    ndarray of uint64, shape (n_bands, n_docs)
        Band-major, so each band is a contiguous row.
    """
    n = sig.shape[0]
    if n_bands * rows > sig.shape[1] or n_bands < 1 or rows < 1:
        raise ValueError("need 1 <= n_bands, 1 <= rows, n_bands * rows <= num_perm")
    out = np.empty((n_bands, n), dtype=np.uint64)
    for d in prange(n):
        for k in range(n_bands):
            h = np.uint64(0x9E3779B97F4A7C15) * np.uint64(k + 1)
            for q in range(k * rows, (k + 1) * rows):
                h = _fmix64(h ^ np.uint64(sig[d, q]))
            out[k, d] = h
    return out


@njit(cache=True, parallel=True)
def _band_orders(bh, bits):
    """Per band: documents in (truncated band hash, index) order, and those hashes.

    The band hash keeps its top ``64 - bits`` bits and the document index
    fills the low ``bits`` bits of one ``uint64``, so one plain sort orders
    documents by hash and, inside a bucket, by index.
    """
    n_bands, n = bh.shape
    order = np.empty((n_bands, n), dtype=np.int64)
    keys = np.empty((n_bands, n), dtype=np.uint64)
    shift = np.uint64(bits)
    low = (np.uint64(1) << shift) - np.uint64(1)
    for k in prange(n_bands):
        packed = np.empty(n, dtype=np.uint64)
        for x in range(n):
            packed[x] = ((bh[k, x] >> shift) << shift) | np.uint64(x)
        packed.sort()
        for x in range(n):
            order[k, x] = np.int64(packed[x] & low)
            keys[k, x] = packed[x] >> shift
    return order, keys


def _index_bits(n: int) -> int:
    """Bits needed for document indices ``0..n-1`` (at least 1)."""
    return max(1, int(n - 1).bit_length())


@njit(cache=True)
def _bucket_pair_count(size, max_bucket, neighbours=0):
    if size <= max_bucket:
        return size * (size - 1) // 2
    if neighbours > 0:  # each member with the next `neighbours` members
        k = min(neighbours, size - 1)
        return k * size - k * (k + 1) // 2
    return 2 * (size - 1) - 1  # star (size-1) + chain (size-1) minus the shared (m0, m1)


@njit(cache=True)
def _emit_bucket(members, max_bucket, out_i, out_j, pos, neighbours=0):
    """Write the candidate pairs of one bucket (``members`` ascending) from ``pos``."""
    size = members.shape[0]
    if size <= max_bucket:
        for x in range(size):
            for y in range(x + 1, size):
                out_i[pos] = members[x]
                out_j[pos] = members[y]
                pos += 1
    elif neighbours > 0:
        for x in range(size):
            for y in range(x + 1, min(size, x + 1 + neighbours)):
                out_i[pos] = members[x]
                out_j[pos] = members[y]
                pos += 1
    else:
        for y in range(1, size):
            out_i[pos] = members[0]
            out_j[pos] = members[y]
            pos += 1
        for y in range(2, size):
            out_i[pos] = members[y - 1]
            out_j[pos] = members[y]
            pos += 1
    return pos


@njit(cache=True, parallel=True)
def _band_pairs(keys, order, max_bucket, neighbours):
    n_bands, n = keys.shape
    counts = np.zeros(n_bands, dtype=np.int64)
    capped = np.zeros(n_bands, dtype=np.int64)
    for k in prange(n_bands):
        s = 0
        while s < n:
            e = s + 1
            while e < n and keys[k, e] == keys[k, s]:
                e += 1
            counts[k] += _bucket_pair_count(e - s, max_bucket, neighbours)
            if e - s > max_bucket:
                capped[k] += 1
            s = e
    start = np.zeros(n_bands + 1, dtype=np.int64)
    for k in range(n_bands):
        start[k + 1] = start[k] + counts[k]
    out_i = np.empty(start[n_bands], dtype=np.int64)
    out_j = np.empty(start[n_bands], dtype=np.int64)
    for k in prange(n_bands):
        pos = start[k]
        s = 0
        while s < n:
            e = s + 1
            while e < n and keys[k, e] == keys[k, s]:
                e += 1
            if e - s > 1:
                pos = _emit_bucket(order[k, s:e], max_bucket, out_i, out_j, pos, neighbours)
            s = e
    return out_i, out_j, capped.sum()


def lsh_candidate_pairs(
    bh: np.ndarray, max_bucket: int = 64, neighbours: int = 0
) -> tuple[np.ndarray, np.ndarray, int]:
    """Distinct candidate pairs from band hashes (see the module doc for the bucket rule).

    Parameters
    ----------
    bh : ndarray of uint64, shape (n_bands, n_docs)
        From :func:`band_hashes`.
    max_bucket : int
        Largest bucket whose pairs are all emitted.
    neighbours : int, default 0
        Pairs of a larger bucket: ``0``, the star plus the chain (module doc);
        ``k >= 1``, each member with the next ``k`` members (``m_i, m_j`` for
        ``i < j <= i + k``), about ``k * size`` pairs (timing candidates, where
        members of a big bucket are not near-copies of each other).

    Returns
    -------
    i, j : ndarray of int64
        Pairs with ``i < j``, sorted by ``(i, j)``, without repetition.
    n_capped : int
        Number of (band, bucket) groups over ``max_bucket``.
    """
    if max_bucket < 2:
        raise ValueError("max_bucket must be >= 2")
    if neighbours < 0:
        raise ValueError("neighbours must be >= 0")
    bh = np.ascontiguousarray(bh, dtype=np.uint64)
    n = bh.shape[1]
    order, keys = _band_orders(bh, _index_bits(bh.shape[1]))
    i, j, capped = _band_pairs(keys, order, max_bucket, neighbours)
    key = np.unique(i * np.int64(max(n, 1)) + j)
    return key // max(n, 1), key % max(n, 1), int(capped)


# --------------------------------------------------------------------------
# verification and grouping
# --------------------------------------------------------------------------


@njit(cache=True)
def _exact_jaccard(hashes, offsets, x, y):
    p, pe = offsets[x], offsets[x + 1]
    q, qe = offsets[y], offsets[y + 1]
    na, nb = pe - p, qe - q
    if na + nb == 0:
        return 1.0
    inter = 0
    while p < pe and q < qe:
        if hashes[p] == hashes[q]:
            inter += 1
            p += 1
            q += 1
        elif hashes[p] < hashes[q]:
            p += 1
        else:
            q += 1
    return inter / (na + nb - inter)


@njit(cache=True)
def _sig_jaccard(sig, x, y):
    k = sig.shape[1]
    eq = 0
    for q in range(k):
        if sig[x, q] == sig[y, q]:
            eq += 1
    return eq / k


@njit(cache=True)
def _verify(sig, hashes, offsets, x, y, threshold, mode):
    if mode != 1 and _sig_jaccard(sig, x, y) < threshold:
        return False
    return not (mode != 0 and _exact_jaccard(hashes, offsets, x, y) < threshold)


@njit(cache=True, parallel=True)
def exact_jaccard(i, j, hashes, offsets):
    """Exact Jaccard similarity of the sorted, unique hash sets of pairs ``(i[p], j[p])``."""
    out = np.empty(i.shape[0], dtype=np.float64)
    for p in prange(i.shape[0]):
        out[p] = _exact_jaccard(hashes, offsets, i[p], j[p])
    return out


@njit(cache=True, parallel=True)
def verify_pairs(i, j, sig, hashes, offsets, threshold, mode):
    """Boolean mask of pairs passing verification ``mode`` (0 signature, 1 exact, 2 both)."""
    out = np.empty(i.shape[0], dtype=np.bool_)
    for p in prange(i.shape[0]):
        out[p] = _verify(sig, hashes, offsets, i[p], j[p], threshold, mode)
    return out


@njit(cache=True, inline="always")
def _find(parent, x):
    root = x
    while parent[root] != root:
        root = parent[root]
    while parent[x] != root:  # path compression
        nxt = parent[x]
        parent[x] = root
        x = nxt
    return root


@njit(cache=True, inline="always")
def _union(parent, x, y):
    """Link the roots of ``x`` and ``y``; the smaller index becomes the root."""
    rx = _find(parent, x)
    ry = _find(parent, y)
    if rx == ry:
        return False
    if rx < ry:
        parent[ry] = rx
    else:
        parent[rx] = ry
    return True


@njit(cache=True)
def _finish_labels(parent):
    n = parent.shape[0]
    labels = np.empty(n, dtype=np.int64)
    for x in range(n):
        labels[x] = _find(parent, x)
    return labels


@njit(cache=True)
def union_find(n, i, j):
    """Connected components of ``n`` nodes and edges ``(i[p], j[p])``.

    Returns
    -------
    ndarray of int64
        ``labels[x]`` = the smallest node index in ``x``'s component.
    """
    parent = np.arange(n, dtype=np.int64)
    for p in range(i.shape[0]):
        _union(parent, i[p], j[p])
    return _finish_labels(parent)


@njit(cache=True, inline="always")
def _try_link(parent, x, y, sig, hashes, offsets, threshold, mode, stats):
    if _find(parent, x) != _find(parent, y):
        stats[1] += 1
        if _verify(sig, hashes, offsets, x, y, threshold, mode):
            stats[2] += 1
            _union(parent, x, y)


@njit(cache=True)
def _sweep(keys, order, max_bucket, sig, hashes, offsets, threshold, mode, parent, stats):
    """Union verified bucket pairs band by band, skipping already connected pairs.

    Visits exactly the pairs :func:`_emit_bucket` emits, in the same order.
    """
    n_bands, n = keys.shape
    for k in range(n_bands):
        s = 0
        while s < n:
            e = s + 1
            while e < n and keys[k, e] == keys[k, s]:
                e += 1
            size = e - s
            if size > 1:
                stats[0] += _bucket_pair_count(size, max_bucket)
            if size > max_bucket:
                stats[3] += 1
                for y in range(s + 1, e):
                    _try_link(parent, order[k, s], order[k, y], sig, hashes, offsets, threshold, mode, stats)
                for y in range(s + 2, e):
                    _try_link(parent, order[k, y - 1], order[k, y], sig, hashes, offsets, threshold, mode, stats)
            else:
                for xi in range(s, e):
                    for yi in range(xi + 1, e):
                        _try_link(parent, order[k, xi], order[k, yi], sig, hashes, offsets, threshold, mode, stats)
            s = e


def lsh_components(
    bh: np.ndarray,
    sig: np.ndarray,
    hashes: np.ndarray,
    offsets: np.ndarray,
    threshold: float,
    mode: int = 1,
    max_bucket: int = 64,
    parent: np.ndarray | None = None,
) -> tuple[np.ndarray, dict[str, int]]:
    """Near-duplicate groups: union of verified LSH candidate pairs.

    Equivalent to ``union_find(n, *verified(lsh_candidate_pairs(bh)))`` but
    streams over bands and skips the verification of pairs already
    connected, so dense families of near-duplicates cost little.

    Parameters
    ----------
    bh : ndarray of uint64, shape (n_bands, n_docs)
    sig : ndarray (n_docs, num_perm)
    hashes, offsets : ndarray
        Sorted unique shingle-hash sets (for exact verification).
    threshold : float
        Jaccard threshold in [0, 1].
    mode : int
        0 signature estimate, 1 exact Jaccard, 2 both.
    max_bucket : int
        Explosion guard (module doc).
    parent : ndarray of int64, optional
        Initial union-find forest (e.g. identical sets already linked);
        modified in place. Its roots must be the smallest index of each tree.

    Returns
    -------
    labels : ndarray of int64
        Smallest document index of each document's group.
    stats : dict
        ``candidates`` (bucket pairs, counted with repetition across bands),
        ``verified`` (pairs actually verified), ``linked`` (verified pairs
        that passed), ``capped_buckets``.
    """
    if max_bucket < 2:
        raise ValueError("max_bucket must be >= 2")
    if mode not in (0, 1, 2):
        raise ValueError("mode must be 0, 1 or 2")
    bh = np.ascontiguousarray(bh, dtype=np.uint64)
    n = bh.shape[1]
    if parent is None:
        parent = np.arange(n, dtype=np.int64)
    stats = np.zeros(4, dtype=np.int64)
    order, keys = _band_orders(bh, _index_bits(bh.shape[1]))
    _sweep(keys, order, max_bucket, sig, hashes, offsets, float(threshold), mode, parent, stats)
    labels = _finish_labels(parent)
    names = ("candidates", "verified", "linked", "capped_buckets")
    return labels, {name: int(v) for name, v in zip(names, stats, strict=True)}


@njit(cache=True, parallel=True)
def _set_keys(hashes, offsets):
    n = offsets.shape[0] - 1
    keys = np.empty(n, dtype=np.uint64)
    for d in prange(n):
        h = np.uint64(0x9E3779B97F4A7C15) ^ np.uint64(offsets[d + 1] - offsets[d])
        for p in range(offsets[d], offsets[d + 1]):
            h = _fmix64(h ^ hashes[p])
        keys[d] = h
    return keys


@njit(cache=True)
def _same_set(hashes, offsets, x, y):
    if offsets[x + 1] - offsets[x] != offsets[y + 1] - offsets[y]:
        return False
    for p in range(offsets[x + 1] - offsets[x]):
        if hashes[offsets[x] + p] != hashes[offsets[y] + p]:
            return False
    return True


@njit(cache=True)
def _identical_groups(keys, order, hashes, offsets, parent):
    n = keys.shape[0]
    s = 0
    while s < n:
        e = s + 1
        while e < n and keys[order[e]] == keys[order[s]]:
            e += 1
        for y in range(s + 1, e):  # members ascending (stable sort): link to the first equal set
            for x in range(s, y):
                if _same_set(hashes, offsets, order[x], order[y]):
                    _union(parent, order[x], order[y])
                    break
        s = e


def identical_set_groups(hashes: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Union-find forest linking documents with identical shingle sets.

    Returns
    -------
    parent : ndarray of int64
        A forest whose roots are the smallest index of each group of
        identical sets (pass it to :func:`lsh_components`, or to
        ``np.unique`` after resolving); ``parent[x] == x`` for unique sets.
    """
    hashes = np.ascontiguousarray(hashes, dtype=np.uint64)
    offsets = np.ascontiguousarray(offsets, dtype=np.int64)
    n = offsets.shape[0] - 1
    keys = _set_keys(hashes, offsets)
    order = np.argsort(keys, kind="stable")
    parent = np.arange(n, dtype=np.int64)
    _identical_groups(keys, order, hashes, offsets, parent)
    return parent


@njit(cache=True, parallel=True)
def gather_sets(hashes, offsets, idx):
    """The sets of documents ``idx`` (in that order) as a new ``(hashes, offsets)`` pair."""
    m = idx.shape[0]
    out_off = np.zeros(m + 1, dtype=np.int64)
    for t in range(m):
        out_off[t + 1] = out_off[t] + offsets[idx[t] + 1] - offsets[idx[t]]
    out = np.empty(out_off[m], dtype=np.uint64)
    for t in prange(m):
        out[out_off[t] : out_off[t + 1]] = hashes[offsets[idx[t]] : offsets[idx[t] + 1]]
    return out, out_off

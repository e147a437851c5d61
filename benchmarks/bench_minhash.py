"""Benchmark: near-duplicate search (Numba MinHash + LSH) against datasketch.

Corpus: tweet-length posts in seven languages (English- and Spanish-like
Latin words, Russian-like Cyrillic, Arabic-like, Chinese, Japanese kanji +
kana, Korean Hangul), with planted near-duplicate families (copies with 0-3
small edits: word/character substitutions, insertions, deletions, appended
hashtags, links, mentions, emoji, ``RT @x:`` prefixes; a few viral families
of hundreds to thousands of copies). Everything is generated from ``--seed``.

Measured, in one process (datasketch 2.0, ``MinHash.bulk`` = its batch API,
which reuses the permutations and calls ``update_batch`` per document):

``signatures``
    ours: shingle hashing kernel + signature kernel, from normalised texts;
    datasketch: ``MinHash.bulk`` over the same shingles as UTF-8 bytes with
    its default hash (``sha1_hash32``), and ``MinHash.bulk`` over our
    precomputed 32-bit hash values (identity hash function: permutations only).
    Turning texts into shingle strings, which datasketch needs and we do not,
    is *not* charged to datasketch.
``search`` (end to end: raw texts -> near-duplicate groups)
    ours: :func:`detector.evidence.neardup.near_duplicate_groups`;
    datasketch: normalise, shingle, ``MinHash.bulk``, ``MinHashLSH`` with the
    same ``(b, r)`` bands (insertion session, then ``query`` per document),
    exact-Jaccard verification of candidates on Python sets, union-find.
    Both use the same normalisation, shingles, threshold and minimum length.

Planted copies (:func:`planted_copies`, ``detector.synth.copies``): six
groups of 25 edited copies (typos, doubled letters, punctuation, spaces and
emoji inside words, hashtag/URL suffixes) in each of Chinese, Japanese,
Korean, English and mixed script, among 1,500 naturally similar short posts
("stay safe", fan chants, greetings); pair recall per language and the share
of short posts put in any cluster, over 5 seeds (1 with ``--quick``), with
character shingles and, for comparison, word trigrams.

Recall: an exact brute-force oracle (Numba, exact Jaccard of a uniform
sample of documents against *every* document, with only the exact length
filter ``t|x| <= |y| <= |x|/t``) gives all pairs with Jaccard >= threshold;
recall = share of those pairs whose two texts end up in one group.

datasketch is slow, so it runs on the first ``--ds-n`` documents (a uniform
sample: the corpus is shuffled); its times for the full size are extrapolated
linearly (``*_extrapolated_s``, stated in the JSON). Ours runs on both sizes.

Peak memory: each pipeline is re-run in a fresh child process and its
peak RSS (``VmHWM``, not ``ru_maxrss``, which a fork + exec child inherits
from its parent on Linux; see ``_common.peak_rss_mb``) is reported beside the
RSS the child had right after building the corpus (skip with ``--no-memory``).

Sizes: full = 1,000,000 posts, datasketch on 100,000, oracle sample 1,000;
``--quick`` = 20,000 posts, datasketch on 5,000, oracle sample 200, no
memory child processes. Signature timings are the best of ``--repeat`` (3)
runs for both libraries; search timings are single runs for both.
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import platform
import random
import subprocess
import sys
import time
from pathlib import Path

import numba
import numpy as np
from numba import njit, prange

from detector.evidence.neardup import NearDupParams, lsh_bands, near_duplicate_groups
from detector.kernels.minhash import datasketch_permutations, minhash_signatures
from detector.synth.copies import planted_scores
from detector.text import normalize_texts, shingle_hashes, shingles, weighted_length

from _common import best_of_timings, peak_rss_mb

FULL_N, FULL_DS_N, FULL_SAMPLE = 1_000_000, 100_000, 1_000
QUICK_N, QUICK_DS_N, QUICK_SAMPLE = 20_000, 5_000, 200

# --------------------------------------------------------------------------
# corpus
# --------------------------------------------------------------------------

LANGS = ("en", "es", "ru", "ar", "zh", "ja", "ko")
LANG_P = (0.35, 0.1, 0.1, 0.05, 0.2, 0.1, 0.1)
SUFFIXES = ("", "", "", " #peace", " #外交", " https://t.co/Xy12ab", " @embassy_news", " 🇨🇳🤝", "!!", " 👍🏽")


class Corpus:
    """Seeded generator of tweet-length posts with planted near-duplicate families."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self._pools: dict = {}
        self.py = random.Random(seed)
        rng = self.rng
        self.vocab = {
            "en": self._words("bcdfghklmnprstvwyz", "aeiou", 30_000),
            "es": self._words("bcdfglmnprstvzñ", "aeiouáéó", 15_000),
            "ru": self._words("бвгджзклмнпрстфхцчш", "аеиоуыя", 15_000),
            "ar": self._words("بتثجحخدذرزسشصضطظعغفقكلمنهوي", "اوي", 8_000),
        }
        han = np.arange(0x4E00, 0x9FA5)
        self.han = [chr(c) for c in rng.choice(han, 3_500, replace=False)]
        self.hira = [chr(c) for c in range(0x3041, 0x3094)]
        self.kata = [chr(c) for c in range(0x30A1, 0x30F4)]
        self.hangul = [chr(c) for c in rng.choice(np.arange(0xAC00, 0xD7A4), 1_500, replace=False)]
        self.zipf = {k: self._zipf(len(v)) for k, v in self.vocab.items()}
        self.zipf_han = self._zipf(len(self.han))
        self.zipf_hangul = self._zipf(len(self.hangul))

    def _zipf(self, n: int) -> np.ndarray:
        w = 1.0 / np.arange(1, n + 1) ** 1.0
        return np.cumsum(w / w.sum())

    def _pick(self, cdf: np.ndarray, k: int) -> np.ndarray:
        """``k`` Zipf-distributed indices, served from a pre-drawn pool (per-call numpy overhead is the cost)."""
        key = id(cdf)
        pool, pos = self._pools.get(key, (None, 0))
        if pool is None or pos + k > pool.size:
            pool = np.minimum(np.searchsorted(cdf, self.rng.random(max(1 << 20, k))), cdf.size - 1)
            pos = 0
        self._pools[key] = (pool, pos + k)
        return pool[pos : pos + k]

    def _ints(self, high: int, k: int) -> np.ndarray:
        """``k`` uniform integers in ``[0, high)`` from a pre-drawn pool of uniforms."""
        pool, pos = self._pools.get("u", (None, 0))
        if pool is None or pos + k > pool.size:
            pool, pos = self.rng.random(max(1 << 20, k)), 0
        self._pools["u"] = (pool, pos + k)
        return (pool[pos : pos + k] * high).astype(np.int64)

    def _words(self, cons: str, vowels: str, n: int) -> list[str]:
        """``n`` distinct pseudo-words of 1-3 consonant+vowel syllables."""
        rng = self.rng
        out: set[str] = set()
        while len(out) < n:
            m = 2 * (n - len(out))
            c = rng.integers(0, len(cons), size=(m, 3))
            v = rng.integers(0, len(vowels), size=(m, 3))
            syl = rng.integers(1, 4, size=m)
            for row in range(m):
                out.add("".join(cons[c[row, k]] + vowels[v[row, k]] for k in range(syl[row])))
        return [str(w) for w in rng.permutation(sorted(out))[:n]]

    def _int(self, low: int, high: int) -> int:
        """One uniform integer in ``[low, high)`` (Python's generator: no numpy call overhead)."""
        return self.py.randrange(low, high)

    def text(self, lang: str) -> list[str]:
        """One post as a list of units (words, or characters for zh/ja)."""
        if lang in self.vocab:
            words = self.vocab[lang]
            return [words[i] for i in self._pick(self.zipf[lang], self._int(8, 40))]
        if lang == "zh":
            k = self._int(15, 70)
            chars = [self.han[i] for i in self._pick(self.zipf_han, k)]
            for p in 5 + self._ints(k - 5, k // 12):
                chars[p] = "，"
            return chars + ["。"]
        if lang == "ja":
            out: list[str] = []
            target = self._int(20, 70)
            while len(out) < target:
                out += [self.han[i] for i in self._pick(self.zipf_han, self._int(1, 4))]
                kana = self.kata if self._int(0, 5) == 0 else self.hira
                out += [kana[i] for i in self._ints(len(kana), self._int(1, 5))]
                if self._int(0, 10) == 0:
                    out.append("、")
            return out + ["。"]
        sizes = 1 + self._ints(4, self._int(5, 20))  # Korean: words of 1-4 syllables
        idx = self._pick(self.zipf_hangul, int(sizes.sum()))
        words, pos = [], 0
        for size in sizes:
            words.append("".join(self.hangul[i] for i in idx[pos : pos + size]))
            pos += size
        return words

    def variant(self, units: list[str], lang: str) -> list[str]:
        """A copy with 0-3 small edits (substitute, insert or delete one unit)."""
        out = list(units)
        for _ in range(self._int(0, 4)):
            pos = self._int(0, len(out))
            op = self._int(0, 3)
            if lang in self.vocab:
                fresh = self.vocab[lang][int(self._pick(self.zipf[lang], 1)[0])]
            elif lang == "ko":
                fresh = self.hangul[self._int(0, len(self.hangul))] * 2
            else:
                fresh = self.han[self._int(0, len(self.han))]
            if op == 0:
                out[pos] = fresh
            elif op == 1:
                out.insert(pos, fresh)
            elif len(out) > 6:
                del out[pos]
        return out

    @staticmethod
    def join(units: list[str], lang: str) -> str:
        return "".join(units) if lang in ("zh", "ja") else " ".join(units)

    def generate(self, n: int, family_share: float = 0.3) -> tuple[list[str], np.ndarray]:
        """``n`` posts, shuffled, and the planted family id of each (-1 for none).

        30% of posts belong to families: mostly 2-20 copies (geometric), and
        0.5% of families are viral, with ``n/3000 .. n/300`` copies.
        """
        return self._generate(n, family_share)

    def _generate(self, n: int, family_share: float) -> tuple[list[str], np.ndarray]:
        texts: list[str] = []
        family: list[int] = []
        n_fam_docs = int(n * family_share)
        lang_cdf = np.cumsum(LANG_P).tolist()
        fid = 0
        while len(texts) < n_fam_docs:
            big = self._int(0, 200) == 0
            size = self._int(max(n // 3000, 3), max(n // 300, 4)) if big else 2 + int(self.rng.geometric(0.2))
            size = min(size, n_fam_docs - len(texts))
            lang = LANGS[min(bisect.bisect_right(lang_cdf, self.py.random()), len(LANGS) - 1)]
            base = self.text(lang)
            for _ in range(size):
                units = self.variant(base, lang) if self._int(0, 10) < 7 else base
                prefix = "RT @user: " if self._int(0, 20) == 0 else ""
                texts.append(prefix + self.join(units, lang) + SUFFIXES[self._int(0, len(SUFFIXES))])
                family.append(fid)
            fid += 1
        langs = np.searchsorted(lang_cdf, self.rng.random(n - len(texts)), side="right")
        for li in langs:
            lang = LANGS[min(int(li), len(LANGS) - 1)]
            texts.append(self.join(self.text(lang), lang) + SUFFIXES[self._int(0, len(SUFFIXES))])
            family.append(-1)
        order = self.rng.permutation(n)
        return [texts[k] for k in order], np.asarray(family, dtype=np.int64)[order]


# --------------------------------------------------------------------------
# brute-force oracle
# --------------------------------------------------------------------------


@njit(cache=True)
def _jac(h, o, x, y):
    p, pe, q, qe = o[x], o[x + 1], o[y], o[y + 1]
    inter = 0
    while p < pe and q < qe:
        if h[p] == h[q]:
            inter += 1
            p += 1
            q += 1
        elif h[p] < h[q]:
            p += 1
        else:
            q += 1
    return inter / ((pe - o[x]) + (qe - o[y]) - inter)


@njit(cache=True, parallel=True)
def _oracle(h, o, sample, by_size, sizes_sorted, threshold, eligible, cap):
    """For each sampled doc, every eligible doc with exact Jaccard >= threshold (length filter only)."""
    m = sample.shape[0]
    out = np.full((m, cap), -1, dtype=np.int64)
    count = np.zeros(m, dtype=np.int64)
    for t in prange(m):
        x = sample[t]
        nx = o[x + 1] - o[x]
        if not eligible[x]:
            continue
        lo = np.searchsorted(sizes_sorted, np.ceil(threshold * nx - 1e-9))
        hi = np.searchsorted(sizes_sorted, np.floor(nx / threshold + 1e-9), side="right")
        for k in range(lo, hi):
            y = by_size[k]
            if y != x and eligible[y] and _jac(h, o, x, y) >= threshold - 1e-12:
                if count[t] < cap:
                    out[t, count[t]] = y
                count[t] += 1
    return out, count


def oracle_pairs(hashes, offsets, sample, threshold, eligible, cap=20_000):
    """True pairs of the sampled docs; ``eligible``: docs compared at all (minimum length and shingles)."""
    sizes = np.diff(offsets)
    by_size = np.argsort(sizes, kind="stable")
    out, count = _oracle(hashes, offsets, sample, by_size, sizes[by_size].astype(np.float64), threshold, eligible, cap)
    if (count > cap).any():
        raise RuntimeError("oracle capacity exceeded")
    xs = np.repeat(sample, count)
    ys = out[out >= 0]
    return xs, ys


def recall(labels: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> float | None:
    if xs.size == 0:
        return None
    lx, ly = labels[xs], labels[ys]
    return float(np.mean((lx >= 0) & (lx == ly)))


# --------------------------------------------------------------------------
# pipelines
# --------------------------------------------------------------------------


def ours_signatures(norm: list[str], params: NearDupParams):
    t0 = time.perf_counter()
    hashes, offsets = shingle_hashes(
        norm, params.word_n, params.char_n, alpha_n=params.alpha_n, unigrams=params.unigrams, normalized=True,
        unique=False,
    )
    t1 = time.perf_counter()
    a, b = datasketch_permutations(params.num_perm, params.seed)
    sig = minhash_signatures(hashes, offsets, a, b)
    t2 = time.perf_counter()
    return {"hash_s": t1 - t0, "signature_s": t2 - t1, "total_s": t2 - t0}, (hashes, offsets, sig)


def datasketch_signatures(shingle_bytes: list[list[bytes]], hash_ints: list[list[int]], params: NearDupParams):
    from datasketch import MinHash

    t0 = time.perf_counter()
    sketches = MinHash.bulk(shingle_bytes, num_perm=params.num_perm, seed=params.seed)
    t1 = time.perf_counter()
    pre = MinHash.bulk(hash_ints, num_perm=params.num_perm, seed=params.seed, hashfunc=_identity)
    t2 = time.perf_counter()
    return {"bulk_sha1_s": t1 - t0, "bulk_prehashed_s": t2 - t1}, (sketches, pre)


def _identity(v: int) -> int:
    return v


def datasketch_search(texts: list[str], params: NearDupParams) -> tuple[np.ndarray, dict]:
    """The same near-duplicate search written with datasketch's public API."""
    from datasketch import MinHash, MinHashLSH

    t0 = time.perf_counter()
    norm = normalize_texts(texts, body=params.body)
    sets = [shingles(t, params.word_n, params.char_n, alpha_n=params.alpha_n, unigrams=params.unigrams, normalized=True)
            for t in norm]
    keep = [
        k for k, s in enumerate(sets)
        if len(s) >= params.min_shingles and weighted_length(norm[k], normalized=True) >= params.min_length
    ]
    t1 = time.perf_counter()
    sketches = MinHash.bulk(([s.encode("utf-8") for s in sets[k]] for k in keep), num_perm=params.num_perm, seed=params.seed)
    t2 = time.perf_counter()
    b, r = lsh_bands(params.threshold, params.num_perm, params.band_recall)
    lsh = MinHashLSH(threshold=params.threshold, num_perm=params.num_perm, params=(b, r))
    with lsh.insertion_session() as session:
        for k, m in zip(keep, sketches, strict=True):
            session.insert(k, m, check_duplication=False)
    t3 = time.perf_counter()
    parent = list(range(len(texts)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    frozen = {k: frozenset(sets[k]) for k in keep}
    n_cand = 0
    for k, m in zip(keep, sketches, strict=True):
        sk = frozen[k]
        for c in lsh.query(m):
            if c <= k:
                continue
            n_cand += 1
            sc = frozen[c]
            inter = len(sk & sc)
            if inter / (len(sk) + len(sc) - inter) >= params.threshold:
                rx, ry = find(k), find(c)
                if rx != ry:
                    parent[max(rx, ry)] = min(rx, ry)
    roots = np.array([find(x) for x in range(len(texts))], dtype=np.int64)
    t4 = time.perf_counter()
    size = np.bincount(roots, minlength=len(texts))
    labels = np.where(size[roots] >= 2, roots, -1)
    times = {
        "normalize_shingle_s": t1 - t0,
        "bulk_s": t2 - t1,
        "lsh_insert_s": t3 - t2,
        "query_verify_group_s": t4 - t3,
        "total_s": t4 - t0,
        "candidates": n_cand,
        "bands": [b, r],
    }
    return labels, times


def ours_search(texts: list[str], params: NearDupParams) -> tuple[np.ndarray, dict]:
    """Raw texts -> groups; wall time and CPU seconds of this process (all threads; a loaded machine
    stretches the first, not the second)."""
    t0, c0 = time.perf_counter(), time.process_time()
    labels, stats = near_duplicate_groups(texts, params)
    return labels, {"total_s": time.perf_counter() - t0, "cpu_s": time.process_time() - c0, **stats}


def ours_evidence(texts: list[str], family: np.ndarray, params: NearDupParams) -> dict:
    """The whole evidence layer (events table in, clusters + co-action edges out)."""
    import pandas as pd

    from detector.evidence.neardup import find_near_duplicates

    n = len(texts)
    rng = np.random.default_rng(7)
    events = pd.DataFrame(
        {
            "event_id": pd.array([f"e{k}" for k in range(n)], dtype="string"),
            "account_id": pd.array([f"u{k}" for k in rng.integers(0, max(n // 20, 1), n)], dtype="string"),
            "ts": (1_700_000_000 + rng.integers(0, 7 * 86_400, n)).astype(np.int64),
            "kind": pd.array(["post"] * n, dtype="string"),
            "text": pd.array(texts, dtype="string"),
        }
    )
    t0 = time.perf_counter()
    res = find_near_duplicates(events, params.threshold, params.num_perm, params.seed, window=3600, params=params)
    return {"total_s": time.perf_counter() - t0, "clusters": len(res.clusters), "edges": len(res.edges)}


# --------------------------------------------------------------------------
# planted edited copies and short posts (detector.synth.copies)
# --------------------------------------------------------------------------


def planted_copies(seeds: list[int], params: NearDupParams, groups_per_lang: int = 6, copies: int = 25,
                   n_short: int = 1_500) -> dict:
    """Per-language pair recall of planted edited copies and false positives on short posts.

    Per seed: ``groups_per_lang`` groups of ``copies`` edited copies in each
    language of :data:`COPY_LANGS` (1-3 in-word edits each, 60% with a
    hashtag/URL/emoji suffix), mixed with ``n_short`` naturally similar short
    posts, searched together; the same corpus with word trigrams (the rule
    before character shingling) for comparison.
    """
    out: dict = {"seeds": seeds, "groups_per_lang": groups_per_lang, "copies": copies, "short_posts": n_short,
                 "edits": "1-3 per copy: typo, doubled letter, punctuation/space/emoji inside a word; "
                          "60% get a hashtag, URL, both, or emoji appended"}
    for name, p in (("chars", params), ("word_trigrams", NearDupParams(word_n=3))):
        t0 = time.perf_counter()
        scores = planted_scores(seeds, lambda texts, p=p: near_duplicate_groups(texts, p)[0],
                                groups_per_lang, copies, n_short)
        out[name] = {
            "pair_recall_mean": {k: float(np.mean(v)) for k, v in scores.recall.items()},
            "pair_recall_min": {k: float(np.min(v)) for k, v in scores.recall.items()},
            "short_posts_clustered_share_mean": float(np.mean(scores.short_share)),
            "short_posts_clustered_share_max": float(np.max(scores.short_share)),
            "mixed_clusters": scores.mixed_clusters,
            "time_s": time.perf_counter() - t0,
        }
    return out


# --------------------------------------------------------------------------
# driver
# --------------------------------------------------------------------------


def warm_up(params: NearDupParams) -> None:
    """Compile (or load cached) kernels outside the timed region."""
    near_duplicate_groups(["warm up text number one two three four five six"] * 3 + ["中国外交部发言人表示坚决反对"] * 2, params)
    ours_signatures(["a b c d e f"], params)
    ours_evidence(["warm up text number one two three four five six"] * 4, np.zeros(4, np.int64), params)
    _oracle(np.zeros(1, np.uint64), np.array([0, 1]), np.array([0]), np.array([0]), np.array([1.0]), 0.7,
            np.ones(1, dtype=np.bool_), 2)


def worker(kind: str, n: int, seed: int, params: NearDupParams) -> dict:
    """Child process for peak memory: corpus, then one pipeline; peak RSS (VmHWM) in MB."""
    warm_up(params)
    texts, _ = Corpus(seed).generate(n)
    base = peak_rss_mb()
    t0 = time.perf_counter()
    if kind == "ours":
        near_duplicate_groups(texts, params)
    else:
        datasketch_search(texts, params)
    elapsed = time.perf_counter() - t0
    return {"pipeline": kind, "n": n, "rss_after_corpus_mb": base, "peak_rss_mb": peak_rss_mb(), "time_s": elapsed}


def child_memory(kind: str, n: int, seed: int) -> dict:
    cmd = [sys.executable, __file__, "--worker", kind, "--n", str(n), "--seed", str(seed)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure_memory(n: int, ds_n: int, seed: int) -> dict:
    """Peak RSS of each search pipeline in its own child process."""
    return {
        "ours": child_memory("ours", n, seed),
        "datasketch": child_memory("datasketch", ds_n, seed),
        "note": (
            "fresh child process per pipeline (peak = VmHWM); rss_after_corpus_mb is the baseline "
            "holding the raw texts; datasketch on the subsample size"
        ),
    }


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help=f"{QUICK_N:,} posts (CI)")
    ap.add_argument("--n", type=int, default=None, help=f"posts (default {FULL_N:,})")
    ap.add_argument("--ds-n", type=int, default=None, help=f"posts given to datasketch (default {FULL_DS_N:,})")
    ap.add_argument("--sample", type=int, default=None, help="documents in the brute-force oracle sample")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=3, help="signature timings: best of this many runs (both libraries)")
    ap.add_argument("--no-memory", action="store_true", help="skip the peak-memory child processes")
    ap.add_argument("--threads", type=int, default=None, help="Numba threads (default: all cores)")
    ap.add_argument("--out", type=Path, default=None, help="JSON path (default benchmarks/results/minhash[_quick].json)")
    ap.add_argument("--worker", choices=["ours", "datasketch"], help=argparse.SUPPRESS)
    ap.add_argument(
        "--memory-only", action="store_true",
        help="only (re)measure peak memory with the child processes and update the JSON at --out",
    )
    args = ap.parse_args(argv)
    params = NearDupParams()
    if args.threads:
        numba.set_num_threads(args.threads)
    if args.worker:
        result = worker(args.worker, args.n, args.seed, params)
        print(json.dumps(result))
        return result

    n = args.n or (QUICK_N if args.quick else FULL_N)
    ds_n = min(args.ds_n or (QUICK_DS_N if args.quick else FULL_DS_N), n)
    n_sample = args.sample or (QUICK_SAMPLE if args.quick else FULL_SAMPLE)
    out_path = args.out or Path(__file__).parent / "results" / ("minhash_quick.json" if args.quick else "minhash.json")

    if args.memory_only:
        result = json.loads(out_path.read_text(encoding="utf-8"))
        result["memory"] = measure_memory(n, ds_n, args.seed)
        from detector.fsutil import write_text_atomic

        write_text_atomic(out_path, json.dumps(result, indent=2, sort_keys=True) + "\n")
        print(json.dumps(result["memory"], indent=2))
        return result
    warm_up(params)
    load_start = list(os.getloadavg())
    t0 = time.perf_counter()
    texts, family = Corpus(args.seed).generate(n)
    gen_s = time.perf_counter() - t0
    sub = texts[:ds_n]
    print(f"corpus: {n:,} posts ({(family >= 0).mean():.0%} in planted families), {gen_s:.1f} s", flush=True)

    # -- signatures -------------------------------------------------------------
    t0 = time.perf_counter()
    norm = normalize_texts(texts, body=params.body)
    normalize_s = time.perf_counter() - t0
    sig_ours, _ = best_of_timings(ours_signatures, norm, params, repeats=args.repeat)
    sig_ours_sub, (h_sub, o_sub, sig_sub) = best_of_timings(
        ours_signatures, norm[:ds_n], params, repeats=args.repeat
    )
    t0 = time.perf_counter()
    shingle_lists = [shingles(t, params.word_n, params.char_n, alpha_n=params.alpha_n, unigrams=params.unigrams,
                              normalized=True) for t in norm[:ds_n]]
    shingle_bytes = [[s.encode("utf-8") for s in sl] for sl in shingle_lists]
    ds_shingle_s = time.perf_counter() - t0
    hash_ints = [[int(v) & 0xFFFFFFFF for v in h_sub[o_sub[d] : o_sub[d + 1]]] for d in range(ds_n)]
    sig_ds, (sketches, pre) = best_of_timings(
        datasketch_signatures, shingle_bytes, hash_ints, params, repeats=args.repeat
    )
    # correctness: datasketch over our hash values == our signatures
    agree = all(np.array_equal(pre[d].hashvalues, sig_sub[d]) for d in range(0, ds_n, max(ds_n // 2000, 1)))
    print(f"signatures: ours {sig_ours['total_s']:.2f} s for {n:,}; datasketch bulk {sig_ds['bulk_sha1_s']:.1f} s "
          f"for {ds_n:,} (ours on the same {sig_ours_sub['total_s']:.3f} s); identical: {agree}", flush=True)
    del sketches, pre, shingle_bytes, hash_ints, shingle_lists

    # -- oracle -----------------------------------------------------------------
    rng = np.random.default_rng(args.seed + 1)
    sample = np.sort(rng.choice(ds_n, size=min(n_sample, ds_n), replace=False)).astype(np.int64)
    t0 = time.perf_counter()
    hashes, offsets, lengths = shingle_hashes(  # sorted sets
        norm, params.word_n, params.char_n, alpha_n=params.alpha_n, unigrams=params.unigrams, normalized=True,
        with_length=True,
    )
    eligible = (np.diff(offsets) >= params.min_shingles) & (lengths >= params.min_length)
    xs, ys = oracle_pairs(hashes, offsets, sample, params.threshold, eligible)
    oracle_s = time.perf_counter() - t0
    in_sub = ys < ds_n
    xs_sub, ys_sub = xs[in_sub], ys[in_sub]
    print(f"oracle: {len(sample)} sampled docs, {xs.size} true pairs ({xs_sub.size} inside the subsample), {oracle_s:.1f} s", flush=True)

    # -- end-to-end search ----------------------------------------------------------
    labels_full, search_full = ours_search(texts, params)
    labels_sub, search_sub = ours_search(sub, params)
    ds_labels, search_ds = datasketch_search(sub, params)
    try:
        evidence = ours_evidence(texts, family, params)
    except Exception as exc:  # report, do not lose the other measurements
        evidence = {"total_s": float("nan"), "error": repr(exc)}
    print(f"search: ours {search_full['total_s']:.1f} s for {n:,} (evidence layer {evidence['total_s']:.1f} s); "
          f"datasketch {search_ds['total_s']:.1f} s for {ds_n:,} (ours on the same {search_sub['total_s']:.2f} s)", flush=True)
    planted = planted_copies([args.seed] if args.quick else [args.seed + k for k in range(5)], params)
    print("planted copies, pair recall (mean over seeds): "
          + ", ".join(f"{k} {v:.3f}" for k, v in planted["chars"]["pair_recall_mean"].items())
          + f"; short posts clustered {planted['chars']['short_posts_clustered_share_mean']:.2%} "
          f"(word trigrams: en {planted['word_trigrams']['pair_recall_mean']['en']:.3f})", flush=True)

    scale = n / ds_n
    ds_sig_full = sig_ds["bulk_sha1_s"] * scale
    ds_search_full = search_ds["total_s"] * scale
    memory = {} if (args.no_memory or args.quick) else measure_memory(n, ds_n, args.seed)
    result = {
        "benchmark": "minhash",
        "quick": bool(args.quick),
        "n_posts": n,
        "datasketch_n_posts": ds_n,
        "extrapolation": (
            "none: datasketch ran on all posts" if ds_n == n
            else f"datasketch measured on the first {ds_n:,} posts (a uniform sample) and scaled linearly by {scale:g}"
        ),
        "params": {
            "threshold": params.threshold, "num_perm": params.num_perm, "seed": params.seed,
            "bands": search_full["bands"], "rows": search_full["rows"], "word_n": params.word_n,
            "char_n": params.char_n, "alpha_n": params.alpha_n, "unigrams": params.unigrams, "body": params.body, "min_length": params.min_length,
            "min_shingles": params.min_shingles, "verify": params.verify,
            "scheme": params.scheme,
        },
        "corpus": {
            "generate_s": gen_s, "family_share": float((family >= 0).mean()),
            "families": int(family.max() + 1), "languages": dict(zip(LANGS, LANG_P, strict=True)),
        },
        "normalize_s": normalize_s,
        "signatures": {
            "ours_s": sig_ours["total_s"], "ours_hash_s": sig_ours["hash_s"], "ours_signature_s": sig_ours["signature_s"],
            "ours_posts_per_s": n / sig_ours["total_s"],
            "ours_us_per_doc": 1e6 * sig_ours["total_s"] / n,
            "datasketch_us_per_doc": 1e6 * sig_ds["bulk_sha1_s"] / ds_n,
            "ours_subsample_s": sig_ours_sub["total_s"],
            "datasketch_bulk_sha1_s": sig_ds["bulk_sha1_s"],
            "datasketch_bulk_prehashed_s": sig_ds["bulk_prehashed_s"],
            "datasketch_bulk_sha1_extrapolated_s": ds_sig_full,
            "datasketch_posts_per_s": ds_n / sig_ds["bulk_sha1_s"],
            "datasketch_python_shingling_s": ds_shingle_s,
            "ratio_same_size": sig_ds["bulk_sha1_s"] / sig_ours_sub["total_s"],
            "ratio_same_size_incl_shingling": (sig_ds["bulk_sha1_s"] + ds_shingle_s) / sig_ours_sub["total_s"],
            "ratio_extrapolated": ds_sig_full / sig_ours["total_s"],
            "ratio_note": (
                "ours = shingle hashing + signatures from normalised text; datasketch = MinHash.bulk from "
                "ready-made shingle bytes (ratio_same_size) or including building them in Python "
                "(ratio_same_size_incl_shingling); prehashed = MinHash.bulk over our hash values vs our "
                "signature kernel alone"
            ),
            "ratio_prehashed_same_size": sig_ds["bulk_prehashed_s"] / sig_ours_sub["signature_s"],
            "identical_to_datasketch": bool(agree),
        },
        "search": {
            "ours_s": search_full["total_s"], "ours_cpu_s": search_full["cpu_s"],
            "ours_posts_per_s": n / search_full["total_s"],
            "ours_us_per_doc": 1e6 * search_full["total_s"] / n,
            "ours_subsample_s": search_sub["total_s"],
            "ours_stats": {k: v for k, v in search_full.items() if k not in ("total_s", "cpu_s")},
            "ours_evidence_layer_s": evidence["total_s"],
            "ours_evidence_layer": evidence,
            "ours_evidence_layer_note": "find_near_duplicates on an events table incl. cluster table and co-action edges (window 3600 s)",
            "datasketch": search_ds,
            "datasketch_extrapolated_s": ds_search_full,
            "datasketch_posts_per_s": ds_n / search_ds["total_s"],
            "ratio_same_size": search_ds["total_s"] / search_sub["total_s"],
            "ratio_extrapolated": ds_search_full / search_full["total_s"],
        },
        "recall": {
            "oracle": "brute-force exact Jaccard of sampled posts against every post (length filter only)",
            "oracle_s": oracle_s,
            "sample": int(len(sample)),
            "true_pairs_full": int(xs.size),
            "true_pairs_subsample": int(xs_sub.size),
            "ours_full": recall(labels_full, xs, ys),
            "ours_subsample": recall(labels_sub, xs_sub, ys_sub),
            "datasketch_subsample": recall(ds_labels, xs_sub, ys_sub),
            "groups_identical_on_subsample": bool(np.array_equal(labels_sub, ds_labels)),
        },
        "planted_copies": planted,
        "memory": memory,
        "machine": {
            "python": platform.python_version(), "numba": numba.__version__, "numpy": np.__version__,
            "cpus": os.cpu_count(), "numba_threads": numba.get_num_threads(),
            "load_average_1_5_15_at_start": load_start,
            "load_average_1_5_15_at_end": list(os.getloadavg()),
            "note": "shared machine: other jobs ran at the same time; timings are noisy",
        },
    }
    out_path.parent.mkdir(parents=True, exist_ok=True)
    from detector.fsutil import write_text_atomic

    write_text_atomic(out_path, json.dumps(result, indent=2, sort_keys=True) + "\n")
    print(json.dumps({k: result[k] for k in ("signatures", "search", "recall", "planted_copies")}, indent=2))
    print(f"wrote {out_path}")
    return result


if __name__ == "__main__":
    main()

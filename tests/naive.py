"""Plain Python / NumPy reference twins of the Numba kernels (the model: stumpy's ``tests/naive.py``).

Each function here computes what one kernel computes, the slow and obvious way
(loops, dicts, sets; quadratic where that is clearer), and is named after the
kernel it mirrors: ``naive.coaction_aggregate`` is the twin of
:func:`detector.kernels.coaction.coaction_aggregate`, ``naive.minhash_signature``
of one row of :func:`detector.kernels.minhash.minhash_signatures`, and so on.
The hypothesis property tests (``test_*_kernel*.py``, ``test_minhash.py``,
``test_text.py``, ``test_timing_*.py``, ``test_engine.py``) compare the kernels
against them. Nothing here calls a kernel: only a documented constant
(``IET_BINS``) and the plain-Python shingling of :mod:`detector.text`
(``shingles``, ``hash_shingle``) are imported, so a bug in a kernel cannot hide
in its twin.

Units: times in seconds, as in the kernels.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

import numpy as np
import pytest

from detector.kernels.timing import IET_BINS
from detector.text import hash_shingle, shingles

M64 = (1 << 64) - 1
M32 = (1 << 32) - 1
PRIME = (1 << 61) - 1
DAY_S = 86400


# --------------------------------------------------------------------------
# detector.kernels.coaction
# --------------------------------------------------------------------------


def emit_pairs(obj, ts, acc, content, window, remove_loops):
    """All (i, j), i < j, same object, ts[j] - ts[i] <= window (rows sorted by (obj, ts))."""
    out = []
    n = len(obj)
    for i in range(n):
        for j in range(i + 1, n):
            if obj[i] != obj[j] or abs(int(ts[j]) - int(ts[i])) > window:
                continue
            if remove_loops and (acc[i] == acc[j] or content[i] == content[j]):
                continue
            out.append((i, j))
    return out


def coaction_aggregate(obj, ts, acc, content, window, remove_loops, fast_window=None, skip_objects=()):
    gaps = defaultdict(list)
    objects = defaultdict(set)
    for i, j in emit_pairs(obj, ts, acc, content, window, remove_loops):
        if obj[i] in skip_objects:
            continue
        key = (min(acc[i], acc[j]), max(acc[i], acc[j]))
        gaps[key].append(abs(int(ts[j]) - int(ts[i])))
        objects[key].add(obj[i])
    rows = {}
    for key, g in gaps.items():
        fast = len(g) if fast_window is None else sum(x <= fast_window for x in g)
        rows[key] = (len(g), len(objects[key]), float(np.mean(g)), float(np.median(g)), fast)
    return rows


# --------------------------------------------------------------------------
# detector.kernels.minhash (and detector.text.shingle_hashes)
# --------------------------------------------------------------------------


def fmix64(h: int) -> int:
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & M64
    h ^= h >> 33
    h = (h * 0xC4CEB9FE1A85EC53) & M64
    return h ^ (h >> 33)


def fmix32(h: int) -> int:
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & M32
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & M32
    return h ^ (h >> 16)


def normalize_codepoints(cps, starts, lengths, table):
    outs, marked = [], []
    for s, n in zip(starts, lengths, strict=True):
        out, pending, mark = [], False, False
        for cp in cps[s : s + n]:
            c = table[cp]
            if c == 1:
                continue
            if c == 2:
                pending = bool(out)
                continue
            if pending:
                out.append(32)
                pending = False
            mark |= c == 3
            out.append(int(cp))
        outs.append(out)
        marked.append(mark)
    return outs, marked


def shingle_hashes(texts, word_n=0, char_n=2, fn=None, alpha_n=4, unigrams=True, body=False):
    if fn is None:
        def fn(s):
            return hash_shingle(s, by_words=word_n > 0)
    sets = [sorted({fn(s) for s in shingles(t, word_n, char_n, alpha_n=alpha_n, unigrams=unigrams, body=body)})
            for t in texts]
    offsets = np.zeros(len(sets) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(s) for s in sets])
    flat = np.array([h for s in sets for h in s], dtype=np.uint64)
    return flat, offsets


def minhash_signature(values, a, b, scheme):
    a = [int(x) for x in a]
    b = [int(x) for x in b]
    if scheme == "affine32":
        out = [M32] * len(a)
        for h in values:
            hv = fmix32(int(h) & M32)
            out = [min(o, (ak * hv + bk) & M32) for o, ak, bk in zip(out, a, b, strict=True)]
    elif scheme == "affine64":
        out = [M64] * len(a)
        for h in values:
            hv = fmix64(int(h))
            out = [min(o, (ak * hv + bk) & M64) for o, ak, bk in zip(out, a, b, strict=True)]
    else:
        out = [M32] * len(a)
        for h in values:
            out = [min(o, (((ak * int(h) + bk) & M64) % PRIME) & M32) for o, ak, bk in zip(out, a, b, strict=True)]
    return out


def band_hashes(sig, n_bands, rows):
    out = np.empty((n_bands, sig.shape[0]), dtype=np.uint64)
    for d in range(sig.shape[0]):
        for k in range(n_bands):
            h = (0x9E3779B97F4A7C15 * (k + 1)) & M64
            for q in range(k * rows, (k + 1) * rows):
                h = fmix64(h ^ int(sig[d, q]))
            out[k, d] = h
    return out


def lsh_candidate_pairs(sig, n_bands, rows, max_bucket, neighbours=0):
    """Buckets by the band *values* (no hashing), with the documented cap rule."""
    pairs = set()
    capped = 0
    for k in range(n_bands):
        buckets: dict[tuple, list[int]] = {}
        for d in range(sig.shape[0]):
            buckets.setdefault(tuple(sig[d, k * rows : (k + 1) * rows].tolist()), []).append(d)
        for members in buckets.values():
            if len(members) <= max_bucket:
                pairs.update((x, y) for i, x in enumerate(members) for y in members[i + 1 :])
            elif neighbours:
                capped += 1
                pairs.update((x, y) for i, x in enumerate(members) for y in members[i + 1 : i + 1 + neighbours])
            else:
                capped += 1
                pairs.update((members[0], y) for y in members[1:])
                pairs.update(zip(members[:-1], members[1:], strict=True))
    return sorted(pairs), capped


def connected_components(n, edges):
    adj: dict[int, list[int]] = {x: [] for x in range(n)}
    for x, y in edges:
        adj[x].append(y)
        adj[y].append(x)
    labels = [-1] * n
    for start in range(n):
        if labels[start] >= 0:
            continue
        comp, stack = [], [start]
        labels[start] = start
        while stack:
            x = stack.pop()
            comp.append(x)
            for y in adj[x]:
                if labels[y] < 0:
                    labels[y] = start
                    stack.append(y)
        low = min(comp)
        for x in comp:
            labels[x] = low
    return labels


def jaccard(x, y):
    x, y = set(x), set(y)
    return 1.0 if not x and not y else len(x & y) / len(x | y)


# --------------------------------------------------------------------------
# detector.kernels.schedule
# --------------------------------------------------------------------------


def clock_distance(x: int, y: int) -> int:
    d = abs(x - y) % DAY_S
    return min(d, DAY_S - d)


def clock_repeat_count(ts: list[int], slot_s: int, min_days: int) -> int:
    """Events whose clock slot (+-slot_s, circular) holds events on >= min_days distinct days."""
    count = 0
    for t in ts:
        days = {u // DAY_S for u in ts if clock_distance(t % DAY_S, u % DAY_S) <= slot_s}
        count += len(days) >= min_days
    return count


# --------------------------------------------------------------------------
# detector.kernels.timing
# --------------------------------------------------------------------------


def activity_series(codes, bins, n_accounts):
    per = [Counter() for _ in range(n_accounts)]
    for c, b in zip(codes, bins, strict=True):
        per[c][b] += 1
    offsets = [0]
    ubins, counts = [], []
    for counter in per:
        for b in sorted(counter):
            ubins.append(b)
            counts.append(counter[b])
        offsets.append(len(ubins))
    return np.array(offsets), np.array(ubins, dtype=np.int64), np.array(counts, dtype=np.int64)


def lagged_correlation(series_a: dict, series_b: dict, max_lag: int):
    """Dense computation: returns (corr, lag, overlap) with the kernel's tie rule."""
    if not series_a or not series_b:
        return 0.0, 0, 0
    fa, la = min(series_a), max(series_a)
    fb, lb = min(series_b), max(series_b)
    best, best_lag, best_ov = -2.0, 0, 0
    for step in range(2 * max_lag + 1):
        lag = (step + 1) // 2 * (-1 if step % 2 else 1)
        lo, hi = min(fa, fb - lag), max(la, lb - lag)
        x = np.zeros(hi - lo + 1)
        y = np.zeros(hi - lo + 1)
        for t, v in series_a.items():
            x[t - lo] = v
        for u, v in series_b.items():
            y[u - lag - lo] = v
        n = float(len(x))
        vx = n * x.dot(x) - x.sum() ** 2
        vy = n * y.dot(y) - y.sum() ** 2
        r = 0.0 if vx <= 0 or vy <= 0 else (n * x.dot(y) - x.sum() * y.sum()) / math.sqrt(vx * vy)
        if vx > 0 and vy > 0:
            assert r == pytest.approx(np.corrcoef(x, y)[0, 1], abs=1e-9)
        if r > best:
            best, best_lag, best_ov = r, lag, int(((x > 0) & (y > 0)).sum())
    return best, best_lag, best_ov


def account_timing_features(ts: list[int], burst_k: int, burst_w: int, night_hours: int):
    n = len(ts)
    hours = Counter((t % 86400) // 3600 for t in ts)
    hour_ent = -sum(c / n * math.log2(c / n) for c in hours.values())
    windows = [sum(hours.get((h0 + k) % 24, 0) for k in range(night_hours)) for h0 in range(24)]
    night = min(windows) / n
    days = len({t // 86400 for t in ts})
    gaps = [b - a for a, b in zip(ts, ts[1:], strict=False)]
    if gaps:
        mean = sum(gaps) / len(gaps)
        std = math.sqrt(sum((g - mean) ** 2 for g in gaps) / len(gaps))
        cv = std / mean if mean > 0 else math.nan
        logb = Counter(min(int(g).bit_length(), IET_BINS - 1) for g in gaps)
        ent = -sum(c / len(gaps) * math.log2(c / len(gaps)) for c in logb.values())
    else:
        mean = cv = ent = math.nan
    bursts, i = 0, 0
    while i + burst_k - 1 < n:
        if ts[i + burst_k - 1] - ts[i] <= burst_w:
            bursts += 1
            i += burst_k
        else:
            i += 1
    return n, days, mean, cv, ent, hour_ent, night, bursts

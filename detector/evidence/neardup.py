"""Near-duplicate text evidence: copy-paste campaigns ("copypasta") with small edits.

Pipeline (kernels in :mod:`detector.kernels.minhash`, text rules in
:mod:`detector.text`):

1. **Select** original posts, quotes and replies with text. Reposts are left
   out: they carry the reposted text, not their author's (repost co-action
   is its own evidence layer).
2. **Shingle and hash** the message *body* of each text
   (:func:`detector.text.shingle_hashes` with ``body=True``; sections
   "Body" and "Shingles" below): character bigrams of the CJK characters
   plus every Han ideograph and Hangul syllable on its own, word-boundary-aware
   character 4-grams of everything else, so typos and in-word edits cost a
   few shingles. Texts shorter than ``min_length`` weighted characters, or
   with fewer than ``min_shingles`` distinct shingles, are not compared.
3. **Identical sets** are grouped first (exact copies are the bulk of a
   copy-paste campaign); only one representative per distinct set goes on.
4. **MinHash** signatures (``num_perm`` permutations, datasketch-compatible
   ``affine32`` scheme and ``seed``), **LSH banding** into ``b`` bands of
   ``r`` rows (:func:`lsh_bands`), candidate pairs from equal band hashes
   (bucket cap ``max_bucket``).
5. **Verify** candidates (default: exact Jaccard of the shingle sets ``>=
   threshold``; ``verify="signature"`` uses the MinHash estimate like
   datasketch) and group verified pairs with union-find: a cluster is a
   connected component, so a chain of small edits (A~B, B~C) is one cluster.
6. **Edges**: co-action on the *text cluster* object, i.e. two accounts that
   posted members of the same cluster within the co-action window, via
   :func:`detector.evidence.coaction.coaction_edges`.

Body
----
Campaign copies are most often edited at the end: a hashtag, a link, a
mention or emoji appended, a different one per copy (routing the post into
a trend, not changing the message). Normalisation already removes URLs,
mentions and emoji everywhere; with ``body=True`` (the default,
:func:`detector.text.strip_trailing_tags`) the trailing run of hashtags is
dropped too, so ``"... the truth. #StandWithUs"`` and ``"... the truth.
#peace"`` are compared on ``"... the truth"``. A hashtag *inside* the
sentence stays (as its word), and a text made only of hashtags keeps them.
The tags are not lost as evidence: shared hashtags and hashtag sequences
are objects of the co-action layer. The shared normalisation of a scan (and
the identical-text object) keeps the tags: there ``vote for #a`` and
``vote for #b`` must stay different texts; here, one word apart among 40+
characters, they are near-duplicates anyway. Measured on the planted copies
(``benchmarks/bench_minhash.py``, seeds 0-4, worst seed): without the body
rule English pair recall is 0.961 (a 12-letter tag appended to a 60-letter
copy costs 12 of ~70 shingles), with it 0.987.

Shingles
--------
Han ideographs and Hangul syllables are *dense*: thousands of distinct
characters, each a morpheme or a whole syllable of 2-3 letters, so a short
Chinese or Korean post has few characters and few bigrams, and one
substituted character (two bigrams of twenty) moves its Jaccard a lot.
Each dense character is therefore also a shingle of its own (unigrams
beside bigrams, Lucene's ``CJKBigramFilter(outputUnigrams=true)``): a
substitution then costs 3 of ~40 shingles instead of 2 of ~20 shingles
that are all order-bound, and an inserted or doubled character costs only
its bigrams. Kana (and Bopomofo, Hangul jamo) are phonetic letters of
alphabets under 100 symbols, like Latin letters, and get no unigrams
(with kana unigrams too, the long kana greetings of the short posts share
them: 1.36% of the short posts clustered, 2.0% on the worst seed).
Korean stays in the CJK stream, spaces ignored: word-boundary-aware
syllable bigrams instead of unigrams were measured too (Korean pair recall
0.973 on the worst seed, short posts up to 1.27% clustered) and are not used. Measured
(worst seed of 0-4): without unigrams Korean 0.937, mixed 0.961, Japanese
0.974; with them 1.000, 0.987, 1.000; short posts clustered 0.52% mean,
0.73% worst seed (the test ``tests/test_neardup_quality.py`` holds the
targets: >= 0.98 per language on every seed, <= 1% of the short posts).
Lowering the threshold instead (0.6) tripled the short posts clustered.

Short texts
-----------
Fan chants, "stay safe everyone", "happy birthday" wishes and greetings are
short and naturally similar: two of them share most of their shingles
without anyone copying anyone, and one edit moves a short text's Jaccard a
lot. Two rules keep them apart:

* **minimum length** ``min_length = 40`` weighted characters of the
  normalised text (:func:`detector.text.weighted_length`: Twitter's weights,
  CJK characters 2, everything else 1): about 7 English words or 20 Chinese
  characters. Stock phrases and their combinations are mostly shorter and
  are never compared; identical short texts still meet in the co-action
  layer on the ``text`` object, where a coincidence within seconds is what
  counts, not the copy.
* **threshold** ``0.7`` on character shingles (and dense-character
  unigrams): at 40+ characters a text
  shares 70% of its shingles with another only when most of it is the same
  text, in the same order (4-grams span word boundaries). Random short posts
  built from the same stock phrases rarely get there; copies with 1-3 typos,
  doubled letters, inserted punctuation or emoji and an appended hashtag or
  URL do (``benchmarks/bench_minhash.py``, "planted copies": per-language
  pair recall and the share of 1,500 short posts put in any cluster).

Long chants (a fandom's fixed cheer of member names) are real near-duplicates
and do form clusters; telling fans from campaigns is the scorer's job
(conjunction with account age, timing and other evidence), not this layer's.

Choice of bands (:func:`lsh_bands`): datasketch's ``MinHashLSH`` minimises
the sum of false-positive and false-negative areas, which at threshold 0.7
and 128 permutations gives ``b=14, r=9``: a pair *at* the threshold becomes a
candidate with probability only 0.44. Because every candidate is verified
exactly here, false positives cost only time, so we take the largest ``r``
(steepest S-curve) such that a pair at the threshold is a candidate with
probability ``>= band_recall`` (default 0.98): ``b=25, r=5`` for 0.7/128
(0.990 at J=0.7, 0.9996 at J=0.8; 0.55 at J=0.5 and 0.06 at J=0.3, which
only cost verification time).

Determinism: events are processed in ``(ts, event_id)`` order, groups are
labelled by their smallest member, and cluster ids are assigned by size
(descending), then first time, then first event id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from detector import thresholds as th
from detector.kernels.minhash import (
    band_hashes,
    datasketch_permutations,
    gather_sets,
    identical_set_groups,
    lsh_components,
    minhash_signatures,
)
from detector.text import (
    ALPHA_N,
    CHAR_N,
    MIN_SHINGLES,
    UNIGRAMS,
    WORD_N,
    normalize_texts,
    shingle_hashes,
)

if TYPE_CHECKING:
    from detector.evidence.coaction import CoactionParams, CoactionResult

__all__ = [
    "CLUSTER_COLUMNS",
    "MIN_LENGTH",
    "TEXT_POST_COLUMNS",
    "NearDupParams",
    "NearDupResult",
    "find_near_duplicates",
    "lsh_bands",
    "near_duplicate_groups",
    "text_cluster_shares",
    "text_posts",
]

CLUSTER_COLUMNS: tuple[str, ...] = (
    "cluster_id",
    "size",
    "n_accounts",
    "accounts",
    "first_ts",
    "last_ts",
    "representative_event_id",
    "representative_text",
)
"""Columns of :attr:`NearDupResult.clusters`."""

TEXT_POST_COLUMNS: tuple[str, ...] = ("event_id", "cluster_id", "account_id", "account_name", "ts", "text")
"""Columns of :func:`text_posts` (``text_posts.csv``): one row per post in a near-duplicate cluster."""

MIN_LENGTH = 40
"""Default :attr:`NearDupParams.min_length`: weighted characters of the normalised text (module doc)."""

BODY = True
"""Default :attr:`NearDupParams.body`: trailing hashtags are not part of the compared text (module doc, "Body")."""

MAX_ACCOUNTS_LISTED = 50
"""``clusters.accounts`` lists at most this many account ids (smallest first); ``n_accounts`` is exact."""

_VERIFY_MODES = {"signature": 0, "exact": 1, "both": 2}


def lsh_bands(threshold: float, num_perm: int, band_recall: float = 0.98) -> tuple[int, int]:
    """Bands ``b`` and rows per band ``r`` for exact-verified LSH.

    The largest ``r`` (with ``b = num_perm // r``) such that a pair whose
    Jaccard similarity equals ``threshold`` becomes a candidate with
    probability ``1 - (1 - threshold**r)**b >= band_recall``.

    Parameters
    ----------
    threshold : float in (0, 1]
    num_perm : int
    band_recall : float in (0, 1)

    Returns
    -------
    (b, r) : tuple of int
    """
    if not 0 < threshold <= 1:
        raise ValueError("threshold must be in (0, 1]")
    if not 0 < band_recall < 1:
        raise ValueError("band_recall must be in (0, 1)")
    if num_perm < 1:
        raise ValueError("num_perm must be >= 1")
    best = (num_perm, 1)
    for r in range(1, num_perm + 1):
        b = num_perm // r
        if 1.0 - (1.0 - threshold**r) ** b >= band_recall:
            best = (b, r)
    return best


@dataclass(frozen=True)
class NearDupParams:
    """Parameters of :func:`find_near_duplicates`.

    Attributes
    ----------
    threshold : float, default 0.7
        Jaccard similarity of shingle sets at or above which two texts are near-duplicates.
    num_perm : int, default 128
        MinHash permutations.
    seed : int, default 1
        MinHash seed (same permutations as ``datasketch.MinHash(num_perm, seed)``).
    word_n, char_n, alpha_n : int
        Shingle sizes (:mod:`detector.text`): character ``alpha_n``-grams
        (default 4) of the word stream and ``char_n``-grams (default 2) of
        CJK runs; ``word_n >= 1`` uses word n-grams for the word stream
        instead (the rule before character shingling, fragile to typos).
    unigrams : bool, default True
        Each Han ideograph and Hangul syllable is also a shingle of its own
        (module doc, "Shingles").
    body : bool, default True
        Compare the message body: the trailing run of hashtags is dropped
        before shingling (module doc, "Body").
    min_length : int, default MIN_LENGTH
        Texts whose normalised text is shorter than this weighted length
        (:func:`detector.text.weighted_length`: CJK characters count 2,
        others 1) are not compared (module doc, "Short texts").
    min_shingles : int
        Texts with fewer distinct shingles are not compared either.
    bands : (b, r) or None
        LSH bands and rows; ``None``: :func:`lsh_bands` with ``band_recall``.
    band_recall : float, default 0.98
        Candidate probability required for a pair exactly at the threshold.
    verify : {"exact", "signature", "both"}
        How candidates are confirmed (module doc).
    max_bucket : int, default 64
        LSH bucket explosion guard (:mod:`detector.kernels.minhash`).
    kinds : tuple of str
        Event kinds whose own text is compared.
    scheme : str, default "affine32"
        MinHash permutation scheme (datasketch 2.0 names).
    """

    threshold: float = th.NEARDUP_THRESHOLD
    num_perm: int = 128
    seed: int = 1
    word_n: int = WORD_N
    char_n: int = CHAR_N
    alpha_n: int = ALPHA_N
    unigrams: bool = UNIGRAMS
    body: bool = BODY
    min_length: int = MIN_LENGTH
    min_shingles: int = MIN_SHINGLES
    bands: tuple[int, int] | None = None
    band_recall: float = 0.98
    verify: str = "exact"
    max_bucket: int = 64
    kinds: tuple[str, ...] = ("post", "quote", "reply")
    scheme: str = "affine32"

    def __post_init__(self) -> None:
        if not 0 < self.threshold <= 1:
            raise ValueError("threshold must be in (0, 1]")
        if self.num_perm < 1:
            raise ValueError("num_perm must be >= 1")
        if self.verify not in _VERIFY_MODES:
            raise ValueError(f"verify must be one of {sorted(_VERIFY_MODES)}")
        if self.bands is not None and (self.bands[0] < 1 or self.bands[1] < 1 or self.bands[0] * self.bands[1] > self.num_perm):
            raise ValueError("bands (b, r) need b, r >= 1 and b * r <= num_perm")
        if self.min_shingles < 1:
            raise ValueError("min_shingles must be >= 1")
        if self.min_length < 0:
            raise ValueError("min_length must be >= 0")
        if self.word_n < 0 or self.char_n < 1 or self.alpha_n < 1:
            raise ValueError("need word_n >= 0, char_n >= 1 and alpha_n >= 1")


@dataclass
class NearDupResult:
    """Outcome of :func:`find_near_duplicates`.

    Attributes
    ----------
    event_cluster : Series of int64
        Aligned to the events' index: text cluster id, or -1 (not compared,
        too short, a repost, or no near-duplicate).
    clusters : DataFrame
        :data:`CLUSTER_COLUMNS`, one row per cluster of >= 2 events, sorted by
        ``cluster_id``; times are UTC seconds; ``representative_text`` is the
        raw text of the earliest event.
    edges : DataFrame
        Edge layer (``account_a < account_b``, ``weight`` = pairs of
        near-duplicate posts within the window, ``n_objects`` = shared text
        clusters, gaps in seconds, ``objects`` = sample cluster ids).
    coaction : CoactionResult or None
        The full co-action result behind ``edges`` (window used, pairs...).
    posts : DataFrame
        :data:`TEXT_POST_COLUMNS`: every post in a cluster (:func:`text_posts`).
    stats : dict
        Counts and parameters of the run (JSON-able).
    params : NearDupParams
    """

    event_cluster: pd.Series
    clusters: pd.DataFrame
    edges: pd.DataFrame
    coaction: CoactionResult | None = None
    stats: dict = field(default_factory=dict)
    params: NearDupParams = field(default_factory=NearDupParams)
    posts: pd.DataFrame | None = None


def _empty_clusters() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "cluster_id": pd.Series(dtype=np.int64),
            "size": pd.Series(dtype=np.int64),
            "n_accounts": pd.Series(dtype=np.int64),
            "accounts": pd.Series(dtype=object),
            "first_ts": pd.Series(dtype=np.int64),
            "last_ts": pd.Series(dtype=np.int64),
            "representative_event_id": pd.Series(dtype="string"),
            "representative_text": pd.Series(dtype="string"),
        }
    )


def _group_documents(
    hashes: np.ndarray, offsets: np.ndarray, params: NearDupParams, bands: tuple[int, int]
) -> tuple[np.ndarray, dict]:
    """Group labels (smallest member index) for the sets ``(hashes, offsets)``."""
    n = offsets.shape[0] - 1
    parent = identical_set_groups(hashes, offsets)
    # after identical_set_groups every node points at its group's root (smallest index)
    root = parent.copy()
    while True:
        nxt = root[root]
        if np.array_equal(nxt, root):
            break
        root = nxt
    reps = np.flatnonzero(root == np.arange(n))
    rep_hashes, rep_offsets = gather_sets(hashes, offsets, reps)
    b, r = bands
    a_perm, b_perm = datasketch_permutations(params.num_perm, params.seed, params.scheme)
    sig = minhash_signatures(rep_hashes, rep_offsets, a_perm, b_perm, params.scheme)
    bh = band_hashes(sig, b, r)
    rep_labels, lsh_stats = lsh_components(
        bh, sig, rep_hashes, rep_offsets, params.threshold,
        mode=_VERIFY_MODES[params.verify], max_bucket=params.max_bucket,
    )
    rep_pos = np.full(n, -1, dtype=np.int64)
    rep_pos[reps] = np.arange(reps.size)
    labels = reps[rep_labels[rep_pos[root]]] if n else np.zeros(0, dtype=np.int64)
    stats = {"distinct_sets": int(reps.size), **lsh_stats}
    return labels, stats


def near_duplicate_groups(
    texts: list[str | None], params: NearDupParams | None = None, *, normalized: bool = False
) -> tuple[np.ndarray, dict]:
    """Group texts into near-duplicate clusters (the search without pandas or edges).

    Parameters
    ----------
    texts : list of str or None
        Raw texts (or normalised ones with ``normalized=True``).
    params : NearDupParams, optional
    normalized : bool, default False
        The texts are already normalised (:func:`detector.text.normalize_texts`,
        with ``body=params.body``).

    Returns
    -------
    labels : ndarray of int64
        For each text, the smallest index of its group of >= 2 near-duplicates,
        or -1 (no near-duplicate, or too short to compare).
    stats : dict
        ``texts_compared``, ``texts_too_short``, ``distinct_sets``, ``bands``,
        ``rows`` and the LSH counters of :func:`detector.kernels.minhash.lsh_components`.
    """
    params = params or NearDupParams()
    hashes, offsets, length = shingle_hashes(
        texts, params.word_n, params.char_n, alpha_n=params.alpha_n, unigrams=params.unigrams,
        body=params.body, normalized=normalized, with_length=True,
    )
    comparable = np.flatnonzero((np.diff(offsets) >= params.min_shingles) & (length >= params.min_length))
    labels = np.full(len(texts), -1, dtype=np.int64)
    b, r = params.bands or lsh_bands(params.threshold, params.num_perm, params.band_recall)
    stats = {
        "texts_compared": int(comparable.size),
        "texts_too_short": int(len(texts) - comparable.size),
        "distinct_sets": 0,
        "bands": int(b),
        "rows": int(r),
        "candidates": 0,
        "verified": 0,
        "linked": 0,
        "capped_buckets": 0,
    }
    if comparable.size == 0:
        return labels, stats
    sub_hashes, sub_offsets = gather_sets(hashes, offsets, comparable)
    sub_labels, group_stats = _group_documents(sub_hashes, sub_offsets, params, (b, r))
    stats.update(group_stats)
    size = np.bincount(sub_labels, minlength=comparable.size)
    grouped = size[sub_labels] >= 2
    labels[comparable[grouped]] = comparable[sub_labels[grouped]]
    return labels, stats


def find_near_duplicates(
    events: pd.DataFrame,
    threshold: float | None = None,
    num_perm: int | None = None,
    seed: int | None = None,
    *,
    window: int | None = None,
    coaction_params: CoactionParams | None = None,
    params: NearDupParams | None = None,
    normalized_text: pd.Series | None = None,
) -> NearDupResult:
    """Find clusters of near-duplicate posts and the accounts posting them together.

    Parameters
    ----------
    events : DataFrame
        Canonical events (needs ``event_id, account_id, ts, kind, text``).
    threshold : float, optional
        Jaccard similarity threshold on shingle sets (default: ``params``'s, 0.7).
    num_perm : int, optional
        MinHash permutations (default: ``params``'s, 128).
    seed : int, optional
        MinHash seed (default: ``params``'s, 1).
    window : int or None
        Co-action window in seconds for the account edges; ``None`` lets
        :func:`detector.evidence.coaction.coaction_edges` estimate it.
        Ignored when ``coaction_params`` is given.
    coaction_params : CoactionParams, optional
        Full control of the edge layer.
    params : NearDupParams, optional
        All options; ``threshold``, ``num_perm`` and ``seed`` given here as
        arguments (not ``None``) override its values.
    normalized_text : Series, optional
        Texts already normalised with :func:`detector.text.normalize_texts`,
        indexed like ``events`` (rows missing here are normalised on the
        spot), so a caller normalises once for several layers; the result is
        the same as without it.

    Returns
    -------
    NearDupResult
    """
    given = {"threshold": threshold, "num_perm": num_perm, "seed": seed}
    params = replace(params or NearDupParams(), **{k: v for k, v in given.items() if v is not None})
    event_cluster = pd.Series(-1, index=events.index, dtype=np.int64, name="text_cluster")
    kind = events["kind"].astype("string")
    text = events["text"].astype("string")
    sel_mask = (kind.isin(list(params.kinds)) & text.notna()).to_numpy(dtype=bool)
    sel = events.loc[sel_mask, ["event_id", "account_id", "ts", "text"]].copy()
    sel["_row"] = np.flatnonzero(sel_mask)
    sel = sel.sort_values(["ts", "event_id"], kind="mergesort")
    if normalized_text is None:
        labels, group_stats = near_duplicate_groups(sel["text"].tolist(), params)
    else:
        norm = normalized_text.reindex(sel.index).astype(object)
        missing = norm.isna().to_numpy()
        if params.body:  # the shared texts keep their hashtags: texts with one are normalised again
            missing = missing | sel["text"].str.contains("#", regex=False).fillna(False).to_numpy(dtype=bool)
        if missing.any():
            norm[missing] = normalize_texts(sel["text"][missing].tolist(), body=params.body)
        labels, group_stats = near_duplicate_groups(norm.tolist(), params, normalized=True)
    in_group = labels >= 0
    members = sel.loc[in_group].copy()
    members["_group"] = labels[in_group]

    clusters, member_cluster = _cluster_table(members)
    if len(members):
        event_cluster.iloc[members["_row"].to_numpy()] = member_cluster
    shares = text_cluster_shares(members.assign(_cluster=member_cluster))
    coaction, edges = _edges(shares, window, coaction_params)
    stats = {
        "events": len(events),
        "texts_selected": len(sel),
        **group_stats,
        "texts_in_clusters": len(members),
        "clusters": len(clusters),
        "threshold": params.threshold,
        "num_perm": params.num_perm,
        "seed": params.seed,
        "verify": params.verify,
        "min_shingles": params.min_shingles,
        "min_length": params.min_length,
        "word_n": params.word_n,
        "char_n": params.char_n,
        "alpha_n": params.alpha_n,
        "unigrams": params.unigrams,
        "body": params.body,
        "window_s": None if coaction is None else int(coaction.window_s),
    }
    return NearDupResult(event_cluster, clusters, edges, coaction, stats, params, text_posts(events, event_cluster))


def text_posts(
    events: pd.DataFrame, event_cluster: pd.Series, names: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """The posts of the near-duplicate clusters: which posts are copies, by whom, when.

    Parameters
    ----------
    events : DataFrame
        Canonical events (``event_id, account_id, ts, text``; ``account_name``
        when present).
    event_cluster : Series of int64
        :attr:`NearDupResult.event_cluster`, aligned to ``events``.
    names : mapping account id -> handle, optional
        Fills ``account_name`` where the events have none (e.g. from the
        accounts table).

    Returns
    -------
    DataFrame
        :data:`TEXT_POST_COLUMNS`, one row per post with ``event_cluster >=
        0``, sorted by ``cluster_id``, then ``ts`` (UTC seconds), then
        ``event_id``; ``text`` is the raw post text (write it with
        :func:`detector.report.csvsafe.write_csv`, which neutralises
        spreadsheet formulas).
    """
    rows = np.flatnonzero(event_cluster.to_numpy() >= 0)
    sub = events.iloc[rows]
    if "account_name" in events.columns:
        name = sub["account_name"].astype("string")
    else:
        name = pd.Series(pd.NA, index=sub.index, dtype="string")
    if names:
        name = name.fillna(sub["account_id"].astype(str).map(names).astype("string"))
    table = pd.DataFrame(
        {
            "event_id": sub["event_id"].astype("string").to_numpy(),
            "cluster_id": event_cluster.to_numpy()[rows].astype(np.int64),
            "account_id": sub["account_id"].astype("string").to_numpy(),
            "account_name": name.to_numpy(),
            "ts": sub["ts"].to_numpy(dtype=np.int64),
            "text": sub["text"].astype("string").to_numpy(),
        }
    )
    table = table.astype({"event_id": "string", "account_id": "string", "account_name": "string", "text": "string"})
    table = table.sort_values(["cluster_id", "ts", "event_id"], kind="mergesort").reset_index(drop=True)
    return table[list(TEXT_POST_COLUMNS)]


def _cluster_table(members: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Cluster rows with deterministic ids, and the cluster id of each member row."""
    if members.empty:
        return _empty_clusters(), np.zeros(0, dtype=np.int64)
    # members are in (ts, event_id) order, so the first row of a group is its earliest event
    grouped = members.groupby("_group", sort=True)
    first = grouped.head(1).set_index("_group")
    summary = pd.DataFrame(
        {
            "size": grouped.size(),
            "n_accounts": grouped["account_id"].nunique(),
            "first_ts": grouped["ts"].min(),
            "last_ts": grouped["ts"].max(),
            "representative_event_id": first["event_id"],
            "representative_text": first["text"],
        }
    )
    summary = summary.sort_values(
        ["size", "first_ts", "representative_event_id"], ascending=[False, True, True], kind="mergesort"
    )
    summary["cluster_id"] = np.arange(len(summary), dtype=np.int64)
    accounts = {g: sorted(set(acc))[:MAX_ACCOUNTS_LISTED] for g, acc in grouped["account_id"]}
    summary["accounts"] = pd.Series([accounts[g] for g in summary.index], index=summary.index, dtype=object)
    cluster_of = summary["cluster_id"]
    member_cluster = cluster_of.reindex(members["_group"].to_numpy()).to_numpy(dtype=np.int64)
    table = summary.reset_index(drop=True)[list(CLUSTER_COLUMNS)]
    table = table.astype(
        {
            "size": np.int64,
            "n_accounts": np.int64,
            "first_ts": np.int64,
            "last_ts": np.int64,
            "representative_event_id": "string",
            "representative_text": "string",
        }
    )
    return table, member_cluster


def text_cluster_shares(members: pd.DataFrame) -> pd.DataFrame:
    """Share table for co-action on the text-cluster object.

    Parameters
    ----------
    members : DataFrame
        ``event_id, account_id, ts, _cluster`` of the events in clusters.

    Returns
    -------
    DataFrame
        ``object_id`` (cluster id as a string), ``account_id``, ``content_id``
        (event id), ``ts`` (seconds), sorted.
    """
    if members.empty:
        return pd.DataFrame(
            {
                "object_id": pd.Series(dtype="string"),
                "account_id": pd.Series(dtype="string"),
                "content_id": pd.Series(dtype="string"),
                "ts": pd.Series(dtype=np.int64),
            }
        )
    shares = pd.DataFrame(
        {
            "object_id": members["_cluster"].astype(str).astype("string"),
            "account_id": members["account_id"].astype("string"),
            "content_id": members["event_id"].astype("string"),
            "ts": members["ts"].astype(np.int64),
        }
    )
    cols = ["object_id", "account_id", "content_id", "ts"]
    return shares.sort_values(cols, kind="mergesort").reset_index(drop=True)


def _edges(
    shares: pd.DataFrame, window: int | None, coaction_params: CoactionParams | None
) -> tuple[CoactionResult, pd.DataFrame]:
    from detector.evidence.coaction import CoactionParams, coaction_edges  # noqa: F811 (runtime import)

    if coaction_params is None:
        coaction_params = CoactionParams(window=window)
    result = coaction_edges(shares, coaction_params)
    return result, result.edges

"""Timing evidence: account pairs whose activity series move together.

Humans cannot stay synchronised for long; automated accounts run from one
scheduler can (DeBot, Chavoshi et al. 2016). Each account's events are binned
(``bin_s`` seconds, default :data:`detector.thresholds.TIMING_BIN_S`) into a sparse activity series; candidate pairs
get the maximum over lags in ``[-max_lag_bins, max_lag_bins]`` of the Pearson
correlation of their series (window and formula:
:mod:`detector.kernels.timing`). Pairs at or above ``min_correlation`` with
enough co-active bins become an edge layer for the coordination network.

Candidates come from outside (co-action or near-duplicate edges) and/or from
MinHash/LSH over each account's set of active coarse bins (``lsh_bin_s``), so
the cost is not quadratic in the number of accounts.

Calibration of the default threshold
------------------------------------
``min_correlation = 0.3`` was set on *simulated circadian humans*, not on any
test fixture (simulator: ``test_timing_sim.py``; check:
``test_timing_evidence.py``): 600 accounts over 14 days with heavy-tailed
(log-normal, median 15) daily rates clipped to 2-300 events/day, Poisson
activity modulated by a diurnal profile in four time zones, plus 20 shared
"news" hours in which everyone is twice as active. Over all ~180,000 human
pairs (every pair, not only LSH candidates) the largest lag-tolerant
correlation at 60 s bins and L = 2 was 0.09-0.13 over three seeds (99.99th
percentile 0.065-0.08); a stress variant with 40 news hours at 4x activity
reached 0.19. Bots following one schedule (``synchronised_bots``: 300 actions
in 14 days, 85% participation, lags up to 90 s, 2 own events a day) with
Gaussian jitter of 15 s score 0.36-0.62 (5 seeds, all pairs kept); with 30 s
jitter 0.28-0.43 (98% kept). Larger jitter is left to the co-action layer: the
correlation only tolerates a constant lag, and coarser bins raise the
correlation of humans quickly (max 0.29-0.36 at 300 s, 0.8 at 1 h), hence the
60 s default.

Edges are *synchrony*, not proof of coordination: accounts that repost one
source within seconds (fans of an idol, an official's automated amplifiers)
correlate with it and with each other; scoring must combine this layer with
other evidence.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from detector import thresholds as th
from detector.kernels.minhash import (
    band_hashes,
    datasketch_permutations,
    gather_sets,
    lsh_candidate_pairs,
    minhash_signatures,
)
from detector.kernels.timing import (
    activity_series,
    co_active_span,
    lagged_correlation,
)
from detector.schema import encode

__all__ = [
    "EDGE_COLUMNS",
    "TimingParams",
    "activity",
    "lsh_candidates",
    "pair_correlation",
    "timing_edges",
]

_EDGE_DTYPES: dict[str, str] = {
    "account_a": "string",
    "account_b": "string",
    "weight": "float64",
    "correlation": "float64",
    "best_lag_s": "int64",
    "overlap_bins": "int64",
    "n_bins_a": "int64",
    "n_bins_b": "int64",
    "first_co_ts": "int64",
    "last_co_ts": "int64",
}

EDGE_COLUMNS: tuple[str, ...] = tuple(_EDGE_DTYPES)
"""Columns of :func:`timing_edges`, in order."""


@dataclass(frozen=True)
class TimingParams:
    """Options of :func:`timing_edges` (all times in seconds).

    Attributes
    ----------
    bin_s : int
        Width of an activity bin (seconds).
    max_lag_bins : int
        Lag tolerance L: lags in ``[-L, L]`` bins are tried (``best_lag_s``
        reports the one chosen; positive = ``account_b`` acts after
        ``account_a``).
    min_active_bins : int
        Accounts with fewer active bins are never correlated (too little
        data: two accounts with 3 posts each can coincide by chance).
    min_correlation : float
        Keep pairs whose best correlation is at least this (see the module
        docstring for the calibration).
    min_overlap_bins : int
        Keep pairs with at least this many co-active bins at the best lag.
    presence : bool
        Correlate presence (1 per active bin) instead of event counts, so one
        burst of many events in a bin does not dominate.
    lsh : bool or None
        Generate candidates by MinHash/LSH over active coarse bins. ``None``:
        only when no candidates are passed in.
    lsh_bin_s : int
        Width of the coarse bins hashed for candidates (seconds).
    lsh_bands, lsh_rows : int
        LSH banding: a pair becomes a candidate when all ``lsh_rows`` MinHash
        values of one of ``lsh_bands`` bands agree (probability
        ``1 - (1 - J**rows)**bands`` for Jaccard similarity ``J``).
    lsh_max_bucket : int
        LSH buckets with more accounts emit only ``lsh_neighbours`` pairs per
        account (linear instead of quadratic; counted in the result attrs).
    lsh_neighbours : int
        See ``lsh_max_bucket``.
    seed : int
        Seed of the MinHash functions (same seed -> same candidates).
    """

    bin_s: int = th.TIMING_BIN_S
    max_lag_bins: int = 2
    min_active_bins: int = 10
    min_correlation: float = 0.3
    min_overlap_bins: int = 5
    presence: bool = False
    lsh: bool | None = None
    lsh_bin_s: int = 600
    lsh_bands: int = 16
    lsh_rows: int = 3
    lsh_max_bucket: int = 500
    lsh_neighbours: int = 10
    seed: int = 0

    def __post_init__(self) -> None:
        if self.bin_s < 1 or self.lsh_bin_s < 1:
            raise ValueError("bin_s and lsh_bin_s must be >= 1 second")
        if self.max_lag_bins < 0:
            raise ValueError("max_lag_bins must be >= 0")
        if self.lsh_bands < 1 or self.lsh_rows < 1:
            raise ValueError("lsh_bands and lsh_rows must be >= 1")
        if self.lsh_max_bucket < 2 or self.lsh_neighbours < 1:
            raise ValueError("lsh_max_bucket must be >= 2 and lsh_neighbours >= 1")


@dataclass(frozen=True)
class Activity:
    """Sparse binned activity of every account (CSR; see :func:`activity`)."""

    accounts: np.ndarray  # account_id per code (sorted)
    offsets: np.ndarray  # int64, len(accounts) + 1
    bins: np.ndarray  # int64 active bins per account
    counts: np.ndarray  # int64 events per active bin
    bin_s: int

    @property
    def n_bins(self) -> np.ndarray:
        """Number of active bins per account code."""
        return np.diff(self.offsets)


def _sorted_codes(events: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    codes, uniques = encode(events["account_id"])
    ts = events["ts"].to_numpy(dtype=np.int64)
    order = np.lexsort((ts, codes))
    return codes[order], ts[order], uniques


def activity(events: pd.DataFrame, bin_s: int = th.TIMING_BIN_S) -> Activity:
    """Bin each account's events into ``bin_s``-second bins (UTC seconds).

    Account codes number the sorted unique ``account_id`` values.
    """
    codes, ts, uniques = _sorted_codes(events)
    offsets, bins, counts = activity_series(codes, ts // bin_s, len(uniques))
    return Activity(uniques, offsets, bins, counts, int(bin_s))


def _coarsen(act: Activity, coarse_s: int) -> tuple[np.ndarray, np.ndarray]:
    """Each account's set of active coarse bins (CSR offsets, items)."""
    codes = np.repeat(np.arange(len(act.accounts), dtype=np.int32), act.n_bins)
    coarse = (act.bins * act.bin_s) // coarse_s
    offsets, items, _ = activity_series(codes, coarse, len(act.accounts))
    return offsets, items


def lsh_candidates(
    act: Activity, eligible: np.ndarray, params: TimingParams
) -> tuple[np.ndarray, np.ndarray, int]:
    """Candidate pairs (codes ``a < b``, unique, sorted) from MinHash/LSH on active coarse bins.

    Parameters
    ----------
    act : Activity
        Fine activity series (see :func:`activity`).
    eligible : bool array
        Accounts that may take part (enough active bins).
    params : TimingParams
        ``lsh_*`` options and ``seed``.

    Returns
    -------
    pa, pb : int64 arrays
    n_capped : int
        LSH buckets over ``lsh_max_bucket`` (their pairs were thinned).
    """
    rows = np.flatnonzero(eligible).astype(np.int64)
    if len(rows) < 2:
        empty = np.zeros(0, np.int64)
        return empty, empty, 0
    offsets, items = _coarsen(act, params.lsh_bin_s)
    # the one MinHash/LSH stack (detector.kernels.minhash), as for near-duplicate texts:
    # each account's set of active coarse bins is a "document", its bins the hash values
    sets, set_offsets = gather_sets(items.astype(np.uint64), offsets, rows)
    a, b = datasketch_permutations(params.lsh_bands * params.lsh_rows, params.seed % (1 << 32))
    sig = minhash_signatures(sets, set_offsets, a, b)
    bh = band_hashes(sig, params.lsh_bands, params.lsh_rows)
    i, j, n_capped = lsh_candidate_pairs(bh, params.lsh_max_bucket, neighbours=params.lsh_neighbours)
    return rows[i], rows[j], n_capped  # rows ascend: pairs stay a < b, unique and sorted


def _unique_pairs(pa: np.ndarray, pb: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Order each pair ``a < b``, drop self pairs and duplicates, sort.

    Pairs that already ascend strictly (candidates from
    :func:`detector.scoring.combine.repeated_pairs` do) are not sorted again.
    """
    a = np.minimum(pa, pb).astype(np.int64)
    b = np.maximum(pa, pb).astype(np.int64)
    keep = a != b
    key = a[keep] * np.int64(n) + b[keep]
    del a, b, keep
    if key.size > 1 and not bool((key[1:] > key[:-1]).all()):
        key = np.unique(key)
    return key // n, key % n


def _external_candidates(
    candidates: pd.DataFrame, accounts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Map a DataFrame[account_a, account_b] of ids to code pairs (unknown ids dropped).

    Each column is hashed once per distinct id (categorical columns, as from
    :func:`detector.scoring.combine.repeated_pairs`, are not hashed per row at all).
    """
    index = pd.Index(accounts)
    ca, cb = (_account_codes(candidates[end], index) for end in ("account_a", "account_b"))
    known = (ca >= 0) & (cb >= 0)
    return _unique_pairs(ca[known], cb[known], len(accounts))


def _account_codes(column: pd.Series, accounts: pd.Index) -> np.ndarray:
    """Position of each id of ``column`` in ``accounts`` (``-1``: missing or unknown)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        ids, uniques = column.cat.codes.to_numpy(), column.cat.categories.astype(object)
    else:
        ids, uniques = pd.factorize(column.astype(object).to_numpy())
    lookup = np.append(accounts.get_indexer(uniques), -1)  # code -1 (missing) takes the appended -1
    return lookup[ids]


def pair_correlation(
    act: Activity, pa: np.ndarray, pb: np.ndarray, max_lag_bins: int, presence: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lag-tolerant correlation of code pairs: ``(corr, best_lag_bins, overlap_bins)``.

    ``pa`` and ``pb`` are account codes of ``act`` (``ValueError`` when out of
    range); see :func:`detector.kernels.timing.lagged_correlation`.
    """
    pa = np.asarray(pa, dtype=np.int64)
    pb = np.asarray(pb, dtype=np.int64)
    n = len(act.accounts)
    if len(pa) != len(pb):
        raise ValueError("pa and pb must have the same length")
    if len(pa) and (min(pa.min(), pb.min()) < 0 or max(pa.max(), pb.max()) >= n):
        raise ValueError("account code out of range")
    values = np.ones(len(act.counts)) if presence else act.counts.astype(np.float64)
    return lagged_correlation(act.offsets, act.bins, values, pa, pb, int(max_lag_bins))


def _empty_edges(attrs: dict) -> pd.DataFrame:
    out = pd.DataFrame({c: pd.Series([], dtype=d) for c, d in _EDGE_DTYPES.items()})
    out.attrs.update(attrs)
    return out


def timing_edges(
    events: pd.DataFrame, candidates: pd.DataFrame | None = None, params: TimingParams | None = None
) -> pd.DataFrame:
    """Timing-correlation edge layer.

    Parameters
    ----------
    events : DataFrame
        Canonical events (needs ``account_id`` and ``ts`` in UTC seconds).
    candidates : DataFrame[account_a, account_b], optional
        Pairs to test (e.g. co-action or near-duplicate edges); ids absent
        from ``events`` are ignored. When ``None`` (or ``params.lsh`` is
        true) candidates also come from MinHash/LSH over active bins.
    params : TimingParams, optional
        Thresholds and options (defaults: ``TimingParams()``).

    Returns
    -------
    DataFrame
        One row per unordered pair passing the thresholds, sorted by
        ``(account_a, account_b)`` with ``account_a < account_b``:
        ``weight`` (= ``correlation``), ``correlation`` (best lag-tolerant
        Pearson correlation), ``best_lag_s`` (seconds; positive =
        ``account_b`` after ``account_a``), ``overlap_bins`` (co-active bins at
        the best lag), ``n_bins_a`` / ``n_bins_b`` (active bins of each),
        ``first_co_ts`` / ``last_co_ts`` (UTC seconds: start of the first and
        last bin where both are active at the best lag, in ``account_a``'s
        time; ``-1`` when never co-active, possible only with
        ``min_overlap_bins=0``).
        ``DataFrame.attrs`` records the parameters, ``n_candidates`` (pairs
        tested), ``n_eligible_accounts`` and ``lsh_capped_buckets``.
    """
    params = params or TimingParams()
    attrs = {
        "params": asdict(params),
        "n_candidates": 0,
        "n_eligible_accounts": 0,
        "lsh_capped_buckets": 0,
    }
    if len(events) == 0:
        return _empty_edges(attrs)
    act = activity(events, params.bin_s)
    n_bins = act.n_bins
    eligible = n_bins >= params.min_active_bins
    attrs["n_eligible_accounts"] = int(eligible.sum())
    parts_a, parts_b = [], []
    if candidates is not None and len(candidates):
        ea, eb = _external_candidates(candidates, act.accounts)
        parts_a.append(ea)
        parts_b.append(eb)
    if params.lsh or (params.lsh is None and candidates is None):
        la, lb, capped = lsh_candidates(act, eligible, params)
        parts_a.append(la)
        parts_b.append(lb)
        attrs["lsh_capped_buckets"] = capped
    if not parts_a:
        return _empty_edges(attrs)
    pa, pb = _unique_pairs(np.concatenate(parts_a), np.concatenate(parts_b), len(act.accounts))
    keep = eligible[pa] & eligible[pb]
    pa, pb = pa[keep], pb[keep]
    attrs["n_candidates"] = len(pa)
    corr, lag, overlap = pair_correlation(act, pa, pb, params.max_lag_bins, params.presence)
    ok = (corr >= params.min_correlation) & (overlap >= params.min_overlap_bins)
    pa, pb = pa[ok], pb[ok]
    first, last = co_active_span(act.offsets, act.bins, pa, pb, lag[ok])
    out = pd.DataFrame(
        {
            "account_a": pd.array(act.accounts[pa], dtype="string"),
            "account_b": pd.array(act.accounts[pb], dtype="string"),
            "weight": corr[ok],
            "correlation": corr[ok],
            "best_lag_s": lag[ok] * np.int64(params.bin_s),
            "overlap_bins": overlap[ok],
            "n_bins_a": n_bins[pa],
            "n_bins_b": n_bins[pb],
            "first_co_ts": np.where(first >= 0, first * np.int64(params.bin_s), -1),
            "last_co_ts": np.where(last >= 0, last * np.int64(params.bin_s), -1),
        }
    )
    out = out.sort_values(["account_a", "account_b"], kind="stable", ignore_index=True)
    out.attrs.update(attrs)
    return out

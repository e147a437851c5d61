"""The scan: read tables -> evidence layers -> scores -> report dict -> files.

:func:`run_scan` is what ``detector scan``, ``detector hashtag`` and
``detector account`` call; :func:`write_outputs` writes the files. Stages
(each timed, seconds, in :attr:`ScanResult.timings`; not in the report, so
that the same input and seed give the same report bytes):

1. ``filter``: ``since``/``until`` (UTC seconds); with a hashtag focus the
   hashtag's posts plus reposts/quotes/replies of them are set aside for the
   report, while evidence and scores use every event, so accounts are
   compared with the whole input, not only with the hashtag's (possibly
   campaign-dominated) users;
2. ``coaction``: one co-action layer per object kind in ``params.objects``
   (:mod:`detector.evidence.coaction`);
3. ``neardup``: near-duplicate texts (:mod:`detector.evidence.neardup`);
4. ``timing``: timing correlation of the pairs found so far with repeated
   evidence (two or more objects in sync, or shared text)
   (:mod:`detector.evidence.timing`);
5. ``features``: per-account behaviour (:mod:`detector.evidence.features`);
6. ``network``: the window-free ``url_recurring`` layer
   (:func:`detector.scoring.signals.recurring_object_edges`: the same uncommon
   links at any time, for slow campaigns), layers
   combined (:mod:`detector.scoring.combine`) and the
   pairs with repeated evidence (:func:`repeated_edges`) clustered with
   Leiden (:func:`detector.scoring.network.communities`); ``url_recurring``
   ties among the accounts left unclustered are clustered apart
   (:func:`detector.scoring.signals.recurring_clusters`), then the pairs of
   accounts still left out that acted in the window together at least once
   (:func:`detector.scoring.signals.burst_clusters`: rotating pools);
7. ``scoring``: unsupervised conjunction scorer or a trained model;
8. ``officials``: centrality and amplification audit of official accounts;
9. ``report``: the report dict (``detector/report/SCHEMA.md``).

An evidence module that is not installed is skipped and the report says so
(``methods.notes``), so a partial install still produces a report.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from detector import __version__
from detector.progress import progress
from detector.report import json_report as jr
from detector.schema import normalize_hashtag, normalize_mention
from detector.scoring.combine import LAYER_DESCRIPTIONS, combine_layers, repeated_pairs
from detector.scoring.scores import FAMILIES, ScoreParams, evidence_coverage, score_accounts
from detector.scoring.signals import (
    behaviour_signals,
    burst_clusters,
    cluster_signals,
    cluster_sync_share,
    network_signals,
    recurring_clusters,
    recurring_object_edges,
)

__all__ = ["DEFAULT_OBJECTS", "ScanParams", "ScanResult", "filter_events", "run_scan", "write_outputs"]

DEFAULT_OBJECTS: tuple[str, ...] = ("repost", "quote", "reply", "url", "hashtag", "text")
"""Co-action object kinds used by default (``domain`` is left out: too coarse)."""


@dataclass(frozen=True)
class ScanParams:
    """Everything that changes a scan's result (all recorded in the report).

    Attributes
    ----------
    window : int or None
        Co-action window in seconds; ``None`` estimates it from the data
        (CooRnet's rule, see :mod:`detector.evidence.coaction`).
    objects : tuple of str
        Co-action object kinds.
    min_participation : int
        Minimum shares for an account to enter co-action.
    neardup_threshold : float
        MinHash Jaccard threshold for near-duplicate texts.
    timing : bool
        Compute the timing-correlation layer.
    timing_bin_s : int
        Timing bin width, seconds.
    since, until : int or None
        Keep events with ``since <= ts <= until`` (UTC seconds).
    hashtag : str or None
        Focus on one hashtag (``detector hashtag``).
    account : str or None
        Focus on one account, id or handle (``detector account``).
    flag_threshold : float
        Score at or above which an account or cluster is flagged.
    min_cluster_size : int
        Clusters smaller than this get a damped score.
    model : str or None
        Path of a model trained with ``detector train`` (pickle: code!).
    seed : int
        Seed for Leiden and everything else random.
    timeline_bin_s : int or None
        Timeline bin width; ``None`` picks a round width for <= 150 bins.
    """

    window: int | None = None
    objects: tuple[str, ...] = DEFAULT_OBJECTS
    min_participation: int = 2
    neardup_threshold: float = 0.7
    timing: bool = True
    timing_bin_s: int = 60
    since: int | None = None
    until: int | None = None
    hashtag: str | None = None
    account: str | None = None
    flag_threshold: float = 0.5
    min_cluster_size: int = 3
    model: str | None = None
    seed: int = 0
    timeline_bin_s: int | None = None


@dataclass
class ScanResult:
    """Tables and report of one scan."""

    events: pd.DataFrame
    accounts: pd.DataFrame | None
    scored: pd.DataFrame
    clusters: pd.DataFrame
    edges: pd.DataFrame
    layers: dict[str, pd.DataFrame]
    signals: pd.DataFrame
    officials: pd.DataFrame
    report: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)


@contextlib.contextmanager
def _stage(name: str, timings: dict[str, float]) -> Iterator[None]:
    t0 = time.perf_counter()
    try:
        yield
    finally:
        timings[name] = round(timings.get(name, 0.0) + time.perf_counter() - t0, 4)


def filter_events(
    events: pd.DataFrame, *, since: int | None = None, until: int | None = None, hashtag: str | None = None
) -> pd.DataFrame:
    """Events in ``[since, until]`` (UTC seconds) and, with ``hashtag``, on that hashtag.

    The hashtag focus keeps events whose ``hashtags`` contain it plus
    reposts, quotes and replies whose target is such an event.
    """
    mask = np.ones(len(events), dtype=bool)
    if since is not None:
        mask &= events["ts"].to_numpy() >= since
    if until is not None:
        mask &= events["ts"].to_numpy() <= until
    out = events[mask]
    if hashtag:
        tag = normalize_hashtag(hashtag)
        has = np.fromiter((tag in (h if isinstance(h, list) else []) for h in out["hashtags"]), bool, len(out))
        ids = set(out["event_id"][has].astype(str))
        react = out["kind"].isin(["repost", "quote", "reply"]).to_numpy() & out["target_event_id"].astype(
            "string"
        ).isin(ids).fillna(False).to_numpy(dtype=bool)
        out = out[has | react]
    return out.reset_index(drop=True)


def resolve_account(events: pd.DataFrame, accounts: pd.DataFrame | None, handle: str) -> str | None:
    """Account id for ``handle`` (an id, or a handle matched case-insensitively, ``@`` optional)."""
    ids = set(events["account_id"].astype(str))
    if accounts is not None and len(accounts):
        ids |= set(accounts["account_id"].astype(str))
    if handle in ids:
        return handle
    want = normalize_mention(handle)
    names = pd.concat(
        [
            events[["account_id", "account_name"]],
            accounts[["account_id", "account_name"]] if accounts is not None and len(accounts) else None,
        ]
    ).dropna()
    hit = names[names["account_name"].astype(str).map(normalize_mention) == want]
    return str(sorted(hit["account_id"].astype(str))[0]) if len(hit) else None


# --------------------------------------------------------------------------
# evidence stages
# --------------------------------------------------------------------------


OWN_CONTENT_OBJECTS: tuple[str, ...] = ("url", "domain", "hashtag")
"""Objects taken from the account's own posts, quotes and replies only: a repost carries the
original author's links and hashtags, and the ``repost`` layer already counts it (without
this, one shared repost would count two or three times)."""

CONTENT_OBJECTS: tuple[str, ...] = ("text",)
"""Objects whose co-action window is estimated on their own (copies spread over hours)."""

OWN_WINDOW_OBJECTS: tuple[str, ...] = ("reply", "quote", "url")
"""Objects whose window is estimated from their own shares when there is enough data for it.

A repost is one click; a reply or quote is typed, and a link is pasted into a post of one's
own: people (and campaigns) take longer over them, so the repost window would miss most
replies of a swarm. The time from a hashtag's first use to a later one measures how long
a topic lasts, not how fast anyone reacts: hashtags borrow the link window
(:data:`BORROWED_WINDOWS`), domains keep the repost window."""

BORROWED_WINDOWS: dict[str, str] = {"hashtag": "url"}
"""Objects that take another layer's own estimate. A hashtag, like a link, is typed into a
post of one's own, so it gets the window estimated from links when there is one (the
repost window otherwise); its own estimate would measure how long a topic lasts."""

OWN_WINDOW_MIN_SHARES = 100
"""Later shares needed to estimate an object's own window (the 0.1 quantile of fewer than
100 values rests on fewer than 10 of them); below this the shared window is used."""

WINDOW_BOUNDS_S: tuple[int, int] = (10, 600)
"""Clamp of the estimated shared window: >= 10 s (timestamps are often whole seconds and
automated accounts jitter), <= 10 min (beyond that, using one popular hashtag or link is
not synchrony)."""


def _clamped_window(obj: str, table: pd.DataFrame) -> tuple[int, str, int]:
    """Estimated window of one object kind, clamped to :data:`WINDOW_BOUNDS_S`.

    Returns ``(window_s, description, later_shares)``.
    """
    from detector.evidence.coaction import estimate_window

    value, how, later = estimate_window(table, with_count=True)
    lo, hi = WINDOW_BOUNDS_S
    return int(min(max(value, lo), hi)), f"{obj} shares, {how}, clamped to [{lo}, {hi}] s", later


def _shared_window(shares: Mapping[str, pd.DataFrame], params: ScanParams) -> tuple[int | None, str]:
    """The co-action window of the action objects without one of their own (repost, hashtag...)."""
    if params.window is not None:
        return int(params.window), "given"
    for obj in ("repost", "url", "quote", "reply", "hashtag"):
        table = shares.get(obj)
        if table is not None and len(table):
            window, how, _ = _clamped_window(obj, table)
            return window, how
    return None, "auto per object"


def _object_windows(
    shares: Mapping[str, pd.DataFrame], shared: tuple[int | None, str], params: ScanParams
) -> dict[str, tuple[int | None, str]]:
    """``(window_s, how)`` per object kind: given, its own estimate (:data:`OWN_WINDOW_OBJECTS`),
    borrowed from another kind's own estimate (:data:`BORROWED_WINDOWS`) or the shared one;
    ``None`` for content objects without a given window (estimated by the layer itself)."""
    out: dict[str, tuple[int | None, str]] = {}
    own: dict[str, tuple[int, str]] = {}
    for obj, table in shares.items():
        if params.window is None and obj in OWN_WINDOW_OBJECTS and len(table):
            window, how, later = _clamped_window(obj, table)
            if later >= OWN_WINDOW_MIN_SHARES:
                own[obj] = (window, how)
            else:
                out[obj] = (shared[0], f"{shared[1]} (too few {obj} shares for an own estimate: {later})")
    for obj in shares:
        lender = BORROWED_WINDOWS.get(obj)
        if obj in CONTENT_OBJECTS:
            out[obj] = (params.window, "given" if params.window is not None else "auto")
        elif obj in own:
            out[obj] = own[obj]
        elif params.window is None and lender in own:
            out[obj] = (own[lender][0], f"the {lender} window ({own[lender][1]})")
        else:
            out.setdefault(obj, shared)
    return out


def normalized_texts(events: pd.DataFrame) -> pd.Series:
    """Normalised text (:func:`detector.text.normalize_texts`) of every event that is not a repost.

    Computed once per scan and shared by the identical-text co-action layer and
    near-duplicates (missing text gives ``""``); indexed like ``events``.
    """
    from detector.text import normalize_texts

    sel = events["text"][events["kind"].ne("repost").to_numpy()]
    raw = [t if isinstance(t, str) else None for t in sel.tolist()]
    return pd.Series(normalize_texts(raw), index=sel.index, dtype=object)


def _coaction_layers(
    events: pd.DataFrame, params: ScanParams, notes: list[str], normalized_text: pd.Series | None = None
) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame], dict[str, Any]]:
    try:
        from detector.evidence.coaction import CoactionParams, coaction_edges, share_table
    except ImportError:
        notes.append("co-action evidence unavailable (detector.evidence.coaction not installed)")
        return {}, {}, {}
    layers: dict[str, pd.DataFrame] = {}
    own = events[events["kind"].ne("repost").to_numpy()]
    shares = {
        obj: share_table(own if obj in OWN_CONTENT_OBJECTS else events, obj, normalized_text=normalized_text)
        for obj in params.objects
    }
    shared = _shared_window(shares, params)
    info: dict[str, Any] = {"_window": {"window_s": shared[0], "method": shared[1]}}
    windows = _object_windows(shares, shared, params)
    for obj in progress(params.objects, desc="co-action", unit="layer"):
        table = shares[obj]
        if table.empty:
            continue
        win, how = windows[obj]
        res = coaction_edges(
            table, CoactionParams(window=win, min_participation=params.min_participation, keep_pairs=False)
        )
        layers[obj] = res.edges
        capped = res.capped_objects
        info[obj] = {
            "window_s": int(res.window_s),
            "window_method": res.window_method if win is None else how,
            "edges": int(len(res.edges)),
            "capped_objects": int(len(capped)),
        }
        if len(capped):
            notes.append(f"{obj}: {len(capped)} viral object(s) hit the co-action explosion cap and were skipped")
    return layers, shares, info


def _neardup_layer(
    events: pd.DataFrame, params: ScanParams, notes: list[str], normalized_text: pd.Series | None = None
) -> tuple[pd.DataFrame | None, pd.Series | None, int]:
    try:
        from detector.evidence.neardup import find_near_duplicates
    except ImportError:
        notes.append("near-duplicate evidence unavailable (detector.evidence.neardup not installed)")
        return None, None, 0
    res = find_near_duplicates(
        events, threshold=params.neardup_threshold, window=params.window, normalized_text=normalized_text
    )
    return res.edges, res.event_cluster, int(len(res.clusters))


def _timing_layer(events: pd.DataFrame, candidates: pd.DataFrame, params: ScanParams, notes: list[str]):
    if not params.timing or candidates.empty:
        return None
    try:
        from detector.evidence.timing import TimingParams, timing_edges
    except ImportError:
        notes.append("timing evidence unavailable (detector.evidence.timing not installed)")
        return None
    return timing_edges(events, candidates[["account_a", "account_b"]], TimingParams(bin_s=params.timing_bin_s, seed=params.seed))


def _features(events: pd.DataFrame, accounts: pd.DataFrame | None, dup_event: pd.Series | None, notes: list[str]):
    try:
        from detector.evidence.features import account_features
    except ImportError:
        notes.append("behaviour features from the built-in fallback (detector.evidence.features not installed)")
        return None
    return account_features(events, accounts, near_duplicate_event=dup_event)


TIE_COLUMNS: list[str] = ["account_a", "account_b", "weight"]
"""The columns clustering and cluster ties read from the combined edges."""


def repeated_edges(
    edges: pd.DataFrame, also: tuple[str, ...] = (), columns: list[str] | None = None
) -> pd.DataFrame:
    """Pairs with repeated evidence: in sync on two or more objects, shared text, or timing.

    ``also`` names further layers whose pairs count (``("url_recurring",)`` for
    the ties that shaped the slow-group clusters).

    A single object shared within the window is what chance produces in any
    large crowd (two people retweeting the same viral post in the same ten
    seconds); such pairs count in each account's number of partners but do
    not shape communities or timing candidates (on a 1M-event scan they are
    most edges and would make Leiden several times slower for no evidence).
    ``columns``: only these columns (a lighter copy on a large scan).
    """
    if edges.empty:
        return edges if columns is None else edges[columns]
    keep = repeated_mask(edges, also)
    return edges[keep] if columns is None else edges.loc[keep, columns]


def repeated_mask(edges: pd.DataFrame, also: tuple[str, ...] = ()) -> np.ndarray:
    """The rows :func:`repeated_edges` keeps, as a bool array (no copy of the table)."""
    keep = edges["n_sync_objects"].to_numpy() >= 2
    for name in ("text", "neardup", "timing", *also):
        if f"w_{name}" in edges.columns:
            keep |= edges[f"w_{name}"].to_numpy() > 0
    return keep


def _communities(edges: pd.DataFrame, seed: int, notes: list[str]) -> pd.Series:
    if edges.empty:
        return pd.Series([], dtype="int64")
    try:
        from detector.scoring.network import communities
    except ImportError:
        notes.append("Leiden unavailable: connected components used as clusters")
        return _components(edges)
    return communities(edges[["account_a", "account_b", "weight"]], weight="weight", seed=seed)


def _components(edges: pd.DataFrame) -> pd.Series:
    import igraph as ig

    names = np.unique(np.concatenate([edges["account_a"].to_numpy(object), edges["account_b"].to_numpy(object)]))
    pos = {n: i for i, n in enumerate(names)}
    g = ig.Graph(n=len(names), edges=[(pos[a], pos[b]) for a, b in zip(edges["account_a"], edges["account_b"], strict=True)])
    return pd.Series(g.connected_components().membership, index=names.astype(str), dtype="int64")


def _drop_small_clusters(membership: pd.Series, min_size: int) -> pd.Series:
    """Drop singleton clusters (ids are kept: communities() numbers by size, singletons last)."""
    if membership.empty:
        return membership
    m = membership.copy()
    m.index = m.index.astype(str)
    sizes = m.map(m.value_counts())
    return m[sizes.to_numpy() >= 2].astype("int64").sort_index()


# --------------------------------------------------------------------------
# officials
# --------------------------------------------------------------------------


def _official_ids(
    events: pd.DataFrame,
    accounts: pd.DataFrame | None,
    officials: str | os.PathLike[str] | pd.DataFrame | None,
    notes: list[str],
) -> set[str]:
    """Account ids of declared official accounts (registry file, or accounts with a role)."""
    try:
        from detector.officials import resolve_officials
    except ImportError:
        return set()
    if not len(events):
        return set()
    match = resolve_officials(officials, events, accounts)
    return set(match.officials["account_id"].astype(str)) if len(match.officials) else set()


def _officials(
    events: pd.DataFrame,
    accounts: pd.DataFrame | None,
    officials: str | os.PathLike[str] | pd.DataFrame | None,
    flagged: set[str],
    cluster_of: Mapping[str, int],
    seed: int,
    notes: list[str],
) -> pd.DataFrame:
    """One row per official account found, with centrality and audit (schema ``officials``)."""
    try:
        from detector.officials import REPORT_KEYS, amplification_audit
    except ImportError:
        notes.append("official-account analysis unavailable (detector.officials not installed)")
        return pd.DataFrame()
    if not len(events):
        return pd.DataFrame()
    audit = amplification_audit(events, officials, flagged, cluster_of, accounts=accounts, seed=seed)
    table = audit.officials
    if table is None or not len(table):
        return pd.DataFrame()
    out = table.reindex(columns=list(REPORT_KEYS))
    return out.sort_values(["in_strength", "account_id"], ascending=[False, True], kind="mergesort").reset_index(
        drop=True
    )


# --------------------------------------------------------------------------
# scan
# --------------------------------------------------------------------------


def run_scan(
    events: pd.DataFrame,
    accounts: pd.DataFrame | None = None,
    *,
    officials: str | os.PathLike[str] | pd.DataFrame | None = None,
    params: ScanParams | None = None,
    command: str = "scan",
    skipped: Mapping[str, int] | None = None,
    progress: bool = True,  # noqa: A002 - kept for the documented signature; bars obey set_quiet
) -> ScanResult:
    """Run every stage on canonical tables and build the report.

    Parameters
    ----------
    events, accounts : DataFrame
        Canonical tables (:mod:`detector.schema`).
    officials : path or DataFrame, optional
        Registry of official accounts; default: accounts with
        ``official_role`` set.
    params : ScanParams
    command : {"scan", "hashtag", "account"}
        Recorded in the report; ``hashtag``/``account`` add a focus summary.
    skipped : mapping, optional
        Ingest problems by reason, for ``input_summary.skipped``.

    Returns
    -------
    ScanResult
    """
    params = params or ScanParams()
    timings: dict[str, float] = {}
    notes: list[str] = []
    with _stage("filter", timings):
        ev = filter_events(events, since=params.since, until=params.until)
        ev = ev.sort_values(["ts", "event_id"], kind="mergesort").reset_index(drop=True)
        focus_ev = filter_events(ev, hashtag=params.hashtag) if params.hashtag else ev
    with _stage("coaction", timings):
        norm_text = normalized_texts(ev)  # once, for the "text" layer and near-duplicates
        layers, shares, co_info = _coaction_layers(ev, params, notes, norm_text)
    with _stage("neardup", timings):
        nd_edges, dup_event, n_text_clusters = _neardup_layer(ev, params, notes, norm_text)
        del norm_text
        if nd_edges is not None and len(nd_edges):
            layers["neardup"] = nd_edges
    with _stage("timing", timings):
        tm = _timing_layer(ev, repeated_pairs(layers), params, notes)  # = repeated_edges(combine_layers(layers))
        if tm is not None and len(tm):
            layers["timing"] = tm
    with _stage("features", timings):
        feats = _features(ev, accounts, dup_event, notes)
    with _stage("network", timings):
        if "url" in shares:  # the same uncommon links again and again, at any time (slow drip)
            recurring = recurring_object_edges(shares["url"])
            if len(recurring):
                layers["url_recurring"] = recurring
        edges = combine_layers(layers)
        membership = _drop_small_clusters(
            _communities(repeated_edges(edges, columns=TIE_COLUMNS), params.seed, notes), params.min_cluster_size
        )
        membership = recurring_clusters(edges, membership, params.seed)  # slow groups, clustered apart
        membership = burst_clusters(edges, membership, params.seed, params.min_cluster_size)  # rotating pools
    with _stage("scoring", timings):
        index = pd.Index(sorted(ev["account_id"].astype(str).unique()), name="account_id")
        signals = network_signals(edges, index).join(behaviour_signals(ev, accounts, feats))
        clustered = repeated_edges(edges, also=("url_recurring",), columns=TIE_COLUMNS)
        signals = signals.join(cluster_signals(clustered, membership, index, coaction=edges))
        windows = {obj: info.get("window_s") for obj, info in co_info.items() if not obj.startswith("_")}
        signals = signals.join(cluster_sync_share(shares, windows, membership, index))
        exempt = _official_ids(ev, accounts, officials, notes)
        scored, clusters = score_accounts(
            signals,
            membership,
            ScoreParams(flag_threshold=params.flag_threshold, min_cluster_size=params.min_cluster_size),
            exempt=exempt,
            coaction=edges,
        )
        if params.model:
            scored = _apply_model(params.model, signals, scored, clusters)
            notes.append(f"account scores from the trained model {Path(params.model).name} (not the default scorer)")
    flagged = set(scored.loc[scored["flagged"], "account_id"])
    cluster_of = {a: int(c) for a, c in zip(scored["account_id"], scored["cluster_id"], strict=True) if not pd.isna(c)}
    with _stage("officials", timings):
        off_table = _officials(ev, accounts, officials, flagged, cluster_of, params.seed, notes)
    with _stage("report", timings):
        report = _build_report(
            focus_ev, accounts, params, command, skipped, scored, clusters, edges, layers, shares, co_info,
            off_table, flagged, timings, notes, n_text_clusters, evidence_coverage(signals, ev),
        )
    timings["total"] = round(sum(timings.values()), 4)
    return ScanResult(ev, accounts, scored, clusters, edges, layers, signals, off_table, report, timings)


def _apply_model(path: str, signals: pd.DataFrame, scored: pd.DataFrame, clusters: pd.DataFrame) -> pd.DataFrame:
    from detector.scoring.model import load_model, model_features

    model = load_model(path)
    feats = model_features(signals, scored, clusters)
    proba = pd.Series(model.predict(feats), index=feats.index)
    out = scored.copy()
    out["unsupervised_score"] = out["score"]
    out["score"] = np.round(out["account_id"].map(proba).to_numpy(dtype=float), 6)
    out["flagged"] = out["score"] >= 0.5
    out["reasons"] = [
        [f"trained model probability {s:.2f}", *r] if s >= 0.2 else list(r)
        for s, r in zip(out["score"], out["reasons"], strict=True)
    ]
    return out.sort_values(["score", "account_id"], ascending=[False, True], kind="mergesort").reset_index(drop=True)


def _names(events: pd.DataFrame, accounts: pd.DataFrame | None) -> dict[str, str]:
    named = events["account_name"].notna().to_numpy()  # two columns, not a copy of every event
    names = pd.DataFrame({"account_id": events["account_id"][named], "account_name": events["account_name"][named]})
    names = names.drop_duplicates("account_id", keep="last")
    out = dict(zip(names["account_id"].astype(str), names["account_name"].astype(str), strict=True))
    if accounts is not None and len(accounts):
        acc = accounts.dropna(subset=["account_name"])
        for a, n in zip(acc["account_id"].astype(str), acc["account_name"].astype(str), strict=True):
            out.setdefault(a, n)
    return out


def _build_report(
    ev, accounts, params, command, skipped, scored, clusters, edges, layers, shares, co_info,
    off_table, flagged, timings, notes, n_text_clusters, coverage,
) -> dict[str, Any]:
    """Report on the events ``ev`` (all scanned events, or the hashtag's)."""
    names = _names(ev, accounts)
    if params.hashtag:
        # Scores come from the whole input; the report covers the hashtag's accounts.
        present = set(ev["account_id"].astype(str))
        scored = scored[scored["account_id"].isin(present)]
        active = set(scored["cluster_id"].dropna().astype(int))
        clusters = clusters[clusters["cluster_id"].isin(active)] if len(clusters) else clusters
        ids = set(ev["event_id"].astype(str))
        shares = {k: v[v["content_id"].astype(str).isin(ids)] for k, v in shares.items()}
        notes = [
            *notes,
            "hashtag focus: accounts were scored against every account in the input (so a "
            "campaign that dominates the hashtag still stands out); the report covers the "
            "hashtag's posts and the reposts, quotes and replies of them",
        ]
    n_events = ev["account_id"].astype(str).value_counts().to_dict()
    summary = jr.input_summary(ev, accounts, skipped, coverage)
    share = float(ev["account_id"].astype(str).isin(flagged).mean()) if len(ev) else 0.0
    focus_name = f"#{normalize_hashtag(params.hashtag)}" if params.hashtag else None
    verdict = jr.verdict(
        scored, clusters, share, len(ev), focus=focus_name, coverage=coverage, min_cluster_size=params.min_cluster_size
    )
    bin_s = params.timeline_bin_s or jr.auto_bin_seconds(summary["first_ts"], summary["last_ts"])
    parameters = {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(params).items()}
    parameters["window_s"] = params.window
    parameters["window_used_s"] = co_info.get("_window", {}).get("window_s")
    parameters["window_method"] = co_info.get("_window", {}).get("method")
    parameters["coaction_layers"] = {k: v for k, v in co_info.items() if not k.startswith("_")}
    clusters_json = jr.cluster_entries(clusters, scored, edges, ev, shares, names, gaps=layers)
    accounts_json = jr.account_entries(scored, names, n_events)
    officials_json = off_table.to_dict("records") if len(off_table) else []
    focus_summary = _focus_summary(ev, params, scored, clusters, off_table, flagged, names, accounts)
    methods = {
        "thresholds": {
            "flag_threshold": params.flag_threshold,
            "min_cluster_size": params.min_cluster_size,
            "neardup_threshold": params.neardup_threshold,
            **_calibration(),
        },
        "notes": [
            "Every signal is one named evidence test, calibrated against the accounts of this scan "
            "by one rule (detector/scoring/calibrate.py): a value counts only when it is both rare "
            "(empirical upper tail with mid-ranks: nothing outside the top quarter, full from the top 5%) "
            "and far (1 to 3 robust scales above the median, with a floor per kind of signal).",
            "Account score = soft AND of its strongest coordination family (synchrony or duplicate "
            f"text) and its strongest inauthenticity family (young/dormant profile or automated "
            f"timing) ({', '.join(FAMILIES)}). Organic coordination (fans, newsrooms, activists) acts "
            "together but looks authentic and scores low; an account that acts with nobody is not "
            "coordinated and scores 0 on its own.",
            "Cluster score = the same soft AND over group tests: binomial enrichment of members in "
            "sync or copying texts, and of young, young-or-dormant, automated, follower-anomalous or "
            "default-profile members and of creation-date batches, against the scan's population "
            "(Bonferroni over every test of the scan; a cluster lends support only on family-wise p < 1%; plus an "
            "effect floor of 20 to 50 points of excess share). A cluster scoring 0.5 or more supports "
            "its members: 1 - (1 - own) * (1 - cluster score * max(strongest family, embeddedness)); "
            "in a cluster of 10 or more, an account's own coordination counts only as far as its "
            "group looks inauthentic. An account outside such a cluster that acted in the window "
            "with 3 or more of its members, who are at least half of everyone it acted in sync with, "
            "is supported by it through its own strongest family only (linked_cluster_id).",
            "Declared official accounts (registry) are scored and explained but never flagged; "
            "their amplification is audited in the officials section.",
            "A flag is evidence for human review, not proof of inauthenticity.",
            *notes,
        ],
        "layers": {
            name: {"edges": int(len(frame)), "description": LAYER_DESCRIPTIONS.get(name, name)}
            for name, frame in sorted(layers.items())
        },
        "text_clusters": n_text_clusters,
    }
    return jr.build_report(
        command=command,
        focus={"hashtag": params.hashtag, "account": params.account},
        parameters=parameters,
        summary=summary,
        verdict_=verdict,
        timeline_bin_s=bin_s,
        timeline_=jr.timeline(ev, flagged, bin_s),
        clusters=clusters_json,
        accounts=accounts_json,
        officials=officials_json,
        methods=methods,
        focus_summary=focus_summary,
        version=__version__,
    )


def _calibration() -> dict[str, float]:
    """The calibration constants of the scorer, for ``methods.thresholds``."""
    from detector.scoring import calibrate as c

    return {
        "tail_ordinary": c.TAIL_ORDINARY,
        "tail_extreme": c.TAIL_EXTREME,
        "effect_ordinary": c.EFFECT_ORDINARY,
        "effect_extreme": c.EFFECT_EXTREME,
        "group_alpha": c.GROUP_ALPHA,
    }


def _focus_summary(ev, params, scored, clusters, off_table, flagged, names, accounts) -> dict[str, Any]:
    if params.hashtag:
        by_acc = ev["account_id"].astype(str)
        fl_cl = set(clusters.loc[clusters["flagged"].astype(bool), "cluster_id"]) if len(clusters) else set()
        in_fl_cl = set(scored.loc[scored["cluster_id"].isin(fl_cl), "account_id"]) if fl_cl else set()
        official_ids = set(off_table["account_id"]) if len(off_table) else set()
        involved = sorted(official_ids & set(by_acc)) + sorted(
            official_ids & set(ev["target_account_id"].dropna().astype(str)) - set(by_acc)
        )
        return {
            "hashtag": normalize_hashtag(params.hashtag),
            "events": int(len(ev)),
            "accounts": int(by_acc.nunique()),
            "flagged_event_share": float(by_acc.isin(flagged).mean()) if len(ev) else 0.0,
            "flagged_cluster_event_share": float(by_acc.isin(in_fl_cl).mean()) if len(ev) else 0.0,
            "officials_involved": [names.get(a, a) for a in involved],
        }
    if params.account:
        return _account_focus(ev, params.account, scored, off_table, flagged, names, accounts)
    return {}


def _account_focus(ev, handle, scored, off_table, flagged, names, accounts) -> dict[str, Any]:
    acc = resolve_account(ev, accounts, handle)
    if acc is None:
        return {"account_id": None, "found": False}
    name = names.get(acc, acc)
    mentions = ev["mentions"].map(lambda m: normalize_mention(name) in m if isinstance(m, list) else False)
    amp = ev[(ev["target_account_id"].astype("string") == acc).fillna(False) | mentions]
    amp = amp[amp["account_id"].astype(str) != acc]
    orig = pd.Series(ev["ts"].to_numpy(), index=ev["event_id"].astype(str)).groupby(level=0).first()
    delay = amp["ts"].to_numpy() - orig.reindex(amp["target_event_id"].astype(str)).to_numpy(dtype=float)
    amp = amp.assign(delay=delay, amp_flagged=amp["account_id"].astype(str).isin(flagged))
    g = amp.groupby(amp["account_id"].astype(str))
    top = pd.DataFrame({"n": g.size(), "median_delay_s": g["delay"].median(), "flagged": g["amp_flagged"].first()})
    top = top.reset_index().sort_values(["n", "account_id"], ascending=[False, True]).head(20)
    row = off_table[off_table["account_id"] == acc].to_dict("records") if len(off_table) else []
    d = amp["delay"].to_numpy(dtype=float)
    d = d[np.isfinite(d)]
    return {
        "account_id": acc,
        "account_name": name,
        "found": True,
        "official": row[0] if row else None,
        "amplifications": int(len(amp)),
        "amplifiers": int(amp["account_id"].nunique()),
        "flagged_amplification_share": float(amp["amp_flagged"].mean()) if len(amp) else 0.0,
        "median_time_to_amplify_s": float(np.median(d)) if d.size else None,
        "share_within_60s": float((d <= 60).mean()) if d.size else None,
        "top_amplifiers": [
            {
                "account_id": r.account_id,
                "account_name": names.get(r.account_id, r.account_id),
                "n": int(r.n),
                "median_delay_s": None if pd.isna(r.median_delay_s) else float(r.median_delay_s),
                "flagged": bool(r.flagged),
            }
            for r in top.itertuples(index=False)
        ],
    }


# --------------------------------------------------------------------------
# outputs
# --------------------------------------------------------------------------

OUTPUT_FILES: tuple[str, ...] = (
    "report.json",
    "accounts.csv",
    "clusters.csv",
    "edges.csv",
    "network.gexf",
    "report.html",
)


def write_outputs(
    result: ScanResult, outdir: str | os.PathLike[str], *, html: bool = True, pseudonymize_key: str | None = None
) -> dict[str, str]:
    """Write the scan's files into ``outdir`` (each atomically); return ``{name: path}``."""
    from detector.report.csvsafe import write_csv

    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, str] = {}
    names = _names(result.events, result.accounts)
    acc = result.scored.copy()
    acc.insert(1, "account_name", acc["account_id"].map(lambda a: names.get(a, a)))
    acc["reasons"] = acc["reasons"].map(lambda r: "; ".join(r))
    write_csv(acc, out / "accounts.csv")
    written["accounts.csv"] = str(out / "accounts.csv")
    cl = result.clusters.copy()
    if len(cl):
        cl["reasons"] = cl["reasons"].map(lambda r: "; ".join(r))
    write_csv(cl, out / "clusters.csv")
    written["clusters.csv"] = str(out / "clusters.csv")
    edges = result.edges
    write_csv(edges, out / "edges.csv", rows=repeated_mask(edges) if len(edges) else None)
    written["edges.csv"] = str(out / "edges.csv")
    if _write_gexf(result, out / "network.gexf", names):
        written["network.gexf"] = str(out / "network.gexf")
    jr.write_report(result.report, out / "report.json")
    written["report.json"] = str(out / "report.json")
    if html:
        try:
            from detector.report.html import write_html
        except ImportError:
            write_html = None
        if write_html is not None:
            write_html(result.report, out / "report.html", pseudonymize_key=pseudonymize_key)
            written["report.html"] = str(out / "report.html")
    return written


GEXF_MAX_EDGES = 50_000
"""At most this many edges in network.gexf (strongest first; edges.csv has them all)."""


def gexf_edges(result: ScanResult, max_edges: int = GEXF_MAX_EDGES) -> pd.DataFrame:
    """Edges for the Gephi file: those touching a flagged account or a reported cluster.

    A full coordination network of a large scan has millions of mostly weak
    edges that Gephi cannot lay out; the suspicious part is what users open.
    """
    edges = result.edges
    if edges.empty:
        return edges
    sc = result.scored
    shown = set(result.clusters.loc[result.clusters["score"] >= 0.2, "cluster_id"]) if len(result.clusters) else set()
    keep_ids = set(sc.loc[sc["flagged"] | sc["cluster_id"].isin(shown), "account_id"])
    touch = np.logical_or(
        edges["account_a"].isin(keep_ids).to_numpy(dtype=bool), edges["account_b"].isin(keep_ids).to_numpy(dtype=bool)
    )
    # sort only the rows that can be among the strongest max_edges (same rows, same order)
    sel = edges.iloc[jr.top_weight_rows(edges, np.flatnonzero(touch), max_edges)]
    sel = sel.sort_values(["weight", "account_a", "account_b"], ascending=[False, True, True], kind="mergesort")
    return sel.head(max_edges).sort_values(["account_a", "account_b"], kind="mergesort")


def _write_gexf(result: ScanResult, path: Path, names: Mapping[str, str]) -> bool:
    """Suspicious part of the coordination network as GEXF (Gephi), node attributes attached."""
    from detector.report.graph_export import write_graph
    from detector.scoring.network import account_graph

    edges = gexf_edges(result)
    graph = account_graph(edges[["account_a", "account_b", "weight", "layers"]])
    sc = result.scored.set_index("account_id")
    ids = graph.vs["name"] if graph.vcount() else []
    pos = sc.index.get_indexer(ids)  # -1: not scored
    found = pos >= 0

    def column(name: str, missing: Any) -> list[Any]:
        values = sc[name].to_numpy(dtype=object)[np.where(found, pos, 0)] if len(sc) else np.zeros(len(ids), object)
        return [v if ok else missing for v, ok in zip(values.tolist(), found.tolist(), strict=True)]

    graph.vs["label"] = [names.get(a, a) for a in ids]
    graph.vs["score"] = [float(v) for v in column("score", 0.0)]
    graph.vs["flagged"] = [bool(v) for v in column("flagged", False)]
    graph.vs["cluster_id"] = [-1 if pd.isna(v) else int(v) for v in column("cluster_id", pd.NA)]
    write_graph(graph, path, fmt="gexf")
    return True

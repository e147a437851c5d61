"""The scan: read tables -> evidence layers -> network -> scores -> officials -> report.

:func:`run_scan` is what ``detector scan``, ``detector hashtag`` and
``detector account`` call (and the public API, :mod:`detector`);
:func:`write_outputs` writes the files. Each stage is timed (seconds, in
:attr:`ScanResult.timings`; not in the report, so that the same input and
seed give the same report bytes):

1. ``filter``: ``since``/``until`` (UTC seconds); with a hashtag focus the
   hashtag's posts plus reposts/quotes/replies of them are set aside for the
   report, while evidence and scores use every event, so accounts are
   compared with the whole input, not only with the hashtag's (possibly
   campaign-dominated) users;
2. evidence layers, from the registry (:mod:`detector.evidence.layers`; each
   declares its inputs, window and outputs; windows from one policy,
   :func:`detector.evidence.windows.window_plan`): ``coaction`` (one layer per
   object kind), ``neardup``, ``timing`` (pairs with repeated evidence so
   far), ``features`` and the window-free ``url_recurring`` and ``domain_recurring``
   (:mod:`detector.evidence.domains`); events that carry
   a date only (``ts_day_only``) are left out of every window-based layer
   (:mod:`detector.evidence.timeres`);
3. ``network``: layers combined (:func:`detector.scoring.combine.combine_layers`),
   the pairs with repeated evidence clustered with Leiden
   (:func:`detector.scoring.network.communities`), communities tied to each other as densely
   as inside merged (:func:`detector.scoring.signals.merge_dense_communities`); ``url_recurring``
   and ``domain_recurring`` ties among
   the accounts left unclustered are clustered apart
   (:func:`detector.scoring.signals.recurring_clusters`) and clusters tied to each other by
   them as densely as inside joined (:func:`detector.scoring.signals.merge_recurring_clusters`:
   a slow group cut in two by the main clustering), then the pairs of
   accounts still left out that acted in the window together at least once
   (:func:`detector.scoring.signals.burst_clusters`: rotating pools). On a
   large graph the main Leiden run goes to a child process
   (:func:`detector.scoring.network.start_communities`) while this process
   computes the signals that need no clusters, matches the officials registry
   and builds the interaction graph of the audit (that work is timed here);
4. ``scoring``: unsupervised conjunction scorer or a trained model, official
   accounts exempt from flags either way;
5. ``officials``: centrality and amplification audit of official accounts;
6. ``report``: the report dict (``detector/report/SCHEMA.md``,
   :mod:`detector.report.scan_report`).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from detector.evidence.layers import (
    ScanContext,
    layer_priors,
    normalized_texts,
    prepare_context,
    registered_layers,
    repeated_layers,
)
from detector.evidence.windows import BORROWED_WINDOWS, CONTENT_OBJECTS, OWN_WINDOW_OBJECTS
from detector.focus import apply_focus_check
from detector.memory import release_unused_memory, time_ordered
from detector.params import DEFAULT_OBJECTS, ScanParams, ScanResult, validate_params
from detector.progress import stage as stage_bar
from detector.report.focus import resolve_account
from detector.report.outputs import OUTPUT_FILES, gexf_edges, write_outputs
from detector.report.scan_report import build_scan_report
from detector.report.verdict import enrich_report
from detector.schema import categorical_ends, normalize_hashtag
from detector.scoring.combine import combine_layers, repeated_edges, repeated_mask
from detector.thresholds import GEXF_MAX_EDGES, OWN_WINDOW_MIN_SHARES, WINDOW_BOUNDS_S

if TYPE_CHECKING:
    from detector.io.log import IngestLog

__all__ = [
    "BORROWED_WINDOWS",
    "CONTENT_OBJECTS",
    "DEFAULT_OBJECTS",
    "GEXF_MAX_EDGES",
    "OUTPUT_FILES",
    "OWN_WINDOW_MIN_SHARES",
    "OWN_WINDOW_OBJECTS",
    "WINDOW_BOUNDS_S",
    "ScanParams",
    "ScanResult",
    "filter_events",
    "gexf_edges",
    "normalized_texts",
    "repeated_edges",
    "repeated_mask",
    "resolve_account",
    "run_scan",
    "write_outputs",
]

TIE_COLUMNS: list[str] = ["account_a", "account_b", "weight"]
"""The columns clustering and cluster ties read from the combined edges."""

KEPT_AFTER_LAYERS: tuple[str, ...] = ("events", "accounts", "shares", "features", "n_text_clusters", "text_posts")
"""Context entries the stages after the layers read; the others are released after their last reader."""


LAYER_COLUMNS_AFTER_COMBINE: tuple[str, ...] = ("account_a", "account_b", "n_objects", "objects", "median_gap_s")
"""Layer columns read once the layers are combined (edges.csv's shared objects, the report's median
gaps per cluster); the others (weights, gap means, timing statistics) are dropped then: at 1M events
they held about 0.3 GB until the files were written. :attr:`ScanResult.layers` keeps these columns."""


def slim_layers(layers: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """``layers`` with only :data:`LAYER_COLUMNS_AFTER_COMBINE` (same rows, same order), the two
    ends categorical (:func:`detector.schema.categorical_ends`; already so when stored)."""
    return {
        name: frame if frame is None else categorical_ends(
            frame[[c for c in frame.columns if c in LAYER_COLUMNS_AFTER_COMBINE]])
        for name, frame in layers.items()
    }


STAGES: tuple[str, ...] = (
    "filter", "coaction", "neardup", "timing", "features", "network", "scoring", "officials", "report",
)
"""The scan's stages in order (one progress bar, :func:`detector.progress.stage`)."""


@contextlib.contextmanager
def _stage(name: str, timings: dict[str, float]) -> Iterator[None]:
    t0 = time.perf_counter()
    try:
        with stage_bar(name, STAGES):
            yield
    finally:
        release_unused_memory()  # the next stage starts from what is held, not from the last stage's peak
        timings[name] = round(timings.get(name, 0.0) + time.perf_counter() - t0, 4)


def filter_events(
    events: pd.DataFrame, *, since: int | None = None, until: int | None = None, hashtag: str | None = None
) -> pd.DataFrame:
    """Events in ``[since, until]`` (UTC seconds) and, with ``hashtag``, on that hashtag.

    The hashtag focus keeps events whose ``hashtags`` contain it plus
    reposts, quotes and replies whose target is such an event.
    """
    if since is None and until is None and not hashtag:
        return events.reset_index(drop=True)  # no copy (copy-on-write)
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


def run_layers(ctx: ScanContext, timings: dict[str, float], *, child_min_events: int | None = None) -> None:
    """Run every registered evidence layer on ``ctx``, in order, each timed in its stage.

    On ``child_min_events`` events or more (default
    :data:`detector.evidence.layer_child.LAYER_CHILD_MIN_EVENTS`), the layers that read base
    inputs only (``EvidenceLayer.detach``: near-duplicates) are started in child processes
    first, so they run on the other core while the layers before them run here; each is
    stored at its own turn, so the context (and every output) is the same.
    """
    from detector.evidence import layer_child

    layers = registered_layers()
    last_use = {name: i for i, layer in enumerate(layers) for name in layer.inputs}
    min_events = layer_child.LAYER_CHILD_MIN_EVENTS if child_min_events is None else child_min_events
    detached = {  # built in a child process meanwhile (the second core), stored at their turn
        layer.name: layer_child.start_layer(layer, ctx)
        for layer in layers[1:]
        if len(ctx["events"]) >= min_events and layer_child.detachable(layer)
    }
    for i, layer in enumerate(layers):
        with _stage(layer.timing_stage, timings):
            if layer.name in detached:
                produced, info, notes = detached.pop(layer.name).result()
                layer.store(ctx, produced)
                ctx.info.update(info)
                ctx.notes.extend(notes)
            else:
                layer.run(ctx)
        for name in [n for n, last in last_use.items() if last == i and n not in KEPT_AFTER_LAYERS]:
            ctx.data.pop(name, None)  # e.g. normalised texts: not needed after near-duplicates


def cluster_network(edges: pd.DataFrame, params: ScanParams) -> pd.Series:
    """Cluster membership (account id -> cluster id) of the combined network.

    Leiden on the pairs with repeated evidence (communities tied as densely as inside merged,
    singletons dropped), then slow groups (``url_recurring``, ``domain_recurring``) and rotating
    pools among the accounts left out.
    """
    return finish_clusters(edges, start_clusters(edges, params), params)


def start_clusters(edges: pd.DataFrame, params: ScanParams):
    """Start Leiden on the pairs with repeated evidence (:func:`detector.scoring.network.start_communities`:
    in a child process on a large graph, so the caller can work meanwhile)."""
    from detector.scoring.network import start_communities

    ties = repeated_edges(edges, also=repeated_layers(), columns=TIE_COLUMNS)
    return start_communities(ties, weight="weight", seed=params.seed)


def finish_clusters(edges: pd.DataFrame, pending, params: ScanParams) -> pd.Series:
    """:func:`cluster_network` from the started Leiden run: communities tied to each other as densely
    as inside merged, singletons dropped, slow groups and rotating pools added.

    Modularity cuts a group whose members act with each other once or twice each (a pool that
    rotates its accounts over the same targets) into small communities that each lack the power
    of the group tests; they are tied to each other, over every combined edge (single co-actions
    too), about as densely as inside, and are one group
    (:func:`detector.scoring.signals.merge_dense_communities`).
    """
    from detector.scoring.signals import (
        burst_clusters,
        merge_dense_communities,
        merge_recurring_clusters,
        recurring_clusters,
    )

    main = pending.result()
    if len(main):
        main.index = main.index.astype(str)
        main = merge_dense_communities(edges[TIE_COLUMNS], main)
    membership = _drop_singletons(main)
    first_slow = int(membership.max()) + 1 if len(membership) else 0
    membership = recurring_clusters(edges, membership, params.seed)  # slow groups, clustered apart
    membership = merge_recurring_clusters(edges, membership, first_slow)  # ... and their pieces the main clustering took
    return burst_clusters(edges, membership, params.seed, params.min_cluster_size)  # rotating pools


def _drop_singletons(membership: pd.Series) -> pd.Series:
    """Drop singleton clusters (ids are kept: communities() numbers by size, singletons last)."""
    if membership.empty:
        return membership
    m = membership.copy()
    m.index = m.index.astype(str)
    sizes = m.map(m.value_counts())
    return m[sizes.to_numpy() >= 2].astype("int64").sort_index()


def account_signals(ctx: ScanContext, edges: pd.DataFrame) -> pd.DataFrame:
    """The signals that do not depend on clusters: network strength per layer, then behaviour
    (index: every account of the events, sorted)."""
    from detector.scoring.signals import behaviour_signals, network_signals

    ev = ctx["events"]
    index = pd.Index(sorted(ev["account_id"].astype(str).unique()), name="account_id")
    behaviour = behaviour_signals(ev, ctx["accounts"], ctx.data.get("features"), posts=_post_languages(ctx))
    return network_signals(edges, index).join(behaviour)


def _post_languages(ctx: ScanContext) -> pd.DataFrame:
    """:func:`detector.evidence.langshift.post_languages` of the scan's events, computed once per scan."""
    from detector.evidence.langshift import post_languages

    if ctx.data.get("post_languages") is None:
        ctx.data["post_languages"] = post_languages(ctx["events"])
    return ctx.data["post_languages"]


def score_scan(
    ctx: ScanContext, edges: pd.DataFrame, membership: pd.Series, exempt: set[str], base: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """``(signals, scored, clusters)``: per-account signals, then the default scorer or a trained model.

    ``exempt`` (official accounts) are scored and explained but never flagged,
    whichever scorer is used. ``base``: :func:`account_signals` of the same
    inputs, when the caller computed it already (while Leiden ran).
    """
    from detector.scoring.scores import ScoreParams, score_accounts
    from detector.scoring.signals import RECURRING_LAYERS, cluster_signals, cluster_sync_share

    params, shares = ctx.params, ctx["shares"]
    signals = account_signals(ctx, edges) if base is None else base
    index = signals.index
    clustered = repeated_edges(edges, also=(*RECURRING_LAYERS, *repeated_layers()), columns=TIE_COLUMNS)
    signals = signals.join(cluster_signals(clustered, membership, index, coaction=edges))
    windows = {obj: ctx.info[obj]["window_s"] for obj in params.objects if obj in ctx.info}
    signals = signals.join(cluster_sync_share(shares, windows, membership, index))
    score_params = ScoreParams(flag_threshold=params.flag_threshold, min_cluster_size=params.min_cluster_size)
    scored, clusters = score_accounts(signals, membership, score_params, exempt=exempt, coaction=edges,
                                      post_languages=_post_languages(ctx))
    if params.model:
        from detector.scoring.model import apply_model

        scored = apply_model(
            params.model, signals, scored, clusters, flag_threshold=params.flag_threshold, exempt=exempt
        )
        ctx.notes.append(f"account scores from the trained model {Path(params.model).name} (not the default scorer)")
    scored = _with_domain_reasons(ctx, scored)
    return signals, scored, clusters


def _with_domain_reasons(ctx: ScanContext, scored: pd.DataFrame) -> pd.DataFrame:
    """Append the co-linked domains reason (:func:`detector.evidence.domains.domain_reasons`) to every
    account that has reasons and linked a concentrated domain: the domains, its posts there, each
    domain's audience and the co-linking test."""
    from detector.evidence.domains import domain_reasons

    colinks = ctx.data.get("domain_colinks")
    if colinks is None or not len(colinks) or "reasons" not in scored.columns:
        return scored
    has = np.fromiter((bool(r) for r in scored["reasons"]), bool, len(scored))
    why = domain_reasons(ctx.data.get("domain_shares"), colinks, scored.loc[has, "account_id"].astype(str).tolist())
    if not why:
        return scored
    out = scored.copy()
    out["reasons"] = [[*r, why[a]] if a in why and r else r for a, r in zip(out["account_id"].astype(str), out["reasons"],
                                                                            strict=True)]
    return out


def official_ids(
    events: pd.DataFrame, accounts: pd.DataFrame | None, officials: str | os.PathLike[str] | pd.DataFrame | None
) -> set[str]:
    """Account ids of declared official accounts (registry file, or accounts with a role)."""
    match = match_officials(events, accounts, officials)
    return set() if match is None else _matched_ids(match)


def match_officials(
    events: pd.DataFrame, accounts: pd.DataFrame | None, officials: str | os.PathLike[str] | pd.DataFrame | None
):
    """The registry matched against the data once per scan (:func:`detector.officials.resolve_officials`;
    ``None`` without events), for the exemption from flags and for the audit."""
    from detector.officials import resolve_officials

    return resolve_officials(officials, events, accounts) if len(events) else None


def official_graph(events: pd.DataFrame, accounts: pd.DataFrame | None) -> tuple | None:
    """``(rows, graph)``: the interaction rows and graph the officials audit reads
    (:func:`detector.evidence.graphs.interaction_rows`, ``graph_from_rows``, kind ``"all"``);
    ``None`` without events."""
    from detector.evidence.graphs import graph_from_rows, interaction_rows

    if not len(events):
        return None
    rows = interaction_rows(events, accounts, "all")
    return rows, graph_from_rows(rows, events, accounts, kind="all")


def _matched_ids(match) -> set[str]:
    return set(match.officials["account_id"].astype(str)) if len(match.officials) else set()


def audit_officials(
    events: pd.DataFrame,
    accounts: pd.DataFrame | None,
    officials: str | os.PathLike[str] | pd.DataFrame | None,
    scored: pd.DataFrame,
    seed: int,
    *,
    match=None,
    graph: tuple | None = None,
) -> pd.DataFrame:
    """One row per official account found, with centrality and audit (schema ``officials``).

    ``match``: :func:`match_officials` of the same inputs, ``graph``: :func:`official_graph`
    of the same events, when the caller has them already.
    """
    from detector.officials import REPORT_KEYS, amplification_audit

    if not len(events):
        return pd.DataFrame()
    flagged = set(scored.loc[scored["flagged"], "account_id"])
    cluster_of = {a: int(c) for a, c in zip(scored["account_id"], scored["cluster_id"], strict=True) if not pd.isna(c)}
    rows, interactions = graph if graph is not None else (None, None)
    table = amplification_audit(
        events, officials, flagged, cluster_of, accounts=accounts, seed=seed, match=match, rows=rows, graph=interactions
    ).officials
    if table is None or not len(table):
        return pd.DataFrame()
    out = table.reindex(columns=list(REPORT_KEYS))
    return out.sort_values(["in_strength", "account_id"], ascending=[False, True], kind="mergesort").reset_index(
        drop=True
    )


def run_scan(
    events: pd.DataFrame,
    accounts: pd.DataFrame | None = None,
    *,
    officials: str | os.PathLike[str] | pd.DataFrame | None = None,
    params: ScanParams | None = None,
    command: str = "scan",
    skipped: Mapping[str, int] | None = None,
    ingest: IngestLog | None = None,
    progress: bool = True,  # noqa: A002 - kept for the documented signature; bars obey set_quiet
) -> ScanResult:
    """Run every stage on canonical tables and build the report.

    Parameters
    ----------
    events, accounts : DataFrame
        Canonical tables (:mod:`detector.schema`), e.g. from :func:`detector.read_inputs`.
    officials : path or DataFrame, optional
        Registry of official accounts; default: accounts with ``official_role`` set.
    params : ScanParams, optional
        Validated once here (:func:`detector.params.validate_params`).
    command : {"scan", "hashtag", "account"}
        Recorded in the report; ``hashtag``/``account`` add a focus summary.
    skipped : mapping, optional
        Ingest problems by reason, for ``input_summary.skipped`` (default: ``ingest.skipped``).
    ingest : IngestLog, optional
        The log of :func:`detector.read_inputs` (``data.log``): its skipped
        records and skipped companion files (``input_summary.skipped_companions``,
        ``verdict.input_warnings``), so the verdict says what the input lacked.

    Returns
    -------
    ScanResult

    Examples
    --------
    >>> from detector.synth import SynthConfig, generate
    >>> data = generate(SynthConfig(accounts=300, days=1, seed=3))
    >>> result = run_scan(data.events, data.accounts, params=ScanParams(timing=False))
    >>> result.report["verdict"]["level"] in {"none", "low", "medium", "high", "undetermined"}
    True
    >>> bool(result.scored["score"].between(0, 1).all())
    True
    """
    params = validate_params(params or ScanParams())
    if ingest is not None and skipped is None:
        skipped = dict(ingest.skipped)
    companions = [c.as_dict() for c in ingest.companions] if ingest is not None else []
    timings: dict[str, float] = {}
    with _stage("filter", timings):
        ev = filter_events(events, since=params.since, until=params.until)
        ev = time_ordered(ev)  # no copy when the input is in time order already
        focus_ev = filter_events(ev, hashtag=params.hashtag) if params.hashtag else ev
    with _stage("coaction", timings):
        ctx = prepare_context(ev, accounts, params)
    run_layers(ctx, timings)
    with _stage("network", timings):
        edges = combine_layers(ctx.layers, prior=layer_priors())
        ctx.layers = slim_layers(ctx.layers)
        pending = start_clusters(edges, params)  # Leiden in a child process on a large graph
        # meanwhile, on this core, the work that needs no clusters (timed in network)
        base = account_signals(ctx, edges)
        match = match_officials(ev, accounts, officials)  # once: exemption from flags, and the audit
        graph_inputs = official_graph(ev, accounts)
        membership = finish_clusters(edges, pending, params)
    with _stage("scoring", timings):
        exempt = set() if match is None else _matched_ids(match)
        signals, scored, clusters = score_scan(ctx, edges, membership, exempt, base=base)
        del base
    with _stage("officials", timings):
        off_table = audit_officials(ev, accounts, officials, scored, params.seed, match=match, graph=graph_inputs)
        del graph_inputs
    result = ScanResult(ev, accounts, scored, clusters, edges, ctx.layers, signals, off_table, {}, timings, ctx["shares"],
                        ctx.data.get("text_posts"))
    with _stage("report", timings):
        from detector.evidence.timeres import timed_coverage
        from detector.scoring.scores import evidence_coverage

        result.report = build_scan_report(
            result, ctx, focus_ev, command=command, skipped=skipped, coverage=timed_coverage(evidence_coverage(signals, ev), ev),
            companions=companions,
        )
        apply_focus_check(result.report, events, ev, focus_ev, accounts, params)  # no verdict without data
        enrich_report(result.report, focus_ev, accounts, scored, params, signals)  # confidence, creation dates, numbers
    timings["total"] = round(sum(timings.values()), 4)
    return result

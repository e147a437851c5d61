"""The report dict of a scan (``detector/report/SCHEMA.md``), assembled from its tables.

:func:`build_scan_report` is the ``report`` stage of
:func:`detector.pipeline.run_scan`; the sections themselves are built by
:mod:`detector.report.json_report`, the focus summaries of ``detector
hashtag`` and ``detector account`` by :mod:`detector.report.focus`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

import pandas as pd

from detector import __version__
from detector.report import json_report as jr
from detector.report.focus import account_names, focus_summary
from detector.schema import normalize_hashtag
from detector.scoring.explain import SCORING_NOTES

if TYPE_CHECKING:
    from detector.evidence.layers import ScanContext
    from detector.params import ScanResult

__all__ = ["HASHTAG_FOCUS_NOTE", "build_scan_report", "report_parameters"]

HASHTAG_FOCUS_NOTE = (
    "hashtag focus: accounts were scored against every account in the input (so a "
    "campaign that dominates the hashtag still stands out); the report covers the "
    "hashtag's posts and the reposts, quotes and replies of them"
)


def report_parameters(ctx: ScanContext) -> dict[str, Any]:
    """``report.json`` ``parameters``: the scan parameters and every window decision."""
    params = ctx.params
    parameters = {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(params).items()}
    parameters["window_s"] = params.window
    parameters["window_used_s"] = ctx.info.get("_window", {}).get("window_s")
    parameters["window_method"] = ctx.info.get("_window", {}).get("method")
    parameters["coaction_layers"] = {k: v for k, v in ctx.info.items() if k in params.objects}
    if "neardup" in ctx.info:
        parameters["neardup_window"] = {k: ctx.info["neardup"][k] for k in ("window_s", "window_method", "edges")}
    return parameters


def _graph_file_notes(result: ScanResult) -> list[str]:
    """A note when network.gexf / network.graphml hold fewer edges than edges.csv."""
    from detector.report.outputs import network_edge_mask
    from detector.thresholds import GEXF_MAX_EDGES

    n = int(network_edge_mask(result).sum())
    if n <= GEXF_MAX_EDGES:
        return []
    return [f"network.gexf and network.graphml hold the {GEXF_MAX_EDGES} strongest of the {n} edges of edges.csv"]


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


def build_scan_report(
    result: ScanResult,
    ctx: ScanContext,
    focus_events: pd.DataFrame,
    *,
    command: str,
    skipped: Mapping[str, int] | None,
    coverage: Mapping[str, float],
    companions: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """Report on ``focus_events`` (all scanned events, or the hashtag's) of a finished scan.

    ``companions``: the ingest's skipped companion files
    (:meth:`detector.io.log.SkippedCompanion.as_dict`), for
    ``input_summary.skipped_companions`` and ``verdict.input_warnings``.
    """
    params, accounts = ctx.params, result.accounts
    ev = focus_events
    scored, clusters, shares, notes = result.scored, result.clusters, result.shares, ctx.notes
    flagged = set(scored.loc[scored["flagged"], "account_id"])
    names = account_names(ev, accounts)
    if params.hashtag:
        # Scores come from the whole input; the report covers the hashtag's accounts.
        present = set(ev["account_id"].astype(str))
        scored = scored[scored["account_id"].isin(present)]
        active = set(scored["cluster_id"].dropna().astype(int))
        clusters = clusters[clusters["cluster_id"].isin(active)] if len(clusters) else clusters
        ids = set(ev["event_id"].astype(str))
        shares = {k: v[v["content_id"].astype(str).isin(ids)] for k, v in shares.items()}
        notes = [*notes, HASHTAG_FOCUS_NOTE]
    n_events = ev["account_id"].astype(str).value_counts().to_dict()
    summary = jr.input_summary(ev, accounts, skipped, coverage, companions)
    share = float(ev["account_id"].astype(str).isin(flagged).mean()) if len(ev) else 0.0
    focus_name = f"#{normalize_hashtag(params.hashtag)}" if params.hashtag else None
    verdict = jr.verdict(
        scored, clusters, share, len(ev), focus=focus_name, coverage=coverage, min_cluster_size=params.min_cluster_size,
        input_warnings=jr.input_warnings(summary["skipped_companions"]),
    )
    bin_s = params.timeline_bin_s or jr.auto_bin_seconds(summary["first_ts"], summary["last_ts"])
    from detector.evidence.layers import layer_descriptions

    descriptions = layer_descriptions()
    notes = [*notes, *_graph_file_notes(result)]
    methods = {
        "thresholds": {
            "flag_threshold": params.flag_threshold,
            "min_cluster_size": params.min_cluster_size,
            "neardup_threshold": params.neardup_threshold,
            **_calibration(),
        },
        "notes": [*SCORING_NOTES, *notes],
        "layers": {
            name: {"edges": int(len(frame)), "description": descriptions.get(name, name)}
            for name, frame in sorted(result.layers.items())
        },
        "text_clusters": ctx.data.get("n_text_clusters", 0),
    }
    return jr.build_report(
        command=command,
        focus={"hashtag": params.hashtag, "account": params.account},
        parameters=report_parameters(ctx),
        summary=summary,
        verdict_=verdict,
        timeline_bin_s=bin_s,
        timeline_=jr.timeline(ev, flagged, bin_s),
        clusters=jr.cluster_entries(
            clusters, scored, result.edges, ev, shares, names, gaps=result.layers, posts=result.text_posts
        ),
        accounts=jr.account_entries(scored, names, n_events),
        officials=result.officials.to_dict("records") if len(result.officials) else [],
        methods=methods,
        focus_summary=focus_summary(ev, params, scored, clusters, result.officials, flagged, names, accounts),
        version=__version__,
    )

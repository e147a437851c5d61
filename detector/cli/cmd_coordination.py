"""``detector coordination``: co-action network (and other evidence layers), clusters, exports.

Evidence layers are built by the functions in :data:`LAYER_BUILDERS`
(``name -> builder(events, options, built) -> Layer``, run in that dict's
order); ``--evidence`` offers exactly their names. Adding a layer is one
builder function plus one entry in that dict (and its own click options, which
arrive in ``options``)::

    def build_timing(events, options, built):
        from detector.evidence.timing import timing_edges
        return Layer(edges=timing_edges(events))

With one layer its edges are used as they are; with several they are merged
with :func:`detector.scoring.combine.combine_layers` (column ``layers`` then
names the evidence types of each edge and cluster).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
import pandas as pd

from detector.cli.common import (
    InputSource,
    emit_summary,
    library_default,
    load_inputs,
    output_options,
    source_options,
    user_errors,
    write_table,
)
from detector.evidence.coaction import CoactionParams, coortweet_network
from detector.params import ScanParams


@dataclass
class Layer:
    """One evidence layer as the command sees it.

    ``edges`` is an edge layer (``account_a < account_b``, ``weight``...);
    ``info`` goes into the summary; ``pairs`` (optional) is written to
    ``pairs.parquet``; ``shares`` (optional) feeds the cluster table's top
    objects; ``edges_out`` (optional) replaces ``edges`` in ``edges.csv``.
    """

    edges: pd.DataFrame
    info: dict[str, Any] = field(default_factory=dict)
    pairs: pd.DataFrame | None = None
    shares: pd.DataFrame | None = None
    edges_out: pd.DataFrame | None = None


def _coortweet_layer(shares: pd.DataFrame, options: Mapping[str, Any]) -> Layer:
    from detector.evidence.coaction import coortweet_detect_groups, estimate_window

    window, method = _planned_window(shares, options)
    if window is None:  # nothing to estimate from
        window, method = estimate_window(shares)
    pairs = coortweet_detect_groups(
        shares, time_window=window, min_participation=options["min_participation"],
        remove_loops=not options["keep_loops"],
    )
    edge_weight = options["edge_percentile"]
    net = coortweet_network(pairs, edge_weight=library_default(coortweet_network, "edge_weight") if edge_weight is None else edge_weight)
    lo = net[["from", "to"]].min(axis=1)
    hi = net[["from", "to"]].max(axis=1)
    edges = (
        net.assign(account_a=lo.astype("string"), account_b=hi.astype("string"), weight=net["weight"].astype(float))
        .drop(columns=["from", "to"])
        .sort_values(["account_a", "account_b"], kind="mergesort")
        .reset_index(drop=True)
    )
    edges = edges[["account_a", "account_b"] + [c for c in edges.columns if c not in ("account_a", "account_b")]]
    info = {"semantics": "coortweet", "window_s": int(window), "window_method": method,
            "share_pairs": len(pairs), "capped_objects": 0}
    return Layer(edges=edges, info=info, pairs=pairs, shares=shares, edges_out=net)


def _planned_window(shares: pd.DataFrame, options: Mapping[str, Any]) -> tuple[int | None, str]:
    """The window of ``--object`` from the scan's window policy (:func:`detector.evidence.windows.window_plan`)."""
    from detector.evidence.windows import window_plan

    decision = window_plan({options["object"]: shares}, options["window"]).for_object(options["object"])
    return decision.window_s, decision.method


def build_coaction(events: pd.DataFrame, options: Mapping[str, Any], built: Mapping[str, Layer]) -> Layer:
    """Co-action layer on the object chosen with ``--object`` (resolved by
    :func:`detector.evidence.objects.resolve_object`), in the scan's window policy."""
    from detector.evidence.coaction import coaction_edges, share_table

    if options["semantics"] == "coortweet":
        # input order kept: CooRTweet's edge orientation follows row order
        return _coortweet_layer(share_table(events, options["object"], sort=False), options)
    shares = share_table(events, options["object"])
    window, method = _planned_window(shares, options)
    params = CoactionParams(
        window=window,
        min_participation=options["min_participation"],
        remove_loops=not options["keep_loops"],
        edge_percentile=options["edge_percentile"],
        fast_window=options["fast_window"],
        max_pairs_per_object=options["max_pairs_per_object"],
    )
    result = coaction_edges(shares, params)
    info = {"semantics": "default", **result.summary()}
    if window is not None:
        info["window_method"] = method
    info["capped_object_ids"] = result.capped_objects["object_id"].astype(str).head(10).tolist()
    return Layer(edges=result.edges, info=info, pairs=result.pairs, shares=shares)


def build_timing(events: pd.DataFrame, options: Mapping[str, Any], built: Mapping[str, Layer]) -> Layer:
    """Timing-correlation layer: co-action pairs as candidates plus LSH over active bins,
    so coordination that shares no object is found too."""
    from detector.evidence.timing import TimingParams, timing_edges

    candidates = [lay.edges[["account_a", "account_b"]] for lay in built.values()]
    edges = timing_edges(
        events,
        pd.concat(candidates, ignore_index=True) if candidates else None,
        TimingParams(lsh=True, seed=options["seed"]),
    )
    return Layer(edges=edges, info=dict(edges.attrs))


LAYER_BUILDERS: dict[str, Callable[[pd.DataFrame, Mapping[str, Any], Mapping[str, Layer]], Layer]] = {
    "coaction": build_coaction,
    "timing": build_timing,
}
"""Evidence layer name -> builder, in build order; a builder sees the layers built before it
(e.g. a timing layer can take the co-action edges as candidate pairs)."""


def build_layers(events: pd.DataFrame, evidence: tuple[str, ...], options: Mapping[str, Any]) -> dict[str, Layer]:
    """Build the selected layers in :data:`LAYER_BUILDERS` order."""
    layers: dict[str, Layer] = {}
    for name, builder in LAYER_BUILDERS.items():
        if name in evidence:
            layers[name] = builder(events, options, layers)
    return layers


def network_edges(layers: Mapping[str, Layer]) -> pd.DataFrame:
    """The edges clustered and exported: the single layer as is, or all layers combined."""
    from detector.scoring.combine import combine_layers

    if len(layers) == 1:
        return next(iter(layers.values())).edges
    return combine_layers({name: lay.edges for name, lay in layers.items()})


def _write_outputs(outdir: Path, layers: dict[str, Layer], edges: pd.DataFrame, seed: int) -> dict[str, Any]:
    from detector.report.csvsafe import write_csv
    from detector.report.graph_export import write_graph
    from detector.scoring.network import account_graph, cluster_table, communities

    outdir.mkdir(parents=True, exist_ok=True)
    membership = communities(edges, weight="weight", seed=seed)
    shares = next((lay.shares for lay in layers.values() if lay.shares is not None), None)
    evidence = "|".join(layers) if "layers" not in edges.columns else None
    clusters = cluster_table(edges, membership, shares=shares, evidence=evidence)
    pairs = next((lay.pairs for lay in layers.values() if lay.pairs is not None), None)
    if pairs is not None:
        write_table(pairs, outdir / "pairs.parquet")
    single = next(iter(layers.values())) if len(layers) == 1 else None
    edges_csv = single.edges_out if single is not None and single.edges_out is not None else edges
    write_csv(edges_csv, outdir / "edges.csv")
    write_csv(clusters, outdir / "clusters.csv")
    graph = account_graph(edges)
    graph.vs["cluster_id"] = [int(membership.get(n, -1)) for n in graph.vs["name"]]
    write_graph(graph, outdir / "network.graphml", fmt="graphml")
    write_graph(graph, outdir / "network.gexf", fmt="gexf")
    return {
        "clusters": len(clusters),
        "clustered_accounts": int(len(membership)),
        "largest_cluster": int(clusters["size"].max()) if len(clusters) else 0,
        "files": sorted(p.name for p in outdir.iterdir() if not p.name.startswith(".")),
    }


@click.command("coordination")
@source_options
@click.option("--object", "obj", default="repost", show_default=True, metavar="KIND|COLUMN",
              help="What counts as the same object: repost, quote, reply, url, domain, hashtag, text, "
                   "a known table's documented name (hashtag_id, url_id, phash_id...) "
                   "or the name of any events column (list columns are exploded).")
@click.option("--evidence", type=click.Choice(sorted(LAYER_BUILDERS)), multiple=True, default=("coaction",),
              show_default=True, help="Evidence layer(s) to build (repeatable).")
@click.option("--window", type=click.IntRange(min=0), default=None, metavar="S",
              help="Co-action window in seconds (inclusive); default: estimated from the data.")
@click.option("--min-participation", type=click.IntRange(min=1), default=library_default(CoactionParams, "min_participation"), show_default=True,
              help="Shares in pairs an account needs to keep its edges.")
@click.option("--edge-percentile", type=click.FloatRange(0, 1), default=None, metavar="P",
              help="Keep edges with weight >= this quantile (coortweet semantics: weight_threshold quantile, "
                   f"default {library_default(coortweet_network, 'edge_weight')}).")
@click.option("--fast-window", type=click.IntRange(min=0), default=None, metavar="S",
              help="Also count pairs within this faster window (weight_fast).")
@click.option("--max-pairs-per-object", type=click.IntRange(min=1), default=library_default(CoactionParams, "max_pairs_per_object"),
              show_default=True,
              help="Skip (and report) objects with more in-window pairs than this.")
@click.option("--keep-loops", is_flag=True, help="Keep pairs of an account (or content) with itself.")
@click.option("--semantics", type=click.Choice(["default", "coortweet"]), default="default", show_default=True,
              help="coortweet: reproduce CooRTweet 2.1.2 detect_groups + generate_coordinated_network.")
@click.option("--seed", type=int, default=library_default(ScanParams, "seed"), show_default=True, help="Leiden seed.")
@click.option("-o", "--output", "outdir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Output directory: pairs.parquet, edges.csv, clusters.csv, network.graphml, network.gexf.")
@output_options
@user_errors
def command(source: InputSource, obj: str, evidence: tuple[str, ...], outdir: Path, seed: int, quiet: bool,
            as_json: bool, **options: Any) -> None:
    """Find accounts that act on the same objects within seconds of each other, repeatedly."""
    from detector.evidence.objects import resolve_object

    options["seed"] = seed
    data = load_inputs(*source, quiet)
    options["object"] = resolve_object(data.events, obj)
    layers = build_layers(data.events, evidence, options)
    edges = network_edges(layers)
    written = _write_outputs(outdir, layers, edges, seed)
    summary = {"object": obj, "object_column": options["object"], "output": str(outdir), "edges": len(edges),
               "layers": {name: lay.info for name, lay in layers.items()}, **written}
    emit_summary(summary, as_json=as_json, quiet=quiet, human=lambda: _human(layers, edges, written, outdir))


def _human(layers: dict[str, Layer], edges: pd.DataFrame, written: dict[str, Any], outdir: Path) -> list[str]:
    lines = []
    for name, lay in layers.items():
        info = lay.info
        if "window_s" in info:
            lines.append(f"{name}: window {info['window_s']} s ({info['window_method']}), "
                         f"{info.get('share_pairs', 0)} share pairs, semantics {info['semantics']}")
        if info.get("capped_objects"):
            lines.append(f"  capped objects (skipped, > --max-pairs-per-object pairs): {info['capped_objects']} "
                         f"e.g. {', '.join(info.get('capped_object_ids', [])[:3])}")
    lines.append(f"{len(edges)} edges, {written['clusters']} clusters "
                 f"(largest {written['largest_cluster']}) -> {outdir}")
    return lines

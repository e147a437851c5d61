"""``detector graph``: export an interaction graph (GraphML, GEXF or edge-list CSV)."""

from __future__ import annotations

import click

from detector.cli.common import (
    InputSource,
    emit_summary,
    kind_option,
    load_inputs,
    output_options,
    registry_option,
    source_options,
    user_errors,
)


@click.command("graph")
@source_options
@kind_option("Interactions that make edges (u -> v: u acted on v); 'all' is their union.")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    help="Output file; format from the extension: .graphml, .gexf or .csv (edge list).",
)
@registry_option(
    "Official-account registry (CSV/YAML): marks official_role/official_country on vertices."
)
@click.option(
    "--self-loops", is_flag=True, help="Keep self-interactions (self-replies, self-mentions)."
)
@output_options
@user_errors
def command(
    source: InputSource,
    kind: str,
    output: str,
    registry: str | None,
    self_loops: bool,
    quiet: bool,
    as_json: bool,
) -> None:
    """Build the directed, weighted interaction graph of INPUT... and write it to a file."""
    from detector.evidence.graphs import export_graph, interaction_graph
    from detector.officials import mark_officials, match_registry, read_registry

    data = load_inputs(*source, quiet)
    graph = interaction_graph(data.events, data.accounts, kind, self_loops=self_loops)
    marked = 0
    if registry:
        marked = mark_officials(
            graph, match_registry(read_registry(registry), data.events, data.accounts).officials
        )
    try:
        written = export_graph(graph, output)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--output") from None
    summary = {
        "output": output,
        "format": written,
        "kind": kind,
        "vertices": graph.vcount(),
        "edges": graph.ecount(),
        "officials_marked": marked,
    }
    emit_summary(
        summary,
        as_json=as_json,
        quiet=quiet,
        human=f"{kind} graph: {graph.vcount()} accounts, {graph.ecount()} edges -> {output} ({written})",
    )

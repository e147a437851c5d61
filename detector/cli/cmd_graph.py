"""``detector graph``: export an interaction graph (GraphML, GEXF or edge-list CSV)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from detector.cli.common import echo_json, input_options, load_inputs, output_options, user_errors
from detector.evidence.graphs import GRAPH_KINDS


def kind_option(help_text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--kind`` (interaction graph kind, default ``all``); shared with ``detector officials``."""
    return click.option(
        "--kind", type=click.Choice(GRAPH_KINDS), default="all", show_default=True, help=help_text
    )


def registry_option(help_text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--registry`` (an existing registry file, optional); shared with ``detector officials``."""
    return click.option(
        "--registry", type=click.Path(exists=True, dir_okay=False), default=None, help=help_text
    )


@click.command("graph")
@input_options
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
    inputs, fmt, mapping, strict, kind, output, registry, self_loops, quiet, as_json
) -> None:
    """Build the directed, weighted interaction graph of INPUT... and write it to a file."""
    from detector.evidence.graphs import export_graph, interaction_graph
    from detector.officials import mark_officials, match_registry, read_registry

    data = load_inputs(inputs, fmt, mapping, strict, quiet)
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
    if as_json:
        echo_json(summary)
    elif not quiet:
        click.echo(
            f"{kind} graph: {graph.vcount()} accounts, {graph.ecount()} edges -> {output} ({written})"
        )

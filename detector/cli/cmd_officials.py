"""``detector officials``: centrality and amplification audit of official accounts."""

from __future__ import annotations

from pathlib import Path

import click

from detector.cli.common import (
    InputSource,
    echo_json,
    kind_option,
    library_default,
    load_inputs,
    output_options,
    registry_option,
    source_options,
    user_errors,
)
from detector.officials.audit import amplification_audit


@click.command("officials")
@source_options
@registry_option(
    "Registry of official accounts (CSV or YAML: handle or account_id, country, role, "
    "optional platform). Default: accounts with official_role in the input."
)
@click.option(
    "--flagged",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Flagged accounts: accounts.csv (account_id + flagged, optional cluster_id) "
    "or a plain list of account ids.",
)
@click.option(
    "-o",
    "--out",
    "outdir",
    required=True,
    type=click.Path(file_okay=False),
    help="Output directory (officials.csv, officials_posts.csv, ...).",
)
@kind_option("Interaction graph used for centrality and PageRank.")
@click.option(
    "--fast-s",
    type=click.FloatRange(min=0),
    default=library_default(amplification_audit, "fast_s"),
    show_default=True,
    help="Amplification within this many seconds counts as fast.",
)
@click.option(
    "--pivots",
    type=click.IntRange(min=1),
    default=library_default(amplification_audit, "pivots"),
    show_default=True,
    help="Source vertices sampled for betweenness on large graphs.",
)
@click.option(
    "--exact-max",
    type=click.IntRange(min=0),
    default=library_default(amplification_audit, "exact_max_vertices"),
    show_default=True,
    help="Exact betweenness up to this many accounts.",
)
@click.option(
    "--seed", type=int, default=library_default(amplification_audit, "seed"), show_default=True, help="Seed for betweenness sampling."
)
@click.option("--all-accounts", is_flag=True, help="Also write centrality.csv for every account.")
@output_options
@user_errors
def command(
    source: InputSource,
    registry: str | None,
    flagged: str | None,
    outdir: str,
    kind: str,
    fast_s: float,
    pivots: int,
    exact_max: int,
    seed: int,
    all_accounts: bool,
    quiet: bool,
    as_json: bool,
) -> None:
    """Centrality and amplification audit of the official accounts in INPUT...

    For each official account: interactions received, share from flagged
    accounts and clusters, time to amplify, and how much its reach and
    PageRank drop when the flagged accounts are removed.
    """
    from detector.officials import (
        amplification_audit,
        audit_summary,
        format_officials_table,
        read_flagged,
    )
    from detector.report.csvsafe import write_csv

    data = load_inputs(*source, quiet)
    flagged_ids, cluster_of = read_flagged(flagged) if flagged else (set(), None)
    result = amplification_audit(
        data.events,
        registry,
        flagged_ids,
        cluster_of,
        accounts=data.accounts,
        kind=kind,
        fast_s=fast_s,
        pivots=pivots,
        exact_max_vertices=exact_max,
        seed=seed,
        all_accounts=all_accounts,
    )
    out = Path(outdir)
    written: dict[str, Path] = {}

    def write(key: str, name: str, frame) -> None:
        written[key] = out / name
        write_csv(frame, written[key])

    write("officials", "officials.csv", result.officials)
    write("posts", "officials_posts.csv", result.posts)
    if cluster_of is not None:
        write("clusters", "officials_clusters.csv", result.clusters)
    if len(result.unmatched):
        write("unmatched", "officials_unmatched.csv", result.unmatched)
    if all_accounts:
        write("centrality", "centrality.csv", result.centrality.table)
    if as_json:
        echo_json({**audit_summary(result), "files": {k: str(v) for k, v in written.items()}})
        return
    if not quiet:
        for entry in result.unmatched.itertuples(index=False):
            who = entry.account_id if isinstance(entry.account_id, str) else f"@{entry.handle}"
            click.echo(f"registry line {entry.line}: {who}: {entry.reason}", err=True)
    click.echo(format_officials_table(result))
    if not quiet:
        p = result.params
        method = p.get("betweenness_method", "-")
        click.echo(
            f"\n{p['n_officials']} official account(s), {p['n_flagged_in_graph']} flagged account(s) in a "
            f"graph of {p['n_vertices']} accounts / {p['n_edges']} edges; betweenness {method}. "
            f"Files in {out}/"
        )

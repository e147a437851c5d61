"""``detector duplicates INPUT... -o OUTDIR``: near-duplicate text clusters and the accounts posting them."""

from __future__ import annotations

from pathlib import Path

import click

from detector.cli.common import (
    InputSource,
    emit_summary,
    library_default,
    load_inputs,
    output_options,
    source_options,
    user_errors,
)
from detector.evidence.neardup import NearDupParams


@click.command("duplicates")
@source_options
@click.option(
    "-o",
    "--output",
    "outdir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Output directory (created if missing): text_clusters.csv, text_posts.csv, text_edges.csv.",
)
@click.option(
    "--threshold",
    default=library_default(NearDupParams, "threshold"),
    show_default=True,
    type=click.FloatRange(0, 1, min_open=True),
    help="Jaccard similarity of shingle sets at or above which two texts are near-duplicates.",
)
@click.option(
    "--window",
    default=None,
    type=click.IntRange(min=0),
    help="Co-action window in seconds for account edges [default: estimated from the data].",
)
@click.option("--num-perm", default=library_default(NearDupParams, "num_perm"), show_default=True, type=click.IntRange(min=8), help="MinHash permutations.")
@click.option("--seed", default=library_default(NearDupParams, "seed"), show_default=True, type=int,
              help="MinHash seed.")
@output_options
@user_errors
def command(
    source: InputSource,
    outdir: Path,
    threshold: float,
    window: int | None,
    num_perm: int,
    seed: int,
    quiet: bool,
    as_json: bool,
) -> None:
    """Find copy-paste posts with small edits (all scripts, CJK by characters).

    Writes text_clusters.csv (cluster id, size, accounts, first/last time in UTC
    seconds, a representative text), text_posts.csv (every post of every cluster:
    event id, cluster id, account, time, text) and text_edges.csv (account pairs
    that posted near-duplicates within the window). Reposts are not compared, nor
    texts shorter than 40 weighted characters (CJK characters count 2).
    """
    from detector.evidence.neardup import find_near_duplicates
    from detector.report.csvsafe import write_csv

    data = load_inputs(*source, quiet)
    result = find_near_duplicates(data.events, threshold=threshold, num_perm=num_perm, seed=seed, window=window)
    outdir.mkdir(parents=True, exist_ok=True)
    write_csv(result.clusters, outdir / "text_clusters.csv")
    write_csv(result.posts, outdir / "text_posts.csv")
    write_csv(result.edges, outdir / "text_edges.csv")
    summary = {**result.stats, "edges": len(result.edges), "output": str(outdir)}
    emit_summary(
        summary,
        as_json=as_json,
        quiet=quiet,
        human=f"{summary['clusters']:,} near-duplicate clusters ({summary['texts_in_clusters']:,} of "
        f"{summary['texts_compared']:,} compared texts), {summary['edges']:,} account edges "
        f"(window {summary['window_s']} s). Wrote text_clusters.csv, text_posts.csv, text_edges.csv to {outdir}",
    )

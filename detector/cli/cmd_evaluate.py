"""``detector evaluate``: score a run's accounts against ground truth."""

from __future__ import annotations

import json

import click

from detector.cli.common import emit_summary, library_default, output_options, parse_mapping
from detector.evaluate import evaluate

__all__ = ["command"]


@click.command("evaluate")
@click.option("--truth", "truth_path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=str),
              help="truth.csv written by `detector generate`.")
@click.option("--accounts", "accounts_path", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=str),
              help="Scored accounts CSV (account_id, score, flagged, cluster_id), e.g. a scan's accounts.csv.")
@click.option("--threshold", default=library_default(evaluate, "threshold"), show_default=True, type=float,
              help="Flag rule score >= threshold when the file has no flagged column.")
@click.option("--columns", "columns", multiple=True, metavar="CANON=SOURCE,...",
              help="Column names in the accounts file, e.g. score=account_score,cluster_id=community.")
@click.option("-o", "--out", "out_path", default=None, type=click.Path(dir_okay=False, path_type=str),
              help="Also write the metrics as JSON to this file.")
@output_options
def command(truth_path: str, accounts_path: str, threshold: float, columns: tuple[str, ...], out_path: str | None,
            quiet: bool, as_json: bool) -> None:
    """Precision, recall, F1, ROC-AUC and PR-AUC overall and per strategy, FPR on hard negatives, cluster purity."""
    from detector.evaluate import format_table, read_scores, read_truth
    from detector.fsutil import write_text_atomic

    try:
        truth = read_truth(truth_path)
        scores = read_scores(accounts_path, parse_mapping(columns))
        result = evaluate(truth, scores, threshold=threshold)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    if out_path:
        write_text_atomic(out_path, json.dumps(result, indent=2, sort_keys=True) + "\n")
    emit_summary(result, as_json=as_json, quiet=quiet, human=lambda: format_table(result))

"""``detector train --truth truth.csv INPUT... -o model.pkl``: fit a supervised account scorer."""

from __future__ import annotations

from typing import Any

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
from detector.params import ScanParams

__all__ = ["command"]


@click.command("train")
@source_options
@click.option(
    "--truth",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="CSV with account_id and label (campaign = positive; anything else negative).",
)
@click.option("-o", "--out", "out", required=True, type=click.Path(dir_okay=False), help="Model file to write.")
@click.option("--window", type=click.IntRange(min=0), default=None, help="Co-action window (s); default estimated.")
@click.option("--seed", type=int, default=library_default(ScanParams, "seed"), show_default=True, help="Seed (Leiden, model).")
@output_options
@user_errors
def command(
    source: InputSource,
    truth: str,
    out: str,
    window: int | None,
    seed: int,
    quiet: bool,
    as_json: bool,
) -> None:
    """Train a model on labelled accounts; use it with `detector scan --model FILE`.

    Runs the evidence stages of a scan on INPUT, builds the per-account
    features documented in detector.scoring.model (network ties, behaviour,
    family scores, cluster size/score), and fits a gradient-boosting
    classifier (campaign vs everything else). The file is a pickle holding
    the model, its feature list and the detector version. A pickle is code:
    share and load only models you trust.
    """
    import pandas as pd

    from detector.pipeline import run_scan
    from detector.scoring.model import model_features, save_model, train_model

    labels_table = pd.read_csv(truth, dtype={"account_id": str})
    if not {"account_id", "label"} <= set(labels_table.columns):
        raise click.ClickException(f"{truth}: needs columns account_id and label")
    ingest = load_inputs(*source, quiet)
    result = run_scan(ingest.events, ingest.accounts, params=ScanParams(window=window, seed=seed))
    feats = model_features(result.signals, result.scored, result.clusters)
    labels = pd.Series(
        (labels_table["label"].astype(str) == "campaign").astype(int).to_numpy(),
        index=labels_table["account_id"].astype(str),
    )
    labels = labels[~labels.index.duplicated()]
    model = train_model(feats, labels, seed=seed)
    save_model(model, out)
    summary: dict[str, Any] = {"model": out, "features": list(model.features), **model.info}
    emit_summary(
        summary,
        as_json=as_json,
        quiet=quiet,
        human=[
            f"Trained on {model.info['n_accounts']:,} accounts ({model.info['n_positive']:,} campaign); wrote {out}",
            *(
                [f"Left out (no value for any account): {', '.join(model.info['unused_features'])}"]
                if model.info.get("unused_features")
                else []
            ),
        ],
    )

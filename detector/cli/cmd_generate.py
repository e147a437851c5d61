"""``detector generate``: synthetic data with ground truth."""

from __future__ import annotations

import click

from detector.cli.common import emit_summary, library_default, output_options
from detector.synth.config import SynthConfig
from detector.synth.writers import write_dataset

__all__ = ["command"]


@click.command("generate")
@click.option("-o", "--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=str),
              help="Output directory (created).")
@click.option("--accounts", default=library_default(SynthConfig, "accounts"), show_default=True, type=click.IntRange(min=300), help="Number of accounts.")
@click.option("--days", default=library_default(SynthConfig, "days"), show_default=True, type=click.IntRange(min=1), help="Length of the period, days.")
@click.option("--seed", default=library_default(SynthConfig, "seed"), show_default=True, type=int, help="Random seed (same seed, same bytes).")
@click.option("--format", "fmt", default=library_default(write_dataset, "fmt"), show_default=True,
              type=click.Choice(["twitter-v2", "twitter-v1", "io-archive", "csv"]), help="Export format of the events.")
@click.option("--difficulty", default=library_default(SynthConfig, "difficulty"), show_default=True, type=click.Choice(["easy", "medium", "hard"]),
              help="Preset for synchrony, text variation, organic noise and account age of campaigns.")
@click.option("--gzip", "compress", is_flag=True, help="Gzip the events file (deterministic header).")
@click.option("--start", default=library_default(SynthConfig, "start"), show_default=True, help="First day (UTC, YYYY-MM-DD).")
@click.option("--events-per-day", default=library_default(SynthConfig, "events_per_account_day"), show_default=True, type=click.FloatRange(min=0.05),
              help="Mean organic actions per account per day (heavy-tailed around it).")
@click.option("--campaign-size", default=None, type=click.IntRange(min=2), help="Accounts per campaign (default 1.5%).")
@click.option("--jitter", "jitter_s", default=None, type=click.FloatRange(min=0),
              help="Override: spread of synchronised campaign actions, seconds.")
@click.option("--text-variation", default=None, type=click.FloatRange(0, 1), help="Override: edits between copies (0-1).")
@click.option("--organic-noise", default=None, type=click.FloatRange(0, 0.95),
              help="Override: share of campaign accounts' activity that looks organic (0-0.95).")
@output_options
def command(out_dir: str, accounts: int, days: int, seed: int, fmt: str, difficulty: str, compress: bool, start: str,
            events_per_day: float, campaign_size: int | None, jitter_s: float | None, text_variation: float | None,
            organic_noise: float | None, quiet: bool, as_json: bool) -> None:
    """Generate a synthetic dataset with ground truth into OUT.

    Writes the events (events.jsonl[.gz] or events.csv[.gz]), truth.csv (account_id,
    label organic|campaign|hard_negative, campaign_id, strategy, group), officials.csv
    (the official-account registry) and campaigns.csv.
    """
    from detector.synth import generate

    try:
        cfg = SynthConfig(accounts=accounts, days=days, seed=seed, start=start, difficulty=difficulty,
                          events_per_account_day=events_per_day, campaign_size=campaign_size, jitter_s=jitter_s,
                          text_variation=text_variation, organic_noise=organic_noise)
        data = generate(cfg)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    paths = write_dataset(data, out_dir, fmt, compress=compress)
    labels = data.truth["label"].value_counts().to_dict()
    summary = {
        "events": int(len(data.events)),
        "accounts": int(len(data.accounts)),
        "labels": {str(k): int(v) for k, v in sorted(labels.items())},
        "campaigns": int(len(data.campaigns)),
        "files": {k: str(v) for k, v in paths.items()},
        "config": data.config,
    }
    labels_text = ", ".join(f"{k} {v}" for k, v in summary["labels"].items())
    emit_summary(summary, as_json=as_json, quiet=quiet, human=[
        f"{summary['events']:,} events from {summary['accounts']:,} accounts ({labels_text}), "
        f"{summary['campaigns']} campaigns",
        *(f"  {name:<9} {path}" for name, path in summary["files"].items()),
    ])

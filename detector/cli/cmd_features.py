"""``detector features INPUT... -o accounts_features.parquet``: per-account behaviour features."""

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
    write_table,
)
from detector.evidence.features import account_features


@click.command("features")
@source_options
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Output file: .parquet (default) or .csv (formula-safe).",
)
@click.option("--burst-k", default=library_default(account_features, "burst_k"), show_default=True, help="Events that make a burst.")
@click.option("--burst-window", default=library_default(account_features, "burst_window_s"), show_default=True, help="Burst window (seconds).")
@click.option(
    "--night-hours", default=library_default(account_features, "night_hours"), show_default=True, help="Width of the night window (hours)."
)
@click.option(
    "--min-lag-reposts",
    default=library_default(account_features, "min_lag_reposts"),
    show_default=True,
    help="Timed reposts needed for repost_lag_iqr_s.",
)
@click.option(
    "--clock-slot",
    default=library_default(account_features, "clock_slot_s"),
    show_default=True,
    help="Clock slot half-width for clock_repeat_share (seconds).",
)
@click.option(
    "--clock-min-days",
    default=library_default(account_features, "clock_min_days"),
    show_default=True,
    help="Distinct days a clock slot must recur on for clock_repeat_share.",
)
@click.option(
    "--near-duplicates/--no-near-duplicates",
    default=False,
    show_default=True,
    help="Run near-duplicate text detection to fill near_dup_share.",
)
@output_options
@user_errors
def command(
    source: InputSource,
    output: Path,
    burst_k: int,
    burst_window: int,
    night_hours: int,
    min_lag_reposts: int,
    clock_slot: int,
    clock_min_days: int,
    near_duplicates: bool,
    quiet: bool,
    as_json: bool,
) -> None:
    """Write one row of behaviour features per account (timing, reposts, profile)."""
    data = load_inputs(*source, quiet)
    near_dup = None
    if near_duplicates:
        try:
            from detector.evidence.neardup import find_near_duplicates
        except ImportError as exc:  # optional layer not installed
            raise click.ClickException(f"near-duplicate detection unavailable: {exc}") from None
        near_dup = find_near_duplicates(data.events).event_cluster
    try:
        frame = account_features(
            data.events,
            data.accounts,
            near_duplicate_event=near_dup,
            burst_k=burst_k,
            burst_window_s=burst_window,
            night_hours=night_hours,
            min_lag_reposts=min_lag_reposts,
            clock_slot_s=clock_slot,
            clock_min_days=clock_min_days,
        )
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    write_table(frame, output)
    summary = {
        "output": str(output),
        "accounts": len(frame),
        "events": int(frame["n_events"].sum()),
        "never_sleeps": int(frame["never_sleeps"].sum()),
    }
    emit_summary(
        summary,
        as_json=as_json,
        quiet=quiet,
        human=f"wrote features of {summary['accounts']} accounts ({summary['events']} events) to {output}",
    )

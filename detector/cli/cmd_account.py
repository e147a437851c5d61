"""``detector account HANDLE INPUT... -o OUT``: is this account flagged, and who amplifies it?"""

from __future__ import annotations

from typing import Any

import click

from detector import thresholds as th
from detector.cli.cmd_scan import (
    echo_input_warnings,
    run,
    scan_options,
    verdict_line,
    with_defaults_help,
)
from detector.cli.common import input_options, output_options, user_errors

__all__ = ["command", "print_account_verdict"]


def _delay(seconds: float | None) -> str:
    if seconds is None:
        return "unknown"
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _names(rows: list[dict[str, Any]], n: int = 5) -> str:
    return ", ".join(f"@{a['account_name']} ({a['n']})" for a in rows[:n])


def print_account_verdict(report: dict[str, Any], written: dict[str, str], outdir: str) -> None:
    """Plain-language summary for one account: first whether it is flagged and why."""
    fs = report.get("focus_summary", {})
    click.echo(verdict_line(report))
    echo_input_warnings(report)
    if report["verdict"]["level"] == "insufficient" or not fs.get("found"):
        for line in report["verdict"]["details"]:
            click.echo(f"  {line}")
        click.echo(f"Wrote {', '.join(sorted(written))} to {outdir}")
        return
    for reason in (fs.get("reasons") or [])[1:3] if fs.get("flagged") else []:
        click.echo(f"  - {reason}")
    if fs.get("reach_in_words"):
        click.echo(f"  Reach: {fs['reach_in_words']}.")
    n_amp, n_who = fs["amplifications"], fs["amplifiers"]
    if n_amp:
        within = fs.get("share_within_60s")
        click.echo(
            f"  Amplified {n_amp:,} times (reposts, quotes, replies, mentions) by {n_who:,} accounts: "
            f"{fs['flagged_amplifiers']:,} flagged, {fs['unflagged_amplifiers']:,} not flagged; "
            f"{fs['flagged_amplification_share']:.0%} of the amplification came from flagged accounts."
        )
        click.echo(
            f"  Typical delay after its post: {_delay(fs.get('median_time_to_amplify_s'))}"
            + (f"; {within:.0%} within {th.FAST_REACTION_S} s." if within is not None else ".")
        )
    else:
        click.echo("  Nobody in the input reposted, quoted, replied to or mentioned it.")
    off = fs.get("official") or {}
    if off.get("inauthentic_reach_share") is not None:
        click.echo(f"  Part of its reach that depends on flagged accounts: {off['inauthentic_reach_share']:.0%}.")
    if fs.get("top_flagged_amplifiers"):
        click.echo("  Top flagged amplifiers: " + _names(fs["top_flagged_amplifiers"]) + ".")
    if fs.get("top_unflagged_amplifiers"):
        click.echo("  Top amplifiers not flagged: " + _names(fs["top_unflagged_amplifiers"]) + ".")
    v = report["verdict"]
    click.echo(f"  Whole conversation: {v['level'].upper()}: {v['headline']}")
    click.echo("  A flag is evidence for human review, not proof.")
    click.echo(f"Wrote {', '.join(sorted(written))} to {outdir}")


@click.command("account")
@click.argument("handle")
@input_options
@scan_options
@output_options
@user_errors
def command(handle: str, **kwargs: Any) -> None:
    """Check one account HANDLE: is it flagged and why, and who amplifies it, how fast.

    HANDLE is an account id or handle (with or without '@'). The full scan runs
    on all INPUT events (the account and its amplifiers are judged against the
    whole conversation); the first line says whether HANDLE itself is flagged,
    then its amplifiers split into flagged and not flagged. Numbers (PageRank,
    in-strength, betweenness...) are in --json and report.json. A HANDLE that
    matches nothing, or too little to judge, exits with status 3 naming near matches.
    """
    run("account", kwargs, print_account_verdict, account=handle.lstrip("@\uff20"))


with_defaults_help(command)

"""``detector account HANDLE INPUT... -o OUT``: who amplifies this (official) account, how fast, how much is flagged."""

from __future__ import annotations

from typing import Any

import click

from detector.cli.cmd_scan import run, scan_options, with_defaults_help
from detector.cli.common import input_options, output_options, user_errors

__all__ = ["command", "print_account_verdict"]


def _fmt(value: Any, spec: str, none: str = "n/a") -> str:
    return none if value is None else format(value, spec)


def print_account_verdict(report: dict[str, Any], written: dict[str, str], outdir: str) -> None:
    """Plain-language summary for one account."""
    fs = report.get("focus_summary", {})
    handle = report["focus"]["account"]
    if not fs.get("found"):
        click.echo(f"@{handle}: not found in the input (no events or profile with this id or handle).")
        click.echo(f"Wrote {', '.join(sorted(written))} to {outdir}")
        return
    off = fs.get("official") or {}
    role = f" ({off.get('role')}, {off.get('country')})" if off.get("role") else ""
    click.echo(f"@{fs['account_name']}{role}")
    if off:
        click.echo(
            f"  Centrality: PageRank rank {_fmt(off.get('pagerank_rank'), 'd')}, in-strength "
            f"{_fmt(off.get('in_strength'), '.0f')}, betweenness {_fmt(off.get('betweenness'), '.3g')}."
        )
    click.echo(
        f"  Amplified {fs['amplifications']:,} times by {fs['amplifiers']:,} accounts; median delay "
        f"{_fmt(fs.get('median_time_to_amplify_s'), '.0f')} s; within 60 s: {_fmt(fs.get('share_within_60s'), '.0%')}."
    )
    click.echo(f"  Share of amplification from flagged accounts: {fs['flagged_amplification_share']:.0%}.")
    if off.get("inauthentic_reach_share") is not None:
        click.echo(f"  Share of its reach (amplifying accounts) that is flagged: {off['inauthentic_reach_share']:.0%}.")
    top = [a for a in fs.get("top_amplifiers", []) if a["flagged"]][:5]
    if top:
        click.echo("  Top flagged amplifiers: " + ", ".join(f"@{a['account_name']} ({a['n']})" for a in top) + ".")
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
    """Audit one (official) account HANDLE: centrality, who amplifies it, how fast, how much is flagged.

    HANDLE is an account id or handle (with or without '@'). The full scan runs
    on all INPUT events (amplifiers are judged in the whole conversation); the
    report adds a focus section on HANDLE.
    """
    run("account", kwargs, print_account_verdict, account=handle.lstrip("@"))


with_defaults_help(command)

"""``detector hashtag TAG INPUT... -o OUT``: is this hashtag being pushed by a coordinated group?"""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from detector.cli.cmd_scan import run, scan_options, with_defaults_help
from detector.cli.common import input_options, output_options, user_errors

__all__ = ["command", "print_hashtag_verdict"]


def _when(ts: int | None) -> str:
    if ts is None:
        return "?"
    return dt.datetime.fromtimestamp(int(ts), dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def _clip(text: str, n: int = 120) -> str:
    one = " ".join(str(text).split())
    return one if len(one) <= n else one[: n - 1] + "…"


def print_hashtag_verdict(report: dict[str, Any], written: dict[str, str], outdir: str) -> None:
    """A verdict a non-specialist can read: volume, timeline, flagged share, groups, officials."""
    fs = report.get("focus_summary", {})
    s = report["input_summary"]
    v = report["verdict"]
    tag = fs.get("hashtag") or report["focus"]["hashtag"]
    click.echo(f"#{tag}: {v['level'].upper()}: {v['headline']}")
    click.echo(
        f"  Volume: {s['events']:,} posts/reposts/replies by {s['accounts']:,} accounts, "
        f"{_when(s['first_ts'])} to {_when(s['last_ts'])}."
    )
    tl = report.get("timeline") or []
    if tl:
        peak = max(tl, key=lambda b: (b["events"], -b["t"]))
        hours = report["timeline_bin_s"] / 3600
        click.echo(
            f"  Busiest period: {_when(peak['t'])} ({peak['events']:,} events in {hours:g} h, "
            f"{peak['flagged_events']:,} from flagged accounts)."
        )
    click.echo(
        f"  Share of activity from flagged accounts: {fs.get('flagged_event_share', 0):.0%}; "
        f"from flagged groups: {fs.get('flagged_cluster_event_share', 0):.0%}."
    )
    flagged = [c for c in report["clusters"] if c["flagged"]][:3]
    if not flagged:
        click.echo("  No coordinated group stands out.")
    for c in flagged:
        click.echo(f"  Group {c['cluster_id']}: {c['size']} accounts (score {c['score']:.2f}).")
        for reason in c["reasons"][:3]:
            click.echo(f"    - {reason}")
        for sample in c["sample_texts"][:2]:
            click.echo(f"    e.g. @{sample['account_name']}: \"{_clip(sample['text'])}\"")
    officials = fs.get("officials_involved") or []
    if officials:
        click.echo(f"  Official accounts involved: {', '.join('@' + o for o in officials[:10])}.")
    click.echo("  A flag is evidence for human review, not proof.")
    click.echo(f"Wrote {', '.join(sorted(written))} to {outdir}")


@click.command("hashtag")
@click.argument("tag")
@input_options
@scan_options
@output_options
@user_errors
def command(tag: str, **kwargs: Any) -> None:
    """Check whether hashtag TAG is amplified by coordinated accounts.

    Reports on the posts carrying TAG (with or without '#') and the reposts,
    quotes and replies of them. Accounts are scored against every account in
    INPUT (so a campaign that dominates the hashtag still stands out: give
    more than the hashtag's posts when you can). Writes the report files to
    -o and prints a plain-language verdict: volume and timeline, share of
    activity from flagged accounts and groups, the top groups with their
    evidence and example posts, and the official accounts involved.
    """
    run("hashtag", kwargs, print_hashtag_verdict, hashtag=tag)


with_defaults_help(command)

"""``detector hashtag TAG INPUT... -o OUT``: is this hashtag being pushed by a coordinated group?"""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from detector.cli.cmd_scan import run, scan_options, verdict_line, with_defaults_help
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
    click.echo(verdict_line(report))
    if v["level"] == "insufficient":
        for line in v["details"]:
            click.echo(f"  {line}")
        click.echo(f"Wrote {', '.join(sorted(written))} to {outdir}")
        return
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
    groups = (fs.get("groups") or [])[:3]
    if not groups:
        click.echo("  No coordinated group stands out.")
    clusters = {c["cluster_id"]: c for c in report["clusters"]}
    for g in groups:
        c = clusters.get(g["cluster_id"], {})
        click.echo(
            f"  Group {g['cluster_id']}: {g['members_here']} of its {g['size']} accounts posted here, "
            f"{g['events_here']:,} events on the hashtag (group score {g['score']:.2f})."
        )
        conf = (c.get("confidence") or {}).get("statement")
        if conf:
            click.echo(f"    Confidence: {conf}")
        for reason in g["reasons"][:3]:
            click.echo(f"    - {reason}")
        for sample in c.get("sample_texts", [])[:2]:
            click.echo(f"    e.g. @{sample['account_name']}: \"{_clip(sample['text'])}\"")
    officials = fs.get("officials_involved") or []
    presumed = set(fs.get("presumed_officials_involved") or [])
    if officials:
        shown = ", ".join("@" + o + (" (presumed)" if o in presumed else "") for o in officials[:10])
        click.echo(f"  Official accounts involved: {shown}.")
    if presumed:
        click.echo("  Presumed officials were found without a registry (pass --officials FILE to declare them).")
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
    activity from flagged accounts and groups, the groups counted by their
    members and events inside the hashtag, with their evidence and example
    posts, and the official accounts involved.

    When TAG matches nothing or too little to judge, it says so, names the
    near matches (accents, Weibo's #topic# form, an @ on a handle, similar
    spellings) and exits with status 3.
    """
    run("hashtag", kwargs, print_hashtag_verdict, hashtag=tag)


with_defaults_help(command)

"""``detector hashtag TAG INPUT... -o OUT``: is this hashtag being pushed by a coordinated group?"""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from detector.cli.cmd_collect import collect_options
from detector.cli.cmd_scan import (
    echo_input_warnings,
    run,
    scan_options,
    verdict_line,
    with_defaults_help,
)
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
    echo_input_warnings(report)
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
@click.option(
    "--collect",
    "collect_source",
    type=click.Choice(["bluesky", "mastodon"]),
    default=None,
    help="First collect TAG live from this source (see `detector collect`) into OUT/collected.parquet, "
    "then scan it (with any INPUT given). --since/--until also bound the collection.",
)
@click.option(
    "--collect-limit",
    type=click.IntRange(min=1),
    default=None,
    help="With --collect: at most this many posts.",
)
@collect_options
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
    _collect_first(tag, kwargs)
    run("hashtag", kwargs, print_hashtag_verdict, hashtag=tag)


def _collect_first(tag: str, kwargs: dict[str, Any]) -> None:
    """``--collect``: collect TAG into OUT/collected.parquet and add it to the inputs."""
    source = kwargs.pop("collect_source")
    limit = kwargs.pop("collect_limit")
    live = {k: kwargs.pop(k) for k in ("host", "auth_host", "restart")}
    if source is None:
        if not kwargs["inputs"]:
            raise click.UsageError(
                "give INPUT files, or --collect bluesky|mastodon to collect TAG live"
            )
        if any(live.values()):
            raise click.UsageError("--host, --auth-host and --restart need --collect")
        return
    if kwargs["fmt"] is not None:
        raise click.UsageError(
            "--format cannot be combined with --collect (the collected file is canonical Parquet)"
        )
    from pathlib import Path

    from detector.cli.cmd_collect import run_collect

    out = Path(kwargs["outdir"]) / "collected.parquet"
    query = tag if tag.startswith("#") or source == "mastodon" else f"#{tag}"
    res = run_collect(source, query, str(out), since=kwargs["since"], until=kwargs["until"], limit=limit,
                      quiet=kwargs["quiet"], **live)  # fmt: skip
    if not kwargs["quiet"] and not kwargs.get("as_json"):
        click.echo(
            f"Collected {res.posts:,} {source} posts for {query!r} from {res.host} into {out}",
            err=True,
        )
    kwargs["inputs"] = (str(out), *kwargs["inputs"])


with_defaults_help(command)
for _param in command.params:  # INPUT is optional with --collect
    if _param.name == "inputs":
        _param.required = False

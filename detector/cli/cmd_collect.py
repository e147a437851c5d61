"""``detector collect SOURCE QUERY -o OUT.parquet``: collect posts live from Bluesky or Mastodon."""

from __future__ import annotations

from typing import Any

import click

from detector.cli.common import emit_summary, output_options, user_errors
from detector.progress import set_quiet

__all__ = ["command", "collect_options", "run_collect"]

HOSTS_HELP = (
    "Server to ask. Default: https://api.bsky.app (Bluesky's public AppView) or "
    "https://mastodon.social. No other host is contacted (but --auth-host to log in, when asked to)."
)


def collect_options(func: Any) -> Any:
    """``--host``, ``--auth-host`` and ``--restart`` (shared with ``hashtag --collect``)."""
    func = click.option(
        "--restart",
        is_flag=True,
        help="Discard an unfinished earlier collection into the same file.",
    )(func)
    func = click.option(
        "--auth-host", default=None, metavar="URL",
        help="Bluesky only: the account's server for BLUESKY_HANDLE / BLUESKY_APP_PASSWORD (default https://bsky.social).",
    )(func)  # fmt: skip
    func = click.option("--host", default=None, metavar="URL", help=HOSTS_HELP)(func)
    return func


def run_collect(source: str, query: str, out: str, *, host: str | None, auth_host: str | None,
                since: str | None, until: str | None, limit: int | None, restart: bool, quiet: bool):  # fmt: skip
    """Parse the times and collect; returns the :class:`detector.collect.CollectResult`."""
    from detector.cli.cmd_scan import _to_epoch
    from detector.collect import collect

    set_quiet(quiet)
    return collect(
        source, query, out, host=host, auth_host=auth_host, since=_to_epoch(since, "--since"),
        until=_to_epoch(until, "--until"), limit=limit, restart=restart,
        on_wait=(lambda s, why: None) if quiet else None,
    )  # fmt: skip


def _lines(res) -> list[str]:
    state = (
        "complete" if res.complete else "stopped at --limit (rerun with a larger --limit to go on)"
    )
    lines = [
        f"Collected {res.posts:,} {res.source} posts for {res.query!r} from {res.host} "
        f"({res.new_posts:,} new{', resumed' if res.resumed else ''}; {state}).",
        f"  {res.requests} request(s), {res.retries} retried, {res.waited_s:.0f} s waited for rate limits/backoff.",
        f"Wrote {res.out} ({res.ingest['events_written']:,} events, {res.ingest['accounts_written']:,} accounts); "
        f"raw pages and cursor in {res.work_dir}.",
        f"Next: detector scan {res.out} -o report/",
    ]
    return lines


@click.command("collect")
@click.argument("source", type=click.Choice(["bluesky", "mastodon"]), metavar="SOURCE")
@click.argument("query")
@click.option(
    "-o",
    "--out",
    required=True,
    type=click.Path(dir_okay=False),
    help="Canonical events Parquet to write.",
)
@collect_options
@click.option(
    "--since", default=None, help="Only posts at or after this time (ISO 8601, UTC if no offset)."
)
@click.option(
    "--until", default=None, help="Only posts at or before this time (ISO 8601, UTC if no offset)."
)
@click.option(
    "--limit", type=click.IntRange(min=1), default=None, help="Stop after this many posts in total."
)
@output_options
@user_errors
def command(source: str, query: str, out: str, as_json: bool, quiet: bool, **kwargs: Any) -> None:
    """Collect the posts of QUERY from SOURCE (bluesky or mastodon) into canonical Parquet.

    \b
    bluesky  QUERY is a search query ('#tag', words): app.bsky.feed.searchPosts,
             paged by cursor, plus the authors' profiles (creation dates, counts)
             from app.bsky.actor.getProfiles. Bluesky often refuses search without
             an account: set BLUESKY_HANDLE and BLUESKY_APP_PASSWORD (an app
             password from the Bluesky settings) to search as that account.
    mastodon QUERY is a hashtag: GET /api/v1/timelines/tag/QUERY on --host,
             paged by max_id (set MASTODON_TOKEN if the instance wants a login).

    Rate limits are honoured (Retry-After, ratelimit-* / X-RateLimit-* headers)
    and dropped connections retried with backoff. An interrupted collection
    (Ctrl-C, a kill, a lost network) resumes from its saved cursor when the same
    command is run again, without duplicates; the raw pages stay in OUT.collect/.
    This is the only command that uses the network, and only at --host.

    \b
    Then:  detector scan OUT.parquet -o report/
    Or in one go:  detector hashtag TAG --collect bluesky -o report/
    """
    res = run_collect(source, query, out, quiet=quiet, **kwargs)
    emit_summary(res.summary(), as_json=as_json, quiet=quiet, human=lambda: _lines(res))

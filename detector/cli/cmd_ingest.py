"""``detector ingest``: read exports into the canonical Parquet tables."""

from __future__ import annotations

import click

from detector.cli.common import (
    InputSource,
    emit_summary,
    load_inputs,
    output_options,
    source_options,
    user_errors,
)


def _human(summary: dict, out: str, accounts_file: str) -> list[str]:
    lines = [
        f"records read: {summary['records_read']:,}",
        f"events kept:  {summary['kept']:,}",
    ]
    if summary["merged"]:
        lines.append(f"rows merged into events: {summary['merged']:,}")
    lines.append(f"skipped:      {summary['skipped']:,}")
    for reason, count in summary["skipped_by_reason"].items():
        lines.append(f"  {reason}: {count:,}")
    lines.append(f"accounts:     {summary['accounts']:,}")
    span = summary["time_span"]
    if span:
        lines.append(f"time span:    {span['first']} .. {span['last']}")
    if summary["kinds"]:
        lines.append(
            "kinds:        " + ", ".join(f"{k} {v:,}" for k, v in summary["kinds"].items())
        )
    if summary["platforms"]:
        lines.append(
            "platforms:    " + ", ".join(f"{k} {v:,}" for k, v in summary["platforms"].items())
        )
    lines.append(f"wrote {out} and {accounts_file}")
    return lines


@click.command("ingest")
@source_options
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(dir_okay=False, path_type=str),
    help="Events Parquet file to write (accounts go beside it as NAME.accounts.parquet).",
)
@output_options
@user_errors
def command(
    source: InputSource,
    output: str,
    quiet: bool,
    as_json: bool,
) -> None:
    """Read INPUT files or folders into canonical Parquet tables and print an ingest summary.

    Formats are recognised from the content (see --format; e.g. twitter-v1,
    twitter-v2, academictwitter folders, twarc-csv, cnt-csv, io-archive,
    coortweet, bluesky, mastodon, telegram: a Telegram Desktop JSON export of
    one chat or the whole account, weibo-json and weibo-csv: weibo-crawler
    output); gzip/zstd/bz2/xz are read transparently, and a cut or damaged
    stream keeps every record before the damage. To collect Bluesky or Mastodon
    posts live, see `detector collect`. Malformed records are skipped and
    reported with file and line; --strict stops at the first one instead
    (non-zero exit status).
    """
    from detector.io import write_canonical

    result = load_inputs(*source, quiet or as_json)
    accounts_file = write_canonical(result.events, result.accounts, output)
    summary = result.summary()
    summary["output"] = {"events": output, "accounts": str(accounts_file)}
    emit_summary(
        summary, as_json=as_json, quiet=quiet, human=lambda: _human(summary, output, str(accounts_file))
    )

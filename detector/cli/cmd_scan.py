"""``detector scan``: batch scan for coordinated inauthentic amplification.

The shared options and the run/print helpers here are also used by
``detector hashtag`` and ``detector account``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from detector.cli.common import (
    emit_summary,
    input_options,
    library_default,
    load_inputs,
    output_options,
    user_errors,
)
from detector.cli.engine_opts import engine_options

__all__ = ["command", "echo_input_warnings", "execute", "print_verdict", "scan_options", "with_defaults_help"]

def _defaults_help() -> str:
    """The defaults paragraph of ``--help``, its numbers read from :mod:`detector.thresholds`."""
    from detector import thresholds as th

    lo, hi = th.WINDOW_BOUNDS_S
    return f"""

\b
Defaults and why (details: docs/scan.md):
  --window  estimated: CooRnet's rule ({th.WINDOW_QUANTILE} quantile of time-to-share of
            reposts) clamped to [{lo}, {hi}] s, so it adapts to the platform;
            replies, quotes and URLs get their own (typed reactions are
            slower) when there are >= {th.OWN_WINDOW_MIN_SHARES} later shares, hashtags take the
            URL one; reported in report.json. A given --window applies to
            every layer.
  --flag-threshold {th.FLAG_THRESHOLD}: an account needs evidence of acting together
            (synchrony or duplicate text) and of looking inauthentic
            (throwaway profile or automated timing), each far above the
            accounts of this scan, or one strong kind in a cluster that shows
            both.
  --neardup-threshold {th.NEARDUP_THRESHOLD} MinHash Jaccard: copy-paste with small edits
            passes, different texts on one topic do not.
Declared official accounts are audited, never flagged. A flag is evidence
for review, not proof.
"""


def _to_epoch(value: str | None, name: str) -> int | None:
    """ISO 8601 (UTC when no offset) or epoch seconds -> UTC seconds."""
    if value is None:
        return None
    from detector.io.timeparse import parse_times

    ms, _, ok = parse_times([value])
    if not ok[0]:
        raise click.BadParameter(f"{value!r} is not an ISO 8601 time or epoch seconds", param_hint=name)
    return int(ms[0] // 1000)


def scan_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by scan, hashtag and account (defaults read from :class:`detector.params.ScanParams`)."""
    from detector.params import ScanParams

    options = [
        click.option("-o", "--out", "outdir", required=True, type=click.Path(file_okay=False), help="Output directory."),
        click.option(
            "--officials",
            type=click.Path(exists=True, dir_okay=False),
            default=None,
            help="Registry of official accounts (CSV/YAML: handle, country, role). Default: accounts with a role in the input.",
        ),
        click.option(
            "--window",
            type=click.IntRange(min=0),
            default=None,
            help="Co-action window in seconds. Default: estimated from the data (reported).",
        ),
        click.option("--since", default=None, help="Keep events at or after this time (ISO 8601, UTC if no offset)."),
        click.option("--until", default=None, help="Keep events at or before this time (ISO 8601, UTC if no offset)."),
        click.option(
            "--model",
            type=click.Path(exists=True, dir_okay=False),
            default=None,
            help="Score with a model from `detector train` instead of the unsupervised scorer. "
            "A model file is a pickle, i.e. code: use only models you trust.",
        ),
        click.option(
            "--flag-threshold",
            type=click.FloatRange(0, 1),
            default=library_default(ScanParams, "flag_threshold"),
            show_default=True,
            help="Account/cluster score at or above which it is flagged.",
        ),
        click.option(
            "--neardup-threshold",
            type=click.FloatRange(0, 1),
            default=library_default(ScanParams, "neardup_threshold"),
            show_default=True,
            help="MinHash Jaccard similarity for near-duplicate texts.",
        ),
        click.option("--no-timing", is_flag=True, help="Skip the timing-correlation layer (faster)."),
        click.option(
            "--seed", type=int, default=library_default(ScanParams, "seed"), show_default=True,
            help="Seed (Leiden, sampling).",
        ),
        click.option(
            "--pseudonymize",
            "pseudonymize_key",
            default=None,
            metavar="KEY",
            help="Replace handles in report.html by stable keyed hashes (for sharing outside the team); "
            "report.json and the CSV files keep the real ids.",
        ),
        click.option("--no-html", is_flag=True, help="Do not write report.html."),
        click.option(
            "--evidence-pack",
            is_flag=True,
            help="Also write evidence_pack/cluster-N/ per flagged cluster: posts.csv, members.csv, "
            "subgraph.gexf and cluster.html (what a fact-checker attaches to a referral).",
        ),
        click.option(
            "--link-posts",
            is_flag=True,
            help="Link example posts to their original URL (built from platform and id). Off by default: "
            "opening such a link tells the platform who looked.",
        ),
        click.option(
            "--fail-on",
            type=click.Choice(["low", "medium", "high"]),
            default=None,
            help="Exit with status 1 when the verdict is at or above this level (for CI and scripts).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return engine_options(func)


def execute(
    *,
    command_name: str,
    inputs: tuple[str, ...],
    fmt: str | None,
    mapping: tuple[str, ...],
    strict: bool,
    quiet: bool,
    outdir: str,
    officials: str | None,
    window: int | None,
    since: str | None,
    until: str | None,
    model: str | None,
    flag_threshold: float,
    neardup_threshold: float,
    no_timing: bool,
    seed: int,
    pseudonymize_key: str | None,
    no_html: bool,
    evidence_pack: bool = False,
    link_posts: bool = False,
    hashtag: str | None = None,
    account: str | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    dask_workers: int = 2,
    memory_limit: int | None = None,
):
    """Load inputs, run the scan (on ``engine``, see :mod:`detector.engine`), write outputs;
    return ``(result, written)``."""
    from detector.cli import frozen_imports

    with frozen_imports():
        from detector.engine import open_engine
        from detector.params import InvalidParameterError, validate_params
        from detector.pipeline import ScanParams, run_scan, write_outputs

    if link_posts and pseudonymize_key is not None:
        raise click.UsageError("--link-posts and --pseudonymize cannot be combined: post links name the accounts.")

    params = ScanParams(
        window=window,
        since=_to_epoch(since, "--since"),
        until=_to_epoch(until, "--until"),
        hashtag=hashtag,
        account=account,
        flag_threshold=flag_threshold,
        neardup_threshold=neardup_threshold,
        timing=not no_timing,
        model=model,
        seed=seed,
    )
    try:
        validate_params(params)
    except InvalidParameterError as exc:
        raise click.UsageError(str(exc)) from None
    ingest = load_inputs(inputs, fmt, mapping, strict, quiet)
    with open_engine(engine, scheduler=scheduler, workers=dask_workers, memory_limit=memory_limit):
        result = run_scan(
            ingest.events, ingest.accounts, officials=officials, params=params, command=command_name, ingest=ingest.log
        )
    if link_posts:
        from detector.report.links import add_post_links

        add_post_links(result.report)
    written = write_outputs(result, outdir, html=not no_html, pseudonymize_key=pseudonymize_key)
    if evidence_pack:
        from detector.report.evidence_pack import write_evidence_packs

        packs = write_evidence_packs(result, outdir, link_posts=link_posts, pseudonymize_key=pseudonymize_key)
        if packs:
            written["evidence_pack"] = str(Path(outdir) / "evidence_pack")
    return result, written


def echo_input_warnings(report: dict[str, Any]) -> None:
    """Print ``verdict.input_warnings`` (skipped companion files...), right under the verdict line."""
    for warning in report["verdict"].get("input_warnings") or []:
        click.echo(f"  WARNING: {warning}")


def print_verdict(report: dict[str, Any], written: dict[str, str], outdir: str) -> None:
    """Short plain-language verdict on stdout."""
    v = report["verdict"]
    click.echo(f"Verdict: {v['level'].upper()}: {v['headline']}")
    echo_input_warnings(report)
    for line in v["details"]:
        click.echo(f"  {line}")
    click.echo(f"Wrote {', '.join(sorted(written))} to {outdir}")


def json_summary(
    report: dict[str, Any], written: dict[str, str], timings_s: dict[str, float] | None = None
) -> dict[str, Any]:
    """Machine-readable summary for ``--json`` (stage timings in seconds live here, not in
    report.json, so that report.json stays byte-identical across runs)."""
    return {
        "command": report["command"],
        "verdict": report["verdict"],
        "focus_summary": report.get("focus_summary", {}),
        "input_summary": report["input_summary"],
        "clusters": [
            {k: c.get(k) for k in ("cluster_id", "score", "flagged", "size", "reasons", "confidence")}
            for c in report["clusters"][:10]
        ],
        "by_the_numbers": report.get("by_the_numbers", {}),
        "outputs": written,
        "timings_s": dict(timings_s or {}),
    }


def with_defaults_help(command: click.Command) -> click.Command:
    """Append the shared defaults paragraph to a command's help."""
    command.help = inspect.cleandoc(command.help or "") + _defaults_help()
    return command


@click.command("scan", epilog="Outputs: report.json, report.html, accounts.csv, account_stats.csv, clusters.csv, "
               "edges.csv, network.gexf, network.graphml (detector/report/SCHEMA.md).")
@input_options
@scan_options
@output_options
@user_errors
def command(**kwargs: Any) -> None:
    """Scan INPUT files for coordinated inauthentic amplification.

    Builds co-action, near-duplicate text and timing evidence, clusters the
    coordination network, scores accounts and clusters in [0, 1] with
    reasons, audits official accounts, and writes the report files to -o.
    """
    run("scan", kwargs)


with_defaults_help(command)


def verdict_line(report: dict[str, Any]) -> str:
    """The verdict in one line, the first line printed: about the account for ``detector account``."""
    v = report["verdict"]
    fs = report.get("focus_summary") or {}
    if report.get("command") == "account" and (fs.get("account_verdict") or {}).get("headline"):
        return fs["account_verdict"]["headline"]
    if report.get("command") == "hashtag":
        return f"#{fs.get('hashtag') or report['focus']['hashtag']}: {v['level'].upper()}: {v['headline']}"
    return f"Verdict: {v['level'].upper()}: {v['headline']}"


def exit_status(report: dict[str, Any], fail_on: str | None) -> int:
    """0, or :data:`detector.focus.EXIT_INSUFFICIENT` (3) without enough data, or
    :data:`detector.focus.EXIT_FAIL_ON` (1) when the verdict reaches ``--fail-on``."""
    from detector.focus import EXIT_FAIL_ON, EXIT_INSUFFICIENT
    from detector.report.verdict import fails

    level = report["verdict"]["level"]
    if level == "insufficient":
        return EXIT_INSUFFICIENT
    return EXIT_FAIL_ON if fails(level, fail_on) else 0


def run(command_name: str, kwargs: dict[str, Any], printer: Callable[..., None] | None = None, **focus: Any) -> None:
    """Shared body of scan/hashtag/account: print the verdict, exit with its status.

    ``--json``: the JSON summary only; ``-q``: nothing on stdout (the verdict only with
    ``--json``; the exit status still tells, see :func:`exit_status`); otherwise the
    command's plain-language verdict.
    """
    as_json = kwargs.pop("as_json")
    fail_on = kwargs.pop("fail_on")
    result, written = execute(command_name=command_name, **kwargs, **focus)
    emit_summary(
        json_summary(result.report, written, result.timings),
        as_json=as_json,
        quiet=kwargs["quiet"],  # -q: nothing on stdout (the verdict only with --json)
        human=lambda: (printer or print_verdict)(result.report, written, kwargs["outdir"]),
    )
    status = exit_status(result.report, fail_on)
    if status:
        raise SystemExit(status)


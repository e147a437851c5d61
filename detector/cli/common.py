"""Options and helpers shared by the commands (input loading, output, errors)."""

from __future__ import annotations

import dataclasses
import functools
import inspect
import json
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import click

from detector.progress import set_quiet

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "InputSource",
    "echo_json",
    "emit_summary",
    "input_options",
    "kind_option",
    "library_default",
    "load_inputs",
    "output_options",
    "parse_mapping",
    "registry_option",
    "source_options",
    "user_errors",
    "write_table",
]


def library_default(owner: type | Callable[..., Any], name: str) -> Any:
    """The library's default for ``name``: a field of the dataclass ``owner`` or a keyword of the function.

    The one way a command sets an option's default (``default=library_default(ScanParams,
    "seed"), show_default=True``): the CLI never restates a library value, so changing it in
    :mod:`detector.thresholds` or in a signature changes the option and its ``--help`` too.

    >>> from detector.params import ScanParams
    >>> library_default(ScanParams, "flag_threshold")
    0.5
    >>> library_default(sorted, "reverse")
    False

    Raises
    ------
    KeyError
        ``owner`` has no such field or keyword, or it has no default.
    """
    if dataclasses.is_dataclass(owner):
        found = {f.name: f for f in dataclasses.fields(owner)}.get(name)
        if found is not None and found.default is not dataclasses.MISSING:
            return found.default
        if found is not None and found.default_factory is not dataclasses.MISSING:
            return found.default_factory()
    else:
        param = inspect.signature(owner).parameters.get(name)
        if param is not None and param.default is not inspect.Parameter.empty:
            return param.default
    raise KeyError(f"{getattr(owner, '__qualname__', owner)} has no default for {name!r}")


def parse_mapping(spec: tuple[str, ...] | str | None) -> dict[str, str]:
    """Parse ``--map canonical=source,...`` (repeatable) into ``{canonical: source}``."""
    if not spec:
        return {}
    items = spec if isinstance(spec, tuple) else (spec,)
    mapping: dict[str, str] = {}
    for item in items:
        for part in item.split(","):
            part = part.strip()
            if not part:
                continue
            if "=" not in part:
                raise click.BadParameter(f"{part!r} is not of the form canonical=source", param_hint="--map")
            key, value = (s.strip() for s in part.split("=", 1))
            if not key or not value:
                raise click.BadParameter(f"{part!r} has an empty side", param_hint="--map")
            mapping[key] = value
    return mapping


def input_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``INPUT...``, ``--format``, ``--map`` and ``--strict`` to a command."""
    from detector.io import FORMATS  # local: keeps `detector --help` light

    func = click.option(
        "--strict", is_flag=True, help="Stop at the first malformed record (non-zero exit) instead of skipping it."
    )(func)
    func = click.option(
        "--map",
        "mapping",
        multiple=True,
        metavar="CANON=SOURCE,...",
        help="Column mapping for generic CSV/Parquet, e.g. ts=created_at,account_id=author_id.",
    )(func)
    func = click.option(
        "--format",
        "fmt",
        type=click.Choice(sorted(FORMATS)),
        default=None,
        help="Input format; sniffed from the content when omitted.",
    )(func)
    func = click.argument("inputs", nargs=-1, required=True, type=click.Path(dir_okay=True, path_type=str))(func)
    return func


class InputSource(NamedTuple):
    """``INPUT...``, ``--format``, ``--map`` and ``--strict`` of a command, as one value.

    Read them with ``load_inputs(*source, quiet)``.
    """

    inputs: tuple[str, ...]
    fmt: str | None
    mapping: tuple[str, ...]
    strict: bool


def source_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """:func:`input_options`, handed to the command as one ``source: InputSource`` argument."""

    @functools.wraps(func)
    def wrapper(
        *args: Any,
        inputs: tuple[str, ...],
        fmt: str | None,
        mapping: tuple[str, ...],
        strict: bool,
        **kwargs: Any,
    ) -> Any:
        return func(*args, source=InputSource(inputs, fmt, mapping, strict), **kwargs)

    return input_options(wrapper)


def output_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--quiet`` and ``--json`` to a command."""
    func = click.option("--json", "as_json", is_flag=True, help="Print a machine-readable JSON summary on stdout.")(func)
    func = click.option("--quiet", "-q", is_flag=True, help="No progress bars or informational messages (scan, hashtag, account: nothing on stdout; the verdict only with --json).")(func)
    return func


def kind_option(help_text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--kind`` (interaction graph kind, default ``all``), for ``graph`` and ``officials``."""
    from detector.evidence.graphs import (  # local: keeps `detector --help` light
        GRAPH_KINDS,
        interaction_graph,
    )

    return click.option(
        "--kind",
        type=click.Choice(GRAPH_KINDS),
        default=library_default(interaction_graph, "kind"),
        show_default=True,
        help=help_text,
    )


def registry_option(help_text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--registry`` (an existing registry file, optional), for ``graph`` and ``officials``."""
    return click.option(
        "--registry", type=click.Path(exists=True, dir_okay=False), default=None, help=help_text
    )


def user_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn expected errors (bad input, bad schema) into one clear line and exit status 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from detector.io import InputError
        from detector.schema import SchemaError

        try:
            return func(*args, **kwargs)
        except (InputError, SchemaError) as exc:
            err = click.ClickException(str(exc))
            err.exit_code = 2
            raise err from None

    return wrapper


def load_inputs(
    inputs: tuple[str, ...], fmt: str | None, mapping: tuple[str, ...], strict: bool, quiet: bool
):
    """Read all inputs into canonical tables and print the ingest log's problems on stderr."""
    from detector.io import read_inputs

    set_quiet(quiet)
    result = read_inputs(list(inputs), fmt=fmt, mapping=parse_mapping(mapping), strict=strict)
    if not quiet:
        for line in result.log.problem_lines():
            click.echo(line, err=True)
    return result


def echo_json(payload: Any) -> None:
    """Print ``payload`` as sorted, indented JSON on stdout."""
    json.dump(payload, sys.stdout, indent=2, sort_keys=True, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


def emit_summary(
    summary: Mapping[str, Any],
    *,
    as_json: bool,
    quiet: bool,
    human: str | Iterable[str] | Callable[[], str | Iterable[str] | None],
) -> None:
    """Print a command's summary: ``summary`` as JSON with ``--json``, else ``human`` unless ``--quiet``.

    ``human`` is a line, some lines, or a callable returning them (called only
    when they are printed; it may also print by itself and return ``None``).
    """
    if as_json:
        echo_json(summary)
        return
    if quiet:
        return
    lines = human() if callable(human) else human
    if lines is None:
        return
    for line in [lines] if isinstance(lines, str) else lines:
        click.echo(line)


def write_table(frame: pd.DataFrame, path: str | Path) -> None:
    """Write ``frame`` atomically: formula-safe CSV when ``path`` ends in ``.csv``, else Parquet."""
    from detector.fsutil import atomic_path
    from detector.report.csvsafe import write_csv

    if Path(path).suffix.lower() == ".csv":
        write_csv(frame, path)
        return
    with atomic_path(path) as tmp:
        frame.to_parquet(tmp, index=False)

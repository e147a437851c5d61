"""The CLI reads its defaults from the library (issue 19): no option restates a number."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import _paths
import click
import pytest

from detector.cli import main
from detector.cli.common import library_default
from detector.params import ScanParams

CLI = _paths.ROOT / "detector" / "cli"


def _literal_defaults(path: Path) -> list[str]:
    """``default=<number or string literal>`` keywords of ``click.option(...)`` calls in ``path``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "option"):
            continue
        for kw in node.keywords:
            value = kw.value
            if kw.arg != "default" or not isinstance(value, ast.Constant):
                continue
            if value.value is None or isinstance(value.value, bool):
                continue  # "no default" and flags restate nothing
            found.append(f"{path.name}:{value.lineno}: default={value.value!r}")
    return found


def test_no_option_restates_a_library_default() -> None:
    offenders = [hit for path in sorted(CLI.glob("*.py")) for hit in _literal_defaults(path)]
    # the two left are CLI choices with no library counterpart (coordination's object, semantics)
    allowed = {"cmd_coordination.py: default='repost'", "cmd_coordination.py: default='default'"}
    assert [h for h in offenders if _without_line(h) not in allowed] == [], offenders


def _without_line(hit: str) -> str:
    name, _line, rest = hit.split(":", 2)
    return f"{name}:{rest}"


def test_the_check_sees_a_literal(tmp_path: Path) -> None:
    path = tmp_path / "cmd_x.py"
    path.write_text('import click\n@click.option("--k", default=5, show_default=True)\ndef f(k): ...\n')
    assert _literal_defaults(path) == ["cmd_x.py:2: default=5"]


@dataclass
class _Params:
    a: int = 3
    b: tuple = ()


def _fn(x, y=7, *, z="q"):  # noqa: ANN001, ANN202 - a signature to read
    return x


def test_library_default_reads_dataclasses_and_signatures() -> None:
    assert library_default(_Params, "a") == 3
    assert library_default(_fn, "y") == 7 and library_default(_fn, "z") == "q"
    for owner, name in ((_Params, "missing"), (_fn, "x"), (_fn, "missing")):
        with pytest.raises(KeyError):
            library_default(owner, name)


@pytest.mark.parametrize("command", ["scan", "hashtag", "account"])
def test_scan_options_are_the_scan_params_defaults(command: str) -> None:
    cmd = main.get_command(click.Context(main), command)
    options = {p.name: p for p in cmd.params if isinstance(p, click.Option)}
    defaults = ScanParams()
    for name in ("flag_threshold", "neardup_threshold", "seed"):
        assert options[name].default == getattr(defaults, name)
        assert options[name].show_default


def test_every_defaulted_option_shows_its_default() -> None:
    ctx = click.Context(main)
    hidden = []
    for name in main.list_commands(ctx):
        for p in main.get_command(ctx, name).params:
            if not isinstance(p, click.Option) or (p.is_flag and not p.secondary_opts):
                continue
            if p.required or p.multiple or p.default is None:
                continue
            if not p.show_default:
                hidden.append(f"{name} {p.opts[0]}")
    assert not hidden, hidden

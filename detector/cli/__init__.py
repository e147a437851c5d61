"""The ``detector`` command line.

Commands live one per module, ``detector/cli/cmd_<name>.py``, each exposing a
``click.Command`` named ``command``; they are discovered here and imported
only when run, so ``detector --version`` and ``detector --help`` stay fast
(the command list reads each command's one-line help from its source with
:mod:`ast`, without importing pandas, Numba and the rest) and one broken
optional dependency cannot take every command down.
Commands are thin: parse options, call library functions, print.
"""

from __future__ import annotations

import ast
import atexit
import contextlib
import gc
import importlib
import inspect
import os
import pkgutil
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from detector import __version__

__all__ = ["frozen_imports", "main"]

_PROGRAM = False
"""True when running as the ``detector`` program (:meth:`LazyGroup.main` from ``sys.argv``)."""

PROGRAM_ENVIRONMENT: dict[str, str] = {"OMP_WAIT_POLICY": "PASSIVE"}
"""Defaults the ``detector`` program puts in its environment (a value already set is kept).

``OMP_WAIT_POLICY=PASSIVE``: the OpenMP threads of Numba's parallel kernels
sleep between parallel regions instead of spinning. Spinning kept the second
core busy for 0.5-0.8 s of a ``detector hashtag`` on the sample, taking that
core from the main thread and from other work on a shared machine; passive:
CPU 3.61 -> 2.82 s, wall 5.59 -> 4.26 s (medians of 6 interleaved runs,
load 7 on 2 cores); ``detector scan`` of bench_scan's 100k-event Parquet:
wall 11.6-12.3 -> 10.5 s, CPU 7.7 -> 6.8 s (2 runs each, load 8). Results do
not depend on it (nor on the thread count).
Set before any kernel runs (OpenMP reads it when it loads).
"""


@contextlib.contextmanager
def frozen_imports() -> Iterator[None]:
    """Import inside this block without cyclic garbage collection, then freeze what it loaded.

    When running as the ``detector`` program only: the collector stays off
    while the block imports (importing makes almost no garbage, but pandas,
    Numba and SciPy allocate enough to trigger hundreds of collections), and
    ``gc.freeze()`` then moves every object alive (the imported modules,
    mostly) out of the collector's sight, so a later full collection walks the
    command's own objects, not the million objects of the libraries. On
    ``detector hashtag`` on the sample, cyclic collection took 0.41 s of CPU
    and 0.10-0.12 s with this (``benchmarks/bench_startup.py``). The process
    ends right after the command (:func:`fast_exit`), so nothing frozen needs
    collecting. In a test runner or a script (``main(args)``) it does nothing,
    so in-process runs never pin each other's garbage.
    """
    if not _PROGRAM:
        yield
        return
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _command_modules() -> dict[str, str]:
    """Map command name (``cmd_foo_bar`` -> ``foo-bar``) to module name."""
    found = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("cmd_"):
            found[info.name[4:].replace("_", "-")] = f"{__name__}.{info.name}"
    return dict(sorted(found.items()))


def _static_help(module: str) -> str | None:
    """Help text of the ``command`` function in ``module``'s source, read without importing it.

    ``None`` when the source cannot be read or the command is defined in a way
    this reader does not follow (a non-literal ``help``, ``short_help``,
    ``hidden`` or ``deprecated``): the caller then imports the module.
    """
    path = Path(__file__).with_name(module.rsplit(".", 1)[-1] + ".py")
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return None
    for node in tree.body:
        if not (isinstance(node, ast.FunctionDef) and node.name == "command"):
            continue
        for deco in node.decorator_list:
            if isinstance(deco, ast.Call) and getattr(deco.func, "attr", getattr(deco.func, "id", "")) == "command":
                keywords = {k.arg for k in deco.keywords}
                if keywords & {"help", "short_help", "hidden", "deprecated", "cls"}:
                    return None
                doc = ast.get_docstring(node, clean=True)
                return doc.split("\f", 1)[0] if doc else None
        return None
    return None


def _exit_status(code: Any) -> int:
    """The process status Python gives ``SystemExit(code)`` (a message is printed to stderr, status 1)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def fast_exit(code: Any) -> None:
    """End the process with ``SystemExit(code)``'s status, without the interpreter's teardown.

    After a scan the interpreter's finalisation (freeing every module, table
    and compiled kernel one by one) takes about 0.5 s of a ``detector
    hashtag`` run on the sample; the operating system reclaims the same
    memory at once. What a normal exit does that matters still happens first:
    the ``atexit`` handlers run (temporary folders, coverage, the dask
    cluster) and stdout/stderr are flushed. Every output file is closed
    (written atomically) before the command returns. When a non-daemon thread
    is still running, the normal exit (which waits for it) is taken instead.
    """
    if any(t is not threading.main_thread() and t.is_alive() and not t.daemon for t in threading.enumerate()):
        raise SystemExit(code)
    status = _exit_status(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (`detector ... | head`)
            stream.flush()
    os._exit(status)


class LazyGroup(click.Group):
    """A click group whose sub-commands are imported on first use.

    Run as the ``detector`` program (arguments from ``sys.argv``), it ends with
    :func:`fast_exit`; called with ``args`` (click's test runner, scripts) it
    behaves as any click group.
    """

    def main(self, args: Any = None, *rest: Any, **kwargs: Any) -> Any:
        if args is not None or rest or not kwargs.get("standalone_mode", True):
            return super().main(args, *rest, **kwargs)
        global _PROGRAM
        _PROGRAM = True
        for name, value in PROGRAM_ENVIRONMENT.items():
            os.environ.setdefault(name, value)
        try:
            return super().main(args, **kwargs)
        except SystemExit as exc:  # click's standalone mode always ends here
            fast_exit(exc.code)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(_command_modules())

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = _command_modules().get(cmd_name)
        if module is None:
            return None
        with frozen_imports():
            return importlib.import_module(module).command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of ``--help``, as click writes it, from the commands' sources."""
        modules = _command_modules()
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(map(len, names))
        rows = []
        for name in names:
            text = _static_help(modules[name])
            if text is None:  # not readable statically: import it (slower, same text)
                cmd = self.get_command(ctx, name)
                if cmd is None or cmd.hidden:
                    continue
                rows.append((name, cmd.get_short_help_str(limit)))
            else:
                rows.append((name, click.Command(name, help=inspect.cleandoc(text)).get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="detector")
def main() -> None:
    """Find coordinated inauthentic amplification in social-media exports.

    Start with `detector scan sample_data/events.jsonl.gz -o out/` or run any
    command with --help.
    """

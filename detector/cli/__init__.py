"""The ``detector`` command line.

Commands live one per module, ``detector/cli/cmd_<name>.py``, each exposing a
``click.Command`` named ``command``; they are discovered here and imported
only when run (or when ``--help`` lists them), so ``detector --version`` stays
fast and one broken optional dependency cannot take every command down.
Commands are thin: parse options, call library functions, print.
"""

from __future__ import annotations

import importlib
import pkgutil

import click

from detector import __version__

__all__ = ["main"]


def _command_modules() -> dict[str, str]:
    """Map command name (``cmd_foo_bar`` -> ``foo-bar``) to module name."""
    found = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("cmd_"):
            found[info.name[4:].replace("_", "-")] = f"{__name__}.{info.name}"
    return dict(sorted(found.items()))


class LazyGroup(click.Group):
    """A click group whose sub-commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(_command_modules())

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = _command_modules().get(cmd_name)
        if module is None:
            return None
        return importlib.import_module(module).command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="detector")
def main() -> None:
    """Find coordinated inauthentic amplification in social-media exports.

    Start with `detector scan sample_data/events.jsonl.gz -o out/` or run any
    command with --help.
    """

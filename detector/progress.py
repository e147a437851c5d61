"""Progress bars for long work, silenced by ``--quiet`` or when stderr is not a terminal."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

from tqdm.auto import tqdm

T = TypeVar("T")

__all__ = ["progress", "set_quiet"]

_QUIET = False


def set_quiet(quiet: bool) -> None:
    """Turn all progress bars off (``True``) or back on, for the whole process."""
    global _QUIET
    _QUIET = bool(quiet)


def progress(iterable: Iterable[T], *, desc: str, total: int | None = None, unit: str = "it") -> Iterator[T]:
    """Wrap ``iterable`` in a progress bar on stderr (none when quiet or not a TTY)."""
    disable = _QUIET or not sys.stderr.isatty()
    yield from tqdm(iterable, desc=desc, total=total, unit=unit, disable=disable, leave=False, file=sys.stderr)

"""Progress bars for long work, from one place; silenced by ``--quiet`` or when stderr is not a terminal.

Bars stay on screen when done (``leave=True``) so the user sees what ran and how long
each part took. :func:`progress` wraps an iterable (reading chunks, co-action layers);
:func:`stage` marks one stage of a multi-stage job (the scan's filter, co-action,
near-duplicates, timing, features, network, scoring, officials, report) on one bar.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")

__all__ = ["progress", "set_quiet", "stage"]

_QUIET = False
_STAGE_BAR: Any = None


def set_quiet(quiet: bool) -> None:
    """Turn all progress bars off (``True``) or back on, for the whole process."""
    global _QUIET
    _QUIET = bool(quiet)


def _disabled() -> bool:
    return _QUIET or not sys.stderr.isatty()


def _tqdm(**kwargs: Any) -> Any:
    """A ``tqdm.auto`` bar (imported here, on first use: with ``tqdm.asyncio`` it costs about
    0.1 s, which a quiet or piped run, where every bar is off, does not pay)."""
    from tqdm.auto import tqdm

    return tqdm(**kwargs)


def progress(iterable: Iterable[T], *, desc: str, total: int | None = None, unit: str = "it") -> Iterator[T]:
    """Wrap ``iterable`` in a progress bar on stderr (none when quiet or not a TTY)."""
    if _disabled():
        yield from iterable
        return
    yield from _tqdm(iterable=iterable, desc=desc, total=total, unit=unit, leave=True, file=sys.stderr)


_STAGES_DONE: set[str] = set()


class _NoBar:
    """The stage bar when bars are off: the calls :func:`stage` makes, doing nothing."""

    def set_postfix_str(self, *args: Any, **kwargs: Any) -> None:
        """Nothing to show."""

    def update(self, n: int = 1) -> None:
        """Nothing to count."""

    def close(self) -> None:
        """Nothing to close."""


@contextlib.contextmanager
def stage(name: str, stages: Sequence[str], desc: str = "scan") -> Iterator[None]:
    """Show stage ``name`` of ``stages`` on one bar (opened at the first stage, closed after the last).

    A stage may run in several steps (the same name again): it counts once, when its first
    step ends; names not in ``stages`` only show as the current step.
    """
    global _STAGE_BAR
    if _STAGE_BAR is None or (name == stages[0] and name in _STAGES_DONE):
        if _STAGE_BAR is not None:
            _STAGE_BAR.close()
        _STAGES_DONE.clear()
        _STAGE_BAR = _NoBar() if _disabled() else _tqdm(total=len(stages), desc=desc, unit="stage", leave=True, file=sys.stderr)
    bar = _STAGE_BAR
    bar.set_postfix_str(name, refresh=True)
    try:
        yield
    finally:
        if name in stages and name not in _STAGES_DONE:
            _STAGES_DONE.add(name)
            bar.update(1)
        if name == stages[-1]:
            bar.set_postfix_str("done", refresh=True)
            bar.close()
            _STAGE_BAR = None
            _STAGES_DONE.clear()

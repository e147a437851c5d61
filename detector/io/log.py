"""Ingest bookkeeping: what was read, kept and skipped, and the one error type of :mod:`detector.io`."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "COMPANION_PROBLEMS",
    "InputError",
    "IngestLog",
    "MAX_EXAMPLES",
    "NOT_EVENT_REASONS",
    "Problem",
    "SkippedCompanion",
]

MAX_EXAMPLES = 10
"""How many examples (file, line, reason) are kept per skip reason."""

NOT_EVENT_REASONS: frozenset[str] = frozenset(
    {
        "deletion notice",
        "withheld notice",
        "stream notice",
        "not a post or repost",
        "duplicate event_id",
        "withheld tweet without content",
        "service message",
        "account profile",
    }
)
"""Skip reasons for records that are well formed but carry no event.

They are counted like every other skip but do not stop a ``strict`` read and
do not count as evidence that a file is of the wrong format."""


class InputError(ValueError):
    """An input cannot be read: one line naming the file and what was expected or found."""

    def __init__(self, message: object = "", *args: object) -> None:
        text = message if isinstance(message, str) else str(message)
        super().__init__(" ".join(text.split()) if "\n" in text or "\r" in text else text, *args)


@dataclass(frozen=True)
class Problem:
    """One skipped record: where it was and why.

    ``line`` is the 1-based physical line for JSON Lines, the line where the
    element starts for JSON arrays, and the 1-based record number (header =
    1) for CSV, where a quoted field may span several physical lines.
    """

    file: str
    line: int | None
    reason: str
    detail: str = ""

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.reason}" + (f" ({self.detail})" if self.detail else "")


COMPANION_PROBLEMS: dict[str, str] = {
    "missing": "does not exist",
    "not given": "was not given",
    "unreadable": "could not be read",
    "unmatched": "does not match it",
}
"""Why a companion file's content is missing from an ingest, and how the warning says it."""


@dataclass(frozen=True)
class SkippedCompanion:
    """An events file read without (part of) what its companion file holds.

    academictwitteR's ``data_<id>.json`` tweets get their authors' handles and
    profiles from ``users_<id>.json``; when that file is missing, not given,
    unreadable or holds other accounts, the tweets are still read and this
    record says what is missing, for the ingest summary, stderr and the verdict.

    Attributes
    ----------
    file : str
        The events file, as named in the ingest summary.
    companion : str
        The companion file's name (``users_<id>.json``).
    kind : str
        The companion's format (``academictwitter-users``).
    problem : str
        A key of :data:`COMPANION_PROBLEMS`.
    detail : str
        Why, in words (e.g. the first malformed record); may be empty.
    events : int
        Events read from ``file``.
    unknown_authors : int
        Of them, events whose author is in no companion file read (handle and profile unknown).
    missing : tuple of str
        What the companion would have given, in plain words; the last item is
        what only this companion holds (e.g. retweet originals).
    """

    file: str
    companion: str
    kind: str
    problem: str
    detail: str
    events: int
    unknown_authors: int
    missing: tuple[str, ...]

    @property
    def message(self) -> str:
        """The one-line warning (stderr, ``warnings`` of the ingest summary)."""
        if self.problem == "unmatched":
            why = f"holds the author of only {self.events - self.unknown_authors} of its {self.events} events"
        else:
            why = COMPANION_PROBLEMS[self.problem] + (f" ({self.detail})" if self.detail else "")
        about_authors, only_here = ", ".join(self.missing[:-1]), self.missing[-1]
        if self.unknown_authors:
            effect = (
                f"{about_authors} are unknown for the authors of {self.unknown_authors} of its events, "
                f"and so are {only_here} only it holds"
            )
        else:
            effect = f"its authors were found in other companion files, but {only_here} only it holds are unknown"
        return (
            f"{self.file}: its companion file {self.companion} {why}; {effect} "
            "(pass the whole folder, with readable companion files, to join them)"
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-able fields plus the ``message``."""
        return {
            "file": self.file,
            "companion": self.companion,
            "kind": self.kind,
            "problem": self.problem,
            "detail": self.detail,
            "events": int(self.events),
            "unknown_authors": int(self.unknown_authors),
            "missing": list(self.missing),
            "message": self.message,
        }


@dataclass
class IngestLog:
    """Counts and examples of an ingest.

    Invariant after a read: ``records_read == kept + sum(skipped.values()) + merged``
    where ``merged`` counts rows folded into an event already kept (the
    one-row-per-object CooRTweet table has several rows per post).
    """

    strict: bool = False
    records_read: int = 0
    kept: int = 0
    merged: int = 0
    skipped: Counter = field(default_factory=Counter)
    examples: dict[str, list[Problem]] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)
    damaged: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    companions: list[SkippedCompanion] = field(default_factory=list)

    def skip(
        self, reason: str, file: str, line: int | None, detail: str = "", count: int = 1
    ) -> None:
        """Count ``count`` skipped record(s); raise :class:`InputError` when strict and malformed."""
        problem = Problem(str(file), line, reason, _short(detail))
        if self.strict and reason not in NOT_EVENT_REASONS:
            raise InputError(f"{problem} [--strict stops at the first malformed record]")
        self.skipped[reason] += count
        bucket = self.examples.setdefault(reason, [])
        if len(bucket) < MAX_EXAMPLES:
            bucket.append(problem)

    def notice(self, message: str) -> None:
        """Record a file-level message (truncated file, empty file in a directory...)."""
        self.notices.append(message)

    def warn(self, message: str) -> None:
        """Record something the user must know to trust the result (e.g. skipped companion files).

        Warnings go to stderr and into :meth:`summary` (``warnings``), so that a
        verdict can show them.
        """
        if message not in self.warnings:
            self.warnings.append(message)

    def skip_companion(self, record: SkippedCompanion) -> None:
        """Record an events file read without its companion's content (also a :meth:`warn`)."""
        self.companions.append(record)
        self.warn(record.message)

    def damaged_stream(self, file: str, damage: Any, records_kept: int) -> None:
        """Record where a compressed stream stopped (a :class:`~detector.io.decompress.Damage`)."""
        self.damaged.append(
            {
                "file": str(file),
                "compression": damage.compression,
                "byte_offset": int(damage.byte_offset),
                "decompressed_bytes": int(damage.decompressed_bytes),
                "line": int(damage.line),
                "records_kept": int(records_kept),
                "reason": damage.reason,
            }
        )

    @property
    def n_skipped(self) -> int:
        """Total number of skipped records."""
        return int(sum(self.skipped.values()))

    def problem_lines(self) -> list[str]:
        """Human-readable lines for stderr: file-level notices, then examples per reason."""
        lines = [f"warning: {m}" for m in self.warnings + self.notices]
        for reason in sorted(self.skipped, key=lambda r: (-self.skipped[r], r)):
            if reason == "duplicate event_id":
                lines.append(f"note: skipped {self.skipped[reason]} duplicate event_id record(s)")
                continue
            lines.append(f"skipped {self.skipped[reason]} record(s): {reason}")
            for problem in self.examples.get(reason, []):
                lines.append(f"  {problem}")
        return lines

    def summary(self) -> dict[str, Any]:
        """JSON-able counts: records read, kept, merged, skipped by reason, examples, files."""
        return {
            "records_read": int(self.records_read),
            "kept": int(self.kept),
            "merged": int(self.merged),
            "skipped": int(self.n_skipped),
            "skipped_by_reason": {k: int(v) for k, v in sorted(self.skipped.items())},
            "examples": {
                k: [
                    {"file": p.file, "line": p.line, "reason": p.reason, "detail": p.detail}
                    for p in v
                ]
                for k, v in sorted(self.examples.items())
            },
            "notices": list(self.notices),
            "warnings": list(self.warnings),
            "skipped_companions": [c.as_dict() for c in self.companions],
            "damaged_streams": [dict(d) for d in self.damaged],
            "files": list(self.files),
        }


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"

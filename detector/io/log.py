"""Ingest bookkeeping: what was read, kept and skipped, and the one error type of :mod:`detector.io`."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

__all__ = ["InputError", "IngestLog", "Problem", "NOT_EVENT_REASONS", "MAX_EXAMPLES"]

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
            "damaged_streams": [dict(d) for d in self.damaged],
            "files": list(self.files),
        }


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"

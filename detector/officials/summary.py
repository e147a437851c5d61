"""Human- and machine-readable summaries of an :class:`~detector.officials.audit.AuditResult`."""

from __future__ import annotations

import unicodedata
from typing import Any

from detector import thresholds as th
from detector.officials.audit import AuditResult, is_missing

__all__ = ["audit_summary", "format_officials_table", "terminal_safe"]

_COLUMNS: tuple[tuple[str, str, str], ...] = (
    # header, column, format kind
    ("account", "account_name", "text"),
    ("role", "role", "text"),
    ("country", "country", "text"),
    ("received", "received", "int"),
    ("flagged", "flagged_share", "pct"),
    ("reach drop", "inauthentic_reach_share", "pct"),
    ("audience drop", "audience_drop", "pct"),
    ("PR drop", "pagerank_drop", "pct"),
    ("PR rank", "pagerank_rank", "int"),
    ("median s", "median_time_to_amplify_s", "num"),
    (f"<{th.FAST_REACTION_S}s", "share_within_60s", "pct"),
)
_MAX_TEXT = 24


def terminal_safe(text: Any, limit: int = _MAX_TEXT) -> str:
    """Printable, length-limited form of a user string (control/format chars become ``?``)."""
    if is_missing(text):
        return "-"
    out = "".join("?" if unicodedata.category(c)[0] == "C" else c for c in str(text))
    return out if len(out) <= limit else out[: limit - 1] + "…"


def _cell(value: Any, kind: str) -> str:
    if is_missing(value):
        return "-"
    if kind == "int":
        return str(int(value))
    if kind == "pct":
        pct = 100 * float(value)
        return f"{0.0 if abs(pct) < 0.05 else pct:.1f}%"
    if kind == "num":
        return f"{float(value):.0f}"
    return terminal_safe(value)


def format_officials_table(result: AuditResult, limit: int = 50) -> str:
    """A fixed-width text table of the officials (in the result's order), for a terminal."""
    table = result.officials.head(limit)
    header = [h for h, _, _ in _COLUMNS]
    rows = [
        [_cell(record.get(column), kind) for _, column, kind in _COLUMNS]
        for record in table.to_dict("records")
    ]
    widths = [max([len(header[i])] + [len(r[i]) for r in rows]) for i in range(len(header))]
    numeric = [kind != "text" for _, _, kind in _COLUMNS]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if num else c.ljust(w)
            for c, w, num in zip(cells, widths, numeric, strict=True)
        )

    out = [line(header), line(["-" * w for w in widths])]
    out.extend(line(r) for r in rows)
    if len(result.officials) > limit:
        out.append(f"... {len(result.officials) - limit} more in officials.csv")
    if not rows:
        out.append("(no official account of the registry was found in the data)")
    return "\n".join(out)


def audit_summary(result: AuditResult) -> dict[str, Any]:
    """JSON-ready summary: parameters, officials (report.json form), unmatched entries, top posts."""
    top = result.posts.loc[result.posts["flagged_received"] > 0].head(20)
    posts = [
        {
            "event_id": r["event_id"],
            "account_id": r["account_id"],
            "received": int(r["received"]),
            "flagged_received": int(r["flagged_received"]),
        }
        for r in top.to_dict("records")
    ]
    unmatched = [
        {
            "line": int(r["line"]),
            "account_id": _none(r["account_id"]),
            "handle": _none(r["handle"]),
            "reason": r["reason"],
        }
        for r in result.unmatched.to_dict("records")
    ]
    return {
        "params": result.params,
        "officials": result.report_rows(),
        "unmatched": unmatched,
        "top_posts": posts,
    }


def _none(value: Any) -> Any:
    return None if is_missing(value) else value

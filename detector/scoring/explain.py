"""How the scoring works, in words: the one text behind report.json, the HTML report and the docs.

``report.json`` carries :data:`SCORING_NOTES` first in ``methods.notes`` (the
HTML report shows them under "Method"); the HTML glossary reads
:data:`PLAIN_DEFINITIONS`; ``docs/scan.md`` holds :func:`markdown` between
the markers :data:`DOC_BEGIN` and :data:`DOC_END` (a test checks that the
block is up to date; ``python -m detector.scoring.explain docs/scan.md``
rewrites it). Change the wording here, nowhere else.

>>> SCORING_NOTES[-1]
'A flag is evidence for human review, not proof of inauthenticity.'
"""

from __future__ import annotations

import sys
from pathlib import Path

from detector.scoring.scores import FAMILIES

__all__ = ["DOC_BEGIN", "DOC_END", "PLAIN_DEFINITIONS", "SCORING_NOTES", "markdown", "update_doc"]

SCORING_NOTES: tuple[str, ...] = (
    "Account score = soft AND of its strongest coordination family (synchrony or duplicate "
    "text) and its strongest inauthenticity family (young/throwaway profile or automated "
    f"timing) ({', '.join(FAMILIES)}), each calibrated against the accounts of this scan "
    "(robust z-score); a strong single family counts only inside a cluster that shows "
    "both sides. Organic coordination (fans, newsrooms, activists) acts together but looks "
    "authentic and scores low; a young or automated-looking account that acts with nobody "
    "is not coordinated and scores 0 on its own.",
    "Cluster score = the same soft AND over the mean family scores of its members (group "
    "synchrony: also the share of members acting in sync with 3 or more accounts), damped "
    "for clusters smaller than min_cluster_size. An account's final score combines its own "
    "score with its cluster's support: 1 - (1 - own) * (1 - cluster score * max(strongest family, "
    "embeddedness)); embeddedness (ties by repeated evidence to members of its own cluster, "
    "relative to the cluster's typical member; single co-actions weighted by the share of the "
    "account's own actions done in sync with the cluster; all of it scaled by how much of its "
    "ties inside the cluster go to inauthentic-looking members) counts only in a flagged cluster. "
    "An account outside a flagged cluster that acted in the window with 3 or more of its "
    "members, who are at least half of everyone it acted in sync with, is supported by it "
    "through its own strongest family only (linked_cluster_id).",
    "Declared official accounts (registry) are scored and explained but never flagged; "
    "their amplification is audited in the officials section.",
    "A flag is evidence for human review, not proof of inauthenticity.",
)
"""The scoring rules as ``report.json`` states them (``methods.notes``, before the run's own notes)."""

PLAIN_DEFINITIONS: tuple[tuple[str, str], ...] = (
    (
        "Account score (0 to 1)",
        "How strongly one account's behaviour matches coordinated, automated-looking amplification: "
        "acting on the same posts, links or hashtags within seconds of other accounts, posting "
        "near-identical text, very regular timing, and young or bot-like account features. It takes "
        "both acting together and looking inauthentic (in the account or in its group); any one "
        "signal alone stays low. Accounts at or above the flag threshold are 'flagged'.",
    ),
    (
        "Cluster score (0 to 1)",
        "How strongly a group of accounts found together in the coordination network looks like an "
        "organised campaign: how many kinds of evidence link them, how tightly, how fast and how "
        "uniformly. Large organic communities that only share a hashtag score low.",
    ),
)
"""Plain-language definitions of the two scores (the HTML report's glossary)."""

DOC_BEGIN = "<!-- scoring-explanation: generated from detector/scoring/explain.py, do not edit -->"
DOC_END = "<!-- /scoring-explanation -->"


def markdown() -> str:
    """The explanation as a Markdown block (what ``docs/scan.md`` holds between the markers)."""
    lines = [DOC_BEGIN, ""]
    lines += [f"- **{term}**: {text}" for term, text in PLAIN_DEFINITIONS]
    lines.append("")
    lines += [f"- {note}" for note in SCORING_NOTES]
    lines += ["", DOC_END]
    return "\n".join(lines)


def update_doc(path: str | Path) -> bool:
    """Rewrite the generated block of ``path`` (between the markers); return whether it changed.

    Raises ``ValueError`` when the markers are missing.
    """
    p = Path(path)
    text = p.read_text(encoding="utf-8")
    start, end = text.find(DOC_BEGIN), text.find(DOC_END)
    if start < 0 or end < start:
        raise ValueError(f"{p}: no generated scoring block ({DOC_BEGIN!r} ... {DOC_END!r})")
    new = text[:start] + markdown() + text[end + len(DOC_END):]
    if new != text:
        p.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":  # pragma: no cover - maintenance helper
    for arg in sys.argv[1:] or ["docs/scan.md"]:
        print(f"{arg}: {'updated' if update_doc(arg) else 'up to date'}")

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
    "Every signal is one named evidence test, calibrated against the accounts of this scan "
    "by one rule (detector/scoring/calibrate.py): a value counts only when it is both rare "
    "(empirical upper tail with mid-ranks: nothing outside the top quarter, full from the top 5%) "
    "and far (2 to 5 robust scales above the median, with a floor per kind of signal).",
    "Account score = soft AND of its strongest coordination family (synchrony or duplicate "
    f"text) and its strongest inauthenticity family (young/dormant/language-switching profile or automated "
    f"timing) ({', '.join(FAMILIES)}). A copied text counts from two copied posts on "
    f"(one is a meme or a slogan); posting rate, handle, follower counts, default profile and "
    f"client only strengthen the inauthenticity side. Organic coordination (fans, newsrooms, activists) acts "
    "together but looks authentic and scores low; an account that acts with nobody is not "
    "coordinated and scores 0 on its own.",
    "Cluster score = the same soft AND over group tests: binomial enrichment of members in "
    "sync or copying texts, of members that dropped their language at the group's change point, "
    "and of members in the population's youngest, most dormant or most machine-like quarter and of creation-date batches, against the scan's population, "
    "strengthened by follower anomalies, default profiles and rare clients "
    "(Benjamini-Hochberg over every test of the scan; a cluster lends support only at a false-discovery "
    "rate below 1%; plus an effect floor of 20 to 50 points of excess share). A cluster scoring 0.5 or more supports "
    "its members: 1 - (1 - own) * (1 - cluster score * max(strongest family, embeddedness)); "
    "in a cluster of 10 or more, an account's own coordination counts only as far as its "
    "group looks inauthentic. An account outside such a cluster that acted in the window "
    "with 3 or more of its members, who are at least half of everyone it acted in sync with, "
    "is supported by it through its own strongest family only (linked_cluster_id).",
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

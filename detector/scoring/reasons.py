"""Reason strings, one formatter per signal: the one place where evidence becomes words.

Every number carries its unit (``days``, ``s``, ``bits``, ``events per active day``,
``%``) or is named a score in [0, 1]; every comparison names the population value
as "median account here" and, where known, the percentile. Tests check the wording
(``tests/test_reasons.py``). New signals get their formatter here, so that all
reasons read alike.
"""

from __future__ import annotations

import math

__all__ = [
    "HOUR_ENTROPY_MAX_BITS",
    "account_age",
    "automation_reason",
    "clock_repeat",
    "cluster_family",
    "cluster_member",
    "duplicate_text",
    "handle_randomness",
    "hour_entropy",
    "iet_cv",
    "linked_cluster",
    "percentile",
    "posts_per_day",
    "profile_reason",
    "repost_lag",
    "synchrony",
    "tagged",
]

HOUR_ENTROPY_MAX_BITS = math.log2(24)
"""Largest hour-of-day entropy: activity spread evenly over the 24 hours (4.58 bits)."""


def _finite(x: object) -> bool:
    return isinstance(x, int | float) and math.isfinite(float(x))


def percentile(p: float) -> str:
    """Share of accounts below a value, in words (``p`` in [0, 1])."""
    if not _finite(p):
        return "percentile unknown"
    return f"above {100 * p:.0f}% of accounts" if p < 0.995 else "among the top 0.5% of accounts"


def tagged(text: str, family: str, score: float) -> str:
    """A reason with its family's score in [0, 1]: ``text [family score 0.87]``."""
    return f"{text} [{family} score {score:.2f}]"


def synchrony(
    partners: int, repeat: int, median_repeat: float, pct: float, timing_partners: int = 0,
    recurring_partners: int = 0, median_recurring: float = 0.0,
) -> str:
    """Repeated co-action, timing correlation and recurring links."""
    out = (
        f"acted in sync with {partners:,} accounts; with its 3rd closest partner on {repeat:,} distinct "
        f"posts/links/hashtags within the co-action window (median account here: {median_repeat:.0f}; "
        f"{percentile(pct)})"
    )
    if timing_partners > 0:
        out += f"; activity over time correlated with {timing_partners:,} of them"
    if recurring_partners > 0:
        out += (
            f"; shared two or more of the same uncommon links (at any time) with {recurring_partners:,} "
            f"accounts (median account here: {median_recurring:.0f})"
        )
    return out


def duplicate_text(partners: int, share: float | None) -> str:
    """Identical or near-duplicate texts shared with other accounts."""
    extra = f"; {share:.0%} of its own posts are near-duplicates of other accounts' posts" if _finite(share) else ""
    return f"posted identical or near-duplicate text with {partners:,} accounts{extra}"


def account_age(age_days: float, median_days: float) -> str:
    """Account age at its first post here, in days."""
    return f"created {age_days:,.0f} days before its first post here (median account here: {median_days:,.0f} days)"


def handle_randomness(pct: float) -> str:
    """Random-looking handle (digit runs, character entropy)."""
    return f"random-looking handle ({percentile(pct)})"


def profile_reason(parts: list[str]) -> str:
    """The profile family's reason from its parts."""
    return "young or throwaway-looking account: " + ("; ".join(parts) or "profile unlike the other accounts here")


def iet_cv(cv: float, median_cv: float) -> str:
    """Regularity of the time between its events (coefficient of variation, no unit)."""
    return (
        f"time between its events varies little: coefficient of variation {cv:.2f} "
        f"(median account here: {median_cv:.2f}; 0 = clockwork, about 1 = random)"
    )


def hour_entropy(bits: float, median_bits: float) -> str:
    """Spread of activity over the hours of the day (Shannon entropy, bits)."""
    return (
        f"active around the clock: hour-of-day entropy {bits:.2f} bits of at most "
        f"{HOUR_ENTROPY_MAX_BITS:.2f} (median account here: {median_bits:.2f} bits)"
    )


def posts_per_day(rate: float, median_rate: float) -> str:
    """Posting rate."""
    return f"{rate:,.1f} events per active day (median account here: {median_rate:,.1f})"


def repost_lag(median_s: float, iqr_s: float, spread: float, median_spread: float) -> str:
    """Fixed delay between the original post and its repost."""
    return (
        f"fixed repost lag: median {median_s:,.0f} s after the original, middle half within {iqr_s:,.0f} s "
        f"(spread {spread:.2f} = middle half / median; median account here: {median_spread:.2f})"
    )


def clock_repeat(share: float) -> str:
    """Events at the same clock time on several days."""
    return f"{share:.0%} of its events at the same clock time (within seconds) on 3 or more days"


def automation_reason(parts: list[str]) -> str:
    """The automation family's reason from its parts."""
    return "automated-looking timing: " + ("; ".join(parts) or "timing unlike the other accounts here")


def cluster_member(cluster_id: int, size: int, score: float, tied: int, coactors: int) -> str:
    """Membership of a cluster (with its score in [0, 1])."""
    out = f"member of cluster {cluster_id} ({size:,} accounts, cluster score {score:.2f})"
    if tied > 0:
        out += f"; tied by repeated evidence to {tied:,} of its members"
    if coactors > 0:
        out += f"; acted within the co-action window with {coactors:,} of its members at least once"
    return out


def linked_cluster(partners: int, cluster_id: int, size: int, score: float, in_sync: int) -> str:
    """An account outside a flagged cluster that acts with its members."""
    return (
        f"acted within the co-action window with {partners:,} members of flagged cluster {cluster_id} "
        f"({size:,} accounts, cluster score {score:.2f}) without belonging to it: {partners:,} of the "
        f"{in_sync:,} accounts it acted in sync with"
    )


def cluster_family(description: str, family: str, mean_score: float) -> str:
    """A cluster's family reason: what its members do, with their mean family score in [0, 1]."""
    return f"{description} (mean {family} score of its members {mean_score:.2f})"


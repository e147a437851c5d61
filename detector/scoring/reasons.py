"""Reason strings: the one place where evidence becomes words.

Every number carries its unit (``days``, ``s``, ``%``, ``statuses per day``...) or is
named a score in [0, 1]; every comparison names the population's median and the
percentile (accounts) or the enrichment and p-value (clusters). The units of each
account test live beside the test (:data:`detector.scoring.evidence_tests.ACCOUNT_TESTS`);
this module puts them into sentences. Tests check the wording (``test_reasons.py``).
"""

from __future__ import annotations

import math

__all__ = [
    "account_test",
    "cluster_above_without_member",
    "cluster_member",
    "colinked_domain",
    "family",
    "group_test",
    "linked_cluster",
    "organic_coordination",
    "p_value",
    "percentile",
    "recurring_domains",
]


def _finite(x: object) -> bool:
    return isinstance(x, int | float) and math.isfinite(float(x))


def percentile(p: float) -> str:
    """How extreme a value is among the accounts (``p``: share of accounts less extreme, in [0, 1])."""
    if not _finite(p):
        return "unknown percentile"
    return f"more extreme than {100 * p:.1f}% of accounts" if p < 0.9995 else "the most extreme account"


def account_test(label: str, value: str, median: str, pct: float, score: float) -> str:
    """One account test: ``label: value (population median: m; percentile) [test 0.87]``."""
    return f"{label}: {value} (population median: {median}; {percentile(pct)}) [test {score:.2f}]"


def family(name: str, score: float, parts: list[str]) -> str:
    """An evidence family's reason: its score in [0, 1], then the tests that fired."""
    return f"{name} {score:.2f}: " + ("; ".join(parts) if parts else "several weak signals together")


def p_value(p: float) -> str:
    """A p-value in words (``p = 3e-05``; below 1e-12 as a bound)."""
    return f"p = {p:.2g}" if p >= 1e-12 else "p < 1e-12"


def group_test(name: str, words: str, k: int, n: int, p0: float, p_adj: float, score: float) -> str:
    """One group test of a cluster: ``k`` of ``n`` members have the attribute against ``p0`` of the population."""
    enrich = f"{(k / n) / p0:.1f}x" if p0 > 0 and n else "not seen elsewhere"
    return (
        f"{k:,} of {n:,} members {words} vs {p0:.1%} of the population "
        f"(enrichment {enrich}, binomial {p_value(p_adj)} after FDR adjustment) [group test {name} {score:.2f}]"
    )


def cluster_member(cluster_id: int, size: int, score: float, tied: int, coactors: int) -> str:
    """Membership of a cluster (with its score in [0, 1])."""
    out = f"member of cluster {cluster_id} ({size:,} accounts, cluster score {score:.2f})"
    if tied > 0:
        out += f"; tied by repeated evidence to {tied:,} of its members"
    if coactors > 0:
        out += f"; acted within the co-action window with {coactors:,} of its members at least once"
    return out


def linked_cluster(partners: int, cluster_id: int, size: int, score: float, in_sync: int, flagged: bool = True) -> str:
    """An account outside a (flagged) cluster that acts with its members."""
    return (
        f"acted within the co-action window with {partners:,} members of {'flagged ' if flagged else ''}cluster "
        f"{cluster_id} ({size:,} accounts, cluster score {score:.2f}) without belonging to it: {partners:,} of the "
        f"{in_sync:,} accounts it acted in sync with"
    )


def cluster_above_without_member() -> str:
    """A cluster whose score passes the cut while none of its members' does."""
    return "cluster score above the threshold, but no member's own score reaches it: not flagged"


def organic_coordination() -> str:
    """A cluster that acts together without being, as a group, inauthentic-looking."""
    return (
        "members act together but, as a group, are not younger, more dormant, more automated or more language-switching "
        "than the population: consistent with organic coordination (fans, newsrooms, activists)"
    )


def colinked_domain(domain: str, posts: int, audience: int, linkers: int, small: str, partner: str, k: int, n: int,
                    p0: float, p_adj: float) -> str:
    """One concentrated domain an account linked: its posts, the domain's audience and its co-linking test."""
    return (
        f"{domain} in {posts:,} post{'s' if posts != 1 else ''} (linked by {audience:,} of the {linkers:,} accounts "
        f"linking any domain here; {k:,} of the {n:,} accounts linking {small} also link {partner} vs {p0:.1%} "
        f"of the other linking accounts, binomial {p_value(p_adj)} after FDR adjustment)"
    )


def recurring_domains(parts: list[str]) -> str:
    """The reason of an account that linked co-linked uncommon domains (:func:`colinked_domain` parts)."""
    return "linked co-linked uncommon domains (one audience, at any time): " + "; ".join(parts)

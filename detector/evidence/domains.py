"""Recurring link domains: accounts that keep linking the same co-linked uncommon domains.

A slow drip that launders links posts a fresh URL each time (``truthwire-news.info/world/...``),
so two of its accounts rarely share the same URL (the ``url_recurring`` layer stays thin) and
no co-action window holds them. What ties them is the *domains*: they keep linking the same
few uncommon sites. A shared domain alone proves nothing (everybody links the big news sites,
and a newsroom links its own outlet), so the unit of evidence is relative to the scan's own
population:

1. **Domain unit**: the host of the normalised URL (:func:`detector.schema.url_domain`: lower
   case, ``www.`` removed, subdomains kept). Not the first path segment: on news sites that is
   a section (``/world``, ``/op-ed``), and a drip's links spread over the sections of its sites.
   No public-suffix list ships with the detector, so ``a.example.com`` and ``b.example.com``
   stay two domains (a site's audience is usually on one host).
2. **Co-linked domains** (:func:`colinked_domains`): for every two uncommon domains (each linked
   by 2 to :data:`~detector.scoring.signals.RECURRING_MAX_ACCOUNTS` accounts) that two or more
   accounts both linked, a group test in the one calibration rule of
   :mod:`detector.scoring.calibrate`: of the ``n`` accounts linking the domain with the smaller
   audience, ``k`` also link the other, against the share ``p0`` of the rest of the linking
   accounts that link it (binomial :func:`~detector.scoring.calibrate.enrichment_test`, one
   Benjamini-Hochberg family over every domain pair tested, scored by
   :func:`~detector.scoring.calibrate.group_score`). A pair is *co-linked* when that score is
   above 0 (``q < 5 %`` and 20 points of excess share). Readers of big sites link them
   independently of each other (enrichment about 1x); a drip's sites share one audience (its
   accounts: 26 of the 29 linking one of them link another, against 7 % of everyone else).
   A domain in a co-linked pair is *concentrated*.
3. **Pairs** (:func:`recurring_domain_edges`): two accounts that both linked a concentrated
   domain, and whose sets of linked domains overlap by
   :data:`~detector.scoring.signals.RECURRING_MIN_OVERLAP` or more (Ochiai coefficient over
   every domain each linked: a prolific link sharer meets everyone on some domain), at any
   time in the scan. ``weight`` = concentrated domains both linked.

A single-site community (a newsroom linking its outlet only) has no co-linked pair and no
tie; one whose site has a sister domain is tied, and then, like any coordination evidence,
the tie alone never flags: its members must also look inauthentic (young, dormant,
automated), as accounts or as a group (:mod:`detector.scoring.group_tests`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

__all__ = [
    "COLINK_COLUMNS",
    "DOMAIN_EDGE_COLUMNS",
    "colinked_domains",
    "domain_reasons",
    "domain_shares",
    "recurring_domain_edges",
]

COLINK_COLUMNS: tuple[str, ...] = ("domain", "partner", "k", "n", "n_partner", "p0", "p_adj", "score")
"""Columns of :func:`colinked_domains`: ``domain`` (the smaller audience), ``partner`` (the other),
``k`` accounts linking both, ``n`` accounts linking ``domain``, ``n_partner`` linking ``partner``,
``p0`` the share of the other linking accounts that link ``partner``, ``p_adj`` the
Benjamini-Hochberg adjusted p-value, ``score`` the group-test score (> 0: co-linked)."""

DOMAIN_EDGE_COLUMNS: tuple[str, ...] = (
    "account_a", "account_b", "weight", "n_objects", "n_posts", "overlap", "objects",
)  # fmt: skip
"""Columns of :func:`recurring_domain_edges` (``n_objects``: concentrated domains both linked;
``n_posts``: posts of the two accounts linking them; ``objects``: up to 5 of them, ``|``-joined)."""


def _empty(columns: tuple[str, ...], text: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=object if c in text else float) for c in columns})


def domain_shares(events: pd.DataFrame) -> pd.DataFrame:
    """The ``domain`` share table of the accounts' own posts, quotes and replies (one row per
    post and domain; a repost carries the original author's links)."""
    from detector.evidence.objects import share_table

    own = events[events["kind"].ne("repost").to_numpy()] if len(events) else events
    return share_table(own, "domain")


def _incidence(shares: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, int]:
    """Distinct (domain code, account code, posts) rows, domain names, account names, linking accounts."""
    from detector.schema import encode

    dom_code, dom_names = encode(shares["object_id"].astype(str).to_numpy(dtype=object))
    acc_code, acc_names = encode(shares["account_id"].astype(str).to_numpy(dtype=object))
    rows = pd.DataFrame({"d": dom_code, "a": acc_code, "post": shares["content_id"].astype(str).to_numpy(dtype=object)})
    inc = rows.drop_duplicates().groupby(["d", "a"], sort=True).size().rename("posts").reset_index()
    return inc, dom_names, acc_names, len(acc_names)


def colinked_domains(shares: pd.DataFrame, max_accounts: int | None = None) -> pd.DataFrame:
    """Every tested pair of uncommon domains, with its co-linking group test (module docstring, step 2).

    Parameters
    ----------
    shares : DataFrame
        ``domain`` share table (:func:`domain_shares`).
    max_accounts : int, optional
        Largest audience (accounts) of an uncommon domain; default
        :data:`~detector.scoring.signals.RECURRING_MAX_ACCOUNTS`.

    Returns
    -------
    DataFrame
        :data:`COLINK_COLUMNS`, one row per domain pair linked by two or more of the same
        accounts, sorted by ``(domain, partner)``.
    """
    from detector.scoring.calibrate import enrichment_test, fdr_adjust, group_score
    from detector.scoring.signals import RECURRING_MAX_ACCOUNTS

    empty = _empty(COLINK_COLUMNS, ("domain", "partner"))
    if shares is None or shares.empty:
        return empty
    cap = RECURRING_MAX_ACCOUNTS if max_accounts is None else int(max_accounts)
    inc, names, _, n_linkers = _incidence(shares)
    audience = np.bincount(inc["d"].to_numpy(), minlength=len(names))
    keep = inc[(audience[inc["d"].to_numpy()] >= 2) & (audience[inc["d"].to_numpy()] <= cap)][["d", "a"]]
    pairs = keep.merge(keep, on="a", suffixes=("", "_b"))
    pairs = pairs[pairs["d"].to_numpy() < pairs["d_b"].to_numpy()]
    if pairs.empty:
        return empty
    both = pairs.groupby(["d", "d_b"], sort=True).size().rename("k").reset_index()
    both = both[both["k"].to_numpy() >= 2]
    if both.empty:
        return empty
    n1, n2 = audience[both["d"].to_numpy()], audience[both["d_b"].to_numpy()]
    first_smaller = (n1 < n2) | ((n1 == n2) & (names[both["d"].to_numpy()] <= names[both["d_b"].to_numpy()]))
    small = np.where(first_smaller, both["d"].to_numpy(), both["d_b"].to_numpy())
    other = np.where(first_smaller, both["d_b"].to_numpy(), both["d"].to_numpy())
    k = both["k"].to_numpy(dtype=float)
    n, n_other = audience[small].astype(float), audience[other].astype(float)
    # the rest of the linking accounts (all but the smaller audience) that link the partner
    p0 = np.clip((n_other - k) / np.maximum(n_linkers - n, 1.0), 0.0, 1.0)
    p_value, excess = enrichment_test(k, n, p0)
    p_adj = fdr_adjust(p_value)
    out = pd.DataFrame(
        {
            "domain": names[small].astype(object),
            "partner": names[other].astype(object),
            "k": k,
            "n": n,
            "n_partner": n_other,
            "p0": np.round(p0, 6),
            "p_adj": p_adj,
            "score": np.round(group_score(p_adj, excess), 6),
        }
    )
    return out.sort_values(["domain", "partner"], kind="mergesort").reset_index(drop=True)


def recurring_domain_edges(
    shares: pd.DataFrame,
    *,
    max_accounts: int | None = None,
    min_overlap: float | None = None,
    colinked: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Pairs of accounts that both linked a concentrated domain, at any time (module docstring, step 3).

    Parameters
    ----------
    shares : DataFrame
        ``domain`` share table (:func:`domain_shares`).
    max_accounts : int, optional
        Largest audience of an uncommon domain (default
        :data:`~detector.scoring.signals.RECURRING_MAX_ACCOUNTS`); also bounds the pairs per domain.
    min_overlap : float, optional
        Smallest Ochiai overlap of the two accounts' domain sets (default
        :data:`~detector.scoring.signals.RECURRING_MIN_OVERLAP`).
    colinked : DataFrame, optional
        :func:`colinked_domains` of the same shares (computed when absent).

    Returns
    -------
    DataFrame
        :data:`DOMAIN_EDGE_COLUMNS`, ``account_a < account_b``, sorted by ``(account_a, account_b)``.
    """
    from detector.scoring.signals import RECURRING_MIN_OVERLAP, overlap_pairs

    empty = _empty(DOMAIN_EDGE_COLUMNS, ("account_a", "account_b", "objects"))
    if shares is None or shares.empty:
        return empty
    tests = colinked_domains(shares, max_accounts) if colinked is None else colinked
    hot = tests[tests["score"].to_numpy(dtype=float) > 0] if len(tests) else tests
    if hot.empty:
        return empty
    overlap_floor = RECURRING_MIN_OVERLAP if min_overlap is None else float(min_overlap)
    inc, names, acc_names, _ = _incidence(shares)
    n_domains = np.bincount(inc["a"].to_numpy(), minlength=len(acc_names)).astype(float)  # every domain linked
    concentrated = np.isin(names, np.union1d(hot["domain"].to_numpy(dtype=str), hot["partner"].to_numpy(dtype=str)))
    left = inc[concentrated[inc["d"].to_numpy()]].rename(columns={"d": "o"})
    out = overlap_pairs(left, n_domains, names, acc_names, min_overlap=overlap_floor)
    return empty if out is None else out


def domain_reasons(shares: pd.DataFrame, colinked: pd.DataFrame, accounts: list[str] | pd.Index) -> Mapping[str, str]:
    """Per account of ``accounts`` that linked a concentrated domain: one reason in plain words.

    It names each concentrated domain the account linked (its posts there), the domain's
    audience (accounts linking it, out of every account linking any domain here) and the
    strongest co-linking test of it (``k`` of ``n`` accounts linking one also link the
    other, against ``p0`` of the rest; the adjusted p-value).
    """
    from detector.scoring import reasons as rs

    if shares is None or shares.empty or colinked is None or colinked.empty:
        return {}
    hot = colinked[colinked["score"].to_numpy(dtype=float) > 0]
    if hot.empty:
        return {}
    best: dict[str, pd.Series] = {}
    for _, row in hot.sort_values(["score", "k", "domain", "partner"], ascending=[False, False, True, True],
                                  kind="mergesort").iterrows():
        for dom in (row["domain"], row["partner"]):
            best.setdefault(str(dom), row)
    wanted = set(map(str, accounts))
    table = shares[["object_id", "account_id", "content_id"]].astype(str).drop_duplicates()
    linkers = int(table["account_id"].nunique())
    audience = table.groupby("object_id")["account_id"].nunique()
    sub = table[table["object_id"].isin(best) & table["account_id"].isin(wanted)]
    posts = sub.groupby(["account_id", "object_id"], sort=True).size()
    out: dict[str, str] = {}
    for account, per in posts.groupby(level=0, sort=True):
        parts = []
        for (_, dom), n_posts in per.items():
            t = best[dom]
            parts.append(rs.colinked_domain(dom, int(n_posts), int(audience[dom]), linkers, str(t["domain"]),
                                            str(t["partner"]), int(t["k"]), int(t["n"]), float(t["p0"]),
                                            float(t["p_adj"])))
        out[str(account)] = rs.recurring_domains(parts)
    return out

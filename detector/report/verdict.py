"""Additions to a built report that a forwarded verdict needs, and the exit-status rule.

:func:`enrich_report` adds to ``report.json`` (schema: ``detector/report/SCHEMA.md``):

* ``clusters[].confidence``: confidence in words from the cluster's evidence tests
  (:func:`detector.report.confidence.cluster_confidence`);
* ``creation_dates``: account creation-date histograms of flagged clusters against
  the whole scan (:func:`detector.report.creation.creation_histograms`);
* ``by_the_numbers``: accounts, posts, the reach of the officials the flagged
  accounts amplified and the share of those officials' reposts that came from
  flagged accounts;
* ``verdict.presumed_officials``: accounts presumed official without a registry,
  named in the verdict's details (they are audited, never flagged);
* ``methods.minimum_activity`` and ``methods.confidence_method`` (the confidence rule in words).

:func:`fails` says whether a verdict reaches ``--fail-on``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from detector import thresholds as th
from detector.focus import minimum_activity
from detector.report.confidence import METHOD, cluster_confidence
from detector.report.creation import creation_histograms
from detector.report.json_report import jsonable

__all__ = ["FAIL_LEVELS", "LEVEL_RANK", "by_the_numbers", "enrich_report", "fails"]

LEVEL_RANK: dict[str, int] = {"insufficient": -1, "none": 0, "undetermined": 0, "low": 1, "medium": 2, "high": 3}
"""Order of verdict levels for ``--fail-on`` (``undetermined`` ranks with ``none``)."""

FAIL_LEVELS: tuple[str, ...] = ("low", "medium", "high")

GROUP_SYNC_PARTNERS = th.GROUP_PARTNERS
"""For the confidence tests, a member acting in the window with this many accounts or more counts as
strong on acting in sync: the scorer's ``group_partners`` (:data:`detector.thresholds.GROUP_PARTNERS`)."""


def fails(level: str, fail_on: str | None) -> bool:
    """True when verdict ``level`` is at or above ``fail_on`` (``None``: never)."""
    if fail_on is None:
        return False
    return LEVEL_RANK.get(level, 0) >= LEVEL_RANK[fail_on]


def by_the_numbers(
    ev: pd.DataFrame, accounts: pd.DataFrame | None, flagged: set[str], officials: list[Mapping[str, Any]]
) -> dict[str, Any]:
    """The "by the numbers" block (counts over ``ev``, the events the report covers)."""
    ids = ev["account_id"].astype(str)
    is_fl = ids.isin(flagged).to_numpy(dtype=bool)
    kinds = ev.loc[is_fl, "kind"].astype(str).value_counts()
    off_ids = {str(o["account_id"]) for o in officials}
    target = ev["target_account_id"].astype("string").fillna("")
    to_official = target.isin(off_ids).to_numpy(dtype=bool) & ev["kind"].eq("repost").to_numpy(dtype=bool)
    amplified = sorted(set(target[to_official & is_fl].astype(str)))
    followers: dict[str, int] = {}
    if accounts is not None and len(accounts) and "followers" in accounts.columns:
        f = accounts.dropna(subset=["followers"]).drop_duplicates("account_id", keep="last")
        followers = dict(zip(f["account_id"].astype(str), f["followers"].astype(int), strict=True))
    known = [a for a in amplified if a in followers]
    in_amp = to_official & target.isin(amplified).to_numpy(dtype=bool)
    return {
        "accounts": int(ids.nunique()),
        "flagged_accounts": int(ids[is_fl].nunique()),
        "events": int(len(ev)),
        "flagged_events": int(is_fl.sum()),
        "flagged_events_by_kind": {str(k): int(v) for k, v in sorted(kinds.items())},
        "officials_amplified_by_flagged": len(amplified),
        "officials_amplified_reach": int(sum(followers[a] for a in known)) if known else None,
        "officials_amplified_reach_known": len(known),
        "official_reposts": int(in_amp.sum()),
        "official_reposts_from_flagged": int((in_amp & is_fl).sum()),
        "official_reposts_flagged_share": float((in_amp & is_fl).sum() / in_amp.sum()) if in_amp.sum() else None,
    }


def _presumed_note(officials: list[Mapping[str, Any]]) -> tuple[list[str], str | None]:
    names = [str(o.get("account_name") or o.get("account_id")) for o in officials if o.get("presumed")]
    if not names:
        return [], None
    shown = ", ".join("@" + n for n in names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
    return names, (
        f"{len(names)} account(s) presumed official without a registry (verified profile reading like an "
        f"embassy, ministry, leader, spokesperson or state media, or in the built-in list): {shown}. "
        "They are audited, not flagged; pass --officials FILE to declare officials yourself."
    )


def enrich_report(
    report: dict[str, Any],
    ev: pd.DataFrame,
    accounts: pd.DataFrame | None,
    scored: pd.DataFrame,
    params: Any,
    signals: pd.DataFrame | None = None,
) -> None:
    """Add confidence, creation dates, by-the-numbers and presumed officials to ``report`` (in place).

    ``ev``: the events the report covers; ``scored``: every scored account
    (family columns, ``cluster_id``, ``flagged``); ``signals``: per-account signals
    (``sync_partners``), indexed by account id.
    """
    fam_cols = [c for c in ("synchrony", "duplicate_text", "profile", "automation") if c in scored.columns]
    population = scored[fam_cols]
    if signals is not None and "sync_partners" in signals.columns and "synchrony" in fam_cols:
        # acting in sync as a group: a member of a rotating pool acts with many accounts, each tie weak
        partners = signals["sync_partners"].reindex(scored["account_id"].astype(str)).to_numpy(dtype=float)
        in_group = np.where(np.nan_to_num(partners) >= GROUP_SYNC_PARTNERS, 1.0, 0.0)
        population = population.assign(synchrony=np.maximum(population["synchrony"].to_numpy(dtype=float), in_group))
    cl = scored.dropna(subset=["cluster_id"])
    members_of = {int(c): g for c, g in cl.groupby(cl["cluster_id"].astype(int), sort=True)}
    for c in report.get("clusters") or []:
        mem = members_of.get(int(c["cluster_id"]), scored.iloc[:0])
        c["confidence"] = jsonable(cluster_confidence(c, population.loc[mem.index], population))
    flagged_ids = {int(c["cluster_id"]) for c in report.get("clusters") or [] if c.get("flagged")}
    hist = creation_histograms(
        accounts,
        ev["account_id"].astype(str).unique(),
        {cid: members_of[cid]["account_id"].astype(str) for cid in flagged_ids if cid in members_of},
    )
    report["creation_dates"] = jsonable(hist)
    flagged = set(scored.loc[scored["flagged"].astype(bool), "account_id"].astype(str))
    officials = report.get("officials") or []
    report["by_the_numbers"] = jsonable(by_the_numbers(ev, accounts, flagged, officials))
    names, note = _presumed_note(officials)
    verdict = report["verdict"]
    verdict["presumed_officials"] = names
    if note:
        details = list(verdict.get("details") or [])
        details.insert(max(len(details) - 1, 0), note)  # before the closing "not proof" line
        verdict["details"] = details
    methods = report.setdefault("methods", {})
    m = minimum_activity(params.min_participation, params.min_cluster_size)
    methods["minimum_activity"] = {"events": m.events, "accounts": m.accounts, "account_events": m.account_events}
    methods["confidence_method"] = METHOD
    if names:
        methods["notes"] = [*methods.get("notes", []), note]


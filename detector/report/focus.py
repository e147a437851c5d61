"""Focus summaries of ``detector hashtag`` and ``detector account`` (``report.json`` ``focus_summary``).

``hashtag``: the flagged groups counted by their members and events inside the hashtag;
``account``: whether the account itself is flagged and why (:func:`account_verdict`), its
amplifiers split into flagged and not flagged, its reach in plain words (the centrality
numbers stay in ``official``). Whether the focus has enough data for a verdict is
:mod:`detector.focus`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from detector import thresholds as th
from detector.evidence.features import original_posts, reaction_delays
from detector.schema import account_handles, normalize_hashtag, normalize_mention

if TYPE_CHECKING:
    from detector.params import ScanParams

__all__ = ["account_names", "account_verdict", "focus_summary", "hashtag_groups", "reach_in_words", "resolve_account"]


def account_names(events: pd.DataFrame, accounts: pd.DataFrame | None) -> dict[str, str]:
    """Account id -> handle (:func:`detector.schema.account_handles`, the one rule)."""
    return account_handles(events, accounts).to_dict()


def resolve_account(events: pd.DataFrame, accounts: pd.DataFrame | None, handle: str) -> str | None:
    """Account id for ``handle`` (an id, or a handle matched case-insensitively, ``@`` optional)."""
    ids = set(events["account_id"].astype(str))
    if accounts is not None and len(accounts):
        ids |= set(accounts["account_id"].astype(str))
    if handle in ids:
        return handle
    want = normalize_mention(handle)
    names = pd.concat(
        [
            events[["account_id", "account_name"]],
            accounts[["account_id", "account_name"]] if accounts is not None and len(accounts) else None,
        ]
    ).dropna()
    hit = names[names["account_name"].astype(str).map(normalize_mention) == want]
    return str(sorted(hit["account_id"].astype(str))[0]) if len(hit) else None


# --------------------------------------------------------------------------
# focus summaries (detector hashtag / detector account)
# --------------------------------------------------------------------------


def _flagged_clusters(clusters: pd.DataFrame) -> set[int]:
    if not len(clusters):
        return set()
    return {int(c) for c in clusters.loc[clusters["flagged"].astype(bool), "cluster_id"]}


def hashtag_groups(ev: pd.DataFrame, scored: pd.DataFrame, clusters: pd.DataFrame) -> list[dict[str, Any]]:
    """Flagged groups counted inside the hashtag: members who took part and their events there."""
    fl = _flagged_clusters(clusters)
    if not fl or not len(ev):
        return []
    cl = scored.dropna(subset=["cluster_id"])
    cluster_of = dict(zip(cl["account_id"].astype(str), cl["cluster_id"].astype(int), strict=True))
    by = ev["account_id"].astype(str).map(cluster_of)
    inside = ev.assign(_c=by)[by.isin(fl).to_numpy()]
    rows = clusters.set_index("cluster_id")
    out = []
    for cid, g in inside.groupby("_c", sort=True):
        r = rows.loc[cid]
        out.append(
            {
                "cluster_id": int(cid),
                "size": int(r["size"]),
                "members_here": int(g["account_id"].nunique()),
                "events_here": int(len(g)),
                "score": float(r["score"]),
                "reasons": list(r["reasons"]),
            }
        )
    out.sort(key=lambda g: (-g["events_here"], -g["members_here"], g["cluster_id"]))
    return out


def _hashtag_summary(ev, params, scored, clusters, off_table, flagged, names) -> dict[str, Any]:
    by_acc = ev["account_id"].astype(str)
    fl_cl = _flagged_clusters(clusters)
    in_fl_cl = set(scored.loc[scored["cluster_id"].isin(fl_cl), "account_id"]) if fl_cl else set()
    official_ids = set(off_table["account_id"]) if len(off_table) else set()
    involved = sorted(official_ids & set(by_acc)) + sorted(
        official_ids & set(ev["target_account_id"].dropna().astype(str)) - set(by_acc)
    )
    presumed = set(off_table.loc[off_table["presumed"].astype(bool), "account_id"]) if "presumed" in off_table else set()
    return {
        "hashtag": normalize_hashtag(params.hashtag),
        "events": int(len(ev)),
        "accounts": int(by_acc.nunique()),
        "flagged_event_share": float(by_acc.isin(flagged).mean()) if len(ev) else 0.0,
        "flagged_cluster_event_share": float(by_acc.isin(in_fl_cl).mean()) if len(ev) else 0.0,
        "officials_involved": [names.get(a, a) for a in involved],
        "presumed_officials_involved": [names.get(a, a) for a in involved if a in presumed],
        "groups": hashtag_groups(ev, scored, clusters),
    }


def _amplification(ev: pd.DataFrame, acc: str, name: str, flagged: set[str]) -> pd.DataFrame:
    """Events amplifying ``acc`` (reposts, quotes, replies of it, mentions), with delay (s; :func:`reaction_delays`, NaN when unknown) and flag."""
    want = normalize_mention(name)
    mentions = ev["mentions"].map(lambda m: want in m if isinstance(m, list) else False)
    amp = ev[(ev["target_account_id"].astype("string") == acc).fillna(False).to_numpy(dtype=bool) | mentions.to_numpy(dtype=bool)]
    amp = amp[amp["account_id"].astype(str) != acc]
    delay = reaction_delays(
        original_posts(ev), amp["target_event_id"].to_numpy(dtype=object, na_value=None), amp["ts"].to_numpy()
    )
    return amp.assign(delay=delay, amp_flagged=amp["account_id"].astype(str).isin(flagged))


def _amplifier_rows(amp: pd.DataFrame, names: Mapping[str, str], limit: int = 20) -> list[dict[str, Any]]:
    if amp.empty:
        return []
    g = amp.groupby(amp["account_id"].astype(str))
    top = pd.DataFrame({"n": g.size(), "median_delay_s": g["delay"].median(), "flagged": g["amp_flagged"].first()})
    top = top.reset_index().sort_values(["n", "account_id"], ascending=[False, True]).head(limit)
    return [
        {
            "account_id": r.account_id,
            "account_name": names.get(r.account_id, r.account_id),
            "n": int(r.n),
            "median_delay_s": None if pd.isna(r.median_delay_s) else float(r.median_delay_s),
            "flagged": bool(r.flagged),
        }
        for r in top.itertuples(index=False)
    ]


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n:,}{suffix}"


def reach_in_words(official: Mapping[str, Any] | None, n_accounts: int) -> str:
    """Centrality in plain words (the numbers stay in ``--json``)."""
    if not official:
        return ""
    rank = official.get("pagerank_rank")
    got = official.get("received")
    bits = []
    if rank is not None and not pd.isna(rank):
        bits.append(f"ranks {_ordinal(int(rank))} of {n_accounts:,} accounts by reach in this conversation (amplified by accounts that are amplified themselves)")
    if got is not None and not pd.isna(got):
        bits.append(f"received {int(got):,} reposts, quotes, replies and mentions")
    btw = official.get("betweenness")
    if btw is not None and not pd.isna(btw):
        bits.append("links otherwise separate communities" if float(btw) > th.BRIDGE_BETWEENNESS else "does not bridge separate communities")
    return "; ".join(bits)


def account_verdict(row: Mapping[str, Any] | None, official: Mapping[str, Any] | None, name: str) -> dict[str, Any]:
    """The account's own badge: ``flagged``, ``official``, ``presumed_official`` or ``not_flagged``."""
    who = f"@{name}"
    if official:
        role = ", ".join(str(official[k]) for k in ("role", "country") if official.get(k))
        presumed = bool(official.get("presumed"))
        level = "presumed_official" if presumed else "official"
        how = "presumed official" if presumed else "declared official"
        return {
            "level": level,
            "headline": f"{who} is not flagged: {how} account ({role}); official accounts are audited, never flagged.",
        }
    if row is None:
        return {"level": "not_flagged", "headline": f"{who} is not flagged: it has no score (no activity to judge)."}
    score = float(row.get("score") or 0.0)
    reasons = list(row.get("reasons") or [])
    if row.get("flagged"):
        why = reasons[0] if reasons else "several kinds of evidence"
        return {"level": "flagged", "headline": f"{who} is FLAGGED (score {score:.2f}): {why}."}
    tail = f"; strongest sign: {reasons[0]}" if reasons else ""
    return {"level": "not_flagged", "headline": f"{who} is not flagged (score {score:.2f}){tail}."}


def _account_summary(ev, handle, scored, off_table, flagged, names, accounts) -> dict[str, Any]:
    acc = resolve_account(ev, accounts, handle)
    if acc is None:
        return {"account_id": None, "found": False}
    name = names.get(acc, acc)
    amp = _amplification(ev, acc, name, flagged)
    rows = off_table[off_table["account_id"] == acc].to_dict("records") if len(off_table) else []
    official = rows[0] if rows else None
    hit = scored[scored["account_id"] == acc].to_dict("records")
    row = hit[0] if hit else None
    d = amp["delay"].to_numpy(dtype=float)
    d = d[np.isfinite(d)]
    amplifiers = _amplifier_rows(amp, names)
    n_flagged_amp = int(amp.loc[amp["amp_flagged"], "account_id"].nunique()) if len(amp) else 0
    return {
        "account_id": acc,
        "account_name": name,
        "found": True,
        "official": official,
        "score": None if row is None else float(row["score"]),
        "flagged": bool(row["flagged"]) if row is not None else False,
        "reasons": list(row["reasons"]) if row is not None else [],
        "cluster_id": None if row is None or pd.isna(row.get("cluster_id")) else int(row["cluster_id"]),
        "account_verdict": account_verdict(row, official, name),
        "reach_in_words": reach_in_words(official, int(ev["account_id"].nunique()) if len(ev) else 0),
        "amplifications": int(len(amp)),
        "amplifiers": int(amp["account_id"].nunique()) if len(amp) else 0,
        "flagged_amplifiers": n_flagged_amp,
        "unflagged_amplifiers": (int(amp["account_id"].nunique()) - n_flagged_amp) if len(amp) else 0,
        "flagged_amplification_share": float(amp["amp_flagged"].mean()) if len(amp) else 0.0,
        "median_time_to_amplify_s": float(np.median(d)) if d.size else None,
        "share_within_60s": float((d <= th.FAST_REACTION_S).mean()) if d.size else None,
        "top_amplifiers": amplifiers,
        "top_flagged_amplifiers": [a for a in amplifiers if a["flagged"]][:10],
        "top_unflagged_amplifiers": [a for a in amplifiers if not a["flagged"]][:10],
    }


def focus_summary(ev, params: ScanParams, scored, clusters, off_table, flagged, names, accounts) -> dict[str, Any]:
    """``focus_summary`` of report.json for ``params.hashtag`` or ``params.account`` (``{}`` for a scan)."""
    if params.hashtag:
        return _hashtag_summary(ev, params, scored, clusters, off_table, flagged, names)
    if params.account:
        return _account_summary(ev, params.account, scored, off_table, flagged, names, accounts)
    return {}



"""Focus summaries of ``detector hashtag`` and ``detector account`` (``report.json`` ``focus_summary``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from detector import thresholds as th
from detector.schema import normalize_hashtag, normalize_mention

if TYPE_CHECKING:
    from detector.params import ScanParams

__all__ = ["account_focus", "account_names", "focus_summary", "resolve_account"]


def account_names(events: pd.DataFrame, accounts: pd.DataFrame | None) -> dict[str, str]:
    """Account id -> handle: the last handle seen in ``events``, else the accounts table's."""
    named = events["account_name"].notna().to_numpy()  # two columns, not a copy of every event
    names = pd.DataFrame({"account_id": events["account_id"][named], "account_name": events["account_name"][named]})
    names = names.drop_duplicates("account_id", keep="last")
    out = dict(zip(names["account_id"].astype(str), names["account_name"].astype(str), strict=True))
    if accounts is not None and len(accounts):
        acc = accounts.dropna(subset=["account_name"])
        for a, n in zip(acc["account_id"].astype(str), acc["account_name"].astype(str), strict=True):
            out.setdefault(a, n)
    return out


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


def focus_summary(ev, params: ScanParams, scored, clusters, off_table, flagged, names, accounts) -> dict[str, Any]:
    """``focus_summary`` of the report: the hashtag's or the account's, ``{}`` for a plain scan."""
    if params.hashtag:
        by_acc = ev["account_id"].astype(str)
        fl_cl = set(clusters.loc[clusters["flagged"].astype(bool), "cluster_id"]) if len(clusters) else set()
        in_fl_cl = set(scored.loc[scored["cluster_id"].isin(fl_cl), "account_id"]) if fl_cl else set()
        official_ids = set(off_table["account_id"]) if len(off_table) else set()
        involved = sorted(official_ids & set(by_acc)) + sorted(
            official_ids & set(ev["target_account_id"].dropna().astype(str)) - set(by_acc)
        )
        return {
            "hashtag": normalize_hashtag(params.hashtag),
            "events": int(len(ev)),
            "accounts": int(by_acc.nunique()),
            "flagged_event_share": float(by_acc.isin(flagged).mean()) if len(ev) else 0.0,
            "flagged_cluster_event_share": float(by_acc.isin(in_fl_cl).mean()) if len(ev) else 0.0,
            "officials_involved": [names.get(a, a) for a in involved],
        }
    if params.account:
        return account_focus(ev, params.account, scored, off_table, flagged, names, accounts)
    return {}


def account_focus(ev, handle, scored, off_table, flagged, names, accounts) -> dict[str, Any]:
    """Who amplifies the account ``handle``, how fast, and how much of it is flagged."""
    acc = resolve_account(ev, accounts, handle)
    if acc is None:
        return {"account_id": None, "found": False}
    name = names.get(acc, acc)
    mentions = ev["mentions"].map(lambda m: normalize_mention(name) in m if isinstance(m, list) else False)
    amp = ev[(ev["target_account_id"].astype("string") == acc).fillna(False) | mentions]
    amp = amp[amp["account_id"].astype(str) != acc]
    orig = pd.Series(ev["ts"].to_numpy(), index=ev["event_id"].astype(str)).groupby(level=0).first()
    delay = amp["ts"].to_numpy() - orig.reindex(amp["target_event_id"].astype(str)).to_numpy(dtype=float)
    amp = amp.assign(delay=delay, amp_flagged=amp["account_id"].astype(str).isin(flagged))
    g = amp.groupby(amp["account_id"].astype(str))
    top = pd.DataFrame({"n": g.size(), "median_delay_s": g["delay"].median(), "flagged": g["amp_flagged"].first()})
    top = top.reset_index().sort_values(["n", "account_id"], ascending=[False, True]).head(20)
    row = off_table[off_table["account_id"] == acc].to_dict("records") if len(off_table) else []
    d = amp["delay"].to_numpy(dtype=float)
    d = d[np.isfinite(d)]
    return {
        "account_id": acc,
        "account_name": name,
        "found": True,
        "official": row[0] if row else None,
        "amplifications": int(len(amp)),
        "amplifiers": int(amp["account_id"].nunique()),
        "flagged_amplification_share": float(amp["amp_flagged"].mean()) if len(amp) else 0.0,
        "median_time_to_amplify_s": float(np.median(d)) if d.size else None,
        "share_within_60s": float((d <= th.FAST_REACTION_S).mean()) if d.size else None,
        "top_amplifiers": [
            {
                "account_id": r.account_id,
                "account_name": names.get(r.account_id, r.account_id),
                "n": int(r.n),
                "median_delay_s": None if pd.isna(r.median_delay_s) else float(r.median_delay_s),
                "flagged": bool(r.flagged),
            }
            for r in top.itertuples(index=False)
        ],
    }

"""What a focused check (a hashtag, an account, a time range) covers, and whether it can be judged.

No verdict without data: a mistyped hashtag or handle, or a time range outside
the input, must not come back as "no sign of coordination". :func:`check_focus`
finds what the focus matched; when it matched nothing, or too little for the
evidence families to say anything (:func:`minimum_activity`), the report's
verdict becomes ``insufficient`` (:func:`insufficient_verdict`) with a plain
message naming the near matches it found (other case, accents, full-width
``＃``, Weibo's ``#topic#`` form, an ``@`` on a handle, similar spellings).
The commands exit with :data:`EXIT_INSUFFICIENT` then.

The focus summaries themselves are :mod:`detector.report.focus`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from detector import thresholds as th
from detector.schema import normalize_hashtag, normalize_mention

__all__ = [
    "EXIT_FAIL_ON",
    "EXIT_INSUFFICIENT",
    "FocusCheck",
    "MinimumActivity",
    "apply_focus_check",
    "check_focus",
    "insufficient_verdict",
    "minimum_activity",
    "near_handles",
    "near_hashtags",
]

EXIT_FAIL_ON = 1
"""Exit status when the verdict reaches ``--fail-on`` (documented in the README)."""

EXIT_INSUFFICIENT = 3
"""Exit status when the focus matched nothing or too little for a verdict (documented in the README)."""

MAX_NEAR = 5
"""At most this many near matches are named."""


@dataclass(frozen=True)
class MinimumActivity:
    """Least activity a verdict needs, derived from what the evidence families need.

    Attributes
    ----------
    events : int
        ``min_cluster_size * min_participation``: the smallest group that can be
        flagged (``min_cluster_size`` accounts) with each member acting at least
        ``min_participation`` times (co-action ignores accounts with fewer shares).
    accounts : int
        ``min_cluster_size``: fewer accounts cannot form a group that is scored in full.
    account_events : int
        For ``detector account``: the account's own events needed to judge it
        (``min_participation``), unless it received at least ``events``
        amplifications from ``accounts`` accounts (then its amplification can be judged).
    """

    events: int
    accounts: int
    account_events: int


def minimum_activity(min_participation: int = 2, min_cluster_size: int = 3) -> MinimumActivity:
    """:class:`MinimumActivity` for the scan parameters (defaults: 6 events by 3 accounts)."""
    mp = max(int(min_participation), 1)
    mc = max(int(min_cluster_size), 2)
    return MinimumActivity(events=mc * mp, accounts=mc, account_events=mp)


@dataclass
class FocusCheck:
    """What the focus matched. ``ok`` is False when there is not enough for a verdict."""

    kind: str  # "hashtag" | "account" | "range" | "scan"
    asked: str
    ok: bool
    reason: str | None = None  # "no_match" | "too_little" | None
    message: str = ""
    near: list[dict[str, Any]] = field(default_factory=list)
    events: int = 0
    accounts: int = 0
    minimum: MinimumActivity | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (``focus_summary.match`` in report.json)."""
        m = self.minimum
        return {
            "kind": self.kind,
            "asked": self.asked,
            "sufficient": self.ok,
            "reason": self.reason,
            "message": self.message,
            "near_matches": list(self.near),
            "events": int(self.events),
            "accounts": int(self.accounts),
            "minimum": {"events": m.events, "accounts": m.accounts, "account_events": m.account_events} if m else None,
        }


# --------------------------------------------------------------------------
# near matches
# --------------------------------------------------------------------------


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _loose_tag(tag: str) -> str:
    """Hashtag key that ignores case, accents, width, a leading ``#``/``＃`` and Weibo's trailing ``#``."""
    t = unicodedata.normalize("NFKC", str(tag)).strip()
    t = t.strip("#").casefold()
    return _strip_accents(t)


def _tag_difference(asked: str, found: str) -> str:
    raw = unicodedata.normalize("NFKC", asked).strip()
    if raw.startswith("#") and raw.endswith("#") and len(raw) > 2:
        return "Weibo's #topic# form"
    if "\uff03" in asked:
        return "full-width \uff03"
    a, f = normalize_hashtag(asked), found
    if _strip_accents(a) == _strip_accents(f):
        return "accents"
    if a.casefold() == f.casefold():
        return "case"
    return "similar spelling"


def _counted(values: Iterable[Any]) -> pd.Series:
    """Occurrences of each value (lists are flattened)."""
    flat: list[str] = []
    for v in values:
        if isinstance(v, list | tuple | np.ndarray):
            flat.extend(str(x) for x in v)
    return pd.Series(flat, dtype=object).value_counts() if flat else pd.Series([], dtype="int64")


def near_hashtags(tag: str, events: pd.DataFrame, limit: int = MAX_NEAR) -> list[dict[str, Any]]:
    """Hashtags of ``events`` that differ from ``tag`` by case, accents, width, ``#`` marks or a typo.

    Returns ``[{"value": "#tag", "events": n, "why": "accents"}, ...]``, most used first.
    """
    counts = _counted(events["hashtags"]) if "hashtags" in events.columns and len(events) else pd.Series([], dtype="int64")
    if counts.empty:
        return []
    exact = normalize_hashtag(tag)
    loose = _loose_tag(tag)
    keys = {str(h): _loose_tag(str(h)) for h in counts.index}
    hits: dict[str, str] = {h: _tag_difference(tag, h) for h, k in keys.items() if k == loose and h != exact}
    close = difflib.get_close_matches(loose, sorted(set(keys.values())), n=limit, cutoff=th.NEAR_MATCH_SIMILARITY) if loose else []
    for h, k in keys.items():
        if k in close and h not in hits and h != exact:
            hits[h] = "similar spelling"
    ranked = sorted(hits, key=lambda h: (-int(counts[h]), h))[:limit]
    return [{"value": "#" + h, "events": int(counts[h]), "why": hits[h]} for h in ranked]


def _handles(events: pd.DataFrame, accounts: pd.DataFrame | None) -> pd.Series:
    """Events per handle (authors); handles known only from the accounts table count 0."""
    names = events["account_name"].dropna().astype(str) if len(events) else pd.Series([], dtype=object)
    counts = names.value_counts()
    if accounts is not None and len(accounts) and "account_name" in accounts.columns:
        extra = [n for n in accounts["account_name"].dropna().astype(str).unique() if n not in counts.index]
        counts = pd.concat([counts, pd.Series(0, index=extra, dtype="int64")])
    return counts


def near_handles(
    handle: str, events: pd.DataFrame, accounts: pd.DataFrame | None = None, limit: int = MAX_NEAR
) -> list[dict[str, Any]]:
    """Handles that differ from ``handle`` by accents, punctuation or a typo (case and ``@`` already match)."""
    counts = _handles(events, accounts)
    if counts.empty:
        return []
    want = normalize_mention(handle)
    loose = _strip_accents(want).replace("_", "").replace(".", "")
    keys = {h: _strip_accents(normalize_mention(h)) for h in counts.index}
    hits: dict[str, str] = {}
    for h, k in keys.items():
        if normalize_mention(h) == want:
            continue
        if k.replace("_", "").replace(".", "") == loose:
            hits[h] = "accents or punctuation"
    close = difflib.get_close_matches(_strip_accents(want), sorted(set(keys.values())), n=limit, cutoff=th.NEAR_MATCH_SIMILARITY)
    for h, k in keys.items():
        if k in close and h not in hits and normalize_mention(h) != want:
            hits[h] = "similar spelling"
    ranked = sorted(hits, key=lambda h: (-int(counts[h]), h))[:limit]
    return [{"value": "@" + h, "events": int(counts[h]), "why": hits[h]} for h in ranked]


def _near_text(near: list[dict[str, Any]]) -> str:
    if not near:
        return ""
    parts = [f"{n['value']} ({n['events']:,} events; {n['why']})" for n in near]
    return " Near matches in the input: " + ", ".join(parts) + "."


# --------------------------------------------------------------------------
# the check
# --------------------------------------------------------------------------


def _when(ts: Any) -> str:
    if ts is None or (isinstance(ts, float) and not np.isfinite(ts)):
        return "?"
    return dt.datetime.fromtimestamp(int(ts), dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def _activity_text(n_events: int, n_accounts: int, minimum: MinimumActivity) -> str:
    return (
        f"{n_events:,} event(s) by {n_accounts:,} account(s); a verdict needs at least {minimum.events} "
        f"events by {minimum.accounts} accounts (the smallest group that can be flagged, each acting "
        "at least twice)"
    )


def check_focus(
    all_events: pd.DataFrame,
    in_range: pd.DataFrame,
    focus_events: pd.DataFrame,
    accounts: pd.DataFrame | None,
    *,
    hashtag: str | None = None,
    account: str | None = None,
    since: int | None = None,
    until: int | None = None,
    account_id: str | None = None,
    amplifications: int = 0,
    amplifiers: int = 0,
    min_participation: int = 2,
    min_cluster_size: int = 3,
) -> FocusCheck:
    """Whether the focus (hashtag, account, time range or whole input) has enough data for a verdict.

    ``all_events``: the input as read; ``in_range``: after ``since``/``until``
    (UTC seconds); ``focus_events``: what the report covers (the hashtag's
    events, or ``in_range``). For an account focus, ``account_id`` is the
    resolved id (``None``: not found) and ``amplifications``/``amplifiers`` what it received.
    """
    minimum = minimum_activity(min_participation, min_cluster_size)
    n_all = len(all_events)
    span = (
        f" The input covers {_when(all_events['ts'].min())} to {_when(all_events['ts'].max())}."
        if n_all
        else " The input has no events."
    )
    if (since is not None or until is not None) and not len(in_range):
        asked = f"{_when(since) if since is not None else 'start'} to {_when(until) if until is not None else 'end'}"
        return FocusCheck(
            "range", asked, False, "no_match", f"No events in the time range {asked}.{span}", minimum=minimum
        )
    if hashtag is not None:
        return _check_hashtag(hashtag, in_range, focus_events, minimum)
    if account is not None:
        return _check_account(account, in_range, accounts, account_id, amplifications, amplifiers, minimum)
    n_ev, n_acc = len(focus_events), int(focus_events["account_id"].nunique()) if len(focus_events) else 0
    asked = "time range" if since is not None or until is not None else "input"
    if n_ev < minimum.events or n_acc < minimum.accounts:
        return FocusCheck(
            "range" if asked == "time range" else "scan",
            asked,
            False,
            "no_match" if n_ev == 0 else "too_little",
            f"Too little activity in the {asked} to judge: {_activity_text(n_ev, n_acc, minimum)}.{span if n_ev == 0 else ''}",
            events=n_ev,
            accounts=n_acc,
            minimum=minimum,
        )
    return FocusCheck("range" if asked == "time range" else "scan", asked, True, events=n_ev, accounts=n_acc, minimum=minimum)


def _check_hashtag(
    hashtag: str, in_range: pd.DataFrame, focus_events: pd.DataFrame, minimum: MinimumActivity
) -> FocusCheck:
    raw = str(hashtag).strip()
    shown = "#" + normalize_hashtag(raw)
    n_ev = len(focus_events)
    n_acc = int(focus_events["account_id"].nunique()) if n_ev else 0
    near = near_hashtags(raw, in_range)
    extra = ""
    if raw.startswith(("@", "\uff20")):
        extra = f" {raw} looks like a handle (it starts with @): to check an account, run `detector account {raw}`."
        handle_near = near_hashtags(raw.lstrip("@\uff20"), in_range)
        exact = normalize_hashtag(raw.lstrip("@\uff20"))
        counts = _counted(in_range["hashtags"]) if len(in_range) else pd.Series([], dtype="int64")
        if exact in counts.index:
            handle_near = [{"value": "#" + exact, "events": int(counts[exact]), "why": "the same without @"}, *handle_near]
        near = (handle_near + near)[:MAX_NEAR]
    if n_ev == 0:
        msg = f"No posts carry {shown} in the input.{extra}{_near_text(near)}"
        return FocusCheck("hashtag", shown, False, "no_match", msg, near, 0, 0, minimum)
    if n_ev < minimum.events or n_acc < minimum.accounts:
        msg = f"Too little activity on {shown} to judge: {_activity_text(n_ev, n_acc, minimum)}.{extra}{_near_text(near)}"
        return FocusCheck("hashtag", shown, False, "too_little", msg, near, n_ev, n_acc, minimum)
    return FocusCheck("hashtag", shown, True, None, "", near, n_ev, n_acc, minimum)


def _check_account(
    account: str,
    in_range: pd.DataFrame,
    accounts: pd.DataFrame | None,
    account_id: str | None,
    amplifications: int,
    amplifiers: int,
    minimum: MinimumActivity,
) -> FocusCheck:
    shown = "@" + normalize_mention(account)
    if account_id is None:
        near = near_handles(account, in_range, accounts)
        msg = f"No account {shown} in the input (no events or profile with this id or handle).{_near_text(near)}"
        return FocusCheck("account", shown, False, "no_match", msg, near, 0, 0, minimum)
    own = int((in_range["account_id"].astype(str) == account_id).sum()) if len(in_range) else 0
    judged_amp = amplifications >= minimum.events and amplifiers >= minimum.accounts
    if own < minimum.account_events and not judged_amp:
        msg = (
            f"Too little activity of or around {shown} to judge: {own} event(s) of its own and "
            f"{amplifications} amplification(s) by {amplifiers} account(s); a verdict needs at least "
            f"{minimum.account_events} events of its own, or {minimum.events} amplifications by "
            f"{minimum.accounts} accounts."
        )
        return FocusCheck("account", shown, False, "too_little", msg, [], own, 1, minimum)
    return FocusCheck("account", shown, True, None, "", [], own, 1, minimum)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def insufficient_verdict(check: FocusCheck, base: Mapping[str, Any]) -> dict[str, Any]:
    """The ``insufficient`` verdict replacing ``base`` (the computed one) when ``check`` failed."""
    details = [check.message]
    flagged = int(base.get("flagged_accounts") or 0)
    if flagged and check.events:
        details.append(
            f"{flagged} of the accounts here are flagged on their behaviour in the whole input; "
            "see the accounts table, but this is too little to judge the focus itself."
        )
    details.append("No verdict is given: too little data is not a clean bill of health.")
    return {
        **dict(base),
        "level": "insufficient",
        "headline": "Not enough data for a verdict: " + _lower_first(check.message.split(". ")[0].rstrip(".")) + ".",
        "details": details,
        "near_matches": list(check.near),
    }


def apply_focus_check(
    report: dict[str, Any],
    all_events: pd.DataFrame,
    in_range: pd.DataFrame,
    focus_events: pd.DataFrame,
    accounts: pd.DataFrame | None,
    params: Any,
) -> FocusCheck:
    """Check the focus of a built ``report`` (:func:`check_focus`) and record it in place.

    Adds ``focus_summary.match``; when there is not enough data, the verdict
    becomes ``insufficient`` (:func:`insufficient_verdict`).
    """
    from detector.report.json_report import jsonable

    fs = report.get("focus_summary") or {}
    check = check_focus(
        all_events,
        in_range,
        focus_events,
        accounts,
        hashtag=params.hashtag,
        account=params.account,
        since=params.since,
        until=params.until,
        account_id=fs.get("account_id") if params.account else None,
        amplifications=int(fs.get("amplifications") or 0),
        amplifiers=int(fs.get("amplifiers") or 0),
        min_participation=params.min_participation,
        min_cluster_size=params.min_cluster_size,
    )
    report["focus_summary"] = {**fs, "match": jsonable(check.as_dict())}
    if not check.ok:
        report["verdict"] = jsonable(insufficient_verdict(check, report["verdict"]))
        if params.account and fs.get("found"):
            report["focus_summary"]["account_verdict"] = {
                "level": "insufficient",
                "headline": "Not enough data to judge " + check.asked + ": " + check.message.split(": ", 1)[-1],
            }
    return check

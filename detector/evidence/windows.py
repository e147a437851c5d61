"""The co-action window policy: one function, :func:`window_plan`, decides every layer's window.

``detector scan`` (every co-action layer and near-duplicates) and ``detector
coordination`` both call it, and the scan records its decisions in
``report.json`` (``parameters.window_*``, ``parameters.coaction_layers``,
``parameters.neardup_window``). The rule, in order:

1. a given window (``--window``) applies to every layer;
2. *action* objects share one window: CooRnet's estimate
   (:func:`detector.evidence.coaction.estimate_window`) on the first of
   :data:`SHARED_WINDOW_ORDER` that has shares, clamped to
   :data:`detector.thresholds.WINDOW_BOUNDS_S`;
3. replies, quotes and links (:data:`OWN_WINDOW_OBJECTS`) are typed, so they
   get their own clamped estimate when it rests on at least
   :data:`detector.thresholds.OWN_WINDOW_MIN_SHARES` later shares;
4. hashtags borrow the link window (:data:`BORROWED_WINDOWS`);
5. *content* objects (:data:`CONTENT_OBJECTS`: identical text and
   near-duplicate text) spread over hours, so the layer estimates its window
   on its own shares, unclamped (``window_s`` is then ``None`` here and the
   layer reports what it used).

>>> import pandas as pd
>>> shares = {"repost": pd.DataFrame({"object_id": ["p"] * 4, "account_id": list("abcd"),
...                                   "content_id": list("wxyz"), "ts": [0, 3, 4, 30]})}
>>> plan = window_plan(shares)
>>> plan.shared.window_s  # the raw estimate (3 s) clamped to the lower bound
10
>>> plan.shared.method
'repost shares, auto: 0.1 quantile of time from first share to later shares (3 later shares of 1 objects), clamped to [10, 600] s'
>>> plan.for_object("text")  # content objects: the layer estimates on its own shares
WindowDecision(window_s=None, method='auto')
>>> window_plan(shares, window=45).for_object("repost")
WindowDecision(window_s=45, method='given')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from detector import thresholds as th

__all__ = [
    "BORROWED_WINDOWS",
    "CONTENT_OBJECTS",
    "OWN_WINDOW_OBJECTS",
    "SHARED_WINDOW_ORDER",
    "WindowDecision",
    "WindowPlan",
    "clamped_window",
    "window_plan",
]

CONTENT_OBJECTS: tuple[str, ...] = ("text", "neardup")
"""Objects whose co-action window the layer estimates on its own shares (copies spread over hours)."""

OWN_WINDOW_OBJECTS: tuple[str, ...] = ("reply", "quote", "url")
"""Objects whose window is estimated from their own shares when there is enough data for it.

A repost is one click; a reply or quote is typed, and a link is pasted into a post of one's
own: people (and campaigns) take longer over them, so the repost window would miss most
replies of a swarm. The time from a hashtag's first use to a later one measures how long
a topic lasts, not how fast anyone reacts: hashtags borrow the link window
(:data:`BORROWED_WINDOWS`), domains keep the repost window."""

BORROWED_WINDOWS: dict[str, str] = {"hashtag": "url"}
"""Objects that take another layer's own estimate. A hashtag, like a link, is typed into a
post of one's own, so it gets the window estimated from links when there is one (the
repost window otherwise); its own estimate would measure how long a topic lasts."""

SHARED_WINDOW_ORDER: tuple[str, ...] = ("repost", "url", "quote", "reply", "hashtag")
"""Object kinds tried, in order, for the shared window (reposts first: one click, the fastest)."""


@dataclass(frozen=True)
class WindowDecision:
    """One layer's window: ``window_s`` (seconds; ``None`` = the layer estimates it) and how."""

    window_s: int | None
    method: str


@dataclass(frozen=True)
class WindowPlan:
    """Every window decision of one scan (see the module docstring for the rule)."""

    given: int | None
    shared: WindowDecision
    by_object: dict[str, WindowDecision] = field(default_factory=dict)

    def for_object(self, obj: str) -> WindowDecision:
        """The decision for ``obj``: its own entry, else the content rule or the shared window."""
        if obj in self.by_object:
            return self.by_object[obj]
        if obj in CONTENT_OBJECTS:
            return _content_decision(self.given)
        return self.shared


def clamped_window(obj: str, shares: pd.DataFrame) -> tuple[int, str, int]:
    """CooRnet's estimate on ``shares``, clamped to :data:`detector.thresholds.WINDOW_BOUNDS_S`.

    Returns ``(window_s, description, later_shares)``.
    """
    from detector.evidence.coaction import estimate_window

    value, how, later = estimate_window(shares, th.WINDOW_QUANTILE, with_count=True)
    lo, hi = th.WINDOW_BOUNDS_S
    return int(min(max(value, lo), hi)), f"{obj} shares, {how}, clamped to [{lo}, {hi}] s", later


def _content_decision(given: int | None) -> WindowDecision:
    return WindowDecision(given, "given") if given is not None else WindowDecision(None, "auto")


def _shared_decision(shares: Mapping[str, pd.DataFrame], given: int | None) -> WindowDecision:
    if given is not None:
        return WindowDecision(int(given), "given")
    for obj in (*SHARED_WINDOW_ORDER, *(o for o in shares if o not in SHARED_WINDOW_ORDER and o not in CONTENT_OBJECTS)):
        table = shares.get(obj)
        if table is not None and len(table):
            window, how, _ = clamped_window(obj, table)
            return WindowDecision(window, how)
    return WindowDecision(None, "auto per object")


def window_plan(shares: Mapping[str, pd.DataFrame], window: int | None = None) -> WindowPlan:
    """Decide the co-action window of every object kind in ``shares`` (and of near-duplicates).

    Parameters
    ----------
    shares : mapping of str to DataFrame
        Share table per object kind (:func:`detector.evidence.coaction.share_table`);
        any kind name is allowed (``detector coordination`` passes a column name).
    window : int or None
        A given window, seconds (applies to every layer); ``None`` estimates.

    Returns
    -------
    WindowPlan
    """
    given = None if window is None else int(window)
    shared = _shared_decision(shares, given)
    out: dict[str, WindowDecision] = {}
    own: dict[str, WindowDecision] = {}
    for obj, table in shares.items():
        if given is None and obj in OWN_WINDOW_OBJECTS and len(table):
            win, how, later = clamped_window(obj, table)
            if later >= th.OWN_WINDOW_MIN_SHARES:
                own[obj] = WindowDecision(win, how)
            else:
                out[obj] = WindowDecision(
                    shared.window_s, f"{shared.method} (too few {obj} shares for an own estimate: {later})"
                )
    for obj in shares:
        lender = BORROWED_WINDOWS.get(obj)
        if obj in CONTENT_OBJECTS:
            out[obj] = _content_decision(given)
        elif obj in own:
            out[obj] = own[obj]
        elif given is None and lender in own:
            out[obj] = WindowDecision(own[lender].window_s, f"the {lender} window ({own[lender].method})")
        else:
            out.setdefault(obj, shared)
    out.setdefault("neardup", _content_decision(given))
    return WindowPlan(given=given, shared=shared, by_object=out)

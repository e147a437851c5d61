"""Named per-account evidence tests, each calibrated by the one rule of :mod:`detector.scoring.calibrate`.

A test reads one raw signal (:mod:`detector.scoring.signals`), transforms it to the
scale on which differences mean something (shares as is; counts on ``log1p``; rates
and ratios on ``log``), and scores it with :func:`~detector.scoring.calibrate.tail_score`
against the accounts of the same scan. :data:`ACCOUNT_TESTS` lists every test with its
plain-words description; :func:`describe` turns one into a reason with its value in
its own units, the population's median and the account's percentile.

Families (:func:`family_scores`) combine tests with a noisy-OR:

``synchrony``
    ``sync_repeat`` (distinct objects shared within the window with the 3rd closest
    partner), counted fully with correlated activity series (``timing``) and
    :data:`COACTION_ALONE` otherwise; ``recurring`` (the same uncommon links at any
    time) or ``recurring_domains`` (the same co-linked uncommon domains at any time: the
    coarser form of the same evidence, so the larger of the two counts) at :data:`COACTION_ALONE`.
``duplicate_text``
    ``text_partners`` (accounts it posted identical / near-duplicate text with) and
    ``dup_share`` (share of its posts that copy other accounts'), both only from
    :data:`MIN_COPIED_POSTS` copied posts on.
``profile``
    ``young`` (age at first post), ``dormant`` (few statuses per day of life),
    ``reactivated`` (most of its lifetime statuses fall in this input), the two
    only for accounts that are not young, and ``shift`` (its own posts switch language
    abruptly at one point within the input: a hijacked or repurposed account,
    :mod:`detector.evidence.langshift`). ``handle``, ``default_profile`` and
    ``follower_anomaly`` only *strengthen* one of these: a handle pattern, a default
    profile or a lopsided follower count alone never makes an account "throwaway".
``automation``
    ``regular`` (low variation of inter-event times, 3+ events), ``fixed_lag`` (repost
    delays in a narrow band), ``schedule`` (same clock time on 3+ days); ``rate``,
    ``never_sleeps`` and ``rare_client`` (a posting application few accounts here use) only
    strengthen them: busy humans post a lot (newsrooms, activists, fans in a streaming
    party), global communities span time zones, and newsrooms post through scheduling tools.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from detector.scoring import reasons as rs
from detector.scoring.calibrate import (
    FLOOR_LOG,
    FLOOR_PLAIN,
    FLOOR_SHARE,
    tail_grade,
    tail_score,
    upper_tail_share,
)

__all__ = [
    "ACCOUNT_TESTS",
    "COACTION_ALONE",
    "FAMILIES",
    "INDICATOR_LEVEL",
    "AccountTest",
    "account_test_scores",
    "describe",
    "family_scores",
    "suspicious_percentiles",
]

FAMILIES: tuple[str, ...] = ("synchrony", "duplicate_text", "profile", "automation")

COACTION_ALONE = 0.5
"""Weight of repeated co-action without correlated activity series in the synchrony family.

Fans reposting their idol within seconds co-act again and again, but the rest of their
activity is their own; accounts run together also have correlated activity series
(timing layer). Co-action alone therefore counts half, co-action with timing fully."""

INDICATOR_LEVEL = 0.25
"""A test (or family) score at and above which an account has the attribute (young, dormant,
automated...) in the group tests: a quarter of the way from ordinary to extreme by the
calibration rule (a value merely in the top quarter, like a journalist's posting rate, is not
enough). The group test then asks whether the cluster holds more such accounts than the
population does."""

LOG_EPS = 1e-3
"""Smallest rate / ratio before ``log`` (0 statuses a day, 0 followers: the log stays finite)."""

MIN_TIMING_EVENTS = 3
"""Events an account needs before its inter-event regularity means anything."""

MIN_COPIED_POSTS = 2
"""Copied posts (in near-duplicate clusters shared with other accounts) an account needs before
its copying counts: the repeated-evidence rule of synchrony, for text. One copied post is a meme,
a slogan or a quote anyone may share once; a copy network posts its talking points again and
again. Unknown (no text comparison) keeps the tests as they are."""


@dataclass(frozen=True)
class AccountTest:
    """One named evidence test.

    ``signal`` is the column of the signals table; ``scale`` how it is compared
    (``share``: as is, floor :data:`~detector.scoring.calibrate.FLOOR_SHARE`; ``count``:
    ``log1p``, floor ``FLOOR_LOG``; ``log``: natural log of a rate or ratio, floor
    ``FLOOR_LOG``; ``plain``: as is, floor ``FLOOR_PLAIN``; ``flag``: 1/0 as given,
    not calibrated); ``higher`` whether high values are suspicious; ``label`` and
    ``unit`` are the words of its reason (``unit`` formats the value); ``detail``, when
    set, words what the value was measured on from the account's signals row (put
    before the value in the reason).
    """

    signal: str
    scale: str
    higher: bool
    label: str
    unit: str
    detail: Callable[[Mapping[str, object]], str] | None = None


def _shift_detail(row: Mapping[str, object]) -> str:
    """``switched from en to ru after 12 posts: 92% of its posts before <date> in en, 100% of the 9 after in ru``."""
    before, total, at = (float(row.get(c, np.nan)) for c in ("shift_posts_before", "shift_posts", "shift_at"))
    if not (np.isfinite(before) and np.isfinite(total) and np.isfinite(at)):
        return "no switch of language"
    when = dt.datetime.fromtimestamp(at, tz=dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    src, dst = row.get("shift_from"), row.get("shift_to")
    return (
        f"switched from {src} to {dst} after {before:.0f} posts: {float(row.get('shift_from_share', np.nan)):.0%} of its posts "
        f"before {when} in {src}, {float(row.get('shift_to_share', np.nan)):.0%} of the {total - before:.0f} after in {dst}"
    )


ACCOUNT_TESTS: dict[str, AccountTest] = {
    "sync_repeat": AccountTest("sync_repeat", "count", True, "repeated synchrony",
                               "{:.0f} distinct posts/links/hashtags acted on within the window with its 3rd closest partner"),
    "timing": AccountTest("timing_partners", "count", True, "correlated activity", "activity series correlated with {:.0f} partners"),
    "recurring": AccountTest("recurring_partners", "count", True, "recurring links",
                             "shared two or more of the same uncommon links (at any time) with {:.0f} accounts"),
    "recurring_domains": AccountTest("domain_partners", "count", True, "recurring link domains",
                                     "linked the same co-linked uncommon domains (at any time) as {:.0f} accounts"),
    "text_partners": AccountTest("text_partners", "count", True, "copied text",
                                 "posted identical or near-duplicate text with {:.0f} accounts"),
    "dup_share": AccountTest("dup_share", "share", True, "copied posts", "{:.0%} of its posts are near-duplicates of other accounts' posts"),
    "young": AccountTest("age_days", "count", False, "young account", "created {:.0f} days before its first post here"),
    "dormant": AccountTest("lifetime_posts_per_day", "log", False, "dormant account", "{:.3g} statuses per day over its life"),
    "reactivated": AccountTest("scan_share_of_posts", "share", True, "reactivated account",
                               "{:.0%} of its lifetime statuses fall in this input"),
    "shift": AccountTest("language_shift", "share", True, "language switch",
                         "language shift {:.2f} (0 = no switch, near 1 = a clean switch with many posts on both sides)",
                         detail=_shift_detail),
    "handle": AccountTest("handle_randomness", "share", True, "random-looking handle",
                          "handle randomness {:.2f} (digit run and character entropy, 0-1)"),
    "default_profile": AccountTest("default_profile", "share", True, "default profile",
                                   "default profile (1 = no description, display name empty or equal to the handle): {:.0f}"),
    "follower_anomaly": AccountTest("followers_following_ratio", "log", False, "follower anomaly",
                                    "{:.3f} followers per account followed"),
    "regular": AccountTest("iet_cv", "plain", False, "regular timing",
                           "inter-event time coefficient of variation {:.2f} (about 1 for people, 0 for a clock)"),
    "rate": AccountTest("posts_per_day", "count", True, "posting rate", "{:.1f} events per active day"),
    "fixed_lag": AccountTest("repost_lag_spread", "log", False, "fixed repost lag",
                             "repost delays spread {:.2f} (interquartile range over median; people about 1)"),
    "schedule": AccountTest("clock_repeat_share", "share", True, "posting on a schedule",
                            "{:.0%} of its events at the same clock time (within 5 s) on 3 or more days"),
    "rare_client": AccountTest("client_share", "log", False, "uncommon posting client",
                               "its posting client is used by {:.2%} of the accounts here"),
    "never_sleeps": AccountTest("never_sleeps", "flag", True, "round the clock",
                                "active in every 6-hour window of the day (1 = yes): {:.0f}"),
}
"""Every account test: name -> :class:`AccountTest`."""

_FLOOR = {"share": FLOOR_SHARE, "count": FLOOR_LOG, "log": FLOOR_LOG, "plain": FLOOR_PLAIN}


def _column(signals: pd.DataFrame, name: str) -> np.ndarray:
    if name in signals.columns:
        return signals[name].to_numpy(dtype=float)
    return np.full(len(signals), np.nan)


def _transformed(test: AccountTest, values: np.ndarray) -> np.ndarray:
    """Values on the test's comparison scale, oriented so that larger = more suspicious."""
    x = np.asarray(values, dtype=float)
    if test.scale == "count":
        with np.errstate(invalid="ignore"):
            x = np.log1p(np.clip(x, 0, None))
    elif test.scale == "log":
        with np.errstate(invalid="ignore", divide="ignore"):
            x = np.log(np.maximum(x, LOG_EPS))
    return x if test.higher else -x


def account_test_scores(signals: pd.DataFrame, graded: bool = False) -> pd.DataFrame:
    """[0, 1] score of every test in :data:`ACCOUNT_TESTS` (columns), one row per account.

    ``regular`` needs :data:`MIN_TIMING_EVENTS` events; ``text_partners`` and ``dup_share``
    need :data:`MIN_COPIED_POSTS` copied posts; ``dormant`` and
    ``reactivated`` are multiplied by ``1 - young`` (a young account is young, not
    dormant). Unknown values score 0 (and show in the evidence coverage).

    ``graded``: every test by :func:`~detector.scoring.calibrate.tail_grade` instead (the
    strength of evidence too weak to count, for the rank term of the account score), and
    copying from one copied post on (the repeated-evidence rule decides what *counts*,
    not what ranks).
    """
    out = {}
    for name, test in ACCOUNT_TESTS.items():
        values = _column(signals, test.signal)
        if test.scale == "flag":
            out[name] = np.clip(np.nan_to_num(values, nan=0.0), 0.0, 1.0)
            continue
        out[name] = (tail_grade if graded else tail_score)(_transformed(test, values), floor=_FLOOR[test.scale])
    enough = np.nan_to_num(_column(signals, "n_events"), nan=0.0) >= MIN_TIMING_EVENTS
    out["regular"] = np.where(enough, out["regular"], 0.0)
    copied = _column(signals, "dup_posts")
    # NaN (not compared) is not "fewer"; graded, one copied post is weak evidence (a meme for the score)
    repeated = ~(copied < (1 if graded else MIN_COPIED_POSTS))
    for name in ("text_partners", "dup_share"):
        out[name] = np.where(repeated, out[name], 0.0)
    for name in ("dormant", "reactivated"):
        out[name] = out[name] * (1.0 - out["young"])
    return pd.DataFrame(out, index=signals.index)


def suspicious_percentiles(signals: pd.DataFrame) -> pd.DataFrame:
    """Per test: share of accounts (with the value known) the account is more extreme than, in [0, 1]."""
    out = {}
    for name, test in ACCOUNT_TESTS.items():
        out[name] = 1.0 - upper_tail_share(_transformed(test, _column(signals, test.signal)))
    return pd.DataFrame(out, index=signals.index)


def noisy_or(*parts: np.ndarray) -> np.ndarray:
    """``1 - prod(1 - p)``: any one strong part is enough (NaN counts 0)."""
    out = np.ones_like(np.asarray(parts[0], dtype=float))
    for p in parts:
        out = out * (1.0 - np.clip(np.nan_to_num(np.asarray(p, dtype=float), nan=0.0), 0, 1))
    return 1.0 - out


def family_scores(tests: pd.DataFrame) -> pd.DataFrame:
    """Calibrated [0, 1] score per evidence family (columns :data:`FAMILIES`) from :func:`account_test_scores`."""
    t = {c: tests[c].to_numpy(dtype=float) for c in tests.columns}
    slow = np.maximum(t["recurring"], t["recurring_domains"])  # one link stock, seen as links or as domains
    sync = noisy_or(np.sqrt(t["sync_repeat"] * t["timing"]), COACTION_ALONE * t["sync_repeat"], COACTION_ALONE * slow)
    text = noisy_or(t["text_partners"], t["dup_share"])
    base = noisy_or(t["young"], t["dormant"], t["reactivated"], t["shift"])
    profile = noisy_or(base, base * noisy_or(t["handle"], t["default_profile"], t["follower_anomaly"]))
    machine = noisy_or(t["regular"], t["fixed_lag"], t["schedule"])
    auto = noisy_or(machine, machine * noisy_or(t["rate"], t["never_sleeps"], t["rare_client"]))
    return pd.DataFrame({"synchrony": sync, "duplicate_text": text, "profile": profile, "automation": auto}, index=tests.index)


FAMILY_TESTS: dict[str, tuple[str, ...]] = {
    "synchrony": ("sync_repeat", "timing", "recurring", "recurring_domains"),
    "duplicate_text": ("text_partners", "dup_share"),
    "profile": ("young", "dormant", "reactivated", "shift", "handle", "default_profile", "follower_anomaly"),
    "automation": ("regular", "rate", "fixed_lag", "schedule", "never_sleeps", "rare_client"),
}
"""Which tests feed which family (for reasons)."""

REASON_LEVEL = 0.2
"""A test or family score at which it is named in the reasons."""


def describe(
    name: str, value: float, median: float, percentile: float, score: float, row: Mapping[str, object] | None = None
) -> str:
    """One reason: the test, the value in its units (after its ``detail`` from ``row``), the population
    median and the percentile."""
    test = ACCOUNT_TESTS[name]
    med = test.unit.format(median).split(" (")[0] if np.isfinite(median) else "unknown"
    words = test.unit.format(value)
    if test.detail is not None and row is not None:
        words = f"{test.detail(row)}; {words}"
    return rs.account_test(test.label, words, med, percentile, score)


def family_reasons(
    family: str, value: float, row: Mapping[str, float], scores: Mapping[str, float],
    medians: Mapping[str, float], pct: Mapping[str, float],
) -> str:
    """The reason of one family: its score, then every named test of it that fired."""
    parts = [
        describe(t, row.get(ACCOUNT_TESTS[t].signal, np.nan), medians.get(ACCOUNT_TESTS[t].signal, np.nan), pct.get(t, np.nan),
                 scores[t], row)
        for t in FAMILY_TESTS[family]
        if scores.get(t, 0.0) >= REASON_LEVEL
    ]
    return rs.family(family, value, parts)

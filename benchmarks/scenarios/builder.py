"""Build a scenario (see ``README.md`` here) into canonical tables, ground truth and export files.

One builder serves every scenario: a scenario file is data (a background population and
groups with activities), this module turns it into events. Nothing here imports
:mod:`detector.synth`'s behaviour generators; the export formats are written by
:func:`detector.synth.writers.write_events` (canonical tables -> twarc2 pages, v1.1 JSONL,
IO-archive CSV), which also writes the per-account ``client`` and default-profile columns
this builder fills.

Model, in short (times in seconds, UTC):

* ordinary accounts get a lognormal rate of own actions per day, a time zone and a
  circadian curve; their posts draw reposts, replies and quotes from other ordinary accounts
  in cascades (heavy-tailed popularity from followers, lognormal lag);
* a group's members share a profile (or segments of profiles: e.g. half old-but-dormant,
  half young), optional organic activity, and activities. An activity is a series of
  *episodes* (its own posts at chosen times, or every post of a target group); in each
  episode a share of the members acts after a lag drawn from ``lag_s``.

Every random draw comes from a generator seeded by (seed, scenario name, part), so a part
of a scenario does not change when another part is edited.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from detector.fsutil import write_text_atomic
from detector.report.csvsafe import write_csv
from detector.schema import validate_accounts, validate_events

from . import textgen
from .spec import FORMATS, load_spec, sized

__all__ = ["Dataset", "build", "build_file", "write"]

DAY = 86_400
_HOURLY = np.array([0.30, 0.20, 0.14, 0.10, 0.10, 0.15, 0.30, 0.60, 0.90, 1.00, 1.00, 1.00,
                    1.10, 1.00, 0.95, 0.95, 1.00, 1.05, 1.15, 1.30, 1.35, 1.25, 0.95, 0.60])
"""Relative activity per local hour of day (people sleep 1-6 h)."""
_TWEPOCH_MS = 1_288_834_974_657
_EXTRA = ("client", "default_profile", "default_profile_image")
_TCO = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

_DEFAULT_PROFILE: dict[str, Any] = {
    "age_days": {"median": 1500, "sigma": 0.8, "min": 91, "max": 6000},
    "young": {"share": 0.05, "max_days": 90},
    "statuses_per_day": {"median": 1.5, "sigma": 1.2},
    "followers": {"median": 150, "sigma": 1.7},
    "following": {"median": 220, "sigma": 1.0},
    "digit_handles": 0.3,
    "default_profile": 0.10,
    "default_profile_image": 0.03,
    "clients": {"Twitter for iPhone": 0.42, "Twitter for Android": 0.36, "Twitter Web App": 0.18,
                "TweetDeck": 0.02, "Twitter for iPad": 0.02},
    "verified": 0.01,
    "tz": {0: 0.25, 1: 0.2, -5: 0.25, -8: 0.1, 8: 0.1, 3: 0.1},
}
_DEFAULT_BACKGROUND: dict[str, Any] = {
    "activity": {"median": 1.0, "sigma": 1.1, "max": 60},
    "kinds": {"post": 0.55, "repost": 0.32, "reply": 0.09, "quote": 0.04},
    "langs": {"en": 1.0},
    "hashtags": {"share": 0.15, "tags": ["news", "music", "football", "weather", "travel", "food"]},
    "urls": {"share": 0.08, "domains": ["bbc.co.uk/news", "nytimes.com/2026", "theguardian.com/world",
                                        "elpais.com/internacional", "youtube.com/watch"]},
    "virality": {"sigma": 1.4, "lag_s": {"median": 2400, "sigma": 1.5}},
}


@dataclass
class Dataset:
    """One built scenario: canonical tables, ground truth and the official-account registry."""

    name: str
    seed: int
    quick: bool
    events: pd.DataFrame
    accounts: pd.DataFrame
    truth: pd.DataFrame
    officials: pd.DataFrame
    spec: dict[str, Any] = field(repr=False)


# ----------------------------------------------------------------------
# random helpers
# ----------------------------------------------------------------------


def _rng(seed: int, *parts: str) -> np.random.Generator:
    return np.random.default_rng([seed, *(zlib.crc32(p.encode("utf-8")) for p in parts)])


def _draw(spec: Any, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` values of a distribution spec (see :func:`spec._dist`)."""
    if isinstance(spec, (int, float)):
        return np.full(n, float(spec))
    if "uniform" in spec:
        lo, hi = spec["uniform"]
        return rng.uniform(lo, hi, size=n)
    if "fixed" in spec:
        return spec["fixed"] + rng.normal(0.0, float(spec.get("jitter", 0.0)), size=n)
    out = float(spec["median"]) * np.exp(rng.normal(0.0, float(spec.get("sigma", 0.0)), size=n))
    return np.clip(out, spec.get("min", -np.inf), spec.get("max", np.inf))


def _choice(weights: Mapping[Any, float], n: int, rng: np.random.Generator) -> list[Any]:
    keys = list(weights)
    p = np.array([float(weights[k]) for k in keys])
    return [keys[i] for i in rng.choice(len(keys), size=n, p=p / p.sum())]


def _circadian(n: int, lo: float, hi: float, tz: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``n`` times in [lo, hi) seconds following the local-hour curve of each row's time zone (hours)."""
    out = np.empty(n)
    todo = np.arange(n)
    peak = _HOURLY.max()
    while len(todo):
        t = rng.uniform(lo, hi, size=len(todo))
        hour = ((t // 3600 + tz[todo]) % 24).astype(int)
        keep = rng.random(len(todo)) < _HOURLY[hour] / peak
        out[todo[keep]] = t[keep]
        todo = todo[~keep]
    return out


# ----------------------------------------------------------------------
# accounts
# ----------------------------------------------------------------------


def _merge_profile(*profiles: Mapping[str, Any] | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for p in profiles:
        out.update(p or {})
    return out


def _handles(n: int, prof: Mapping[str, Any], rng: np.random.Generator, slots: list[dict[str, str]]) -> list[str]:
    pattern = prof.get("handle")
    digits = rng.random(n) < float(prof.get("digit_handles", 0.0))
    out = []
    for i in range(n):
        if pattern:
            out.append(textgen.fill(pattern, "en", rng, {**slots[i], "i": str(i + 1)}))
            continue
        a, b = textgen.words("en", 2, rng)
        style = int(rng.integers(0, 3))
        base = (a + b) if style == 0 else (f"{a}_{b}" if style == 1 else a.capitalize() + b.capitalize())
        out.append(base + (str(int(rng.integers(1, 10_000))) if digits[i] else ""))
    return out


def _accounts(n: int, prof: Mapping[str, Any], start: int, rng: np.random.Generator,
              slots: list[dict[str, str]]) -> pd.DataFrame:
    """Profiles of ``n`` accounts (``created_at`` in UTC seconds, ``statuses`` before the data)."""
    age = _draw(prof["age_days"], n, rng)
    young = prof.get("young") or {}
    is_young = rng.random(n) < float(young.get("share", 0.0))
    age = np.where(is_young, rng.uniform(1, float(young.get("max_days", 90)), size=n), age)
    if "statuses" in prof:
        statuses = _draw(prof["statuses"], n, rng)
    else:
        statuses = age * _draw(prof["statuses_per_day"], n, rng)
    handles = _handles(n, prof, rng, slots)
    return pd.DataFrame({
        "account_name": handles,
        "display_name": [h.replace("_", " ").title() for h in handles],
        "created_at": (start - age * DAY - rng.uniform(0, DAY, size=n)).astype(np.int64),
        "followers": np.maximum(_draw(prof["followers"], n, rng), 0).astype(np.int64),
        "following": np.maximum(_draw(prof["following"], n, rng), 0).astype(np.int64),
        "statuses": np.maximum(statuses, 0).astype(np.int64),
        "verified": rng.random(n) < float(prof.get("verified", 0.0)),
        "description": [textgen.fill(prof["description"], "en", rng, slots[i]) if prof.get("description")
                        else textgen.own_text("en", rng, 0, 9) for i in range(n)],
        "client": _choice(prof["clients"], n, rng),
        "default_profile": rng.random(n) < float(prof.get("default_profile", 0.0)),
        "default_profile_image": rng.random(n) < float(prof.get("default_profile_image", 0.0)),
        "tz": np.array(_choice(prof["tz"], n, rng), dtype=float),
    })


def _unique_ids(n: int, rng: np.random.Generator, low: int = 10**8, high: int = 10**13) -> np.ndarray:
    ids = np.unique(rng.integers(low, high, size=int(n * 1.1) + 16))
    while len(ids) < n:  # pragma: no cover - astronomically unlikely
        ids = np.unique(np.concatenate([ids, rng.integers(low, high, size=n)]))
    return rng.permutation(ids)[:n]


# ----------------------------------------------------------------------
# events
# ----------------------------------------------------------------------


class _Events:
    """Event rows as column lists; ``add`` returns the new rows' positions."""

    def __init__(self) -> None:
        self.cols: dict[str, list[Any]] = {k: [] for k in (
            "account", "ts", "kind", "target", "text", "hashtags", "urls", "mentions", "lang")}

    def __len__(self) -> int:
        return len(self.cols["ts"])

    def add(self, account: int, ts: float, kind: str, text: str, lang: str, target: int = -1,
            hashtags: list[str] | None = None, urls: list[str] | None = None,
            mentions: list[str] | None = None) -> int:
        c = self.cols
        for key, val in (("account", account), ("ts", float(ts)), ("kind", kind), ("target", target),
                         ("text", text), ("hashtags", hashtags or []), ("urls", urls or []),
                         ("mentions", mentions or []), ("lang", lang)):
            c[key].append(val)
        return len(c["ts"]) - 1


def _compose(text: str, hashtags: list[str], urls: list[str], rng: np.random.Generator) -> str:
    """Append ``#tags`` and t.co links to ``text`` as they appear in real posts."""
    parts = [text] + [f"#{h}" for h in hashtags if f"#{h}".casefold() not in text.casefold()]
    parts += ["https://t.co/" + "".join(_TCO[j] for j in rng.integers(0, len(_TCO), size=10)) for _ in urls]
    return " ".join(p for p in parts if p)


def _url(domains: list[str], rng: np.random.Generator) -> str:
    dom = domains[int(rng.integers(0, len(domains)))]
    slug = "-".join(textgen.words("en", 3, rng))
    return f"{dom}/{slug}-{int(rng.integers(10_000, 99_999))}"


@dataclass
class _World:
    spec: dict[str, Any]
    seed: int
    quick: bool
    start: int
    end: int
    acc: pd.DataFrame  # all accounts, row = internal account index
    groups: dict[str, np.ndarray]  # group name -> account indices
    ev: _Events
    group_posts: dict[str, list[int]] = field(default_factory=dict)
    tz: np.ndarray = field(init=False)  # per account: UTC offset (hours)
    handles: list[str] = field(init=False)
    cascade: list[tuple[int, float]] = field(default_factory=list)  # (ordinary post row, virality)
    audience: list[tuple[int, float]] = field(default_factory=list)  # (group post row, expected reposts)

    def __post_init__(self) -> None:
        self.tz = self.acc["tz"].to_numpy(dtype=float)
        self.handles = self.acc["account_name"].astype(str).tolist()


def _organic_actions(w: _World, members: np.ndarray, rate: np.ndarray, window: tuple[float, float],
                     langs: Mapping[str, float], rng: np.random.Generator) -> None:
    """Own posts (and replies/quotes, placed later by the cascade) of ordinary behaviour."""
    bg = w.spec["background"]
    T = w.end - w.start
    lo, hi = w.start + window[0] * T, w.start + window[1] * T
    days = (hi - lo) / DAY
    counts = rng.poisson(rate * days)
    kinds = bg["kinds"]
    own = float(kinds.get("post", 1.0)) / sum(kinds.values())
    tags, urls = bg["hashtags"], bg["urls"]
    for m, k in zip(members, counts, strict=True):
        k = int(round(k * own))
        if k == 0:
            continue
        times = _circadian(k, lo, hi, np.full(k, w.tz[m]), rng)
        lang_of = _choice(langs, k, rng)
        for t, lang in zip(times, lang_of, strict=True):
            h = [tags["tags"][int(rng.integers(0, len(tags["tags"])))]] if rng.random() < tags["share"] else []
            u = [_url(urls["domains"], rng)] if rng.random() < urls["share"] else []
            row = w.ev.add(int(m), t, "post", _compose(textgen.own_text(lang, rng), h, u, rng), lang,
                           hashtags=h, urls=u)
            w.cascade.append((row, float(np.exp(rng.normal(0, bg["virality"]["sigma"])))))


def _run_cascades(w: _World, pool: np.ndarray, pool_weight: np.ndarray, rng: np.random.Generator) -> None:
    """Reposts, replies and quotes of ordinary accounts on the posts in ``w.cascade``.

    Each post's expected count is its popularity (author followers ** 0.6 times a lognormal
    virality) scaled so the population's reactions match ``background.kinds``; reactors are
    drawn from ``pool`` by activity, lags from ``background.virality.lag_s``.
    """
    if not (w.cascade or w.audience) or not len(pool):
        return
    bg = w.spec["background"]
    kinds = bg["kinds"]
    total_own = sum(1 for r, _ in w.cascade if w.ev.cols["kind"][r] == "post")
    react = {k: float(kinds.get(k, 0.0)) / float(kinds.get("post", 1.0)) * total_own
             for k in ("repost", "reply", "quote")}
    rows = np.array([r for r, _ in w.cascade])
    base = np.array([v for _, v in w.cascade])
    authors = np.array([w.ev.cols["account"][r] for r in rows])
    pop = base * (w.acc["followers"].to_numpy()[authors] + 1.0) ** 0.6
    pop = pop / pop.sum()
    p = pool_weight / pool_weight.sum()
    for kind, n_total in react.items():
        _reactions(w, rows, authors, rng.poisson(pop * n_total), kind, pool, p, rng)
    if w.audience:
        rows = np.array([r for r, _ in w.audience])
        authors = np.array([w.ev.cols["account"][r] for r in rows])
        expected = np.array([v for _, v in w.audience])
        _reactions(w, rows, authors, rng.poisson(expected), "repost", pool, p, rng)


def _reactions(w: _World, rows: np.ndarray, authors: np.ndarray, counts: np.ndarray, kind: str,
               pool: np.ndarray, p: np.ndarray, rng: np.random.Generator) -> None:
    """``counts[i]`` reactions of ``kind`` on event row ``rows[i]`` by distinct accounts of ``pool``."""
    lag_spec = w.spec["background"]["virality"]["lag_s"]
    cdf = np.cumsum(p)
    cdf /= cdf[-1]
    for i in np.flatnonzero(counts):
        r, a, k = rows[i], authors[i], counts[i]
        pick = np.minimum(np.searchsorted(cdf, rng.random(int(k)), side="right"), len(pool) - 1)
        who = np.unique(pool[pick])
        who = who[who != a]
        t0 = w.ev.cols["ts"][r]
        for m, lag in zip(who, _draw(lag_spec, len(who), rng), strict=True):
            t = t0 + max(float(lag), 1.0)
            if t < w.end:
                _react(w, int(m), t, kind, int(r), None, rng)


def _react(w: _World, m: int, t: float, kind: str, target: int, text: str | None,
           rng: np.random.Generator, lang: str | None = None, hashtags: list[str] | None = None,
           urls: list[str] | None = None) -> int:
    """A repost, reply or quote by account ``m`` of event row ``target`` at time ``t``."""
    c = w.ev.cols
    lang = lang or c["lang"][target]
    if kind == "repost":
        return w.ev.add(m, t, "repost", c["text"][target], c["lang"][target], target=target,
                        hashtags=list(c["hashtags"][target]), urls=list(c["urls"][target]),
                        mentions=list(c["mentions"][target]))
    body = text if text is not None else textgen.own_text(lang, rng, 3, 12)
    h, u = list(hashtags or []), list(urls or [])
    mentions: list[str] = []
    if kind == "reply":
        handle = w.handles[c["account"][target]]
        body = f"@{handle} {body}"
        mentions = [handle.casefold()]
    return w.ev.add(m, t, kind, _compose(body, h, u, rng), lang, target=target, hashtags=h, urls=u,
                    mentions=mentions)


def _episodes(w: _World, act: Mapping[str, Any], name: str, members: np.ndarray,
              rng: np.random.Generator) -> list[tuple[float, int, np.ndarray]]:
    """(start time, target row or -1, actors) per episode of one activity."""
    T = w.end - w.start
    lo, hi = w.start + act.get("window", [0, 1])[0] * T, w.start + act.get("window", [0, 1])[1] * T
    part = float(act.get("participation", 1.0))
    out: list[tuple[float, int, np.ndarray]] = []

    def actors(pool: np.ndarray) -> np.ndarray:
        k = int(rng.binomial(len(pool), part)) if part < 1 else len(pool)
        return np.sort(rng.choice(pool, size=k, replace=False)) if k else pool[:0]

    if "target" in act:
        source = name if act["target"]["group"] == "self" else act["target"]["group"]
        share = float(act.get("episode_share", 1.0))
        for row in w.group_posts.get(source, []):
            t0 = w.ev.cols["ts"][row]
            if lo <= t0 < hi and rng.random() < share:
                pool = members[members != w.ev.cols["account"][row]]
                out.append((t0, row, actors(pool)))
        return out
    if "every_s" in act:
        every, jitter = float(act["every_s"]), float(act.get("jitter_s", 0.0))
        series = [members[i:i + 1] for i in range(len(members))] if act.get("per_member") else [members]
        for who in series:
            t = lo + rng.uniform(0, every)
            while t < hi:
                out.append((t + rng.normal(0, jitter) if jitter else t, -1, who))
                t += every
        return out
    n = int(sized(act["episodes"], w.quick))
    at = act.get("at", "circadian")
    if at == "uniform":
        times = rng.uniform(lo, hi, size=n)
    elif isinstance(at, Mapping) and "burst_s" in at:
        t0 = rng.uniform(lo, max(lo, hi - float(at["burst_s"])))
        times = t0 + rng.uniform(0, float(at["burst_s"]), size=n)
    else:
        tz = float(np.median(w.acc["tz"].to_numpy()[members]))
        times = _circadian(n, lo, hi, np.full(n, tz), rng)
    return [(float(t), -1, actors(members)) for t in np.sort(times)]


def _activity(w: _World, g: Mapping[str, Any], act: Mapping[str, Any], j: int, rng: np.random.Generator) -> None:
    """Run one activity of group ``g``: its episodes, each member's action after its lag."""
    name = g["name"]
    idx = w.groups[name]
    lo_f, hi_f = act.get("members", [0, 1])
    lo = int(round(lo_f * len(idx)))
    members = idx[lo:max(int(round(hi_f * len(idx))), lo + 1)]
    slots = dict(zip(idx.tolist(), _member_slots(g, len(idx)), strict=True))
    do = act["do"]
    text_spec = act.get("text", "own")
    lang = act.get("lang") or (g.get("organic") or {}).get("lang") or "en"
    audience = act.get("audience") or {}
    urls_spec = act.get("urls")
    for t0, target, who in _episodes(w, act, name, members, rng):
        lags = _draw(act.get("lag_s", 0), len(who), rng) if len(who) else np.zeros(0)
        template = shared = None
        if text_spec != "own":
            template = text_spec["templates"][int(rng.integers(0, len(text_spec["templates"])))]
            if text_spec.get("per", "episode") == "episode":
                shared = textgen.fill(template, lang, rng)
        ep_urls = [_url(urls_spec["domains"], rng)] if isinstance(urls_spec, Mapping) and \
            urls_spec.get("per", "episode") == "episode" else None
        for m, lag in zip(who, lags, strict=True):
            t = t0 + max(float(lag), 0.0 if target < 0 else 1.0)
            if not (w.start <= t < w.end):
                continue
            mine = slots[int(m)]
            if template is None:
                body = textgen.own_text(lang, rng)
            else:
                body = shared if shared is not None else textgen.fill(template, lang, rng, mine)
                body = textgen.edit_chars(body, float(text_spec.get("edits", 0.0)), rng)
            tags = [textgen.fill(h, lang, rng, mine) for h in act.get("hashtags", [])]
            if urls_spec == "target" and target >= 0:
                urls = list(w.ev.cols["urls"][target])
            elif ep_urls is not None:
                urls = ep_urls
            elif isinstance(urls_spec, Mapping):
                urls = [_url(urls_spec["domains"], rng)]
            else:
                urls = []
            if do == "post":
                row = w.ev.add(int(m), t, "post", _compose(body, tags, urls, rng), lang, hashtags=tags, urls=urls)
                w.group_posts.setdefault(name, []).append(row)
                if audience.get("reposts"):
                    w.audience.append((row, float(audience["reposts"])))
            else:
                _react(w, int(m), t, do, target, None if do == "repost" else body, rng, lang=lang,
                       hashtags=tags, urls=urls)


def _member_slots(g: Mapping[str, Any], n: int) -> list[dict[str, str]]:
    slots = g.get("member_slots") or {}
    return [{k: str(v[i % len(v)]) for k, v in slots.items()} for i in range(n)]


# ----------------------------------------------------------------------
# build
# ----------------------------------------------------------------------


def _defaults(spec: dict[str, Any]) -> dict[str, Any]:
    bg = {**_DEFAULT_BACKGROUND, **(spec.get("background") or {})}
    bg["profile"] = _merge_profile(_DEFAULT_PROFILE, bg.get("profile"))
    return {**spec, "background": bg}


def build(spec: dict[str, Any], seed: int, quick: bool = False) -> Dataset:
    """Build a validated scenario spec (from :func:`spec.load_spec`) for one seed."""
    spec = _defaults(spec)
    name = spec["name"]
    start = int(pd.Timestamp(spec["start"]).tz_convert("UTC").timestamp()) if pd.Timestamp(spec["start"]).tzinfo \
        else int(pd.Timestamp(spec["start"], tz="UTC").timestamp())
    days = float(sized(spec["days"], quick))
    end = start + int(days * DAY)
    bg = spec["background"]
    n_bg = int(sized(bg["accounts"], quick))

    frames, truth_rows, group_idx = [], [], {}
    bg_acc = _accounts(n_bg, bg["profile"], start, _rng(seed, name, "background", "accounts"),
                       [{} for _ in range(n_bg)])
    frames.append(bg_acc)
    truth_rows.append(pd.DataFrame({"label": "organic", "group": "organic", "strategy": "organic",
                                    "campaign_id": pd.NA}, index=range(n_bg)))
    offset = n_bg
    officials = []
    for g in spec["groups"]:
        n = int(sized(g["size"], quick))
        rng = _rng(seed, name, g["name"], "accounts")
        slots = _member_slots(g, n)
        segments = g.get("segments") or [{"share": 1.0, "profile": {}}]
        shares = np.array([float(s["share"]) for s in segments])
        bounds = np.round(np.cumsum(shares / shares.sum()) * n).astype(int)
        parts, lo = [], 0
        for seg, hi in zip(segments, bounds, strict=True):
            prof = _merge_profile(bg["profile"], g.get("profile"), seg.get("profile"))
            parts.append(_accounts(hi - lo, prof, start, rng, slots[lo:hi]))
            lo = hi
        acc = pd.concat(parts, ignore_index=True)
        frames.append(acc)
        group_idx[g["name"]] = np.arange(offset, offset + n)
        truth_rows.append(pd.DataFrame({"label": g["role"], "group": g["name"], "strategy": g["type"],
                                        "campaign_id": g["name"] if g["role"] == "campaign" else pd.NA},
                                       index=range(n)))
        if g.get("official"):
            officials.append((g["name"], g["official"]))
        offset += n
    acc = pd.concat(frames, ignore_index=True)
    ids = _unique_ids(len(acc), _rng(seed, name, "ids"))
    acc.insert(0, "account_id", [str(x) for x in ids])
    _dedupe_handles(acc)
    w = _World(spec=spec, seed=seed, quick=quick, start=start, end=end, acc=acc, groups=group_idx, ev=_Events())

    rng = _rng(seed, name, "background", "events")
    bg_members = np.arange(n_bg)
    bg_rate = _draw(bg["activity"], n_bg, rng)
    _organic_actions(w, bg_members, bg_rate, (0.0, 1.0), bg["langs"], rng)
    pool, weight = [bg_members], [bg_rate]
    for g in spec["groups"]:
        org = g.get("organic")
        if not org:
            continue
        grng = _rng(seed, name, g["name"], "organic")
        members = group_idx[g["name"]]
        rate = _draw(bg["activity"], len(members), grng) * float(org.get("rate", 1.0))
        langs = {org["lang"]: 1.0} if org.get("lang") else bg["langs"]
        _organic_actions(w, members, rate, tuple(org.get("window", [0.0, 1.0])), langs, grng)
        if not org.get("window"):
            pool.append(members)
            weight.append(rate)
    for g in spec["groups"]:
        for j, act in enumerate(g.get("activities") or []):
            _activity(w, g, act, j, _rng(seed, name, g["name"], f"activity{j}"))
    _run_cascades(w, np.concatenate(pool), np.concatenate(weight) + 1e-9, _rng(seed, name, "cascades"))

    events, accounts = _tables(w, _rng(seed, name, "event_ids"))
    truth = pd.concat(truth_rows, ignore_index=True)
    truth.insert(0, "account_name", acc["account_name"].to_numpy())
    truth.insert(0, "account_id", acc["account_id"].to_numpy())
    truth.insert(3, "role", truth["label"].to_numpy())
    off = _officials(acc, group_idx, officials)
    return Dataset(name=name, seed=seed, quick=quick, events=events, accounts=accounts, truth=truth,
                   officials=off, spec=spec)


def _dedupe_handles(acc: pd.DataFrame) -> None:
    seen: dict[str, int] = {}
    names = acc["account_name"].tolist()
    for i, h in enumerate(names):
        key = h.casefold()
        if key in seen:
            seen[key] += 1
            names[i] = f"{h}_{seen[key]}"
        else:
            seen[key] = 0
    acc["account_name"] = names


def _officials(acc: pd.DataFrame, groups: Mapping[str, np.ndarray],
               officials: list[tuple[str, Mapping[str, Any]]]) -> pd.DataFrame:
    rows = []
    for gname, off in officials:
        for i in groups[gname]:
            rows.append({"account_id": acc.at[i, "account_id"], "handle": acc.at[i, "account_name"],
                         "country": off.get("country", "XX"), "role": off.get("role", "embassy"),
                         "display_name": acc.at[i, "display_name"]})
    return pd.DataFrame(rows, columns=["account_id", "handle", "country", "role", "display_name"])


def _tables(w: _World, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    c = w.ev.cols
    n = len(w.ev)
    ts = np.array(c["ts"], dtype=float)
    ms = np.floor(ts * 1000).astype(np.int64)
    seq = rng.integers(0, 1 << 22, size=n)
    order = np.lexsort((seq, ms))
    raw = ((ms - _TWEPOCH_MS) << 22) | seq
    raw[order] = raw[order] + np.arange(n)  # strictly increasing in (ms, seq): unique, time-ordered
    eid = np.array([str(x) for x in raw], dtype=object)
    account = np.array(c["account"], dtype=np.int64)
    target = np.array(c["target"], dtype=np.int64)
    has_t = target >= 0
    acc_ids = w.acc["account_id"].to_numpy()
    events = pd.DataFrame({
        "event_id": eid,
        "platform": "twitter",
        "account_id": acc_ids[account],
        "account_name": w.acc["account_name"].to_numpy()[account],
        "ts": ms // 1000,
        "ts_ms": ms,
        "kind": c["kind"],
        "target_event_id": np.where(has_t, eid[np.where(has_t, target, 0)], None),
        "target_account_id": np.where(has_t, acc_ids[account[np.where(has_t, target, 0)]], None),
        "text": c["text"],
        "hashtags": c["hashtags"],
        "mentions": c["mentions"],
        "urls": c["urls"],
        "lang": c["lang"],
    }).iloc[order].reset_index(drop=True)
    events = validate_events(events)
    counts = events["account_id"].value_counts()
    acc = w.acc
    accounts = validate_accounts(pd.DataFrame({
        "account_id": acc["account_id"], "account_name": acc["account_name"],
        "display_name": acc["display_name"], "created_at": acc["created_at"], "followers": acc["followers"],
        "following": acc["following"],
        "posts_count": acc["statuses"].to_numpy() + acc["account_id"].map(counts).fillna(0).to_numpy(np.int64),
        "verified": acc["verified"], "description": acc["description"],
    }))
    for col in _EXTRA:
        accounts[col] = acc[col].to_numpy()
    return events, accounts


def build_file(path: str | os.PathLike[str], seed: int, quick: bool = False, level: str | None = None,
               overrides: Mapping[str, Any] | None = None) -> Dataset:
    """:func:`load_spec` + :func:`build`."""
    return build(load_spec(path, level=level, overrides=overrides), seed, quick=quick)


def write(ds: Dataset, out_dir: str | os.PathLike[str], fmt: str) -> dict[str, Path]:
    """Write one dataset in ``fmt`` to ``out_dir``: events, ``truth.csv``, ``officials.csv``, ``scenario.json``.

    Only accounts that act in the data are exported (an export holds authors, not a
    population), so ``truth.csv`` lists exactly the accounts a reader will see.
    """
    import json

    from detector.synth.writers import EVENT_FILES, write_events

    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, got {fmt!r}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    events_path = write_events(ds.events, ds.accounts, out / EVENT_FILES[fmt], fmt)
    active = set(ds.events["account_id"].astype(str))
    truth = ds.truth[ds.truth["account_id"].isin(active)]
    write_csv(truth, out / "truth.csv")
    officials = ds.officials[ds.officials["account_id"].isin(active)]
    write_csv(officials, out / "officials.csv")
    meta = {"scenario": ds.name, "seed": ds.seed, "quick": ds.quick, "format": fmt, "level": ds.spec.get("level"),
            "knobs": ds.spec.get("knobs", {}), "n_events": int(len(ds.events)),
            "n_accounts": int(len(active)),
            "groups": {str(k): int(v) for k, v in truth["group"].value_counts().sort_index().items()}}
    write_text_atomic(out / "scenario.json", json.dumps(meta, indent=2, sort_keys=True, default=str) + "\n")
    return {"events": events_path, "truth": out / "truth.csv", "officials": out / "officials.csv",
            "meta": out / "scenario.json"}

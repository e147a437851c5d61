"""Injected campaigns: one function per strategy (see :data:`detector.synth.config.STRATEGIES`).

Knobs (from :class:`detector.synth.config.Resolved`): ``jitter_s`` spreads synchronised
actions over that many seconds, ``participation`` is the chance that a member joins one
action, ``text_variation`` drives the edits between copies.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from detector.synth import text as T
from detector.synth import vocab
from detector.synth.organic import OFFICE_PROFILE, Ctx
from detector.synth.population import DAY

__all__ = ["Campaign", "run_campaign"]

_TAG_A = ["Real", "True", "Peace", "Friendly", "Bright", "Shared", "Honest", "Strong"]
_TAG_B = ["Story", "Facts", "Voices", "Future", "Partners", "Truth", "Bridge", "Path"]


@dataclass
class Campaign:
    """One injected campaign: id, strategy, sponsor/rival country and member accounts."""

    campaign_id: str
    strategy: str
    sponsor: str
    rival: str
    members: np.ndarray
    tag: str = ""
    target_share: float = 0.5
    targets: np.ndarray | None = None

    @property
    def lang(self) -> str:
        native = vocab.COUNTRIES[self.sponsor]["lang"]
        return native if native in vocab.NARRATIVES else "en"


def campaign_tags(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` distinct campaign hashtags such as ``TrueFacts`` (numbered beyond 64)."""
    combos = [a + b for a in _TAG_A for b in _TAG_B]
    order = rng.permutation(len(combos))
    return [combos[order[i % len(combos)]] + (str(i // len(combos)) if i >= len(combos) else "") for i in range(n)]


def _join(rng: np.random.Generator, n_targets: int, members: np.ndarray, p: float) -> tuple[np.ndarray, np.ndarray]:
    """(target index, member) pairs: each member joins each action with probability ``p``."""
    mask = rng.random((n_targets, len(members))) < p
    ti, mi = np.nonzero(mask)
    return ti, members[mi]


def _sponsor_posts(ctx: Ctx, camp: Campaign) -> tuple[np.ndarray, np.ndarray]:
    """The sponsor's official posts this campaign amplifies (a fixed random share of them)."""
    if camp.targets is None:
        posts = ctx.official_posts.get(camp.sponsor, np.zeros(0, dtype=np.int64))
        camp.targets = posts[ctx.rng.random(len(posts)) < camp.target_share]
    _, ts_all, _, _ = ctx.buf.arrays()
    return camp.targets, ts_all[camp.targets]


def _narratives(ctx: Ctx, camp: Campaign, n: int, p_native: float = 0.5) -> tuple[list[str], list[str]]:
    rng = ctx.rng
    native = rng.random(n) < p_native
    langs = np.where(native, camp.lang, "en")
    texts = [""] * n
    for lang in sorted(set(langs.tolist())):
        rows = np.flatnonzero(langs == lang)
        topics = vocab.DIPLOMATIC_TOPICS.get(lang, vocab.DIPLOMATIC_TOPICS["en"])
        for r, t in zip(rows.tolist(), T.fill_templates(rng, vocab.NARRATIVES[lang], topics, len(rows)), strict=True):
            texts[r] = t
    return texts, langs.tolist()


def _copies(ctx: Ctx, bases: list[str], langs: list[str], which: np.ndarray, variation: float) -> list[str]:
    return [T.mutate(ctx.rng, bases[k], langs[k], variation) for k in which.tolist()]


def _tags(ctx: Ctx, camp: Campaign, n: int, extra: str | None = None) -> list[tuple]:
    rng = ctx.rng
    sponsor_tags = vocab.COUNTRIES[camp.sponsor]["hashtags"]
    u = rng.random((n, 2))
    pick = rng.integers(0, len(sponsor_tags), size=n)
    out = []
    for i in range(n):
        tags = [extra] if extra else []
        if u[i, 0] < 0.7:
            tags.append(camp.tag)
        if u[i, 1] < 0.5:
            tags.append(sponsor_tags[pick[i]])
        out.append(tuple(tags))
    return out


def _articles(ctx: Ctx, camp: Campaign, n: int) -> list[str]:
    dom = vocab.COUNTRIES[camp.sponsor]["media_domain"]
    ids = ctx.rng.integers(100_000, 999_999, size=n)
    return [f"{dom}/opinion/{i}" for i in ids.tolist()]


def _action_times(ctx: Ctx, n: int, camp: Campaign, profile: np.ndarray = OFFICE_PROFILE) -> np.ndarray:
    """Trigger times of campaign actions: office hours in the sponsor's time zone."""
    rng = ctx.rng
    tz = vocab.COUNTRIES[camp.sponsor]["tz"]
    day = rng.integers(0, ctx.days, size=n)
    hour = rng.choice(24, size=n, p=profile)
    local = day * DAY + hour * 3600.0 + rng.random(n) * 3600.0
    utc = np.mod(local - tz * 3600.0, ctx.days * DAY)
    return ctx.start_ms + (utc * 1000).astype(np.int64)


def _ms(seconds: np.ndarray) -> np.ndarray:
    return (np.asarray(seconds) * 1000.0).astype(np.int64)


# ----------------------------------------------------------------------
# strategies
# ----------------------------------------------------------------------


def retweet_burst(ctx: Ctx, camp: Campaign) -> None:
    """Each sponsor post is reposted by the members within ``jitter_s`` after a common trigger."""
    rng, k = ctx.rng, ctx.knobs
    posts, ts = _sponsor_posts(ctx, camp)
    d0 = rng.uniform(15.0, 300.0, size=len(posts))
    ti, who = _join(rng, len(posts), camp.members, k.participation)
    t = ts[ti] + _ms(d0[ti] + rng.uniform(0.0, k.jitter_s, size=len(ti)))
    ctx.buf.add(who, t, "repost", target=posts[ti])


def copypaste(ctx: Ctx, camp: Campaign) -> None:
    """The same message with small edits, posted by the members within a few minutes."""
    rng, k = ctx.rng, ctx.knobs
    m = max(3, round(1.5 * ctx.days))
    bases, langs = _narratives(ctx, camp, m)
    t0 = _action_times(ctx, m, camp)
    urls = _articles(ctx, camp, m)
    with_url = rng.random(m) < 0.5
    ti, who = _join(rng, m, camp.members, k.participation)
    spread = max(60.0, 4.0 * k.jitter_s)
    t = (t0[ti] + _ms(rng.uniform(0.0, spread, size=len(ti)))).clip(ctx.start_ms, ctx.end_ms - 1)
    texts = _copies(ctx, bases, langs, ti, k.text_variation)
    tags = _tags(ctx, camp, len(ti))
    ctx.buf.add(who, t, "post", text=texts, hashtags=tags,
                urls=[(urls[i],) if with_url[i] else () for i in ti.tolist()],
                lang=[langs[i] for i in ti.tolist()])


def hashtag_flood(ctx: Ctx, camp: Campaign) -> None:
    """Bursts of narrative posts hijacking a trending hashtag (activist, summit or crisis)."""
    rng, k = ctx.rng, ctx.knobs
    options = vocab.SUMMIT_HASHTAGS + vocab.CRISIS_HASHTAGS
    hijacked = ctx.activist_tag if ctx.activist_tag and rng.random() < 0.5 else options[rng.integers(0, len(options))]
    bases, langs = _narratives(ctx, camp, 3, p_native=0.3)
    n_bursts = max(2, ctx.days // 2)
    t0 = _action_times(ctx, n_bursts, camp)
    ti, who = _join(rng, n_bursts, camp.members, k.participation)
    reps = 1 + rng.poisson(1.0, size=len(ti))
    ti, who = np.repeat(ti, reps), np.repeat(who, reps)
    t = (t0[ti] + _ms(rng.uniform(0.0, 10.0 * k.jitter_s + 120.0, size=len(ti)))).clip(ctx.start_ms, ctx.end_ms - 1)
    which = rng.integers(0, 3, size=len(ti))
    texts = _copies(ctx, bases, langs, which, min(1.0, k.text_variation + 0.1))
    ctx.buf.add(who, t, "post", text=texts, hashtags=_tags(ctx, camp, len(ti), extra=hijacked),
                lang=[langs[i] for i in which.tolist()])


def slow_drip(ctx: Ctx, camp: Campaign) -> None:
    """1-3 actions a day per member over the whole period: reposts hours late and the same links."""
    rng, k = ctx.rng, ctx.knobs
    posts, ts = _sponsor_posts(ctx, camp)
    arts = _articles(ctx, camp, 6)
    bases, langs = _narratives(ctx, camp, 6)
    counts = rng.poisson(1.5 * ctx.days, size=len(camp.members))
    who = np.repeat(camp.members, counts)
    is_rt = (rng.random(len(who)) < 0.5) & (len(posts) > 0)
    rt_who = who[is_rt]
    if len(posts):
        pick = rng.integers(0, len(posts), size=len(rt_who))
        t = ts[pick] + _ms(rng.uniform(600.0, 8 * 3600.0, size=len(rt_who)))
        # one repost per (member, post)
        key, first = np.unique(rt_who * (ctx.buf.n + 1) + posts[pick], return_index=True)
        ctx.buf.add(rt_who[first], t[first], "repost", target=posts[pick][first])
    sh_who = who[~is_rt]
    a = rng.integers(0, len(arts), size=len(sh_who))
    tz = np.full(len(sh_who), vocab.COUNTRIES[camp.sponsor]["tz"])
    day = rng.integers(0, ctx.days, size=len(sh_who))
    hour = rng.choice(24, size=len(sh_who), p=OFFICE_PROFILE)
    utc = np.mod(day * DAY + hour * 3600.0 + rng.random(len(sh_who)) * 3600 - tz * 3600, ctx.days * DAY)
    texts = _copies(ctx, bases, langs, a, min(1.0, k.text_variation + 0.3))
    ctx.buf.add(sh_who, ctx.start_ms + _ms(utc), "post", text=texts, urls=[(arts[i],) for i in a.tolist()],
                hashtags=_tags(ctx, camp, len(sh_who)), lang=[langs[i] for i in a.tolist()])


def cyborg(ctx: Ctx, camp: Campaign) -> None:
    """Human accounts with an automated part: reposts at a fixed personal lag, scheduled posts."""
    rng, k = ctx.rng, ctx.knobs
    posts, ts = _sponsor_posts(ctx, camp)
    lag = rng.uniform(5.0, 5.0 + k.jitter_s, size=len(camp.members))
    lag_of = dict(zip(camp.members.tolist(), lag.tolist(), strict=True))
    ti, who = _join(rng, len(posts), camp.members, k.participation)
    lags = np.array([lag_of[w] for w in who.tolist()])
    ctx.buf.add(who, ts[ti] + _ms(lags + rng.uniform(0.0, 2.0, size=len(ti))), "repost", target=posts[ti])
    # scheduled narrative posts: two fixed minutes per day per member
    bases, langs = _narratives(ctx, camp, 4)
    slots = rng.integers(0, 24 * 60, size=(len(camp.members), 2))
    days = np.arange(ctx.days)
    who = np.repeat(camp.members, 2 * ctx.days)
    slot = np.tile(slots, (1, ctx.days)).reshape(-1)
    day = np.tile(np.repeat(days, 2), len(camp.members))
    t = ctx.start_ms + _ms(day * DAY + slot * 60.0 + rng.uniform(0.0, 1.0, size=len(who)))
    keep = rng.random(len(who)) < k.participation
    which = rng.integers(0, len(bases), size=int(keep.sum()))
    texts = _copies(ctx, bases, langs, which, k.text_variation)
    ctx.buf.add(who[keep], t[keep], "post", text=texts, hashtags=_tags(ctx, camp, len(which)),
                lang=[langs[i] for i in which.tolist()])


def reply_swarm(ctx: Ctx, camp: Campaign) -> None:
    """Near-duplicate hostile replies to a rival official's posts within minutes."""
    rng, k = ctx.rng, ctx.knobs
    rival = ctx.official_posts.get(camp.rival, np.zeros(0, dtype=np.int64))
    if len(rival) == 0:
        return
    _, ts_all, _, _ = ctx.buf.arrays()
    n_t = min(len(rival), max(3, ctx.days))
    targets = np.sort(rng.choice(rival, size=n_t, replace=False))
    bases = T.fill_templates(rng, vocab.HOSTILE_REPLIES["en"], vocab.DIPLOMATIC_TOPICS["en"], 4)
    ti, who = _join(rng, n_t, camp.members, k.participation)
    d0 = rng.uniform(30.0, 180.0, size=n_t)
    t = ts_all[targets[ti]] + _ms(d0[ti] + rng.uniform(0.0, 4.0 * k.jitter_s + 60.0, size=len(ti)))
    which = rng.integers(0, len(bases), size=len(ti))
    texts = _copies(ctx, bases, ["en"] * len(bases), which, k.text_variation)
    ctx.buf.add(who, t, "reply", target=targets[ti], text=texts, lang="en")


def fresh_accounts(ctx: Ctx, camp: Campaign) -> None:
    """Days-old accounts: fast reposts of the sponsor and bursts of hashtagged narratives."""
    rng, k = ctx.rng, ctx.knobs
    posts, ts = _sponsor_posts(ctx, camp)
    d0 = rng.uniform(30.0, 600.0, size=len(posts))
    ti, who = _join(rng, len(posts), camp.members, k.participation * 0.8)
    ctx.buf.add(who, ts[ti] + _ms(d0[ti] + rng.uniform(0.0, 2.0 * k.jitter_s, size=len(ti))), "repost",
                target=posts[ti])
    m = max(2, ctx.days)
    bases, langs = _narratives(ctx, camp, m)
    t0 = _action_times(ctx, m, camp)
    ti, who = _join(rng, m, camp.members, k.participation)
    t = (t0[ti] + _ms(rng.uniform(0.0, 6.0 * k.jitter_s + 60.0, size=len(ti)))).clip(ctx.start_ms, ctx.end_ms - 1)
    texts = _copies(ctx, bases, langs, ti, min(1.0, k.text_variation + 0.2))
    ctx.buf.add(who, t, "post", text=texts, hashtags=_tags(ctx, camp, len(ti)), lang=[langs[i] for i in ti.tolist()])


def rotation(ctx: Ctx, camp: Campaign) -> None:
    """A large pool in three shifts; each action uses a few random members of the day's shift."""
    rng, k = ctx.rng, ctx.knobs
    pool = camp.members
    shifts = [pool[i::3] for i in range(3)]
    posts, ts = _sponsor_posts(ctx, camp)
    n_art = 2 * ctx.days
    arts = _articles(ctx, camp, n_art)
    t_art = _action_times(ctx, n_art, camp)
    bases, langs = _narratives(ctx, camp, 5)
    kind = np.concatenate([np.zeros(len(posts), dtype=int), np.ones(n_art, dtype=int)])
    t0 = np.concatenate([ts + _ms(rng.uniform(20.0, 200.0, size=len(posts))), t_art])
    day = ((t0 - ctx.start_ms) // (DAY * 1000)).astype(int)
    size = max(3, len(shifts[0]) // 4)
    rt_who, rt_t, rt_tgt, sh_who, sh_t, sh_art = [], [], [], [], [], []
    for j in range(len(t0)):
        shift = shifts[day[j] % 3]
        chosen = rng.choice(shift, size=min(size, len(shift)), replace=False)
        t = t0[j] + _ms(rng.uniform(0.0, k.jitter_s, size=len(chosen)))
        if kind[j] == 0:
            rt_who.append(chosen)
            rt_t.append(t)
            rt_tgt.append(np.full(len(chosen), posts[j]))
        else:
            sh_who.append(chosen)
            sh_t.append(t.clip(ctx.start_ms, ctx.end_ms - 1))
            sh_art.append(np.full(len(chosen), j - len(posts)))
    if rt_who:
        ctx.buf.add(np.concatenate(rt_who), np.concatenate(rt_t), "repost", target=np.concatenate(rt_tgt))
    if sh_who:
        a = np.concatenate(sh_art)
        which = rng.integers(0, len(bases), size=len(a))
        texts = _copies(ctx, bases, langs, which, min(1.0, k.text_variation + 0.2))
        ctx.buf.add(np.concatenate(sh_who), np.concatenate(sh_t), "post", text=texts,
                    urls=[(arts[i],) for i in a.tolist()], hashtags=_tags(ctx, camp, len(a)),
                    lang=[langs[i] for i in which.tolist()])


STRATEGY_FUNCS = {
    "retweet_burst": retweet_burst,
    "copypaste": copypaste,
    "hashtag_flood": hashtag_flood,
    "slow_drip": slow_drip,
    "cyborg": cyborg,
    "reply_swarm": reply_swarm,
    "fresh_accounts": fresh_accounts,
    "rotation": rotation,
}


def run_campaign(ctx: Ctx, camp: Campaign) -> None:
    """Add the campaign's events to the buffer."""
    STRATEGY_FUNCS[camp.strategy](ctx, camp)

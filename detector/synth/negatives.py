"""Hard negatives: organic groups that look coordinated but are not.

Each behaviour is a real pattern that naive detectors flag: fans reposting an idol
within seconds, staff sharing their newsroom's links, activists on one hashtag,
thousands reacting to a live event at once, and a legitimate scheduled account.
What separates them from campaigns is the *conjunction* of evidence: these
accounts are old, their own texts are diverse, their timing is humanly irregular
and they do not act together across many unrelated objects.
"""

from __future__ import annotations

import numpy as np

from detector.synth import text as T
from detector.synth import vocab
from detector.synth.organic import OFFICE_PROFILE, Ctx, circadian_ms
from detector.synth.population import DAY

__all__ = ["activists", "fandom", "live_event", "newsroom", "scheduled"]

IDOL_TAGS = ["StarlightComeback", "SEORA", "SeoraDay"]
ACTIVIST_TAG = "ClimateJusticeNow"
LIVE_TAGS = ["FinalNight", "WorldFinal2023"]


def fandom(ctx: Ctx, idol: int, fans: np.ndarray) -> None:
    """The idol posts ~2 times a day; fans repost within seconds to minutes.

    Each fan has a personal median delay (lognormal around 30 s) and a personal
    participation probability, so timing is fast but humanly irregular; fans also
    write their own posts on the idol's hashtag and reply to the idol.
    """
    rng = ctx.rng
    n_posts = max(2, int(rng.poisson(2.0 * ctx.days)))
    ts = np.sort(circadian_ms(ctx, np.full(n_posts, idol)))
    langs = np.where(rng.random(n_posts) < 0.6, "ko", "en")
    texts = [f"{T.pick(rng, vocab.FAN_PHRASES[lang], 1)[0]} {s}"
             for lang, s in zip(langs.tolist(), T.salad(rng, langs, 2, 6), strict=True)]
    tags = [tuple(T.pick(rng, IDOL_TAGS, 1)) for _ in range(n_posts)]
    posts = ctx.buf.add(np.full(n_posts, idol), ts, "post", text=texts, hashtags=tags, lang=list(langs))
    ctx.pool.append(posts)
    ctx.pool_boost.append(np.full(n_posts, 2.0))

    k = len(fans)
    median = rng.lognormal(np.log(30.0), 0.7, size=k)
    p_join = rng.beta(2.0, 1.5, size=k)
    join = rng.random((n_posts, k)) < p_join[None, :]
    pi, fi = np.nonzero(join)
    delay = 1.5 + median[fi] * rng.lognormal(0.0, 0.9, size=len(fi))
    ctx.buf.add(fans[fi], ts[pi] + (delay * 1000).astype(np.int64), "repost", target=posts[pi])

    # replies to the idol (fan phrases in own words)
    rep = rng.random((n_posts, k)) < 0.08
    pi, fi = np.nonzero(rep)
    fl = ctx.pop.array("lang", object)[fans[fi]]
    fl = np.where(np.isin(fl, list(vocab.FAN_PHRASES)), fl, "en")
    body = [f"{T.pick(rng, vocab.FAN_PHRASES[lang], 1)[0]} {s}"
            for lang, s in zip(fl.tolist(), T.salad(rng, fl, 1, 6), strict=True)]
    delay = 20.0 + rng.lognormal(np.log(240.0), 1.2, size=len(fi))
    ctx.buf.add(fans[fi], ts[pi] + (delay * 1000).astype(np.int64), "reply", target=posts[pi],
                text=body, lang=list(fl))

    # own posts on the idol hashtag
    counts = rng.poisson(1.0 * ctx.days / 3, size=k) + 1
    who = np.repeat(fans, counts)
    fl = ctx.pop.array("lang", object)[who]
    fl = np.where(np.isin(fl, list(vocab.FAN_PHRASES)), fl, "en")
    texts = [f"{s} {T.pick(rng, vocab.FAN_PHRASES[lang], 1)[0]}"
             for lang, s in zip(fl.tolist(), T.salad(rng, fl, 3, 12), strict=True)]
    tags = [tuple(T.pick(rng, IDOL_TAGS, 1)) for _ in range(len(who))]
    idx = ctx.buf.add(who, circadian_ms(ctx, who), "post", text=texts, hashtags=tags, lang=list(fl))
    ctx.pool.append(idx)
    ctx.pool_boost.append(np.ones(len(idx)))


def newsroom(ctx: Ctx, outlets: np.ndarray, staff: list[np.ndarray]) -> None:
    """Outlets post articles in office hours; their staff share the same links with own comments."""
    rng = ctx.rng
    sections = ["world", "politics", "business", "culture", "science"]
    for o, members in zip(outlets.tolist(), staff, strict=True):
        domain = f"{ctx.pop.columns['handle'][o].lower()}.example"
        n_art = max(3, int(rng.poisson(8.0 * ctx.days)))
        ts = circadian_ms(ctx, np.full(n_art, o), OFFICE_PROFILE)
        lang = ctx.pop.columns["lang"][o]
        heads = T.salad(rng, np.full(n_art, lang, dtype=object), 6, 14)
        sec = rng.integers(0, len(sections), size=n_art)
        art = rng.integers(1_000_000, 9_999_999, size=n_art)
        urls = [(f"{domain}/{sections[s]}/{a}",) for s, a in zip(sec.tolist(), art.tolist(), strict=True)]
        posts = ctx.buf.add(np.full(n_art, o), ts, "post", text=heads, urls=urls, lang=lang)
        ctx.pool.append(posts)
        ctx.pool_boost.append(np.full(n_art, 2.0))
        k = len(members)
        p_share = rng.beta(2.0, 3.0, size=k)
        share = rng.random((n_art, k)) < p_share[None, :]
        ai, mi = np.nonzero(share)
        delay = 30.0 + rng.lognormal(np.log(900.0), 1.1, size=len(ai))
        t_share = ts[ai] + (delay * 1000).astype(np.int64)
        inside = t_share < ctx.end_ms
        ai, mi, t_share = ai[inside], mi[inside], t_share[inside]
        ml = ctx.pop.array("lang", object)[members[mi]]
        comments = T.salad(rng, ml, 3, 14)
        ctx.buf.add(members[mi], t_share, "post", text=comments,
                    urls=[urls[a] for a in ai.tolist()], lang=list(ml))
        rt = rng.random((n_art, k)) < 0.25
        ai, mi = np.nonzero(rt)
        delay = 5.0 + rng.lognormal(np.log(300.0), 1.2, size=len(ai))
        ctx.buf.add(members[mi], ts[ai] + (delay * 1000).astype(np.int64), "repost", target=posts[ai])


def activists(ctx: Ctx, members: np.ndarray) -> None:
    """A day of action: many posts on one hashtag in surges, each in the activist's own words."""
    rng = ctx.rng
    day = ctx.days // 2
    surges = ctx.start_ms + day * DAY * 1000 + np.array([9, 13, 18]) * 3_600_000
    counts = 1 + rng.poisson(2.0, size=len(members))
    who = np.repeat(members, counts)
    n = len(who)
    centre = surges[rng.integers(0, 3, size=n)]
    ts = centre + (np.abs(rng.normal(0.0, 2400.0, size=n)) * 1000).astype(np.int64)
    ts = ts.clip(ctx.start_ms, ctx.end_ms - 1)
    langs = ctx.pop.array("lang", object)[who]
    texts = T.salad(rng, langs, 5, 18)
    slogan = rng.random(n) < 0.2
    pick = rng.integers(0, len(vocab.ACTIVIST_SLOGANS), size=n)
    texts = [f"{vocab.ACTIVIST_SLOGANS[p]} {t}".strip() if s else t
             for t, s, p in zip(texts, slogan.tolist(), pick.tolist(), strict=True)]
    posts = ctx.buf.add(who, ts, "post", text=texts, hashtags=(ACTIVIST_TAG,), lang=list(langs))
    ctx.pool.append(posts)
    ctx.pool_boost.append(np.ones(n))
    ctx.activist_tag = ACTIVIST_TAG
    # they repost each other
    k = 3 * len(members)
    actors = members[rng.integers(0, len(members), size=k)]
    tgt = posts[rng.integers(0, len(posts), size=k)]
    author, ts_all, _, _ = ctx.buf.arrays()
    ok = author[tgt] != actors
    actors, tgt = actors[ok], tgt[ok]
    key = np.unique(actors * (ctx.buf.n + 1) + tgt)
    actors, tgt = key // (ctx.buf.n + 1), key % (ctx.buf.n + 1)
    delay = 60.0 + rng.lognormal(np.log(900.0), 1.0, size=len(actors))
    ctx.buf.add(actors, ts_all[tgt] + (delay * 1000).astype(np.int64), "repost", target=tgt)


def live_event(ctx: Ctx, members: np.ndarray) -> None:
    """A televised final: thousands post short, similar shouts within a minute of each moment."""
    rng = ctx.rng
    day = max(0, ctx.days - 2)
    moments = ctx.start_ms + day * DAY * 1000 + np.array([19 * 3600, 19 * 3600 + 2460, 20 * 3600 + 3100]) * 1000
    join = rng.random((3, len(members))) < 0.5
    join[0] |= ~join.any(axis=0)
    mi, fi = np.nonzero(join)
    n = len(mi)
    delay = 2.0 + rng.exponential(35.0, size=n)
    ts = (moments[mi] + (delay * 1000).astype(np.int64)).clip(ctx.start_ms, ctx.end_ms - 1)
    shouts = T.pick(rng, vocab.LIVE_SHOUTS, n)
    langs = ctx.pop.array("lang", object)[members[fi]]
    extra = T.salad(rng, langs, 1, 5)
    add = rng.random(n) < 0.5
    texts = [f"{s} {e}" if a else s for s, e, a in zip(shouts, extra, add.tolist(), strict=True)]
    tags = [tuple(LIVE_TAGS[: 1 + (x > 0.7)]) for x in rng.random(n).tolist()]
    idx = ctx.buf.add(members[fi], ts, "post", text=texts, hashtags=tags, lang=list(langs))
    ctx.pool.append(idx)
    ctx.pool_boost.append(np.ones(n))


def scheduled(ctx: Ctx, accounts: np.ndarray) -> None:
    """Legitimate scheduled posting: fixed local times every day, to the second."""
    rng = ctx.rng
    tz = ctx.pop.array("tz", float)
    for k, a in enumerate(accounts.tolist()):
        hours = np.array([7.0, 12.0, 19.0]) if k % 2 == 0 else np.array([8.0, 20.0])
        day = np.repeat(np.arange(ctx.days), len(hours))
        hh = np.tile(hours, ctx.days)
        utc = np.mod(day * DAY + hh * 3600 - tz[a] * 3600, ctx.days * DAY)
        ts = ctx.start_ms + (utc * 1000).astype(np.int64) + rng.integers(0, 900, size=len(day))
        template = vocab.SCHEDULED_TEMPLATES[k % len(vocab.SCHEDULED_TEMPLATES)]
        nums = rng.integers(1, 40, size=len(day)) if k % 4 == 0 else np.arange(len(day)) + 100 * (k + 1)
        texts = [template.format(n=int(x)) for x in nums.tolist()]
        idx = ctx.buf.add(np.full(len(day), a), ts, "post", text=texts, lang="en")
        ctx.pool.append(idx)
        ctx.pool_boost.append(np.ones(len(idx)))

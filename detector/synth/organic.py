"""Organic behaviour: circadian posting, officials, celebrities, outlets and virality cascades."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from detector.synth import text as T
from detector.synth import vocab
from detector.synth.config import Resolved, SynthConfig
from detector.synth.events import EventBuffer
from detector.synth.population import DAY, HOUR_PROFILE, Population

__all__ = ["OFFICE_PROFILE", "Ctx", "background", "circadian_ms", "react"]

OFFICE_PROFILE = np.array([0, 0, 0, 0, 0, 0, 0.2, 0.6, 1.5, 2.5, 2.6, 2.4,
                           1.5, 2.0, 2.4, 2.3, 2.0, 1.5, 0.8, 0.4, 0.2, 0.1, 0, 0], dtype=float)
OFFICE_PROFILE = OFFICE_PROFILE / OFFICE_PROFILE.sum()
"""Local-hour profile of institutional accounts (office hours)."""

# organic reaction delays after the target, seconds: lognormal (median, sigma)
DELAYS = {1: (2400.0, 1.7), 2: (3600.0, 1.7), 3: (1500.0, 1.5)}


@dataclass
class Ctx:
    """Everything behaviours share: the generator, the population, the buffer, the knobs."""

    cfg: SynthConfig
    knobs: Resolved
    rng: np.random.Generator
    pop: Population
    buf: EventBuffer
    start_ms: int
    end_ms: int
    day_cum: np.ndarray | None = None
    news_urls: list[str] = field(default_factory=list)
    news_p: np.ndarray | None = None
    person_idx: np.ndarray | None = None
    official_posts: dict[str, np.ndarray] = field(default_factory=dict)
    pool: list[np.ndarray] = field(default_factory=list)  # indices of posts others may react to
    pool_boost: list[np.ndarray] = field(default_factory=list)
    reactions: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    activist_tag: str | None = None
    campaign_tags: list[str] = field(default_factory=list)

    @property
    def days(self) -> int:
        return self.cfg.days

    def prepare_days(self) -> None:
        """Per-account day weights (bursty: some days much more active than others)."""
        w = self.rng.gamma(0.8, size=(self.pop.n, self.days)) + 1e-9
        self.day_cum = np.cumsum(w / w.sum(axis=1, keepdims=True), axis=1)


def circadian_ms(ctx: Ctx, acct: np.ndarray, profile: np.ndarray = HOUR_PROFILE,
                 day: np.ndarray | None = None) -> np.ndarray:
    """Times (UTC ms) of actions of accounts ``acct`` following their local-hour profile.

    The day is drawn from the account's own day weights unless given; the local hour
    from ``profile`` shifted by the account's chronotype; then converted to UTC with
    the account's time-zone offset and wrapped into the period.
    """
    rng = ctx.rng
    n = len(acct)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    tz = ctx.pop.array("tz", float)[acct]
    chrono = ctx.pop.array("chrono", float)[acct]
    if day is None:
        u = rng.random(n)
        day = (ctx.day_cum[acct] < u[:, None]).sum(axis=1).clip(0, ctx.days - 1)
    hour = rng.choice(24, size=n, p=profile)
    sec = rng.random(n) * 3600.0
    local = day * DAY + (hour + chrono) * 3600.0 + sec
    utc = np.mod(local - tz * 3600.0, ctx.days * DAY)
    return ctx.start_ms + np.floor(utc * 1000.0).astype(np.int64)


def local_hour(ctx: Ctx, acct: np.ndarray, ts_ms: np.ndarray) -> np.ndarray:
    """Local hour of day (0..23) of UTC times for the given accounts."""
    tz = ctx.pop.array("tz", float)[acct]
    return (np.floor((ts_ms / 1000.0 + tz * 3600.0) / 3600.0).astype(np.int64)) % 24


def _lang_mix(ctx: Ctx, acct: np.ndarray, p_en: float = 0.1) -> np.ndarray:
    langs = ctx.pop.array("lang", object)[acct]
    switch = ctx.rng.random(len(acct)) < p_en
    return np.where(switch, "en", langs)


def make_news_urls(ctx: Ctx, n: int) -> None:
    """A pool of article URLs with Zipf popularity (some links are shared by many)."""
    rng = ctx.rng
    sections = ["world", "politics", "tech", "sport", "culture", "business", "asia"]
    dom = rng.integers(0, len(vocab.NEWS_DOMAINS), size=n)
    sec = rng.integers(0, len(sections), size=n)
    words = vocab.WORDS["en"]
    w = rng.integers(0, len(words), size=(n, 3))
    art = rng.integers(10_000, 99_999, size=n)
    ctx.news_urls = [
        f"{vocab.NEWS_DOMAINS[dom[i]]}/{sections[sec[i]]}/{words[w[i, 0]]}-{words[w[i, 1]]}-{words[w[i, 2]]}-{art[i]}"
        for i in range(n)
    ]
    ctx.news_p = T.zipf_probs(n, 1.0)


def background(ctx: Ctx, acct: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Organic activity of accounts ``acct`` with ``counts`` actions each.

    Original posts are added now (and join the pool others react to); reposts,
    replies and quotes are queued and resolved by :func:`react` once every post
    exists. Returns the indices of the posts added.
    """
    rng = ctx.rng
    acct = np.asarray(acct, dtype=np.int64)
    counts = np.asarray(counts, dtype=np.int64)
    p_rt = rng.beta(2.0, 2.5, size=len(acct)) * 0.85
    p_reply = rng.beta(1.2, 8.0, size=len(acct))
    p_quote = rng.beta(1.0, 3.0, size=len(acct)) * 0.06
    who = np.repeat(acct, counts)
    u = rng.random(len(who))
    c_rt = np.repeat(p_rt, counts)
    c_rp = c_rt + np.repeat(p_reply, counts)
    c_q = c_rp + np.repeat(p_quote, counts)
    kinds = np.where(u < c_rt, 1, np.where(u < c_rp, 3, np.where(u < c_q, 2, 0)))
    ctx.reactions.append((who[kinds > 0], kinds[kinds > 0]))
    posters = who[kinds == 0]
    return organic_posts(ctx, posters)


def organic_posts(ctx: Ctx, posters: np.ndarray, boost: float = 1.0) -> np.ndarray:
    """Own posts of ordinary people: diverse texts, some hashtags, links and mentions."""
    rng = ctx.rng
    n = len(posters)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    ts = circadian_ms(ctx, posters)
    langs = _lang_mix(ctx, posters)
    texts = T.salad(rng, langs, 3, 20)
    u = rng.random((n, 4))
    tag_pick = rng.integers(0, 1_000, size=n)
    dip_pick = rng.integers(0, 1_000, size=n)
    all_dip = (vocab.SUMMIT_HASHTAGS + vocab.CRISIS_HASHTAGS
               + [t for c in vocab.COUNTRIES.values() for t in c["hashtags"]])
    hashtags: list[tuple] = []
    for i in range(n):
        tags: list[str] = []
        if u[i, 0] < 0.22:
            lst = vocab.ORGANIC_HASHTAGS.get(langs[i], vocab.ORGANIC_HASHTAGS["en"])
            tags.append(lst[tag_pick[i] % len(lst)])
        if u[i, 1] < 0.04:
            tags.append(all_dip[dip_pick[i] % len(all_dip)])
        elif u[i, 1] < 0.045 and ctx.campaign_tags:  # campaign hashtags catch on a little
            tags.append(ctx.campaign_tags[dip_pick[i] % len(ctx.campaign_tags)])
        hashtags.append(tuple(tags))
    url_i = rng.choice(len(ctx.news_urls), size=n, p=ctx.news_p)
    media = [c["media_domain"] for c in vocab.COUNTRIES.values()]
    media_i = rng.integers(0, len(media), size=n)
    art = rng.integers(100_000, 999_999, size=n)
    sections = ("news", "opinion")
    urls = [(ctx.news_urls[url_i[i]],) if u[i, 2] < 0.1
            else (f"{media[media_i[i]]}/{sections[art[i] % 2]}/{art[i]}",) if u[i, 2] < 0.11  # people share state media too
            else () for i in range(n)]
    handles = ctx.pop.columns["handle"]
    ment = ctx.person_idx[rng.integers(0, len(ctx.person_idx), size=n)]
    mentions: list[tuple] = []
    for i in range(n):
        if u[i, 3] < 0.04 and ment[i] != posters[i]:
            h = handles[ment[i]]
            texts[i] = f"{texts[i]} @{h}"
            mentions.append((h,))
        else:
            mentions.append(())
    idx = ctx.buf.add(posters, ts, "post", text=texts, hashtags=hashtags, mentions=mentions,
                      urls=urls, lang=list(langs))
    ctx.pool.append(idx)
    ctx.pool_boost.append(np.full(n, boost))
    return idx


def react(ctx: Ctx) -> None:
    """Resolve all queued organic reposts, quotes and replies against the pool of posts.

    Targets are drawn with weight ``(followers + 10) ** 0.6`` times a lognormal virality
    factor (officials boosted), preferring the reactor's language (70%). Delays after the
    target are lognormal (see :data:`DELAYS`, medians of tens of minutes, heavy tail),
    thinned by the reactor's circadian profile so people react when awake.
    """
    if not ctx.reactions:
        return
    rng = ctx.rng
    pop = ctx.pop
    actors = np.concatenate([a for a, _ in ctx.reactions])
    kinds = np.concatenate([k for _, k in ctx.reactions])
    ctx.reactions = []
    author, ts_all, _, _ = ctx.buf.arrays()
    pool = np.concatenate(ctx.pool)
    boost = np.concatenate(ctx.pool_boost)
    p_author = author[pool]
    p_ts = ts_all[pool]
    followers = pop.array("followers", float)
    weight = (followers[p_author] + 10.0) ** 0.6 * rng.lognormal(0.0, 1.5, size=len(pool)) * boost
    langs = pop.array("lang", object)
    lang_codes = {lang: k for k, lang in enumerate(sorted(set(langs.tolist())))}
    a_code = np.array([lang_codes[x] for x in langs.tolist()])
    p_lang = a_code[p_author]
    r_lang = a_code[actors]

    n = len(actors)
    choice = np.empty(n, dtype=np.int64)
    cum_all = np.cumsum(weight)
    u = rng.random(n) * cum_all[-1]
    choice[:] = np.searchsorted(cum_all, u, side="right").clip(0, len(pool) - 1)
    same = rng.random(n) < 0.7
    for code in np.unique(r_lang).tolist():
        sel = np.flatnonzero(same & (r_lang == code))
        cand = np.flatnonzero(p_lang == code)
        if len(sel) == 0 or len(cand) == 0:
            continue
        cum = np.cumsum(weight[cand])
        uu = rng.random(len(sel)) * cum[-1]
        choice[sel] = cand[np.searchsorted(cum, uu, side="right").clip(0, len(cand) - 1)]
    tgt = pool[choice]
    t0 = p_ts[choice]

    med = np.array([0.0, DELAYS[1][0], DELAYS[2][0], DELAYS[3][0]])
    sig = np.array([0.0, DELAYS[1][1], DELAYS[2][1], DELAYS[3][1]])
    ts = np.zeros(n, dtype=np.int64)
    todo = np.arange(n)
    accept_p = HOUR_PROFILE / HOUR_PROFILE.max()
    for round_ in range(5):
        k = kinds[todo]
        delay = 2.0 + rng.lognormal(np.log(med[k]), sig[k])
        cand_ts = t0[todo] + (delay * 1000.0).astype(np.int64)
        if round_ == 4:
            ts[todo] = cand_ts
            break
        ok = rng.random(len(todo)) < accept_p[local_hour(ctx, actors[todo], cand_ts)]
        ts[todo[ok]] = cand_ts[ok]
        todo = todo[~ok]
        if len(todo) == 0:
            break

    keep = (author[tgt] != actors) & (ts < ctx.end_ms)
    # one repost per (account, post)
    key = actors * (ctx.buf.n + 1) + tgt
    first = np.zeros(n, dtype=bool)
    _, first_idx = np.unique(np.where(kinds == 1, key, -1 - np.arange(n)), return_index=True)
    first[first_idx] = True
    keep &= first
    for code, name in ((1, "repost"), (2, "quote"), (3, "reply")):
        sel = np.flatnonzero(keep & (kinds == code))
        if len(sel) == 0:
            continue
        if name == "repost":
            ctx.buf.add(actors[sel], ts[sel], "repost", target=tgt[sel])
        else:
            langs_sel = _lang_mix(ctx, actors[sel])
            texts = T.salad(rng, langs_sel, 2, 12)
            ctx.buf.add(actors[sel], ts[sel], name, target=tgt[sel], text=texts, lang=list(langs_sel))


# ----------------------------------------------------------------------
# institutional accounts
# ----------------------------------------------------------------------

OFFICIAL_RATE = {"ministry": 4.0, "embassy": 2.0, "leader": 1.0, "state_media": 9.0, "diplomat": 3.0}


def official_posts(ctx: Ctx, officials: np.ndarray) -> None:
    """Diplomatic posts of official accounts, in office hours, with diplomatic hashtags.

    State media also link to their own site; embassies repost their ministry (legitimate
    official coordination, slower than campaigns). Posts are boosted in the reaction
    pool so their organic followers amplify them.
    """
    rng = ctx.rng
    pop = ctx.pop
    roles = pop.array("official_role", object)[officials]
    countries = pop.array("official_country", object)[officials]
    rates = np.array([OFFICIAL_RATE[r] for r in roles.tolist()])
    counts = rng.poisson(rates * ctx.days)
    who = np.repeat(officials, counts)
    role_e = np.repeat(roles, counts)
    country_e = np.repeat(countries, counts)
    n = len(who)
    media = role_e == "state_media"
    ts = np.where(media, circadian_ms(ctx, who), circadian_ms(ctx, who, OFFICE_PROFILE))
    native = np.array([vocab.COUNTRIES[c]["lang"] for c in country_e.tolist()], dtype=object)
    p_native = np.where(role_e == "embassy", 0.3, 0.5)
    use_native = (rng.random(n) < p_native) & np.isin(native, list(vocab.DIPLOMATIC))
    langs = np.where(use_native, native, "en")
    texts = [""] * n
    for lang in sorted(set(langs.tolist())):
        rows = np.flatnonzero(langs == lang)
        filled = T.fill_templates(rng, vocab.DIPLOMATIC[lang], vocab.DIPLOMATIC_TOPICS[lang], len(rows))
        for r, t in zip(rows.tolist(), filled, strict=True):
            texts[r] = t
    u = rng.random((n, 4))
    pick = rng.integers(0, 1_000, size=(n, 3))
    art = rng.integers(100_000, 999_999, size=n)
    hashtags, urls = [], []
    for i in range(n):
        c = vocab.COUNTRIES[country_e[i]]
        tags = []
        if u[i, 0] < 0.7:
            tags.append(c["hashtags"][pick[i, 0] % len(c["hashtags"])])
        if u[i, 1] < 0.15:
            tags.append(vocab.SUMMIT_HASHTAGS[pick[i, 1] % len(vocab.SUMMIT_HASHTAGS)])
        elif u[i, 1] < 0.25:
            tags.append(vocab.CRISIS_HASHTAGS[pick[i, 2] % len(vocab.CRISIS_HASHTAGS)])
        hashtags.append(tuple(tags))
        if media[i] and u[i, 2] < 0.8 or role_e[i] == "ministry" and u[i, 2] < 0.3:
            urls.append((f"{c['media_domain']}/news/{art[i]}",))
        else:
            urls.append(())
    idx = ctx.buf.add(who, ts, "post", text=texts, hashtags=hashtags, urls=urls, lang=list(langs))
    ctx.pool.append(idx)
    ctx.pool_boost.append(np.full(n, 3.0))
    for c in sorted(set(countries.tolist())):
        ctx.official_posts[c] = idx[country_e == c]
    # embassies repost their ministry
    for c in sorted(set(countries.tolist())):
        mfa = idx[(country_e == c) & (role_e == "ministry")]
        embassies = officials[(countries == c) & (roles == "embassy")]
        for e in embassies.tolist():
            sel = mfa[rng.random(len(mfa)) < 0.5]
            if len(sel) == 0:
                continue
            _, ts_all, _, _ = ctx.buf.arrays()
            delay = (60.0 + rng.lognormal(np.log(1800.0), 1.0, size=len(sel))) * 1000.0
            ctx.buf.add(np.full(len(sel), e), ts_all[sel] + delay.astype(np.int64), "repost", target=sel)

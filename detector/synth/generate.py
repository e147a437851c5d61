"""Orchestration: build the population, run every behaviour, assemble the tables."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from detector.synth import negatives, vocab
from detector.synth.campaigns import Campaign, campaign_tags, run_campaign
from detector.synth.config import SynthConfig
from detector.synth.events import EventBuffer
from detector.synth.organic import Ctx, background, make_news_urls, official_posts, react
from detector.synth.population import (
    DAY,
    Population,
    activity_rates,
    bios,
    created_times,
    person_handles,
    random_handles,
    sample_timezones,
)

__all__ = ["SynthData", "generate"]

@dataclass
class SynthData:
    """Output of :func:`generate`.

    Attributes
    ----------
    events, accounts : DataFrame
        Canonical tables (:func:`detector.schema.validate_events` / ``validate_accounts``).
    truth : DataFrame
        One row per account: ``account_id, account_name, label`` (organic | campaign |
        hard_negative), ``campaign_id`` and ``strategy`` (campaign accounts only) and
        ``group`` (organic, official, celebrity, fandom, newsroom, activists,
        live_event, scheduled, or the campaign strategy).
    officials : DataFrame
        Registry of official accounts: ``account_id, handle, country, role, name``.
    population : DataFrame
        Hidden generator attributes per account (``tz_offset_h``, ``lang``,
        ``rate_per_day``), for realism tests.
    campaigns : DataFrame
        ``campaign_id, strategy, sponsor, rival, tag, n_accounts``.
    config : dict
        The configuration and resolved knobs.
    """

    events: pd.DataFrame
    accounts: pd.DataFrame
    truth: pd.DataFrame
    officials: pd.DataFrame
    population: pd.DataFrame
    campaigns: pd.DataFrame
    config: dict = field(default_factory=dict)


def _persons(pop: Population, rng: np.random.Generator, n: int, cfg: SynthConfig, start_s: int,
             *, label: str, group: str, langs: list[str] | None = None,
             tz: np.ndarray | None = None, young_share: float = 0.03, verified_p: float = 0.01) -> np.ndarray:
    """Ordinary human accounts (organic users, fans, staff, activists)."""
    tz0, langs0 = sample_timezones(rng, n)
    tz = tz0 if tz is None else tz
    langs = langs0 if langs is None else langs
    handles, names = person_handles(rng, langs)
    rate = activity_rates(rng, n, cfg.events_per_account_day)
    followers = rng.lognormal(5.0, 1.7, size=n) * (rate / cfg.events_per_account_day) ** 0.3
    # some real people write campaign-style bios too (no profile text is a giveaway)
    patriot = rng.random(n) < 0.04
    pick = rng.integers(0, len(vocab.PATRIOT_BIOS), size=n)
    desc = [vocab.PATRIOT_BIOS[k] if p else b for p, k, b in zip(patriot.tolist(), pick.tolist(), bios(rng, langs),
                                                                  strict=True)]
    return pop.add(
        n, handle=handles, display_name=names, created_s=created_times(rng, n, start_s, young_share),
        followers=np.round(followers).astype(np.int64), following=np.round(rng.lognormal(5.3, 1.0, size=n)).astype(np.int64),
        verified=(rng.random(n) < verified_p).tolist(), description=desc,
        official_role=None, official_country=None, lang=langs, tz=tz,
        chrono=rng.normal(0.0, 1.0, size=n), rate=rate, label=label, campaign_id=None, strategy=None, group=group,
    )


def _officials(pop: Population, rng: np.random.Generator) -> np.ndarray:
    rows = []
    for cc, info in vocab.COUNTRIES.items():
        for suffix, role, pattern in vocab.OFFICIAL_ROLES:
            name = pattern.format(country=vocab.COUNTRY_NAMES[cc])
            rows.append((f"{cc.lower()}_{suffix}", name[0].upper() + name[1:], role, cc, info["lang"], info["tz"]))
    n = len(rows)
    created = 1_230_768_000 + rng.integers(0, 5 * 365 * DAY, size=n)  # 2009-2013
    return pop.add(
        n, handle=[r[0] for r in rows], display_name=[r[1] for r in rows], created_s=created,
        followers=np.round(rng.lognormal(12.0, 1.2, size=n)).astype(np.int64),
        following=np.round(rng.lognormal(5.5, 1.0, size=n)).astype(np.int64), verified=True,
        description=[f"Official account. {r[1]}." for r in rows], official_role=[r[2] for r in rows],
        official_country=[r[3] for r in rows], lang=[r[4] for r in rows], tz=[r[5] for r in rows],
        chrono=0.0, rate=0.0, label="organic", campaign_id=None, strategy=None, group="official",
    )


def _institution(pop: Population, rng: np.random.Generator, handle: str, name: str, lang: str, tz: float,
                 group: str, label: str, followers: float, verified: bool, description: str) -> int:
    return int(pop.add(
        1, handle=handle, display_name=name, created_s=1_262_304_000 + int(rng.integers(0, 6 * 365 * DAY)),
        followers=int(followers * rng.lognormal(0.0, 0.3)), following=int(rng.integers(50, 800)), verified=verified,
        description=description, official_role=None, official_country=None, lang=lang, tz=tz, chrono=0.0,
        rate=0.0, label=label, campaign_id=None, strategy=None, group=group,
    )[0])


def _campaign_members(pop: Population, rng: np.random.Generator, cfg: SynthConfig, start_s: int, n: int,
                      camp_id: str, strategy: str, sponsor: str, young_share: float) -> np.ndarray:
    info = vocab.COUNTRIES[sponsor]
    langs = np.where(rng.random(n) < 0.6, info["lang"], "en").tolist()
    young = rng.random(n) < young_share
    handles_p, names = person_handles(rng, langs)
    handles_r = random_handles(rng, n)
    handles = [r if y else h for h, r, y in zip(handles_p, handles_r, young.tolist(), strict=True)]
    n_batches = int(rng.integers(1, 4))
    batch_day = start_s - rng.integers(3, 60, size=n_batches) * DAY
    created_young = batch_day[rng.integers(0, n_batches, size=n)] + rng.integers(0, 2 * DAY, size=n)
    created_old = created_times(rng, n, start_s, 0.0)
    created = np.where(young, created_young, created_old)
    fol_young = rng.lognormal(1.8, 1.2, size=n)
    fol_old = rng.lognormal(4.3, 1.5, size=n)
    followers = np.round(np.where(young, fol_young, fol_old)).astype(np.int64)
    following = np.round(np.where(young, rng.lognormal(5.6, 0.8, size=n), rng.lognormal(5.3, 1.0, size=n))).astype(np.int64)
    person_bios = bios(rng, langs)
    patriot = [vocab.PATRIOT_BIOS[i] for i in rng.integers(0, len(vocab.PATRIOT_BIOS), size=n).tolist()]
    u = rng.random(n)
    desc = [("" if uu < 0.5 else p) if y else (p if uu < 0.3 else b)
            for y, uu, p, b in zip(young.tolist(), u.tolist(), patriot, person_bios, strict=True)]
    return pop.add(
        n, handle=handles, display_name=names, created_s=created, followers=followers, following=following,
        verified=False, description=desc, official_role=None, official_country=None, lang=langs,
        tz=info["tz"] + rng.normal(0.0, 0.3, size=n), chrono=rng.normal(0.0, 1.0, size=n),
        rate=activity_rates(rng, n, cfg.events_per_account_day), label="campaign", campaign_id=camp_id,
        strategy=strategy, group=strategy,
    )


def generate(cfg: SynthConfig) -> SynthData:
    """Generate a synthetic dataset with ground truth.

    All randomness comes from one ``numpy.random.Generator(PCG64(cfg.seed))`` and every
    step is order-deterministic, so the same config gives the same tables (and the
    writers the same bytes).

    Parameters
    ----------
    cfg : SynthConfig

    Returns
    -------
    SynthData
    """
    rng = np.random.Generator(np.random.PCG64(cfg.seed))
    knobs = cfg.resolve()
    start_s = knobs.start_s
    n_total = cfg.accounts
    pop = Population()

    officials = _officials(pop, rng)
    idol = _institution(pop, rng, "seora_official", "SEORA ✨", "ko", 9.0, "celebrity", "organic", 2.5e6, True,
                        "Singer. Official account.")
    outlets = np.array([
        _institution(pop, rng, "WorldWireNews", "World Wire News", "en", -5.0, "newsroom", "hard_negative", 4e5,
                     True, "Breaking news and analysis from around the world."),
        _institution(pop, rng, "AsiaBeatDaily", "Asia Beat Daily", "ja", 9.0, "newsroom", "hard_negative", 2e5,
                     True, "アジアのニュースを毎日お届けします"),
        _institution(pop, rng, "KoreaPressNow", "Korea Press Now", "ko", 9.0, "newsroom", "hard_negative", 1.5e5,
                     True, "한국 뉴스 속보"),
    ])
    sched = np.array([
        _institution(pop, rng, "capital_weather", "Capital Weather", "en", 9.0, "scheduled", "hard_negative", 3e4,
                     False, "Automated daily weather. Posts at 7:00, 12:00 and 19:00."),
        _institution(pop, rng, "museum_archive", "Museum Archive Daily", "en", 1.0, "scheduled", "hard_negative",
                     8e3, False, "One object from our collection every day (scheduled)."),
        _institution(pop, rng, "wordoftheday_en", "Word of the Day", "en", -5.0, "scheduled", "hard_negative",
                     5e4, False, "A new word every morning and evening."),
    ])

    strategies = [s for s in cfg.strategies for _ in range(cfg.campaigns_per_strategy)]
    size = knobs.campaign_size
    sizes = [3 * size if s == "rotation" else size for s in strategies]
    hn = cfg.hard_negatives
    n_fans = max(10, round(0.04 * n_total)) if hn else 0
    n_staff = max(5, round(0.005 * n_total)) if hn else 0
    n_act = max(10, round(0.02 * n_total)) if hn else 0
    n_live = max(20, round(0.06 * n_total)) if hn else 0
    used = pop.n + sum(sizes) + n_fans + 3 * n_staff + n_act
    n_org = n_total - used
    if n_org < 0.4 * n_total or n_org < n_live + 50:
        raise ValueError(
            f"{n_total} accounts leave only {n_org} organic accounts; raise accounts or lower campaign_size"
        )

    organic = _persons(pop, rng, n_org, cfg, start_s, label="organic", group="organic")
    fan_langs = np.array(["ko", "en", "ja", "es"])[rng.choice(4, size=n_fans, p=[0.4, 0.3, 0.15, 0.15])].tolist()
    fan_tz = np.array([9.0, -5.0, 9.0, -3.0])[[["ko", "en", "ja", "es"].index(x) for x in fan_langs]] if n_fans else None
    fans = _persons(pop, rng, n_fans, cfg, start_s, label="hard_negative", group="fandom", langs=fan_langs, tz=fan_tz,
                    young_share=0.03) if n_fans else np.zeros(0, dtype=np.int64)
    staff = []
    for o in outlets.tolist():
        lang, tz = pop.columns["lang"][o], pop.columns["tz"][o]
        langs = np.where(rng.random(n_staff) < 0.8, lang, "en").tolist()
        staff.append(_persons(pop, rng, n_staff, cfg, start_s, label="hard_negative", group="newsroom", langs=langs,
                              tz=np.full(n_staff, tz), young_share=0.0, verified_p=0.3) if n_staff else np.zeros(0, dtype=np.int64))
    act_langs = np.where(rng.random(n_act) < 0.7, "en", "de").tolist()
    activists = _persons(pop, rng, n_act, cfg, start_s, label="hard_negative", group="activists", langs=act_langs,
                         tz=np.where(rng.random(n_act) < 0.5, 1.0, -5.0)) if n_act else np.zeros(0, dtype=np.int64)

    countries = list(vocab.COUNTRIES)
    campaigns: list[Campaign] = []
    tags = campaign_tags(rng, len(strategies))
    for j, (strategy, n_members) in enumerate(zip(strategies, sizes, strict=True)):
        sponsor = countries[int(rng.integers(0, len(countries)))]
        others = [c for c in countries if c != sponsor]
        rival = others[int(rng.integers(0, len(others)))]
        young_share = {"fresh_accounts": 1.0, "cyborg": 0.0}.get(strategy, knobs.young_share)
        members = _campaign_members(pop, rng, cfg, start_s, n_members, f"C{j + 1:02d}", strategy, sponsor, young_share)
        campaigns.append(Campaign(f"C{j + 1:02d}", strategy, sponsor, rival, members, tags[j],
                                  target_share=float(rng.uniform(0.3, 0.55))))

    # live-event participants are organic people who happen to watch the final
    live = np.sort(rng.choice(organic, size=n_live, replace=False)) if n_live else np.zeros(0, dtype=np.int64)
    pop.set(live, "label", "hard_negative")
    pop.set(live, "group", "live_event")
    pop.finalize_ids(rng)

    start_ms = start_s * 1000
    end_ms = start_ms + cfg.days * DAY * 1000
    ctx = Ctx(cfg=cfg, knobs=knobs, rng=rng, pop=pop, buf=EventBuffer(), start_ms=start_ms, end_ms=end_ms)
    ctx.prepare_days()
    persons = np.concatenate([organic, fans, *staff, activists])
    ctx.person_idx = persons
    ctx.campaign_tags = [c.tag for c in campaigns]
    make_news_urls(ctx, max(100, n_total // 10))

    official_posts(ctx, officials)
    rates = pop.array("rate", float)
    background(ctx, persons, rng.poisson(rates[persons] * cfg.days))
    if hn:
        negatives.fandom(ctx, idol, fans)
        negatives.newsroom(ctx, outlets, staff)
        negatives.activists(ctx, activists)
        negatives.live_event(ctx, live)
        negatives.scheduled(ctx, sched)
    else:
        negatives.fandom(ctx, idol, np.zeros(0, dtype=np.int64))

    noise = knobs.organic_noise
    for camp in campaigns:
        before = ctx.buf.n
        run_campaign(ctx, camp)
        author, _, _, _ = ctx.buf.arrays()
        made = np.bincount(author[before:], minlength=pop.n)[camp.members]
        if camp.strategy == "cyborg":
            counts = rng.poisson(rates[camp.members] * cfg.days)
        else:
            counts = rng.poisson(made * noise / max(1e-9, 1.0 - noise))
        before = len(ctx.pool)
        background(ctx, camp.members, counts)
        for k in range(before, len(ctx.pool)):  # campaign accounts' own posts draw little attention
            ctx.pool_boost[k] = ctx.pool_boost[k] * 0.3
    react(ctx)

    events = ctx.buf.table(pop, rng, start_ms, end_ms)
    n_events = np.bincount(ctx.buf.kept_authors, minlength=pop.n)
    created = pop.array("created_s", np.int64)
    age_days = np.maximum(1, (start_s - created) // DAY)
    # statuses before this window: at the account's usual rate, which is at least the rate it
    # shows here (a newsroom journalist posting 10 a day has posted before; no group of the
    # generator is modelled as dormant-then-reactivated)
    usual = np.maximum(rates, n_events / max(cfg.days, 1))
    history = np.round(usual * age_days * rng.uniform(0.3, 1.0, size=pop.n)).astype(np.int64)
    posts_count = n_events + history
    accounts = pop.accounts_table(posts_count)

    c = pop.columns
    truth = pd.DataFrame({
        "account_id": pop.account_ids,
        "account_name": c["handle"],
        "label": c["label"],
        "campaign_id": [x if x else pd.NA for x in c["campaign_id"]],
        "strategy": [x if x else pd.NA for x in c["strategy"]],
        "group": c["group"],
    }).astype("string").sort_values("account_id", kind="stable").reset_index(drop=True)
    off = pd.DataFrame({
        "account_id": pop.account_ids[officials],
        "handle": [c["handle"][i] for i in officials.tolist()],
        "country": [c["official_country"][i] for i in officials.tolist()],
        "role": [c["official_role"][i] for i in officials.tolist()],
        "name": [c["display_name"][i] for i in officials.tolist()],
    }).astype("string")
    population = pd.DataFrame({
        "account_id": pop.account_ids,
        "tz_offset_h": pop.array("tz", float),
        "lang": c["lang"],
        "rate_per_day": rates,
        "group": c["group"],
    })
    camp_table = pd.DataFrame({
        "campaign_id": [cp.campaign_id for cp in campaigns],
        "strategy": [cp.strategy for cp in campaigns],
        "sponsor": [cp.sponsor for cp in campaigns],
        "rival": [cp.rival for cp in campaigns],
        "tag": [cp.tag for cp in campaigns],
        "n_accounts": [len(cp.members) for cp in campaigns],
    })
    config = cfg.to_dict()
    config["resolved"] = {k: getattr(knobs, k) for k in knobs.__dataclass_fields__}
    accounts = accounts.sort_values("account_id", kind="stable").reset_index(drop=True)
    return SynthData(events=events, accounts=accounts, truth=truth, officials=off, population=population,
                     campaigns=camp_table, config=config)

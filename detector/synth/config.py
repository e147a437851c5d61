"""Configuration of the synthetic-data generator and its difficulty presets."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pandas as pd

__all__ = ["DIFFICULTIES", "STRATEGIES", "HARD_NEGATIVE_GROUPS", "Resolved", "SynthConfig"]

STRATEGIES: tuple[str, ...] = (
    "retweet_burst",
    "copypaste",
    "hashtag_flood",
    "slow_drip",
    "cyborg",
    "reply_swarm",
    "fresh_accounts",
    "rotation",
)
"""Campaign strategies, in generation order.

``retweet_burst``
    synchronised retweets of the sponsor's official posts within ``jitter_s``;
``copypaste``
    the same message with small edits posted by all members within minutes;
``hashtag_flood``
    bursts of narrative posts hijacking a trending (summit/crisis/activist) hashtag;
``slow_drip``
    1-3 actions a day per account over the whole period, office hours, loose timing;
``cyborg``
    human-looking accounts whose automated part retweets at a fixed per-account lag and
    posts on a fixed schedule;
``reply_swarm``
    near-duplicate hostile replies to a rival official's posts within minutes;
``fresh_accounts``
    a batch of days-old accounts with random handles amplifying the sponsor;
``rotation``
    a large pool where each action uses a small random subset, to keep pair counts low.
"""

HARD_NEGATIVE_GROUPS: tuple[str, ...] = ("fandom", "newsroom", "activists", "live_event", "scheduled")
"""Groups of organic accounts that look coordinated (label ``hard_negative``)."""

DIFFICULTIES: dict[str, dict[str, float]] = {
    # jitter_s: spread of synchronised actions, seconds; text_variation: share of words
    # edited in copies (0..1); organic_noise: share of a campaign account's activity that
    # is organic-looking; young_share: share of campaign accounts (outside fresh_accounts)
    # created shortly before the period with random handles; participation: probability
    # that a member joins one campaign action.
    "easy": {"jitter_s": 8.0, "text_variation": 0.05, "organic_noise": 0.15,
             "young_share": 0.9, "participation": 0.9},
    "medium": {"jitter_s": 40.0, "text_variation": 0.25, "organic_noise": 0.45,
               "young_share": 0.55, "participation": 0.7},
    "hard": {"jitter_s": 150.0, "text_variation": 0.5, "organic_noise": 0.7,
             "young_share": 0.25, "participation": 0.5},
}


@dataclass(frozen=True)
class Resolved:
    """Concrete knob values after applying the difficulty preset."""

    jitter_s: float
    text_variation: float
    organic_noise: float
    young_share: float
    participation: float
    campaign_size: int
    start_s: int


@dataclass(frozen=True)
class SynthConfig:
    """Parameters of :func:`detector.synth.generate`.

    Parameters
    ----------
    accounts : int
        Total number of accounts (officials, organic, hard negatives, campaigns); >= 300.
    days : int
        Length of the period, days.
    seed : int
        Seed of the single ``numpy.random.Generator(PCG64(seed))``; same config -> same bytes.
    start : str
        First day of the period (UTC date, ``YYYY-MM-DD``).
    difficulty : {"easy", "medium", "hard"}
        Preset for the knobs below that are left as ``None``.
    events_per_account_day : float
        Mean organic activity (posts + reposts + replies + quotes) per account per day;
        individual rates are lognormal around it (heavy tail).
    campaign_size : int or None
        Accounts per campaign (``rotation`` uses a pool 3x larger). ``None``: 1.5% of
        ``accounts``, at least 8.
    campaigns_per_strategy : int
        Independent campaigns of each strategy.
    strategies : tuple of str
        Which strategies to inject (subset of :data:`STRATEGIES`).
    jitter_s, text_variation, organic_noise, young_share, participation : float or None
        Override the difficulty preset (see :data:`DIFFICULTIES`); ``jitter_s`` in seconds.
    hard_negatives : bool
        Include the hard-negative groups (fandom, newsroom, activists, live event, scheduled).
    """

    accounts: int = 2000
    days: int = 7
    seed: int = 0
    start: str = "2023-03-01"
    difficulty: str = "medium"
    events_per_account_day: float = 2.0
    campaign_size: int | None = None
    campaigns_per_strategy: int = 1
    strategies: tuple[str, ...] = STRATEGIES
    jitter_s: float | None = None
    text_variation: float | None = None
    organic_noise: float | None = None
    young_share: float | None = None
    participation: float | None = None
    hard_negatives: bool = True

    def __post_init__(self) -> None:
        if self.difficulty not in DIFFICULTIES:
            raise ValueError(f"difficulty must be one of {sorted(DIFFICULTIES)}, got {self.difficulty!r}")
        if self.accounts < 300:
            raise ValueError("accounts must be >= 300")
        if self.days < 1:
            raise ValueError("days must be >= 1")
        unknown = set(self.strategies) - set(STRATEGIES)
        if unknown:
            raise ValueError(f"unknown strategies: {sorted(unknown)}")
        for name in ("text_variation", "organic_noise", "young_share", "participation"):
            value = getattr(self, name)
            if value is not None and not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be in [0, 1]")
        if self.organic_noise is not None and self.organic_noise > 0.95:
            raise ValueError("organic_noise must be <= 0.95 (noise events = campaign events * n / (1 - n))")
        if self.jitter_s is not None and self.jitter_s < 0:
            raise ValueError("jitter_s must be >= 0")

    def resolve(self) -> Resolved:
        """Knob values with the preset filled in."""
        preset = DIFFICULTIES[self.difficulty]

        def pick(name: str) -> float:
            value = getattr(self, name)
            return float(preset[name] if value is None else value)

        size = self.campaign_size if self.campaign_size is not None else max(8, round(0.015 * self.accounts))
        start = int(pd.Timestamp(self.start, tz="UTC").timestamp())
        return Resolved(
            jitter_s=pick("jitter_s"),
            text_variation=pick("text_variation"),
            organic_noise=pick("organic_noise"),
            young_share=pick("young_share"),
            participation=pick("participation"),
            campaign_size=int(size),
            start_s=start,
        )

    def to_dict(self) -> dict:
        """Plain dict (JSON-ready) of the configuration."""
        out = dataclasses.asdict(self)
        out["strategies"] = list(self.strategies)
        return out

"""Synthetic social-media data with ground truth, for testing and benchmarking detectors.

>>> from detector.synth import SynthConfig, generate
>>> data = generate(SynthConfig(accounts=1500, days=7, seed=1))   # doctest: +SKIP
>>> data.events, data.accounts, data.truth, data.officials        # doctest: +SKIP

The generator mixes an organic background (heavy-tailed activity, circadian rhythm in
several time zones, virality cascades), official accounts of several countries with
diplomatic hashtags, hard negatives that look coordinated but are organic (fandom,
newsroom, activists, live event, scheduled posting) and injected campaigns of eight
strategies (:data:`STRATEGIES`). Writers for real export formats are in
:mod:`detector.synth.writers`.
"""

from detector.synth.config import DIFFICULTIES, HARD_NEGATIVE_GROUPS, STRATEGIES, SynthConfig
from detector.synth.generate import SynthData, generate
from detector.synth.writers import FORMATS, write_dataset, write_events

__all__ = [
    "DIFFICULTIES",
    "FORMATS",
    "HARD_NEGATIVE_GROUPS",
    "STRATEGIES",
    "SynthConfig",
    "SynthData",
    "generate",
    "write_dataset",
    "write_events",
]

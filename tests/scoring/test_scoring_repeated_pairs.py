"""`combine.repeated_pairs` (light, used for timing candidates) must keep exactly the pairs that
`pipeline.repeated_edges(combine_layers(...))` keeps: the two implement one rule twice for speed,
so this test guards them against drifting apart."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from detector.pipeline import repeated_edges
from detector.scoring.combine import combine_layers, repeated_pairs

LAYER_NAMES = ["repost", "url", "hashtag", "text", "neardup", "timing", "url_recurring", "other"]


@st.composite
def layer_sets(draw):
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    ids = np.array([f"u{i:03d}" for i in range(int(rng.integers(2, 25)))], dtype=object)
    names = draw(st.lists(st.sampled_from(LAYER_NAMES), unique=True, max_size=6))
    layers = {}
    for name in names:
        m = int(rng.integers(0, 40))
        weights = rng.exponential(size=m)
        weights[rng.random(m) < 0.1] = 0.0
        frame = pd.DataFrame(
            {
                "account_a": pd.array(rng.choice(ids, m), dtype="string"),
                "account_b": pd.array(rng.choice(ids, m), dtype="string"),
                "weight": weights,
            }
        )
        if rng.random() < 0.7:
            frame["n_objects"] = rng.integers(0, 4, m)
        layers[name] = frame
    return layers


@settings(max_examples=100, deadline=None)
@given(layer_sets())
def test_repeated_pairs_equals_repeated_edges_of_combined(layers):
    full = repeated_edges(combine_layers(layers))
    light = repeated_pairs(layers)
    expected = sorted(zip(full["account_a"], full["account_b"], strict=True)) if len(full) else []
    got = sorted(zip(light["account_a"], light["account_b"], strict=True)) if len(light) else []
    assert got == expected

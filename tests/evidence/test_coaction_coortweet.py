"""``semantics="coortweet"`` against CooRTweet 2.1.2's own outputs on real data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _paths import SHARED_DATA

from detector.evidence.coaction import coortweet_detect_groups, coortweet_network

DATA = SHARED_DATA / "coortweet"

pytestmark = [
    pytest.mark.shared_data,
    pytest.mark.skipif(
        not DATA.is_dir(), reason=f"CooRTweet reference data not found at {DATA} (needs ../shared/data)"
    ),
]

PAIR_COLUMNS = ["object_id", "content_id", "content_id_y", "time_delta", "account_id", "account_id_y"]
EDGE_FLOATS = ["avg_time_delta", "edge_symmetry_score"]
EDGE_INTS = ["weight", "n_content_id", "n_content_id_y", "weight_threshold"]


def russian() -> pd.DataFrame:
    return pd.read_csv(
        DATA / "russian_coord_tweets.csv.gz", dtype={"object_id": str, "account_id": str, "content_id": str}
    )


def german(column: str, prefix: str, fb_only: bool) -> pd.DataFrame:
    """German inputs prepared as CooRTweet's paper does (see the data README)."""
    raw = pd.read_csv(DATA / "german_elections.csv.gz", dtype=str)
    if fb_only:
        raw = raw[raw["account_id"].str.startswith("fb_")]
    raw = raw[raw[column].notna()]
    x = pd.DataFrame(
        {
            "object_id": prefix + raw[column],
            "account_id": raw["account_id"],
            "content_id": raw["post_id"],
            "timestamp_share": raw["timestamp"].astype("int64"),
        }
    )
    return x.drop_duplicates(["object_id", "account_id", "content_id", "timestamp_share"])


CONFIGS = {
    "russian_tw10_mp5": (russian, (), 10, 5),
    "russian_tw60_mp2": (russian, (), 60, 2),
    "german_urls_fb_tw60_mp2": (german, ("url_id", "url_", True), 60, 2),
    "german_urls_all_tw60_mp2": (german, ("url_id", "url_", False), 60, 2),
    "german_hashtags_all_tw60_mp2": (german, ("hashtag_id", "hashtag_", False), 60, 2),
}


def rows(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    return sorted(map(tuple, frame[columns].astype(str).to_numpy().tolist()))


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_pairs_and_edges_equal_coortweet(name):
    load, args, window, mp = CONFIGS[name]
    pairs = coortweet_detect_groups(load(*args), time_window=window, min_participation=mp, remove_loops=True)
    ref_pairs = pd.read_csv(DATA / f"ref_{name}_pairs.csv.gz", dtype=str)
    assert len(pairs) == len(ref_pairs)
    assert rows(pairs, PAIR_COLUMNS) == rows(ref_pairs, PAIR_COLUMNS)

    edges = coortweet_network(pairs, edge_weight=0.5)
    ref = pd.read_csv(DATA / f"ref_{name}_edges.csv.gz", dtype={"from": str, "to": str})
    assert len(edges) == len(ref)
    merged = edges.merge(ref, on=["from", "to"], how="outer", suffixes=("", "_ref"), indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"].head()
    for column in EDGE_INTS:
        assert (merged[column].astype(np.int64) == merged[column + "_ref"].astype(np.int64)).all(), column
    for column in EDGE_FLOATS:
        np.testing.assert_allclose(merged[column], merged[column + "_ref"], rtol=0, atol=1e-9)


def test_pairs_follow_coortweet_orientation():
    """content_id is the older share; time_delta >= 0; no loops."""
    pairs = coortweet_detect_groups(russian(), time_window=60, min_participation=2)
    assert (pairs["time_delta"] >= 0).all()
    assert (pairs["account_id"] != pairs["account_id_y"]).all()
    assert (pairs["content_id"] != pairs["content_id_y"]).all()


def test_remove_loops_off_keeps_self_pairs():
    x = pd.DataFrame(
        {
            "object_id": ["o", "o", "o", "p", "p"],
            "account_id": ["a", "a", "b", "a", "b"],
            "content_id": ["1", "2", "3", "4", "5"],
            "ts": [0, 5, 8, 0, 1],
        }
    )
    with_loops = coortweet_detect_groups(x, 10, 1, remove_loops=False)
    without = coortweet_detect_groups(x, 10, 1, remove_loops=True)
    assert len(with_loops) == 4 and len(without) == 3
    assert ((with_loops["account_id"] == "a") & (with_loops["account_id_y"] == "a")).sum() == 1

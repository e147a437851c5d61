"""Memory budget: --memory-limit sizes, block sizing; a budget changes no result."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from test_engine import FIELDS, random_shares

from detector.engine import LocalEngine
from detector.kernels.coaction import coaction_aggregate, group_starts
from detector.memory import PAIR_BLOCK_BYTES_PER_PAIR, pair_block_pairs, parse_size


@pytest.mark.parametrize(
    ("text", "value"),
    [("3GB", 3 * 2**30), ("512m", 512 * 2**20), ("1.5 G", int(1.5 * 2**30)), ("2000000", 2_000_000), ("4K", 4096)],
)
def test_parse_size(text, value) -> None:
    assert parse_size(text) == value


@pytest.mark.parametrize("text", ["", "0", "-1GB", "3 parsecs", "GB"])
def test_parse_size_rejects(text) -> None:
    with pytest.raises(ValueError, match="not a memory size"):
        parse_size(text)


def test_pair_block_pairs() -> None:
    assert pair_block_pairs(None, 32_000_000) == 32_000_000
    assert pair_block_pairs(2**40, 32_000_000) == 32_000_000  # never above the default
    assert pair_block_pairs(1, 32_000_000) == 100_000  # never below the floor
    limit = 400_000 * PAIR_BLOCK_BYTES_PER_PAIR * 4
    assert pair_block_pairs(limit, 32_000_000) == 400_000


def test_memory_limit_gives_the_same_aggregate() -> None:
    obj, ts, acc, con = random_shares(5, 20_000, 50, 500, 600)
    starts = group_starts(obj)
    want = coaction_aggregate(starts, ts, acc, con, 500, 60, fast_window=10)
    assert want.n_share_pairs > 300_000  # several 100k-pair blocks under the limit below
    got = LocalEngine(memory_limit=100_000 * PAIR_BLOCK_BYTES_PER_PAIR * 4).coaction_aggregate(
        starts, ts, acc, con, 500, 60, fast_window=10
    )
    for name in FIELDS:
        np.testing.assert_array_equal(getattr(got, name), getattr(want, name), err_msg=name)



def test_cli_rejects_a_bad_memory_limit(tmp_path) -> None:
    from detector.cli import main

    out = CliRunner().invoke(main, ["scan", "x.jsonl", "-o", str(tmp_path), "--memory-limit", "lots"])
    assert out.exit_code == 2
    assert "not a memory size" in out.output


def test_time_ordered_sorts_like_the_scan_did_and_copies_nothing_when_sorted() -> None:
    from detector.memory import time_ordered

    rng = np.random.default_rng(0)
    n = 500
    frame = pd.DataFrame(
        {"event_id": pd.array([f"e{i:04d}" for i in rng.permutation(n)], dtype="string"),
         "ts": rng.integers(0, 50, n)}  # many ties: event_id decides
    )
    want = frame.sort_values(["ts", "event_id"], kind="mergesort").reset_index(drop=True)
    got = time_ordered(frame)
    pd.testing.assert_frame_equal(got, want)
    assert time_ordered(want) is want  # already in order: the same frame
    shifted = want.set_axis(pd.RangeIndex(5, 5 + n))
    pd.testing.assert_frame_equal(time_ordered(shifted), want)
    reversed_ties = want.copy()
    reversed_ties.loc[[0, 1], "event_id"] = reversed_ties.loc[[1, 0], "event_id"].to_numpy()
    if reversed_ties["ts"][0] == reversed_ties["ts"][1]:
        assert time_ordered(reversed_ties) is not reversed_ties

"""Results do not depend on the number of Numba threads: 1 thread and 2 threads give the same bytes.

Every parallel kernel (``prange``) of a scan runs on the whole scan twice, with
``numba.set_num_threads(1)`` and with 2 threads, and the output files must be
identical; the co-action kernel is also checked alone on random inputs.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_engine import FIELDS, random_shares

from detector.kernels.coaction import coaction_aggregate, emit_pairs, group_starts

pytestmark = pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="Numba has a single thread here")


@contextlib.contextmanager
def threads(n: int) -> Iterator[None]:
    before = numba.get_num_threads()
    numba.set_num_threads(n)
    try:
        yield
    finally:
        numba.set_num_threads(before)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), window=st.integers(0, 120), chunk=st.sampled_from([500, 10_000_000]))
def test_coaction_kernel_same_on_one_and_two_threads(seed, window, chunk) -> None:
    obj, ts, acc, con = random_shares(seed, 4000, 200, 300, 3600)
    starts = group_starts(obj)
    out = {}
    for n in (1, 2):
        with threads(n):
            agg = coaction_aggregate(starts, ts, acc, con, 300, window, fast_window=5, chunk_pairs=chunk)
            pairs = emit_pairs(starts, ts, acc, con, window, True, np.zeros(starts.size - 1, bool))
        out[n] = (agg, pairs)
    for name in FIELDS:
        np.testing.assert_array_equal(getattr(out[1][0], name), getattr(out[2][0], name), err_msg=name)
    for x, y in zip(out[1][1], out[2][1], strict=True):
        np.testing.assert_array_equal(x, y)


def test_scan_same_bytes_on_one_and_two_threads(tmp_path) -> None:
    from test_pipeline_scenario import scenario

    from detector.pipeline import run_scan, write_outputs

    events, accounts, _ = scenario(seed=3)
    for n in (1, 2):
        with threads(n):
            write_outputs(run_scan(events, accounts), tmp_path / str(n), html=False)
    for name in ("report.json", "accounts.csv", "clusters.csv", "edges.csv", "network.gexf"):
        assert (tmp_path / "1" / name).read_bytes() == (tmp_path / "2" / name).read_bytes(), name

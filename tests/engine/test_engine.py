"""Engines: partitioned pair runs and the Dask engine give what the local kernel gives.

* kernel level (no Dask): :func:`pair_runs` on any split of the objects, merged
  and finalised, equals :func:`coaction_aggregate` on all of them (and both the
  plain-Python reference of ``test_coaction_kernel``);
* :class:`DaskEngine` on a 2-worker in-process ``LocalCluster`` equals the local
  kernel on random share tables;
* a whole scan on the Dask engine writes the same files (accounts.csv,
  clusters.csv and every other one) as on the local engine.
"""

from __future__ import annotations

import naive
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_coaction_kernel import (
    assert_same,
    kernel_rows,
    share_rows,
    sorted_shares,
)

from detector.engine import LocalEngine, active_engine, open_engine, use_engine
from detector.kernels.coaction import (
    coaction_aggregate,
    finalize_runs,
    group_starts,
    merge_runs,
    pair_aggregate,
    pair_runs,
    pairs_packable,
)

FIELDS = ("a", "b", "weight", "n_objects", "mean_gap", "median_gap", "weight_fast", "in_pair", "capped", "object_pairs")


def assert_same_aggregate(got, want) -> None:
    for name in FIELDS:
        g, w = getattr(got, name), getattr(want, name)
        assert g.dtype == w.dtype, name
        np.testing.assert_array_equal(g, w, err_msg=name)
    assert got.n_share_pairs == want.n_share_pairs


def split_aggregate(obj, ts, acc, content, n_acc, window, part_of_obj, **kw):
    """Reference use of the run API: objects split by ``part_of_obj``, runs merged, finalised."""
    starts = group_starts(obj)
    sizes = np.diff(starts)
    n_obj = sizes.size
    part_of_row = np.repeat(part_of_obj, sizes)
    in_pair = np.zeros(len(ts), np.uint8)
    capped = np.zeros(n_obj, bool)
    upper = np.zeros(n_obj, np.int64)
    pieces, total = [], 0
    fast = kw.pop("fast_window", None)
    for p in np.unique(part_of_obj):
        objs = np.flatnonzero(part_of_obj == p)
        rows = np.flatnonzero(part_of_row == p)
        local = np.concatenate([[0], np.cumsum(sizes[objs])]).astype(np.int64)
        runs = pair_runs(local, ts[rows], acc[rows], content[rows], n_acc, window, **kw)
        pieces.append((runs.keys, runs.counts, runs.firsts))
        in_pair[rows] = runs.in_pair
        capped[objs] = runs.capped
        upper[objs] = runs.object_pairs
        total += runs.n_share_pairs
    stats = finalize_runs(*merge_runs(pieces), n_acc, window, fast)
    meta = pair_runs(starts[:1], ts[:0], acc[:0], content[:0], n_acc, window)  # empty, for the type
    meta = type(meta)(meta.keys, meta.counts, meta.firsts, in_pair, capped, upper, total)
    return pair_aggregate(stats, meta)


@settings(max_examples=100, deadline=None)
@given(
    rows=share_rows.filter(len),
    window=st.integers(0, 15),
    remove_loops=st.booleans(),
    fast=st.one_of(st.none(), st.integers(0, 10)),
    chunk=st.sampled_from([1, 3, 1000]),
    cap=st.sampled_from([3, 5_000_000]),
    data=st.data(),
)
def test_split_runs_equal_whole_aggregate(rows, window, remove_loops, fast, chunk, cap, data):
    obj, ts, acc, content = sorted_shares(rows)
    n_obj = len(np.unique(obj))
    obj = np.searchsorted(np.unique(obj), obj).astype(np.int32)  # dense object numbers
    part = np.array(data.draw(st.lists(st.integers(0, 3), min_size=n_obj, max_size=n_obj)), dtype=np.int64)
    kw = dict(remove_loops=remove_loops, max_pairs_per_object=cap, chunk_pairs=chunk)
    whole = coaction_aggregate(group_starts(obj), ts, acc, content, 7, window, fast_window=fast, **kw)
    split = split_aggregate(obj, ts, acc, content, 7, window, part, fast_window=fast, **kw)
    assert_same_aggregate(split, whole)
    if cap > 100:  # no object capped: also the plain-Python reference
        assert_same(kernel_rows(split), naive.coaction_aggregate(obj, ts, acc, content, window, remove_loops, fast))


def test_pair_runs_refuses_unpackable_keys() -> None:
    assert pairs_packable(1000, 600) and not pairs_packable(2**31, 600)
    with pytest.raises(ValueError, match="64 bits"):
        pair_runs(np.zeros(1, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int32), np.zeros(0, np.int32), 2**31, 600)


def test_active_engine_defaults_to_local_and_nests() -> None:
    assert isinstance(active_engine(), LocalEngine)
    marker = LocalEngine()
    with use_engine(marker):
        assert active_engine() is marker
    assert active_engine() is not marker
    with pytest.raises(ValueError, match="unknown engine"), open_engine("spark"):
        pass
    with pytest.raises(ValueError, match="--engine dask"), open_engine("local", scheduler="tcp://127.0.0.1:1"):
        pass


# --------------------------------------------------------------------------
# Dask
# --------------------------------------------------------------------------

distributed = pytest.importorskip("distributed", reason="dask.distributed not installed (pip install detector[dask])")


@pytest.fixture(scope="module")
def dask_engine():
    with open_engine("dask", workers=2, processes=False) as engine:
        yield engine


def random_shares(seed: int, n: int, n_obj: int, n_acc: int, span: int):
    rng = np.random.default_rng(seed)
    obj = np.sort(rng.integers(0, n_obj, n)).astype(np.int32)
    obj = np.searchsorted(np.unique(obj), obj).astype(np.int32)
    ts = rng.integers(0, span, n).astype(np.int64)
    order = np.lexsort((ts, obj))
    return obj[order], ts[order], rng.integers(0, n_acc, n).astype(np.int32), np.arange(n, dtype=np.int32)


@pytest.mark.parametrize(
    ("seed", "window", "fast", "cap"), [(0, 10, None, 5_000_000), (1, 60, 5, 5_000_000), (2, 60, None, 6), (3, 0, None, 5_000_000)]
)
def test_dask_engine_equals_local_kernel(dask_engine, seed, window, fast, cap) -> None:
    obj, ts, acc, con = random_shares(seed, 6000, 300, 400, 3600)
    starts = group_starts(obj)
    kw = dict(fast_window=fast, max_pairs_per_object=cap, chunk_pairs=5000)
    want = coaction_aggregate(starts, ts, acc, con, 400, window, **kw)
    got = dask_engine.coaction_aggregate(starts, ts, acc, con, 400, window, **kw)
    assert want.weight.size > 10
    assert cap > 100 or want.capped.any()
    assert_same_aggregate(got, want)


def test_dask_engine_on_no_objects(dask_engine) -> None:
    empty_i, empty_c = np.zeros(0, np.int64), np.zeros(0, np.int32)
    got = dask_engine.coaction_aggregate(np.zeros(1, np.int64), empty_i, empty_c, empty_c, 1, 10)
    assert got.weight.size == 0 and got.n_share_pairs == 0


def test_dask_scan_writes_the_same_files(dask_engine, tmp_path) -> None:
    from test_pipeline_scenario import scenario

    from detector.pipeline import run_scan, write_outputs

    events, accounts, _ = scenario(seed=2)
    assert len(events) > 2000
    local = run_scan(events, accounts)
    with use_engine(dask_engine):
        remote = run_scan(events, accounts)
    write_outputs(local, tmp_path / "local", html=False)
    write_outputs(remote, tmp_path / "dask", html=False)
    assert len(local.scored) and local.scored["flagged"].any()
    for name in ("accounts.csv", "clusters.csv", "edges.csv", "report.json", "network.gexf"):
        assert (tmp_path / "local" / name).read_bytes() == (tmp_path / "dask" / name).read_bytes(), name


def test_cli_scan_on_a_running_scheduler(tmp_path) -> None:
    """``--engine dask --scheduler ADDRESS`` connects to a running cluster and writes the local engine's files."""
    from click.testing import CliRunner
    from distributed import LocalCluster
    from test_pipeline_scenario import scenario

    from detector.cli import main
    from detector.io import write_canonical

    events, accounts, _ = scenario(seed=4, n_org=80)
    path = tmp_path / "events.parquet"
    write_canonical(events, accounts, path)
    runner = CliRunner()
    local = runner.invoke(main, ["scan", str(path), "-o", str(tmp_path / "local"), "--quiet", "--no-html"])
    assert local.exit_code == 0, local.output
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address="127.0.0.1:0") as cluster:
        remote = runner.invoke(
            main,
            ["scan", str(path), "-o", str(tmp_path / "dask"), "--quiet", "--no-html",
             "--engine", "dask", "--scheduler", cluster.scheduler_address],
        )
        assert remote.exit_code == 0, remote.output
        assert len(cluster.scheduler.workers) == 2  # the remote cluster is left running
    for name in ("accounts.csv", "clusters.csv", "report.json"):
        assert (tmp_path / "local" / name).read_bytes() == (tmp_path / "dask" / name).read_bytes(), name

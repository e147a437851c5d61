"""Benchmark of the official-account analysis: interaction graph, centrality, amplification audit.

Full size (documented target: the whole analysis under 60 s on 2 cores, betweenness sampled):

* 1,000,000 events from 100,000 accounts over 30 days: 60 official accounts
  (2% of events are their posts), organic posts with heavy-tailed activity,
  organic reposts / quotes / replies of earlier posts (official posts boosted,
  delays of minutes to hours), mentions (20% of posts and reactions), and a
  2,000-account flagged campaign in 20 clusters that reposts and mentions
  official posts within 2-60 s (10% of events); an accounts table with
  follower counts.
* Timed: :func:`interaction_rows` + :func:`graph_from_rows` (``all`` graph)
  and :func:`amplification_audit` with centrality (in-strength, PageRank,
  eigenvector, HITS, sampled betweenness with 256 pivots, k-core) and the
  PageRank recomputation without the flagged accounts.

Baselines in the same process, on the same graph (conversion not timed):
networkx ``pagerank`` vs igraph PageRank (values checked to agree; best of 3),
and networkx ``betweenness_centrality(k=16)`` (one run) vs our sampled
betweenness with 16 pivots (best of 3; same estimator, different pivots).

Usage::

    python benchmarks/bench_officials.py            # full size
    python benchmarks/bench_officials.py --quick    # 50k events / 5k accounts
    python benchmarks/bench_officials.py --out results.json

Prints a summary and writes JSON (default
``benchmarks/results/bench_officials[_quick].json``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from detector.evidence.graphs import graph_from_rows, interaction_rows, to_networkx
from detector.fsutil import write_text_atomic
from detector.officials import amplification_audit, betweenness, pagerank, registry_from_records
from detector.schema import OFFICIAL_ROLES, validate_accounts, validate_events

from _common import best_of, peak_rss_mb

DAY = 86400
T0 = 1_700_006_400


def make_data(
    n_events: int, n_accounts: int, n_officials: int, n_flagged: int, n_clusters: int, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, set[str], dict[str, int]]:
    """Vectorised synthetic events with officials and a flagged campaign (see module docstring).

    Returns events, accounts, registry, flagged ids and their clusters.
    """
    rng = np.random.default_rng(seed)
    ids = np.array([f"u{i:07d}" for i in range(n_accounts)], dtype=object)
    handles = np.array([f"user_{i}" for i in range(n_accounts)], dtype=object)
    officials = np.arange(n_officials)
    flagged = np.arange(n_officials, n_officials + n_flagged)
    organic = np.arange(n_officials + n_flagged, n_accounts)
    activity = rng.pareto(1.3, len(organic)) + 1.0
    activity /= activity.sum()

    n_official_posts = int(0.02 * n_events)
    n_organic_posts = int(0.30 * n_events)
    n_campaign = int(0.10 * n_events)
    n_react = n_events - n_official_posts - n_organic_posts - n_campaign
    n_posts = n_official_posts + n_organic_posts
    # posts: officials first, then organic
    post_author = np.concatenate(
        [rng.choice(officials, n_official_posts), rng.choice(organic, n_organic_posts, p=activity)]
    )
    post_ts = T0 + rng.integers(0, 30 * DAY, n_posts)
    # organic reactions to posts, official posts boosted 20x
    post_weight = np.ones(n_posts)
    post_weight[:n_official_posts] = 20.0
    post_weight /= post_weight.sum()
    react_target = rng.choice(n_posts, n_react, p=post_weight)
    react_author = rng.choice(organic, n_react, p=activity)
    react_ts = post_ts[react_target] + rng.exponential(3600.0, n_react).astype(np.int64) + 1
    react_kind = rng.choice(
        np.array(["repost", "quote", "reply"], dtype=object), n_react, p=[0.7, 0.1, 0.2]
    )
    # campaign: flagged accounts repost official posts within 2-60 s
    camp_target = rng.integers(0, n_official_posts, n_campaign)
    camp_author = rng.choice(flagged, n_campaign)
    camp_ts = post_ts[camp_target] + rng.integers(2, 61, n_campaign)
    camp_kind = np.where(rng.random(n_campaign) < 0.8, "repost", "reply").astype(object)

    author = np.concatenate([post_author, react_author, camp_author])
    ts = np.concatenate([post_ts, react_ts, camp_ts])
    kind = np.concatenate([np.full(n_posts, "post", dtype=object), react_kind, camp_kind])
    target = np.concatenate([np.full(n_posts, -1), react_target, camp_target])
    event_ids = np.array([f"e{i}" for i in range(n_events)], dtype=object)
    target_event = np.where(target >= 0, event_ids[np.maximum(target, 0)], None)
    target_account = np.where(target >= 0, ids[post_author[np.maximum(target, 0)]], None)
    # mentions: 20% of non-repost events name one account (officials boosted; campaign names officials)
    mention_to = np.where(
        rng.random(n_events) < 0.3,
        rng.choice(officials, n_events),
        rng.choice(organic, n_events, p=activity),
    )
    mention_to[n_posts + n_react :] = rng.choice(officials, n_campaign)
    has_mention = (rng.random(n_events) < 0.2) & (kind != "repost")
    mention_handles = handles[mention_to]
    mentions = [[h] if m else [] for h, m in zip(mention_handles, has_mention, strict=True)]
    frame = pd.DataFrame(
        {
            "event_id": event_ids,
            "platform": "twitter",
            "account_id": ids[author],
            "account_name": handles[author],
            "ts": ts.astype(np.int64),
            "kind": kind,
            "target_event_id": target_event,
            "target_account_id": target_account,
            "text": None,
            "mentions": mentions,
        }
    )
    events = validate_events(frame, normalize=False)
    roles = np.array(OFFICIAL_ROLES, dtype=object)[np.arange(n_officials) % len(OFFICIAL_ROLES)]
    countries = np.array([f"C{i % 12:02d}" for i in range(n_officials)], dtype=object)
    accounts = validate_accounts(
        pd.DataFrame(
            {
                "account_id": ids,
                "account_name": handles,
                "followers": (rng.pareto(1.1, n_accounts) * 100).astype(np.int64),
                "official_role": np.concatenate(
                    [roles, np.full(n_accounts - n_officials, None, dtype=object)]
                ),
                "official_country": np.concatenate(
                    [countries, np.full(n_accounts - n_officials, None, dtype=object)]
                ),
            }
        )
    )
    registry = registry_from_records(
        (i + 2, {"handle": "@" + handles[i].upper(), "country": countries[i], "role": roles[i]})
        for i in range(n_officials)
    )
    flagged_ids = set(ids[flagged])
    cluster_of = {ids[a]: int(i % n_clusters) for i, a in enumerate(flagged)}
    return events, accounts, registry, flagged_ids, cluster_of


def run(quick: bool, seed: int, pivots: int) -> dict:
    """Generate data, time the analysis and the baselines; return the result dict."""
    if quick:
        sizes = {
            "n_events": 50_000,
            "n_accounts": 5_000,
            "n_officials": 20,
            "n_flagged": 200,
            "n_clusters": 5,
        }
    else:
        sizes = {
            "n_events": 1_000_000,
            "n_accounts": 100_000,
            "n_officials": 60,
            "n_flagged": 2_000,
            "n_clusters": 20,
        }
    t = time.perf_counter()
    events, accounts, registry, flagged, cluster_of = make_data(**sizes, seed=seed)
    prep_s = time.perf_counter() - t
    rss_before = peak_rss_mb()

    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    rows = interaction_rows(events, accounts, "all")
    timings["interaction_rows"] = time.perf_counter() - t0
    t = time.perf_counter()
    graph = graph_from_rows(rows, events, accounts, kind="all")
    timings["graph"] = time.perf_counter() - t
    t = time.perf_counter()
    result = amplification_audit(
        events,
        registry,
        flagged,
        cluster_of,
        accounts=accounts,
        rows=rows,
        graph=graph,
        pivots=pivots,
        seed=seed,
    )
    timings["audit_with_centrality"] = time.perf_counter() - t
    total = time.perf_counter() - t0
    peak = peak_rss_mb()

    # sanity: the injected campaign must show up
    official_rows = result.officials
    mean_flagged_share = float(official_rows["flagged_share"].mean())

    # baselines on the same graph
    nxg = to_networkx(graph)
    ig_pr_s, pr_ig = best_of(lambda: pagerank(graph))
    nx_pr_s, pr_nx = best_of(lambda: nx.pagerank(nxg, alpha=0.85, weight="weight", tol=1e-10))
    pr_diff = float(np.max(np.abs(pr_ig - np.array([pr_nx[n] for n in graph.vs["name"]]))))
    k = 16
    ig_bt_s, _ = best_of(lambda: betweenness(graph, exact_max_vertices=0, pivots=k, seed=seed))
    nx_bt_s, _ = best_of(
        lambda: nx.betweenness_centrality(nxg, k=k, normalized=False, seed=seed), repeats=1
    )

    n = sizes["n_events"]
    return {
        "benchmark": "officials",
        "quick": quick,
        "sizes": sizes,
        "seed": seed,
        "graph": {"vertices": graph.vcount(), "edges": graph.ecount(), "interactions": len(rows)},
        "officials_matched": len(official_rows),
        "betweenness": {
            "method": result.params["betweenness_method"],
            "pivots": result.params["betweenness_pivots"],
        },
        "prep_s": round(prep_s, 3),
        "time_s": {k2: round(v, 3) for k2, v in timings.items()},
        "total_s": round(total, 3),
        "events_per_s": round(n / total, 1),
        "rss_before_analysis_mb": round(rss_before, 1),
        "peak_rss_mb": round(peak, 1),
        "mean_official_flagged_share": round(mean_flagged_share, 4),
        "baseline": {
            "pagerank": {
                "igraph_s": round(ig_pr_s, 4),
                "networkx_s": round(nx_pr_s, 4),
                "speedup": round(nx_pr_s / max(ig_pr_s, 1e-9), 1),
                "max_abs_diff": pr_diff,
            },
            f"betweenness_k{k}": {
                "ours_s": round(ig_bt_s, 4),
                "networkx_s": round(nx_bt_s, 4),
                "speedup": round(nx_bt_s / max(ig_bt_s, 1e-9), 1),
            },
        },
        "target_s": 60.0,
        "machine": {
            "python": sys.version.split()[0],
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "loadavg_1m_at_end": round(os.getloadavg()[0], 2),
        },
    }


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small size (< 30 s), for CI")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--pivots", type=int, default=256, help="betweenness pivots")
    parser.add_argument("--out", type=Path, default=None, help="JSON output path")
    args = parser.parse_args(argv)
    result = run(args.quick, args.seed, args.pivots)
    out = (
        args.out
        or Path(__file__).parent
        / "results"
        / f"bench_officials{'_quick' if args.quick else ''}.json"
    )
    write_text_atomic(out, json.dumps(result, indent=2, sort_keys=True) + "\n")
    print(json.dumps(result, indent=2, sort_keys=True))
    print(f"wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

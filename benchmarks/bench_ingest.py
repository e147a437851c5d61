"""Ingest throughput: synthetic Twitter v2 JSON Lines and information-operations archive CSV.

Generates (deterministically, seed 0) N flattened v2 tweets (twarc2 flatten
shape: ``author`` embedded, retweets/quotes/replies with ``referenced_tweets``,
hashtags, mentions, URLs, some CJK and emoji) and N archive CSV rows into a
temporary directory, then reads each with :func:`detector.io.read_inputs`.

Each format is measured in a fresh process. Reported per input: records/s,
MB/s (uncompressed input bytes), wall time, peak memory (peak RSS of that
process after the read, ``_common.peak_rss_mb``; ``--tracemalloc`` adds
tracemalloc's peak, slower),
and a baseline measured in the same process after the read: ``orjson.loads``
(``json.loads`` without orjson, as the reader uses) over the lines for v2 and
``pandas.read_csv(dtype=str)`` for the CSV; ``ratio_vs_baseline`` = reader
time / baseline time.

Sizes: full run N = 1,000,000 each (about 0.7 GB of JSON and 0.3 GB of CSV);
``--quick`` N = 50,000 (CI). Output: JSON on stdout and in
``benchmarks/results/bench_ingest[_quick].json`` (``--out`` to change).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import sys
import tempfile
import tracemalloc
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from detector.io import read_inputs
from detector.io.jsonstream import loads

from _common import peak_rss_mb, timed

FULL_N = 1_000_000
QUICK_N = 50_000
TEXTS = [
    "Breaking: talks resume in Geneva today",
    "大使館からのお知らせ：本日は休館です 🙏",
    "Great speech by the minister! 👏👏",
    "대사관 행사에 오신 것을 환영합니다",
    "Read the full statement here",
    "Ceasefire now. Share widely",
]
TAGS = ["Diplomacy", "Geneva", "平和", "Peace", "News", "대사관"]
URLS = [
    "https://www.example.gov/press/2024/01?utm_source=twitter",
    "https://news.example.com/story/123",
    "https://example.org/a/b/",
]


def _v2_lines(n: int, seed: int = 0) -> list[str]:
    rng = np.random.default_rng(seed)
    n_users = max(n // 20, 10)
    authors = rng.integers(0, n_users, n)
    kinds = rng.choice(4, n, p=[0.45, 0.35, 0.1, 0.1])  # post, retweet, quote, reply
    targets = np.maximum(np.arange(n) - rng.integers(1, 1000, n), 0)
    times = 1_700_000_000 + np.sort(rng.integers(0, 30 * 86_400, n))
    text_i = rng.integers(0, len(TEXTS), n)
    tag_i = rng.integers(0, len(TAGS), n)
    url_i = rng.integers(-2, len(URLS), n)
    iso = pd.to_datetime(times, unit="s", utc=True).strftime("%Y-%m-%dT%H:%M:%S.000Z").tolist()
    lines = []
    append = lines.append
    for i in range(n):
        a = int(authors[i])
        tag = TAGS[tag_i[i]]
        text = f"{TEXTS[text_i[i]]} #{tag}"
        entities = f'"hashtags":[{{"start":0,"end":1,"tag":"{tag}"}}]'
        if url_i[i] >= 0:
            entities += f',"urls":[{{"start":0,"end":1,"url":"https://t.co/x","expanded_url":"{URLS[url_i[i]]}"}}]'
        kind = kinds[i]
        t = int(targets[i])
        ref = ""
        if kind == 1:
            text = f"RT @user{t % n_users}: {text}"
            ref = f',"referenced_tweets":[{{"type":"retweeted","id":"{10**15 + t}"}}]'
            entities += f',"mentions":[{{"start":3,"end":9,"username":"user{t % n_users}","id":"{t % n_users}"}}]'
        elif kind == 2:
            ref = f',"referenced_tweets":[{{"type":"quoted","id":"{10**15 + t}"}}]'
        elif kind == 3:
            ref = f',"referenced_tweets":[{{"type":"replied_to","id":"{10**15 + t}"}}],"in_reply_to_user_id":"{t % n_users}"'
        append(
            f'{{"id":"{10**15 + i}","text":{json.dumps(text, ensure_ascii=False)},"author_id":"{a}",'
            f'"created_at":"{iso[i]}","lang":"en","conversation_id":"{10**15 + i}",'
            f'"edit_history_tweet_ids":["{10**15 + i}"],"entities":{{{entities}}}{ref},'
            f'"public_metrics":{{"retweet_count":0,"reply_count":0,"like_count":0,"quote_count":0}},'
            f'"author":{{"id":"{a}","username":"user{a}","name":"User {a}","created_at":"2020-01-01T00:00:00.000Z",'
            f'"public_metrics":{{"followers_count":{a % 997},"following_count":{a % 101},"tweet_count":{a % 5003}}}}}}}'
        )
    return lines


def _archive_frame(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed + 1)
    n_users = max(n // 20, 10)
    users = rng.integers(0, n_users, n)
    is_rt = rng.random(n) < 0.4
    targets = np.maximum(np.arange(n) - rng.integers(1, 1000, n), 0)
    times = 1_700_000_000 + np.sort(rng.integers(0, 30 * 86_400, n))
    tag_a = np.array(TAGS, dtype=object)[rng.integers(0, len(TAGS), n)]
    tag_b = np.array(TAGS, dtype=object)[rng.integers(0, len(TAGS), n)]
    url = np.array(URLS, dtype=object)[rng.integers(0, len(URLS), n)]
    text = np.array(TEXTS, dtype=object)[rng.integers(0, len(TEXTS), n)]
    user_s = pd.Series(users).astype(str)
    target_s = pd.Series(10**15 + targets).astype(str)
    return pd.DataFrame(
        {
            "tweetid": pd.Series(10**15 + np.arange(n)).astype(str),
            "userid": user_s,
            "user_display_name": "User " + user_s,
            "user_screen_name": "user" + user_s,
            "follower_count": users % 997,
            "following_count": users % 101,
            "account_creation_date": "2020-01-01",
            "tweet_language": "en",
            "tweet_text": np.where(
                is_rt, "RT @user" + pd.Series(targets % n_users).astype(str) + ": " + text, text
            ),
            "tweet_time": pd.to_datetime(times, unit="s", utc=True).strftime("%Y-%m-%d %H:%M"),
            "is_retweet": np.where(is_rt, "true", "false"),
            "retweet_userid": np.where(is_rt, pd.Series(targets % n_users).astype(str), ""),
            "retweet_tweetid": np.where(is_rt, target_s, ""),
            "in_reply_to_tweetid": "",
            "in_reply_to_userid": "",
            "quoted_tweet_tweetid": "",
            "hashtags": "[" + pd.Series(tag_a) + ", " + pd.Series(tag_b) + "]",
            "urls": "['" + pd.Series(url) + "']",
            "user_mentions": "[]",
        }
    )


def _baseline_json(path: Path) -> int:
    count = 0
    with open(path, "rb") as fh:
        for line in fh:
            loads(line)
            count += 1
    return count


def _baseline_csv(path: Path) -> int:
    return len(pd.read_csv(path, dtype=str))


def _measure(name: str, path: str, n: int, traced: bool) -> dict:
    """Run in a fresh process: reader timing and peak memory, then the baseline."""
    path = Path(path)
    rss_before = peak_rss_mb()
    if traced:
        tracemalloc.start()
    result, elapsed = timed(lambda: read_inputs(path))
    peak_traced = tracemalloc.get_traced_memory()[1] / 1e6 if traced else None
    if traced:
        tracemalloc.stop()
    rss_after = peak_rss_mb()
    kept = result.log.kept
    assert kept == n, (name, result.log.summary()["skipped_by_reason"])
    del result
    baseline = _baseline_json if name.startswith("twitter") else _baseline_csv
    rows, base_s = timed(lambda: baseline(path))
    assert rows == n
    size_mb = path.stat().st_size / 1e6
    out = {
        "records": n,
        "input_mb": round(size_mb, 1),
        "seconds": round(elapsed, 3),
        "records_per_s": round(n / elapsed),
        "mb_per_s": round(size_mb / elapsed, 2),
        "peak_rss_mb": round(rss_after, 1),
        "rss_before_read_mb": round(rss_before, 1),
        "baseline": "orjson.loads per line"
        if name.startswith("twitter")
        else "pandas.read_csv(dtype=str)",
        "baseline_seconds": round(base_s, 3),
        "ratio_vs_baseline": round(elapsed / base_s, 2),
    }
    if peak_traced is not None:
        out["peak_traced_mb"] = round(peak_traced, 1)
    return out


def _generate(n: int, workdir: str) -> None:
    Path(workdir, "tweets_v2.jsonl").write_text("\n".join(_v2_lines(n)) + "\n", encoding="utf-8")
    _archive_frame(n).to_csv(Path(workdir, "archive.csv"), index=False)


def run(n: int, workdir: Path, traced: bool = False) -> dict:
    """Generate, then measure each format in its own fresh process (so peak RSS is the read's)."""
    ctx = multiprocessing.get_context("spawn")
    results: dict = {}
    with ProcessPoolExecutor(1, mp_context=ctx) as pool:
        _, gen_s = timed(lambda: pool.submit(_generate, n, str(workdir)).result())
    results["generate_s"] = round(gen_s, 2)
    for name, file in (("twitter_v2_jsonl", "tweets_v2.jsonl"), ("io_archive_csv", "archive.csv")):
        with ProcessPoolExecutor(1, mp_context=ctx) as pool:
            results[name] = pool.submit(_measure, name, str(workdir / file), n, traced).result()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--quick", action="store_true", help=f"{QUICK_N:,} records instead of {FULL_N:,}"
    )
    parser.add_argument("-n", type=int, default=None, help="records per format (overrides --quick)")
    parser.add_argument("--out", type=Path, default=None, help="JSON result path")
    parser.add_argument(
        "--tracemalloc", action="store_true", help="also report tracemalloc's peak (slower)"
    )
    args = parser.parse_args(argv)
    n = args.n or (QUICK_N if args.quick else FULL_N)
    with tempfile.TemporaryDirectory(prefix="bench_ingest_") as tmp:
        results = run(n, Path(tmp), traced=args.tracemalloc)
    payload = {
        "benchmark": "ingest",
        "n": n,
        "quick": bool(args.quick),
        "python": sys.version.split()[0],
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "load_average_1m_at_end": round(os.getloadavg()[0], 2),
        **results,
    }
    out = (
        args.out
        or Path(__file__).resolve().parent
        / "results"
        / f"bench_ingest{'_quick' if args.quick else ''}.json"
    )
    from detector.fsutil import write_text_atomic

    write_text_atomic(out, json.dumps(payload, indent=2, sort_keys=True) + "\n")
    print(json.dumps(payload, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

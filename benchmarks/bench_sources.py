"""Reading throughput of the Telegram Desktop and weibo-crawler readers.

Generates (deterministically, seed 0) one Telegram channel export
(``result.json``: N messages, a tenth of them forwards, a tenth replies, one
in fifty a service message, texts as entity lists with hashtags and links) and
one weibo-crawler JSON file (N posts, a third of them reposts, dates only for
half), then reads each with :func:`detector.io.read_inputs` (format sniffed).

Reported per input: records/s, MB/s, wall time, peak RSS of a fresh process
(``_common.peak_rss_mb``), and a baseline in the same process:
``json.load`` of the whole file (both exports are one JSON object, which
the readers must parse whole too); ``ratio_vs_baseline`` = reader time /
baseline time.

Sizes: N = 200,000 each (about 100 MB of JSON); ``--quick`` N = 20,000.
Output: JSON on stdout and in ``benchmarks/results/bench_sources[_quick].json``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import platform
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from detector.io import read_inputs

from _common import peak_rss_mb, timed

FULL_N = 200_000
QUICK_N = 20_000
BASE = 1_709_287_500


def telegram_export(n: int, seed: int = 0) -> dict:
    """A channel's ``result.json`` with ``n`` rows."""
    rng = np.random.default_rng(seed)
    kinds = rng.choice(4, n, p=[0.78, 0.1, 0.1, 0.02])  # post, forward, reply, service
    gaps = np.cumsum(rng.integers(1, 600, n))
    messages = []
    for i in range(n):
        ts = int(BASE + gaps[i])
        common = {"id": i + 1, "date": "2024-03-01T10:00:00", "date_unixtime": str(ts)}
        if kinds[i] == 3:
            messages.append({**common, "type": "service", "actor": "Channel", "actor_id": "channel1",
                             "action": "pin_message", "message_id": 1, "text": "", "text_entities": []})  # fmt: skip
            continue
        tag = f"#tag{i % 50}"
        entities = [{"type": "plain", "text": f"message {i} "}, {"type": "hashtag", "text": tag},
                    {"type": "plain", "text": " "}, {"type": "link", "text": f"https://example.org/{i % 997}"}]  # fmt: skip
        message = {**common, "type": "message", "from": "Channel", "from_id": "channel1",
                   "text": [entities[0]["text"], entities[1], " ", entities[3]], "text_entities": entities}  # fmt: skip
        if kinds[i] == 1:
            message["forwarded_from"] = f"Origin {i % 30}"
            message["forwarded_from_id"] = f"channel{1000 + i % 30}"
        elif kinds[i] == 2 and i:
            message["reply_to_message_id"] = int(rng.integers(1, i + 1))
        messages.append(message)
    return {"name": "Channel", "type": "public_channel", "id": 1, "messages": messages}


def weibo_export(n: int, seed: int = 0) -> dict:
    """A weibo-crawler JSON file with ``n`` posts."""
    rng = np.random.default_rng(seed + 1)
    reposts = rng.random(n) < 1 / 3
    day_only = rng.random(n) < 0.5
    posts = []
    for i in range(n):
        clock = f"{i % 24:02d}:{i % 60:02d}:{(7 * i) % 60:02d}"
        day = f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}"
        post = {"user_id": 3000000002, "screen_name": "用户", "id": 4990000000000000 + i,
                "text": f"微博正文 {i} #话题{i % 40}# http://t.cn/A{i % 500}", "created_at": day,
                "topics": f"话题{i % 40}", "at_users": "外交部发言人办公室" if i % 7 == 0 else ""}  # fmt: skip
        if not day_only[i]:
            post["full_created_at"] = f"{day} {clock}"
        if reposts[i]:
            post["text"] = "转发微博"
            post["retweet"] = {"user_id": 3000000001 + i % 100, "screen_name": f"源{i % 100}",
                               "id": 4980000000000000 + i % 5000, "text": f"原文 {i % 5000}",
                               "created_at": day, "topics": "", "at_users": ""}  # fmt: skip
        posts.append(post)
    user = {"id": "3000000002", "screen_name": "用户", "registration_time": "2015-06-01",
            "followers_count": "1.2万", "follow_count": 300, "statuses_count": n}  # fmt: skip
    return {"user": user, "weibo": posts}


def _measure(name: str, path: str, expected: int) -> dict:
    path = Path(path)
    result, seconds = timed(lambda: read_inputs(path))
    rss = peak_rss_mb()
    kept = len(result.events)
    assert kept == expected, (name, kept, expected, result.log.summary()["skipped_by_reason"])
    fmt = result.log.files[0]["format"]
    records = result.log.records_read
    del result

    def baseline() -> int:
        with open(path, encoding="utf-8") as fh:
            return len(json.load(fh))

    _, base_s = timed(baseline)
    size_mb = path.stat().st_size / 1e6
    return {
        "format": fmt, "records": records, "events": kept, "input_mb": round(size_mb, 1),
        "seconds": round(seconds, 3), "records_per_s": round(records / seconds),
        "mb_per_s": round(size_mb / seconds, 2), "peak_rss_mb": round(rss, 1),
        "baseline": "json.load of the whole file", "baseline_seconds": round(base_s, 3),
        "ratio_vs_baseline": round(seconds / base_s, 2),
    }  # fmt: skip


def run(n: int, workdir: Path) -> dict:
    """Generate both exports, then measure each in its own fresh process."""
    tg, wb = telegram_export(n), weibo_export(n)
    expected = {
        "telegram": sum(m["type"] == "message" for m in tg["messages"]),
        "weibo": len(wb["weibo"]),
    }
    paths = {"telegram": workdir / "result.json", "weibo": workdir / "3000000002.json"}
    paths["telegram"].write_text(json.dumps(tg, ensure_ascii=False, indent=1), encoding="utf-8")
    paths["weibo"].write_text(json.dumps(wb, ensure_ascii=False, indent=4), encoding="utf-8")
    del tg, wb
    out = {}
    ctx = multiprocessing.get_context("spawn")
    for name, path in paths.items():
        with ProcessPoolExecutor(1, mp_context=ctx) as pool:
            out[name] = pool.submit(_measure, name, str(path), expected[name]).result()
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--quick", action="store_true", help=f"N = {QUICK_N:,} instead of {FULL_N:,}"
    )
    parser.add_argument(
        "--n", type=int, default=None, help="records per format (overrides --quick)"
    )
    parser.add_argument("--out", default=None, help="where to write the JSON result")
    args = parser.parse_args(argv)
    n = args.n or (QUICK_N if args.quick else FULL_N)
    with tempfile.TemporaryDirectory() as tmp:
        results = run(n, Path(tmp))
    payload = {
        "benchmark": "sources",
        "n": n,
        "python": platform.python_version(),
        "results": results,
    }
    text = json.dumps(payload, indent=2, ensure_ascii=False)
    print(text)
    default = (
        Path(__file__).parent / "results" / f"bench_sources{'_quick' if args.quick else ''}.json"
    )
    target = Path(args.out) if args.out else default
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {target}", file=sys.stderr)


if __name__ == "__main__":
    main()

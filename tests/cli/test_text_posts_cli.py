"""``text_posts.csv`` end to end: written by ``detector duplicates`` and ``detector scan``, and the
HTML report's example posts are its rows."""

from __future__ import annotations

import csv
import html
import json

import pandas as pd
import pytest
from test_cli_scan import run

from detector.io import write_canonical
from detector.schema import accounts_from_records, events_from_records

BASE = (
    "The embassy strongly condemns the irresponsible remarks made by the foreign minister "
    "about our country and its people"
)
EDITS = [
    BASE,
    BASE.replace("strongly", "stroongly") + " #truth",
    BASE.replace("irresponsible", "irre.sponsible") + " https://t.co/abc123",
    BASE.replace("minister", "minixter") + " 🇨🇳",
    "=HYPERLINK(\"http://evil.example\") " + BASE,
    BASE.replace("remarks", "re marks"),
]
ZH = "外交部发言人表示，中方坚决反对任何国家干涉中国内政，敦促有关方面停止错误言行。"
ZH_EDITS = [ZH, ZH.replace("坚决", "坚坚决") + " #外交", ZH.replace("干涉", "干，涉")]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    d = tmp_path_factory.mktemp("text_posts")
    t0 = 1_700_000_000
    rows = []
    for k, text in enumerate(EDITS):  # one copy-paste crew, posting within a minute, three times a day
        for day in range(3):
            rows.append({"event_id": f"c{k}_{day}", "account_id": f"c{k}", "account_name": f"crew_{k}",
                         "ts": t0 + day * 86_400 + 7 * k, "kind": "post", "text": text})
    for k, text in enumerate(ZH_EDITS):
        rows.append({"event_id": f"z{k}", "account_id": f"z{k}", "account_name": f"zh_{k}",
                     "ts": t0 + 3_600 + 11 * k, "kind": "post", "text": text})
    for k in range(30):  # unrelated chatter, including short wishes that look alike
        rows.append({"event_id": f"o{k}", "account_id": f"o{k % 10}", "account_name": f"org_{k % 10}",
                     "ts": t0 + 1_000 * k, "kind": "post",
                     "text": "stay safe everyone 🙏" if k % 3 == 0 else f"my cat number {k} likes the sun at {k} pm"})
    events = events_from_records(rows)
    accounts = accounts_from_records(
        {"account_id": a, "account_name": n, "created_at": t0 - 5 * 86_400}
        for a, n in dict(zip(events["account_id"], events["account_name"], strict=True)).items()
    )
    write_canonical(events, accounts, d / "events.parquet")
    return d


def _rows(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_duplicates_writes_text_posts(inputs, tmp_path):
    out = tmp_path / "dups"
    proc = run("duplicates", str(inputs / "events.parquet"), "-o", str(out), "--json")
    summary = json.loads(proc.stdout)
    assert summary["clusters"] == 2
    posts = _rows(out / "text_posts.csv")
    assert list(posts[0]) == ["event_id", "cluster_id", "account_id", "account_name", "ts", "text"]
    by_cluster = {}
    for p in posts:
        by_cluster.setdefault(p["cluster_id"], set()).add(p["event_id"])
    assert by_cluster == {
        "0": {f"c{k}_{d}" for k in range(len(EDITS)) for d in range(3)},
        "1": {f"z{k}" for k in range(len(ZH_EDITS))},
    }
    assert [int(p["ts"]) for p in posts if p["cluster_id"] == "0"] == sorted(
        int(p["ts"]) for p in posts if p["cluster_id"] == "0"
    )
    for p in posts:  # formulas neutralised in every cell
        assert not any(v.startswith(("=", "+", "@")) for v in p.values()), p
    assert any("HYPERLINK" in p["text"] for p in posts)
    clusters = pd.read_csv(out / "text_clusters.csv")
    assert clusters["size"].tolist() == [len(by_cluster["0"]), len(by_cluster["1"])]


def test_scan_writes_text_posts(inputs, tmp_path):
    out = tmp_path / "scan"
    run("scan", str(inputs / "events.parquet"), "-o", str(out), "-q")
    posts = _rows(out / "text_posts.csv")
    assert list(posts[0]) == ["event_id", "cluster_id", "account_id", "account_name", "ts", "text"]
    assert {p["event_id"] for p in posts} == {f"c{k}_{d}" for k in range(len(EDITS)) for d in range(3)} | {
        f"z{k}" for k in range(len(ZH_EDITS))
    }
    assert {p["account_name"] for p in posts if p["account_id"] == "c1"} == {"crew_1"}
    for p in posts:
        assert not any(v.startswith(("=", "+", "@")) for v in p.values()), p


def test_html_example_posts_are_text_posts_rows(tmp_path):
    from test_pipeline_scenario import scenario

    from detector.pipeline import run_scan, write_outputs

    events, accounts, _ = scenario(seed=0)
    result = run_scan(events, accounts)
    write_outputs(result, tmp_path)
    posts = {p["event_id"]: p for p in _rows(tmp_path / "text_posts.csv")}
    assert posts and len(posts) == len(result.text_posts)
    top = result.report["clusters"][0]
    samples = top["sample_texts"]
    assert samples
    assert len({s["text_cluster_id"] for s in samples}) == 1  # copies of one text, side by side
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    for s in samples:
        row = posts[s["event_id"]]
        assert int(row["ts"]) == s["ts"] and row["cluster_id"] == str(s["text_cluster_id"])
        assert row["text"] == s["text"] and row["account_name"] == s["account_name"]
        assert html.escape(s["text"], quote=False) in page

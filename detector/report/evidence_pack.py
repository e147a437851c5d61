"""Evidence packs (``--evidence-pack``): one folder per flagged cluster, for a referral.

``OUT/evidence_pack/cluster-<id>/`` holds:

=================  ===========================================================================
file               content
=================  ===========================================================================
``posts.csv``      every event of the cluster's members in the scan: ``event_id, platform,
                   account_id, account_name, ts`` (UTC seconds), ``time_utc, kind,
                   target_event_id, target_account_id, text, hashtags, urls`` and ``post_url``
                   (only with ``--link-posts``), oldest first; formula-safe CSV
``members.csv``    the members: ``account_id, account_name, score, flagged, created_at``
                   (UTC seconds), ``reasons`` (``; ``-joined), highest score first
``subgraph.gexf``  the coordination edges between members (Gephi; node score/flag attributes)
``cluster.html``   the cluster's section of the report as its own self-contained page
=================  ===========================================================================

Every file is written atomically; the same scan gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import numpy as np
import pandas as pd

from detector.fsutil import write_text_atomic
from detector.report.csvsafe import write_csv

__all__ = ["PACK_DIR", "PACK_FILES", "write_evidence_packs"]

PACK_DIR = "evidence_pack"
PACK_FILES: tuple[str, ...] = ("posts.csv", "members.csv", "subgraph.gexf", "cluster.html")

_POST_COLUMNS = (
    "event_id", "platform", "account_id", "account_name", "ts", "kind",
    "target_event_id", "target_account_id", "text", "hashtags", "urls",
)


def _posts(events: pd.DataFrame, members: set[str], link_posts: bool) -> pd.DataFrame:
    from detector.report.links import post_url

    ev = events[events["account_id"].astype(str).isin(members).to_numpy(dtype=bool)]
    ev = ev.sort_values(["ts", "event_id"], kind="mergesort")
    out = ev[[c for c in _POST_COLUMNS if c in ev.columns]].reset_index(drop=True)
    out.insert(
        5, "time_utc", [dt.datetime.fromtimestamp(int(t), dt.UTC).strftime("%Y-%m-%d %H:%M:%S") for t in out["ts"]]
    )
    if link_posts:
        out["post_url"] = [
            post_url(p, e, n) for p, e, n in zip(out["platform"], out["event_id"], out["account_name"], strict=True)
        ]
    return out


def _members(scored: pd.DataFrame, cid: int, names: dict[str, str], accounts: pd.DataFrame | None) -> pd.DataFrame:
    mem = scored[(scored["cluster_id"] == cid).fillna(False).to_numpy(dtype=bool)]
    mem = mem.sort_values(["score", "account_id"], ascending=[False, True], kind="mergesort")
    created: dict[str, int] = {}
    if accounts is not None and len(accounts) and "created_at" in accounts.columns:
        a = accounts.dropna(subset=["created_at"]).drop_duplicates("account_id", keep="last")
        created = dict(zip(a["account_id"].astype(str), a["created_at"].astype(np.int64), strict=True))
    return pd.DataFrame(
        {
            "account_id": mem["account_id"].astype(str).to_numpy(),
            "account_name": [names.get(a, a) for a in mem["account_id"].astype(str)],
            "score": mem["score"].to_numpy(),
            "flagged": mem["flagged"].astype(bool).to_numpy(),
            "created_at": pd.array([created.get(a) for a in mem["account_id"].astype(str)], dtype="Int64"),
            "reasons": ["; ".join(r) for r in mem["reasons"]],
        }
    )


def write_evidence_packs(
    result, outdir: str | os.PathLike[str], *, link_posts: bool = False, pseudonymize_key: str | None = None
) -> list[Path]:
    """Write one evidence pack per flagged cluster of ``result`` (a ``ScanResult``); return the folders.

    Flagged clusters are those of ``result.report["clusters"]`` (for ``detector
    hashtag``: the groups active on the hashtag). ``link_posts`` adds
    ``post_url`` to posts.csv. ``pseudonymize_key`` applies
    to ``cluster.html`` only (like ``report.html``; the CSV files keep real ids).
    """
    from detector.report.focus import account_names
    from detector.report.html import render_cluster_html
    from detector.report.outputs import _write_graphs

    report = result.report
    flagged = [int(c["cluster_id"]) for c in report.get("clusters") or [] if c.get("flagged")]
    if not flagged:
        return []
    names = account_names(result.events, result.accounts)
    edges = result.edges
    folders = []
    for cid in flagged:
        folder = Path(outdir) / PACK_DIR / f"cluster-{cid}"
        folder.mkdir(parents=True, exist_ok=True)
        members = set(result.scored.loc[(result.scored["cluster_id"] == cid).fillna(False), "account_id"].astype(str))
        write_csv(_posts(result.events, members, link_posts), folder / "posts.csv")
        write_csv(_members(result.scored, cid, names, result.accounts), folder / "members.csv")
        inside = (
            edges[edges["account_a"].astype(str).isin(members) & edges["account_b"].astype(str).isin(members)]
            if len(edges)
            else edges
        )
        inside = inside.sort_values(["account_a", "account_b"], kind="mergesort")
        _write_graphs(result, folder, names, inside, stem="subgraph", formats=("gexf",))
        write_text_atomic(folder / "cluster.html", render_cluster_html(report, cid, pseudonymize_key=pseudonymize_key))
        folders.append(folder)
    return folders

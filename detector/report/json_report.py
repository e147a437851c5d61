"""Assemble the versioned ``report.json`` dict (schema: ``detector/report/SCHEMA.md``).

Pure functions from scan tables to plain JSON-ready Python values: no I/O
here except :func:`write_report`. Every list is explicitly sorted; floats are
rounded (6 digits) and NaN becomes ``None`` so the same scan gives the same
bytes.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from detector import thresholds as th
from detector.fsutil import write_text_atomic
from detector.thresholds import REPORTED_CLUSTER_SCORE

__all__ = [
    "SCHEMA_VERSION",
    "account_entries",
    "auto_bin_seconds",
    "build_report",
    "cluster_entries",
    "input_summary",
    "input_warnings",
    "jsonable",
    "timeline",
    "top_weight_rows",
    "verdict",
    "write_report",
]

SCHEMA_VERSION = "2.4"
"""Major version bumps when a key is removed or renamed (2.0: ``methods.timings_s`` removed; 2.2-2.4: additions)."""

MAX_CLUSTERS = 50
MAX_CLUSTER_ACCOUNTS = 50
MAX_CLUSTER_EDGES = 200
MAX_CLUSTER_ACTIONS = 500
MAX_SAMPLE_TEXTS = 6
MAX_TOP_OBJECTS = 10
MAX_ACCOUNTS = 5000


def jsonable(value: Any) -> Any:
    """Recursively convert numpy/pandas scalars to Python, NaN/NA to ``None``, floats rounded."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray, pd.Series)):
        return [jsonable(v) for v in value]
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        f = float(value)
        return None if not math.isfinite(f) else round(f, 6)
    return str(value) if not isinstance(value, str) else value


def _counts(series: pd.Series) -> dict[str, int]:
    vc = series.dropna().astype(str).value_counts()
    return {k: int(vc[k]) for k in sorted(vc.index)}


COMPANION_COVERAGE: dict[str, tuple[str, ...]] = {
    "academictwitter-users": ("profile", "creation_date", "posts_count", "follower_counts", "default_profile"),
}
"""Companion file kind -> the ``evidence_coverage`` keys its content feeds (a users file: the profiles)."""


def _companion_entries(companions: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """``input_summary.skipped_companions``: by file, each naming the evidence coverage it lowers.

    Files are named without their folder (a forwarded report should not show the
    analyst's paths, and the same input gives the same bytes wherever it lies);
    the ingest summary and stderr give the paths.
    """
    keep = ("companion", "kind", "problem", "detail", "events", "unknown_authors", "missing")
    entries = [
        {
            "file": os.path.basename(str(c.get("file"))),
            **{k: c.get(k) for k in keep},
            "coverage": list(COMPANION_COVERAGE.get(str(c.get("kind")), ())),
        }
        for c in companions
    ]
    return sorted(entries, key=lambda e: (e["file"], str(e["companion"])))


def input_warnings(entries: Sequence[Mapping[str, Any]]) -> list[str]:
    """``verdict.input_warnings``: one plain sentence on the skipped companion files (``[]`` when none).

    ``entries``: ``input_summary.skipped_companions``. A folder of hundreds of
    pages gives one sentence, not hundreds; every file is in ``entries``.
    """
    if not entries:
        return []
    problems: dict[str, int] = {}
    for e in entries:
        problems[str(e["problem"])] = problems.get(str(e["problem"]), 0) + 1
    how = ", ".join(f"{n} {p}" for p, n in sorted(problems.items()))
    first = entries[0]
    unknown = sum(int(e.get("unknown_authors") or 0) for e in entries)
    events = sum(int(e.get("events") or 0) for e in entries)
    missing = list(first.get("missing") or ["their content"])
    text = (
        f"Incomplete input: {len(entries):,} file(s) were read without their companion file ({how}; e.g. "
        f"{first['file']} without {first['companion']}). "
    )
    if unknown:
        text += (
            f"The {', '.join(missing[:-1]) or missing[-1]} of the authors of {unknown:,} of their {events:,} events "
            "are unknown, so the evidence that needs them counts as ordinary for those accounts."
        )
    else:
        text += f"Their authors were found in other companion files, but {missing[-1]} only those files hold are unknown."
    return [text + " Give the whole folder, with readable companion files, for a complete check."]


def input_summary(
    events: pd.DataFrame,
    accounts: pd.DataFrame | None,
    skipped: Mapping[str, int] | None = None,
    coverage: Mapping[str, float] | None = None,
    companions: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """``input_summary`` section: counts, time range, kinds, platforms, skipped records and
    companion files (:data:`COMPANION_COVERAGE` names the coverage each lowers) and (when
    given) the evidence coverage."""
    n_acc = events["account_id"].nunique() if len(events) else 0
    out = {
        "events": int(len(events)),
        "accounts": int(n_acc),
        "first_ts": int(events["ts"].min()) if len(events) else None,
        "last_ts": int(events["ts"].max()) if len(events) else None,
        "kinds": _counts(events["kind"]) if len(events) else {},
        "platforms": _counts(events["platform"]) if len(events) else {},
        "skipped": {str(k): int(v) for k, v in sorted((skipped or {}).items())},
        "skipped_companions": _companion_entries(companions),
    }
    if coverage is not None:
        out["evidence_coverage"] = {k: round(float(v), 4) for k, v in sorted(coverage.items())}
    return out


def auto_bin_seconds(first_ts: int | None, last_ts: int | None, target_bins: int = 150) -> int:
    """A round timeline bin width (seconds) giving at most about ``target_bins`` bins."""
    if first_ts is None or last_ts is None:
        return 3600
    span = max(int(last_ts) - int(first_ts), 1)
    for width in (60, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800):
        if span / width <= target_bins:
            return width
    return 604800 * math.ceil(span / (604800 * target_bins))


def timeline(events: pd.DataFrame, flagged: set[str], bin_s: int) -> list[dict[str, int]]:
    """Events and flagged events per ``bin_s``-second bin (bins with no events omitted)."""
    if not len(events):
        return []
    t = (events["ts"].to_numpy(dtype=np.int64) // bin_s) * bin_s
    is_flagged = _isin(events["account_id"], flagged)
    frame = pd.DataFrame({"t": t, "events": 1, "flagged_events": is_flagged.astype(int)})
    agg = frame.groupby("t", sort=True).sum()
    return [
        {"t": int(ti), "events": int(r.events), "flagged_events": int(r.flagged_events)}
        for ti, r in zip(agg.index, agg.itertuples(index=False), strict=True)
    ]


def account_entries(
    scored: pd.DataFrame, names: Mapping[str, str], n_events: Mapping[str, int], limit: int = MAX_ACCOUNTS
) -> list[dict[str, Any]]:
    """``accounts`` section: flagged or non-zero score accounts, score desc then id."""
    rows = scored[(scored["score"] > 0) | scored["flagged"]].head(limit)
    out = []
    for r in rows.itertuples(index=False):
        out.append(
            {
                "account_id": r.account_id,
                "account_name": names.get(r.account_id, r.account_id),
                "score": r.score,
                "flagged": bool(r.flagged),
                "cluster_id": None if pd.isna(r.cluster_id) else int(r.cluster_id),
                "linked_cluster_id": _optional_int(getattr(r, "linked_cluster_id", None)),
                "reasons": list(r.reasons),
                "n_events": int(n_events.get(r.account_id, 0)),
            }
        )
    return out


def _optional_int(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _layer_names(edges: pd.DataFrame) -> list[str]:
    return [c[2:] for c in edges.columns if c.startswith("w_")]


def cluster_entries(
    clusters: pd.DataFrame,
    scored: pd.DataFrame,
    edges: pd.DataFrame,
    events: pd.DataFrame,
    shares: Mapping[str, pd.DataFrame],
    names: Mapping[str, str],
    gaps: Mapping[str, pd.DataFrame] | None = None,
    limit: int = MAX_CLUSTERS,
    min_score: float = REPORTED_CLUSTER_SCORE,
    posts: pd.DataFrame | None = None,
) -> list[dict[str, Any]]:
    """``clusters`` section for clusters scoring at least ``min_score`` (top ``limit``).

    Parameters
    ----------
    posts : DataFrame, optional
        ``text_posts.csv`` rows (:func:`detector.evidence.neardup.text_posts`):
        a cluster whose members posted near-duplicates shows those copies as
        its ``sample_texts``, side by side; other clusters show their first
        distinct own posts.
    shares : mapping layer -> share table (``object_id, account_id, ts``)
        Used for each cluster's top shared objects.
    gaps : mapping layer -> co-action edges with ``median_gap_s``
        Used for the cluster's median co-action gap (seconds).

    Every table is grouped by cluster once (linear in its size), not scanned
    per cluster; edges and events are indexed by row position, so the report
    of a large scan holds no copy of its millions of edges.
    """
    if clusters is None or clusters.empty:
        return []
    chosen = clusters[clusters["score"] >= min_score].head(limit)
    if chosen.empty:
        return []
    wanted = set(chosen["cluster_id"].astype(int))
    member = scored.dropna(subset=["cluster_id"])
    member = member[member["cluster_id"].astype(int).isin(wanted)]
    cluster_of = pd.Series(member["cluster_id"].astype(int).to_numpy(), index=member["account_id"].astype(str))
    members_by = {int(c): g for c, g in member.groupby(member["cluster_id"].astype(int), sort=True)}
    # row positions per cluster (the big tables are not copied or split, only indexed)
    edge_rows = _rows_by_cluster(_inside_codes(edges, cluster_of)) if len(edges) else {}
    ev_rows = _rows_by_cluster(_map_cluster(events["account_id"], cluster_of).to_numpy())
    gap_by = _median_gaps(gaps or {}, cluster_of)
    top_by = _top_objects(shares, cluster_of)
    copies_by = _copies_by_cluster(posts, cluster_of, names)
    layer_names = _layer_names(edges)
    no_rows = np.zeros(0, dtype=np.int64)
    out = []
    for c in chosen.itertuples(index=False):
        cid = int(c.cluster_id)
        mem = members_by.get(cid, scored.iloc[:0])
        n = len(mem)
        rows = edge_rows.get(cid, no_rows)
        cev = events.iloc[ev_rows.get(cid, no_rows)]
        density = (2 * len(rows) / (n * (n - 1))) if n > 1 else 0.0
        lw = {name: float(edges[f"w_{name}"].iloc[rows].sum()) for name in layer_names}
        tot = sum(lw.values())
        mix = {k: (v / tot) for k, v in sorted(lw.items()) if v > 0} if tot > 0 else {}
        top_edges = edges.iloc[top_weight_rows(edges, rows, MAX_CLUSTER_EDGES)]
        top_edges = top_edges.sort_values(["weight", "account_a", "account_b"], ascending=[False, True, True]).head(
            MAX_CLUSTER_EDGES
        )
        actions = cev.sort_values(["ts", "event_id"], kind="mergesort").head(MAX_CLUSTER_ACTIONS)
        ranked = mem.sort_values(["score", "account_id"], ascending=[False, True]).head(MAX_CLUSTER_ACCOUNTS)
        out.append(
            {
                "cluster_id": cid,
                "score": c.score,
                "flagged": bool(c.flagged),
                "size": int(c.size),
                "n_events": int(len(cev)),
                "density": density,
                "reasons": list(c.reasons),
                "accounts": [
                    {"account_id": a, "account_name": names.get(a, a), "score": sc}
                    for a, sc in zip(ranked["account_id"], ranked["score"], strict=True)
                ],
                "evidence_mix": mix,
                "median_gap_s": gap_by.get(cid),
                "top_objects": top_by.get(cid, []),
                "sample_texts": copies_by.get(cid) or _sample_texts(cev, names),
                "edges": [
                    {"a": r.account_a, "b": r.account_b, "weight": r.weight, "layers": str(r.layers).split("|")}
                    for r in top_edges.itertuples(index=False)
                ],
                "actions": [
                    {"account_name": names.get(str(a), str(a)), "ts": int(t), "kind": str(k), "event_id": str(e)}
                    for a, t, k, e in zip(
                        actions["account_id"], actions["ts"], actions["kind"], actions["event_id"], strict=True
                    )
                ],
            }
        )
    return out


def _isin(ids: pd.Series, values: Any) -> np.ndarray:
    """``ids.astype(str).isin(values)`` as a bool array, without converting string columns."""
    if not pd.api.types.is_string_dtype(ids):
        return ids.astype(str).isin(values).to_numpy(dtype=bool)
    hit = ids.isin(values if isinstance(values, pd.Index) else list(values))
    return hit.fillna(False).to_numpy(dtype=bool) if hit.hasnans else hit.to_numpy(dtype=bool)


def _map_cluster(ids: pd.Series, cluster_of: pd.Series) -> pd.Series:
    """``ids.astype(str).map(cluster_of)`` (NaN outside the chosen clusters), as float.

    String ids are looked up with a hash join in Arrow (:func:`pyarrow.compute.index_in`),
    without turning millions of edge or share endpoints into Python strings: a large
    scan has millions of edges and shares, few of them in reported clusters.
    """
    if isinstance(ids.dtype, pd.CategoricalDtype):  # each distinct id once (layer ends: categorical)
        per_category = _map_cluster(pd.Series(ids.cat.categories), cluster_of).to_numpy()
        codes = ids.cat.codes.to_numpy()
        return pd.Series(np.where(codes >= 0, per_category[codes], np.nan), index=ids.index)
    if not pd.api.types.is_string_dtype(ids) or not cluster_of.index.is_unique:
        return ids.astype(str).map(cluster_of).astype(float)
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(ids.array if isinstance(ids.dtype, pd.api.extensions.ExtensionDtype) else ids.to_numpy())
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type) or pa.types.is_null(arr.type)):
        return ids.astype(str).map(cluster_of).astype(float)
    keys = pa.array(cluster_of.index.astype(str).tolist(), type=pa.large_string())
    pos = pc.index_in(arr.cast(pa.large_string()), value_set=keys)
    pos = pc.fill_null(pos, -1).to_numpy(zero_copy_only=False)
    values = np.append(cluster_of.to_numpy(dtype=float), np.nan)  # position -1: not a member
    return pd.Series(values[pos], index=ids.index)


def _inside(edges: pd.DataFrame, cluster_of: pd.Series, columns: list[str] | None = None) -> pd.DataFrame:
    """Edges with both ends in the same (chosen) cluster, with that cluster in ``_c``.

    ``columns``: keep only these columns (selected after filtering, so a large
    table is not copied).
    """
    if edges is None or edges.empty:
        return pd.DataFrame()
    ca = _map_cluster(edges["account_a"], cluster_of).to_numpy()
    cb = _map_cluster(edges["account_b"], cluster_of).to_numpy()
    same = ~np.isnan(ca) & (ca == cb)
    inner = edges.loc[same, columns] if columns is not None else edges[same]
    return inner.assign(_c=ca[same].astype(int))


def _inside_codes(edges: pd.DataFrame, cluster_of: pd.Series) -> np.ndarray:
    """Per edge: the (chosen) cluster holding both ends, NaN for the others."""
    ca = _map_cluster(edges["account_a"], cluster_of).to_numpy()
    cb = _map_cluster(edges["account_b"], cluster_of).to_numpy()
    return np.where(ca == cb, ca, np.nan)


def _rows_by_cluster(codes: np.ndarray) -> dict[int, np.ndarray]:
    """Row positions (ascending) of each cluster code; NaN rows left out."""
    pos = np.flatnonzero(~np.isnan(codes))
    if not len(pos):
        return {}
    code = codes[pos].astype(np.int64)
    order = np.argsort(code, kind="stable")
    pos, code = pos[order], code[order]
    cut = np.flatnonzero(np.diff(code)) + 1
    return {int(part[0]): rows for part, rows in zip(np.split(code, cut), np.split(pos, cut), strict=True)}


def top_weight_rows(edges: pd.DataFrame, rows: np.ndarray, k: int) -> np.ndarray:
    """The positions in ``rows`` (order kept) weighing at least their ``k``-th largest ``weight``.

    A superset of the top ``k`` rows by (weight desc, then any other key):
    sorting these gives the same first ``k`` rows as sorting all of ``rows``
    (NaN weights sort last), at the cost of sorting about ``k`` rows.
    """
    if len(rows) <= k:
        return rows
    w = edges["weight"].to_numpy(dtype=float)[rows]
    w = np.where(np.isnan(w), -np.inf, w)
    kth = np.partition(w, len(w) - k)[len(w) - k]
    return rows[w >= kth]


def _median_gaps(gaps: Mapping[str, pd.DataFrame], cluster_of: pd.Series) -> dict[int, float]:
    parts = []
    for frame in gaps.values():
        if frame is None or frame.empty or "median_gap_s" not in frame.columns:
            continue
        inner = _inside(frame, cluster_of, columns=["account_a", "account_b", "median_gap_s"])
        if len(inner):
            parts.append(inner[["_c", "median_gap_s"]])
    if not parts:
        return {}
    allv = pd.concat(parts, ignore_index=True)
    allv = allv[np.isfinite(allv["median_gap_s"].to_numpy(dtype=float))]
    return {int(c): float(v) for c, v in allv.groupby("_c")["median_gap_s"].median().items()}


MAX_OBJECT_EVENTS = 3
"""Post ids given per top object of a cluster (its members' earliest shares of it)."""


def _top_objects(shares: Mapping[str, pd.DataFrame], cluster_of: pd.Series) -> dict[int, list[dict[str, Any]]]:
    """Per cluster, the objects most of its members shared, with the post ids of the earliest shares."""
    rows: dict[int, list[tuple[str, str, int]]] = {}
    subs: dict[str, pd.DataFrame] = {}
    for kind, table in sorted(shares.items()):
        if table is None or table.empty:
            continue
        c = _map_cluster(table["account_id"], cluster_of)
        sub = table[c.notna().to_numpy()].assign(_c=c[c.notna()].astype(int).to_numpy())
        if sub.empty:
            continue
        subs[kind] = sub
        n = sub.groupby(["_c", "object_id"], sort=False)["account_id"].nunique()
        n = n[n >= 2]
        for (cid, obj), k in n.items():
            rows.setdefault(int(cid), []).append((str(obj), kind, int(k)))
    top = {}
    for cid, items in rows.items():
        items.sort(key=lambda r: (-r[2], r[1], r[0]))
        top[cid] = items[:MAX_TOP_OBJECTS]
    ids = _object_event_ids(subs, {(cid, kind, o) for cid, items in top.items() for o, kind, _ in items})
    return {
        cid: [{"object": o, "kind": k, "n": n, "event_ids": ids.get((cid, k, o), [])} for o, k, n in items]
        for cid, items in top.items()
    }


def _object_event_ids(subs: Mapping[str, pd.DataFrame], wanted: set[tuple[int, str, str]]) -> dict[tuple, list[str]]:
    """``(cluster, kind, object) -> ids`` of the cluster's earliest shares of it (<= MAX_OBJECT_EVENTS)."""
    out: dict[tuple, list[str]] = {}
    for kind, sub in subs.items():
        want = {(cid, o) for cid, k, o in wanted if k == kind}
        if not want:
            continue
        key = list(zip(sub["_c"].tolist(), sub["object_id"].astype(str).tolist(), strict=True))
        hit = sub[np.fromiter((k in want for k in key), bool, len(key))]
        hit = hit.sort_values(["ts", "content_id"], kind="mergesort")
        for cid, obj, con in zip(hit["_c"], hit["object_id"].astype(str), hit["content_id"].astype(str), strict=True):
            ids = out.setdefault((int(cid), kind, obj), [])
            if len(ids) < MAX_OBJECT_EVENTS:
                ids.append(con)
    return out


def _copies_by_cluster(
    posts: pd.DataFrame | None, cluster_of: pd.Series, names: Mapping[str, str]
) -> dict[int, list[dict[str, Any]]]:
    """Per account cluster: up to :data:`MAX_SAMPLE_TEXTS` near-duplicate posts of its members.

    The text cluster most posted by the members comes first (ties: smaller
    text cluster id), its posts in ``(ts, event_id)`` order, then the next.
    """
    if posts is None or posts.empty or cluster_of.empty:
        return {}
    acc = _map_cluster(posts["account_id"], cluster_of)
    mine = posts[acc.to_numpy() >= 0].assign(_c=acc[acc.to_numpy() >= 0].to_numpy())
    out: dict[int, list[dict[str, Any]]] = {}
    for cid, rows in mine.groupby("_c", sort=True):
        n = rows.groupby("cluster_id")["event_id"].transform("size")
        rows = rows.assign(_n=-n).sort_values(["_n", "cluster_id", "ts", "event_id"], kind="mergesort")
        out[int(cid)] = [
            {
                "account_name": names.get(str(a), str(a)) if pd.isna(name) else str(name),
                "ts": int(t),
                "text": str(text),
                "event_id": str(e),
                "text_cluster_id": int(tc),
            }
            for e, tc, a, name, t, text in rows[
                ["event_id", "cluster_id", "account_id", "account_name", "ts", "text"]
            ].head(MAX_SAMPLE_TEXTS).itertuples(index=False)
        ]
    return out


def _sample_texts(ev: pd.DataFrame, names: Mapping[str, str]) -> list[dict[str, Any]]:
    own = ev[ev["kind"].isin(["post", "quote", "reply"]) & ev["text"].notna()]
    if own.empty:
        own = ev[ev["text"].notna()]
    own = own.sort_values(["ts", "event_id"], kind="mergesort")
    seen: set[str] = set()
    out = []
    for a, t, text, eid, plat in zip(own["account_id"], own["ts"], own["text"], own["event_id"], own["platform"], strict=True):
        key = " ".join(str(text).split()).casefold()
        if key in seen:
            continue
        seen.add(key)
        out.append(
            {"account_name": names.get(str(a), str(a)), "ts": int(t), "text": str(text), "event_id": str(eid), "platform": str(plat)}
        )
        if len(out) >= MAX_SAMPLE_TEXTS:
            break
    return out


_MISSING_WORDS = {
    "synchrony": "times of day (dates only)",
    "duplicate_text": "post texts",
    "profile": "account creation dates",
    "automation": "enough events per account",
}


def verdict(
    scored: pd.DataFrame,
    clusters: pd.DataFrame,
    flagged_event_share: float,
    n_events: int,
    focus: str | None = None,
    coverage: Mapping[str, float] | None = None,
    min_cluster_size: int = th.MIN_CLUSTER_SIZE,
    input_warnings: Sequence[str] = (),
) -> dict[str, Any]:
    """Plain-language verdict (levels defined in SCHEMA.md, cut-offs in :mod:`detector.thresholds`).

    ``coverage`` (:func:`detector.scoring.scores.evidence_coverage`): when the input lacks
    what two or more evidence families need (no texts, no account creation dates...) and
    groups act in sync that nothing flagged, the level is ``undetermined``, not ``none``:
    the data cannot show whether they are inauthentic. ``input_warnings`` (:func:`input_warnings`)
    are kept in the verdict, and a ``none`` headline says that the input was incomplete.
    """
    flagged = int(scored["flagged"].sum()) if len(scored) else 0
    fcl = clusters[clusters["flagged"].astype(bool)] if len(clusters) else clusters
    n_fcl = int(len(fcl))
    top = float(fcl["score"].max()) if n_fcl else 0.0
    where = f" in {focus}" if focus else ""
    missing = [f for f, words in _MISSING_WORDS.items() if (coverage or {}).get(f, 1.0) < th.MISSING_COVERAGE]
    sync = clusters[
        ~clusters["flagged"].astype(bool)
        & (clusters["member_synchrony"].astype(float) >= th.SYNC_GROUP_MIN)
        & (clusters["size"].astype(int) >= min_cluster_size)
    ] if len(clusters) and "member_synchrony" in clusters.columns else clusters.iloc[0:0]
    partial = len(missing) >= th.UNDETERMINED_MIN_MISSING
    if flagged == 0 and partial and len(sync):
        level = "undetermined"
    elif flagged == 0:
        level = "none"
    elif (n_fcl and top >= th.VERDICT_HIGH_CLUSTER_SCORE) or flagged_event_share >= th.VERDICT_HIGH_EVENT_SHARE:
        level = "high"
    elif n_fcl or flagged_event_share >= th.VERDICT_MEDIUM_EVENT_SHARE:
        level = "medium"
    else:
        level = "low"
    words = [_MISSING_WORDS[f] for f in missing]
    lacking = ", ".join(words[:-1]) + (" and " if len(words) > 1 else "") + (words[-1] if words else "")
    checked = f" (this input lacks {lacking}: only part of the evidence could be checked)" if partial else ""
    incomplete = " in an incomplete input (companion files skipped)" if input_warnings else ""
    headlines = {
        "none": f"No sign of coordinated inauthentic amplification{where}{incomplete}{checked}.",
        "undetermined": f"{len(sync)} group(s) act in sync{where}, but this input lacks {lacking}: "
        "whether they are inauthentic cannot be judged from it. Review the groups.",
        "low": f"Weak signs of coordination{where}: a few accounts look suspicious, no coordinated group.",
        "medium": f"Signs of coordinated amplification{where}: {n_fcl} suspicious group(s) found.",
        "high": f"Strong signs of coordinated inauthentic amplification{where}: "
        f"{n_fcl} suspicious group(s), {flagged_event_share:.0%} of activity.",
    }
    details = [
        f"{n_events:,} events examined; {flagged:,} account(s) flagged, who made "
        f"{flagged_event_share:.1%} of the events.",
    ]
    for c in fcl.head(3).itertuples(index=False):
        why = "; ".join(list(c.reasons)[:2]) or "several kinds of evidence"
        details.append(f"Group {int(c.cluster_id)}: {int(c.size)} accounts, score {c.score:.2f}: {why}.")
    if level == "undetermined":
        for c in sync.sort_values(["size", "cluster_id"], ascending=[False, True]).head(3).itertuples(index=False):
            details.append(
                f"Group {int(c.cluster_id)}: {int(c.size)} accounts acting in sync again and again (mean "
                f"synchrony score {c.member_synchrony:.2f}); not flagged: no second kind of evidence could be measured."
            )
    if missing:
        details.append(
            f"This input lacks {lacking}, so the evidence that needs them counts as ordinary for every account; "
            "adding them (e.g. the accounts table, original posts) makes the check stronger."
        )
    details.append("A flag is evidence for human review, not proof of inauthenticity.")
    return {
        "level": level,
        "headline": headlines[level],
        "details": details,
        "flagged_accounts": flagged,
        "flagged_event_share": float(flagged_event_share),
        "missing_evidence": missing,
        "input_warnings": list(input_warnings),
    }


def build_report(
    *,
    command: str,
    focus: Mapping[str, Any],
    parameters: Mapping[str, Any],
    summary: Mapping[str, Any],
    verdict_: Mapping[str, Any],
    timeline_bin_s: int,
    timeline_: Iterable[Mapping[str, Any]],
    clusters: Iterable[Mapping[str, Any]],
    accounts: Iterable[Mapping[str, Any]],
    officials: Iterable[Mapping[str, Any]],
    methods: Mapping[str, Any],
    focus_summary: Mapping[str, Any] | None = None,
    version: str,
) -> dict[str, Any]:
    """Put the sections together in schema order (all values made JSON-safe)."""
    report = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "detector", "version": version},
        "command": command,
        "focus": {"hashtag": focus.get("hashtag"), "account": focus.get("account")},
        "focus_summary": dict(focus_summary or {}),
        "parameters": dict(parameters),
        "input_summary": dict(summary),
        "verdict": dict(verdict_),
        "timeline_bin_s": int(timeline_bin_s),
        "timeline": list(timeline_),
        "clusters": list(clusters),
        "accounts": list(accounts),
        "officials": list(officials),
        "methods": dict(methods),
    }
    return jsonable(report)


def write_report(report: Mapping[str, Any], path: str | os.PathLike[str]) -> None:
    """Write ``report`` as UTF-8 JSON (sorted keys, indented), atomically."""
    text = json.dumps(report, indent=1, sort_keys=True, ensure_ascii=False, allow_nan=False)
    write_text_atomic(path, text + "\n")

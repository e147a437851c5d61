"""The report's sections, each a function from the report dict to escaped HTML.

Order on the page: verdict, activity timeline, clusters (picture + evidence),
accounts, official accounts, methods. Every value taken from the report is
passed to :func:`~detector.report.html.markup.el` as a child or attribute, so
it is escaped; nothing from the data becomes a link.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from detector import thresholds as th
from detector.report.html.fmt import (
    as_float,
    fmt_duration,
    fmt_float,
    fmt_int,
    fmt_pct,
    fmt_ts,
    fmt_value,
)
from detector.report.html.histogram import creation_summary, creation_svg
from detector.report.html.markup import Markup, el, join
from detector.report.html.network import network_svg
from detector.report.html.svg import layer_colors, mix_bar_svg, timeline_svg, timing_svg
from detector.report.html.tables import Cell, Column, ncell, table, tcell
from detector.scoring.explain import PLAIN_DEFINITIONS

__all__ = [
    "CAVEAT",
    "accounts_section",
    "cluster_page_section",
    "focus_section",
    "clusters_section",
    "input_warnings_box",
    "methods_section",
    "officials_section",
    "timeline_section",
    "verdict_section",
]

LEVEL_WORDS: dict[str, tuple[str, str]] = {
    "high": ("High", "Strong signs of coordinated amplification."),
    "medium": ("Medium", "Some signs of coordinated amplification."),
    "low": ("Low", "Weak signs: a few accounts behave in a coordinated way."),
    "undetermined": (
        "Undetermined",
        "Groups act in sync, but the data lacks what is needed to tell whether they are inauthentic.",
    ),
    "none": ("None found", "No sign of coordinated amplification was found."),
    "insufficient": (
        "Not enough data",
        "Too little matched to judge. This is not a clean bill of health.",
    ),
}
"""Badge and one plain sentence per verdict level."""

PARTIAL_EVIDENCE = "Nothing was flagged, but this data could not show most kinds of evidence (see below)."

INCOMPLETE_INPUT = "Nothing was flagged, but files that belong to the input were skipped (see the warning)."

CAVEAT = (
    "A flag is evidence for human review, not proof. Fan communities, newsrooms and activists "
    "also act together; check the examples below before drawing conclusions."
)

SCORE_DEFS: tuple[tuple[str, str], ...] = (
    *PLAIN_DEFINITIONS,  # the scores' definitions: one text with report.json and docs/scan.md
    (
        "Evidence mix",
        "Which kinds of links hold a cluster together (same repost, same link, identical or "
        "near-duplicate text, correlated timing...), as shares of the cluster's total link weight.",
    ),
    (
        "Median gap",
        "Typical time between two linked accounts acting on the same object. Seconds suggest "
        "automation or a script; hours are normal for people.",
    ),
    (
        "Inauthentic reach share (officials)",
        "How much of an official account's centrality in the interaction network disappears when "
        "the flagged accounts are removed: the part of its apparent reach that comes from flagged "
        "accounts.",
    ),
)

LIMITS: tuple[str, ...] = (
    "A flag is evidence for review, not proof of inauthenticity or of who is behind an account.",
    "Real people coordinate openly (fan bases, newsrooms, campaigns, live events); their "
    "synchrony alone is not a reason for a flag, but it can raise scores.",
    "The analysis only sees the posts in the input. Missing data (deleted posts, sampling, "
    "rate limits) can hide coordination or make it look stronger.",
    "Scores depend on the parameters and thresholds listed below; change them and the flags change.",
    "Handles and display names can be changed or impersonated; compare account ids.",
)


def _section(sec_id: str, title: str, *children: object, cls: str | None = None) -> Markup:
    return el(
        "section",
        {"id": sec_id, "class": cls, "aria-labelledby": sec_id + "-h"},
        el("h2", {"id": sec_id + "-h"}, title),
        *children,
    )


def _figure(value: str, label: str) -> Markup:
    return el(
        "div",
        {"class": "figure"},
        el("div", {"class": "v"}, value),
        el("div", {"class": "k"}, label),
    )


def focus_phrase(report: Mapping[str, Any]) -> str:
    """What was checked, in words: ``hashtag #x``, ``account @y`` or ``all input``."""
    focus = report.get("focus") or {}
    if report.get("command") == "hashtag" and focus.get("hashtag"):
        tag = str(focus["hashtag"])
        return "hashtag " + (tag if tag.startswith("#") else "#" + tag)
    if report.get("command") == "account" and focus.get("account"):
        acct = str(focus["account"])
        return "account " + (acct if acct.startswith("@") else "@" + acct)
    return "all input"


def verdict_section(report: Mapping[str, Any]) -> Markup:
    """The verdict banner: level, headline, details and key figures, in plain words."""
    verdict = report.get("verdict") or {}
    level = str(verdict.get("level") or "none")
    if level not in LEVEL_WORDS:
        level = "none"
    badge, sentence = LEVEL_WORDS[level]
    style = level
    if level == "none" and len(verdict.get("missing_evidence") or []) >= th.UNDETERMINED_MIN_MISSING:
        # nothing found, but on an input that could not show most of the evidence: not a green light
        badge, sentence, style = "None found (partial evidence)", PARTIAL_EVIDENCE, "undetermined"
    elif level == "none" and verdict.get("input_warnings"):
        badge, sentence, style = "None found (incomplete input)", INCOMPLETE_INPUT, "undetermined"
    if level == "insufficient":
        style = "undetermined"
    account_badge, account_style = _account_badge(report)
    summary = report.get("input_summary") or {}
    clusters = report.get("clusters") or []
    flagged_clusters = sum(1 for c in clusters if c.get("flagged"))
    figures = el(
        "div",
        {"class": "figures"},
        _figure(fmt_int(summary.get("events")), "events analysed"),
        _figure(fmt_int(summary.get("accounts")), "accounts"),
        _figure(fmt_int(verdict.get("flagged_accounts")), "flagged accounts"),
        _figure(
            fmt_pct(verdict.get("flagged_event_share"), 1), "of events come from flagged accounts"
        ),
        _figure(fmt_int(flagged_clusters), "flagged clusters"),
    )
    period = f"Period: {fmt_ts(summary.get('first_ts'))} to {fmt_ts(summary.get('last_ts'))}. Checked: {focus_phrase(report)}."
    details = [str(d) for d in verdict.get("details") or []]
    return _section(
        "verdict",
        "Verdict",
        account_badge,
        el(
            "div",
            None,
            el("span", {"class": "badge " + style}, f"Whole conversation: {badge}" if account_badge else f"Coordination: {badge}"),
            " ",
            sentence,
        ),
        el("p", {"class": "headline"}, verdict.get("headline") or sentence),
        input_warnings_box(report),
        el("ul", None, [el("li", None, d) for d in details]) if details else None,
        figures,
        _by_the_numbers(report.get("by_the_numbers") or {}),
        el("p", {"class": "note"}, period),
        el("p", {"class": "caveat"}, CAVEAT),
        cls="verdict " + (account_style or style),
    )


def input_warnings_box(report: Mapping[str, Any]) -> Markup | None:
    """``verdict.input_warnings`` (skipped companion files...) as a warning box, or None when there are none."""
    warnings = [str(w) for w in (report.get("verdict") or {}).get("input_warnings") or []]
    if not warnings:
        return None
    return el(
        "div",
        {"class": "input-warning", "role": "alert"},
        [el("p", None, el("b", None, "Warning: "), w) for w in warnings],
    )


ACCOUNT_BADGES: dict[str, tuple[str, str]] = {
    "flagged": ("Account flagged", "high"),
    "not_flagged": ("Account not flagged", "none"),
    "official": ("Declared official account", "none"),
    "presumed_official": ("Presumed official account", "undetermined"),
    "insufficient": ("Not enough data on this account", "undetermined"),
}
"""Badge text and style of the account itself (``detector account``)."""


def _account_badge(report: Mapping[str, Any]) -> tuple[Markup | None, str | None]:
    """For ``detector account``: a badge about the account, not the whole input (and its style)."""
    if report.get("command") != "account":
        return None, None
    fs = report.get("focus_summary") or {}
    av = fs.get("account_verdict") or (
        {"level": "insufficient", "headline": (report.get("verdict") or {}).get("headline")} if not fs.get("found") else None
    )
    if not av:
        return None, None
    text, style = ACCOUNT_BADGES.get(str(av.get("level")), ACCOUNT_BADGES["not_flagged"])
    return el(
        "p",
        {"class": "account-verdict"},
        el("span", {"class": "badge " + style}, text),
        " ",
        el("b", None, av.get("headline")),
    ), style


def _by_the_numbers(numbers: Mapping[str, Any]) -> Markup | None:
    """The "by the numbers" block of published network reports."""
    if not numbers or not numbers.get("events"):
        return None
    items = [
        f"{fmt_int(numbers.get('flagged_accounts'))} flagged accounts of {fmt_int(numbers.get('accounts'))}",
        f"{fmt_int(numbers.get('flagged_events'))} of {fmt_int(numbers.get('events'))} posts, reposts, replies "
        "and quotes made by flagged accounts",
    ]
    n_off = int(numbers.get("officials_amplified_by_flagged") or 0)
    if n_off:
        reach = numbers.get("officials_amplified_reach")
        known = int(numbers.get("officials_amplified_reach_known") or 0)
        items.append(
            f"{fmt_int(n_off)} official account(s) amplified by flagged accounts"
            + (f", with {fmt_int(reach)} followers together" + (f" ({known} with a known count)" if known < n_off else "") if reach is not None else "")
        )
        items.append(
            f"{fmt_pct(numbers.get('official_reposts_flagged_share'), 1)} of the reposts of these officials "
            f"({fmt_int(numbers.get('official_reposts_from_flagged'))} of {fmt_int(numbers.get('official_reposts'))}) "
            "came from flagged accounts"
        )
    else:
        items.append("no official account was amplified by flagged accounts")
    return el("div", {"class": "numbers"}, el("h3", None, "By the numbers"), el("ul", None, [el("li", None, x) for x in items]))


def _hashtag_focus(report: Mapping[str, Any], fs: Mapping[str, Any]) -> Markup:
    involved = [str(x) for x in fs.get("officials_involved") or []]
    return _section(
        "focus",
        f"About {focus_phrase(report)}",
        el(
            "div",
            {"class": "figures"},
            _figure(fmt_int(fs.get("events")), "events with the hashtag (and shares of them)"),
            _figure(fmt_int(fs.get("accounts")), "accounts using it"),
            _figure(
                fmt_pct(fs.get("flagged_event_share"), 1), "of these events from flagged accounts"
            ),
            _figure(
                fmt_pct(fs.get("flagged_cluster_event_share"), 1),
                "from accounts in flagged clusters",
            ),
        ),
        _hashtag_groups(fs.get("groups") or []),
        el(
            "p",
            None,
            "Official accounts involved: ",
            ", ".join(involved) if involved else "none found in the data.",
        ),
    )


def _hashtag_groups(groups: Sequence[Mapping[str, Any]]) -> Markup | None:
    """Flagged groups counted inside the hashtag: members who posted there and their events there."""
    if not groups:
        return None
    columns = [
        Column("Group", numeric=True),
        Column("Members here", numeric=True, help="members of the group with events on the hashtag"),
        Column("Group size", numeric=True, help="all members of the group in the input"),
        Column("Events here", numeric=True, help="the group's events on the hashtag"),
        Column("Score", numeric=True),
    ]
    rows = [
        [
            ncell(g.get("cluster_id"), fmt_int),
            ncell(g.get("members_here"), fmt_int),
            ncell(g.get("size"), fmt_int),
            ncell(g.get("events_here"), fmt_int),
            ncell(g.get("score"), fmt_float),
        ]
        for g in groups
    ]
    return join([el("h3", None, "Flagged groups on this hashtag"), table(columns, rows, table_id="hashtag-groups")])


def _account_focus(report: Mapping[str, Any], fs: Mapping[str, Any]) -> Markup:
    title = f"About {focus_phrase(report)}"
    if not fs.get("found"):
        return _section(
            "focus", title, el("p", {"class": "lead"}, "This account was not found in the data.")
        )
    official = fs.get("official") or {}
    amplifiers = fs.get("top_amplifiers") or []
    columns = [
        Column("Amplifying account"),
        Column("Times", numeric=True),
        Column(
            "Median delay", numeric=True, help="median time between the post and its amplification"
        ),
        Column("Flagged"),
    ]
    rows = [
        [
            tcell(a.get("account_name") or a.get("account_id")),
            ncell(a.get("n"), fmt_int),
            ncell(a.get("median_delay_s"), fmt_duration),
            tcell("yes" if a.get("flagged") else "no"),
        ]
        for a in amplifiers
    ]
    role = ", ".join(str(official[k]) for k in ("role", "country") if official.get(k))
    return _section(
        "focus",
        title,
        el(
            "p",
            {"class": "lead"},
            (f"Presumed official account ({role}), found without a registry." if official.get("presumed")
             else f"Registered official account ({role}).") + (f" Reach: {fs['reach_in_words']}." if fs.get("reach_in_words") else "")
            if official
            else "Who amplifies this account, how fast, and how much of it comes from flagged accounts.",
        ),
        el(
            "div",
            {"class": "figures"},
            _figure(
                fmt_int(fs.get("amplifications")), "reposts, quotes, replies and mentions received"
            ),
            _figure(fmt_int(fs.get("amplifiers")), "accounts amplifying it"),
            _figure(fmt_int(fs.get("flagged_amplifiers")), "of them flagged")
            if fs.get("flagged_amplifiers") is not None
            else None,
            _figure(fmt_int(fs.get("unflagged_amplifiers")), "of them not flagged")
            if fs.get("unflagged_amplifiers") is not None
            else None,
            _figure(
                fmt_pct(fs.get("flagged_amplification_share"), 1),
                "of amplification from flagged accounts",
            ),
            _figure(fmt_duration(fs.get("median_time_to_amplify_s")), "median time to amplify"),
            _figure(fmt_pct(fs.get("share_within_60s"), 1), f"amplified within {th.FAST_REACTION_S} seconds"),
            _figure(fmt_pct(official.get("inauthentic_reach_share"), 1), "inauthentic reach share")
            if official
            else None,
        ),
        el("h3", None, "Top amplifiers") if rows else None,
        table(
            columns,
            rows,
            table_id="amplifiers-table",
            row_classes=["flagged" if a.get("flagged") else None for a in amplifiers],
        )
        if rows
        else None,
    )


def focus_section(report: Mapping[str, Any]) -> Markup | None:
    """For ``hashtag`` and ``account`` checks: the focused hashtag's or account's own figures."""
    fs = report.get("focus_summary") or {}
    if not fs:
        return None
    if report.get("command") == "hashtag":
        return _hashtag_focus(report, fs)
    if report.get("command") == "account":
        return _account_focus(report, fs)
    return None


def timeline_section(report: Mapping[str, Any]) -> Markup:
    """Activity over time with the flagged-account share in red."""
    bin_s = int(as_float(report.get("timeline_bin_s")) or 3600)
    return _section(
        "timeline",
        "Activity over time",
        el(
            "p",
            {"class": "lead"},
            "Each bar counts the posts and shares in one time slot; the red part was made by flagged "
            "accounts. Sudden red spikes are typical of organised pushes. Hover over a bar for numbers.",
        ),
        timeline_svg(report.get("timeline") or [], bin_s),
    )


def _object_table(objects: Sequence[Mapping[str, Any]]) -> Markup:
    columns = [
        Column("Shared object"),
        Column("Kind"),
        Column("Times", numeric=True, help="times shared by the cluster"),
    ]
    rows = [
        [
            Cell(el("span", {"class": "obj"}, o.get("object"))),
            tcell(o.get("kind")),
            ncell(o.get("n"), fmt_int),
        ]
        for o in objects
    ]
    return table(columns, rows)


def _posts(samples: Sequence[Mapping[str, Any]]) -> Markup:
    return el(
        "div",
        {"class": "posts"},
        [
            el(
                "div",
                {"class": "post"},
                el(
                    "div",
                    {"class": "who"},
                    el("b", None, s.get("account_name")),
                    " \u00b7 ",
                    fmt_ts(s.get("ts"), with_seconds=True),
                    [" \u00b7 post ", el("span", {"class": "obj id"}, s.get("event_id"))] if s.get("event_id") else None,
                    [" \u00b7 ", el("a", {"href": s["url"], "rel": "noopener noreferrer"}, "original post")]
                    if s.get("url")
                    else None,
                ),
                el("div", {"class": "txt"}, s.get("text")),
            )
            for s in samples
        ],
    )


def _confidence(cluster: Mapping[str, Any]) -> Markup | None:
    conf = cluster.get("confidence") or {}
    if not conf.get("statement"):
        return None
    return el(
        "p",
        {"class": "confidence " + str(conf.get("level") or "weak")},
        el("b", None, "Confidence: "),
        conf.get("statement"),
    )


def _creation(cluster: Mapping[str, Any], hist: Mapping[str, Any] | None) -> Markup | None:
    cid = cluster.get("cluster_id")
    mine = ((hist or {}).get("clusters") or {}).get(str(cid))
    if not hist or not mine:
        return None
    return el(
        "div",
        {"class": "creation"},
        el("h4", None, "When the accounts were created"),
        el("p", {"class": "note"}, creation_summary(hist, mine)),
        creation_svg(hist, mine, cid),
    )


def _cluster_block(
    cluster: Mapping[str, Any], layer_palette: Mapping[str, str], creation: Mapping[str, Any] | None = None
) -> Markup:
    cid = cluster.get("cluster_id")
    pills = [
        el("span", {"class": "pill flag"}, "flagged") if cluster.get("flagged") else None,
        el("span", {"class": "pill"}, f"score {fmt_float(cluster.get('score'))}"),
        el("span", {"class": "pill"}, f"{fmt_int(cluster.get('size'))} accounts"),
        el("span", {"class": "pill"}, f"{fmt_int(cluster.get('n_events'))} events")
        if cluster.get("n_events") is not None
        else None,
        el("span", {"class": "pill"}, f"median gap {fmt_duration(cluster.get('median_gap_s'))}")
        if cluster.get("median_gap_s") is not None
        else None,
        el("span", {"class": "pill"}, f"density {fmt_float(cluster.get('density'))}")
        if cluster.get("density") is not None
        else None,
    ]
    reasons = [str(r) for r in cluster.get("reasons") or []]
    accounts = cluster.get("accounts") or []
    top_accounts = table(
        [Column("Account"), Column("Score", numeric=True)],
        [
            [tcell(a.get("account_name") or a.get("account_id")), ncell(a.get("score"), fmt_float)]
            for a in accounts[:10]
        ],
        caption=f"Top {min(10, len(accounts))} of {fmt_int(cluster.get('size') or len(accounts))} accounts by score",
    )
    objects = cluster.get("top_objects") or []
    samples = cluster.get("sample_texts") or []
    actions = cluster.get("actions") or []
    return el(
        "div",
        {"class": "cluster", "id": f"cluster-{cid}"},
        el("div", {"class": "cluster-head"}, el("h3", None, f"Cluster {cid}"), pills),
        _confidence(cluster),
        el("ul", {"class": "reasons"}, [el("li", None, r) for r in reasons]) if reasons else None,
        el(
            "div",
            {"class": "twocol"},
            el(
                "div",
                None,
                el("h4", None, "Who is linked to whom"),
                network_svg(
                    accounts,
                    cluster.get("edges") or [],
                    layer_palette,
                    cluster.get("evidence_mix") or {},
                ),
            ),
            el(
                "div",
                None,
                el("h4", None, "What links them"),
                mix_bar_svg(cluster.get("evidence_mix") or {}, layer_palette),
                top_accounts,
            ),
        ),
        el("h4", None, "What they shared") if objects else None,
        _object_table(objects) if objects else None,
        el("h4", None, "Example posts, side by side") if samples else None,
        _posts(samples) if samples else None,
        el("h4", None, "When they acted") if actions else None,
        timing_svg(actions) if actions else None,
        _creation(cluster, creation) if cluster.get("flagged") else None,
    )


def clusters_section(report: Mapping[str, Any], max_clusters: int = 8) -> Markup:
    """A picture and the evidence for each of the top ``max_clusters`` clusters (score desc)."""
    clusters = sorted(
        report.get("clusters") or [],
        key=lambda c: (-(as_float(c.get("score")) or 0.0), as_float(c.get("cluster_id")) or 0.0),
    )
    if not clusters:
        return _section(
            "clusters",
            "Coordinated clusters",
            el("p", {"class": "lead"}, "No cluster of coordinated accounts was found."),
        )
    shown = clusters[:max_clusters]
    all_layers = sorted(
        {str(k) for c in clusters for k in (c.get("evidence_mix") or {})}
        | {
            str(layer)
            for c in shown
            for e in c.get("edges") or []
            for layer in (e.get("layers") or [])
        }
    )
    palette = layer_colors(all_layers)
    intro = (
        f"Groups of accounts that repeatedly acted together. Showing the top {len(shown)} of "
        f"{len(clusters)} by score. In the pictures each circle is an account (darker = higher score) "
        "and each line a link between two accounts, coloured by its main kind of evidence."
    )
    return _section(
        "clusters",
        "Coordinated clusters",
        el("p", {"class": "lead"}, intro),
        [_cluster_block(c, palette, report.get("creation_dates")) for c in shown],
    )


def cluster_page_section(report: Mapping[str, Any], cluster_id: int) -> Markup:
    """The section of one cluster (same block as in the full report), for its own page."""
    clusters = [c for c in report.get("clusters") or [] if c.get("cluster_id") == cluster_id]
    if not clusters:
        return _section("clusters", f"Cluster {cluster_id}", el("p", {"class": "lead"}, "Not in the report."))
    c = clusters[0]
    layers = sorted({str(k) for k in c.get("evidence_mix") or {}} | {str(x) for e in c.get("edges") or [] for x in e.get("layers") or []})
    return _section(
        "clusters",
        f"Cluster {cluster_id}",
        el("p", {"class": "lead"}, f"Checked: {focus_phrase(report)}. Period: {fmt_ts((report.get('input_summary') or {}).get('first_ts'))} "
           f"to {fmt_ts((report.get('input_summary') or {}).get('last_ts'))}."),
        _cluster_block(c, layer_colors(layers), report.get("creation_dates")),
    )


def _reasons_cell(reasons: Sequence[object]) -> Markup:
    """First reason in full; the others folded in a <details> the reader can open."""
    items = [str(r) for r in reasons]
    if not items:
        return el("span", None, "\u2013")
    if len(items) == 1:
        return el("span", None, items[0])
    return el(
        "details",
        None,
        el("summary", None, items[0]),
        el("ul", {"class": "reasons"}, [el("li", None, r) for r in items[1:]]),
    )


def accounts_section(report: Mapping[str, Any], max_rows: int = 200) -> Markup:
    """Flagged accounts (or, if none, the highest-scoring ones) in a sortable table."""
    accounts = report.get("accounts") or []
    flagged = [a for a in accounts if a.get("flagged")]
    rows_src = flagged if flagged else accounts[:20]
    rows_src = rows_src[:max_rows]
    if flagged:
        lead = (
            f"{fmt_int(len(flagged))} flagged accounts"
            + (f"; the first {max_rows} are listed" if len(flagged) > max_rows else "")
            + ". The full list with every score is in accounts.csv."
        )
    elif rows_src:
        lead = "No account was flagged. The highest-scoring accounts are listed for reference."
    else:
        return _section(
            "accounts", "Accounts", el("p", {"class": "lead"}, "No account scored above zero.")
        )
    columns = [
        Column("Account"),
        Column("Account id"),
        Column("Score", numeric=True),
        Column("Cluster", numeric=True),
        Column("Events", numeric=True),
        Column("Why"),
    ]
    rows = [
        [
            tcell(a.get("account_name")),
            Cell(el("span", {"class": "obj id"}, a.get("account_id"))),
            ncell(a.get("score"), fmt_float),
            ncell(a.get("cluster_id"), fmt_int),
            ncell(a.get("n_events"), fmt_int),
            Cell(_reasons_cell(a.get("reasons") or [])),
        ]
        for a in rows_src
    ]
    classes = ["flagged" if a.get("flagged") else None for a in rows_src]
    return _section(
        "accounts",
        "Accounts",
        el("p", {"class": "lead"}, lead),
        table(columns, rows, table_id="accounts-table", row_classes=classes),
    )


OFFICIAL_COLUMNS: tuple[tuple[str, str, bool, str | None], ...] = (
    ("account_name", "Account", False, None),
    ("role", "Role", False, None),
    ("country", "Country", False, None),
    (
        "presumed_by",
        "Presumed from",
        False,
        "no registry given: presumed official from its verified profile or the built-in list",
    ),
    (
        "in_strength",
        "In-strength",
        True,
        "weighted number of reposts, quotes, replies and mentions received",
    ),
    ("pagerank", "PageRank", True, "centrality in the interaction network (higher = more central)"),
    ("pagerank_rank", "Rank", True, "PageRank rank among all accounts (1 = most central)"),
    (
        "betweenness",
        "Betweenness",
        True,
        "how often the account lies on shortest paths between others",
    ),
    ("received", "Amplifications", True, "reposts, quotes, replies and mentions received"),
    (
        "flagged_share",
        "From flagged",
        True,
        "share of amplifications that came from flagged accounts",
    ),
    (
        "median_time_to_amplify_s",
        "Median delay",
        True,
        "median time from a post to its amplification",
    ),
    (
        "share_within_60s",
        f"Within {th.FAST_REACTION_S} s",
        True,
        f"share of amplifications that arrived within {th.FAST_REACTION_S} seconds",
    ),
    (
        "inauthentic_reach_share",
        "Inauthentic reach",
        True,
        "share of centrality lost when flagged accounts are removed",
    ),
)
"""(key, heading, numeric, explanation) for the official accounts table."""

_OFFICIAL_FORMAT = {
    "in_strength": lambda v: fmt_float(v, 1),
    "pagerank": lambda v: fmt_float(v, 4),
    "pagerank_rank": fmt_int,
    "betweenness": lambda v: fmt_float(v, 4),
    "received": fmt_int,
    "flagged_share": lambda v: fmt_pct(v, 1),
    "median_time_to_amplify_s": fmt_duration,
    "share_within_60s": lambda v: fmt_pct(v, 1),
    "inauthentic_reach_share": lambda v: fmt_pct(v, 1),
}


def officials_section(report: Mapping[str, Any]) -> Markup:
    """Official accounts: centrality and amplification audit (who amplifies them, how fast, how flagged)."""
    officials = report.get("officials") or []
    lead = (
        "Embassies, ministries, leaders, diplomats and state media found in the data: how central they are, "
        "who amplifies them and how much of that amplification comes from flagged accounts. "
        "A high 'inauthentic reach' means much of the account's apparent reach depends on flagged accounts."
    )
    if not officials:
        return _section(
            "officials",
            "Official accounts",
            el(
                "p",
                {"class": "lead"},
                "No official account from the registry appears in the data (pass --officials FILE to mark them).",
            ),
        )
    columns = [Column(title, numeric, help) for _, title, numeric, help in OFFICIAL_COLUMNS]
    rows = []
    for o in officials:
        rows.append(
            [
                ncell(o.get(k), _OFFICIAL_FORMAT[k]) if numeric else tcell(o.get(k))
                for k, _, numeric, _ in OFFICIAL_COLUMNS
            ]
        )
    return _section(
        "officials",
        "Official accounts",
        el("p", {"class": "lead"}, lead),
        table(columns, rows, table_id="officials-table", extra_class="wide"),
        el(
            "p", {"class": "note"}, "Hover over a column heading for its meaning; click it to sort."
        ),
    )


def _flatten_items(items: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """Nested mappings as ``outer › inner`` rows (sorted by key); leaves unchanged."""
    rows: list[tuple[str, Any]] = []
    for k, v in sorted(items.items(), key=lambda kv: str(kv[0])):
        name = f"{prefix} \u203a {k}" if prefix else str(k)
        if isinstance(v, Mapping) and v and all(isinstance(x, Mapping) for x in v.values()):
            rows.extend(_flatten_items(v, name))
        else:
            rows.append((name, v))
    return rows


def _kv_value(name: str, value: Any) -> str:
    """A parameter value as text; numbers whose key ends in ``_s`` are seconds."""
    if name.endswith("_s") and isinstance(value, int | float) and not isinstance(value, bool):
        return f"{fmt_value(value)} s"
    return fmt_value(value)


def _kv_table(items: Mapping[str, Any], key_title: str, value_title: str) -> Markup:
    rows = [[Cell(el("code", None, k)), tcell(_kv_value(k, v))] for k, v in _flatten_items(items)]
    return table([Column(key_title), Column(value_title)], rows, sortable=False, extra_class="kv")


COVERAGE_WORDS: dict[str, str] = {
    "synchrony": "synchrony (events with a time of day)",
    "duplicate_text": "duplicate text (posts with text)",
    "profile": "profile (accounts with a known creation date)",
    "automation": "automation (accounts with 3+ events)",
    "creation_date": "creation-date batches (accounts with a known creation date)",
    "posts_count": "dormancy and reactivation (accounts with a known lifetime status count)",
    "follower_counts": "follower anomalies (accounts with known follower and following counts)",
    "default_profile": "default-profile marker (accounts where it is known)",
}
"""How ``input_summary.evidence_coverage`` keys read in the report."""


def _minimum_activity(minimum: Mapping[str, Any]) -> Markup | None:
    if not minimum:
        return None
    return join(
        [
            el("h3", None, "When no verdict is given"),
            el(
                "p",
                None,
                f"A verdict needs at least {fmt_int(minimum.get('events'))} events by "
                f"{fmt_int(minimum.get('accounts'))} accounts: the smallest group that can be flagged, each "
                "member acting at least twice (co-action ignores accounts with fewer shares). An account check "
                f"needs {fmt_int(minimum.get('account_events'))} events of the account, or that many "
                "amplifications by that many accounts. Below that, or when the hashtag, account or time range "
                "matches nothing, the level is 'not enough data' (exit status 3), never 'none found'.",
            ),
        ]
    )


def methods_section(report: Mapping[str, Any]) -> Markup:
    """Parameters, thresholds, evidence layers, what each score means and its limits, data analysed."""
    methods = report.get("methods") or {}
    summary = report.get("input_summary") or {}
    layers = methods.get("layers") or {}
    layer_rows = [
        [
            Cell(el("code", None, name)),
            ncell((info or {}).get("edges"), fmt_int),
            tcell((info or {}).get("description")),
        ]
        for name, info in sorted(layers.items(), key=lambda kv: str(kv[0]))
    ]
    notes = [str(n) for n in methods.get("notes") or []]
    data_items = {
        "events": fmt_int(summary.get("events")),
        "accounts": fmt_int(summary.get("accounts")),
        "first event": fmt_ts(summary.get("first_ts")),
        "last event": fmt_ts(summary.get("last_ts")),
        "kinds": {k: fmt_int(v) for k, v in (summary.get("kinds") or {}).items()},
        "platforms": {k: fmt_int(v) for k, v in (summary.get("platforms") or {}).items()},
        "skipped records": {k: fmt_int(v) for k, v in (summary.get("skipped") or {}).items()}
        or "none",
    }
    companions = summary.get("skipped_companions") or []
    if companions:
        data_items["skipped companion files"] = {
            str(c.get("file")): f"{c.get('companion')}: {c.get('problem')}; lowers {', '.join(c.get('coverage') or []) or '-'}"
            for c in companions
        }
    coverage = summary.get("evidence_coverage") or {}
    if coverage:
        # how much of the input each kind of evidence could be measured on (0..1)
        data_items["evidence measurable on"] = {
            COVERAGE_WORDS.get(k, k): f"{float(v):.0%}" for k, v in coverage.items() if v is not None
        }
    return _section(
        "methods",
        "Methods and limits",
        el("h3", None, "What the scores mean"),
        el(
            "dl",
            {"class": "defs"},
            [join([el("dt", None, t), el("dd", None, d)]) for t, d in SCORE_DEFS],
        ),
        el("h3", None, "Limits"),
        el("ul", None, [el("li", None, x) for x in LIMITS]),
        el("h3", None, "Confidence in words") if methods.get("confidence_method") else None,
        el("p", None, methods.get("confidence_method")) if methods.get("confidence_method") else None,
        _minimum_activity(methods.get("minimum_activity") or {}),
        el("h3", None, "Notes from this run") if notes else None,
        el("ul", None, [el("li", None, n) for n in notes]) if notes else None,
        el("h3", None, "Evidence layers") if layer_rows else None,
        table([Column("Layer"), Column("Links", numeric=True), Column("Meaning")], layer_rows)
        if layer_rows
        else None,
        el("h3", None, "Thresholds"),
        _kv_table(methods.get("thresholds") or {}, "Threshold", "Value"),
        el("h3", None, "Parameters"),
        _kv_table(report.get("parameters") or {}, "Parameter", "Value"),
        el("h3", None, "Data analysed"),
        _kv_table(data_items, "Item", "Value"),
    )

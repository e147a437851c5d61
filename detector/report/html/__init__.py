"""Self-contained HTML report: one file, inline CSS/JS/SVG, no external requests, all data escaped.

Public API: :func:`render_html` (report dict -> HTML text) and :func:`write_html`
(atomic write). The report dict is the ``report.json`` schema in
``detector/report/SCHEMA.md``. The same report (and key) always gives the same bytes.

Modules: :mod:`.markup` (the single escaping function and element builder),
:mod:`.fmt` (numbers and times), :mod:`.svg` (timeline, timing plot, evidence
bar), :mod:`.network` (seeded cluster layout), :mod:`.tables` (sortable
tables), :mod:`.sections` (page sections), :mod:`.assets` (CSS, JS, CSP).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from detector.fsutil import write_text_atomic
from detector.report.html.assets import CSS, SCRIPT, content_security_policy
from detector.report.html.markup import Markup, el, join
from detector.report.html.sections import (
    CAVEAT,
    accounts_section,
    cluster_page_section,
    clusters_section,
    focus_phrase,
    focus_section,
    input_warnings_box,
    methods_section,
    officials_section,
    timeline_section,
    verdict_section,
)
from detector.report.pseudonymize import pseudonymize_report

__all__ = ["render_cluster_html", "render_html", "write_html"]

_NAV = (
    ("verdict", "Verdict"),
    ("focus", "Focus"),
    ("timeline", "Timeline"),
    ("clusters", "Clusters"),
    ("accounts", "Accounts"),
    ("officials", "Official accounts"),
    ("methods", "Methods and limits"),
)


def render_html(report: Mapping[str, Any], pseudonymize_key: bytes | str | None = None) -> str:
    """Render a scan report as one self-contained HTML document.

    Parameters
    ----------
    report : the ``report.json`` dict (schema in ``detector/report/SCHEMA.md``).
    pseudonymize_key : when given (bytes, or text encoded as UTF-8), handles and account ids of
        non-official accounts are replaced by keyed pseudonyms (see
        :mod:`detector.report.pseudonymize`) before rendering; official accounts stay in clear.

    Returns
    -------
    str
        The HTML text; identical input gives identical output.
    """
    if pseudonymize_key is not None:
        report = pseudonymize_report(report, pseudonymize_key)
    tool = report.get("tool") or {}
    what = focus_phrase(report)
    title = "Coordination report: " + what
    pseudo_note = (
        " Handles and account ids of non-official accounts are pseudonymised with a keyed hash; "
        "the same key gives the same pseudonyms."
        if pseudonymize_key is not None
        else ""
    )
    focus = focus_section(report)
    nav = [
        el("a", {"href": "#" + sec}, label)
        for sec, label in _NAV
        if sec != "focus" or focus is not None
    ]
    head = _head(title)
    body = el(
        "body",
        None,
        _top(title, tool, pseudonymised=pseudonymize_key is not None),
        el("nav", {"class": "toc", "aria-label": "Sections"}, nav),
        el(
            "main",
            None,
            verdict_section(report),
            focus,
            timeline_section(report),
            clusters_section(report),
            accounts_section(report),
            officials_section(report),
            methods_section(report),
        ),
        el(
            "footer",
            None,
            join(
                [
                    f"Report schema {report.get('schema_version') or '?'}. This file is self-contained: it loads "
                    "nothing from the internet and contains no links to the material it quotes. Text quoted "
                    "from posts is shown as plain text.",
                    pseudo_note,
                ]
            ),
        ),
        el("script", None, Markup(SCRIPT)),
    )
    return "<!DOCTYPE html>\n" + el("html", {"lang": "en"}, head, body) + "\n"


def _top(title: str, tool: Mapping[str, Any], pseudonymised: bool) -> Markup:
    """The page header: title, tool name and version, and the pseudonymisation badge when set."""
    return el(
        "header",
        {"class": "top"},
        el("h1", None, title),
        el(
            "span",
            {"class": "meta"},
            f"{tool.get('name') or 'detector'} {tool.get('version') or ''}".strip(),
            el("span", {"class": "pseudo"}, "handles pseudonymised") if pseudonymised else None,
        ),
    )


def _head(title: str) -> Markup:
    return el(
        "head",
        None,
        el("meta", {"charset": "utf-8"}),
        el("meta", {"http-equiv": "Content-Security-Policy", "content": content_security_policy()}),
        el("meta", {"name": "referrer", "content": "no-referrer"}),
        el("meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"}),
        el("title", None, title),
        el("style", None, Markup(CSS)),
    )


def render_cluster_html(
    report: Mapping[str, Any], cluster_id: int, pseudonymize_key: bytes | str | None = None
) -> str:
    """One cluster's section of the report as its own self-contained page (evidence packs).

    The page repeats what a reader needs without the main report: what was
    checked, the cluster's evidence and pictures, the confidence method and the caveat.
    """
    if pseudonymize_key is not None:
        report = pseudonymize_report(report, pseudonymize_key)
    tool = report.get("tool") or {}
    title = f"Cluster {cluster_id}: coordination report on {focus_phrase(report)}"
    methods = report.get("methods") or {}
    body = el(
        "body",
        None,
        _top(title, tool, pseudonymised=False),
        el(
            "main",
            None,
            input_warnings_box(report),
            cluster_page_section(report, cluster_id),
            el(
                "section",
                {"id": "methods"},
                el("h2", None, "Methods and limits"),
                el("p", None, methods.get("confidence_method")) if methods.get("confidence_method") else None,
                el("p", {"class": "caveat"}, CAVEAT),
            ),
        ),
        el("script", None, Markup(SCRIPT)),
    )
    return "<!DOCTYPE html>\n" + el("html", {"lang": "en"}, _head(title), body) + "\n"


def write_html(
    report: Mapping[str, Any],
    path: str | os.PathLike[str],
    pseudonymize_key: bytes | str | None = None,
) -> None:
    """Render ``report`` (see :func:`render_html`) and write it atomically (UTF-8) to ``path``."""
    write_text_atomic(path, render_html(report, pseudonymize_key=pseudonymize_key))

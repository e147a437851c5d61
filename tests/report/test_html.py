"""HTML report: escaping, structure, Content-Security-Policy, determinism (no browser needed)."""

from __future__ import annotations

import base64
import copy
import hashlib
import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detector.report.html import render_html, write_html
from detector.report.html.fmt import fmt_duration, fmt_float, fmt_int, fmt_pct, fmt_ts, num
from detector.report.html.markup import Markup, el, esc, join, svg_el
from detector.report.html.network import layout_positions
from detector.report.html.svg import merge_bins, time_ticks

try:
    from tests.browser.html_factory import EVIL_URLS, PAYLOADS, make_report, parse
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from browser.html_factory import EVIL_URLS, PAYLOADS, make_report, parse

ALLOWED_TAGS = {
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "header",
    "nav",
    "main",
    "section",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "p",
    "ul",
    "li",
    "div",
    "span",
    "b",
    "a",
    "table",
    "caption",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "button",
    "code",
    "dl",
    "dt",
    "dd",
    "details",
    "summary",
    "svg",
    "g",
    "rect",
    "line",
    "circle",
    "text",
    "script",
}


def sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


@pytest.fixture(scope="module")
def hostile_html() -> str:
    return render_html(make_report(hostile=True))


# --- the escaping function and the builder -------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS + EVIL_URLS)
def test_esc_leaves_no_markup_characters(payload):
    out = esc(payload)
    assert "<" not in out and ">" not in out and '"' not in out and "'" not in out
    # the entity-decoded text is the original (minus nothing: payloads hold no control chars)
    assert parse(f"<p>{out}</p>").text == [payload.replace("\u200b", "\u200b")]


def test_esc_quotes_attribute_values():
    out = el("td", {"title": 'x" onmouseover="alert(1)'}, "y")
    page = parse(out)
    assert page.tags == [("td", [("title", 'x" onmouseover="alert(1)')])]


def test_esc_passes_markup_and_handles_none_numbers_and_bad_code_points():
    assert esc(Markup("<b>ok</b>")) == "<b>ok</b>"
    assert esc(None) == ""
    assert esc(3.5) == "3.5"
    cleaned = esc("a\x00b\x1bc\ud800d\te\nf")
    assert cleaned == "a\ufffdb\ufffdc\ufffdd\te\nf"
    cleaned.encode("utf-8")  # always encodable


def test_esc_keeps_unicode_and_cjk_verbatim():
    text = "中文测试 日本語 한국어 🇺🇳 e\u0301"
    assert esc(text) == text


def test_join_escapes_plain_strings_but_not_markup():
    assert join(["<i>", Markup("<b>"), ["&", None]]) == "&lt;i&gt;<b>&amp;"


@pytest.mark.parametrize(
    "attrs",
    [
        {"onclick": "x"},
        {"OnError": "x"},
        {"style": "color:red"},
        {"href": "javascript:alert(1)"},
        {"href": "http://evil.example/"},
        {"src": "x"},
        {"xlink:href": '#ok" onload="x'},
        {"bad name": "x"},
        {"a=b": "x"},
    ],
)
def test_builder_refuses_dangerous_attributes(attrs):
    with pytest.raises(ValueError):
        el("a", attrs, "x")


def test_builder_allows_in_page_fragments_only():
    assert el("a", {"href": "#verdict"}, "Verdict") == '<a href="#verdict">Verdict</a>'
    with pytest.raises(ValueError):
        el("a", {"href": "#x y"}, "x")


@pytest.mark.parametrize("tag", ["scr ipt", "a><script", "", "1a"])
def test_builder_refuses_bad_tags(tag):
    with pytest.raises(ValueError):
        el(tag)
    with pytest.raises(ValueError):
        svg_el(tag)


def test_builder_void_and_self_closing():
    assert el("meta", {"charset": "utf-8"}) == '<meta charset="utf-8">'
    assert svg_el("circle", {"r": "2"}) == '<circle r="2"/>'
    with pytest.raises(ValueError):
        el("meta", None, "child")


# --- the rendered page ---------------------------------------------------------------------


def test_hostile_report_has_only_our_script_and_style(hostile_html):
    page = parse(hostile_html)
    names = [t for t, _ in page.tags]
    assert names.count("script") == 1 and names.count("style") == 1
    assert len(re.findall(r"<script", hostile_html, re.IGNORECASE)) == 1
    assert len(re.findall(r"</script", hostile_html, re.IGNORECASE)) == 1
    assert set(names) <= ALLOWED_TAGS, set(names) - ALLOWED_TAGS
    for tag, attrs in page.tags:
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            assert name not in {
                "src",
                "style",
                "srcdoc",
                "action",
                "formaction",
                "data",
                "background",
            }, (tag, name)
            if name == "href":
                assert re.fullmatch(r"#[A-Za-z][\w-]*", value), value
            if name == "http-equiv":
                assert value == "Content-Security-Policy"


def test_hostile_strings_are_shown_as_text(hostile_html):
    text = "".join(parse(hostile_html).text)
    for payload in PAYLOADS:
        assert payload in text, payload
    report = make_report(hostile=True)
    objects = [o["object"] for c in report["clusters"] for o in c["top_objects"]]
    assert any(url in objects for url in EVIL_URLS)
    for obj in objects:
        assert obj in text, obj


def test_no_external_reference_outside_text(hostile_html):
    page = parse(hostile_html)
    for _, attrs in page.tags:
        for name, value in attrs:
            if name in {"aria-label", "title", "content"}:
                continue  # plain text / the CSP itself
            assert "http" not in (value or "").lower() or name == "data-v", (name, value)
    assert "url(" not in page.raw["style"][0] and "@import" not in page.raw["style"][0]
    for word in (
        "fetch(",
        "XMLHttpRequest",
        "eval(",
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "new Function",
        "setTimeout(",
    ):
        assert word not in page.raw["script"][0]


def test_content_security_policy_pins_the_inline_blocks(hostile_html):
    page = parse(hostile_html)
    assert page.tags[0][0] == "html" and page.tags[1][0] == "head"
    assert page.tags[2] == ("meta", [("charset", "utf-8")])
    meta_tag, meta_attrs = page.tags[3]
    attrs = dict(meta_attrs)
    assert meta_tag == "meta" and attrs["http-equiv"] == "Content-Security-Policy"
    policy = {d.split()[0]: d.split()[1:] for d in attrs["content"].split("; ")}
    assert policy["default-src"] == ["'none'"]
    assert policy["script-src"] == [sha256_source(page.raw["script"][0])]
    assert policy["style-src"] == [sha256_source(page.raw["style"][0])]
    assert policy["img-src"] == ["data:"]
    assert policy["base-uri"] == ["'none'"] and policy["form-action"] == ["'none'"]
    assert "'unsafe-inline'" not in attrs["content"] and "'unsafe-eval'" not in attrs["content"]


def test_sections_in_order_verdict_first(hostile_html):
    ids = [dict(a).get("id") for t, a in parse(hostile_html).tags if t == "section"]
    assert ids == ["verdict", "focus", "timeline", "clusters", "accounts", "officials", "methods"]
    scan = render_html(make_report(hostile=False, command="scan"))
    ids = [dict(a).get("id") for t, a in parse(scan).tags if t == "section"]
    assert ids == ["verdict", "timeline", "clusters", "accounts", "officials", "methods"]
    assert 'href="#focus"' not in scan


def test_account_focus_lists_amplifiers():
    report = make_report(hostile=False, command="account")
    page = parse(render_html(report))
    text = "".join(page.text)
    assert "About account @EmbassyExample" in text and "Top amplifiers" in text
    rows = [a for t, a in page.tags if t == "tr" and dict(a).get("data-i") is not None]
    assert len(rows) >= len(report["focus_summary"]["top_amplifiers"])
    missing = copy.deepcopy(report)
    missing["focus_summary"] = {"account_id": None, "found": False}
    assert "not found in the data" in render_html(missing)


def test_every_cluster_gets_picture_and_evidence():
    report = make_report(hostile=False, n_clusters=3)
    page = parse(render_html(report))
    cluster_divs = [
        dict(a)["id"] for t, a in page.tags if t == "div" and dict(a).get("class") == "cluster"
    ]
    assert cluster_divs == [f"cluster-{c['cluster_id']}" for c in report["clusters"]]
    svg_labels = [dict(a).get("aria-label", "") for t, a in page.tags if t == "svg"]
    assert sum(label.startswith("Network of") for label in svg_labels) == 3
    assert sum(label.startswith("Timing of actions") for label in svg_labels) == 3
    assert sum(label.startswith("Evidence mix") for label in svg_labels) == 3
    assert sum(label.startswith("Activity over time") for label in svg_labels) == 1
    text = "".join(page.text)
    for cluster in report["clusters"]:
        for sample in cluster["sample_texts"]:
            assert sample["text"] in text


def test_network_draws_one_circle_per_account_and_line_per_pair():
    report = make_report(hostile=False, n_clusters=1, accounts_per_cluster=9)
    cluster = report["clusters"][0]
    html_text = render_html(report)
    network = re.search(r'<svg[^>]*aria-label="Network of[^"]*".*?</svg>', html_text, re.S).group(0)
    assert network.count("<circle") == 9
    assert network.count('class="edge"') == len(cluster["edges"]) > 0


def test_officials_table_has_audit_columns(hostile_html):
    page = parse(hostile_html)
    text = "".join(page.text)
    for heading in ("PageRank", "From flagged", "Inauthentic reach", "Median delay", "Within 60 s"):
        assert heading in text
    assert "55.0%" in text  # inauthentic_reach_share 0.55 of the embassy


def test_methods_state_limits_and_parameters(hostile_html):
    text = "".join(parse(hostile_html).text)
    assert "evidence for review, not proof" in text
    assert "flag_threshold" in text and "neardup_threshold" in text


def test_render_is_deterministic_and_leaves_random_state_alone():
    report = make_report(seed=3)
    random.seed(12345)
    before = random.getstate()
    first = render_html(report)
    assert random.getstate() == before
    random.seed(999)
    second = render_html(copy.deepcopy(report))
    assert first == second
    assert render_html(report, pseudonymize_key=b"k" * 16) == render_html(
        report, pseudonymize_key=b"k" * 16
    )


def test_render_does_not_mutate_report():
    report = make_report()
    snapshot = copy.deepcopy(report)
    render_html(report, pseudonymize_key=b"another-key")
    assert report == snapshot


def test_minimal_and_empty_report_renders():
    minimal = {"schema_version": "1.0", "command": "scan", "verdict": {"level": "none"}}
    page = parse(render_html(minimal))
    text = "".join(page.text)
    assert "No sign of coordinated amplification" in text
    assert "No cluster of coordinated accounts was found" in text
    nulls = make_report(hostile=False)
    nulls["officials"][0].update(
        {k: None for k in nulls["officials"][0] if k not in ("account_id", "account_name")}
    )
    nulls["clusters"][0].update(
        median_gap_s=None, density=None, actions=[], edges=[], evidence_mix={}
    )
    nulls["timeline"] = [{"t": 0, "events": 0, "flagged_events": 0}]
    render_html(nulls)


def test_write_html_is_atomic_and_identical(tmp_path):
    report = make_report()
    target = tmp_path / "out" / "report.html"
    write_html(report, target)
    assert target.read_text(encoding="utf-8") == render_html(report)
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.html"]


def test_layout_is_seeded_and_normalised():
    edges = [(i, (i * 7 + 3) % 20, 1.0 + i % 3) for i in range(20)]
    first = layout_positions(20, edges)
    assert first == layout_positions(20, edges)
    assert all(0.0 <= x <= 1.0 and 0.0 <= y <= 1.0 for x, y in first)
    assert layout_positions(0, []) == [] and layout_positions(1, []) == [(0.5, 0.5)]


def test_layout_puts_unlinked_nodes_below_the_linked_ones():
    edges = [(0, 1, 5.0), (1, 2, 1.0), (2, 0, 2.0), (3, 4, 1.0)]
    pos = layout_positions(9, edges)
    linked_y = max(pos[i][1] for i in range(5))
    assert all(pos[i][1] > linked_y for i in range(5, 9))
    assert len({pos[i] for i in range(9)}) == 9  # no two nodes on the same spot
    alone = layout_positions(4, [])
    assert len(set(alone)) == 4 and all(0.0 <= x <= 1.0 and 0.0 <= y <= 1.0 for x, y in alone)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 5000), st.integers(0, 1000), st.integers(0, 1000)),
        max_size=300,
        unique_by=lambda r: r[0],
    ),
    st.integers(1, 50),
)
def test_timeline_bins_merge_preserves_counts(rows, max_bars):
    bin_s = 60
    timeline = [{"t": t * bin_s, "events": n, "flagged_events": min(f, n)} for t, n, f in rows]
    bars, width = merge_bins(timeline, bin_s, max_bars)
    assert len(bars) <= max_bars
    assert width % bin_s == 0
    assert sum(b[1] for b in bars) == sum(r["events"] for r in timeline)
    assert sum(b[2] for b in bars) == sum(r["flagged_events"] for r in timeline)
    assert [b[0] for b in bars] == sorted({b[0] for b in bars})


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (4, "4 s"),
        (4.25, "4.2 s"),
        (45, "45 s"),
        (600, "10.0 min"),
        (7200, "2.0 h"),
        (259200, "3.0 days"),
        (None, "\u2013"),
        ("x", "\u2013"),
        (float("nan"), "\u2013"),
    ],
)
def test_durations_in_plain_words(seconds, text):
    assert fmt_duration(seconds) == text


def test_number_and_time_formats():
    assert fmt_int(1234567) == "1,234,567" and fmt_int(None) == "\u2013"
    assert fmt_pct(0.1234, 1) == "12.3%" and fmt_float(float("inf")) == "\u2013"
    assert fmt_ts(0) == "1970-01-01 00:00 UTC" and fmt_ts(10**20) == "\u2013"
    assert num(None) == "" and float(num(0.5)) == 0.5


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 2_000_000_000), st.integers(1, 400 * 86400))
def test_time_ticks_are_aligned_and_inside(t0, span):
    ticks = time_ticks(t0, t0 + span)
    assert len(ticks) <= 8
    assert all(t0 <= t <= t0 + span for t, _ in ticks)
    if len(ticks) >= 2:
        steps = {b - a for (a, _), (b, _) in zip(ticks, ticks[1:], strict=False)}
        assert len(steps) == 1
        step = steps.pop()
        assert all(t % step == 0 for t, _ in ticks)  # UTC-aligned


def test_undetermined_verdict_renders_its_own_badge():
    report = {"schema_version": "2.1", "command": "scan",
              "verdict": {"level": "undetermined", "headline": "2 group(s) act in sync, but this input lacks post texts"}}
    html = render_html(report)
    assert 'class="badge undetermined"' in html
    assert "Coordination: Undetermined" in html
    assert "lacks what is needed to tell whether they are inauthentic" in html


def test_methods_show_how_much_evidence_the_input_could_give():
    report = {"schema_version": "2.1", "command": "scan", "verdict": {"level": "none"},
              "input_summary": {"events": 10, "evidence_coverage": {"profile": 0.0, "duplicate_text": 0.25}}}
    html = render_html(report)
    assert "profile (accounts with a known creation date)" in html
    assert "25%" in html


def test_nothing_found_on_partial_evidence_is_not_a_green_light():
    verdict = {"level": "none", "headline": "No sign ...", "missing_evidence": ["duplicate_text", "profile"]}
    html = render_html({"schema_version": "2.1", "command": "scan", "verdict": verdict})
    assert "None found (partial evidence)" in html and 'class="badge undetermined"' in html
    full = render_html({"schema_version": "2.1", "command": "scan", "verdict": {**verdict, "missing_evidence": []}})
    assert 'class="badge none"' in full and "partial evidence" not in full

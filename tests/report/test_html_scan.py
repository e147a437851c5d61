"""The HTML report of a real scan (``detector.pipeline.run_scan``): hostile posts stay inert text."""

from __future__ import annotations

import pytest

pipeline = pytest.importorskip(
    "detector.pipeline", reason="detector.pipeline (run_scan) is not available yet"
)

from detector.report.html import render_html  # noqa: E402

try:
    from tests.browser.html_factory import (
        EVIL_URLS,
        PAYLOADS,
        make_accounts,
        make_events,
        parse,
        sample_data_report,
        scan_report,
    )
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from browser.html_factory import (
        EVIL_URLS,
        PAYLOADS,
        make_accounts,
        make_events,
        parse,
        sample_data_report,
        scan_report,
    )


@pytest.fixture(scope="module")
def hostile_scan() -> dict:
    events = make_events()
    return scan_report(events, accounts=make_accounts(events))


def test_real_report_of_hostile_posts_is_inert(hostile_scan):
    html_text = render_html(hostile_scan)
    page = parse(html_text)
    names = [t for t, _ in page.tags]
    assert names.count("script") == 1 and "img" not in names and "iframe" not in names
    for _, attrs in page.tags:
        assert not any(name.startswith("on") for name, _ in attrs)
    text = "".join(page.text)
    shown = [p for p in PAYLOADS[:12] if p in text]
    samples = [s["text"] for c in hostile_scan["clusters"] for s in c["sample_texts"]]
    for sample in samples:
        assert sample in text
    assert shown or not samples  # payload posts that reached the report are shown as text
    assert not any(url in html_text for url in EVIL_URLS if "<" in url or '"' in url)


def test_real_report_sections_and_determinism(hostile_scan):
    html_text = render_html(hostile_scan)
    ids = [dict(a).get("id") for t, a in parse(html_text).tags if t == "section"]
    assert ids == ["verdict", "timeline", "clusters", "accounts", "officials", "methods"]
    events = make_events()
    again = scan_report(events, accounts=make_accounts(events))
    assert render_html(again) == html_text


def test_real_report_pseudonymised_hides_campaign_handles(hostile_scan):
    out = render_html(hostile_scan, pseudonymize_key=b"scan-test-key-1").casefold()
    for acc in hostile_scan["accounts"]:
        if acc["account_id"] in {o["account_id"] for o in hostile_scan["officials"]}:
            continue
        if acc["account_name"].startswith("patriot"):
            assert acc["account_name"].casefold() not in out


def test_sample_data_report_renders():
    report = sample_data_report()
    if report is None:
        pytest.skip("sample_data/ has no input files yet")
    html_text = render_html(report)
    assert html_text == render_html(report)
    ids = [dict(a).get("id") for t, a in parse(html_text).tags if t == "section"]
    assert ids[0] == "verdict" and ids[-1] == "methods"

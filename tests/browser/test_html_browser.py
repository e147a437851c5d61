"""The HTML report in a real headless Chromium: nothing from the data runs, nothing leaves the page.

Needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/install_browser.sh``) and the
``selenium`` package. Skips, saying why, only when no browser can be driven.
Screenshots go to ``test-artifacts/`` at the repository root.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from detector.report.html import write_html

try:
    from tests.browser.html_factory import PAYLOADS, make_report
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from browser.html_factory import PAYLOADS, make_report

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = os.environ.get("DETECTOR_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("DETECTOR_CHROMEDRIVER", "/usr/bin/chromedriver")
CHROME_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--hide-scrollbars",
    "--window-size=1280,1400",
)
SECTIONS = ("verdict", "timeline", "clusters", "accounts", "officials", "methods")


def _browser_problem() -> str | None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "the 'selenium' package is not installed (pip install selenium; see .ci/install_browser.sh)"
    for exe in (CHROMIUM, CHROMEDRIVER):
        if not (os.path.isfile(exe) and os.access(exe, os.X_OK)):
            return f"{exe} not found (apt-get install chromium chromium-driver; see .ci/install_browser.sh)"
    return None


@pytest.fixture(scope="module")
def driver():
    problem = _browser_problem()
    if problem:
        pytest.skip("no headless browser can be driven: " + problem)
    from selenium import webdriver
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="detector-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*CHROME_FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    try:
        drv = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    except WebDriverException as exc:
        shutil.rmtree(profile, ignore_errors=True)
        pytest.skip(f"no headless browser can be driven: chromium failed to start ({exc.msg})")
    drv.set_page_load_timeout(60)
    yield drv
    drv.quit()
    shutil.rmtree(profile, ignore_errors=True)


def _open(driver, path: Path) -> list[dict]:
    """Load ``path``; return the DevTools network events it caused."""
    driver.get_log("performance")  # drop events from earlier pages
    driver.get(path.as_uri())
    driver.execute_script("return document.readyState")
    # give any (forbidden) late loads a moment to show up in the log
    driver.execute_async_script(
        "var done = arguments[arguments.length - 1]; setTimeout(done, 300);"
    )
    events = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"].startswith("Network."):
            events.append(message)
    return events


BROWSER_UI = ("chrome://", "chrome-untrusted://", "devtools://")


def _requested_urls(events: list[dict]) -> list[str]:
    """Every URL requested, except by the browser's own UI pages (new-tab page, favicons)."""
    urls = set()
    for event in events:
        if event["method"] != "Network.requestWillBeSent":
            continue
        params = event["params"]
        url, document = params["request"]["url"], params.get("documentURL", "")
        if url.startswith(BROWSER_UI) or document.startswith(BROWSER_UI):
            continue
        urls.add(url)
    return sorted(urls)


def _screenshot(driver, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, min(int(height) + 40, 16000))
    out = ARTIFACTS / name
    driver.save_screenshot(str(out))
    driver.set_window_size(1280, 1400)
    return out


@pytest.fixture(scope="module")
def hostile_page(driver, tmp_path_factory):
    path = tmp_path_factory.mktemp("html") / "report.html"
    write_html(make_report(hostile=True), path)
    events = _open(driver, path)
    return path, events


def test_no_script_from_the_data_runs(driver, hostile_page):
    path, _ = hostile_page
    assert driver.execute_script("return typeof window.__pwned") == "undefined"
    # the payload `document.title = 'PWNED'` did not run: the title is the escaped focus text
    assert driver.title == "Coordination report: hashtag #" + PAYLOADS[0]
    # hover/focus every element, the way a reader would, then check again
    driver.execute_script(
        "document.querySelectorAll('*').forEach(function (n) {"
        "  ['mouseover', 'focus', 'click'].forEach(function (t) {"
        "    if (n.tagName !== 'BUTTON') { n.dispatchEvent(new Event(t)); } }); });"
    )
    assert driver.execute_script("return typeof window.__pwned") == "undefined"
    counts = driver.execute_script(
        "return ['script', 'img', 'iframe', 'object', 'embed', 'link', 'base', 'form', 'a[href^=\"javascript\"]']"
        ".map(function (s) { return document.querySelectorAll(s).length; });"
    )
    assert counts == [1, 0, 0, 0, 0, 0, 0, 0, 0]
    shown = driver.execute_script("return document.body.innerText")
    assert "<script>window.__pwned = 1;" in shown
    assert "<img src=x onerror=" in shown
    assert "javascript:window.__pwned" in shown


def test_no_request_leaves_the_page(driver, hostile_page):
    path, events = hostile_page
    urls = _requested_urls(events)
    assert urls == [path.as_uri()], urls
    resources = driver.execute_script(
        "return performance.getEntriesByType('resource').map(function (e) { return e.name; })"
    )
    assert resources == []


def test_inline_style_and_script_are_allowed_by_the_policy(driver, hostile_page):
    # the stylesheet applied (CSP hash correct): the high verdict has a red left border
    border = driver.execute_script(
        "return getComputedStyle(document.getElementById('verdict')).borderLeftColor"
    )
    assert border == "rgb(179, 38, 30)"
    severe = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    csp_errors = [e for e in severe if "Content Security Policy" in e.get("message", "")]
    assert csp_errors == [], csp_errors


def test_key_sections_are_visible(driver, hostile_page):
    from selenium.webdriver.common.by import By

    for section in SECTIONS:
        element = driver.find_element(By.ID, section)
        driver.execute_script("arguments[0].scrollIntoView()", element)
        assert element.is_displayed(), section
        assert element.size["height"] > 40, section
    assert len(driver.find_elements(By.CSS_SELECTOR, "#clusters svg.chart")) >= 3
    assert driver.find_element(By.CSS_SELECTOR, "#timeline svg.chart").size["width"] > 600


def _column(driver, table_id: str, col: int) -> list[str]:
    return driver.execute_script(
        "var col = arguments[1];"
        "return Array.prototype.map.call(document.getElementById(arguments[0]).tBodies[0].rows,"
        " function (r) { return r.cells[col].getAttribute('data-v') || r.cells[col].textContent; });",
        table_id,
        col,
    )


def test_sortable_tables_sort_on_click(driver, hostile_page):
    from selenium.webdriver.common.by import By

    heads = driver.find_elements(By.CSS_SELECTOR, "#officials-table thead th button")
    titles = [h.text for h in heads]
    col = titles.index("In-strength")
    before = [float(v) for v in _column(driver, "officials-table", col)]
    assert before == sorted(before, reverse=True)  # report order: in_strength desc
    driver.execute_script("arguments[0].scrollIntoView()", heads[col])
    heads[col].click()
    assert [float(v) for v in _column(driver, "officials-table", col)] == sorted(before)
    heads[col].click()
    assert [float(v) for v in _column(driver, "officials-table", col)] == sorted(
        before, reverse=True
    )
    th = driver.find_elements(By.CSS_SELECTOR, "#officials-table thead th")[col]
    assert th.get_attribute("aria-sort") == "descending"

    acc_heads = driver.find_elements(By.CSS_SELECTOR, "#accounts-table thead th button")
    name_col = [h.text for h in acc_heads].index("Account")
    driver.execute_script("arguments[0].scrollIntoView()", acc_heads[name_col])
    acc_heads[name_col].click()
    names = [n.strip().lower() for n in _column(driver, "accounts-table", name_col)]
    assert names == sorted(names)
    assert driver.execute_script("return typeof window.__pwned") == "undefined"


def test_screenshot_of_hostile_report(driver, hostile_page):
    out = _screenshot(driver, "html_report_hostile.png")
    assert out.stat().st_size > 10_000


def test_clean_report_screenshot_and_pseudonymised(driver, tmp_path):
    path = tmp_path / "clean.html"
    report = make_report(hostile=False, command="account")
    write_html(report, path, pseudonymize_key=b"browser-test-key")
    events = _open(driver, path)
    assert _requested_urls(events) == [path.as_uri()]
    shown = driver.execute_script("return document.body.innerText")
    assert "amplifier_0" not in shown and "acct-" in shown
    assert "EmbassyExample" in shown  # officials stay clear
    _screenshot(driver, "html_report_pseudonymised.png")


def _check_page(driver, path: Path) -> None:
    """Common checks on an opened report: nothing ran, nothing left, sections visible."""
    from selenium.webdriver.common.by import By

    assert driver.execute_script("return typeof window.__pwned") == "undefined"
    assert driver.title.startswith("Coordination report: ")
    for section in ("verdict", "timeline", "clusters", "accounts", "officials", "methods"):
        element = driver.find_element(By.ID, section)
        driver.execute_script("arguments[0].scrollIntoView()", element)
        assert element.is_displayed(), section
    counts = driver.execute_script(
        "return ['script', 'img', 'iframe', 'object', 'link', 'base']"
        ".map(function (s) { return document.querySelectorAll(s).length; });"
    )
    assert counts == [1, 0, 0, 0, 0, 0]


def test_real_scan_of_hostile_posts(driver, tmp_path):
    pytest.importorskip(
        "detector.pipeline", reason="detector.pipeline.run_scan is not available yet"
    )
    try:
        from tests.browser.html_factory import make_accounts, make_events, scan_report
    except ImportError:
        from browser.html_factory import make_accounts, make_events, scan_report

    events = make_events()
    report = scan_report(events, accounts=make_accounts(events))
    assert report["clusters"], "the injected campaign should form at least one cluster"
    path = tmp_path / "scan.html"
    write_html(report, path)
    events = _open(driver, path)
    assert _requested_urls(events) == [path.as_uri()]
    _check_page(driver, path)
    shown = driver.execute_script("return document.getElementById('clusters').innerText")
    samples = [s["text"] for c in report["clusters"] for s in c["sample_texts"]]
    assert any(sample.split(" @")[0] in shown for sample in samples)
    _screenshot(driver, "html_report_scan.png")


def test_sample_data_report_in_browser(driver, tmp_path):
    pytest.importorskip(
        "detector.pipeline", reason="detector.pipeline.run_scan is not available yet"
    )
    try:
        from tests.browser.html_factory import sample_data_report
    except ImportError:
        from browser.html_factory import sample_data_report

    report = sample_data_report()
    if report is None:
        pytest.skip("sample_data/ has no input files yet")
    path = tmp_path / "sample.html"
    write_html(report, path)
    events = _open(driver, path)
    assert _requested_urls(events) == [path.as_uri()]
    _check_page(driver, path)
    _screenshot(driver, "html_report_sample.png")

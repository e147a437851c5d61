"""Creation-date histogram, confidence statement and CJK text in a real headless Chromium.

A real scan of the hand-built scenario (tests/test_pipeline_scenario.py) whose campaign posts
carry Japanese and Chinese text. Screenshots go to ``test-artifacts/`` (look at them: the
histogram's bars, the confidence line and the CJK glyphs). Glyphs are checked in the page:
a CJK string drawn on a canvas must differ from the "missing glyph" box a font-less browser
draws (install a CJK font such as fonts-noto-cjk: ``.ci/install_browser.sh``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from detector.report.html import write_html

try:
    from tests.browser.test_html_browser import ARTIFACTS, _open, driver  # noqa: F401 - fixture
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from browser.test_html_browser import ARTIFACTS, _open, driver  # noqa: F401 - fixture

pytestmark = pytest.mark.browser

CJK = "日本と韓国の友好を守ろう 和平发展"

GLYPH_CHECK = """
const text = arguments[0];
function draw(s) {
  const c = document.createElement('canvas'); c.width = 400; c.height = 60;
  const g = c.getContext('2d'); g.font = '32px ' + getComputedStyle(document.body).fontFamily;
  g.fillStyle = '#000'; g.fillText(s, 4, 44); return c.toDataURL();
}
const missing = draw('\\u{10FFFD}\\u{10FFFD}\\u{10FFFD}');  // private-use: no font has it
return [...text].filter(ch => ch.trim()).map(ch => draw(ch.repeat(3)) !== missing);
"""


@pytest.fixture(scope="module")
def cjk_page(tmp_path_factory):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from test_pipeline_scenario import scenario

    from detector.pipeline import ScanParams, run_scan
    from detector.progress import set_quiet

    set_quiet(True)
    events, accounts, _ = scenario(seed=1)
    camp = events["account_id"].str.startswith("c") & events["text"].notna()
    events.loc[camp, "text"] = events.loc[camp, "text"] + " " + CJK
    result = run_scan(events, accounts, params=ScanParams(), command="scan")
    path = tmp_path_factory.mktemp("cjk") / "report.html"
    write_html(result.report, path)
    return path, result.report


def test_histogram_and_confidence_render_with_cjk(driver, cjk_page):  # noqa: F811 - fixture
    from selenium.webdriver.common.by import By

    path, report = cjk_page
    flagged = [c for c in report["clusters"] if c["flagged"]]
    assert flagged, "the scenario's campaign must be flagged"
    cid = flagged[0]["cluster_id"]
    _open(driver, path)
    block = driver.find_element(By.ID, f"cluster-{cid}")
    confidence = block.find_element(By.CSS_SELECTOR, "p.confidence")
    assert confidence.is_displayed() and confidence.text.startswith("Confidence: ")
    assert flagged[0]["confidence"]["statement"] in confidence.text
    chart = block.find_element(By.CSS_SELECTOR, ".creation svg")
    assert chart.is_displayed() and chart.size["width"] > 300 and chart.size["height"] > 100
    bars = chart.find_elements(By.CSS_SELECTOR, "rect[fill]")
    n_bins = len(report["creation_dates"]["labels"])
    assert len(bars) >= 2 * n_bins  # a cluster bar and a whole-scan bar per bin (plus legend swatches)
    posts = block.find_element(By.CSS_SELECTOR, ".posts")
    assert CJK in posts.text
    rendered = driver.execute_script(GLYPH_CHECK, CJK)
    assert rendered and all(rendered), (
        "CJK characters render as missing-glyph boxes: install a CJK font (fonts-noto-cjk, .ci/install_browser.sh)"
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    driver.set_window_size(1280, 2600)
    driver.execute_script("arguments[0].scrollIntoView()", block)
    block.screenshot(str(ARTIFACTS / "html_cluster_confidence_creation_cjk.png"))
    driver.find_element(By.ID, "verdict").screenshot(str(ARTIFACTS / "html_verdict_by_the_numbers.png"))
    driver.set_window_size(1280, 1400)

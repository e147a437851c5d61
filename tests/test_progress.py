"""Progress bars from one place: one bar for the scan's stages, bars that stay when done."""

from __future__ import annotations

import io
import sys

from detector import progress as pg


def test_stage_bar_walks_every_stage_and_stays(monkeypatch):
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    monkeypatch.setattr(pg, "_disabled", lambda: False)
    stages = ("read", "score", "report")
    for name in ("read", "score", "extra step", "score", "report"):  # a stage in two steps counts once
        with pg.stage(name, stages, desc="scan"):
            pass
    text = err.getvalue()
    assert "scan" in text and "3/3" in text and "done" in text
    assert not text.endswith("\r")  # left on screen, not erased
    assert pg._STAGE_BAR is None  # closed after the last stage


def test_quiet_silences_bars(monkeypatch):
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    pg.set_quiet(True)
    try:
        assert list(pg.progress(range(3), desc="x")) == [0, 1, 2]
        with pg.stage("a", ("a",)):
            pass
    finally:
        pg.set_quiet(False)
    assert err.getvalue() == ""

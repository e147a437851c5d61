"""Skipped companion files reach the verdict (issue 20): report.json, the HTML report, the
terminal verdict of scan/hashtag/account and the evidence pack; a clean input has no warning.

Inputs: the academictwitteR fixture (tests/io/fixtures/research/academictwitter: three
``data_*.json`` pages and their ``users_*.json``), copied and damaged per test.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import _paths
import pandas as pd
import pytest
from click.testing import CliRunner

from detector.cli import main
from detector.io import read_inputs
from detector.io.log import IngestLog, SkippedCompanion

ACADEMIC = _paths.FIXTURES / "research" / "academictwitter"
DAMAGED = "users_7000012.json"
DATA = "data_7000012.json"


def _folder(tmp_path: Path, damage: str | None) -> Path:
    """A copy of the fixture folder; ``damage``: None, "unreadable" or "mismatched" users file."""
    folder = tmp_path / "in"
    shutil.copytree(ACADEMIC, folder)
    users = folder / DAMAGED
    if damage == "unreadable":
        users.write_text('{"users": [{"id": "1", "username": ', encoding="utf-8")  # cut off mid-object
    elif damage == "mismatched":  # a users file of other accounts (another search's page)
        page = json.loads(users.read_text(encoding="utf-8"))
        for user in page["users"]:
            user["id"] = "99" + str(user["id"])
        users.write_text(json.dumps(page), encoding="utf-8")
    return folder


def _scan(command: list[str], folder: Path, out: Path) -> tuple[str, dict, str]:
    res = CliRunner().invoke(main, [*command, str(folder), "-o", str(out)])
    assert res.exit_code in (0, 3), res.output
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return res.stdout, report, (out / "report.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(("damage", "problem"), [("unreadable", "unreadable"), ("mismatched", "unmatched")])
def test_skipped_users_file_reaches_report_html_and_terminal(tmp_path, damage, problem):
    stdout, report, html = _scan(["scan"], _folder(tmp_path, damage), tmp_path / "out")
    entries = report["input_summary"]["skipped_companions"]
    assert [(e["file"], e["companion"], e["problem"]) for e in entries] == [(DATA, DAMAGED, problem)]
    entry = entries[0]
    assert entry["events"] == 12 and 0 < entry["unknown_authors"] <= 12
    assert {"profile", "creation_date"} <= set(entry["coverage"])  # the evidence coverage it lowers
    assert "account creation dates" in entry["missing"]
    warnings = report["verdict"]["input_warnings"]
    assert len(warnings) == 1 and DATA in warnings[0] and DAMAGED in warnings[0]
    assert "incomplete input" in report["verdict"]["headline"]  # no clean "none"
    assert str(tmp_path) not in json.dumps(report["input_summary"]["skipped_companions"])  # no local paths
    assert "Incomplete input" in html and "None found (incomplete input)" in html
    assert "WARNING: Incomplete input" in stdout
    assert stdout.index("WARNING") < stdout.index("events examined")  # right under the verdict line


@pytest.mark.parametrize("name", ["hashtag", "account"])
def test_focused_commands_print_the_warning(tmp_path, name):
    events = read_inputs(ACADEMIC).events
    tags = events["hashtags"].explode().dropna()
    focus = tags.value_counts().index[0] if name == "hashtag" else "@" + events["account_name"].value_counts().index[0]
    stdout, report, html = _scan([name, focus], _folder(tmp_path, "unreadable"), tmp_path / "out")
    assert report["verdict"]["input_warnings"] and "WARNING: Incomplete input" in stdout
    assert stdout.splitlines()[1].startswith("  WARNING: Incomplete input")
    assert "Incomplete input" in html


def test_clean_input_has_no_warning(tmp_path):
    stdout, report, html = _scan(["scan"], _folder(tmp_path, None), tmp_path / "out")
    assert report["input_summary"]["skipped_companions"] == []
    assert report["verdict"]["input_warnings"] == []
    assert "incomplete" not in report["verdict"]["headline"]
    assert "WARNING" not in stdout and "input-warning" not in html.split("</style>", 1)[1]


def test_readable_users_files_fill_handles_and_creation_dates():
    """The real academictwitteR case: every author's handle and creation date come from users_*.json."""
    result = read_inputs(ACADEMIC)
    assert not result.log.companions
    assert result.events["account_name"].notna().all()
    authors = result.accounts[result.accounts["account_id"].isin(result.events["account_id"])]
    assert len(authors) == result.events["account_id"].nunique()
    assert authors["account_name"].notna().all() and authors["created_at"].notna().all()
    assert authors["followers"].notna().all()


def test_missing_and_not_given_users_files(tmp_path):
    folder = _folder(tmp_path, None)
    (folder / DAMAGED).unlink()
    missing = read_inputs(folder).log.companions
    assert [(c.file.rsplit("/", 1)[-1], c.problem) for c in missing] == [(DATA, "missing")]
    # other pages' users files hold most authors: the count says how many stay unknown
    assert missing[0].unknown_authors < missing[0].events == 12
    only = read_inputs([ACADEMIC / DATA]).log.companions
    assert [c.problem for c in only] == ["not given"] and only[0].unknown_authors == 12


def test_warning_text_is_escaped_in_html(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(ACADEMIC / DATA, folder / "data_<b>x.json")  # its users_<b>x.json does not exist
    _, report, html = _scan(["scan"], folder, tmp_path / "out")
    assert report["input_summary"]["skipped_companions"][0]["problem"] == "missing"
    assert "data_&lt;b&gt;x.json" in html and "data_<b>x.json" not in html


def test_evidence_pack_page_shows_the_warning(tmp_path, scenario_data):
    """Through the Python API: run_scan(..., ingest=log) carries the warning to cluster.html."""
    from detector.pipeline import run_scan
    from detector.report.evidence_pack import write_evidence_packs

    events, accounts, _ = scenario_data
    log = IngestLog()
    log.skip_companion(
        SkippedCompanion("/home/analyst/data_1.json", "users_1.json", "academictwitter-users", "missing", "",
                         100, 40, ("handles", "account creation dates", "retweet originals"))  # fmt: skip
    )
    result = run_scan(events, accounts, ingest=log)
    assert result.report["input_summary"]["skipped_companions"][0]["file"] == "data_1.json"
    folders = write_evidence_packs(result, tmp_path)
    assert folders
    for folder in folders:
        page = (folder / "cluster.html").read_text(encoding="utf-8")
        assert "Incomplete input" in page and "users_1.json" in page and "/home/analyst" not in page
    clean = run_scan(events, accounts, ingest=IngestLog())
    assert clean.report["verdict"]["input_warnings"] == []
    assert clean.report["verdict"]["headline"] == result.report["verdict"]["headline"].replace(
        " in an incomplete input (companion files skipped)", ""
    )
    assert pd.Series(result.report["verdict"]["details"]).equals(pd.Series(clean.report["verdict"]["details"]))

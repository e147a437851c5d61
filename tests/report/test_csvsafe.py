"""CSV output cannot run as a spreadsheet formula, and the vectorised path equals the per-cell rule."""

from __future__ import annotations

import csv

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from detector.report.csvsafe import FORMULA_PREFIXES, neutralize_cell, neutralize_frame, write_csv

cells = st.one_of(
    st.none(),
    st.text(max_size=8),
    st.sampled_from(FORMULA_PREFIXES).flatmap(lambda p: st.text(max_size=6).map(lambda t: p + t)),
)


def test_neutralize_cell_rule():
    assert neutralize_cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    for prefix in FORMULA_PREFIXES:
        assert neutralize_cell(prefix + "1") == "'" + prefix + "1"
    assert neutralize_cell("ok =1") == "ok =1"
    assert neutralize_cell(-0.5) == -0.5  # numbers stay numbers
    assert neutralize_cell(None) is None


@settings(max_examples=100, deadline=None)
@given(st.lists(cells, min_size=1, max_size=30), st.booleans())
def test_vectorised_frame_equals_per_cell_rule(values, as_string_dtype):
    column = pd.Series(values, dtype="string" if as_string_dtype else object)
    got = neutralize_frame(pd.DataFrame({"c": column}))["c"].tolist()
    expected = [None if v is None else neutralize_cell(v) for v in values]
    assert [None if pd.isna(v) else v for v in got] == expected


def test_mixed_and_list_columns_written_safely(tmp_path):
    frame = pd.DataFrame(
        {
            "=name": ["@acct", "plain"],
            "n": [-1.5, 2.0],
            "mixed": [3, "+cmd"],
            "tags": [["=a", "b"], []],
        }
    )
    path = tmp_path / "out.csv"
    write_csv(frame, path)
    rows = list(csv.reader(path.open(encoding="utf-8")))
    assert rows[0] == ["'=name", "n", "mixed", "tags"]
    assert rows[1] == ["'@acct", "-1.5", "3", "'=a|b"]
    assert rows[2] == ["plain", "2.0", "'+cmd", ""]
    for row in rows:  # only the numeric column may start with "-"
        assert not any(cell.startswith(FORMULA_PREFIXES) for i, cell in enumerate(row) if i != 1)

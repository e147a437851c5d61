"""Property tests: random corrupt lines mixed into every reader's input.

For each format, good records (from the conversation fixtures and the per
format fixtures) are interleaved with random junk lines. The read must not
crash, the counts must add up (read == kept + skipped + merged), and every
good record must be kept with its values (compared to a clean read).
"""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
import pytest
from _io_reference import CONV, CSV_FIXTURES, JSON_FIXTURES, json_lines
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detector.io import InputError, read_inputs

JSON_SOURCES = {k: JSON_FIXTURES[k] for k in ("twitter-v1", "twitter-v2", "bluesky", "mastodon")}
CSV_SOURCES = {k: CSV_FIXTURES[k] for k in ("io-archive", "coortweet", "csv")}

# junk that is one physical line: no newline; for CSV also no quote character
junk_text = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs",),
        blacklist_characters="\n\r\x00\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029",
    ),
    max_size=40,
)
junk_json = st.one_of(
    junk_text,
    st.just("{"),
    st.just('{"id": '),
    st.just("[1, 2"),
    st.just('{"text": "unterminated'),
    st.builds(
        lambda v: json.dumps(v), st.dictionaries(st.text(max_size=5), st.integers(), max_size=3)
    ),
    st.builds(lambda v: json.dumps(v), st.lists(st.integers(), max_size=3)),
    st.just("null"),
    st.just('"a string"'),
    st.just('{"created_at": "Mon May 01 00:00:00 +0000 2023", "user": {"id_str": "1"}}'),
)


_json_lines = json_lines


def _check(result, clean) -> None:
    log = result.log
    assert log.records_read == log.kept + log.n_skipped + log.merged
    assert log.kept == len(result.events)
    got = result.events.set_index("event_id")
    for event_id, row in clean.events.set_index("event_id").iterrows():
        assert event_id in got.index
        for column in ("account_id", "ts", "kind", "target_event_id", "text", "hashtags"):
            left, right = got.loc[event_id, column], row[column]
            assert (
                (pd.isna(left) and pd.isna(right))
                if not isinstance(right, list) and pd.isna(right)
                else left == right
            )


@pytest.mark.parametrize("fmt", sorted(JSON_SOURCES))
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_json_readers_survive_corrupt_lines(tmp_path, fmt, data):
    good = _json_lines(JSON_SOURCES[fmt])
    junk = data.draw(st.lists(junk_json, max_size=12))
    positions = data.draw(
        st.lists(st.integers(0, len(good)), min_size=len(junk), max_size=len(junk))
    )
    lines = list(good)
    for pos, bad in sorted(zip(positions, junk, strict=True), key=lambda t: -t[0]):
        lines.insert(pos, bad)
    path = tmp_path / f"{fmt}.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    clean = read_inputs(JSON_SOURCES[fmt])
    result = read_inputs(path, fmt=fmt)
    _check(result, clean)
    assert len(result.events) == len(clean.events)


@pytest.mark.parametrize("fmt", sorted(CSV_SOURCES))
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_csv_readers_survive_corrupt_lines(tmp_path, fmt, data):
    source, mapping = CSV_SOURCES[fmt]
    text = source.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    width = len(header)
    bad_row = st.one_of(
        # wrong number of fields
        st.lists(
            junk_text.filter(lambda s: '"' not in s and "," not in s),
            min_size=width + 1,
            max_size=width + 3,
        ),
        # right width, garbage values (bad time / missing id)
        st.lists(
            junk_text.filter(lambda s: '"' not in s and "," not in s),
            min_size=width,
            max_size=width,
        ),
    )
    junk = data.draw(st.lists(bad_row, max_size=10))
    positions = data.draw(
        st.lists(st.integers(0, len(body)), min_size=len(junk), max_size=len(junk))
    )
    lines = list(body)
    for pos, bad in sorted(zip(positions, junk, strict=True), key=lambda t: -t[0]):
        lines.insert(pos, bad)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(lines)
    path = tmp_path / f"{fmt}.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    clean = read_inputs(source, mapping=mapping)
    try:
        result = read_inputs(path, fmt=fmt, mapping=mapping)
    except InputError:  # pragma: no cover - only when every record is junk, impossible here
        raise
    _check(result, clean)
    # a junk row of the right width may still be a valid event (e.g. generic CSV, any id/time):
    assert len(result.events) >= len(clean.events)
    assert result.log.records_read == len(lines)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(junk=st.lists(junk_json, min_size=1, max_size=8), cut=st.integers(0, 400))
def test_json_array_with_junk_elements(tmp_path, junk, cut):
    statuses = json.loads((CONV / "twitter_v1.json").read_text(encoding="utf-8"))
    parts = [json.dumps(s, ensure_ascii=False, indent=1) for s in statuses]
    for i, bad in enumerate(junk):
        parts.insert((i * 2 + cut) % (len(parts) + 1), bad)
    path = tmp_path / "array.json"
    path.write_text("[\n" + ",\n".join(parts) + "\n]\n", encoding="utf-8")
    try:
        result = read_inputs(path, fmt="twitter-v1")
    except InputError:
        return  # junk swallowed the structure badly enough that nothing is readable: a clean error
    log = result.log
    assert log.records_read == log.kept + log.n_skipped + log.merged
    assert len(result.events) <= len(statuses) + 1

"""Hypothesis mutation tests, one per reader: damaged records never escape as exceptions,
every written record is accounted for, and the intact records are all kept.

Mutations of valid fixture records: injected bytes, NUL bytes, invalid UTF-8, a field of
another type, deep nesting (up to 5,000 levels), duplicated records; then maybe a cut of
the file and maybe a cut of its gzip / zstd / bz2 / xz stream. The expected count of
records comes from a reference: the lines (JSON) or CSV rows of the bytes a plain
decompressor (zlib / zstandard / bz2 / lzma objects, not the reader's) gets out of the
cut stream. Checks per example:

* no exception but :class:`InputError` (one line naming the file) escapes;
* ``records_read`` == records written (in what survives the cut), and
  ``kept + skipped + merged == records_read``;
* every intact record (unmutated, wholly before the cut) is kept: its event ids are
  those of a clean read of the intact records alone.

Example counts are set per family (``EXAMPLES``); the file runs in about a minute on one
busy core.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest
from _io_reference import CODECS, CSV_FIXTURES, JSON_FIXTURES, json_lines, reference_prefix
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detector.io import InputError, read_inputs

EXAMPLES = {"json": 25, "csv": 15, "parquet": 30}
"""Examples per reader (hypothesis ``max_examples``): 5 JSON readers x 25, 5 CSV readers x 15,
Parquet x 30 = 230 damaged files per run (a read costs 0.1-0.3 s, mostly pandas)."""


def _settings(family: str):
    return settings(
        max_examples=EXAMPLES[family],
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


def _lines_of(path: Path) -> list[bytes]:
    return [line.encode() for line in json_lines(path)]


JSON_READERS = {fmt: _lines_of(path) for fmt, path in JSON_FIXTURES.items()}


def _csv_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    return rows[0], rows[1:]


CSV_READERS = CSV_FIXTURES

# ----------------------------------------------------------------- mutations

_no_newline = st.binary(min_size=1, max_size=12).map(
    lambda b: b.replace(b"\n", b"").replace(b"\r", b"") or b"~"
)
_other_value = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=False),
    st.text(max_size=8), st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.sampled_from(["-99999999999999999", "1969-12-31T23:59:59Z", "3000-01-01T00:00:00Z", "1e400", "NaN"]),
)  # fmt: skip
_depth = st.sampled_from([3, 1000, 1025, 5000])
MUTATIONS = ("inject", "nul", "badutf8", "type", "nest", "dup", "deep_line")


def _nested(value, depth: int):
    for _ in range(depth):
        value = [value]
    return value


def _dumps(value) -> bytes:
    try:
        return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")
    except (RecursionError, ValueError):  # json.dumps recurses: build deep values as text
        return b"null"


def _set_random_field(obj, draw, new_value):
    """Replace one field (top level or one level down) of a JSON object."""
    if not isinstance(obj, dict) or not obj:
        return new_value
    key = draw(st.sampled_from(sorted(obj)))
    inner = obj[key]
    if isinstance(inner, dict) and inner and draw(st.booleans()):
        sub = draw(st.sampled_from(sorted(inner)))
        inner[sub] = new_value
    else:
        obj[key] = new_value
    return obj


def _mutate_json_line(line: bytes, mutation: str, draw) -> list[bytes]:
    if mutation == "dup":
        return [line, line]
    if mutation == "deep_line":
        depth = draw(_depth)
        return [b"[" * depth + b"]" * depth]
    if mutation in ("inject", "nul", "badutf8"):
        junk = {
            "inject": draw(_no_newline),
            "nul": b"\x00",
            "badutf8": draw(st.sampled_from([b"\xff\xfe", b"\xc3", b"\xed\xa0\x80"])),
        }[mutation]
        pos = draw(st.integers(0, len(line)))
        return [line[:pos] + junk + line[pos:]]
    obj = json.loads(line)
    if mutation == "type":
        return [_dumps(_set_random_field(obj, draw, draw(_other_value)))]
    depth = draw(
        _depth
    )  # nest: a field buried under `depth` lists (written as text: json recurses)
    marker = "\u0000MARK"
    text = _dumps(_set_random_field(obj, draw, marker)).decode("utf-8", "surrogatepass")
    return [
        text.replace(json.dumps(marker), "[" * depth + '"x"' + "]" * depth).encode(
            "utf-8", "surrogatepass"
        )
    ]


# ------------------------------------------------------------ cuts, reference


@st.composite
def damaged_file(draw, records: list[bytes], joiner: bytes, mutate, header: bytes = b""):
    """(file bytes, decompressed bytes that survive, intact record indexes, codec)."""
    out: list[bytes] = []
    intact: list[int] = []
    for i, rec in enumerate(records):
        # a first line opening with "[" would make the file a JSON array: keep JSON Lines
        mutation = draw(st.sampled_from((None,) * 4 + (MUTATIONS[:-1] if i == 0 else MUTATIONS)))
        if mutation is None:
            intact.append(len(out))
            out.append(rec)
        else:
            out.extend(mutate(rec, mutation, draw))
    body = header + joiner.join(out) + joiner
    plain = body
    if draw(st.booleans()):  # a cut file
        plain = body[: draw(st.integers(len(header) + 1, len(body)))]
    codec = draw(st.sampled_from([None, "gzip", "zstd", "bz2", "xz"]))
    data, survived = plain, plain
    if codec is not None:
        data = CODECS[codec][0](plain)
        if draw(st.booleans()):  # cut the compressed stream
            data = data[: draw(st.integers(1, len(data)))]
        survived = reference_prefix(data, codec)
    return data, survived, out, intact, codec


def _check(path: Path, fmt: str, mapping, written: int, intact_ids: set[str]):
    try:
        result = read_inputs(path, fmt=fmt, mapping=mapping)
    except InputError as exc:
        text = str(exc)
        assert "\n" not in text and text.startswith(str(path)), text
        return None
    log = result.log
    assert log.records_read == written, (
        log.records_read,
        written,
        log.summary()["skipped_by_reason"],
    )
    assert log.kept + log.n_skipped + log.merged == log.records_read
    assert log.kept == len(result.events)
    missing = intact_ids - set(result.events["event_id"])
    assert not missing, (missing, log.summary()["examples"])
    return result


def _json_id(fmt: str, line: bytes) -> str | None:
    """The event id a clean record of the fixture gives (None: a record that is no event)."""
    obj = json.loads(line)
    if fmt == "bluesky":
        commit = obj.get("commit") or {}
        if obj.get("kind") != "commit" or commit.get("operation") != "create":
            return None
        if commit.get("collection") not in ("app.bsky.feed.post", "app.bsky.feed.repost"):
            return None
        return f"at://{obj['did']}/{commit['collection']}/{commit['rkey']}"
    return str(obj.get("id_str") or obj["id"])


CSV_ID = {
    "io-archive": "tweetid",
    "coortweet": "content_id",
    "csv": "post_id",
    "twarc-csv": "id",
    "cnt-csv": "message_id",
}


# ------------------------------------------------------------------- JSON


@pytest.mark.parametrize("fmt", sorted(JSON_READERS))
@_settings("json")
@given(data=st.data())
def test_json_reader_mutations(tmp_path_factory, fmt, data):
    tmp = tmp_path_factory.mktemp(fmt)
    lines = JSON_READERS[fmt]
    raw, survived, out, intact, _codec = data.draw(damaged_file(lines, b"\n", _mutate_json_line))
    name = "data_1.json" if fmt == "academictwitter" else "input.jsonl"
    path = tmp / name
    path.write_bytes(raw)
    written = sum(1 for line in survived.split(b"\n") if line.strip())
    complete = survived.split(b"\n")[:-1]  # lines ended by a newline
    keep = [out[i] for i in intact if i < len(complete) and complete[i] == out[i]]
    ids = {i for i in (_json_id(fmt, line) for line in keep) if i is not None}
    _check(path, fmt, None, written, ids)


# -------------------------------------------------------------------- CSV


def _csv_line(cells: list[str]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(cells)  # "\n" in a cell is then quoted
    return buf.getvalue()[:-1].encode("utf-8")


def _mutate_csv_row(row: bytes, mutation: str, draw) -> list[bytes]:
    cells = next(csv.reader(io.StringIO(row.decode("utf-8"), newline="")))
    if mutation == "dup":
        return [row, row]
    col = draw(st.integers(0, len(cells) - 1))
    if mutation in ("inject", "nul", "badutf8"):
        junk = {"inject": draw(_no_newline).replace(b'"', b""), "nul": b"\x00",
                "badutf8": draw(st.sampled_from([b"\xff\xfe", b"\xc3"]))}[mutation] or b"~"  # fmt: skip
        pos = draw(st.integers(0, len(row)))
        return [row[:pos] + junk + row[pos:]]
    if mutation in ("nest", "deep_line"):
        depth = draw(_depth)
        cells[col] = "[" * depth + "]" * depth
    else:
        cells[col] = str(draw(_other_value))
    return [_csv_line(cells)]


def _csv_records(survived: bytes) -> int:
    """Data rows in what survived, as Python's csv module reads them (blank lines are not rows).

    NUL bytes stay in: a NUL before a quote makes the quote literal, so a quoted field with a
    line break that follows it splits into two records, for the csv module (3.11+) as for the
    reader; stripping NULs first turned the quote into a field opener and counted one."""
    text = survived.decode("utf-8", errors="replace")
    rows = [r for r in csv.reader(io.StringIO(text, newline="")) if r]
    return max(len(rows) - 1, 0)


@pytest.mark.parametrize("fmt", sorted(CSV_READERS))
@_settings("csv")
@given(data=st.data())
def test_csv_reader_mutations(tmp_path_factory, fmt, data):
    tmp = tmp_path_factory.mktemp(fmt)
    source, mapping = CSV_READERS[fmt]
    header, body = _csv_rows(source)
    rows = [_csv_line(r) for r in body]
    head = _csv_line(header) + b"\n"
    raw, survived, out, intact, _codec = data.draw(
        damaged_file(rows, b"\n", _mutate_csv_row, header=head)
    )
    path = tmp / "input.csv"
    path.write_bytes(raw)
    complete = survived[len(head) :].split(b"\n")[:-1] if len(survived) > len(head) else []
    # a record is intact when unmutated and ended by a newline in what survived (fixture rows
    # hold no newline inside quotes except in cnt.csv, where we compare whole records)
    joined = b"\n".join(complete) + b"\n"
    keep = [out[i] for i in intact if _ends_before_cut(out, i, joined)]
    column = header.index(CSV_ID[fmt])
    ids = {next(csv.reader(io.StringIO(r.decode("utf-8"), newline="")))[column] for r in keep}
    _check(path, fmt, mapping, _csv_records(survived), ids)


def _ends_before_cut(out: list[bytes], i: int, joined: bytes) -> bool:
    prefix = b"\n".join(out[: i + 1]) + b"\n"
    return joined.startswith(prefix)


# ---------------------------------------------------------------- Parquet


@_settings("parquet")
@given(
    ts=st.lists(st.one_of(st.integers(-(2**62), 2**62), st.sampled_from([0, 1_682_899_200, 4_200_000_000])),
                min_size=1, max_size=30),
    dup=st.integers(0, 5),
    null_ids=st.integers(0, 3),
    damage=st.one_of(st.none(), st.tuples(st.floats(0.05, 0.9), _no_newline)),
)  # fmt: skip
def test_parquet_reader_mutations(tmp_path_factory, ts, dup, null_ids, damage):
    tmp = tmp_path_factory.mktemp("parquet")
    n = len(ts)
    frame = pd.DataFrame(
        {
            "event_id": [
                None if i < null_ids else f"e{i % (n - dup) if n > dup else i}" for i in range(n)
            ],
            "account_id": [f"a{i % 4}" for i in range(n)],
            "ts": ts,
            "text": [f"text {i}" for i in range(n)],
        }
    )
    path = tmp / "input.parquet"
    frame.to_parquet(path, row_group_size=7)
    if damage is not None:
        raw = path.read_bytes()
        pos = int(len(raw) * damage[0])
        path.write_bytes(raw[:pos] + damage[1] + raw[pos + len(damage[1]) :])
    result = _check(path, "parquet", {}, n, set())
    if result is not None and damage is None:
        good = sum(1 for i, t in enumerate(ts) if i >= null_ids and _in_range(t))
        assert result.log.kept == good
        assert result.log.skipped["missing id"] == null_ids


def _in_range(value: int) -> bool:
    """Reference of the documented epoch rule: magnitude picks s / ms / us / ns; 1990..2100."""
    mag = abs(value)
    ms = (
        value * 1000
        if mag < 1e11
        else value
        if mag < 1e14
        else value / 1000
        if mag < 1e17
        else value / 1e6
    )
    return 631_152_000_000 <= round(ms) < 4_133_980_800_000

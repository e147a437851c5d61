"""Issue 13's cases, end to end: cut compressed streams, NUL bytes, deep nesting, impossible
dates. Good records are never lost and every problem is listed with file and line."""

from __future__ import annotations

import gzip
import json
import zlib
from pathlib import Path

import pytest
from _io_reference import CODECS, reference_prefix
from _paths import FIXTURES
from click.testing import CliRunner

from detector.cli import main
from detector.io import InputError, read_inputs

CONV = FIXTURES / "conversation"
BLUESKY = FIXTURES / "bluesky_jetstream.jsonl"


def _records(n: int = 2000) -> list[bytes]:
    base = json.loads((CONV / "twitter_v1.jsonl").read_bytes().splitlines()[0])
    out = []
    for i in range(n):
        base["id_str"] = str(50_000 + i)
        base["text"] = f"record {i} " + "x" * (i % 37)
        out.append(json.dumps(base, ensure_ascii=False).encode())
    return out


def _complete_lines(cut: bytes, codec: str) -> int:
    """Reference: complete lines a plain decompressor recovers from the cut stream."""
    return reference_prefix(cut, codec).count(b"\n")


@pytest.mark.parametrize("codec", sorted(CODECS))
@pytest.mark.parametrize("fraction", [0.6, 0.25])
def test_cut_stream_keeps_every_complete_record(tmp_path, codec, fraction):
    lines = _records()
    data = CODECS[codec][0](b"\n".join(lines) + b"\n")
    cut = data[: int(len(data) * fraction)]
    path = tmp_path / f"cut.jsonl.{codec}"
    path.write_bytes(cut)
    complete = _complete_lines(cut, codec)
    if complete == 0:  # bz2 / xz keep whole blocks: a small cut may hold none
        with pytest.raises(InputError, match="nothing could be read|no record"):
            read_inputs(path)
        return
    result = read_inputs(path)
    assert len(result.events) == complete
    assert result.events["event_id"].tolist() == [str(50_000 + i) for i in range(complete)]
    (damage,) = result.log.damaged
    assert damage["file"] == str(path) and damage["compression"] == codec
    assert damage["records_kept"] == complete and damage["line"] == complete + 1
    assert 0 < damage["byte_offset"] <= len(cut)
    cut_records = result.log.skipped.get("truncated record (cut stream)", 0)
    assert result.log.records_read == complete + cut_records
    with pytest.raises(InputError, match="truncated"):  # --strict: the cut record or the cut stream
        read_inputs(path, strict=True)


def test_corrupt_gzip_middle_keeps_the_records_before(tmp_path):
    lines = _records(3000)
    data = bytearray(gzip.compress(b"\n".join(lines) + b"\n", compresslevel=1))
    middle = len(data) // 2
    data[middle : middle + 64] = b"\xff" * 64
    path = tmp_path / "corrupt.jsonl.gz"
    path.write_bytes(bytes(data))
    dec = zlib.decompressobj(wbits=31)
    good = b""
    for i in range(0, len(data), 64):  # reference: what decodes before zlib gives up
        try:
            good += dec.decompress(bytes(data[i : i + 64]))
        except zlib.error:
            break
    decoded = good.split(b"\n")
    intact = 0
    while intact < len(lines) and intact + 1 < len(decoded) and decoded[intact] == lines[intact]:
        intact += 1  # records decoded unchanged (zlib may decode some garbage before it fails)
    result = read_inputs(path)
    assert intact > 1000
    assert result.events["event_id"].tolist()[:intact] == [str(50_000 + i) for i in range(intact)]
    assert result.log.damaged and result.log.damaged[0]["byte_offset"] <= len(data)
    assert result.log.records_read == result.log.kept + result.log.n_skipped


def test_cut_v1_array_keeps_every_complete_element(tmp_path):
    statuses = [json.loads(line) for line in _records(400)]
    parts = [json.dumps(s, indent=1).encode() for s in statuses]
    body = b"[\n" + b",\n".join(parts) + b"\n]\n"
    for fraction in (0.33, 0.6, 0.97):
        cut = body[: int(len(body) * fraction)]
        ends, pos = 0, 2
        for part in parts:
            pos += len(part)
            if pos > len(cut):
                break
            ends += 1
            pos += 2
        for name, data, codec in (
            ("cut.json", cut, None),
            (
                "cut.json.gz",
                gzip.compress(body)[: int(len(gzip.compress(body)) * fraction)],
                "gzip",
            ),
        ):
            path = tmp_path / name
            path.write_bytes(data)
            result = read_inputs(path)
            expected = ends if codec is None else _complete_elements(_reference(data), parts)
            assert len(result.events) == expected, (name, fraction)
            assert result.log.records_read == result.log.kept + result.log.n_skipped


def _reference(data: bytes) -> bytes:
    return zlib.decompressobj(wbits=31).decompress(data)


def _complete_elements(text: bytes, parts: list[bytes]) -> int:
    count, pos = 0, 2
    for part in parts:
        if pos + len(part) > len(text):
            break
        count += 1
        pos += len(part) + 2
    return count


def _nul_and_deep(tmp_path: Path) -> tuple[Path, int]:
    lines = _records(60)
    lines[10] = lines[10][:30] + b"\x00" + lines[10][30:]
    lines[20] = b'{"a": ' * 5000 + b"1" + b"}" * 5000
    lines[30] = b"[" * 5000 + b"]" * 5000
    lines[40] = lines[40][:25] + b"\xff\xfe" + lines[40][25:]
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path, 56


def test_nul_deep_nesting_and_bad_utf8_lose_no_neighbour(tmp_path):
    path, good = _nul_and_deep(tmp_path)
    result = read_inputs(path)
    assert len(result.events) == good
    skipped = result.log.skipped
    assert skipped["NUL byte"] == 1 and skipped["invalid UTF-8"] == 1
    assert skipped["nesting deeper than 1024"] == 2
    lines = {p.line for ps in result.log.examples.values() for p in ps}
    assert lines == {11, 21, 31, 41}


def test_cli_exit_0_and_every_problem_with_file_and_line_in_json(tmp_path):
    path, good = _nul_and_deep(tmp_path)
    data = gzip.compress(path.read_bytes())
    cut = tmp_path / "mixed_cut.jsonl.gz"
    cut.write_bytes(data[: int(len(data) * 0.9)])
    res = CliRunner().invoke(
        main, ["ingest", str(path), str(cut), "-o", str(tmp_path / "o.parquet"), "--json"]
    )
    assert res.exit_code == 0, res.output
    assert "Traceback" not in res.output
    summary = json.loads(res.output)
    problems = [p for ps in summary["examples"].values() for p in ps]
    reasons = {p["reason"] for p in problems}
    assert {"NUL byte", "invalid UTF-8", "nesting deeper than 1024"} <= reasons
    assert all(p["file"] in (str(path), str(cut)) and isinstance(p["line"], int) for p in problems)
    (damage,) = summary["damaged_streams"]
    assert damage["file"] == str(cut) and damage["byte_offset"] > 0 and damage["line"] > 1
    strict = CliRunner().invoke(
        main, ["ingest", str(path), "-o", str(tmp_path / "s.parquet"), "--strict"]
    )
    assert strict.exit_code != 0 and "mixed.jsonl:11: NUL byte" in strict.output


def test_binary_sniffing_looks_past_one_byte(tmp_path):
    path = tmp_path / "early_nul.jsonl"
    lines = _records(30)
    lines[0] = b"\x00" + lines[0]
    path.write_bytes(b"\n".join(lines) + b"\n")
    assert len(read_inputs(path).events) == 29
    binary = tmp_path / "image.jsonl"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    with pytest.raises(InputError, match="binary file"):
        read_inputs(binary)
    utf16 = tmp_path / "utf16.jsonl"
    utf16.write_bytes((b"\n".join(_records(5)) + b"\n").decode().encode("utf-16-le"))
    with pytest.raises(InputError, match="UTF-16"):
        read_inputs(utf16)


def test_impossible_dates_are_skipped_not_fatal(tmp_path):
    lines = _records(10)
    bad = {
        2: "Mon Jan 01 00:00:00 +0000 1970",
        3: "3000-01-01T00:00:00Z",
        4: "-99999999999999999",
        5: "2101-01-01T00:00:00Z",
    }
    for i, value in bad.items():
        obj = json.loads(lines[i])
        obj["created_at"] = value
        lines[i] = json.dumps(obj).encode()
    path = tmp_path / "dates.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    result = read_inputs(path)
    assert len(result.events) == 6
    assert result.log.skipped["time out of range (1990..2100)"] == 4
    # Bluesky relay times outside pandas' range (the strftime crash of the issue)
    rows = BLUESKY.read_text(encoding="utf-8").splitlines()
    for i, row in enumerate(rows):
        obj = json.loads(row)
        if obj.get("kind") == "commit":
            obj["time_us"] = -(10**18)
            rows[i] = json.dumps(obj)
            break
    sky = tmp_path / "sky.jsonl"
    sky.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = read_inputs(sky)
    assert result.log.skipped["time out of range (1990..2100)"] == 1
    assert result.summary()["time_span"]["first"].startswith("2024")

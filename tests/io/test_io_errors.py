"""Bad inputs give one clear line (never a traceback), in the library and in `detector ingest`."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from pathlib import Path

import pytest
import zstandard
from _paths import FIXTURES
from click.testing import CliRunner

from detector.cli import main
from detector.io import InputError, read_canonical_events, read_inputs

FIX = FIXTURES
CONV = FIX / "conversation"


def _many_lines(n: int = 3000) -> bytes:
    line = (CONV / "twitter_v1.jsonl").read_bytes().splitlines()[0]
    import json

    out = []
    for i in range(n):
        obj = json.loads(line)
        obj["id_str"] = str(10_000 + i)
        out.append(json.dumps(obj, ensure_ascii=False).encode())
    return b"\n".join(out) + b"\n"


def test_truncated_gzip_keeps_what_was_read(tmp_path):
    data = gzip.compress(_many_lines())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    result = read_inputs(path)
    assert 0 < len(result.events) < 3000
    assert any("truncated" in line and str(path) in line for line in result.log.problem_lines())
    with pytest.raises(InputError, match="truncated"):
        read_inputs(path, strict=True)


def test_truncated_zstd_is_noticed(tmp_path):
    data = zstandard.ZstdCompressor().compress(_many_lines())
    path = tmp_path / "cut.zst"
    path.write_bytes(data[: len(data) // 2])
    result = read_inputs(path)
    assert 0 < len(result.events) < 3000
    assert result.log.notices and "truncated" in result.log.notices[0]


def test_gzip_cut_in_header(tmp_path):
    path = tmp_path / "tiny.gz"
    path.write_bytes(gzip.compress(b"x" * 100)[:5])
    with pytest.raises(InputError, match="tiny.gz"):
        read_inputs(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "file is empty"),
        (b"   \n\n", "only whitespace"),
        (bytes(range(256)) * 4, "binary file"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "binary file"),
        (b"PK\x03\x04rest", "zip archive"),
        (b"just one line of prose without any comma\n", "neither JSON nor a CSV"),
        (b'{"foo": 1}\n{"bar": 2}\n', "unrecognised JSON"),
        (b"a,b,c\n1,2,3\n", "not a known table"),
    ],
)
def test_one_clear_error(tmp_path, content, message):
    path = tmp_path / "input.dat"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as info:
        read_inputs(path)
    text = str(info.value)
    assert str(path) in text and "\n" not in text


def test_empty_gzip(tmp_path):
    path = tmp_path / "e.gz"
    path.write_bytes(gzip.compress(b""))
    with pytest.raises(InputError, match="empty after gzip"):
        read_inputs(path)


def test_missing_path_and_empty_directory(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_inputs(tmp_path / "nope.json")
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / ".hidden").write_text("x")
    (tmp_path / "d" / "empty.json").write_text("")
    with pytest.raises(InputError, match="directory holds no readable input file"):
        read_inputs(tmp_path / "d")
    with pytest.raises(InputError, match="no input"):
        read_inputs([])


def test_directory_skips_empty_and_unrecognised_files_with_notice(tmp_path):
    (tmp_path / "a.jsonl").write_bytes((CONV / "twitter_v1.jsonl").read_bytes())
    (tmp_path / "b.jsonl").write_text("")
    (tmp_path / "README.md").write_text("# notes about this collection\n")
    (tmp_path / "truth.csv").write_text("account_id,label\n1,organic\n")
    result = read_inputs(tmp_path)
    assert len(result.events) == 6
    assert any("b.jsonl: empty file" in n for n in result.log.notices)
    assert any("README.md" in n and n.startswith("skipped") for n in result.log.notices)
    assert any("truth.csv" in n for n in result.log.notices)
    # the same files named explicitly are errors
    with pytest.raises(InputError, match="truth.csv"):
        read_inputs([tmp_path / "a.jsonl", tmp_path / "truth.csv"])
    (tmp_path / "a.jsonl").unlink()
    with pytest.raises(InputError, match="no readable input in the files or folders given"):
        read_inputs(tmp_path)


def test_wrong_forced_format(tmp_path):
    with pytest.raises(InputError, match="looks like twitter-v1, not twitter-v2"):
        read_inputs(CONV / "twitter_v1.jsonl", fmt="twitter-v2")
    with pytest.raises(InputError, match="looks like CSV, not mastodon"):
        read_inputs(CONV / "io_archive.csv", fmt="mastodon")
    with pytest.raises(InputError, match="not a coortweet table: lacks column"):
        read_inputs(CONV / "io_archive.csv", fmt="coortweet")
    with pytest.raises(InputError, match="unknown format"):
        read_inputs(CONV / "io_archive.csv", fmt="myspace")


def test_all_records_unreadable_is_a_format_error(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('{"id": "1", "text": "hi"}\n' * 5, encoding="utf-8")
    with pytest.raises(InputError, match="no record could be read as twitter-v1"):
        read_inputs(path, fmt="twitter-v1")


def test_strict_stops_at_first_malformed(tmp_path):
    path = tmp_path / "s.jsonl"
    lines = (CONV / "twitter_v1.jsonl").read_text(encoding="utf-8").splitlines()
    lines.insert(3, "{oops")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = read_inputs(path)
    assert len(result.events) == 6 and result.log.skipped["malformed JSON"] == 1
    with pytest.raises(InputError, match=r"s.jsonl:4: malformed JSON"):
        read_inputs(path, strict=True)


def test_strict_ignores_notices():
    path = FIX / "bluesky_jetstream.jsonl"
    assert len(read_inputs(path, strict=True).events) == 4


# ---------------------------------------------------------------- CLI


def test_cli_ingest_writes_and_summarises(tmp_path):
    out = tmp_path / "events.parquet"
    runner = CliRunner()
    res = runner.invoke(main, ["ingest", str(CONV / "twitter_v1.json"), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "events kept:  6" in res.output
    assert "time span:    2023-05-01T00:00:00Z .. 2023-05-01T00:05:00Z" in res.output
    assert "kinds:        post 1, quote 1, reply 2, repost 2" in res.output
    events, accounts = read_canonical_events(out)
    assert len(events) == 6 and len(accounts) == 4


def test_cli_ingest_json_and_map(tmp_path):
    out = tmp_path / "e.parquet"
    res = CliRunner().invoke(
        main,
        ["ingest", str(CONV / "generic.csv"), "-o", str(out), "--json", "--map",
         "event_id=post_id,account_id=author,ts=posted", "--map", "kind=type,target_event_id=parent"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    import json

    summary = json.loads(res.output)
    assert summary["kept"] == 6 and summary["kinds"] == {
        "post": 1,
        "quote": 1,
        "reply": 2,
        "repost": 2,
    }
    assert summary["output"]["events"] == str(out)


def test_cli_errors_are_one_line(tmp_path):
    bad = tmp_path / "bin.dat"
    bad.write_bytes(b"\x00\x01\x02" * 100)
    res = CliRunner().invoke(main, ["ingest", str(bad), "-o", str(tmp_path / "o.parquet")])
    assert res.exit_code != 0
    assert "Traceback" not in res.output
    assert f"Error: {bad}: binary file" in res.output
    assert not (tmp_path / "o.parquet").exists()


def test_cli_strict_exit_code(tmp_path):
    path = tmp_path / "s.jsonl"
    path.write_text(
        (CONV / "twitter_v1.jsonl").read_text(encoding="utf-8") + "{oops\n", encoding="utf-8"
    )
    out = tmp_path / "o.parquet"
    lenient = CliRunner().invoke(main, ["ingest", str(path), "-o", str(out)])
    assert lenient.exit_code == 0
    assert "s.jsonl:7: malformed JSON" in lenient.output
    strict = CliRunner().invoke(
        main, ["ingest", str(path), "-o", str(tmp_path / "o2.parquet"), "--strict"]
    )
    assert strict.exit_code != 0
    assert "s.jsonl:7: malformed JSON" in strict.output and "Traceback" not in strict.output
    assert not (tmp_path / "o2.parquet").exists()


def test_cli_subprocess(tmp_path):
    out = tmp_path / "sub.parquet"
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    exe = Path(sys.executable).with_name("detector")
    cmd = (
        [str(exe)]
        if exe.exists()
        else [sys.executable, "-c", "from detector.cli import main; main()"]
    )
    proc = subprocess.run(
        [*cmd, "ingest", str(CONV / "twitter_v2_flat.jsonl.gz"), "-o", str(out)],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "events kept:  6" in proc.stdout
    assert out.exists() and (tmp_path / "sub.accounts.parquet").exists()
    bad = subprocess.run(
        [*cmd, "ingest", str(tmp_path / "missing.json"), "-o", str(out)],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert bad.returncode != 0
    assert "no such file or directory" in bad.stderr and "Traceback" not in bad.stderr


def test_csv_unclosed_quote_keeps_rows_before_it(tmp_path):
    lines = ["object_id,account_id,content_id,timestamp_share"]
    lines += [f"o{i},a{i % 3},c{i},{1600000000 + i}" for i in range(10)]
    lines += ['o10,a1,"c10,1600000010', "o11,a2,c11,1600000011"]
    path = tmp_path / "broken.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = read_inputs(path, chunk_rows=4)
    assert result.events["event_id"].tolist() == [f"c{i}" for i in range(10)]
    assert result.log.skipped["bad CSV"] == 1
    assert any("could not be parsed" in n for n in result.log.notices)
    log = result.log
    assert log.records_read == log.kept + log.n_skipped + log.merged
    with pytest.raises(InputError, match="bad CSV"):
        read_inputs(path, strict=True)


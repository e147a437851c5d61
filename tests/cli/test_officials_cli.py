"""`detector graph` and `detector officials` command lines."""

from __future__ import annotations

import json
from types import SimpleNamespace

import networkx as nx
import pandas as pd
import pytest
from click.testing import CliRunner

from detector.cli import main
from detector.schema import accounts_from_records, events_from_records

try:
    from tests.test_officials import _ev as _official_ev
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from test_officials import _ev as _official_ev


def _ev(event_id, *args, **kwargs):
    """test_officials' event record, with a spreadsheet formula in the text."""
    return {**_official_ev(event_id, *args, **kwargs), "text": f"=HYPERLINK text {event_id}"}


RECORDS = [
    _ev("p1", "E", 1000, "post", name="EmbassyX"),
    _ev("r1", "F1", 1010, "repost", "p1"),
    _ev("r2", "F2", 1030, "repost", "p1"),
    _ev("r3", "O1", 1500, "repost", "p1"),
    _ev("m1", "O1", 3000, "post", mentions=["@embassyx", "@unknown_handle"]),
]


@pytest.fixture
def fake_inputs(monkeypatch):
    """Feed the commands canonical tables without depending on the readers."""
    data = SimpleNamespace(
        events=events_from_records(RECORDS),
        accounts=accounts_from_records([{"account_id": "O1", "followers": 50}]),
        log=None,
    )

    def fake_load(inputs, fmt, mapping, strict, quiet):
        return data

    import detector.cli.cmd_graph as cmd_graph
    import detector.cli.cmd_officials as cmd_officials

    monkeypatch.setattr(cmd_graph, "load_inputs", fake_load)
    monkeypatch.setattr(cmd_officials, "load_inputs", fake_load)
    return data


@pytest.fixture
def registry(tmp_path):
    path = tmp_path / "officials.csv"
    path.write_text("handle,country,role\n@EmbassyX,Freedonia,embassy\n@gone,Freedonia,leader\n")
    return path


@pytest.fixture
def flagged(tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_text("account_id,flagged,cluster_id\nF1,true,4\nF2,1,4\nO1,false,\n")
    return path


def _run(args):
    return CliRunner().invoke(main, args, catch_exceptions=False)


def _officials(source, registry, out, *extra, flagged=None):
    """Run ``detector officials SOURCE --registry R [--flagged F] -o OUT EXTRA...``."""
    args = ["officials", str(source), "--registry", str(registry)]
    if flagged is not None:
        args += ["--flagged", str(flagged)]
    return _run([*args, "-o", str(out), *extra])


@pytest.mark.parametrize("suffix", [".graphml", ".gexf", ".csv"])
def test_graph_command_writes_each_format(fake_inputs, tmp_path, registry, suffix):
    out = tmp_path / f"g{suffix}"
    result = _run(
        ["graph", "in.jsonl", "--kind", "all", "-o", str(out), "--registry", str(registry)]
    )
    assert result.exit_code == 0, result.output
    assert out.exists() and "edges" in result.output
    if suffix == ".gexf":
        graph = nx.read_gexf(out)
        assert graph.nodes["E"]["official_role"] == "embassy"
        assert graph["F1"]["E"]["n_repost"] == 1


def test_graph_command_rejects_unknown_extension(fake_inputs, tmp_path):
    result = _run(["graph", "in.jsonl", "-o", str(tmp_path / "g.png")])
    assert result.exit_code == 2 and "graphml" in result.output


def test_officials_command(fake_inputs, tmp_path, registry, flagged):
    out = tmp_path / "out"
    result = _officials("in.jsonl", registry, out, flagged=flagged)
    assert result.exit_code == 0, result.output
    assert (
        "EmbassyX" in result.output and "66.7%" in result.output
    )  # reach drop: 2 of 3 amplifiers flagged
    table = pd.read_csv(out / "officials.csv")
    assert table.loc[0, "account_id"] == "E"
    assert table.loc[0, "received"] == 4 and table.loc[0, "flagged_received"] == 2
    assert table.loc[0, "flagged_share"] == pytest.approx(0.5)
    assert table.loc[0, "inauthentic_reach_share"] == pytest.approx(2 / 3)
    posts = pd.read_csv(out / "officials_posts.csv")
    assert posts.loc[0, "event_id"] == "p1" and posts.loc[0, "text"].startswith(
        "'="
    )  # formula neutralised
    clusters = pd.read_csv(out / "officials_clusters.csv")
    assert clusters["cluster_id"].tolist() == [4] and clusters["n_interactions"].tolist() == [2]
    unmatched = pd.read_csv(out / "officials_unmatched.csv")
    assert unmatched["handle"].tolist() == ["gone"]
    assert "registry line 3" in result.output  # CliRunner mixes stderr in


def test_officials_command_json(fake_inputs, tmp_path, registry):
    result = _officials("in.jsonl", registry, tmp_path / "o", "--json")
    assert result.exit_code == 0
    payload = json.loads(result.output)
    assert payload["officials"][0]["account_id"] == "E"
    assert payload["officials"][0]["flagged_share"] == 0.0
    assert payload["params"]["betweenness_method"] == "exact"
    assert payload["unmatched"][0]["handle"] == "gone"


def test_officials_command_bad_registry_is_one_clean_error(fake_inputs, tmp_path):
    bad = tmp_path / "reg.csv"
    bad.write_text("handle,country,role\nfoo,FR,spy\n")
    result = CliRunner().invoke(
        main, ["officials", "in.jsonl", "--registry", str(bad), "-o", str(tmp_path / "o")]
    )
    assert result.exit_code == 2
    assert "reg.csv:2: role 'spy'" in result.output and "Traceback" not in result.output


def test_officials_end_to_end_with_readers(tmp_path, registry):
    frame = pd.DataFrame(
        [{k: ("|".join(v) if isinstance(v, list) else v) for k, v in r.items()} for r in RECORDS]
    )
    frame["ts"] = frame["ts"] + 1_600_000_000  # readers skip times outside 1990..2100
    source = tmp_path / "events.csv"
    frame.to_csv(source, index=False)
    out = tmp_path / "out"
    result = _officials(source, registry, out, "--quiet")
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "officials.csv")
    assert table.loc[0, "account_id"] == "E" and table.loc[0, "received"] == 4


def test_table_neutralises_terminal_control_characters():
    from detector.officials.summary import terminal_safe

    assert terminal_safe("evil\x1b[31mred\u202e") == "evil?[31mred?"
    assert terminal_safe("x" * 40, limit=10) == "x" * 9 + "…"
    assert terminal_safe(None) == "-" and terminal_safe(float("nan")) == "-"


def test_officials_outputs_are_byte_identical_across_runs(fake_inputs, tmp_path, registry, flagged):
    outputs = []
    for name in ("one", "two"):
        out = tmp_path / name
        result = _officials("x", registry, out, "-q", flagged=flagged)
        assert result.exit_code == 0
        outputs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert outputs[0] == outputs[1] and "officials.csv" in outputs[0]


def test_officials_all_accounts_centrality(fake_inputs, tmp_path, registry):
    out = tmp_path / "o"
    result = _officials("x", registry, out, "-q", "--all-accounts")
    assert result.exit_code == 0
    table = pd.read_csv(out / "centrality.csv")
    # every account, including the unresolved @unknown_handle mention (neutralised for spreadsheets)
    assert set(table["account_id"]) == {"E", "F1", "F2", "O1", "'@unknown_handle"}
    assert table.set_index("account_id").loc["E", "pagerank_rank"] == 1

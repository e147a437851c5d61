"""Official-account registry: reading CSV/YAML, errors with file and line, matching; flagged files."""

from __future__ import annotations

import pytest
from _paths import ROOT

from detector.evidence.graphs import interaction_graph
from detector.officials import (
    RegistryError,
    mark_officials,
    match_registry,
    read_flagged,
    read_registry,
)
from detector.officials.flagged import FlaggedError
from detector.schema import SchemaError, accounts_from_records, events_from_records


@pytest.fixture
def events():
    rows = [
        ("1", "100", "EmbassyFR", "twitter"),
        ("2", "200", "MFA_X", "twitter"),
        ("3", "300", "mfa_x", "bluesky"),
        ("4", "400", "someone", "twitter"),
    ]
    return events_from_records(
        {"event_id": e, "account_id": a, "account_name": n, "platform": p, "ts": 1, "kind": "post"}
        for e, a, n, p in rows
    )


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_read_csv_registry(tmp_path):
    path = _write(
        tmp_path,
        "reg.csv",
        "handle,account_id,country,role,platform,display_name\n"
        "@EmbassyFR,,France,Embassy,Twitter,Embassy of France\n"
        ",200,X,state media,,\n"
        "\n"
        "mfa_x,,X,Ministry,bluesky,\n",
    )
    table = read_registry(path)
    assert table["handle"].tolist()[0] == "embassyfr"
    assert table["role"].tolist() == ["embassy", "state_media", "ministry"]
    assert table["platform"].tolist()[0] == "twitter"
    assert table["line"].tolist() == [2, 3, 5]


def test_read_yaml_registry_both_layouts(tmp_path):
    flat = _write(
        tmp_path,
        "reg.yaml",
        "- handle: EmbassyFR\n  country: France\n  role: embassy\n- account_id: 200\n  country: X\n  role: leader\n",
    )
    nested = _write(
        tmp_path,
        "reg2.yml",
        "officials:\n  - handle: EmbassyFR\n    country: France\n    role: embassy\n",
    )
    assert read_registry(flat)["account_id"].tolist()[1] == "200"
    assert read_registry(flat)["line"].tolist() == [1, 4]
    assert read_registry(nested)["handle"].tolist() == ["embassyfr"]


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("handle,country,role\nfoo,FR,spy\n", "reg.csv:2: role 'spy' is not one of"),
        ("handle,country,role\nfoo,,embassy\n", "reg.csv:2: country is missing"),
        ("handle,country,role\n,FR,embassy\n", "reg.csv:2: needs an account_id or a handle"),
        (
            "handle,country,role\nfoo,FR,embassy\nok,FR,leader\nFOO,FR,leader\n",
            "reg.csv:4: duplicate handle 'foo' (first at line 2)",
        ),
        ("handle,country\nfoo,FR\n", "reg.csv:2: role is missing"),
        (
            "handle,country,role,display_name\nfoo,FR,embassy,Embassy, Paris\n",
            "reg.csv:2: 1 more field(s) than the header",
        ),
    ],
)
def test_registry_errors_name_file_and_line(tmp_path, text, needle):
    path = _write(tmp_path, "reg.csv", text)
    with pytest.raises(RegistryError) as info:
        read_registry(path)
    assert needle in str(info.value)
    assert isinstance(info.value, SchemaError)  # the CLI turns it into one clean line


def test_registry_lists_all_problems(tmp_path):
    path = _write(tmp_path, "reg.csv", "handle,country,role\na,,embassy\nb,FR,nope\nc,FR,leader\n")
    message = str(pytest.raises(RegistryError, read_registry, path).value)
    assert "reg.csv:2:" in message and "reg.csv:3:" in message and "reg.csv:4:" not in message


def test_registry_bad_yaml_and_missing_file(tmp_path):
    with pytest.raises(RegistryError, match="not valid YAML"):
        read_registry(_write(tmp_path, "r.yaml", "- handle: [unclosed\n"))
    with pytest.raises(RegistryError, match="must be a mapping"):
        read_registry(_write(tmp_path, "r2.yaml", "- just a string\n"))
    with pytest.raises(RegistryError, match="cannot read"):
        read_registry(tmp_path / "absent.csv")


def test_matching_id_first_then_handle(tmp_path, events):
    path = _write(
        tmp_path,
        "reg.csv",
        "account_id,handle,country,role,platform\n"
        "100,wrong_handle,FR,embassy,\n"  # id wins over a wrong handle
        ",EMBASSYFR,FR,embassy,\n"  # same account again: reported as already matched
        ",mfa_x,X,ministry,bluesky\n"  # platform picks 300, not 200
        ",mfa_x,X,ministry,\n"  # no platform: ambiguous (200 and 300)
        "999,ghost,X,leader,\n",  # nothing
    )
    match = match_registry(read_registry(path), events)
    officials = match.officials.set_index("account_id")
    assert officials.index.tolist() == ["100", "300"]
    assert officials.loc["100", "matched_by"] == "account_id"
    assert officials.loc["300", "matched_by"] == "handle"
    assert officials.loc["100", "account_name"] == "EmbassyFR"
    reasons = dict(zip(match.unmatched["line"], match.unmatched["reason"], strict=True))
    assert reasons[3] == "account 100 already matched by line 2"
    assert reasons[5].startswith("handle matches several accounts: 200, 300")
    assert reasons[6] == "not found in the data"


def test_matching_uses_accounts_table(tmp_path, events):
    accounts = accounts_from_records(
        [{"account_id": "500", "account_name": "PM_Office", "display_name": "PM"}]
    )
    path = _write(tmp_path, "reg.csv", "handle,country,role\npm_office,X,leader\n")
    officials = match_registry(read_registry(path), events, accounts).officials
    assert officials["account_id"].tolist() == ["500"] and officials["display_name"].tolist() == [
        "PM"
    ]


def test_mark_officials_on_graph(tmp_path, events):
    path = _write(tmp_path, "reg.csv", "account_id,country,role\n200,X,state_media\n")
    graph = interaction_graph(events)
    assert mark_officials(graph, match_registry(read_registry(path), events).officials) == 1
    v = graph.vs[graph.vs["name"].index("200")]
    assert v["official_role"] == "state_media" and v["official_country"] == "X"


def test_read_flagged_layouts(tmp_path):
    csv_path = _write(
        tmp_path,
        "accounts.csv",
        "account_id,score,flagged,cluster_id\na,0.9,True,3\nb,0.8,1,\nc,0.1,false,3\nd,0.7,yes,-1\n",
    )
    flagged, clusters = read_flagged(csv_path)
    assert flagged == {"a", "b", "d"} and clusters == {"a": 3}
    plain = _write(tmp_path, "ids.txt", "# flagged\nx\n\ny \n")
    assert read_flagged(plain) == ({"x", "y"}, None)
    no_flag_column = _write(tmp_path, "ids.csv", "account_id\nq\nr\n")
    assert read_flagged(no_flag_column) == ({"q", "r"}, None)
    labels = _write(
        tmp_path, "labels.csv", "account_id,flagged,cluster_id\na,1,C06\nb,1,NaN\nc,1,2.0\n"
    )
    assert read_flagged(labels) == ({"a", "b", "c"}, {"a": "C06", "c": 2})
    with pytest.raises(FlaggedError, match="cannot read"):
        read_flagged(tmp_path / "absent.csv")


def test_shipped_sample_registry_reads():

    path = ROOT / "sample_data" / "officials.csv"
    if not path.exists():
        pytest.skip("sample_data/officials.csv not written yet")
    table = read_registry(path)
    assert len(table) > 0
    assert table["country"].notna().all() and table["role"].notna().all()
    assert (table["account_id"].notna() | table["handle"].notna()).all()

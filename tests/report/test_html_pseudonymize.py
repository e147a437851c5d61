"""Keyed pseudonyms: stable, keyed, complete (structured fields and free text), officials clear."""

from __future__ import annotations

import copy
import json
import re

import pytest

from detector.report.html import render_html
from detector.report.pseudonymize import (
    Pseudonymizer,
    key_from_option,
    pseudonym,
    pseudonymize_report,
)

try:
    from tests.browser.html_factory import make_report
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from browser.html_factory import make_report

KEY = b"team-secret-key-01"


def mention_report(command: str = "hashtag") -> dict:
    report = make_report(hostile=False, command=command)
    first = report["clusters"][0]["accounts"]
    a, b = first[0], first[1]
    report["clusters"][0]["sample_texts"][0]["text"] = (
        f"RT @{a['account_name']}: look https://twitter.com/{b['account_name'].upper()}/status/1 "
        f"and user id {b['account_id']} cc @EmbassyExample @stranger_99 mail bob@example.org"
    )
    report["verdict"]["details"].append(f"@{a['account_name']} led the first burst")
    return report


def private_names_and_ids(report: dict) -> set[str]:
    official = {o["account_id"] for o in report["officials"]} | {
        o["account_name"] for o in report["officials"]
    }
    values = set()
    for acc in report["accounts"]:
        values |= {acc["account_id"], acc["account_name"]}
    return values - official


def test_pseudonym_is_keyed_hmac_and_shaped():
    p = pseudonym(KEY, "12345")
    assert re.fullmatch(r"acct-[0-9a-f]{10}", p)
    assert p == pseudonym(KEY, "12345")
    assert p != pseudonym(b"other-key-000000", "12345")
    assert p != pseudonym(KEY, "12346")


@pytest.mark.parametrize("command", ["scan", "hashtag", "account"])
def test_no_private_handle_or_id_survives_anywhere(command):
    report = mention_report(command)
    out = pseudonymize_report(report, KEY)
    blob = json.dumps(out, ensure_ascii=False).casefold()
    html_text = render_html(report, pseudonymize_key=KEY).casefold()
    for value in private_names_and_ids(report):
        assert value.casefold() not in blob, value
        assert value.casefold() not in html_text, value
    assert "stranger_99" not in blob  # unknown @mention
    assert "bob@example.org" in blob  # e-mail addresses are not mentions


def test_officials_stay_clear_by_default_and_can_be_hidden():
    report = mention_report()
    out = pseudonymize_report(report, KEY)
    assert [o["account_name"] for o in out["officials"]] == [
        o["account_name"] for o in report["officials"]
    ]
    assert "@EmbassyExample" in out["clusters"][0]["sample_texts"][0]["text"]
    hidden = pseudonymize_report(report, KEY, keep_officials=False)
    blob = json.dumps(hidden)
    assert "EmbassyExample" not in blob and "900001" not in blob


def test_references_stay_consistent():
    report = mention_report()
    out = pseudonymize_report(report, KEY)
    by_id = {a["account_id"]: a["account_name"] for a in out["accounts"]}
    for acc in out["accounts"]:
        if acc["account_id"] in {o["account_id"] for o in out["officials"]}:
            continue
        # the handle gets the pseudonym of its id
        assert acc["account_name"] == acc["account_id"] == by_id[acc["account_id"]]
    for cluster in out["clusters"]:
        ids = {a["account_id"] for a in cluster["accounts"]}
        assert ids <= set(by_id)
        assert all(e["a"] in ids and e["b"] in ids for e in cluster["edges"])
        names = {a["account_name"] for a in cluster["accounts"]}
        assert {s["account_name"] for s in cluster["sample_texts"]} <= names
        assert {a["account_name"] for a in cluster["actions"]} <= names
    original = report["clusters"][0]["accounts"][0]
    text = out["clusters"][0]["sample_texts"][0]["text"]
    assert text.startswith("RT @" + pseudonym(KEY, original["account_id"]) + ":")


def test_stable_across_reports_and_keys():
    one = pseudonymize_report(make_report(seed=1, hostile=False), KEY)
    two = pseudonymize_report(make_report(seed=2, hostile=False), KEY)
    # the factory gives the same account ids to the same positions; the pseudonyms agree
    ids_one = {a["account_id"] for a in one["accounts"]}
    ids_two = {a["account_id"] for a in two["accounts"]}
    assert ids_one == ids_two
    other = pseudonymize_report(make_report(seed=1, hostile=False), b"different-key-123")
    assert ids_one.isdisjoint({a["account_id"] for a in other["accounts"]})


def test_input_is_not_modified_and_flag_is_recorded():
    report = mention_report()
    snapshot = copy.deepcopy(report)
    out = pseudonymize_report(report, KEY)
    assert report == snapshot
    assert out["parameters"]["pseudonymized"] is True


def test_shared_post_ids_are_hidden_other_objects_kept():
    report = make_report(hostile=False)
    out = pseudonymize_report(report, KEY)
    for before, after in zip(
        report["clusters"][0]["top_objects"], out["clusters"][0]["top_objects"], strict=True
    ):
        if before["kind"] == "repost":
            assert after["object"].startswith("post-") and before["object"] not in json.dumps(out)
        else:
            assert after["object"] == before["object"]


def test_text_replacement_rules():
    worker = Pseudonymizer(KEY, [("111111", "alice_w"), ("222222", "bob")], keep_clear=["EmbassyX"])
    alice = pseudonym(KEY, "111111")
    assert worker.text("hi @Alice_W and alice_w!") == f"hi @{alice} and {alice}!"
    # short handles are only replaced as @mentions, not as bare words
    assert worker.text("bob said @bob") == f"bob said @{pseudonym(KEY, '222222')}"
    assert worker.text("@EmbassyX thanks") == "@EmbassyX thanks"
    assert worker.text("ids 111111 and 1111112") == f"ids {alice} and 1111112"
    assert worker.text("@中文用户 你好").startswith("@acct-")
    assert worker.name("@alice_w") == "@" + alice
    assert worker.name(alice) == alice  # idempotent on pseudonyms


def test_key_from_option(tmp_path):
    key_file = tmp_path / "key.txt"
    key_file.write_bytes(b"  file-secret-key \n")
    assert key_from_option(str(key_file)) == b"file-secret-key"
    assert key_from_option("literal-secret") == b"literal-secret"
    with pytest.raises(ValueError):
        key_from_option("short")
    with pytest.raises(ValueError):
        Pseudonymizer(b"")
    with pytest.raises(ValueError):
        Pseudonymizer("")
    # a text key is its UTF-8 bytes
    assert pseudonym("clé-secrète", "1") == pseudonym("clé-secrète".encode(), "1")
    report = make_report(hostile=False)
    assert render_html(report, pseudonymize_key="text-key-123") == render_html(
        report, pseudonymize_key=b"text-key-123"
    )

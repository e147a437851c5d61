"""One rule for an account's handle (detector.schema.account_handles), shared by every stage."""

from __future__ import annotations

from detector.evidence.features import account_features, handle_entropy
from detector.evidence.graphs import interaction_graph
from detector.officials.registry import _account_names
from detector.report.focus import account_names
from detector.schema import account_handles, accounts_from_records, events_from_records

T0 = 1_700_006_400

EVENTS = events_from_records(
    [
        # "ren" renamed itself: the table has the profile as last read ("ren_new")
        {"event_id": "1", "account_id": "ren", "account_name": "ren_old", "ts": T0 + 10, "kind": "post"},
        # "late": rows out of time order; the latest by time wins, not the last row
        {"event_id": "2", "account_id": "late", "account_name": "second", "ts": T0 + 20, "kind": "post"},
        {"event_id": "3", "account_id": "late", "account_name": "first", "ts": T0 + 5, "kind": "post"},
        {"event_id": "4", "account_id": "anon", "ts": T0, "kind": "repost", "target_event_id": "1",
         "target_account_id": "ren"},
    ]
)
ACCOUNTS = accounts_from_records([{"account_id": "ren", "account_name": "ren_new"}, {"account_id": "anon"}])


def test_table_first_then_latest_in_events():
    got = account_handles(EVENTS, ACCOUNTS).to_dict()
    assert got == {"late": "second", "ren": "ren_new"}
    assert account_handles(EVENTS).to_dict() == {"late": "second", "ren": "ren_old"}


def test_features_graph_officials_and_reports_agree():
    """Regression: the reports took the handle in the events before the accounts table's
    (``ren_old``) while features, graphs and officials matching took the table's (``ren_new``)."""
    want = account_handles(EVENTS, ACCOUNTS).to_dict()
    assert account_names(EVENTS, ACCOUNTS) == want
    assert _account_names(EVENTS, ACCOUNTS, {"ren", "late", "anon"}) == want
    feats = account_features(EVENTS, ACCOUNTS).set_index("account_id")
    assert feats.loc["ren", "handle_entropy"] == handle_entropy("ren_new")
    graph = interaction_graph(EVENTS, ACCOUNTS, kind="repost")
    names = dict(zip(graph.vs["name"], graph.vs["account_name"], strict=True))
    assert names["ren"] == "ren_new"

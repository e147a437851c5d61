"""One definition of a reaction's delay after its original, used by features, officials audit and account check."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from detector.evidence.features import account_features, original_posts, reaction_delays
from detector.evidence.graphs import interaction_rows
from detector.officials.audit import _EventLookup, _interactions
from detector.report.focus import _amplification
from detector.schema import events_from_records

T0 = 1_700_006_400

# the official "off" posts o1 at T0 and o2 at T0 + 100; "fan" reacts to both,
# once 30 s after o1 and once 50 s *before* o2 (clock skew), once to a post not in the input
ROWS = [
    {"event_id": "o1", "account_id": "off", "account_name": "off", "ts": T0, "kind": "post"},
    {"event_id": "o2", "account_id": "off", "account_name": "off", "ts": T0 + 100, "kind": "post"},
    {"event_id": "r1", "account_id": "fan", "ts": T0 + 30, "kind": "repost",
     "target_event_id": "o1", "target_account_id": "off"},
    {"event_id": "r2", "account_id": "fan", "ts": T0 + 50, "kind": "repost",
     "target_event_id": "o2", "target_account_id": "off"},
    {"event_id": "r3", "account_id": "fan", "ts": T0 + 60, "kind": "repost",
     "target_event_id": "gone", "target_account_id": "off"},
]


def _ref_delays(events: list[dict], targets: list, ts: list[int]) -> list[float]:
    """Plain Python: the first event with that id is the original; unknown or negative -> NaN."""
    first: dict[str, int] = {}
    for e in events:
        first.setdefault(e["event_id"], e["ts"])
    out = []
    for target, t in zip(targets, ts, strict=True):
        d = t - first[target] if target in first else math.nan
        out.append(math.nan if d < 0 else float(d))
    return out


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from("abcd"), st.integers(0, 50)), min_size=1, max_size=12),
    st.lists(st.tuples(st.sampled_from([*"abcde", None]), st.integers(0, 50)), max_size=12),
)
def test_reaction_delays_match_python_reference(posts, reactions):
    events = [{"event_id": i, "ts": T0 + t} for i, t in posts]
    frame = events_from_records([{"account_id": "x", "kind": "post", **e} for e in events])
    targets = [r[0] for r in reactions]
    ts = [T0 + r[1] for r in reactions]
    got = reaction_delays(original_posts(frame), np.array(targets, dtype=object), np.array(ts, dtype=np.int64))
    np.testing.assert_array_equal(got, np.array(_ref_delays(events, targets, ts), dtype=float))


def test_features_audit_and_account_check_share_one_delay_rule():
    events = events_from_records(ROWS)
    want = [30.0, math.nan, math.nan]
    amp = _amplification(events, "off", "off", set())
    np.testing.assert_array_equal(amp.sort_values("event_id")["delay"].to_numpy(dtype=float), want)
    rows = interaction_rows(events, None, "all")
    audit = _interactions(rows, _EventLookup.of(events), ["off"], set(), None)
    np.testing.assert_array_equal(audit["delay_s"].to_numpy(dtype=float), want)
    fan = account_features(events).set_index("account_id").loc["fan"]
    assert fan.n_reposts_timed == 1 and fan.repost_within_60s_share == 1.0


def test_account_check_leaves_out_a_reaction_before_its_original():
    """Regression: the account check counted a reaction 50 s *before* its original as fast
    (delay -50 s <= 60 s) and in the median; features and the officials audit did not."""
    amp = _amplification(events_from_records(ROWS), "off", "off", set())
    d = amp["delay"].to_numpy(dtype=float)
    d = d[np.isfinite(d)]
    assert list(d) == [30.0]

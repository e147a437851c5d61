"""The adversarial scenario suite (benchmarks/scenarios): specs, builder, exports, truth."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from scenarios import (  # noqa: E402
    FORMATS,
    SpecError,
    build,
    build_file,
    load_spec,
    scenario_files,
    textgen,
    write,
)

from detector.io import read_inputs  # noqa: E402
from detector.officials.registry import read_registry  # noqa: E402

FILES = scenario_files()
SMALL = Path(__file__).resolve().parent.parent / "benchmarks" / "scenarios" / "newsroom.yaml"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_suite_has_every_required_group_type():
    types = {(g["role"], g["type"]) for f in FILES for g in load_spec(f)["groups"]}
    campaign = {t for r, t in types if r == "campaign"}
    negative = {t for r, t in types if r == "hard_negative"}
    assert {"aged_dormant_copypaste", "rotating_pool", "reply_swarm", "hashtag_hijack_edits", "cyborg_fixed_lag",
            "slow_drip_links", "hijacked_language_switch"} <= campaign
    assert {"fandom_streaming", "crisis_burst", "newsroom", "embassy_network", "declared_bot",
            "activists_own_texts", "viral_meme"} <= negative


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_every_scenario_validates_with_every_level(path):
    spec = load_spec(path)
    assert spec["name"] == path.stem
    assert set(spec["formats"]) <= set(FORMATS)
    for level in (yaml_levels := __import__("yaml").safe_load(path.read_text(encoding="utf-8")).get("levels") or {}):
        assert load_spec(path, level=level)["level"] == level
    assert yaml_levels, f"{path.name} has no difficulty levels"


def test_spec_errors_name_the_key(tmp_path):
    bad = tmp_path / "bad.yaml"
    text = SMALL.read_text(encoding="utf-8").replace("role: hard_negative\n    type: newsroom",
                                                     "role: friendly\n    type: newsroom")
    text = text.replace("participation: $staff_participation", "participation: 1.5")
    text = text.replace("target: {group: outlet}", "target: {group: nowhere}")
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as err:
        load_spec(bad)
    msg = str(err.value)
    assert "groups[1].role" in msg and "friendly" in msg
    assert "activities[0].participation" in msg
    assert "target.group" in msg and "nowhere" in msg
    with pytest.raises(SpecError, match="unknown knob"):
        load_spec(SMALL, overrides={"no_such_knob": 1})
    with pytest.raises(SpecError, match="no level"):
        load_spec(SMALL, level="impossible")


def test_knob_overrides_change_the_data():
    base = build_file(SMALL, 0, quick=True)
    fast = build_file(SMALL, 0, quick=True, overrides={"share_lag_median_s": 20})
    staff = set(base.truth.loc[base.truth["group"] == "newsroom_staff", "account_id"])

    def lag(ds):
        ev = ds.events
        ts = ev.set_index("event_id")["ts"]
        shares = ev[ev["account_id"].isin(staff) & ev["urls"].map(len).astype(bool)]
        outlet = ev[ev["account_name"] == "DailyHerald"]
        first = {u: t for us, t in zip(outlet["urls"], outlet["ts"], strict=True) for u in us}
        return np.median([t - first[u[0]] for u, t in zip(shares["urls"], shares["ts"], strict=True)
                          if u[0] in first and t >= first[u[0]]]), ts

    assert lag(fast)[0] < lag(base)[0] / 3


def test_builder_is_deterministic_bytes(tmp_path):
    a = build_file(SMALL, 3, quick=True)
    b = build_file(SMALL, 3, quick=True)
    c = build_file(SMALL, 4, quick=True)
    for fmt in FORMATS:
        pa, pb = write(a, tmp_path / "a" / fmt, fmt), write(b, tmp_path / "b" / fmt, fmt)
        for key in ("events", "truth", "officials", "meta"):
            assert _digest(pa[key]) == _digest(pb[key]), (fmt, key)
    pc = write(c, tmp_path / "c", "twitter-v1")
    assert _digest(pc["events"]) != _digest(tmp_path / "a" / "twitter-v1" / "events.jsonl")


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_exports_read_back_with_expected_counts(path, tmp_path):
    ds = build_file(path, 1, quick=True)
    spec = load_spec(path)
    active = set(ds.events["account_id"])
    for fmt in spec["formats"]:
        paths = write(ds, tmp_path / fmt, fmt)
        got = read_inputs(paths["events"], strict=True)
        assert len(got.events) == len(ds.events), fmt
        assert set(got.events["account_id"]) == active, fmt
        assert got.events["kind"].value_counts().to_dict() == ds.events["kind"].value_counts().to_dict(), fmt
        truth = pd.read_csv(paths["truth"], dtype=str)
        # truth covers every account the reader sees, once, with a known role
        assert set(truth["account_id"]) == set(got.accounts["account_id"]) == active, fmt
        assert truth["account_id"].is_unique
        assert set(truth["role"]) <= {"campaign", "hard_negative", "organic"}
        assert (truth["role"] == truth["label"]).all()
        assert truth["group"].notna().all() and truth["strategy"].notna().all()
        acc = got.accounts.set_index("account_id")
        mine = ds.accounts.set_index("account_id").loc[acc.index]
        assert (acc["followers"].astype("int64") == mine["followers"].astype("int64")).all(), fmt
        day = 86_400
        assert (np.abs(acc["created_at"].astype("int64") - mine["created_at"].astype("int64")) < day).all(), fmt


def test_exports_carry_account_fields_realistically(tmp_path):
    import json

    ds = build_file(FILES[[f.stem for f in FILES].index("spamouflage_fandom")], 0, quick=True)
    v1 = write(ds, tmp_path / "v1", "twitter-v1")["events"]
    users = {}
    for line in v1.read_text(encoding="utf-8").splitlines():
        st = json.loads(line)
        users[st["user"]["id_str"]] = (st["user"], st["source"])
    u, source = next(iter(users.values()))
    for key in ("created_at", "statuses_count", "followers_count", "friends_count", "default_profile",
                "default_profile_image"):
        assert key in u
    truth = ds.truth.set_index("account_id")
    clients = pd.Series({a: s for a, (_, s) in users.items()})
    net = truth.index[truth["group"] == "spamouflage_net"].intersection(clients.index)
    org = truth.index[truth["group"] == "organic"].intersection(clients.index)
    assert clients[net].str.contains("Twitter Web App").mean() > 0.6
    assert clients[org].str.contains("Twitter Web App").mean() < 0.4
    # half of the network is old but dormant, half young; ordinary users span years
    created = ds.accounts.set_index("account_id")["created_at"].astype("int64")
    start = int(ds.events["ts"].min())
    age = (start - created[net]) / 86_400
    posts = ds.accounts.set_index("account_id")["posts_count"][net].astype("int64")
    assert 0.3 < (age > 1000).mean() < 0.7 and 0.3 < (age < 90).mean() < 0.7
    assert posts[age > 1000].median() < 200
    handles = ds.accounts.set_index("account_id")["account_name"][org]
    assert 0.1 < handles.str.contains(r"\d").mean() < 0.6
    v2 = write(ds, tmp_path / "v2", "twitter-v2")["events"]
    page = json.loads(v2.read_text(encoding="utf-8").splitlines()[0])
    assert {"public_metrics", "created_at", "profile_image_url"} <= set(page["includes"]["users"][0])


def test_officials_registry_is_written_and_readable(tmp_path):
    path = FILES[[f.stem for f in FILES].index("embassy_amplifiers")]
    ds = build_file(path, 0, quick=True)
    paths = write(ds, tmp_path, "twitter-v2")
    reg = read_registry(paths["officials"])
    truth = ds.truth.set_index("account_id")
    assert set(reg["role"]) == {"ministry", "embassy", "state_media"}
    assert set(truth.loc[reg["account_id"].astype(str), "group"]) == {"ministry", "embassies", "state_media"}


def test_group_behaviour_matches_its_spec():
    path = FILES[[f.stem for f in FILES].index("embassy_amplifiers")]
    ds = build_file(path, 0, quick=True, overrides={"cyborg_jitter_s": 1})
    ev, truth = ds.events, ds.truth
    ts_of = ev.set_index("event_id")["ts_ms"]
    cyb = set(truth.loc[truth["group"] == "cyborgs", "account_id"])
    media = set(truth.loc[truth["group"] == "state_media", "account_id"])
    rp = ev[(ev["kind"] == "repost") & ev["account_id"].isin(cyb) & ev["target_account_id"].isin(media)]
    lag = (rp["ts_ms"].to_numpy() - rp["target_event_id"].map(ts_of).to_numpy()) / 1000
    assert len(lag) > 20 and abs(np.median(lag) - 37) < 1.5 and np.percentile(np.abs(lag - 37), 90) < 3
    pool = truth.loc[truth["group"] == "amplifier_pool", "account_id"]
    on_media = ev[(ev["kind"] == "repost") & ev["account_id"].isin(set(pool)) & ev["target_account_id"].isin(media)]
    per_post = on_media.groupby("target_event_id")["account_id"].nunique()
    assert per_post.median() < 0.25 * len(pool)  # a rotating subset per post, not the whole pool
    assert on_media["account_id"].nunique() > 0.8 * len(pool)


def test_text_edits_keep_shared_objects():
    rng = np.random.default_rng(0)
    text = "Paid protesters again #SaveTheRiver @someone https://t.co/abc123"
    out = textgen.edit_chars(text, 0.3, rng)
    assert out != text
    for token in ("#SaveTheRiver", "@someone", "https://t.co/abc123"):
        assert token in out
    assert textgen.edit_chars(text, 0.0, rng) == text
    with pytest.raises(KeyError, match="city"):
        textgen.fill("weather in {city}", "en", rng)


def test_build_from_spec_dict_equals_build_file():
    spec = load_spec(SMALL)
    a, b = build(spec, 2, quick=True), build_file(SMALL, 2, quick=True)
    pd.testing.assert_frame_equal(a.events, b.events)
    pd.testing.assert_frame_equal(a.truth, b.truth)

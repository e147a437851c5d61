"""The adversarial scenario suite (benchmarks/scenarios): specs, builder, exports, truth."""

from __future__ import annotations

import functools
import hashlib
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _paths import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))

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


@functools.lru_cache(maxsize=16)
def _built(stem: str, seed: int):
    """One quick build per (scenario, seed), shared by the tests that only read it."""
    return build_file(FILES[[f.stem for f in FILES].index(stem)], seed, quick=True)

SMALL = ROOT / "benchmarks" / "scenarios" / "newsroom.yaml"


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
    text = text.replace("episodes: {full: 40, quick: 24}", "episodes: {full: 0, quick: 24}\n        at: noon")
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as err:
        load_spec(bad)
    msg = str(err.value)
    assert "groups[1].role" in msg and "friendly" in msg
    assert "activities[0].participation" in msg
    assert "target.group" in msg and "nowhere" in msg
    assert "groups[0].activities[0].episodes" in msg and "groups[0].activities[0].at" in msg
    with pytest.raises(SpecError, match="unknown knob"):
        load_spec(SMALL, overrides={"no_such_knob": 1})
    with pytest.raises(SpecError, match="no level"):
        load_spec(SMALL, level="impossible")


def test_knob_overrides_change_the_data():
    base = _built("newsroom", 0)
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
    c = _built("newsroom", 1)
    for fmt in FORMATS:
        pa, pb = write(a, tmp_path / "a" / fmt, fmt), write(b, tmp_path / "b" / fmt, fmt)
        for key in ("events", "truth", "officials", "meta"):
            assert _digest(pa[key]) == _digest(pb[key]), (fmt, key)
    pc = write(c, tmp_path / "c", "twitter-v1")
    assert _digest(pc["events"]) != _digest(tmp_path / "a" / "twitter-v1" / "events.jsonl")


# every scenario in one format (rotating, so each format meets several scenarios), the newsroom in all
READ_BACK = [(f, FORMATS[i % len(FORMATS)]) for i, f in enumerate(FILES)] + [(SMALL, fmt) for fmt in FORMATS]


@pytest.mark.parametrize(("path", "fmt"), READ_BACK, ids=[f"{f.stem}-{fmt}" for f, fmt in READ_BACK])
def test_exports_read_back_with_expected_counts(path, fmt, tmp_path):
    ds = _built(path.stem, 1)
    active = set(ds.events["account_id"])
    paths = write(ds, tmp_path / fmt, fmt)
    got = read_inputs(paths["events"], strict=True)
    assert len(got.events) == len(ds.events)
    assert set(got.events["account_id"]) == active
    assert got.events["kind"].value_counts().to_dict() == ds.events["kind"].value_counts().to_dict()
    truth = pd.read_csv(paths["truth"], dtype=str)
    # truth covers every account the reader sees, once, with a known role
    assert set(truth["account_id"]) == set(got.accounts["account_id"]) == active
    assert truth["account_id"].is_unique
    assert set(truth["role"]) <= {"campaign", "hard_negative", "organic"}
    assert (truth["role"] == truth["label"]).all()
    assert truth["group"].notna().all() and truth["strategy"].notna().all()
    acc = got.accounts.set_index("account_id")
    mine = ds.accounts.set_index("account_id").loc[acc.index]
    assert (acc["followers"].astype("int64") == mine["followers"].astype("int64")).all()
    day = 86_400
    assert (np.abs(acc["created_at"].astype("int64") - mine["created_at"].astype("int64")) < day).all()


def test_exports_carry_account_fields_realistically(tmp_path):
    import json

    ds = _built("spamouflage_fandom", 0)
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
    ds = _built(path.stem, 0)
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


def test_background_is_heavy_tailed_circadian_and_varied():
    ds = _built("spamouflage_fandom", 0)
    org = set(ds.truth.loc[ds.truth["group"] == "organic", "account_id"])
    ev = ds.events[ds.events["account_id"].isin(org)]
    per = ev["account_id"].value_counts().to_numpy()
    top = np.sort(per)[::-1][: max(1, len(per) // 10)].sum() / per.sum()
    assert top > 0.3  # the most active tenth writes far more than a tenth
    acc = ds.accounts.set_index("account_id").loc[sorted(org & set(ev["account_id"]))]
    age = (int(ds.events["ts"].min()) - acc["created_at"].astype("int64")) / 86_400
    assert 0.01 < (age < 90).mean() < 0.15 and age.quantile(0.9) > 3 * age.quantile(0.1)
    assert acc["followers"].astype("int64").quantile(0.99) > 20 * max(acc["followers"].astype("int64").median(), 1)
    kinds = ev["kind"].value_counts(normalize=True)
    assert 0.4 < kinds["post"] < 0.75 and kinds["repost"] > 0.15


def test_circadian_times_sleep_at_local_night():
    from scenarios.builder import _circadian

    rng = np.random.default_rng(0)
    for tz in (0.0, -5.0, 8.0):
        t = _circadian(20_000, 0, 7 * 86_400, np.full(20_000, tz), rng)
        assert t.min() >= 0 and t.max() < 7 * 86_400
        local = ((t // 3600 + tz) % 24).astype(int)
        night = np.isin(local, [2, 3, 4, 5]).mean() / 4
        evening = np.isin(local, [18, 19, 20, 21]).mean() / 4
        assert night < 0.2 * evening


def test_suite_summary_marks_every_miss():
    from scenarios import summarise_suite

    def run(seed, fandom_flagged, net_flagged, organic_flagged, f1, auc):
        return {"status": "ok", "scenario": "s", "seed": seed, "format": "twitter-v1", "roc_auc": auc,
                "campaign_f1": {"copy": f1},
                "groups": {"fandom": {"role": "hard_negative", "type": "fan", "n": 200, "flagged": fandom_flagged,
                                      "share": fandom_flagged / 200},
                           "net": {"role": "campaign", "type": "copy", "n": 50, "flagged": net_flagged,
                                   "share": net_flagged / 50},
                           "organic": {"role": "organic", "type": "organic", "n": 1000, "flagged": organic_flagged,
                                       "share": organic_flagged / 1000}}}

    good = summarise_suite([run(0, 1, 50, 2, 0.99, 0.999), run(1, 2, 49, 5, 0.97, 0.99)])
    assert good["misses"] == {"campaign_types": [], "hard_negative_groups": [], "organic": [], "roc_auc": False}
    bad = summarise_suite([run(0, 1, 50, 2, 0.99, 0.999), run(1, 3, 30, 6, 0.90, 0.95),
                           {"status": "error", "scenario": "s", "seed": 2, "format": "io-archive"}])
    assert bad["misses"] == {"campaign_types": ["copy"], "hard_negative_groups": ["s/fandom"], "organic": ["s"],
                             "roc_auc": True}
    rows = {r["group"]: r for r in bad["groups"]}
    assert rows["net"]["worst"] == 0.6 and rows["fandom"]["worst"] == 0.015 and rows["organic"]["worst"] == 0.006
    assert bad["runs_failed"] == 1 and bad["organic"]["flagged"] == 8


def test_make_scenario_script_writes_and_rejects_bad_knobs(tmp_path, capsys):
    sys.path.insert(0, str(SMALL.parent.parent))
    import make_scenario

    assert make_scenario.main(["newsroom", "--quick", "--format", "io-archive", "--knob", "share_lag_median_s=60",
                               "-o", str(tmp_path)]) == 0
    meta = __import__("json").loads((tmp_path / "io-archive" / "scenario.json").read_text(encoding="utf-8"))
    assert meta["knobs"]["share_lag_median_s"] == 60 and meta["format"] == "io-archive"
    assert len(read_inputs(tmp_path / "io-archive" / "events.csv").events) == meta["n_events"]
    assert make_scenario.main(["newsroom", "--knob", "nope=1", "-o", str(tmp_path / "x")]) == 2
    assert "unknown knob" in capsys.readouterr().err


TINY = """
name: tiny
start: "2026-01-05T00:00:00Z"
days: 1
formats: [twitter-v1, io-archive]
background: {accounts: 120}
groups:
  - name: source
    role: hard_negative
    type: outlet
    size: 1
    official: {role: state_media, country: XX}
    activities: [{do: post, episodes: 6}]
  - name: pool
    role: campaign
    type: fast_reposts
    size: 12
    profile: {age_days: {uniform: [5, 30]}, young: {share: 0.0}}
    activities: [{do: repost, target: {group: source}, participation: 0.9, lag_s: {fixed: 20, jitter: 1}}]
"""


def test_suite_runner_end_to_end_on_a_tiny_scenario(tmp_path):
    from scenarios import run_suite, summarise_suite

    path = tmp_path / "tiny.yaml"
    path.write_text(TINY, encoding="utf-8")
    runs = run_suite([path], quick=True, seeds=[0], formats=["twitter-v1", "io-archive"])
    assert [r["status"] for r in runs] == ["ok", "ok"], runs
    for r in runs:
        assert set(r["groups"]) == {"organic", "source", "pool"}
        assert r["groups"]["pool"]["n"] == 12 and r["groups"]["source"]["n"] == 1
        assert r["n_events_read"] == r["n_events"]
        assert set(r["campaign_f1"]) == {"fast_reposts"}
    summary = summarise_suite(runs)
    assert {row["group"] for row in summary["groups"]} == {"organic", "source", "pool"}
    assert summary["runs_ok"] == 2 and summary["campaign_types"]["fast_reposts"]["runs"] == 2

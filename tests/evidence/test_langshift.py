"""Language-switch evidence (detector.evidence.langshift): hijacked accounts that change language at one point."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from detector.evidence import langshift as ls
from detector.evidence.langshift import CHANCE_SE, MIN_SIDE_POSTS, dominant_script, language_shift

T0 = 1_700_000_000


def _events(accounts: dict[str, list[str | None]], column: str = "lang", kind: str = "post") -> pd.DataFrame:
    rows = []
    for a, values in accounts.items():
        for i, v in enumerate(values):
            row = {"event_id": f"{a}-{i:04d}", "account_id": a, "ts": T0 + 3600 * i, "kind": kind, "text": "x"}
            row[column] = v
            rows.append(row)
    ev = pd.DataFrame(rows)
    return ev.drop(columns=["lang"]) if column == "text" and "lang" in ev else ev


def test_clean_switch_high_mix_low_few_nan():
    rng = np.random.default_rng(0)
    mix = list(rng.choice(["en", "es"], size=40, p=[0.6, 0.4]))
    got = language_shift(_events({
        "switch": ["en"] * 20 + ["ru"] * 20,
        "medium_switch": ["en"] * 10 + ["ru"] * 10,
        "short_switch": ["en"] * 3 + ["ru"] * 5,
        "mono": ["en"] * 30,
        "bilingual": mix,
        "alternating": ["en", "es"] * 20,
        "few": ["en", "en", "ru", "ru", "ru"],
        "odd_one": ["en"] * 5 + ["nl"] + ["en"] * 5,
    }))
    v = got["language_shift"]
    assert v["switch"] > 0.45
    assert 0 < v["medium_switch"] < v["switch"]  # fewer posts: weaker evidence
    assert v["short_switch"] == 0.0  # 3 then 5: within what random order gives (the group test pools such accounts)
    assert v["mono"] == 0.0 and v["odd_one"] == 0.0 and v["alternating"] == 0.0
    assert v["bilingual"] < 0.25
    assert np.isnan(v["few"])  # fewer than 2 * MIN_SIDE_POSTS posts: unknown, not ordinary
    row = got.loc["switch"]
    assert (row["shift_from"], row["shift_to"], row["shift_posts_before"]) == ("en", "ru", 20)
    assert row["shift_from_share"] == 1.0 and row["shift_to_share"] == 1.0
    assert row["shift_at"] == T0 + 3600 * 20  # the first post after the switch
    assert row["shift_basis"] == "lang"


def test_clean_switch_value_is_the_excess_over_chance():
    # two languages, a perfect split of k before and n - k after: 1 - CHANCE_SE standard errors
    k, n = 12, 30
    q = k / n
    se = np.sqrt(q * (1 - q) * (1 / k + 1 / (n - k)) * n / (n - 1))
    got = language_shift(_events({"a": ["en"] * k + ["ru"] * (n - k)}))["language_shift"]["a"]
    assert np.isclose(got, 1 - CHANCE_SE * se)


def test_non_language_codes_subtags_and_reposts():
    ev = _events({"a": ["en-GB"] * 10 + ["und", "qme"] + ["ru-RU"] * 10})
    got = language_shift(ev).loc["a"]
    assert (got["shift_from"], got["shift_to"], got["shift_posts"]) == ("en", "ru", 20)
    reposts = _events({"a": ["en"] * 5 + ["ru"] * 5}, kind="repost")  # someone else's words
    assert np.isnan(language_shift(reposts)["language_shift"]["a"])


def test_script_fallback_without_lang_and_no_letters_unknown():
    texts = {
        "a": ["Good morning friends, lovely day"] * 10 + ["Запад снова лжёт о нашей стране https://t.co/x"] * 10,
        "b": ["12345 !!! 😀", "https://example.org/page", "@someone #tag", "...", "42", "?!"],
    }
    ev = _events(texts, column="text")
    assert "lang" not in ev.columns
    got = language_shift(ev)
    assert got.loc["a", "shift_basis"] == "script"
    assert (got.loc["a", "shift_from"], got.loc["a", "shift_to"]) == ("Latin", "Cyrillic")
    assert got.loc["a", "language_shift"] > 0.3  # 10 + 10 posts: 1 - 3 standard errors of 0.23
    assert np.isnan(got.loc["b", "language_shift"]) and got.loc["b", "shift_posts"] == 0


def test_dominant_script():
    got = dominant_script(pd.Series(["hello мир мир", "東京はいい", "中文内容", "سلام دنیا", "안녕하세요", "", None,
                                     "Привет https://www.example.com/english-words @english_handle"]))
    assert list(got) == ["Cyrillic", "Japanese", "Han", "Arabic", "Hangul", None, None, "Cyrillic"]


def test_lang_column_wins_over_script_per_account():
    ev = _events({"a": ["en"] * 6 + [None] * 6})
    ev["text"] = ["hello there"] * 6 + ["Привет всем"] * 6
    got = language_shift(ev).loc["a"]
    assert got["shift_basis"] == "lang" and got["shift_posts"] == 6  # posts without lang are unknown
    assert got["language_shift"] == 0.0


def _reference(langs: list[str]) -> float:
    """Plain-Python twin of the vectorised change point (module docstring of langshift)."""
    n = len(langs)
    if n < 2 * MIN_SIDE_POSTS:
        return float("nan")
    best = 0.0
    vocab = sorted(set(langs))
    if len(vocab) < 2:
        return 0.0
    for k in range(MIN_SIDE_POSTS, n - MIN_SIDE_POSTS + 1):
        b, a = langs[:k], langs[k:]
        dom_b = max(vocab, key=lambda x: (b.count(x), -vocab.index(x)))
        dom_a = max(vocab, key=lambda x: (a.count(x), -vocab.index(x)))
        if dom_b == dom_a:
            continue
        tv = 0.0
        for lang in vocab:
            q = langs.count(lang) / n
            se = np.sqrt(q * (1 - q) * (1 / k + 1 / (n - k)) * n / (n - 1))
            tv += max(0.0, abs(b.count(lang) / k - a.count(lang) / (n - k)) - CHANCE_SE * se)
        best = max(best, 0.5 * tv)
    return best


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["en", "es", "ru"]), min_size=0, max_size=24), min_size=1, max_size=5))
def test_vectorised_matches_reference(seqs):
    accounts = {f"a{i}": s for i, s in enumerate(seqs) if s}
    if not accounts:
        return
    got = language_shift(_events(accounts))["language_shift"]
    for a, s in accounts.items():
        ref = _reference(s)
        assert (np.isnan(ref) and np.isnan(got[a])) or np.isclose(got[a], ref), (s, got[a], ref)


def test_empty_and_exports():
    empty = pd.DataFrame({"event_id": [], "account_id": [], "ts": [], "kind": [], "lang": [], "text": []})
    assert language_shift(empty).empty
    assert set(ls.SHIFT_COLUMNS) == set(language_shift(_events({"a": ["en"] * 6})).columns)


def test_pooled_split_and_switched_at():
    # a group of 6 accounts, each with 2 English posts, then 2 Russian ones after T0 + 10 h
    acc = {f"h{i}": ["en", "en"] for i in range(6)}
    ev = _events(acc)
    late = _events({f"h{i}": ["ru", "ru"] for i in range(6)})
    late["ts"] += 10 * 3600
    late["event_id"] += "-late"
    mono = _events({"m": ["en"] * 20})
    posts = ls.post_languages(pd.concat([ev, late, mono], ignore_index=True))
    grouped = posts[posts["account_id"].str.startswith("h")].assign(g=0)
    at, splits = ls.pooled_split(grouped, "g", 1)
    assert at[0] == T0 + 10 * 3600 and splits[0] == 24 - 2 * MIN_SIDE_POSTS + 1
    spans = ls.language_spans(posts)
    rows = pd.Index(["h0", "m", "absent"])
    known, switched = ls.switched_at(spans, rows, np.array([at[0], T0 + 1]))
    assert known.tolist() == [[True, True], [True, True], [False, False]]
    assert switched.tolist() == [[True, False], [False, False], [False, False]]  # at T0 + 1 h0 has en on both sides

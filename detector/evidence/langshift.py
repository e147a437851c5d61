"""Behaviour shift: how abruptly an account's language changed within the input (change point).

Hijacked or repurposed accounts (named in Stanford Internet Observatory and Meta CIB reports)
post for years in one language, then, once taken over, in another. The signal asks, per
account, how cleanly its own posts (posts, quotes and replies, in time order; reposts carry
someone else's words) split at one point into two runs of different languages.

Language of a post
    ``events.lang`` (v1.1/v2 ``lang``, IO archive ``tweet_language``, Bluesky ``langs``,
    Mastodon ``language``), reduced to its primary subtag (``en-GB`` -> ``en``) and with the
    platforms' non-language codes (:data:`NON_LANGUAGE_CODES`: ``und``, media-only...) as
    unknown. An account with no language on any of its posts is compared on the dominant
    Unicode script of each post's letters instead (:func:`dominant_script`; URLs, mentions and
    hashtags left out): Latin, Cyrillic, Arabic, Han, Japanese (any kana), Hangul... A
    deterministic table lookup, no model. A post without letters is unknown.

Change point (:func:`language_shift`)
    For every split of the account's ``n`` known posts into the first ``k`` and the last
    ``n - k`` (both at least :data:`MIN_SIDE_POSTS`), each side's language distribution is
    shrunk towards the account's overall one by :data:`PRIOR_POSTS` pseudo-posts
    (``(count + PRIOR_POSTS * overall share) / (side posts + PRIOR_POSTS)``), and the split
    counts only if the dominant language before differs from the dominant language after.
    ``language_shift`` is the largest total-variation distance between the two shrunk
    distributions over such splits, in [0, 1): near 1 for a clean switch with many posts on
    both sides, lower with few posts (a switch after two posts is weak evidence), 0 for an
    account in one language, and low for a bilingual account mixing two languages all along
    (no split separates them). NaN (unknown, never ordinary) with fewer than
    ``2 * MIN_SIDE_POSTS`` known posts.

Group change point (:func:`pooled_split`, :func:`switched_at`)
    The same rule on the posts of a cluster's members pooled in time order gives the moment
    the group switched; per account, ``switched_at`` says whether none of the languages of its
    posts before that moment is among its posts after it (one post on each side is enough:
    the group test counts accounts against the population's share).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from detector.schema import encode

__all__ = [
    "CHANCE_SE",
    "MIN_SIDE_POSTS",
    "NON_LANGUAGE_CODES",
        "SHIFT_COLUMNS",
    "SCRIPTS",
    "dominant_script",
    "language_keys",
    "language_shift",
    "language_spans",
    "pooled_split",
    "post_languages",
    "switched_at",
]

MIN_SIDE_POSTS = 3
"""Own posts with a known language an account needs on each side of a split: one or two posts in
another language are a quote, a greeting or a mislabelled short text (platform language detection
is noisy on short posts); three in a row before, and three after, are a pattern."""

CHANCE_SE = 3.0
"""Standard errors of chance taken off each language's before/after difference. Under random order
(a bilingual account mixing two languages all along) the largest standardised difference over all
splits of 20 to 300 posts has its 95th percentile near 3 (2.7 at 20 posts, 3.1 at 300, simulated
on a 60/40 mix; 2 is only its median to 90th percentile), so what a switch shows beyond 3 standard
errors is the shift. Few posts are weak evidence: a clean switch after 10 posts with 10 after
scores 0.31, after 20 with 20 after 0.52; after 3 with 5 after, 0 (the group test ``shifted``
of :mod:`detector.scoring.group_tests` pools such accounts)."""

NON_LANGUAGE_CODES: frozenset[str] = frozenset(
    {"und", "zxx", "qme", "qht", "qam", "qct", "qst", "qnd", "qtz", "mis", "mul", "art", "xx"}
)
"""Language codes that name no language: undetermined (``und``), no linguistic content (``zxx``),
Twitter's media / hashtag / mention / cashtag / short-text / no-text codes (``q*``)."""

SCRIPTS: tuple[tuple[str, str], ...] = (
    ("Latin", "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"),
    ("Greek", "\u0370-\u03ff\u1f00-\u1fff"),
    ("Cyrillic", "\u0400-\u052f\u1c80-\u1c8f\u2de0-\u2dff\ua640-\ua69f"),
    ("Armenian", "\u0530-\u058f"),
    ("Hebrew", "\u0590-\u05ff"),
    ("Arabic", "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"),
    ("Devanagari", "\u0900-\u097f"),
    ("Bengali", "\u0980-\u09ff"),
    ("Thai", "\u0e00-\u0e7f"),
    ("Georgian", "\u10a0-\u10ff"),
    ("Hangul", "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"),
    ("Japanese", "\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f"),
    ("Han", "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"),
)
"""Scripts of :func:`dominant_script`: name -> regex character class of its letters."""

_NOISE = re.compile(r"(?:[a-z][a-z0-9+.-]*://|www\.)\S*|[@#]\w+", re.IGNORECASE)
"""URLs, mentions and hashtags: not the language of the post (a Russian post links an English site)."""

SHIFT_COLUMNS: tuple[str, ...] = (
    "language_shift", "shift_posts", "shift_posts_before", "shift_at", "shift_from", "shift_to",
    "shift_from_share", "shift_to_share", "shift_basis",
)
"""Columns of :func:`language_shift`."""

OWN_KINDS: tuple[str, ...] = ("post", "quote", "reply")
"""Event kinds whose text is the account's own words."""


def language_keys(lang: pd.Series | np.ndarray) -> np.ndarray:
    """Primary language subtag per value (lower case, ``en-GB`` -> ``en``); None for missing or non-language codes."""
    s = pd.Series(lang, dtype="string").str.strip().str.lower().str.split(r"[-_]", n=1, regex=True).str[0]
    s = s.mask(s.isin(NON_LANGUAGE_CODES) | s.eq(""))
    return s.to_numpy(dtype=object, na_value=None)


def dominant_script(texts: pd.Series | np.ndarray) -> np.ndarray:
    """Script (:data:`SCRIPTS` name) holding most of each text's letters; None without letters.

    URLs, mentions and hashtags are left out. Any kana makes a text Japanese (its kanji are Han
    code points). Ties go to the script listed first in :data:`SCRIPTS`.
    """
    s = pd.Series(texts, dtype="string").fillna("").str.replace(_NOISE, " ", regex=True)
    counts = np.column_stack([s.str.count(f"[{chars}]").to_numpy(dtype=float) for _, chars in SCRIPTS])
    names = np.array([name for name, _ in SCRIPTS], dtype=object)
    best = np.argmax(counts, axis=1)
    out = names[best]
    japanese = [i for i, (name, _) in enumerate(SCRIPTS) if name == "Japanese"][0]
    out = np.where(counts[:, japanese] > 0, "Japanese", out).astype(object)
    out[counts.sum(axis=1) == 0] = None
    return out


def _post_keys(events: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Per own post: its language key, and whether it is a script (not a ``lang``) key."""
    lang = language_keys(events["lang"]) if "lang" in events.columns else np.full(len(events), None, dtype=object)
    has_lang = pd.Series(pd.notna(lang)).groupby(events["account_id"].astype(str).to_numpy()).transform("any").to_numpy()
    key = lang.copy()
    use_script = ~has_lang
    if use_script.any() and "text" in events.columns:
        key[use_script] = dominant_script(events["text"].to_numpy(dtype=object)[use_script])
    return key, use_script


def post_languages(events: pd.DataFrame) -> pd.DataFrame:
    """The account's own posts with a known language, sorted by account, time and event id.

    Columns ``account_id`` (str), ``ts`` (UTC seconds), ``lang`` (language key: a primary
    subtag, or a :data:`SCRIPTS` name for accounts without any ``lang``), ``by_script`` (bool).
    ``events`` needs ``account_id``, ``ts``, ``kind``, ``event_id``; ``lang`` and ``text`` may be absent.
    """
    cols = {"account_id": pd.Series([], dtype=object), "ts": pd.Series([], dtype=np.int64),
            "lang": pd.Series([], dtype=object), "by_script": pd.Series([], dtype=bool)}
    if not len(events):
        return pd.DataFrame(cols)
    own = events[events["kind"].astype(str).isin(OWN_KINDS).to_numpy()]
    key, by_script = _post_keys(own)
    known = pd.notna(key)
    own = own[known]
    out = pd.DataFrame({"account_id": own["account_id"].astype(str).to_numpy(dtype=object),
                        "ts": own["ts"].to_numpy(dtype=np.int64), "lang": key[known].astype(str),
                        "by_script": by_script[known], "_eid": own["event_id"].astype(str).to_numpy(dtype=object)})
    out = out.sort_values(["account_id", "ts", "_eid"], kind="mergesort").drop(columns="_eid")
    return out.reset_index(drop=True)


def language_shift(events: pd.DataFrame, posts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Change-point language shift per account (module docstring), one row per account with events.

    Parameters
    ----------
    events : DataFrame
        Canonical events (``account_id``, ``ts`` in UTC seconds, ``kind``, ``event_id``,
        ``lang``, ``text``; ``lang`` and ``text`` may be absent).
    posts : DataFrame, optional
        :func:`post_languages` of ``events`` (computed when absent).

    Returns
    -------
    DataFrame
        Index ``account_id`` (sorted), columns :data:`SHIFT_COLUMNS`: ``language_shift`` in
        [0, 1) (NaN: fewer than ``2 * MIN_SIDE_POSTS`` posts with a known language);
        ``shift_posts`` (own posts with a known language); at the best split (NaN / None
        where ``language_shift`` is 0 or NaN): ``shift_posts_before``, ``shift_at`` (UTC
        seconds of the first post after it), ``shift_from`` / ``shift_to`` (dominant language
        before / after), ``shift_from_share`` / ``shift_to_share`` (their unshrunk shares of
        the posts before / after); ``shift_basis`` (``lang`` or ``script``).
    """
    # distinct ids by hashing, then sorted: np.unique would sort every row's Python string (seconds at 1M)
    ids_all = np.sort(pd.unique(events["account_id"].astype(str)).to_numpy(dtype=object)) if len(events) \
        else np.array([], dtype=object)
    out = pd.DataFrame({c: np.nan for c in SHIFT_COLUMNS}, index=pd.Index(ids_all, name="account_id"))
    for c in ("shift_from", "shift_to", "shift_basis"):
        out[c] = pd.Series(pd.NA, index=out.index, dtype="string")
    out["shift_posts"] = 0.0
    posts = post_languages(events) if posts is None else posts
    if not len(posts):
        return out
    acc = posts["account_id"].to_numpy(dtype=object)
    by_script = posts["by_script"].to_numpy(dtype=bool)
    out.loc[pd.unique(acc[by_script]), "shift_basis"] = "script"  # a set of labels: order is irrelevant
    out.loc[pd.unique(acc[~by_script]), "shift_basis"] = "lang"
    codes, ids = encode(pd.Series(acc))  # sorted ids: posts are sorted by account already
    lang_codes, langs = encode(posts["lang"])
    ts = posts["ts"].to_numpy(dtype=np.int64)
    best = _best_splits(codes, lang_codes, len(ids))
    rows = pd.Index(ids.astype(str))
    out.loc[rows, "shift_posts"] = best["n"]
    out.loc[rows, "language_shift"] = best["value"]
    at = best["split"] >= 0
    where = rows[at]
    first_after = np.searchsorted(codes, np.flatnonzero(at), side="left") + best["split"][at]
    out.loc[where, "shift_posts_before"] = best["split"][at].astype(float)
    out.loc[where, "shift_at"] = ts[first_after].astype(float)
    out.loc[where, "shift_from"] = langs[best["from"][at]].astype(str)
    out.loc[where, "shift_to"] = langs[best["to"][at]].astype(str)
    out.loc[where, "shift_from_share"] = best["from_share"][at]
    out.loc[where, "shift_to_share"] = best["to_share"][at]
    return out


def language_spans(posts: pd.DataFrame) -> pd.DataFrame:
    """First and last post (UTC seconds) of every (account, language) of :func:`post_languages`.

    Columns ``account_id``, ``lang``, ``first_ts``, ``last_ts``, sorted by account and language.
    """
    if not len(posts):
        return pd.DataFrame({"account_id": [], "lang": [], "first_ts": [], "last_ts": []})
    g = posts.groupby(["account_id", "lang"], sort=True)["ts"]
    return pd.concat([g.min().rename("first_ts"), g.max().rename("last_ts")], axis=1).reset_index()


def switched_at(spans: pd.DataFrame, accounts: pd.Index, times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per account of ``accounts`` (rows) and switch time of ``times`` (columns, UTC seconds).

    Returns ``known`` (the account has own posts of known language both before ``T``
    and at or after it) and ``switched`` (known, and no language of its posts before ``T``
    appears among its posts after it: a clean switch at ``T``, however few the posts).
    """
    times = np.asarray(times, dtype=float)
    known = np.zeros((len(accounts), len(times)), bool)
    switched = np.zeros((len(accounts), len(times)), bool)
    if not len(spans) or not len(accounts) or not len(times):
        return known, switched
    row = pd.Index(accounts.astype(str)).get_indexer(spans["account_id"].astype(str).to_numpy())
    keep = row >= 0
    order = np.argsort(row[keep], kind="mergesort")
    row = row[keep][order]
    first = spans["first_ts"].to_numpy(dtype=float)[keep][order][:, None]
    last = spans["last_ts"].to_numpy(dtype=float)[keep][order][:, None]
    if not len(row):
        return known, switched
    heads = np.flatnonzero(np.r_[True, row[1:] != row[:-1]])
    who = row[heads]
    for lo in range(0, len(times), _TIME_CHUNK):  # pairs x chunk at a time: memory stays small
        t = times[None, lo : lo + _TIME_CHUNK]
        before = np.add.reduceat((first < t).astype(np.int32), heads, axis=0) > 0
        after = np.add.reduceat((last >= t).astype(np.int32), heads, axis=0) > 0
        cross = np.add.reduceat(((first < t) & (last >= t)).astype(np.int32), heads, axis=0) > 0
        known[who, lo : lo + _TIME_CHUNK] = before & after
        switched[who, lo : lo + _TIME_CHUNK] = before & after & ~cross
    return known, switched


def pooled_split(posts: pd.DataFrame, group: str, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    """The change point of each group's posts pooled in time order (:func:`language_shift`'s rule).

    ``posts`` are :func:`post_languages` rows with an integer column ``group`` (0..n_groups-1).
    Returns per group the time (UTC seconds) of the first post after its best split (NaN where
    no split shows a switch) and the number of admissible splits (for a multiple-testing
    correction: ``max(1, posts - 2 * MIN_SIDE_POSTS + 1)``).
    """
    at = np.full(n_groups, np.nan)
    if not len(posts):
        return at, np.ones(n_groups)
    g = posts[group].to_numpy(dtype=np.int64)
    ts = posts["ts"].to_numpy(dtype=np.int64)
    lang_codes, _ = encode(posts["lang"])
    order = np.lexsort((lang_codes, ts, g))
    g, ts, lang_codes = g[order], ts[order], lang_codes[order]
    best = _best_splits(g.astype(np.int32), lang_codes, n_groups)
    splits = np.maximum(1.0, best["n"] - 2 * MIN_SIDE_POSTS + 1)
    ok = best["split"] >= 0
    start = np.searchsorted(g, np.flatnonzero(ok), side="left")
    at[ok] = ts[start + best["split"][ok]]
    return at, splits


_TIME_CHUNK = 32
"""Switch times evaluated at once by :func:`switched_at`."""


def _best_splits(codes: np.ndarray, lang: np.ndarray, n_accounts: int) -> dict[str, np.ndarray]:
    """The best split of every account (module docstring), on posts sorted by account then time.

    Returns per account: ``n`` known posts, ``value`` (NaN below ``2 * MIN_SIDE_POSTS``),
    ``split`` (posts before it; -1 where none counts), ``from`` / ``to`` (language codes) and
    their raw shares before / after.
    """
    n = np.bincount(codes, minlength=n_accounts).astype(np.int64)
    start = np.zeros(n_accounts + 1, np.int64)
    np.cumsum(n, out=start[1:])
    res = {
        "n": n.astype(float),
        "value": np.where(n >= 2 * MIN_SIDE_POSTS, 0.0, np.nan),
        "split": np.full(n_accounts, -1, np.int64),
        "from": np.zeros(n_accounts, np.int64),
        "to": np.zeros(n_accounts, np.int64),
        "from_share": np.full(n_accounts, np.nan),
        "to_share": np.full(n_accounts, np.nan),
    }
    # (account, language) pairs of the accounts with enough posts in two or more languages
    pair_key = codes.astype(np.int64) * (int(lang.max()) + 1) + lang
    pairs, total = np.unique(pair_key, return_counts=True)
    p_acc = pairs // (int(lang.max()) + 1)
    p_lang = pairs % (int(lang.max()) + 1)
    n_langs = np.bincount(p_acc, minlength=n_accounts)
    keep = (n[p_acc] >= 2 * MIN_SIDE_POSTS) & (n_langs[p_acc] >= 2)
    p_acc, p_lang, total = p_acc[keep], p_lang[keep], total[keep]
    if not len(p_acc):
        return res
    # one row per (pair, position r): the split after the first r + 1 posts of the account
    size = n[p_acc]
    row_pair = np.repeat(np.arange(len(p_acc)), size)
    r = np.arange(size.sum()) - np.repeat(np.cumsum(size) - size, size)
    event = start[p_acc][row_pair] + r
    hit = (lang[event] == p_lang[row_pair]).astype(np.int64)
    seg = np.cumsum(size) - size  # first row of each pair
    cum = np.cumsum(hit)
    before = (cum - np.repeat(cum[seg] - hit[seg], size)).astype(float)  # its posts among the first k
    k = (r + 1).astype(float)
    nn = size[row_pair].astype(float)
    m = total[row_pair].astype(float)
    after = m - before
    q = m / nn
    # difference of the language's shares before and after, less CHANCE_SE standard errors of
    # that difference under random order (hypergeometric: q (1 - q) (1/k + 1/(n-k)) n / (n-1))
    chance = CHANCE_SE * np.sqrt(q * (1.0 - q) * (1.0 / k + 1.0 / np.maximum(nn - k, 1.0)) * nn / np.maximum(nn - 1.0, 1.0))
    excess = np.clip(np.abs(before / k - after / np.maximum(nn - k, 1.0)) - chance, 0.0, None)
    grid = event  # one id per (account, split): the position of the last post before the split
    tv = 0.5 * np.bincount(grid, weights=excess, minlength=len(codes))
    dom_b = _argmax_by(grid, before, p_lang[row_pair], len(codes))
    dom_a = _argmax_by(grid, after, p_lang[row_pair], len(codes))
    g_k = np.arange(len(codes)) - start[codes] + 1
    ok = (g_k >= MIN_SIDE_POSTS) & (n[codes] - g_k >= MIN_SIDE_POSTS) & (dom_b >= 0) & (dom_b != dom_a)
    score = np.where(ok, tv, -1.0)
    pick = np.lexsort((g_k, -score, codes))  # per account: the largest shift, then the earliest split
    heads = pick[np.r_[True, codes[pick][1:] != codes[pick][:-1]]]
    heads = heads[score[heads] > 0]
    accs = codes[heads]
    res["value"][accs] = score[heads]
    res["split"][accs] = g_k[heads]
    res["from"][accs] = dom_b[heads]
    res["to"][accs] = dom_a[heads]
    # unshrunk shares of the dominant languages at the chosen split
    chosen = np.zeros(len(codes), bool)
    chosen[heads] = True
    at = chosen[grid]
    share_b = np.zeros(len(codes))
    share_a = np.zeros(len(codes))
    from_row = at & (p_lang[row_pair] == dom_b[grid])
    to_row = at & (p_lang[row_pair] == dom_a[grid])
    share_b[grid[from_row]] = before[from_row] / k[from_row]
    share_a[grid[to_row]] = after[to_row] / (nn[to_row] - k[to_row])
    res["from_share"][accs] = share_b[heads]
    res["to_share"][accs] = share_a[heads]
    return res


def _argmax_by(group: np.ndarray, value: np.ndarray, label: np.ndarray, n_groups: int) -> np.ndarray:
    """Per group id in ``0..n_groups-1``: the label with the largest value (ties: the smallest label); -1 if absent."""
    out = np.full(n_groups, -1, np.int64)
    order = np.lexsort((label, -value, group))
    g = group[order]
    first = np.r_[True, g[1:] != g[:-1]]
    out[g[first]] = label[order][first]
    return out

"""Synthetic accounts: profiles, handles, ids, time zones and activity rates."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from detector.schema import validate_accounts
from detector.synth import vocab

__all__ = ["DAY", "HOUR_PROFILE", "TIMEZONES", "Population", "snowflake_ids"]

DAY = 86_400
TWITTER_EPOCH_MS = 1_288_834_974_657
"""Start of Twitter's snowflake clock (2010-11-04), milliseconds."""

HOUR_PROFILE = np.array(
    [2.2, 1.3, 0.8, 0.5, 0.4, 0.5, 1.0, 2.2, 3.6, 4.2, 4.3, 4.6,
     5.4, 5.0, 4.5, 4.4, 4.5, 4.8, 5.3, 6.0, 6.6, 6.7, 5.6, 3.8]
)
HOUR_PROFILE = HOUR_PROFILE / HOUR_PROFILE.sum()
"""Relative activity by local hour of day (night trough, lunch and evening peaks)."""

TIMEZONES: list[tuple[float, float, dict[str, float]]] = [
    # (UTC offset hours, share of organic accounts, language mix)
    (9.0, 0.13, {"ja": 0.85, "en": 0.15}),
    (9.0, 0.10, {"ko": 0.85, "en": 0.15}),
    (8.0, 0.12, {"zh": 0.85, "en": 0.15}),
    (5.5, 0.06, {"en": 1.0}),
    (3.0, 0.06, {"ru": 0.6, "ar": 0.3, "en": 0.1}),
    (1.0, 0.14, {"fr": 0.3, "de": 0.3, "en": 0.25, "es": 0.15}),
    (0.0, 0.08, {"en": 1.0}),
    (-3.0, 0.05, {"es": 0.7, "en": 0.3}),
    (-5.0, 0.17, {"en": 0.85, "es": 0.15}),
    (-8.0, 0.09, {"en": 0.85, "es": 0.15}),
]


def snowflake_ids(ms: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Twitter-style 64-bit ids from millisecond times (unique, increasing with time).

    Ids are ``(ms - epoch) << 22 | worker << 12 | sequence``; the sequence numbers
    rows that share a millisecond, so ids are unique whatever the workers.
    ``ms`` must be sorted.
    """
    ms = np.asarray(ms, dtype=np.int64)
    n = len(ms)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    new_run = np.ones(n, dtype=bool)
    new_run[1:] = ms[1:] != ms[:-1]
    run_start = np.maximum.accumulate(np.where(new_run, np.arange(n), 0))
    seq = np.arange(n) - run_start
    worker = rng.integers(0, 1024, size=n, dtype=np.int64)
    base = np.maximum(ms - TWITTER_EPOCH_MS, 1)
    return (base << 22) | (worker << 12) | (seq & 0xFFF)


@dataclass
class Population:
    """Growing table of accounts; :meth:`add` appends a group and returns its indices."""

    columns: dict[str, list] = field(default_factory=dict)
    n: int = 0

    FIELDS = (
        "handle", "display_name", "created_s", "followers", "following", "verified",
        "description", "official_role", "official_country", "lang", "tz", "chrono", "rate",
        "label", "campaign_id", "strategy", "group",
    )

    def add(self, n: int, **values) -> np.ndarray:
        """Append ``n`` accounts; each value is a scalar or a sequence of length ``n``."""
        for name in self.FIELDS:
            value = values.get(name)
            if isinstance(value, (list, tuple, np.ndarray)):
                value = list(value.tolist() if isinstance(value, np.ndarray) else value)
                if len(value) != n:
                    raise ValueError(f"{name}: expected {n} values, got {len(value)}")
            else:
                value = [value] * n
            self.columns.setdefault(name, []).extend(value)
        idx = np.arange(self.n, self.n + n)
        self.n += n
        return idx

    def array(self, name: str, dtype=None) -> np.ndarray:
        """Column ``name`` as an array."""
        return np.asarray(self.columns[name], dtype=dtype)

    def set(self, idx: np.ndarray, name: str, value) -> None:
        """Overwrite column ``name`` at ``idx`` (scalar or per-index values)."""
        col = self.columns[name]
        values = value if isinstance(value, (list, tuple, np.ndarray)) else [value] * len(idx)
        for i, v in zip(np.asarray(idx).tolist(), list(values), strict=True):
            col[i] = v

    # ------------------------------------------------------------------
    def finalize_ids(self, rng: np.random.Generator) -> np.ndarray:
        """Unique handles and numeric account ids (derived from creation time)."""
        handles = self.columns["handle"]
        seen: set[str] = set()
        for i, h in enumerate(handles):
            candidates = (h, f"{h[:10]}{i % 100_000}", f"u{i}")
            for cand in candidates:
                if cand.casefold() not in seen:
                    handles[i] = cand
                    seen.add(cand.casefold())
                    break
        created_ms = self.array("created_s", np.int64) * 1000 + rng.integers(0, 1000, size=self.n)
        old = created_ms < TWITTER_EPOCH_MS
        span = TWITTER_EPOCH_MS - 1_142_899_200_000  # 2006-03-21 (first tweet)
        small = 12 + ((created_ms - 1_142_899_200_000).clip(0) / span * 2.1e8).astype(np.int64)
        small += rng.integers(0, 5000, size=self.n)
        order = np.argsort(created_ms, kind="stable")
        snow = np.empty(self.n, dtype=np.int64)
        snow[order] = snowflake_ids(created_ms[order], rng)
        ids = np.where(old, small, snow)
        # resolve (unlikely) collisions deterministically
        order = np.argsort(ids, kind="stable")
        sorted_ids = ids[order]
        for k in range(1, len(sorted_ids)):
            if sorted_ids[k] <= sorted_ids[k - 1] and old[order[k]]:
                sorted_ids[k] = sorted_ids[k - 1] + 1
        ids[order] = sorted_ids
        if len(np.unique(ids)) != len(ids):  # pragma: no cover - defensive
            raise RuntimeError("account id collision")
        self.account_ids = np.array([str(x) for x in ids.tolist()], dtype=object)
        return self.account_ids

    def accounts_table(self, posts_count: np.ndarray) -> pd.DataFrame:
        """Canonical accounts table (see :data:`detector.schema.ACCOUNT_COLUMNS`)."""
        c = self.columns
        frame = pd.DataFrame(
            {
                "account_id": self.account_ids,
                "account_name": c["handle"],
                "display_name": c["display_name"],
                "created_at": np.asarray(c["created_s"], dtype=np.int64),
                "followers": np.asarray(c["followers"], dtype=np.int64),
                "following": np.asarray(c["following"], dtype=np.int64),
                "posts_count": posts_count.astype(np.int64),
                "verified": np.asarray(c["verified"], dtype=bool),
                "description": [d if d else pd.NA for d in c["description"]],
                "official_role": [r if r else pd.NA for r in c["official_role"]],
                "official_country": [r if r else pd.NA for r in c["official_country"]],
            }
        )
        return validate_accounts(frame)


# ----------------------------------------------------------------------
# profile builders
# ----------------------------------------------------------------------


def person_handles(rng: np.random.Generator, langs: list[str]) -> tuple[list[str], list[str]]:
    """Human-looking handles and display names (some with digits, as people do)."""
    n = len(langs)
    u = rng.random((n, 4))
    digits = rng.integers(0, 10_000, size=n)
    year = rng.integers(60, 100, size=n) % 100
    fi = rng.integers(0, 1_000, size=(n, 3))
    handles, names = [], []
    for i, lang in enumerate(langs):
        first_l = vocab.FIRST_NAMES.get(lang, vocab.FIRST_NAMES["en"])
        last_l = vocab.LAST_NAMES.get(lang, vocab.LAST_NAMES["en"])
        first = first_l[fi[i, 0] % len(first_l)]
        last = last_l[fi[i, 1] % len(last_l)]
        sep = "_" if u[i, 0] < 0.4 else ""
        if u[i, 1] < 0.3:
            h = f"{first}{sep}{last}"
        elif u[i, 1] < 0.55:
            h = f"{first}{sep}{last}{year[i]:02d}"
        elif u[i, 1] < 0.75:
            h = f"{first[0]}{sep}{last}{digits[i] % 100}"
        elif u[i, 1] < 0.9:
            h = f"{first.capitalize()}{last.capitalize()}"
        else:
            h = f"{last}{sep}{first}{digits[i]}"
        handles.append(h[:15])
        native = vocab.NATIVE_NAMES.get(lang)
        if native and u[i, 2] < 0.7:
            names.append(native[fi[i, 2] % len(native)])
        elif u[i, 3] < 0.15:
            names.append(first.capitalize())
        else:
            names.append(f"{first.capitalize()} {last.capitalize()}")
    return handles, names


_ALNUM = np.array(list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"))


def random_handles(rng: np.random.Generator, n: int) -> list[str]:
    """Handles of bulk-created accounts: ``Name12345678`` (the sign-up default) or random."""
    style = rng.random(n)
    digits = rng.integers(0, 10**8, size=n)
    first = rng.integers(0, len(vocab.FIRST_NAMES["en"]), size=n)
    chars = _ALNUM[rng.integers(0, len(_ALNUM), size=(n, 15))]
    lens = rng.integers(9, 16, size=n)
    out = []
    for i in range(n):
        if style[i] < 0.55:
            out.append(f"{vocab.FIRST_NAMES['en'][first[i]].capitalize()}{digits[i]:08d}"[:15])
        else:
            out.append("".join(chars[i, : lens[i]].tolist()))
    return out


def bios(rng: np.random.Generator, langs: list[str], p_empty: float = 0.25) -> list[str]:
    """Profile descriptions from short phrases in the account's language."""
    n = len(langs)
    u = rng.random(n)
    k = rng.integers(1, 4, size=n)
    picks = rng.integers(0, 1_000, size=(n, 3))
    out = []
    for i, lang in enumerate(langs):
        if u[i] < p_empty:
            out.append("")
            continue
        phrases = vocab.BIO_PHRASES.get(lang, vocab.BIO_PHRASES["en"])
        chosen = dict.fromkeys(phrases[picks[i, j] % len(phrases)] for j in range(k[i]))
        out.append(" | ".join(chosen))
    return out


def sample_timezones(rng: np.random.Generator, n: int) -> tuple[np.ndarray, list[str]]:
    """Time-zone offsets (hours) and languages for ``n`` organic accounts."""
    shares = np.array([w for _, w, _ in TIMEZONES])
    tz_i = rng.choice(len(TIMEZONES), size=n, p=shares / shares.sum())
    u = rng.random(n)
    langs: list[str] = []
    for i, t in enumerate(tz_i.tolist()):
        mix = TIMEZONES[t][2]
        acc = 0.0
        choice = next(iter(mix))
        for lang, p in mix.items():
            acc += p
            if u[i] < acc:
                choice = lang
                break
        langs.append(choice)
    tz = np.array([TIMEZONES[t][0] for t in tz_i.tolist()])
    return tz, langs


def activity_rates(rng: np.random.Generator, n: int, mean: float, sigma: float = 1.3) -> np.ndarray:
    """Lognormal (heavy-tailed) activity rates, events per day, with the given mean."""
    mu = np.log(mean) - sigma**2 / 2
    return rng.lognormal(mu, sigma, size=n)


def created_times(rng: np.random.Generator, n: int, start_s: int, young_share: float = 0.03) -> np.ndarray:
    """Creation times (UTC s) of organic accounts: 2007 to 60 days before ``start_s``, a few young."""
    first = 1_167_609_600  # 2007-01-01
    span = start_s - 60 * DAY - first
    old = first + (rng.beta(1.6, 1.3, size=n) * span).astype(np.int64)
    young = start_s - rng.integers(5 * DAY, 60 * DAY, size=n)
    return np.where(rng.random(n) < young_share, young, old)

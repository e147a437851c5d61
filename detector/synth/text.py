"""Vectorised text builders for the synthetic data (all randomness from one Generator)."""

from __future__ import annotations

import numpy as np

from detector.synth import vocab

__all__ = ["fill_templates", "mutate", "pick", "salad", "zipf_probs"]

_ZIPF_CACHE: dict[int, np.ndarray] = {}


def zipf_probs(n: int, exponent: float = 0.8) -> np.ndarray:
    """Zipf probabilities over ``n`` ranked items."""
    if n not in _ZIPF_CACHE:
        w = 1.0 / np.arange(1, n + 1) ** exponent
        _ZIPF_CACHE[n] = w / w.sum()
    return _ZIPF_CACHE[n]


def pick(rng: np.random.Generator, items: list[str], n: int) -> list[str]:
    """``n`` uniform draws from ``items``."""
    idx = rng.integers(0, len(items), size=n)
    return [items[i] for i in idx]


def salad(rng: np.random.Generator, langs: np.ndarray, min_len: int = 4, max_len: int = 18) -> list[str]:
    """One short text per entry of ``langs`` made of Zipf-distributed words of that language.

    Organic texts must not be near-duplicates of each other, as real chatter is not:
    words are drawn independently, so two texts rarely share a word trigram.

    Parameters
    ----------
    langs : ndarray of str
        Language code per text (unknown codes fall back to English).
    min_len, max_len : int
        Inclusive range of the number of words.
    """
    n = len(langs)
    out: list[str] = [""] * n
    if n == 0:
        return out
    lengths = rng.integers(min_len, max_len + 1, size=n)
    endings = rng.integers(0, len(vocab.ENDINGS), size=n)
    langs = np.asarray(langs, dtype=object)
    for lang in sorted(set(langs.tolist())):
        words = vocab.WORDS.get(lang, vocab.WORDS["en"])
        sep = " " if lang in vocab.SPACED or lang not in vocab.WORDS else ""
        rows = np.flatnonzero(langs == lang)
        lens = lengths[rows]
        draws = rng.choice(len(words), size=int(lens.sum()), p=zipf_probs(len(words)))
        ends = np.cumsum(lens)
        starts = ends - lens
        wl = words
        for r, a, b in zip(rows.tolist(), starts.tolist(), ends.tolist(), strict=True):
            text = sep.join([wl[k] for k in draws[a:b]])
            out[r] = text[:1].upper() + text[1:] + vocab.ENDINGS[endings[r]]
    return out


def fill_templates(
    rng: np.random.Generator, templates: list[str], topics: list[str], n: int
) -> list[str]:
    """``n`` texts, each a random template with a random ``{topic}``."""
    t = rng.integers(0, len(templates), size=n)
    k = rng.integers(0, len(topics), size=n)
    return [templates[i].format(topic=topics[j]) for i, j in zip(t.tolist(), k.tolist(), strict=True)]


def mutate(rng: np.random.Generator, text: str, lang: str, variation: float) -> str:
    """Copy ``text`` with small edits, as copy-paste campaigns do.

    Each word (each 2-character chunk for zh/ja) is replaced, dropped or kept with
    probabilities driven by ``variation`` (0 = identical copy, 1 = heavily rewritten),
    and a prefix/suffix from a small pool is added with probability ``variation``.
    """
    spaced = lang in vocab.SPACED or lang not in vocab.WORDS
    tokens = text.split(" ") if spaced else [text[i : i + 2] for i in range(0, len(text), 2)]
    swaps = vocab.SWAP_WORDS.get(lang, vocab.SWAP_WORDS["en"])
    u = rng.random(len(tokens))
    w = rng.integers(0, len(swaps), size=len(tokens))
    out: list[str] = []
    for tok, ui, wi in zip(tokens, u.tolist(), w.tolist(), strict=True):
        if ui < 0.25 * variation:
            out.append(swaps[wi])
        elif ui < 0.35 * variation:
            continue
        else:
            out.append(tok)
    body = (" " if spaced else "").join(out)
    pre, suf, p = rng.integers(0, len(vocab.CAMPAIGN_PREFIXES)), rng.integers(0, len(vocab.CAMPAIGN_SUFFIXES)), rng.random(2)
    if p[0] < variation:
        body = vocab.CAMPAIGN_PREFIXES[pre] + body
    if p[1] < variation + 0.1:
        body = body + vocab.CAMPAIGN_SUFFIXES[suf]
    return body

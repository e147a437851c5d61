"""Text normalisation and shingling for every script.

Normalisation (:func:`normalize_text`)
--------------------------------------
In this order:

1. Unicode NFKC (full-width letters, ligatures, compatibility forms become
   their plain equivalents: ``ＲＴ`` -> ``RT``, half-width katakana -> full
   width), then case-folding (``str.casefold``: ``Straße`` -> ``strasse``);
2. a leading retweet prefix ``RT @handle:`` is removed (repeatedly, for
   ``RT @a: RT @b: ...``);
3. URLs (``scheme://...``, ``www....`` and bare ``domain.tld/path`` links)
   and ``@mentions`` are removed; with ``body=True`` (the near-duplicate
   layer's *message body*, :func:`strip_trailing_tags`) the trailing run of
   hashtags is removed too (``"... truth. #peace #China"`` -> ``"... truth."``);
4. format characters (Unicode category ``Cf``: zero-width joiner and
   non-joiner, zero-width space, bidi marks, soft hyphen, tag characters) and
   variation selectors (emoji presentation selectors ``U+FE0E``/``U+FE0F``)
   are deleted, so that invisible characters inserted to dodge
   deduplication change nothing; apostrophes are deleted (``don't`` ->
   ``dont``);
5. every other punctuation, symbol (emoji included), separator and control
   character becomes a space; a hashtag keeps its word (``#Peace`` ->
   ``peace``);
6. whitespace is collapsed to single spaces, stripped at both ends, and NFKC
   is applied once more where needed (case-folding or deleting a character
   can leave a composable sequence; only texts holding a combining mark can
   be affected, and only those are checked).

Steps 1-3 run per text with C-level string functions and regexes (each
regex only when the text can match it); the per-character steps 4-6 run in
one Numba pass over the code points of all texts with a class table
(:func:`char_class_table`). The result contains only letters, combining
marks, digits and single spaces, and normalisation is idempotent. Batches
(:func:`normalize_texts`) are much faster per text than single calls.

Shingling (:func:`shingles`)
----------------------------
Every script is shingled by **characters**, so an edit inside a word (a
typo, a doubled letter, a punctuation mark or emoji inserted mid-word, which
normalisation turns into a space) changes only the few n-grams that overlap
it, never a whole word n-gram. The normalised text is split into two
*streams*, each keeping its characters in order:

* the **CJK stream**: Han ideographs (incl. extensions and ``々〆〇``),
  Hiragana, Katakana, Bopomofo and Hangul, all CJK characters of the text
  joined *without* spaces. Chinese and Japanese are written without spaces,
  so a space or punctuation mark inside them carries no word boundary;
  Korean spaces phrases, not morphemes, and its spacing is notoriously
  inconsistent, so an inserted or dropped space is an edit, not a new word.
  Spaces, punctuation, emoji and Latin words between CJK characters change
  nothing. The stream gives character ``char_n``-grams, default **bigrams**
  (``char_n=2``): the standard dictionary-free choice for
  Chinese/Japanese/Korean retrieval (as in Lucene's CJK analyzer), one CJK
  character carrying about as much as a short word. A substituted character
  changes 2 bigrams, an inserted or doubled one removes 1 and adds 2.
  With ``unigrams`` (default, :data:`UNIGRAMS`) every *dense* character
  (:func:`is_dense`: Han ideographs and Hangul syllables, thousands of
  distinct symbols each carrying a morpheme or a whole syllable) is also a
  shingle of its own, as in Lucene's ``CJKBigramFilter(outputUnigrams)``:
  short Chinese and Korean texts have few bigrams, and the unigrams halve
  what one edit costs them. Kana, Bopomofo and Hangul jamo are phonetic
  letters (alphabets of under 100 symbols) and get no unigrams (measured
  in :mod:`detector.evidence.neardup`, "Shingles").
* the **other stream**: everything else (Latin, Cyrillic, Greek, Arabic,
  Hebrew, Devanagari, Thai..., digits), with **one space** wherever a space
  or a CJK character came between two of its characters. The space is part
  of the n-grams, so they are word-boundary aware (``"the cat"`` gives
  ``"the "``, ``"he c"``, ``"e ca"``, ``" cat"``) and keep some word order.
  It gives character ``alpha_n``-grams, default **4-grams** (``alpha_n=4``):
  one substituted letter changes at most 4 n-grams, an inserted one (or a
  space or emoji inserted mid-word) removes 3 and adds 4. Four is the usual
  choice for alphabetic text: Latin and Cyrillic words average 5-7 letters,
  abjads fewer; 3-grams are shared by too many unrelated texts, 5-grams make
  every edit cost more (both measured in ``benchmarks/bench_minhash.py``).
  The same rule serves unspaced scripts outside the CJK class (Thai, Lao,
  Khmer, Burmese).
* ``word_n >= 1`` (not the default) shingles the other stream by *word*
  n-grams instead (the rule before character shingling; fewer than
  ``word_n`` words give their words joined as one shingle). An edit inside a
  word breaks ``word_n`` word n-grams, so copies with typos fall apart.

A stream shorter than its n gives itself as one shingle. Shingles are
returned without repetition in first-appearance order (other stream first,
then CJK n-grams, then unigrams): a text is compared as a *set* of shingles
(Jaccard similarity).

Length (:func:`weighted_length`) and short texts
------------------------------------------------
Short texts are naturally similar ("stay safe everyone", fan chants,
"happy birthday" wishes) and a small edit moves their Jaccard a lot, so the
near-duplicate layer compares only texts of at least a minimum *weighted
length* of the normalised text: Twitter's weighting, CJK code points count
2 and every other code point (spaces included) 1, so one minimum means
about the same amount of text in every script (see
:class:`detector.evidence.neardup.NearDupParams`). Identical short texts are
still caught by the co-action layer on the ``text`` object.

Hashing (:func:`shingle_hashes`)
--------------------------------
Production hashing is a Numba kernel over the code points of all normalised
texts: each unit (a character; a word in ``word_n`` mode) is hashed once
(64-bit FNV-1a over its UTF-8 bytes) and the unit hashes of a shingle are
combined polynomially and
finished with the MurmurHash3 64-bit finaliser (:func:`hash_shingle` is the
pure Python definition; the kernel is tested against it). It is deterministic across
processes and platforms (Python's ``hash`` is salted per process and is never
used). ``hashfunc="sha1_32"`` hashes the same shingles with datasketch's
default ``sha1_hash32`` instead, for equivalence tests against datasketch.
"""

from __future__ import annotations

import functools
import re
import sys
import threading
import unicodedata
from collections.abc import Iterable

import numpy as np

from detector.kernels.minhash import normalize_codepoints, shingle_hash_kernel

__all__ = [
    "CHAR_N",
    "ALPHA_N",
    "UNIGRAMS",
    "MIN_SHINGLES",
    "WORD_N",
    "hash_shingle",
    "is_cjk",
    "is_dense",
    "strip_trailing_tags",
    "char_class_table",
    "class_table_for",
    "normalize_text",
    "normalize_texts",
    "shingle_hashes",
    "shingles",
    "weighted_length",
]

WORD_N = 0
"""Default word n-gram size for the word stream: 0 = character n-grams (:data:`ALPHA_N`) instead."""

CHAR_N = 2
"""Default character n-gram size for CJK runs (bigrams)."""

UNIGRAMS = True
"""Default: every dense CJK character (:func:`is_dense`) is also a shingle of its own (module doc)."""

ALPHA_N = 4
"""Default character n-gram size for the word stream (every script outside the CJK class)."""

MIN_SHINGLES = 5
"""Texts with fewer distinct shingles than this are not compared."""

_BATCH = 1 << 16
"""Texts per kernel call in batch functions (bounds the code point buffers to tens of MB)."""

# Code point ranges (inclusive) of the CJK script class. Kept as one table so
# that the Python reference and the Numba kernel cannot disagree.
CJK_RANGES: tuple[tuple[int, int], ...] = (
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x3005, 0x3007),  # 々 〆 〇
    (0x3021, 0x3029),  # Hangzhou numerals
    (0x3031, 0x3035),  # kana repeat marks
    (0x303B, 0x303C),  # 〻 〼
    (0x3041, 0x309F),  # Hiragana
    (0x30A0, 0x30FF),  # Katakana (incl. ー; ・ is punctuation and never reaches here)
    (0x3100, 0x312F),  # Bopomofo
    (0x3130, 0x318F),  # Hangul compatibility Jamo
    (0x31A0, 0x31BF),  # Bopomofo extended
    (0x31F0, 0x31FF),  # Katakana phonetic extensions
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xA960, 0xA97F),  # Hangul Jamo extended A
    (0xAC00, 0xD7AF),  # Hangul syllables
    (0xD7B0, 0xD7FF),  # Hangul Jamo extended B
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF66, 0xFF9F),  # half-width katakana (NFKC maps them away; kept for raw input)
    (0xFFA0, 0xFFDC),  # half-width Hangul
    (0x1B000, 0x1B16F),  # kana supplement / extended
    (0x20000, 0x3134F),  # CJK extensions B-G
)
DENSE_RANGES: tuple[tuple[int, int], ...] = (
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xAC00, 0xD7AF),  # Hangul syllables
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0x20000, 0x3134F),  # CJK extensions B-G
)
"""The *dense* CJK ranges (Han ideographs, Hangul syllable blocks): each is a whole :data:`CJK_RANGES` entry."""
assert all(r in CJK_RANGES for r in DENSE_RANGES)

CJK, DENSE = 1, 2
"""Values of the CJK class table: a CJK code point, a dense one (also CJK; 0 = neither)."""
_CJK_LO = np.array([lo for lo, _ in CJK_RANGES], dtype=np.uint32)
_CJK_HI = np.array([hi for _, hi in CJK_RANGES], dtype=np.uint32)
_CJK_KIND = np.array([DENSE if r in DENSE_RANGES else CJK for r in CJK_RANGES], dtype=np.uint8)
_CJK_BMP = np.zeros(0x10000, dtype=np.uint8)
for _range, _kind in zip(CJK_RANGES, _CJK_KIND, strict=True):
    if _range[0] <= 0xFFFF:
        _CJK_BMP[_range[0] : min(_range[1], 0xFFFF) + 1] = _kind

_RT_PREFIX = re.compile(r"\s*(?:rt\s*@\w+\s*:?\s*)+")
_URL = re.compile(
    r"(?:\b[a-z][a-z0-9+.-]*://\S*)"  # scheme://...
    r"|(?:\bwww\.\S+)"  # www.example.org/...
    r"|(?:\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}/\S*)",  # bare domain.tld/path
    re.ASCII,
)
_MENTION = re.compile(r"(?<!\w)@\w+")
_TAG_TOKEN = re.compile(r"[^\w#]*(?:#\w+[^\w#]*)*")
"""A whitespace-separated token made only of hashtags, punctuation and symbols (emoji)."""
_GLUED_TAGS = re.compile(r"(?<=[^\w#])(?:#\w+[^\w#]*)+$")
"""Hashtags glued to the end of a token after punctuation (``...。#和平``)."""
APOSTROPHES = "'\u2019\u02bc\u2018`\u00b4"
"""Deleted rather than turned into a space (``don't`` -> ``dont``)."""

KEEP, DELETE, SPACE, MARK = 0, 1, 2, 3
"""Character classes of :func:`char_class_table` (``MARK``: a kept combining mark)."""


CLASS_BLOCK = 4096
"""Code points per block of the character-class table filled on first use (:func:`class_table_for`)."""


@functools.cache
def _class_table_state() -> tuple[np.ndarray, np.ndarray, np.ndarray, threading.Lock]:
    """The process's character-class table: ``(writable, read_only_view, filled_blocks, lock)``.

    Only the read-only view is handed out (the kernels are compiled for a
    read-only table: one cached signature); fills write through the private
    writable array, under the lock.
    """
    n = sys.maxunicode + 1
    table = np.zeros(n, dtype=np.uint8)
    view = table.view()
    view.setflags(write=False)
    return table, view, np.zeros(-(-n // CLASS_BLOCK), dtype=bool), threading.Lock()


def _fill_blocks(table: np.ndarray, blocks: np.ndarray) -> None:
    """Classes of every code point of ``blocks`` (block numbers) into ``table`` (C-level maps)."""
    for b in blocks.tolist():
        lo, hi = b * CLASS_BLOCK, min((b + 1) * CLASS_BLOCK, table.size)
        cats = list(map(unicodedata.category, map(chr, range(lo, hi))))
        class_of = {
            cat: DELETE if cat == "Cf" else SPACE if cat[0] in "PSZC" else MARK if cat[0] == "M" else KEEP
            for cat in set(cats)
        }
        table[lo:hi] = np.fromiter(map(class_of.__getitem__, cats), dtype=np.uint8, count=hi - lo)
        for first, last in ((0xFE00, 0xFE0F), (0xE0100, 0xE01EF)):  # variation selectors
            table[max(first, lo) : min(last + 1, hi)] = DELETE
        for ch in APOSTROPHES:
            if lo <= ord(ch) < hi:
                table[ord(ch)] = DELETE


def _table_with(used: np.ndarray) -> np.ndarray:
    """The read-only class table with the blocks marked in ``used`` (bool per block) filled."""
    table, view, filled, lock = _class_table_state()
    if (used & ~filled).any():
        with lock:
            missing = np.flatnonzero(used & ~filled)
            _fill_blocks(table, missing)
            filled[missing] = True
    return view


def class_table_for(codepoints: np.ndarray) -> np.ndarray:
    """:func:`char_class_table` with (at least) the entries of ``codepoints`` filled.

    The table is filled by blocks of :data:`CLASS_BLOCK` code points on first
    use: a scan of Latin and Japanese posts fills a few dozen blocks (a few
    milliseconds) instead of all 1,114,112 code points (0.2-0.3 s, once per
    process: most of what ``detector hashtag`` spent normalising the sample's
    texts). Every entry is a function of its code point alone, so the
    normalised texts do not depend on what was filled before.
    """
    n_blocks = _class_table_state()[2].size
    cps = np.asarray(codepoints)
    used = np.bincount(cps // CLASS_BLOCK, minlength=n_blocks).astype(bool) if cps.size else np.zeros(n_blocks, bool)
    return _table_with(used)


def char_class_table() -> np.ndarray:
    """Class of every code point for step 4-5 of the normalisation (the whole table, filled once per process).

    Returns
    -------
    ndarray of uint8, length ``sys.maxunicode + 1``, read-only
        :data:`DELETE` for format characters (``Cf``), variation selectors and
        :data:`APOSTROPHES`; :data:`SPACE` for punctuation, symbols,
        separators and other ``C*`` characters; :data:`MARK` for combining
        marks and :data:`KEEP` for letters and digits (both kept). The
        normalisation itself fills only the blocks it meets (:func:`class_table_for`).
    """
    return _table_with(np.ones(_class_table_state()[2].size, dtype=bool))


def _strip_links(text: str, body: bool = False) -> str:
    """Steps 1-3: NFKC, case-fold, retweet prefix, URLs, mentions (regexes run only when they can match).

    ``body``: also the trailing run of hashtags (:func:`strip_trailing_tags`).
    """
    t = unicodedata.normalize("NFKC", text).casefold()
    if t[:1] == "r" or t[:1].isspace():
        m = _RT_PREFIX.match(t)
        if m:
            t = t[m.end() :]
    if "/" in t or "www." in t:
        t = _URL.sub(" ", t)
    if "@" in t:
        t = _MENTION.sub(" ", t)
    if body and "#" in t:
        t = strip_trailing_tags(t)
    return t


def strip_trailing_tags(text: str) -> str:
    """The text without its trailing run of hashtags (step 3 of the normalisation).

    The run is the longest suffix of whitespace-separated tokens made only of
    hashtags, punctuation and symbols (``... today! #peace 🇨🇳 #truth``), plus
    hashtags glued to the end of the last other token after punctuation
    (``...。#和平``). A hashtag *inside* the sentence (followed by words) is
    kept, and so is a text that is nothing but hashtags (the tags are then
    its whole content).

    Parameters
    ----------
    text : str
        Case-folded text, URLs and mentions already removed.

    Returns
    -------
    str
        ``text`` without the run (tokens joined by single spaces), or
        ``text`` unchanged when there is no run or nothing else.
    """
    tokens = text.split()
    k = len(tokens)
    while k and _TAG_TOKEN.fullmatch(tokens[k - 1]):
        k -= 1
    if k == 0:
        return text
    glued = _GLUED_TAGS.search(tokens[k - 1]) if "#" in tokens[k - 1] else None
    if glued is None and k == len(tokens):
        return text
    body = tokens[:k]
    if glued is not None:
        body[-1] = body[-1][: glued.start()]
    return " ".join(body)


def normalize_texts(texts: Iterable[str | None], *, body: bool = False) -> list[str]:
    """Normalise many texts for near-duplicate comparison (see the module doc).

    Steps 1-3 run per text with C-level string functions and regexes; the
    per-character steps 4-6 run in one Numba pass over the code points of
    all texts (:func:`detector.kernels.minhash.normalize_codepoints`).

    Parameters
    ----------
    texts : iterable of str or None
        Raw post texts; ``None`` and pandas' NA give ``""``.
    body : bool, default False
        Normalise the message *body*: also drop the trailing run of
        hashtags (:func:`strip_trailing_tags`; module doc, "Body").

    Returns
    -------
    list of str
        Case-folded texts of letters, marks and digits separated by single
        spaces, without URLs, mentions, retweet prefix, punctuation or emoji.
    """
    texts = list(texts)
    out: list[str] = []
    for lo in range(0, len(texts), _BATCH):  # bounded buffers for large inputs
        codepoints, offsets = _normalized_codepoints(texts[lo : lo + _BATCH], body)
        joined = codepoints.tobytes().decode("utf-32-le")
        out.extend(joined[offsets[k] : offsets[k + 1]] for k in range(len(offsets) - 1))
    return out


def _encode(texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Code points of ``texts`` concatenated, with start and length of each."""
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    starts = np.zeros(len(texts), dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    codepoints = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return codepoints, starts, lengths


def _normalized_codepoints(texts: list, body: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Normalised texts as code points (``out[offsets[k]:offsets[k + 1]]``), never decoded.

    Only texts holding a combining mark can fail to be NFKC after steps 4-5
    (case-folding and deletions can leave a composable sequence); those are
    checked, and fixed in Python when needed.
    """
    pre = [_strip_links(t, body) if isinstance(t, str) and t else "" for t in texts]
    if not pre:
        return np.zeros(0, dtype=np.uint32), np.zeros(1, dtype=np.int64)
    codepoints, starts, lengths = _encode(pre)
    out, offsets, marked = normalize_codepoints(codepoints, starts, lengths, class_table_for(codepoints))
    fixes = {}
    for k in np.flatnonzero(marked):
        t = out[offsets[k] : offsets[k + 1]].tobytes().decode("utf-32-le")
        if not unicodedata.is_normalized("NFKC", t):
            fixes[int(k)] = _final_nfkc(t)
    if not fixes:
        return out, offsets
    joined = out.tobytes().decode("utf-32-le")
    fixed = [fixes.get(k, joined[offsets[k] : offsets[k + 1]]) for k in range(len(pre))]
    codepoints, starts, lengths = _encode(fixed)
    offsets = np.zeros(len(fixed) + 1, dtype=np.int64)
    offsets[1:] = starts + lengths
    return codepoints, offsets


def _final_nfkc(text: str) -> str:
    """NFKC, then re-apply the character classes until nothing changes (at most a few rounds)."""
    for _ in range(4):
        text = unicodedata.normalize("NFKC", text)
        codepoints, starts, lengths = _encode([text])
        out, _, _ = normalize_codepoints(codepoints, starts, lengths, class_table_for(codepoints))
        cleaned = out.tobytes().decode("utf-32-le")
        if cleaned == text:
            break
        text = cleaned
    return text


def normalize_text(text: str | None, *, body: bool = False) -> str:
    """Normalise one text (see :func:`normalize_texts` and the module doc)."""
    return normalize_texts([text], body=body)[0]


def is_cjk(char: str) -> bool:
    """Whether ``char`` belongs to the CJK script class (shingled by characters)."""
    cp = ord(char)
    return any(lo <= cp <= hi for lo, hi in CJK_RANGES)


def is_dense(char: str) -> bool:
    """Whether ``char`` is a dense CJK character (Han ideograph or Hangul syllable: also a unigram shingle)."""
    cp = ord(char)
    return any(lo <= cp <= hi for lo, hi in DENSE_RANGES)


def _streams(normalized: str) -> tuple[str, str]:
    """The (other, CJK) streams of a normalised text (module doc, "Shingling")."""
    other: list[str] = []
    cjk: list[str] = []
    gap = False
    for ch in normalized:
        if is_cjk(ch):
            cjk.append(ch)
            gap = True
        elif ch == " ":
            gap = True
        else:
            if gap and other:
                other.append(" ")
            other.append(ch)
            gap = False
    return "".join(other), "".join(cjk)


def _ngrams(stream: str, n: int) -> list[str]:
    """Character n-grams of ``stream`` (the stream itself when shorter than ``n``)."""
    if not stream:
        return []
    if len(stream) < n:
        return [stream]
    return [stream[i : i + n] for i in range(len(stream) - n + 1)]


def _validate_sizes(word_n: int, char_n: int, alpha_n: int) -> None:
    if word_n < 0 or char_n < 1 or alpha_n < 1:
        raise ValueError("need word_n >= 0, char_n >= 1 and alpha_n >= 1")


def _word_ngrams(stream: str, n: int) -> list[str]:
    """Word n-grams of ``stream`` (its words joined as one shingle when fewer than ``n``)."""
    words = stream.split(" ") if stream else []
    if not words:
        return []
    if len(words) < n:
        return [" ".join(words)]
    return [" ".join(words[i : i + n]) for i in range(len(words) - n + 1)]


def shingles(
    text: str | None,
    word_n: int = WORD_N,
    char_n: int = CHAR_N,
    *,
    alpha_n: int = ALPHA_N,
    unigrams: bool = UNIGRAMS,
    body: bool = False,
    normalized: bool = False,
) -> list[str]:
    """Shingles of one text: character n-grams in every script (pure Python reference).

    Parameters
    ----------
    text : str or None
        Raw text (normalised here with :func:`normalize_text`), or already
        normalised text when ``normalized=True``.
    word_n : int, default 0
        ``0``: the word stream gives character ``alpha_n``-grams (default);
        ``k >= 1``: word ``k``-grams instead.
    char_n : int, default 2
        Characters per shingle for CJK runs.
    alpha_n : int, default 4
        Characters per shingle of the word stream (spaces included).
    unigrams : bool, default True
        Each dense CJK character (Han ideograph, Hangul syllable) is also a
        shingle of its own.
    body : bool, default False
        Normalise with ``body=True`` (drop the trailing hashtags; ignored
        with ``normalized``).
    normalized : bool, default False
        Skip normalisation (``text`` is already the output of
        :func:`normalize_text`).

    Returns
    -------
    list of str
        Distinct shingles in order of first appearance: word-stream shingles
        first, then CJK n-grams, then dense-character unigrams.
    """
    _validate_sizes(word_n, char_n, alpha_n)
    t = text if normalized else normalize_text(text, body=body)
    if not isinstance(t, str) or not t:
        return []
    other, cjk = _streams(t)
    out = _word_ngrams(other, word_n) if word_n else _ngrams(other, alpha_n)
    singles = [ch for ch in cjk if is_dense(ch)] if unigrams else []
    return list(dict.fromkeys(out + _ngrams(cjk, char_n) + singles))


def weighted_length(text: str | None, *, normalized: bool = False) -> int:
    """Twitter-weighted length of the normalised text: CJK code points count 2, all others 1."""
    t = text if normalized else normalize_text(text)
    if not isinstance(t, str):
        return 0
    return len(t) + sum(1 for ch in t if is_cjk(ch))


_FNV_OFFSET = 0xCBF29CE484222325
_FNV_PRIME = 0x100000001B3
_MASK64 = (1 << 64) - 1


def _fmix64_int(h: int) -> int:
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & _MASK64
    h ^= h >> 33
    h = (h * 0xC4CEB9FE1A85EC53) & _MASK64
    return h ^ (h >> 33)


def _fnv1a64(unit: str) -> int:
    h = _FNV_OFFSET
    for byte in unit.encode("utf-8"):
        h = ((h ^ byte) * _FNV_PRIME) & _MASK64
    return h


def hash_shingle(shingle: str, by_words: bool = False) -> int:
    """The production 64-bit shingle hash, in pure Python (reference definition).

    A shingle is a sequence of *units*: its characters (spaces included), or
    with ``by_words`` (shingles of ``word_n >= 1``) the words of a
    word-stream shingle (split on spaces; a CJK shingle is still split into
    characters). Each unit is hashed with
    FNV-1a 64 over its UTF-8 bytes; the unit hashes ``u_1..u_k`` are combined
    as ``h = 0x9E3779B97F4A7C15``, ``h = h * 0x100000001B3 + u_i`` (mod
    2**64), and finished with the MurmurHash3 64-bit finaliser. Hashing units
    once and combining them lets the kernel hash every word once instead of
    once per n-gram containing it.
    """
    units = shingle.split(" ") if by_words and not (shingle and is_cjk(shingle[0])) else list(shingle)
    h = 0x9E3779B97F4A7C15
    for unit in units:
        h = (h * _FNV_PRIME + _fnv1a64(unit)) & _MASK64
    return _fmix64_int(h)


def shingle_hashes(
    texts: Iterable[str | None],
    word_n: int = WORD_N,
    char_n: int = CHAR_N,
    *,
    alpha_n: int = ALPHA_N,
    unigrams: bool = UNIGRAMS,
    body: bool = False,
    hashfunc: str = "fnv1a64",
    normalized: bool = False,
    unique: bool = True,
    with_length: bool = False,
) -> tuple[np.ndarray, ...]:
    """Hash the shingles of many texts into one flat array.

    Parameters
    ----------
    texts : iterable of str or None
        Raw texts (or normalised ones with ``normalized=True``).
    word_n, char_n, alpha_n : int
        Shingle sizes, see :func:`shingles`.
    unigrams : bool, default True
        Dense CJK characters are also shingles of their own (:func:`shingles`).
    body : bool, default False
        Normalise the message body (:func:`normalize_texts`; ignored with ``normalized``).
    hashfunc : {"fnv1a64", "sha1_32"}
        ``"fnv1a64"`` (production): :func:`hash_shingle`, computed by a
        parallel Numba kernel. ``"sha1_32"``: datasketch's default
        ``sha1_hash32`` of each shingle's UTF-8 bytes (slow; for equivalence
        tests against datasketch).
    normalized : bool, default False
        The texts are already normalised.
    unique : bool, default True
        Return sets (sorted, no repeats). ``False`` keeps each text's hashes
        in shingle order with repeats: enough for MinHash signatures, not for
        exact Jaccard (``fnv1a64`` only).
    with_length : bool, default False
        Also return each text's :func:`weighted_length`.

    Returns
    -------
    hashes : ndarray of uint64
        Hashes of text ``i`` are ``hashes[offsets[i]:offsets[i + 1]]``,
        sorted ascending and without repetition (a shingle *set*).
    offsets : ndarray of int64
        Length ``n_texts + 1``.
    lengths : ndarray of int64
        Only with ``with_length``: weighted length of each normalised text.
    """
    _validate_sizes(word_n, char_n, alpha_n)
    if hashfunc not in ("fnv1a64", "sha1_32"):
        raise ValueError(f"unknown hashfunc {hashfunc!r}")
    texts = list(texts)
    sizes = (word_n, char_n, alpha_n, unigrams)
    if hashfunc == "fnv1a64" and not normalized:
        parts = [_hash_codepoints(*_normalized_codepoints(texts[lo : lo + _BATCH], body), *sizes, unique)
                 for lo in range(0, len(texts), _BATCH)]
        out = _concat(parts)
    elif hashfunc == "sha1_32":
        from datasketch.hashfunc import sha1_hash32

        norm = texts if normalized else normalize_texts(texts, body=body)
        sets = [
            np.unique(
                np.array(
                    [sha1_hash32(s.encode("utf-8"))
                     for s in shingles(t, word_n, char_n, alpha_n=alpha_n, unigrams=unigrams, normalized=True)],
                    dtype=np.uint64,
                )
            )
            for t in norm
        ]
        weights = np.array([weighted_length(t, normalized=True) for t in norm], dtype=np.int64)
        out = (*_flatten(sets), weights)
    else:
        out = _concat([_hash_batch(texts[lo : lo + _BATCH], *sizes, unique) for lo in range(0, len(texts), _BATCH)])
    return out if with_length else out[:2]


def _concat(parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Join per-batch ``(hashes, offsets, lengths)`` triples."""
    if not parts:
        return np.zeros(0, dtype=np.uint64), np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int64)
    if len(parts) == 1:
        return parts[0]
    sizes = np.array([p[0].size for p in parts], dtype=np.int64)
    shift = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    offsets = np.concatenate([[0]] + [p[1][1:] + sh for p, sh in zip(parts, shift, strict=True)])
    return np.concatenate([p[0] for p in parts]), offsets.astype(np.int64), np.concatenate([p[2] for p in parts])


def _flatten(sets: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    offsets = np.zeros(len(sets) + 1, dtype=np.int64)
    np.cumsum([len(s) for s in sets], out=offsets[1:])
    flat = np.concatenate(sets) if sets else np.zeros(0, dtype=np.uint64)
    return flat.astype(np.uint64, copy=False), offsets


def _hash_batch(
    batch: list, word_n: int, char_n: int, alpha_n: int, unigrams: bool, unique: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hash one batch of normalised texts with the Numba kernel."""
    try:
        joined = "\n".join(batch) + "\n"
    except TypeError:  # None / NA among the texts
        batch = [t if isinstance(t, str) else "" for t in batch]
        joined = "\n".join(batch) + "\n"
    codepoints = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    ends = np.flatnonzero(codepoints == 10)
    if ends.size == len(batch):  # normalised texts hold no newline: boundaries for free
        starts = np.empty(len(batch), dtype=np.int64)
        starts[:1] = 0
        starts[1:] = ends[:-1] + 1
        lengths = ends - starts
    else:
        lengths = np.fromiter((len(t) for t in batch), dtype=np.int64, count=len(batch))
        starts = np.zeros(len(batch), dtype=np.int64)
        np.cumsum(lengths[:-1] + 1, out=starts[1:])
    return shingle_hash_kernel(
        codepoints, starts, lengths, _CJK_BMP, _CJK_LO, _CJK_HI, _CJK_KIND, word_n, char_n, alpha_n, unigrams, unique
    )


def _hash_codepoints(
    codepoints: np.ndarray, offsets: np.ndarray, word_n: int, char_n: int, alpha_n: int, unigrams: bool,
    unique: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hash already normalised texts given as code points and offsets."""
    starts = np.ascontiguousarray(offsets[:-1])
    lengths = np.diff(offsets)
    return shingle_hash_kernel(
        codepoints, starts, lengths, _CJK_BMP, _CJK_LO, _CJK_HI, _CJK_KIND, word_n, char_n, alpha_n, unigrams, unique
    )

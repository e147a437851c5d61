"""Tests for detector.text: normalisation, shingling and the shingle-hash kernel."""

from __future__ import annotations

import re
import sys
import unicodedata

import naive
import numpy as np
import pytest
from datasketch.hashfunc import sha1_hash32
from hypothesis import given, settings
from hypothesis import strategies as st

from detector.text import (
    CJK_RANGES,
    hash_shingle,
    is_cjk,
    is_dense,
    normalize_text,
    normalize_texts,
    shingle_hashes,
    shingles,
    strip_trailing_tags,
    weighted_length,
)

# -- normalisation ----------------------------------------------------------


def reference_normalize(text):
    """Plain Python/regex reference of the documented normalisation steps."""
    if not isinstance(text, str) or not text:
        return ""
    t = unicodedata.normalize("NFKC", text).casefold()
    t = re.sub(r"^\s*(?:rt\s*@\w+\s*:?\s*)+", "", t, count=1)
    t = re.sub(
        r"(?:\b[a-z][a-z0-9+.-]*://\S*)|(?:\bwww\.\S+)|(?:\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}/\S*)",
        " ",
        t,
        flags=re.ASCII,
    )
    t = re.sub(r"(?<!\w)@\w+", " ", t)
    chars = []
    for ch in t:
        cp = ord(ch)
        cat = unicodedata.category(ch)
        if cat == "Cf" or 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF or ch in "'\u2019\u02bc\u2018`\u00b4":
            continue
        chars.append(" " if cat[0] in "PSZC" else ch)
    out = unicodedata.normalize("NFKC", " ".join("".join(chars).split(" ")).strip())
    out = " ".join(w for w in out.split(" ") if w)
    return out if out == unicodedata.normalize("NFKC", out) else reference_normalize(out)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("RT @bob: Peace and LOVE!!", "peace and love"),
        ("RT @a: RT @b_2: hello world", "hello world"),
        ("rt@x hello", "hello"),
        ("see https://t.co/AbC?x=1 and www.example.org/p now", "see and now"),
        ("read gov.cn/news/1.html today", "read today"),
        ("thanks @Embassy_FR for #Peace", "thanks for peace"),
        ("ＦＵＬＬ ｗｉｄｔｈ", "full width"),
        ("Straße", "strasse"),
        ("don\u2019t stop", "dont stop"),
        ("a\u200bb\u200dc\ufe0f d", "abc d"),  # zero-width chars and variation selectors vanish
        ("peace 🇨🇳👍🏽 love", "peace love"),
        ("  many   \n\t spaces  ", "many spaces"),
        ("中国，加油！", "中国 加油"),
        ("ｶﾀｶﾅ", "カタカナ"),
        ("email a@b.com", "email a b com"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalize_examples(raw, expected):
    assert normalize_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "body"),
    [
        ("Peace for all #peace #China https://t.co/x", "peace for all"),
        ("Peace for all! #peace 🇨🇳 #和平", "peace for all"),
        ("和平发展。#和平", "和平发展"),
        ("和平发展。#和平 #外交", "和平发展"),
        ("the #NATO summit starts today", "the nato summit starts today"),  # a tag inside the sentence stays
        ("talks in NATO#peace", "talks in nato peace"),  # glued to a word: not a separate tag
        ("#peace #love", "peace love"),  # nothing but tags: the tags are the text
        ("no tags here", "no tags here"),
    ],
)
def test_body_drops_trailing_hashtags(raw, body):
    assert normalize_text(raw, body=True) == body
    assert normalize_texts([raw], body=True) == [body]


def test_body_is_off_by_default_and_only_touches_the_tail():
    assert normalize_text("thanks for #Peace") == "thanks for peace"
    assert normalize_text("thanks for #Peace", body=True) == "thanks for"
    assert strip_trailing_tags("a #b c #d #e") == "a #b c"
    assert strip_trailing_tags("a b") == "a b" and strip_trailing_tags("#a #b") == "#a #b"


def test_normalize_keeps_marks_and_digits():
    # Devanagari vowel signs are combining marks; they must survive.
    assert normalize_text("नमस्ते 2024!") == "नमस्ते 2024"


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=40), max_size=6))
def test_normalize_matches_reference(texts):
    assert normalize_texts(texts) == [reference_normalize(t) for t in texts]


def test_normalize_lone_surrogate_and_astral():
    assert normalize_text("a\ud800b 𝐀𝐁 𠀀!") == "a b ab 𠀀"


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60))
def test_normalize_idempotent_and_clean(text):
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert once == once.strip()
    assert "  " not in once
    for ch in once:
        assert ch == " " or unicodedata.category(ch)[0] in "LMN", (ch, unicodedata.category(ch))


# -- shingles -----------------------------------------------------------------


def test_word_trigrams_mode():
    assert shingles("The quick brown fox jumps", word_n=3) == [
        "the quick brown",
        "quick brown fox",
        "brown fox jumps",
    ]


def test_character_4grams_cross_word_boundaries():
    assert shingles("The cat sat") == ["the ", "he c", "e ca", " cat", "cat ", "at s", "t sa", " sat"]
    assert shingles("The cat sat", alpha_n=6) == ["the ca", "he cat", "e cat ", " cat s", "cat sa", "at sat"]


def test_in_word_edits_change_few_shingles():
    base = set(shingles("the ministry strongly opposes any interference in internal affairs"))
    for edited in (
        "the minisstry strongly opposes any interference in internal affairs",  # doubled letter
        "the mini.stry strongly opposes any interference in internal affairs",  # punctuation mid-word
        "the minixtry strongly opposes any interference in internal affairs",  # typo
        "the mini😀stry strongly opposes any interference in internal affairs",  # emoji mid-word
    ):
        other = set(shingles(edited))
        assert len(base ^ other) <= 8, edited
    # word trigrams lose three of ten shingles to the same edit
    words = set(shingles("the ministry strongly opposes any interference in internal affairs", word_n=3))
    assert len(words - set(shingles("the minisstry strongly opposes any interference in internal affairs", word_n=3))) == 2


def test_short_text_is_one_shingle():
    assert shingles("hi you") == ["hi y", "i yo", " you"]
    assert shingles("hey") == ["hey"]
    assert shingles("hello world", word_n=3) == ["hello world"]
    assert shingles("中") == ["中"]
    assert shingles("!!!") == []


def test_cjk_bigrams_ignore_spaces_and_punctuation():
    assert shingles("中国外交部。日本", unigrams=False) == ["中国", "国外", "外交", "交部", "部日", "日本"]
    assert shingles("中国 外交，部") == shingles("中国外交部")
    # Hangul: spacing is not a boundary (Korean spacing varies from writer to writer)
    assert shingles("대한민국 정부", unigrams=False) == ["대한", "한민", "민국", "국정", "정부"]
    assert shingles("대한민국정부") == shingles("대한민국 정부")
    # Japanese: kanji and kana form one stream
    assert shingles("平和です", unigrams=False) == ["平和", "和で", "です"]


def test_dense_characters_are_also_unigrams():
    # Han ideographs and Hangul syllables: bigrams, then each character once; kana: bigrams only
    assert shingles("平和です") == ["平和", "和で", "です", "平", "和"]
    assert shingles("中国中国") == ["中国", "国中", "中", "国"]
    assert shingles("대한 민국") == ["대한", "한민", "민국", "대", "한", "민", "국"]
    assert shingles("ありがとう") == ["あり", "りが", "がと", "とう"]
    # substituting the last of 10 characters costs 2 of 19 shingles ("表示", "示") instead of 1 of 9
    a, b = set(shingles("中国外交部发言人表示")), set(shingles("中国外交部发言人表达"))
    assert len(a - b) == 2 and len(a) == 9 + 10
    assert len(set(shingles("中国外交部发言人表示", unigrams=False)) - set(shingles("中国外交部发言人表达", unigrams=False))) == 1


def test_mixed_script_streams():
    out = shingles("the 中国 embassy 和平")
    assert out == ["the ", "he e", "e em", " emb", "emba", "mbas", "bass", "assy", "中国", "国和", "和平", "中", "国", "和", "平"]
    # a CJK run between Latin letters is a word boundary of the other stream
    assert shingles("abc中国def", unigrams=False) == ["abc ", "bc d", "c de", " def", "中国"]
    assert shingles("abc中国def", word_n=1, unigrams=False) == ["abc", "def", "中国"]


def test_shingles_unique_first_appearance():
    assert shingles("a b a b a b", word_n=2) == ["a b", "b a"]
    assert shingles("abab ab") == ["abab", "bab ", "ab a", "b ab"]


def test_shingle_sizes_validated():
    with pytest.raises(ValueError):
        shingles("x", word_n=-1)
    with pytest.raises(ValueError):
        shingles("x", char_n=0)
    with pytest.raises(ValueError):
        shingles("x", alpha_n=0)
    with pytest.raises(ValueError):
        shingle_hashes(["x"], alpha_n=0)


def test_weighted_length():
    assert weighted_length("Hello, world!") == len("hello world")
    assert weighted_length("中国 ok") == 2 * 2 + 3
    assert weighted_length("") == 0 and weighted_length(None) == 0
    _, _, lengths = shingle_hashes(["Hello, world!", "中国 ok", "", None, "대한민국"], with_length=True)
    assert lengths.tolist() == [11, 7, 0, 0, 8]


def test_is_cjk_table():
    assert is_cjk("中") and is_cjk("あ") and is_cjk("カ") and is_cjk("한") and is_cjk("𠀀")
    assert not is_cjk("a") and not is_cjk("я") and not is_cjk("ー" if False else "1")
    assert all(lo <= hi for lo, hi in CJK_RANGES)
    assert is_dense("中") and is_dense("한") and is_dense("𠀀") and is_dense("豈")
    assert not is_dense("あ") and not is_dense("カ") and not is_dense("ㄅ") and not is_dense("ᄀ") and not is_dense("a")
    assert all(is_cjk(chr(c)) for c in (0x4E00, 0x9FFF, 0xAC00, 0x20000) if is_dense(chr(c)))


# -- hashing ---------------------------------------------------------------------


def test_hash_shingle_known_values():
    # FNV-1a 64 of "" is the offset basis; check the finaliser is applied.
    assert hash_shingle("") != 0xCBF29CE484222325
    assert hash_shingle("a") == hash_shingle("a")
    assert hash_shingle("ab") != hash_shingle("ba")
    assert 0 <= hash_shingle("中国") < 2**64


TEXTS = [
    "RT @x: The embassy congratulates the people on the national day!",
    "中国政府坚决反对任何形式的干涉，维护国家主权和领土完整。",
    "日本政府は地域の平和と安定を強調しました",
    "대한민국 정부는 한반도의 평화와 안정을 위해 노력하고 있습니다.",
    "mixed 中国 text with 한국어 and русский текст 𠀀𠀁",
    "",
    "hi",
]


def test_kernel_matches_reference():
    flat, offsets = shingle_hashes(TEXTS)
    ref_flat, ref_offsets = naive.shingle_hashes(TEXTS)
    assert np.array_equal(offsets, ref_offsets)
    assert np.array_equal(flat, ref_flat)
    assert flat.dtype == np.uint64 and offsets.dtype == np.int64


def test_sha1_option_matches_datasketch_hash():
    flat, offsets = shingle_hashes(TEXTS, hashfunc="sha1_32")
    ref_flat, ref_offsets = naive.shingle_hashes(TEXTS, fn=lambda s: sha1_hash32(s.encode("utf-8")))
    assert np.array_equal(offsets, ref_offsets)
    assert np.array_equal(flat, ref_flat)
    with pytest.raises(ValueError):
        shingle_hashes(TEXTS, hashfunc="md5")


def test_hashes_deterministic_and_order_free():
    a, oa = shingle_hashes(TEXTS)
    b, ob = shingle_hashes(list(reversed(TEXTS)))
    n = len(TEXTS)
    for i in range(n):
        j = n - 1 - i
        assert np.array_equal(a[oa[i] : oa[i + 1]], b[ob[j] : ob[j + 1]])


def test_batches_and_raw_newlines(monkeypatch):
    import detector.text as text_module

    texts = TEXTS * 3 + [None]
    whole = shingle_hashes(texts)
    monkeypatch.setattr(text_module, "_BATCH", 4)
    batched = shingle_hashes(texts)
    assert np.array_equal(whole[0], batched[0]) and np.array_equal(whole[1], batched[1])
    # "normalized" input that still holds newlines falls back to explicit lengths
    raw = ["a b\nc d e", "x y z"]
    flat, offsets = shingle_hashes(raw, normalized=True)
    assert len(offsets) == 3 and offsets[-1] == len(flat)
    assert np.array_equal(flat[offsets[1] :], naive.shingle_hashes(["x y z"])[0])


def test_unsorted_mode_has_the_same_sets():
    flat, offsets = shingle_hashes(TEXTS)
    raw, raw_off = shingle_hashes(TEXTS, unique=False)
    for d in range(len(TEXTS)):
        got = raw[raw_off[d] : raw_off[d + 1]]
        assert np.array_equal(np.unique(got), flat[offsets[d] : offsets[d + 1]])
        ref = [hash_shingle(s) for s in shingles(TEXTS[d])]
        assert set(got.tolist()) == set(ref)


def test_empty_input():
    flat, offsets = shingle_hashes([])
    assert flat.size == 0 and list(offsets) == [0]


_fragments = st.sampled_from(
    list("abc xyz 中国外交部平和です한국어 русский., !") + ["\u200d", "#", "@u ", "😀", "http://a.b/c ", " #和平", "。#x", "𠀀"]
)
_texts = st.lists(_fragments, max_size=40).map("".join)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(_texts, max_size=8),
    st.integers(0, 4),
    st.integers(1, 3),
    st.integers(1, 6),
    st.booleans(),
    st.booleans(),
)
def test_kernel_agrees_with_python_reference(texts, word_n, char_n, alpha_n, unigrams, body):
    flat, offsets, lengths = shingle_hashes(
        texts, word_n, char_n, alpha_n=alpha_n, unigrams=unigrams, body=body, with_length=True
    )
    ref_flat, ref_offsets = naive.shingle_hashes(texts, word_n, char_n, alpha_n=alpha_n, unigrams=unigrams, body=body)
    assert np.array_equal(offsets, ref_offsets)
    assert np.array_equal(flat, ref_flat)
    assert lengths.tolist() == [weighted_length(normalize_text(t, body=body), normalized=True) for t in texts]
    # unsorted mode (MinHash input): the same sets, with every repeat (the buffer bound holds)
    raw, raw_off = shingle_hashes(texts, word_n, char_n, alpha_n=alpha_n, unigrams=unigrams, body=body, unique=False)
    for d in range(len(texts)):
        assert np.array_equal(np.unique(raw[raw_off[d] : raw_off[d + 1]]), flat[offsets[d] : offsets[d + 1]])


@pytest.mark.parametrize("texts", [["a中b"], ["ab中cd国ef", "x"], ["x中y"] * 3])
def test_kernel_room_for_more_shingles_than_code_points(texts):
    """A CJK code point between letters is a unit of both streams: a text can have more
    shingles than code points (found by the property test above, which wrote past its buffer)."""
    flat, offsets = shingle_hashes(texts, word_n=0, char_n=1, alpha_n=1)
    ref_flat, ref_offsets = naive.shingle_hashes(texts, 0, 1, alpha_n=1)
    assert offsets[1] > len(texts[0])
    assert np.array_equal(offsets, ref_offsets)
    assert np.array_equal(flat, ref_flat)
    # with repeats kept, a dense code point is three units (other-stream space, CJK n-gram, unigram)
    raw, raw_off = shingle_hashes(texts, word_n=0, char_n=1, alpha_n=1, unique=False)
    n_cjk = sum(1 for ch in texts[0] if is_cjk(ch))
    assert raw_off[1] == len(texts[0]) + 2 * n_cjk  # the documented buffer bound, reached
    assert np.array_equal(np.unique(raw[: raw_off[1]]), flat[: offsets[1]])


# -- normalize_codepoints kernel ----------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.integers(0, 12), max_size=12), max_size=6))
def test_normalize_codepoints_matches_reference(docs):
    from detector.kernels.minhash import normalize_codepoints

    table = np.array([0, 0, 0, 1, 1, 2, 2, 2, 3, 0, 2, 1, 3], dtype=np.uint8)  # toy class table
    flat = np.array([c for d in docs for c in d], dtype=np.uint32)
    lengths = np.array([len(d) for d in docs], dtype=np.int64)
    starts = np.zeros(len(docs), dtype=np.int64)
    if len(docs):
        starts[1:] = np.cumsum(lengths)[:-1]
    out, offsets, marked = normalize_codepoints(flat, starts, lengths, table)
    ref, ref_marked = naive.normalize_codepoints(flat, starts, lengths, table)
    assert [out[offsets[k] : offsets[k + 1]].tolist() for k in range(len(docs))] == ref
    assert marked.tolist() == ref_marked


def test_char_class_table():
    from detector.text import DELETE, KEEP, MARK, SPACE, char_class_table

    table = char_class_table()
    assert table.size == sys.maxunicode + 1
    assert table[ord("a")] == KEEP and table[ord("中")] == KEEP and table[ord("5")] == KEEP
    assert table[ord("\u0301")] == MARK
    assert table[ord("\u200d")] == DELETE and table[ord("'")] == DELETE and table[0xFE0F] == DELETE
    assert table[ord("!")] == SPACE and table[ord("😀")] == SPACE and table[ord("\n")] == SPACE

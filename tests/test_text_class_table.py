"""``char_class_table`` (built with C-level maps) against a per-code-point reference loop."""

from __future__ import annotations

import sys
import unicodedata

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from detector import text
from detector.text import APOSTROPHES, DELETE, KEEP, MARK, SPACE, char_class_table


def _reference_table() -> np.ndarray:
    table = np.zeros(sys.maxunicode + 1, dtype=np.uint8)
    for cp in range(sys.maxunicode + 1):
        cat = unicodedata.category(chr(cp))
        if cat == "Cf" or 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF:
            table[cp] = DELETE
        elif cat[0] in "PSZ" or cat[0] == "C":
            table[cp] = SPACE
        elif cat[0] == "M":
            table[cp] = MARK
    for ch in APOSTROPHES:
        table[ord(ch)] = DELETE
    return table


def test_table_equals_reference_loop() -> None:
    table = char_class_table()
    assert table.dtype == np.uint8 and table.shape == (sys.maxunicode + 1,)
    np.testing.assert_array_equal(table, _reference_table())
    assert table[ord("a")] == KEEP and table[ord(",")] == SPACE and table[0x301] == MARK
    assert not table.flags.writeable


def _reference_class(cp: int) -> int:
    """The class of one code point, by the rule of :func:`_reference_table`."""
    cat = unicodedata.category(chr(cp))
    if cat == "Cf" or 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF or chr(cp) in APOSTROPHES:
        return DELETE
    if cat[0] in "PSZC":
        return SPACE
    return MARK if cat[0] == "M" else KEEP


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, sys.maxunicode), max_size=40))
def test_table_filled_on_first_use_matches_reference(cps: list[int]) -> None:
    """The table filled block by block, from a fresh state, gives every requested code point its class."""
    text._class_table_state.cache_clear()
    try:
        table = text.class_table_for(np.array(cps, dtype=np.uint32))
        assert not table.flags.writeable
        assert [int(table[c]) for c in cps] == [_reference_class(c) for c in cps]
    finally:
        text._class_table_state.cache_clear()


def test_normalisation_does_not_depend_on_what_was_filled_before() -> None:
    docs = ["Café ｆｕｌｌ don't 😀 #Tag", "日本語のテキスト、です。", "e\u0301\u200d x\ufe0f"]
    text._class_table_state.cache_clear()
    lazy = text.normalize_texts(docs)
    text.char_class_table()  # every block filled
    assert text.normalize_texts(docs) == lazy
    text._class_table_state.cache_clear()
    assert text.normalize_texts(list(reversed(docs))) == list(reversed(lazy))

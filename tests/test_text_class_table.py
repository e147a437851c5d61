"""``char_class_table`` (built with C-level maps) against a per-code-point reference loop."""

from __future__ import annotations

import sys
import unicodedata

import numpy as np

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

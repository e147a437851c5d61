"""detector.schema.encode_many against encode (the one place ids become integer codes)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["a", "b", "c10", "c2", "é", "Z", "0"]), max_size=12), max_size=5))
def test_encode_many_matches_encode_of_the_concatenation(pieces):
    from detector.schema import encode, encode_many

    arrays = [np.array(p, dtype=object) for p in pieces]
    codes, uniques = encode_many(arrays)
    whole = np.concatenate(arrays) if arrays else np.array([], dtype=object)
    ref_codes, ref_uniques = encode(whole)
    assert list(uniques) == list(ref_uniques)
    got = np.concatenate(codes) if codes else np.array([], dtype=np.int32)
    assert got.dtype == np.int32 and got.tolist() == ref_codes.tolist()

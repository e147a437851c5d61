"""Combine evidence edge layers into one coordination network.

Every evidence module returns an *edge layer*: a DataFrame with ``account_a <
account_b`` (account id strings), ``weight`` (larger = stronger) and its own
evidence columns. Layers are on different scales (a count of shared posts, a
correlation, a number of near-duplicate texts), so each layer's weights are
first put on a common [0, 1] scale *relative to the layer itself*:

``w01 = w / (w + median(w))``

(0.5 for the layer's median edge, approaching 1 for edges far above it), then
multiplied by the layer's prior (:data:`LAYER_PRIOR`: a hashtag co-use is weaker
evidence than a shared repost) and summed over layers. The result has one row
per account pair with the combined ``weight``, the per-layer weights
``w_<layer>`` and ``layers`` (the layers that support the pair, ``|``-joined).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from detector.schema import encode_many, id_column

__all__ = [
    "COACTION_LAYERS",
    "LAYER_DESCRIPTIONS",
    "LAYER_PRIOR",
    "REPEATED_LAYERS",
    "SYNC_OBJECT_LAYERS",
    "combine_layers",
    "empty_edges",
    "repeated_edges",
    "repeated_mask",
    "repeated_pairs",
]

REPEATED_LAYERS: tuple[str, ...] = ("text", "neardup", "timing")
"""Layers whose every pair is repeated evidence (shared text, correlated timing): with two or
more objects in sync (``n_sync_objects >= 2``), the pairs that shape clusters."""

LAYER_PRIOR: dict[str, float] = {
    "repost": 1.0,
    "quote": 1.0,
    "reply": 1.0,
    "url": 0.8,
    "domain": 0.3,
    "hashtag": 0.4,
    "text": 1.0,
    "neardup": 1.0,
    "timing": 0.7,
    "url_recurring": 0.5,
    "domain_recurring": 0.3,
}
"""Relative strength of one normalised unit of evidence per layer (unknown layers: 0.5)."""

COACTION_LAYERS: tuple[str, ...] = ("repost", "quote", "reply", "url", "domain", "hashtag", "text")
"""Co-action layers: acting on the same object at nearly the same time."""

SYNC_OBJECT_LAYERS: tuple[str, ...] = ("repost", "quote", "reply", "url", "domain", "hashtag")
"""Co-action layers whose distinct shared objects count as repeated synchrony (``n_sync_objects``)."""

LAYER_DESCRIPTIONS: dict[str, str] = {
    "repost": "reposted the same post within the co-action window",
    "quote": "quoted the same post within the co-action window",
    "reply": "replied to the same post within the co-action window",
    "url": "shared the same normalised URL within the co-action window",
    "domain": "shared links to the same domain within the co-action window",
    "hashtag": "used the same hashtag within the co-action window",
    "text": "posted identical normalised text within the co-action window",
    "neardup": "posted near-duplicate text (MinHash Jaccard above threshold) within the window",
    "timing": "activity time series correlated over many bins (lag-tolerant)",
    "url_recurring": "shared two or more of the same uncommon URLs at any time in the scan (slow, repeated)",
    "domain_recurring": "linked the same co-linked uncommon domains (one audience, found by a group test over the "
    "scan's domain pairs) at any time in the scan (slow, repeated)",
}


def empty_edges(layers: list[str] | tuple[str, ...] = ()) -> pd.DataFrame:
    """A combined-edge table with zero rows."""
    cols: dict[str, pd.Series] = {
        "account_a": pd.Series([], dtype=object),
        "account_b": pd.Series([], dtype=object),
        "weight": pd.Series([], dtype=float),
        "layers": pd.Series([], dtype=object),
        "n_layers": pd.Series([], dtype=np.int64),
        "n_sync_objects": pd.Series([], dtype=float),
    }
    for layer in layers:
        cols[f"w_{layer}"] = pd.Series([], dtype=float)
    return pd.DataFrame(cols)


def _normalise(weight: np.ndarray) -> np.ndarray:
    """Map positive weights to [0, 1): ``w / (w + median(w))``."""
    w = np.asarray(weight, dtype=float)
    w = np.where(np.isfinite(w) & (w > 0), w, 0.0)
    positive = w[w > 0]
    if positive.size == 0:
        return w
    scale = float(np.median(positive))
    return w / (w + scale)


def _layer_names(layers: Mapping[str, pd.DataFrame]) -> list[str]:
    """Sorted names of the non-empty layers."""
    return sorted(name for name, frame in layers.items() if frame is not None and len(frame))


def _layer_ends(
    layers: Mapping[str, pd.DataFrame], names: list[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Concatenated kept rows of the named layers.

    Returns ``(a, b, layer_no, normalised weight, n_objects, uniques)``: both ends as
    int32 codes of the sorted distinct account ids ``uniques``
    (:func:`detector.schema.encode_many`, one vocabulary for every layer), the index of
    the layer in ``names``, and the number of shared objects (0 outside
    :data:`SYNC_OBJECT_LAYERS`). Rows with a non-positive weight or ``a == b`` are
    dropped.
    """
    ends, kept_weights, n_objs = [], [], []
    for name in names:
        frame = layers[name]
        ends.append(id_column(frame["account_a"]))  # categorical or Arrow-backed: no Python str per row
        ends.append(id_column(frame["account_b"]))
        kept_weights.append(_normalise(frame["weight"].to_numpy()))
        n_obj = frame["n_objects"].to_numpy(dtype=float) if "n_objects" in frame.columns else np.ones(len(frame))
        n_objs.append(n_obj if name in SYNC_OBJECT_LAYERS else np.zeros(len(frame)))
    codes, uniques = encode_many(ends)
    del ends
    ends_a, ends_b, layer_no = [], [], []
    for k in range(len(names)):
        ca, cb, w = codes[2 * k], codes[2 * k + 1], kept_weights[k]
        keep = (w > 0) & (ca != cb)
        ends_a.append(ca[keep])
        ends_b.append(cb[keep])
        layer_no.append(np.full(int(keep.sum()), k, dtype=np.int64))
        kept_weights[k] = w[keep]
        n_objs[k] = n_objs[k][keep]
    return (
        np.concatenate(ends_a),
        np.concatenate(ends_b),
        np.concatenate(layer_no),
        np.concatenate(kept_weights),
        np.concatenate(n_objs),
        uniques,
    )


def _pair_index(a: np.ndarray, b: np.ndarray, n_ids: int) -> tuple[np.ndarray, np.ndarray]:
    """Integer keys of unordered code pairs.

    ``a``, ``b`` are codes of ids numbered in sorted order; each pair is keyed
    ``lo * n_ids + hi`` (``lo < hi``). Returns ``(pair_keys, row)``: the sorted
    unique keys and the key index of each input row.
    """
    lo = np.minimum(a, b).astype(np.int64)
    hi = np.maximum(a, b).astype(np.int64)
    key = lo * np.int64(n_ids) + hi
    del lo, hi
    pair_keys, row = np.unique(key, return_inverse=True)
    return pair_keys, row


def repeated_pairs(
    layers: Mapping[str, pd.DataFrame],
    min_sync_objects: float = 2.0,
    also: tuple[str, ...] = REPEATED_LAYERS,
) -> pd.DataFrame:
    """Pairs with repeated evidence, without building the combined table.

    The pairs of :func:`combine_layers` whose ``n_sync_objects`` is at least
    ``min_sync_objects`` or that appear in one of the ``also`` layers (the rows
    kept by :func:`repeated_edges`), as a DataFrame
    ``account_a < account_b`` (sorted; categorical columns over the sorted
    distinct ids). Much lighter than the full combine: used to pick timing
    candidates.
    """
    names = _layer_names(layers)
    if not names:
        return pd.DataFrame({"account_a": pd.Series([], dtype=object), "account_b": pd.Series([], dtype=object)})
    a, b, layer_no, _, n_objs, uniques = _layer_ends(layers, names)
    pair_keys, row = _pair_index(a, b, len(uniques))
    del a, b
    n_pairs = len(pair_keys)
    keep = np.bincount(row, weights=n_objs, minlength=n_pairs) >= min_sync_objects
    strong_layers = np.array([name in also for name in names], dtype=bool)
    keep[row[strong_layers[layer_no]]] = True
    del row, layer_no, n_objs
    pair_keys = pair_keys[keep]
    n = np.int64(len(uniques))
    ids = pd.Index(uniques)  # categorical ends: codes into the sorted ids, no string per row
    return pd.DataFrame({"account_a": pd.Categorical.from_codes((pair_keys // n).astype(np.int32), categories=ids),
                         "account_b": pd.Categorical.from_codes((pair_keys % n).astype(np.int32), categories=ids)})


def combine_layers(
    layers: Mapping[str, pd.DataFrame], prior: Mapping[str, float] | None = None
) -> pd.DataFrame:
    """Merge edge layers into one weighted edge per account pair.

    Parameters
    ----------
    layers : mapping of layer name -> edge-layer DataFrame
        Each with ``account_a``, ``account_b``, ``weight``. Empty or ``None``
        layers are skipped.
    prior : mapping, optional
        Per-layer multipliers; defaults to :data:`LAYER_PRIOR`.

    Returns
    -------
    DataFrame
        ``account_a``, ``account_b``, ``weight`` (sum over layers of prior x
        normalised weight), ``layers`` (``|``-joined sorted names of the layers
        present on the pair), ``n_layers`` and one ``w_<layer>`` column per
        input layer (normalised weight in [0, 1), 0 when absent). Sorted by
        ``(account_a, account_b)``.
    """
    prior = dict(LAYER_PRIOR if prior is None else prior)
    names = _layer_names(layers)
    if not names:
        return empty_edges()
    a, b, layer_no, weights, n_objs, uniques = _layer_ends(layers, names)
    if a.size == 0:
        return empty_edges(names)
    pair_keys, row = _pair_index(a, b, len(uniques))
    del a, b
    n_pairs, n_layers = len(pair_keys), len(names)
    values = np.zeros((n_pairs, n_layers))
    np.maximum.at(values, (row, layer_no), weights)
    n_sync = np.bincount(row, weights=n_objs, minlength=n_pairs)
    del row, layer_no, weights, n_objs
    mult = np.array([prior.get(n, 0.5) for n in names], dtype=float)
    weight = values @ mult  # on the whole (pairs x layers) matrix: BLAS rounding depends on the row blocks
    bits, n_present = _presence(values)
    n_ids = np.int64(len(uniques))
    out = pd.DataFrame(
        {
            "account_a": uniques[pair_keys // n_ids],
            "account_b": uniques[pair_keys % n_ids],
            "weight": weight,
            "n_sync_objects": n_sync,
            "layers": _layer_patterns(names, bits),
            "n_layers": n_present,
        }
    )
    del weight, n_sync, bits, n_present, pair_keys
    # one block per w_<layer> column, as before: the consumers' edges[cols].to_numpy() is then
    # F-ordered, and BLAS rounds a product of it differently from one of a C-ordered copy
    for k, name in enumerate(names):
        out[f"w_{name}"] = values[:, k]
    # pair keys ascend in (code of a, code of b) and codes number the ids in sorted order:
    # the rows are already sorted by (account_a, account_b)
    return out


def _presence(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(bits, count)`` of the positive cells of each row of ``values`` (pairs x layers): bit ``j``
    set when layer ``j`` is present (int64), and the number of layers present (int64); one
    column at a time (no pairs x layers temporary)."""
    bits = np.zeros(len(values), dtype=np.int64)
    count = np.zeros(len(values), dtype=np.int64)
    for j in range(values.shape[1]):
        present = values[:, j] > 0
        bits[present] |= np.int64(1) << j
        count += present
    return bits, count


def _layer_patterns(names: list[str], bits: np.ndarray) -> pd.Categorical:
    """``|``-joined names of the layers present per row, from :func:`_presence`'s ``bits``: a
    categorical of the patterns that occur (a small code per pair instead of a string)."""
    patterns, codes = np.unique(bits, return_inverse=True)
    text = ["|".join(n for j, n in enumerate(names) if p >> j & 1) for p in patterns.tolist()]
    return pd.Categorical.from_codes(codes.reshape(-1), categories=pd.Index(text, dtype="str"))


def repeated_mask(edges: pd.DataFrame, also: tuple[str, ...] = ()) -> np.ndarray:
    """The rows of combined ``edges`` with repeated evidence, as a bool array (no copy of the table).

    In sync on two or more objects (``n_sync_objects >= 2``), or present in a
    :data:`REPEATED_LAYERS` layer or one of ``also``.
    """
    keep = edges["n_sync_objects"].to_numpy() >= 2
    for name in (*REPEATED_LAYERS, *also):
        if f"w_{name}" in edges.columns:
            keep |= edges[f"w_{name}"].to_numpy() > 0
    return keep


def repeated_edges(
    edges: pd.DataFrame, also: tuple[str, ...] = (), columns: list[str] | None = None
) -> pd.DataFrame:
    """Pairs with repeated evidence: in sync on two or more objects, shared text, or timing.

    ``also`` names further layers whose pairs count (``("url_recurring",)`` for
    the ties that shaped the slow-group clusters). :func:`repeated_pairs` keeps
    the same pairs from the layers, without the combined table.

    A single object shared within the window is what chance produces in any
    large crowd (two people retweeting the same viral post in the same ten
    seconds); such pairs count in each account's number of partners but do
    not shape communities or timing candidates (on a 1M-event scan they are
    most edges and would make Leiden several times slower for no evidence).
    ``columns``: only these columns (a lighter copy on a large scan).
    """
    if edges.empty:
        return edges if columns is None else edges[columns]
    keep = repeated_mask(edges, also)
    return edges[keep] if columns is None else edges.loc[keep, columns]

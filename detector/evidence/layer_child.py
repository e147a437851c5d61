"""An evidence layer built in a child process while the scan builds the layers before it.

The scan is mostly single-threaded Python (pandas), so the second core idles while one
layer runs. A layer that reads only base inputs (:data:`detector.evidence.layers.BASE_INPUTS`,
not the edge layers built before it) can start at once: :func:`start_layer` writes its
inputs (the event columns it declares in ``EvidenceLayer.detach``, the other inputs
whole) to a temporary directory and runs ``python -m detector.evidence.layer_child DIR``,
which builds the layer on them and writes back what ``build`` returned plus the
``info`` and ``notes`` it added. :meth:`DetachedLayer.result` waits for that; when
the child fails (or the layer is not registered there), the layer is built in this
process instead. Same result either way: the build is the same function on the same
values (pickled, so dtypes and index survive), applied to the context at the layer's
own turn (``tests/test_layer_child.py``).

Cost: pickling the inputs on this core (at 1M events, about a second for the six
event columns near-duplicates read) and, in the child, Python and the detector's
imports (about 2 s of the other core); the child holds its own copy of the inputs.
So only inputs of at least :data:`LAYER_CHILD_MIN_EVENTS` events are detached.
"""

from __future__ import annotations

import pickle
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from detector.childproc import child_succeeded, start_module

if TYPE_CHECKING:
    from detector.evidence.layers import EvidenceLayer, ScanContext

__all__ = ["LAYER_CHILD_MIN_EVENTS", "DetachedLayer", "detachable", "start_layer"]

LAYER_CHILD_MIN_EVENTS = 200_000
"""Scans with at least this many events build detachable layers in a child process (below it
the child's start, about 2 s of imports, costs more than the overlap saves)."""

_FRAME_INPUTS = ("events", "timed_events")
"""Inputs cut to the layer's declared event columns before they are sent."""


def detachable(layer: EvidenceLayer) -> bool:
    """Whether ``layer`` can be built ahead of the layers registered before it: it declares the
    event columns it reads (``detach``) and reads no earlier layer's edges or outputs."""
    from detector.evidence.layers import BASE_INPUTS

    return layer.detach is not None and all(n in BASE_INPUTS and n != "layers" for n in layer.inputs)


def _inputs(layer: EvidenceLayer, ctx: ScanContext) -> dict[str, Any]:
    data: dict[str, Any] = {}
    cut: dict[int, pd.DataFrame] = {}  # timed_events is often events itself: cut (and pickled) once
    for name in layer.inputs:
        if name in ("params", "windows"):
            continue
        value = ctx.data[name]
        if name in _FRAME_INPUTS and isinstance(value, pd.DataFrame):
            if id(value) not in cut:
                cut[id(value)] = value[[c for c in value.columns if c in (layer.detach or ())]]
            value = cut[id(value)]
        data[name] = value
    return data


class DetachedLayer:
    """A layer being built in a child process; :meth:`result` waits and returns what the
    build produced, with the ``info`` entries and ``notes`` it added to its context."""

    def __init__(self, layer: EvidenceLayer, ctx: ScanContext) -> None:
        self.layer = layer
        self.from_child = False  # set by result(): the child built it (not the fallback here)
        self._ctx = ctx
        self._dir = tempfile.TemporaryDirectory(prefix="detector-layer-")
        d = Path(self._dir.name)
        with open(d / "args.pkl", "wb") as fh:
            pickle.dump((layer.name, ctx.params, ctx.windows, _inputs(layer, ctx)), fh, protocol=5)
        self._proc = start_module("detector.evidence.layer_child", d)

    def result(self) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
        """``(produced, info, notes)`` of the child, or of a build here when the child failed."""
        try:
            out = Path(self._dir.name) / "result.pkl"
            if child_succeeded(self._proc, out):
                self.from_child = True
                with open(out, "rb") as fh:
                    return pickle.load(fh)
            return _build(self.layer, self._ctx.params, self._ctx.windows, _inputs(self.layer, self._ctx))
        finally:
            self._dir.cleanup()
            self._ctx = None  # type: ignore[assignment]


def start_layer(layer: EvidenceLayer, ctx: ScanContext) -> DetachedLayer:
    """Start building ``layer`` (:func:`detachable`) on ``ctx`` in a child process."""
    return DetachedLayer(layer, ctx)


def _build(layer: EvidenceLayer, params: Any, windows: Any, data: dict[str, Any]):
    """``layer.build`` on a fresh context holding ``data``: what it returned, its info and notes."""
    from detector.evidence.layers import ScanContext

    ctx = ScanContext(params=params, data=dict(data), windows=windows)
    produced = dict(layer.build(ctx) or {})
    return produced, ctx.info, ctx.notes


def _child_main(directory: str) -> None:
    """Entry point of the child process (see :class:`DetachedLayer`)."""
    from detector.evidence.layers import registered_layers
    from detector.progress import set_quiet

    set_quiet(True)
    d = Path(directory)
    with open(d / "args.pkl", "rb") as fh:
        name, params, windows, data = pickle.load(fh)
    layer = next(x for x in registered_layers() if x.name == name)
    result = _build(layer, params, windows, data)
    with open(d / "result.tmp.pkl", "wb") as fh:
        pickle.dump(result, fh, protocol=5)
    (d / "result.tmp.pkl").rename(d / "result.pkl")


if __name__ == "__main__":  # the child process of start_layer
    _child_main(sys.argv[1])

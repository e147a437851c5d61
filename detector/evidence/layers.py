"""The evidence-layer registry: each layer of a scan declares its inputs, window and outputs.

:func:`detector.pipeline.run_scan` runs the registered layers in
registration order (:func:`run_layers`). A layer is an
:class:`EvidenceLayer`: a ``build(ctx)`` function reading the scan context
(:class:`ScanContext`: the names in ``inputs``) and returning a dict whose
keys are among ``edges`` (edge layers for the coordination network:
``account_a < account_b``, ``weight``...) and ``outputs`` (anything later
layers or stages read, e.g. ``features``). ``window`` says which decision of
the window policy (:func:`detector.evidence.windows.window_plan`) it uses:
``"per object"`` (one per co-action object kind), a layer name such as
``"neardup"``, or ``None`` for window-free evidence.

Adding a layer is one registration::

    def build_mentions(ctx):
        return {"mention": mention_edges(ctx["events"])}

    register_layer(EvidenceLayer("mention", build_mentions, edges=("mention",),
                                 description="mentioned the same account within the window",
                                 prior=0.5))

Its edges are combined with the others, clustered, scored, exported and
described in ``report.json`` (``methods.layers``) without touching any other
file. ``repeated=True`` makes its pairs count as repeated evidence (like
shared text), so they shape clusters and timing candidates.

Base inputs every layer may read: :data:`BASE_INPUTS`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from detector.params import KNOWN_OBJECTS
from detector.schema import categorical_ends

if TYPE_CHECKING:
    from detector.evidence.windows import WindowPlan
    from detector.params import ScanParams

__all__ = [
    "BASE_INPUTS",
    "EvidenceLayer",
    "LayerError",
    "OWN_CONTENT_OBJECTS",
    "ScanContext",
    "layer_descriptions",
    "layer_priors",
    "normalized_texts",
    "prepare_context",
    "register_layer",
    "registered",
    "registered_layers",
    "repeated_layers",
    "unregister_layer",
]

BASE_INPUTS: tuple[str, ...] = (
    "events", "timed_events", "accounts", "params", "normalized_text", "shares", "windows", "layers",
)  # fmt: skip
"""Context names available before any layer runs (``layers``: the edge layers built so far;
``timed_events``: the events with a time of day, which window-based layers use, see
:mod:`detector.evidence.timeres`)."""


OWN_CONTENT_OBJECTS: tuple[str, ...] = ("url", "domain", "hashtag")
"""Objects taken from the account's own posts, quotes and replies only: a repost carries the
original author's links and hashtags, and the ``repost`` layer already counts it (without
this, one shared repost would count two or three times)."""


class LayerError(ValueError):
    """A layer registration or build that breaks the registry's rules."""


@dataclass
class ScanContext:
    """What the layers of one scan read and write.

    ``data`` holds the base inputs and every layer's ``outputs``; ``layers``
    the edge layers built so far; ``info`` what each layer reports (window
    used, counts); ``notes`` go to ``methods.notes`` of the report.
    """

    params: ScanParams
    data: dict[str, Any]
    windows: WindowPlan
    layers: dict[str, pd.DataFrame] = field(default_factory=dict)
    info: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def __getitem__(self, name: str) -> Any:
        if name == "params":
            return self.params
        if name == "windows":
            return self.windows
        if name == "layers":
            return self.layers
        return self.data[name]


@dataclass(frozen=True)
class EvidenceLayer:
    """One evidence layer: what it reads, which window it uses, what it produces.

    Attributes
    ----------
    name : str
        Registry key.
    build : callable
        ``build(ctx: ScanContext) -> dict``; keys among ``edges`` and ``outputs``.
    inputs : tuple of str
        Context names it reads (:data:`BASE_INPUTS` or earlier layers' outputs).
    edges : tuple of str
        Edge layers it may add to the coordination network.
    outputs : tuple of str
        Other context names it adds.
    window : str or None
        Window decision it uses (see the module docstring).
    stage : str
        Timing bucket of :attr:`detector.params.ScanResult.timings` (default: ``name``).
    description : str
        What a pair in its edge layers did (``report.json`` ``methods.layers``); built-in
        layers are described in :data:`detector.scoring.combine.LAYER_DESCRIPTIONS`.
    prior : float or None
        Weight of one normalised unit of its evidence in the combined network
        (built-in layers: :data:`detector.scoring.combine.LAYER_PRIOR`).
    repeated : bool
        Its pairs count as repeated evidence (shape clusters, timing candidates).
    detach : tuple of str or None
        The event columns it reads, when it reads base inputs only: a large scan may then
        build it in a child process while the layers before it run
        (:mod:`detector.evidence.layer_child`; same result).
    """

    name: str
    build: Callable[[ScanContext], Mapping[str, Any]]
    inputs: tuple[str, ...] = ("events",)
    edges: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()
    window: str | None = None
    stage: str = ""
    description: str = ""
    prior: float | None = None
    repeated: bool = False
    detach: tuple[str, ...] | None = None

    @property
    def timing_stage(self) -> str:
        """Timing bucket name."""
        return self.stage or self.name

    def run(self, ctx: ScanContext) -> None:
        """Build the layer on ``ctx`` and store what it returns (checked against its declaration)."""
        missing = [n for n in self.inputs if n not in BASE_INPUTS and n not in ctx.data]
        if missing:
            raise LayerError(f"layer {self.name!r} needs {', '.join(missing)}, which no earlier layer produced")
        self.store(ctx, self.build(ctx) or {})

    def store(self, ctx: ScanContext, produced: Mapping[str, Any]) -> None:
        """Store what :attr:`build` returned on ``ctx`` (checked against the declaration)."""
        for key, value in produced.items():
            if key in self.edges:  # ends as int32 codes from here to the files (categorical_ends)
                ctx.layers[key] = value if value is None else categorical_ends(value)
            elif key in self.outputs:
                ctx.data[key] = value
            else:
                raise LayerError(
                    f"layer {self.name!r} returned {key!r}, which it does not declare "
                    f"(edges: {list(self.edges)}, outputs: {list(self.outputs)})"
                )


_REGISTRY: dict[str, EvidenceLayer] = {}


def register_layer(layer: EvidenceLayer, *, before: str | None = None) -> EvidenceLayer:
    """Add ``layer`` to the registry (at the end, or just before the layer named ``before``).

    Raises :class:`LayerError` when the name is taken or an input is produced
    by no layer registered before it.
    """
    if layer.name in _REGISTRY:
        raise LayerError(f"an evidence layer named {layer.name!r} is already registered")
    names = list(_REGISTRY)
    at = names.index(before) if before is not None else len(names)
    if before is not None and before not in _REGISTRY:
        raise LayerError(f"no registered layer {before!r} to insert {layer.name!r} before")
    available = set(BASE_INPUTS).union(*(set(_REGISTRY[n].outputs) for n in names[:at]))
    missing = [n for n in layer.inputs if n not in available]
    if missing:
        raise LayerError(f"layer {layer.name!r} reads {', '.join(missing)}: no layer registered before it produces that")
    items = [(n, _REGISTRY[n]) for n in names]
    items.insert(at, (layer.name, layer))
    _REGISTRY.clear()
    _REGISTRY.update(items)
    return layer


def unregister_layer(name: str) -> EvidenceLayer:
    """Remove the layer named ``name`` and return it."""
    try:
        return _REGISTRY.pop(name)
    except KeyError:
        raise LayerError(f"no registered evidence layer {name!r}") from None


@contextlib.contextmanager
def registered(layer: EvidenceLayer, *, before: str | None = None) -> Iterator[EvidenceLayer]:
    """Register ``layer`` for the duration of a ``with`` block (tests, experiments)."""
    register_layer(layer, before=before)
    try:
        yield layer
    finally:
        unregister_layer(layer.name)


def registered_layers() -> tuple[EvidenceLayer, ...]:
    """The registered layers, in run order."""
    return tuple(_REGISTRY.values())


def layer_descriptions() -> dict[str, str]:
    """Edge-layer name -> description: the built-in table plus registered layers' own."""
    from detector.scoring.combine import LAYER_DESCRIPTIONS

    out = dict(LAYER_DESCRIPTIONS)
    for layer in _REGISTRY.values():
        if layer.description:
            out.update({name: layer.description for name in layer.edges})
    return out


def layer_priors() -> dict[str, float]:
    """Edge-layer name -> prior: the built-in table plus registered layers' own."""
    from detector.scoring.combine import LAYER_PRIOR

    out = dict(LAYER_PRIOR)
    for layer in _REGISTRY.values():
        if layer.prior is not None:
            out.update({name: float(layer.prior) for name in layer.edges})
    return out


def repeated_layers() -> tuple[str, ...]:
    """Edge layers registered with ``repeated=True`` beyond the built-in text/neardup/timing."""
    return tuple(name for layer in _REGISTRY.values() if layer.repeated for name in layer.edges)


def normalized_texts(events: pd.DataFrame) -> pd.Series:
    """Normalised text (:func:`detector.text.normalize_texts`) of every event that is not a repost.

    Computed once per scan and shared by the identical-text co-action layer and
    near-duplicates (missing text gives ``""``); indexed like ``events``.
    """
    from detector.text import normalize_texts

    sel = events["text"][events["kind"].ne("repost").to_numpy()]
    raw = [t if isinstance(t, str) else None for t in sel.tolist()]
    return pd.Series(normalize_texts(raw), index=sel.index, dtype=object)


def prepare_context(events: pd.DataFrame, accounts: pd.DataFrame | None, params: ScanParams) -> ScanContext:
    """The base inputs of the layers: normalised texts, one share table per object, the window plan."""
    from detector.evidence.coaction import share_table
    from detector.evidence.timeres import timed_events
    from detector.evidence.windows import window_plan

    norm = normalized_texts(events)  # once, for the "text" layer and near-duplicates
    timed = timed_events(events)  # window-based evidence never sees date-only events
    own = timed[timed["kind"].ne("repost").to_numpy()]
    shares = {
        obj: share_table(own if obj in OWN_CONTENT_OBJECTS else timed, obj, normalized_text=norm)
        for obj in params.objects
    }
    data = {"events": events, "timed_events": timed, "accounts": accounts, "normalized_text": norm, "shares": shares}
    ctx = ScanContext(params=params, data=data, windows=window_plan(shares, params.window))
    if len(timed) < len(events):
        ctx.notes.append(f"{len(events) - len(timed)} event(s) carry a date only: left out of window-based evidence")
    return ctx


# --------------------------------------------------------------------------
# built-in layers
# --------------------------------------------------------------------------


def _build_coaction(ctx: ScanContext) -> dict[str, Any]:
    """One co-action layer per object kind in ``params.objects``, each in its planned window."""
    from detector.evidence.coaction import CoactionParams, coaction_edges
    from detector.progress import progress

    params, shares = ctx.params, ctx["shares"]
    plan = ctx.windows
    ctx.info["_window"] = {"window_s": plan.shared.window_s, "method": plan.shared.method}
    out: dict[str, Any] = {}
    for obj in progress(params.objects, desc="co-action", unit="layer"):
        table = shares[obj]
        if table.empty:
            continue
        decision = plan.for_object(obj)
        res = coaction_edges(
            table,
            CoactionParams(window=decision.window_s, min_participation=params.min_participation, keep_pairs=False),
        )
        out[obj] = res.edges
        capped = res.capped_objects
        ctx.info[obj] = {
            "window_s": int(res.window_s),
            "window_method": res.window_method if decision.window_s is None else decision.method,
            "edges": int(len(res.edges)),
            "capped_objects": int(len(capped)),
        }
        if len(capped):
            ctx.notes.append(f"{obj}: {len(capped)} viral object(s) hit the co-action explosion cap and were skipped")
    return out


def _build_neardup(ctx: ScanContext) -> dict[str, Any]:
    """Near-duplicate texts (:func:`detector.evidence.neardup.find_near_duplicates`) in the planned window."""
    from detector.evidence.neardup import find_near_duplicates

    decision = ctx.windows.for_object("neardup")
    res = find_near_duplicates(
        ctx["events"],
        threshold=ctx.params.neardup_threshold,
        window=decision.window_s,
        normalized_text=ctx["normalized_text"],
    )
    co = res.coaction
    ctx.info["neardup"] = {
        "window_s": None if co is None else int(co.window_s),
        "window_method": decision.method if decision.window_s is not None or co is None else co.window_method,
        "edges": int(len(res.edges)),
        "text_clusters": int(len(res.clusters)),
    }
    out: dict[str, Any] = {
        "dup_event": res.event_cluster,
        "n_text_clusters": int(len(res.clusters)),
        "text_posts": res.posts,  # text_posts.csv and the report's example posts
    }
    edges = res.edges
    timed = ctx["timed_events"]
    if len(timed) < len(ctx["events"]):  # copies are clustered on all posts, paired in time only where it is known
        edges = find_near_duplicates(timed, threshold=ctx.params.neardup_threshold, window=decision.window_s,
                                     normalized_text=ctx["normalized_text"]).edges  # fmt: skip
        ctx.info["neardup"]["edges"] = int(len(edges))
    if len(edges):
        out["neardup"] = edges
    return out


def _build_timing(ctx: ScanContext) -> dict[str, Any]:
    """Timing correlation of the pairs with repeated evidence so far (:mod:`detector.evidence.timing`)."""
    from detector.evidence.timing import TimingParams, timing_edges
    from detector.scoring.combine import repeated_pairs

    if not ctx.params.timing:
        return {}
    candidates = repeated_pairs(ctx.layers, also=("text", "neardup", "timing", *repeated_layers()))
    if candidates.empty:
        return {}
    edges = timing_edges(
        ctx["timed_events"], candidates[["account_a", "account_b"]], TimingParams(bin_s=ctx.params.timing_bin_s, seed=ctx.params.seed)
    )
    return {"timing": edges} if len(edges) else {}


def _build_features(ctx: ScanContext) -> dict[str, Any]:
    """Per-account behaviour features (:func:`detector.evidence.features.account_features`)."""
    from detector.evidence.features import account_features
    from detector.evidence.timeres import time_of_day_features

    events, timed = ctx["events"], ctx["timed_events"]
    feats = account_features(events, ctx["accounts"], near_duplicate_event=ctx["dup_event"])
    if len(timed) < len(events):  # time-of-day features from the events with a time of day only
        feats = time_of_day_features(feats, account_features(timed, ctx["accounts"]) if len(timed) else None)
    return {"features": feats}


def _build_url_recurring(ctx: ScanContext) -> dict[str, Any]:
    """The same uncommon links again and again, at any time (slow drip): window-free."""
    from detector.scoring.signals import recurring_object_edges

    shares = ctx["shares"]
    if "url" not in shares:
        return {}
    recurring = recurring_object_edges(shares["url"])
    return {"url_recurring": recurring} if len(recurring) else {}


def _build_domain_recurring(ctx: ScanContext) -> dict[str, Any]:
    """The same co-linked uncommon domains again and again, at any time (slow drip of fresh links):
    window-free (:mod:`detector.evidence.domains`)."""
    from detector.evidence.domains import colinked_domains, domain_shares, recurring_domain_edges

    table = domain_shares(ctx["timed_events"])
    colinked = colinked_domains(table)
    edges = recurring_domain_edges(table, colinked=colinked)
    ctx.info["domain_recurring"] = {
        "domains_tested_pairs": int(len(colinked)),
        "colinked_pairs": int((colinked["score"].to_numpy(dtype=float) > 0).sum()) if len(colinked) else 0,
        "edges": int(len(edges)),
    }
    out: dict[str, Any] = {"domain_shares": table, "domain_colinks": colinked}
    if len(edges):
        out["domain_recurring"] = edges
    return out


for _layer in (
    EvidenceLayer("coaction", _build_coaction, inputs=("shares", "windows"), edges=KNOWN_OBJECTS, window="per object"),
    EvidenceLayer(
        "neardup",
        _build_neardup,
        inputs=("events", "timed_events", "normalized_text", "windows"),
        edges=("neardup",),
        outputs=("dup_event", "n_text_clusters", "text_posts"),
        window="neardup",
        detach=("event_id", "account_id", "account_name", "ts", "kind", "text"),  # find_near_duplicates, text_posts
    ),
    EvidenceLayer("timing", _build_timing, inputs=("timed_events", "layers"), edges=("timing",)),
    EvidenceLayer(
        "features", _build_features, inputs=("events", "timed_events", "accounts", "dup_event"), outputs=("features",)
    ),
    EvidenceLayer("url_recurring", _build_url_recurring, inputs=("shares",), edges=("url_recurring",), stage="network"),
    EvidenceLayer(
        "domain_recurring",
        _build_domain_recurring,
        inputs=("timed_events",),
        edges=("domain_recurring",),
        outputs=("domain_shares", "domain_colinks"),
        stage="network",
    ),
):
    register_layer(_layer)
del _layer

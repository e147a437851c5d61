"""Parameters and result of a scan: :class:`ScanParams`, validated once, and :class:`ScanResult`.

Validation works as in scikit-learn: each parameter has a constraint in
:data:`PARAMETER_CONSTRAINTS`, and :func:`validate_params` checks them all
once, when the scan starts (:func:`detector.pipeline.run_scan`), raising
:class:`InvalidParameterError` (a ``ValueError``) naming the parameter, the
value and what is allowed. Defaults come from :mod:`detector.thresholds`.

>>> p = ScanParams(window=30)
>>> validate_params(p).window
30
>>> validate_params(ScanParams(flag_threshold=1.5))
Traceback (most recent call last):
...
detector.params.InvalidParameterError: ScanParams.flag_threshold must be a number in [0, 1], got 1.5
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from numbers import Integral, Real
from typing import TYPE_CHECKING, Any

from detector import thresholds as th

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DEFAULT_OBJECTS",
    "KNOWN_OBJECTS",
    "PARAMETER_CONSTRAINTS",
    "InvalidParameterError",
    "ScanParams",
    "ScanResult",
    "validate_params",
]

DEFAULT_OBJECTS: tuple[str, ...] = ("repost", "quote", "reply", "url", "hashtag", "text")
"""Co-action object kinds used by default (``domain`` is left out: too coarse)."""

KNOWN_OBJECTS: tuple[str, ...] = ("repost", "quote", "reply", "url", "domain", "hashtag", "text")
"""Co-action object kinds a scan can use (:func:`detector.evidence.coaction.share_table`)."""


class InvalidParameterError(ValueError):
    """A scan parameter outside what it allows (the message names both)."""


@dataclass(frozen=True)
class ScanParams:
    """Everything that changes a scan's result (all recorded in the report).

    Attributes
    ----------
    window : int or None
        Co-action window in seconds; ``None`` estimates it from the data
        (the window policy, :func:`detector.evidence.windows.window_plan`).
    objects : tuple of str
        Co-action object kinds (:data:`KNOWN_OBJECTS`).
    min_participation : int
        Minimum shares for an account to enter co-action.
    neardup_threshold : float
        MinHash Jaccard threshold for near-duplicate texts.
    timing : bool
        Compute the timing-correlation layer.
    timing_bin_s : int
        Timing bin width, seconds.
    since, until : int or None
        Keep events with ``since <= ts <= until`` (UTC seconds).
    hashtag : str or None
        Focus on one hashtag (``detector hashtag``).
    account : str or None
        Focus on one account, id or handle (``detector account``).
    flag_threshold : float
        Score at or above which an account or cluster is flagged.
    min_cluster_size : int
        Clusters smaller than this get a damped score.
    model : str or None
        Path of a model trained with ``detector train`` (pickle: code!).
    seed : int
        Seed for Leiden and everything else random.
    timeline_bin_s : int or None
        Timeline bin width, seconds; ``None`` picks a round width for <= 150 bins.

    >>> ScanParams().flag_threshold
    0.5
    """

    window: int | None = None
    objects: tuple[str, ...] = DEFAULT_OBJECTS
    min_participation: int = th.MIN_PARTICIPATION
    neardup_threshold: float = th.NEARDUP_THRESHOLD
    timing: bool = True
    timing_bin_s: int = th.TIMING_BIN_S
    since: int | None = None
    until: int | None = None
    hashtag: str | None = None
    account: str | None = None
    flag_threshold: float = th.FLAG_THRESHOLD
    min_cluster_size: int = th.MIN_CLUSTER_SIZE
    model: str | None = None
    seed: int = 0
    timeline_bin_s: int | None = None


def _int_at_least(low: int, optional: bool = False) -> tuple[Callable[[Any], bool], str]:
    def ok(v: Any) -> bool:
        return (optional and v is None) or (isinstance(v, Integral) and not isinstance(v, bool) and v >= low)

    return ok, f"an integer >= {low}" + (" or None" if optional else "")


def _unit_interval() -> tuple[Callable[[Any], bool], str]:
    return (lambda v: isinstance(v, Real) and not isinstance(v, bool) and 0 <= v <= 1), "a number in [0, 1]"


def _optional_str() -> tuple[Callable[[Any], bool], str]:
    return (lambda v: v is None or (isinstance(v, str) and v != "")), "a non-empty string or None"


def _objects() -> tuple[Callable[[Any], bool], str]:
    def ok(v: Any) -> bool:
        return isinstance(v, tuple) and len(v) > 0 and all(o in KNOWN_OBJECTS for o in v) and len(set(v)) == len(v)

    return ok, f"a non-empty tuple of distinct object kinds from {', '.join(KNOWN_OBJECTS)}"


PARAMETER_CONSTRAINTS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "window": _int_at_least(0, optional=True),
    "objects": _objects(),
    "min_participation": _int_at_least(1),
    "neardup_threshold": _unit_interval(),
    "timing": ((lambda v: isinstance(v, bool)), "True or False"),
    "timing_bin_s": _int_at_least(1),
    "since": _int_at_least(-(2**62), optional=True),
    "until": _int_at_least(-(2**62), optional=True),
    "hashtag": _optional_str(),
    "account": _optional_str(),
    "flag_threshold": _unit_interval(),
    "min_cluster_size": _int_at_least(1),
    "model": _optional_str(),
    "seed": _int_at_least(-(2**62)),
    "timeline_bin_s": _int_at_least(1, optional=True),
}
"""Parameter name -> (check, what is allowed); one entry per :class:`ScanParams` field."""


def validate_params(params: ScanParams) -> ScanParams:
    """Check every parameter against :data:`PARAMETER_CONSTRAINTS`; return ``params``.

    Raises
    ------
    InvalidParameterError
        Naming the first parameter that breaks its constraint, its value and
        what is allowed; also when ``since > until``.
    """
    if not isinstance(params, ScanParams):
        raise InvalidParameterError(f"params must be a ScanParams, got {type(params).__name__}")
    for f in fields(params):
        ok, allowed = PARAMETER_CONSTRAINTS[f.name]
        value = getattr(params, f.name)
        if not ok(value):
            raise InvalidParameterError(f"ScanParams.{f.name} must be {allowed}, got {value!r}")
    if params.since is not None and params.until is not None and params.since > params.until:
        raise InvalidParameterError(f"ScanParams.since ({params.since}) is after until ({params.until})")
    return params


@dataclass
class ScanResult:
    """Tables and report of one scan (:func:`detector.pipeline.run_scan`).

    Attributes
    ----------
    events : DataFrame
        The scanned events (after ``since``/``until``), in ``(ts, event_id)`` order.
    accounts : DataFrame or None
        The accounts table as given.
    scored : DataFrame
        One row per account: ``score``, ``flagged``, ``reasons``, ``cluster_id``...
    clusters : DataFrame
        One row per cluster with its score and reasons.
    edges : DataFrame
        The combined coordination network (every layer).
    layers : dict of str to DataFrame
        Each evidence layer's edges, with the columns read after combining
        (:data:`detector.pipeline.LAYER_COLUMNS_AFTER_COMBINE`).
    signals : DataFrame
        Per-account signals the scorer read.
    officials : DataFrame
        Official accounts with centrality and amplification audit.
    report : dict
        The report (``detector/report/SCHEMA.md``).
    timings : dict of str to float
        Seconds per stage (kept out of the report so its bytes are stable).
    shares : dict of str to DataFrame
        Co-action share table per object kind (who shared what, when).
    text_posts : DataFrame or None
        Posts in near-duplicate text clusters (:func:`detector.evidence.neardup.text_posts`).
    """

    events: pd.DataFrame
    accounts: pd.DataFrame | None
    scored: pd.DataFrame
    clusters: pd.DataFrame
    edges: pd.DataFrame
    layers: dict[str, pd.DataFrame]
    signals: pd.DataFrame
    officials: pd.DataFrame
    report: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)
    shares: dict[str, pd.DataFrame] = field(default_factory=dict)
    text_posts: pd.DataFrame | None = None

"""Small SVG charts drawn in Python: activity timeline, timing dot plot, evidence-mix bar.

All coordinates are formatted with fixed precision so the same report gives
the same bytes. Labels that come from the data go through :mod:`markup`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from detector.report.html.fmt import as_float, fmt_duration, fmt_int, fmt_pct, fmt_ts
from detector.report.html.markup import Markup, el, svg_el

__all__ = [
    "KIND_COLORS",
    "LAYER_PALETTE",
    "coord",
    "layer_colors",
    "merge_bins",
    "mix_bar_svg",
    "nice_ticks",
    "svg_line",
    "svg_root",
    "svg_text",
    "swatch",
    "time_ticks",
    "timeline_svg",
    "timing_svg",
]

KIND_COLORS: dict[str, str] = {
    "post": "#2c6fb7",
    "repost": "#d9534f",
    "quote": "#8e44ad",
    "reply": "#e08e0b",
}
"""Dot colour per action kind in timing plots."""

LAYER_PALETTE: tuple[str, ...] = (
    "#2c6fb7",
    "#d9534f",
    "#2e9e5b",
    "#8e44ad",
    "#e08e0b",
    "#17a2b8",
    "#7f6a00",
    "#c2185b",
    "#5d6d7e",
)
"""Colours assigned to evidence layers in sorted order."""

FLAGGED = "#c0392b"
TOTAL = "#a9bfd6"


def coord(x: float) -> str:
    """Coordinate with one decimal (stable bytes)."""
    return f"{x:.1f}"


def nice_ticks(top: float, count: int = 4) -> list[float]:
    """Round tick values from 0 to at least ``top`` (1-2-5 steps)."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
    n = math.ceil(top / step - 1e-9)
    return [i * step for i in range(n + 1)]


def svg_root(width: float, height: float, label: str, *children: object) -> Markup:
    return el(
        "svg",
        {
            "viewBox": f"0 0 {coord(width)} {coord(height)}",
            "class": "chart",
            "role": "img",
            "aria-label": label,
            "preserveAspectRatio": "xMinYMin meet",
        },
        el("title", None, label),
        *children,
    )


def svg_text(x: float, y: float, text: object, anchor: str = "start", cls: str = "tick") -> Markup:
    return el("text", {"x": coord(x), "y": coord(y), "text-anchor": anchor, "class": cls}, text)


def svg_line(x1: float, x2: float, y1: float, y2: float, cls: str) -> Markup:
    """A ``<line>`` styled by class (``grid`` or ``axis``)."""
    return svg_el(
        "line", {"x1": coord(x1), "x2": coord(x2), "y1": coord(y1), "y2": coord(y2), "class": cls}
    )


def swatch(x: str, y: str, fill: str) -> Markup:
    """A 12 x 12 legend square at the already formatted coordinates ``x``, ``y``."""
    return svg_el("rect", {"x": x, "y": y, "width": "12", "height": "12", "fill": fill})


TICK_STEPS_S: tuple[int, ...] = (
    60,
    300,
    900,
    1800,
    3600,
    3 * 3600,
    6 * 3600,
    12 * 3600,
    86400,
    2 * 86400,
    7 * 86400,
    14 * 86400,
    30 * 86400,
    91 * 86400,
    182 * 86400,
    365 * 86400,
)
"""Candidate spacings of time-axis ticks, seconds."""


def time_ticks(t0: int, t1: int, max_ticks: int = 8) -> list[tuple[int, str]]:
    """UTC-aligned ticks inside [t0, t1] (seconds) with labels: dates for day steps, else time."""
    span = max(t1 - t0, 1)
    # an interval of `span` seconds holds at most span // step + 1 aligned ticks
    step = next(
        (s for s in TICK_STEPS_S if span // s + 1 <= max_ticks),
        TICK_STEPS_S[-1] * (span // (TICK_STEPS_S[-1] * (max_ticks - 1)) + 1),
    )
    first = -(-t0 // step) * step
    ticks = range(first, t1 + 1, step)
    fmt = "%Y-%m-%d" if step >= 86400 else "%m-%d %H:%M"
    return [(t, datetime.fromtimestamp(t, tz=UTC).strftime(fmt)) for t in ticks]


def merge_bins(
    timeline: Sequence[Mapping[str, object]], bin_s: int, max_bars: int
) -> tuple[list[tuple[int, int, int]], int]:
    """Timeline rows as (t, events, flagged), merged so at most ``max_bars`` bars remain."""
    rows = sorted(
        (
            int(as_float(r.get("t")) or 0),
            int(as_float(r.get("events")) or 0),
            int(as_float(r.get("flagged_events")) or 0),
        )
        for r in timeline
    )
    if not rows:
        return [], bin_s
    span = rows[-1][0] - rows[0][0] + bin_s
    factor = max(1, math.ceil(span / bin_s / max_bars))
    width = bin_s * factor
    merged: dict[int, list[int]] = {}
    t0 = rows[0][0]
    for t, n, f in rows:
        key = t0 + (t - t0) // width * width
        acc = merged.setdefault(key, [0, 0])
        acc[0] += n
        acc[1] += f
    return [(t, v[0], v[1]) for t, v in sorted(merged.items())], width


def timeline_svg(
    timeline: Sequence[Mapping[str, object]], bin_s: int, max_bars: int = 240
) -> Markup:
    """Stacked bars per time bin: all events (light) with the flagged-account part (red).

    Parameters
    ----------
    timeline : rows with ``t`` (bin start, UTC seconds), ``events``, ``flagged_events``.
    bin_s : bin width in seconds; bins are merged when there would be more than ``max_bars``.
    """
    bins, width_s = merge_bins(timeline, max(1, int(bin_s)), max_bars)
    W, H, left, right, top, bottom = 960.0, 260.0, 60.0, 16.0, 30.0, 44.0
    if not bins:
        return svg_root(
            W, 60.0, "No activity to plot", svg_text(left, 35, "No events in the selected period.")
        )
    t0, t1 = bins[0][0], bins[-1][0] + width_s
    ymax = max(n for _, n, _ in bins)
    ticks = nice_ticks(ymax)
    ytop = ticks[-1]
    pw, ph = W - left - right, H - top - bottom

    def x(t: float) -> float:
        return left + (t - t0) / (t1 - t0) * pw

    def y(v: float) -> float:
        return top + ph - v / ytop * ph

    parts: list[Markup] = []
    for tick in ticks:
        parts.append(svg_line(left, W - right, y(tick), y(tick), "grid"))
        parts.append(svg_text(left - 6, y(tick) + 4, fmt_int(tick), "end"))
    bar_w = max(pw * width_s / (t1 - t0) - 0.6, 0.6)

    def bar(t: float, v: float, fill: str) -> Markup:
        return svg_el(
            "rect",
            {
                "x": coord(x(t)),
                "y": coord(y(v)),
                "width": coord(bar_w),
                "height": coord(y(0) - y(v)),
                "fill": fill,
            },
        )

    for t, n, f in bins:
        tip = f"{fmt_ts(t)}: {fmt_int(n)} events, {fmt_int(f)} from flagged accounts"
        if n:
            tip += f" ({fmt_pct(f / n)})"
        parts.append(
            el(
                "g",
                None,
                el("title", None, tip),
                bar(t, n, TOTAL),
                bar(t, f, FLAGGED) if f else None,
            )
        )
    parts.append(svg_line(left, W - right, y(0), y(0), "axis"))
    for t, label in time_ticks(t0, t1):
        parts.append(svg_line(x(t), x(t), y(0), y(0) + 5, "axis"))
        parts.append(svg_text(x(t), H - bottom + 18, label, "middle"))
    parts.append(
        svg_text(
            left, 16, "events per " + fmt_duration(width_s) + " (times in UTC)", "start", "legend"
        )
    )
    parts.append(swatch(coord(W - 330), "6", TOTAL))
    parts.append(svg_text(W - 313, 16, "all events", "start", "legend"))
    parts.append(swatch(coord(W - 220), "6", FLAGGED))
    parts.append(svg_text(W - 203, 16, "from flagged accounts", "start", "legend"))
    label = f"Activity over time, {fmt_ts(t0)} to {fmt_ts(t1)}; flagged-account events in red"
    return svg_root(W, H, label, *parts)


def timing_svg(
    actions: Sequence[Mapping[str, object]], max_accounts: int = 25, max_dots: int = 4000
) -> Markup:
    """One row per account, one dot per action at its time, coloured by kind.

    Coordinated accounts show up as dots stacked in vertical lines (same
    seconds); organic accounts scatter. Rows are ordered by first action time.
    """
    rows = sorted(
        (
            int(as_float(a.get("ts")) or 0),
            str(a.get("account_name") or a.get("account_id") or "?"),
            str(a.get("kind") or "post"),
        )
        for a in actions
    )
    first: dict[str, int] = {}
    for ts, name, _ in rows:
        first.setdefault(name, ts)
    names = sorted(first, key=lambda n: (first[n], n))[:max_accounts]
    index = {n: i for i, n in enumerate(names)}
    rows = [r for r in rows if r[1] in index][:max_dots]
    W, left, right, top, row_h = 960.0, 170.0, 16.0, 30.0, 18.0
    if not rows:
        return svg_root(
            W,
            50.0,
            "No actions to plot",
            svg_text(10, 30, "No timed actions recorded for this cluster."),
        )
    H = top + row_h * len(names) + 40
    t0, t1 = rows[0][0], rows[-1][0]
    if t1 == t0:
        t1 = t0 + 1
    pw = W - left - right

    def x(t: float) -> float:
        return left + (t - t0) / (t1 - t0) * pw

    parts: list[Markup] = []
    for name, i in index.items():
        yy = top + row_h * i + row_h / 2
        parts.append(svg_line(left, W - right, yy, yy, "grid"))
        short = name if len(name) <= 22 else name[:21] + "\u2026"
        parts.append(svg_text(left - 8, yy + 4, short, "end", "rowlabel"))
    for ts, name, kind in rows:
        yy = top + row_h * index[name] + row_h / 2
        parts.append(
            el(
                "circle",
                {
                    "cx": coord(x(ts)),
                    "cy": coord(yy),
                    "r": "4",
                    "fill": KIND_COLORS.get(kind, "#555"),
                    "fill-opacity": "0.75",
                },
                el("title", None, f"{name}: {kind} at {fmt_ts(ts, with_seconds=True)}"),
            )
        )
    base = top + row_h * len(names)
    parts.append(svg_text(left, base + 18, fmt_ts(t0, with_seconds=True), "start"))
    parts.append(svg_text(W - right, base + 18, fmt_ts(t1, with_seconds=True), "end"))
    parts.append(svg_text(left + pw / 2, base + 18, f"span {fmt_duration(t1 - t0)}", "middle"))
    lx = left
    for kind, color in KIND_COLORS.items():
        parts.append(svg_el("circle", {"cx": coord(lx), "cy": "12", "r": "5", "fill": color}))
        parts.append(svg_text(lx + 9, 16, kind, "start", "legend"))
        lx += 80
    label = f"Timing of actions by {len(names)} accounts; dots in vertical lines mean actions at the same moment"
    return svg_root(W, H, label, *parts)


def layer_colors(layers: Sequence[str]) -> dict[str, str]:
    """Stable colour per evidence layer (sorted names -> palette, cycling)."""
    return {
        name: LAYER_PALETTE[i % len(LAYER_PALETTE)] for i, name in enumerate(sorted(set(layers)))
    }


def mix_bar_svg(mix: Mapping[str, object], colors: Mapping[str, str]) -> Markup:
    """Horizontal 100% bar of the evidence mix (layer -> weight), largest first, with a legend."""
    items = sorted(
        ((str(k), as_float(v) or 0.0) for k, v in mix.items()), key=lambda kv: (-kv[1], kv[0])
    )
    items = [(k, v) for k, v in items if v > 0]
    total = sum(v for _, v in items)
    W = 420.0
    if not total:
        return svg_root(
            W, 30.0, "No evidence mix recorded", svg_text(0, 20, "no evidence mix recorded")
        )
    H = 30.0 + 18.0 * len(items)
    parts: list[Markup] = []
    xx = 0.0
    for k, v in items:
        w = v / total * W
        parts.append(
            el(
                "rect",
                {
                    "x": coord(xx),
                    "y": "0",
                    "width": coord(w),
                    "height": "18",
                    "fill": colors.get(k, "#888"),
                },
                el("title", None, f"{k}: {fmt_pct(v / total)}"),
            )
        )
        xx += w
    for i, (k, v) in enumerate(items):
        yy = 34.0 + 18.0 * i
        parts.append(swatch("0", coord(yy - 10), colors.get(k, "#888")))
        parts.append(svg_text(18, yy, f"{k}: {fmt_pct(v / total)}", "start", "legend"))
    return svg_root(
        W, H, "Evidence mix: " + ", ".join(f"{k} {fmt_pct(v / total)}" for k, v in items), *parts
    )

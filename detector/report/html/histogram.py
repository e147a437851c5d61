"""Account creation dates of a cluster against the whole scan: paired bars on the same bins, as shares."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from detector.report.html.fmt import as_float, fmt_int, fmt_pct
from detector.report.html.markup import Markup, el
from detector.report.html.svg import (
    FLAGGED,
    TOTAL,
    coord,
    nice_ticks,
    svg_line,
    svg_root,
    svg_text,
    swatch,
)

__all__ = ["creation_svg", "creation_summary"]


def _shares(values: Sequence[Any], n: int) -> list[float]:
    out = [as_float(v) or 0.0 for v in values][:n]
    return out + [0.0] * (n - len(out))


def creation_summary(hist: Mapping[str, Any], cluster: Mapping[str, Any]) -> str:
    """One sentence: where the cluster's creation dates peak, against the scan."""
    peak = cluster.get("peak_label")
    if not peak or not cluster.get("known"):
        return "No member of this cluster has a known creation date."
    unknown = int(cluster.get("unknown") or 0)
    tail = f" ({fmt_int(unknown)} members without a known date)" if unknown else ""
    return (
        f"{fmt_pct(cluster.get('peak_share'))} of its {fmt_int(cluster.get('known'))} members with a known "
        f"date were created in {peak} ({hist.get('unit')}), against {fmt_pct(cluster.get('population_peak_share'))} "
        f"of the {fmt_int((hist.get('population') or {}).get('known'))} accounts of the scan{tail}."
    )


def creation_svg(hist: Mapping[str, Any], cluster: Mapping[str, Any], cluster_id: object) -> Markup:
    """Paired bars per calendar bin: the cluster's share (red) and the whole scan's (blue)."""
    labels = [str(x) for x in hist.get("labels") or []]
    n = len(labels)
    pop = _shares((hist.get("population") or {}).get("shares") or [], n)
    mine = _shares(cluster.get("shares") or [], n)
    W, H, left, bottom, top_pad = 640.0, 230.0, 44.0, 48.0, 26.0
    plot_w, plot_h = W - left - 8.0, H - bottom - top_pad
    ticks = nice_ticks(max([*pop, *mine, 0.01]), 4)
    top = ticks[-1] or 1.0
    slot = plot_w / max(n, 1)
    bar_w = max(slot * 0.4, 1.0)

    def y(v: float) -> float:
        return top_pad + plot_h * (1.0 - v / top)

    parts: list[Markup] = []
    for t in ticks:
        parts.append(svg_line(left, W - 8.0, y(t), y(t), "grid"))
        parts.append(svg_text(left - 4, y(t) + 4, fmt_pct(t), "end"))
    every = max(1, -(-n // 12))  # at most about 12 labels
    for i, label in enumerate(labels):
        x0 = left + i * slot + slot * 0.1
        for j, (value, fill, who) in enumerate(((mine[i], FLAGGED, "this cluster"), (pop[i], TOTAL, "whole scan"))):
            parts.append(
                el(
                    "rect",
                    {
                        "x": coord(x0 + j * bar_w),
                        "y": coord(y(value)),
                        "width": coord(bar_w),
                        "height": coord(top_pad + plot_h - y(value)),
                        "fill": fill,
                    },
                    el("title", None, f"{label}: {who} {fmt_pct(value, 1)}"),
                )
            )
        if i % every == 0:
            parts.append(svg_text(x0 + bar_w, H - bottom + 14, label, "middle"))
    parts.append(svg_line(left, W - 8.0, top_pad + plot_h, top_pad + plot_h, "axis"))
    parts.append(swatch(coord(left), "4", FLAGGED))
    parts.append(svg_text(left + 16, 14, f"cluster {cluster_id} ({fmt_int(cluster.get('known'))} accounts)", "start", "legend"))
    parts.append(swatch(coord(left + 230), "4", TOTAL))
    parts.append(
        svg_text(left + 246, 14, f"whole scan ({fmt_int((hist.get('population') or {}).get('known'))} accounts)", "start", "legend")
    )
    parts.append(svg_text(left, H - 8, f"share of accounts created per {hist.get('unit')} (UTC)", "start", "legend"))
    return svg_root(W, H, f"Account creation dates, cluster {cluster_id} against the whole scan", *parts)

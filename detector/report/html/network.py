"""Network picture of one cluster: igraph Fruchterman-Reingold layout with a fixed seed, drawn as SVG.

igraph draws its random numbers from Python's global :mod:`random` module;
the layout therefore seeds it with ``LAYOUT_SEED`` and restores the previous
state afterwards, so the picture is the same on every run and callers' random
streams are untouched.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

import igraph as ig

from detector.report.html.fmt import as_float, fmt_float
from detector.report.html.markup import Markup, el, svg_el
from detector.report.html.svg import coord, layer_colors, svg_root

__all__ = ["LAYOUT_SEED", "layout_positions", "network_svg"]

LAYOUT_SEED = 20240501
"""Seed of the layout; fixed so the same cluster always gets the same picture."""


def _seeded_fr(
    n: int, edges: Sequence[tuple[int, int, float]], seed: int
) -> list[tuple[float, float]]:
    """Fruchterman-Reingold coordinates of ``n`` linked nodes, scaled to [0, 1] per axis."""
    graph = ig.Graph(n=n, edges=[(i, j) for i, j, _ in edges])
    wmax = max((w for _, _, w in edges), default=1.0) or 1.0
    # weights rescaled to [0.3, 1]: heavy edges pull harder without collapsing the picture
    weights = [0.3 + 0.7 * max(w, 0.0) / wmax for _, _, w in edges]
    state = random.getstate()
    try:
        random.seed(seed)
        coords = graph.layout_fruchterman_reingold(weights=weights, niter=500).coords
    finally:
        random.setstate(state)
    xs = [c[0] for c in coords]
    ys = [c[1] for c in coords]
    x0, xspan = min(xs), (max(xs) - min(xs)) or 1.0
    y0, yspan = min(ys), (max(ys) - min(ys)) or 1.0
    return [((x - x0) / xspan, (y - y0) / yspan) for x, y in zip(xs, ys, strict=True)]


def layout_positions(
    n: int, edges: Sequence[tuple[int, int, float]], seed: int = LAYOUT_SEED
) -> list[tuple[float, float]]:
    """Node positions in [0, 1] x [0, 1]: seeded Fruchterman-Reingold for linked nodes.

    Nodes without any edge would drift to the edge of a force layout and squash
    the rest; they are lined up in rows at the bottom instead.

    Parameters
    ----------
    n : number of nodes (0..n-1).
    edges : (i, j, weight) triples; weight > 0, larger pulls nodes closer.
    seed : seed for igraph's random number generator (Python ``random``).
    """
    if n == 0:
        return []
    linked = sorted({i for i, _, _ in edges} | {j for _, j, _ in edges})
    isolated = [i for i in range(n) if i not in set(linked)]
    pos: dict[int, tuple[float, float]] = {}
    per_row = 15
    rows = -(-len(isolated) // per_row)
    top_share = 1.0 if not isolated else 0.0 if not linked else max(0.55, 0.9 - 0.08 * rows)
    if len(linked) == 1:
        pos[linked[0]] = (0.5, top_share / 2)
    elif linked:
        local = {v: k for k, v in enumerate(linked)}
        coords = _seeded_fr(len(linked), [(local[i], local[j], w) for i, j, w in edges], seed)
        for v, (x, y) in zip(linked, coords, strict=True):
            pos[v] = (x, y * top_share)
    for k, v in enumerate(isolated):
        row, col = divmod(k, per_row)
        in_row = min(per_row, len(isolated) - row * per_row)
        x = 0.5 if in_row == 1 else col / (in_row - 1)
        if linked:
            y = top_share + (1.0 - top_share) * (row + 1) / rows
        else:
            y = 0.5 if rows == 1 else row / (rows - 1)
        pos[v] = (x, y)
    return [(round(pos[i][0], 6), round(pos[i][1], 6)) for i in range(n)]


def _score_color(score: float) -> str:
    """Light yellow (0) to dark red (1)."""
    s = min(max(score, 0.0), 1.0)
    lo, hi = (253, 208, 162), (165, 15, 21)
    r, g, b = (round(a + (c - a) * s) for a, c in zip(lo, hi, strict=True))
    return f"#{r:02x}{g:02x}{b:02x}"


def network_svg(
    accounts: Sequence[Mapping[str, object]],
    edges: Sequence[Mapping[str, object]],
    palette: Mapping[str, str] | None = None,
    layer_weight: Mapping[str, object] | None = None,
    max_nodes: int = 60,
    max_labels: int = 10,
) -> Markup:
    """Draw a cluster: nodes sized and coloured by account score, edges by weight and main layer.

    Edge endpoints ``a``/``b`` may be account ids or handles. At most ``max_nodes``
    accounts (highest scores) are drawn and the ``max_labels`` highest are labelled.
    ``palette`` maps layer -> colour (shared with the evidence-mix bar); by default
    colours are assigned to the layers present. An edge with several layers is
    coloured by the one with the largest ``layer_weight`` (the cluster's evidence mix).
    """
    ranked = sorted(
        accounts,
        key=lambda a: (
            -(as_float(a.get("score")) or 0.0),
            str(a.get("account_name") or ""),
            str(a.get("account_id") or ""),
        ),
    )[:max_nodes]
    index: dict[str, int] = {}
    for i, acc in enumerate(ranked):
        for key in ("account_id", "account_name"):
            value = acc.get(key)
            if value is not None:
                index.setdefault(str(value), i)
    pairs: dict[tuple[int, int], tuple[float, str]] = {}
    for e in edges:
        i, j = index.get(str(e.get("a"))), index.get(str(e.get("b")))
        if i is None or j is None or i == j:
            continue
        key = (min(i, j), max(i, j))
        layers = sorted(str(x) for x in e.get("layers") or [])
        main = (
            max(layers, key=lambda k: as_float((layer_weight or {}).get(k)) or 0.0)
            if layers
            else ""
        )
        w = as_float(e.get("weight")) or 0.0
        if key not in pairs or w > pairs[key][0]:
            pairs[key] = (w, main)
    edge_list = [(i, j, w) for (i, j), (w, _) in sorted(pairs.items())]
    pos = layout_positions(len(ranked), edge_list)
    W, H, pad = 520.0, 420.0, 40.0

    def px(p: tuple[float, float]) -> tuple[float, float]:
        return pad + p[0] * (W - 2 * pad), pad + p[1] * (H - 2 * pad - 24)

    used = sorted({m for _, m in pairs.values() if m})
    fallback = layer_colors(used)
    colors = {m: (palette or {}).get(m) or fallback[m] for m in used}
    wmax = max((w for _, _, w in edge_list), default=1.0) or 1.0
    parts: list[Markup] = []
    for (i, j), (w, main) in sorted(pairs.items()):
        (x1, y1), (x2, y2) = px(pos[i]), px(pos[j])
        parts.append(
            svg_el(
                "line",
                {
                    "x1": coord(x1),
                    "y1": coord(y1),
                    "x2": coord(x2),
                    "y2": coord(y2),
                    "stroke": colors.get(main, "#8899aa"),
                    "stroke-opacity": "0.55",
                    "stroke-width": coord(0.8 + 3.2 * w / wmax),
                    "class": "edge",
                },
            )
        )
    label_set = set(range(min(max_labels, len(ranked))))
    for i, acc in enumerate(ranked):
        x, y = px(pos[i])
        score = as_float(acc.get("score")) or 0.0
        name = str(acc.get("account_name") or acc.get("account_id") or "?")
        parts.append(
            el(
                "circle",
                {
                    "cx": coord(x),
                    "cy": coord(y),
                    "r": coord(5 + 6 * score),
                    "fill": _score_color(score),
                    "class": "node",
                },
                el("title", None, f"{name} (score {fmt_float(score)})"),
            )
        )
    for i in sorted(label_set):
        x, y = px(pos[i])
        name = str(ranked[i].get("account_name") or ranked[i].get("account_id") or "?")
        short = name if len(name) <= 18 else name[:17] + "\u2026"
        anchor = "start" if x < W * 0.2 else "end" if x > W * 0.8 else "middle"
        parts.append(
            el(
                "text",
                {"x": coord(x), "y": coord(y - 13), "text-anchor": anchor, "class": "nodelabel"},
                short,
            )
        )
    legend_y = H - 12
    lx = 8.0
    for layer, color in sorted(colors.items()):
        parts.append(
            svg_el(
                "line",
                {
                    "x1": coord(lx),
                    "x2": coord(lx + 18),
                    "y1": coord(legend_y - 4),
                    "y2": coord(legend_y - 4),
                    "stroke": color,
                    "stroke-width": "3",
                },
            )
        )
        parts.append(
            el("text", {"x": coord(lx + 22), "y": coord(legend_y), "class": "legend"}, layer)
        )
        lx += 30 + 7 * len(layer)
    n_isolated = len(ranked) - len({i for i, _ in pairs} | {j for _, j in pairs})
    if n_isolated and pairs:
        parts.append(
            el(
                "text",
                {"x": coord(W - 8), "y": coord(legend_y), "text-anchor": "end", "class": "legend"},
                f"bottom row: {n_isolated} without a drawn link",
            )
        )
    shown = f"{len(ranked)} of {len(accounts)}" if len(accounts) > len(ranked) else str(len(ranked))
    label = f"Network of {shown} accounts and {len(pairs)} links; darker and larger circles have higher scores"
    return svg_root(W, H, label, *parts)

"""Small SVG line charts in pure Python, for the report (HTML and PDF render them alike; no
JavaScript, no plotting library). The web app's history page draws the same charts in the
browser (`serve/static/charts.js`)."""

from __future__ import annotations

import datetime as dt
import html
import math

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b")


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    if not math.isfinite(lo) or not math.isfinite(hi):
        return []
    if hi - lo < 1e-9:
        lo, hi = lo - 1, hi + 1
    raw = (hi - lo) / max(n - 1, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step) * step
    ticks, v = [], start
    while v <= hi + step * 0.5:
        ticks.append(round(v, 10))
        v += step
    return ticks


def _x(day: str) -> float:
    return float(dt.date.fromisoformat(day[:10]).toordinal())


def line_chart(series: list[dict], *, title: str, y_label: str = "", targets: list[tuple[float, str]] = (),
               width: int = 640, height: int = 220, y_range: tuple[float, float] | None = None) -> str:
    """`series`: [{"name", "points": [(iso_day, value or None), ...]}]; `targets`: horizontal dashed
    lines [(value, label)]. Returns an <svg> element."""
    pad_l, pad_r, pad_t, pad_b = 48, 12, 28, 40
    pts = [(_x(d), v) for s in series for d, v in s["points"] if v is not None]
    esc = html.escape
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-label="{esc(title)}">',
           f'<text x="{pad_l}" y="16" class="chart-title">{esc(title)}</text>']
    if not pts:
        out.append(f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" class="chart-empty">no data yet</text></svg>')
        return "".join(out)
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts] + [t[0] for t in targets]
    x0, x1 = min(xs), max(xs)
    if x1 - x0 < 1:
        x0, x1 = x0 - 1, x1 + 1
    lo, hi = y_range if y_range else (min(ys), max(ys))
    ticks = nice_ticks(lo, hi)
    lo, hi = min(ticks[0], lo), max(ticks[-1], hi)
    iw, ih = width - pad_l - pad_r, height - pad_t - pad_b

    def sx(x: float) -> float:
        return pad_l + (x - x0) / (x1 - x0) * iw

    def sy(y: float) -> float:
        return pad_t + ih - (y - lo) / (hi - lo) * ih if hi > lo else pad_t + ih / 2

    for t in ticks:
        y = sy(t)
        out.append(f'<line x1="{pad_l}" x2="{width - pad_r}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
                   f'<text x="{pad_l - 6}" y="{y + 4:.1f}" text-anchor="end" class="tick">{t:g}</text>')
    for x, anchor in ((x0, "start"), ((x0 + x1) / 2, "middle"), (x1, "end")):
        day = dt.date.fromordinal(int(round(x))).isoformat()
        out.append(f'<text x="{sx(x):.1f}" y="{height - pad_b + 16}" text-anchor="{anchor}" class="tick">{day}</text>')
    if y_label:
        out.append(f'<text x="12" y="{pad_t + ih / 2:.1f}" transform="rotate(-90 12 {pad_t + ih / 2:.1f})" text-anchor="middle" class="tick">{esc(y_label)}</text>')
    for value, label in targets:
        y = sy(value)
        out.append(f'<line x1="{pad_l}" x2="{width - pad_r}" y1="{y:.1f}" y2="{y:.1f}" class="target"/>'
                   f'<text x="{width - pad_r - 2}" y="{y - 4:.1f}" text-anchor="end" class="target-label">{esc(label)}</text>')
    legend_x = pad_l
    for i, s in enumerate(series):
        color = s.get("color") or PALETTE[i % len(PALETTE)]
        coords = [(sx(_x(d)), sy(v)) for d, v in s["points"] if v is not None]
        if len(coords) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
            out.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
        if len(coords) <= 60:
            out += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}"/>' for x, y in coords]
        out.append(f'<rect x="{legend_x}" y="{height - 14}" width="10" height="10" fill="{color}"/>'
                   f'<text x="{legend_x + 14}" y="{height - 5}" class="legend">{esc(s["name"])}</text>')
        legend_x += 24 + 7 * len(s["name"])
    out.append("</svg>")
    return "".join(out)


CHART_CSS = """
svg.chart { font-family: system-ui, sans-serif; background: #fff; }
svg.chart .chart-title { font-size: 13px; font-weight: 600; fill: #222; }
svg.chart .tick, svg.chart .legend { font-size: 10px; fill: #555; }
svg.chart .grid { stroke: #e3e3e3; stroke-width: 1; }
svg.chart .target { stroke: #2ca02c; stroke-width: 1.5; stroke-dasharray: 5 4; }
svg.chart .target-label { font-size: 10px; fill: #2ca02c; }
svg.chart .chart-empty { font-size: 12px; fill: #888; }
"""

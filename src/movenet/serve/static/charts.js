// Small SVG line charts for the history page (the same drawing as the report's, reports/svg.py):
// dates on x, values on y, dashed target lines, a legend. No library, nothing fetched.

const NS = "http://www.w3.org/2000/svg";
const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"];

function el(name, attrs = {}, text = null) {
  const node = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== null) node.textContent = text;
  return node;
}

export function niceTicks(lo, hi, n = 5) {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi - lo < 1e-9) { lo -= 1; hi += 1; }
  const raw = (hi - lo) / Math.max(n - 1, 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw);
  const ticks = [];
  for (let v = Math.floor(lo / step) * step; v <= hi + step * 0.5; v += step) ticks.push(Math.round(v * 1e6) / 1e6);
  return ticks;
}

const dayNumber = (iso) => Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) / 86400000;
const isoDay = (n) => new Date(Math.round(n) * 86400000).toISOString().slice(0, 10);

// series: [{name, points: [[isoDay, value|null], ...]}]; targets: [[value, label]]
export function lineChart({ title, series, targets = [], yLabel = "", yRange = null, width = 430, height = 220 }) {
  const pad = { l: 48, r: 12, t: 28, b: 40 };
  const svg = el("svg", { class: "chart", viewBox: `0 0 ${width} ${height}`, width, height, role: "img", "aria-label": title });
  svg.appendChild(el("text", { x: pad.l, y: 16, class: "chart-title" }, title));
  const pts = series.flatMap((s) => s.points.filter((p) => p[1] !== null).map((p) => [dayNumber(p[0]), p[1]]));
  if (!pts.length) {
    svg.appendChild(el("text", { x: width / 2, y: height / 2, "text-anchor": "middle", class: "chart-empty" }, "no data yet"));
    return svg;
  }
  let x0 = Math.min(...pts.map((p) => p[0])), x1 = Math.max(...pts.map((p) => p[0]));
  if (x1 - x0 < 1) { x0 -= 1; x1 += 1; }
  const ys = pts.map((p) => p[1]).concat(targets.map((t) => t[0]));
  let [lo, hi] = yRange || [Math.min(...ys), Math.max(...ys)];
  const ticks = niceTicks(lo, hi);
  lo = Math.min(ticks[0], lo); hi = Math.max(ticks[ticks.length - 1], hi);
  const iw = width - pad.l - pad.r, ih = height - pad.t - pad.b;
  const sx = (x) => pad.l + (x - x0) / (x1 - x0) * iw;
  const sy = (y) => (hi > lo ? pad.t + ih - (y - lo) / (hi - lo) * ih : pad.t + ih / 2);
  for (const t of ticks) {
    svg.appendChild(el("line", { x1: pad.l, x2: width - pad.r, y1: sy(t), y2: sy(t), class: "grid" }));
    svg.appendChild(el("text", { x: pad.l - 6, y: sy(t) + 4, "text-anchor": "end", class: "tick" }, String(t)));
  }
  [[x0, "start"], [(x0 + x1) / 2, "middle"], [x1, "end"]].forEach(([x, anchor]) =>
    svg.appendChild(el("text", { x: sx(x), y: height - pad.b + 16, "text-anchor": anchor, class: "tick" }, isoDay(x))));
  if (yLabel) svg.appendChild(el("text", { x: 12, y: pad.t + ih / 2, transform: `rotate(-90 12 ${pad.t + ih / 2})`, "text-anchor": "middle", class: "tick" }, yLabel));
  for (const [value, label] of targets) {
    svg.appendChild(el("line", { x1: pad.l, x2: width - pad.r, y1: sy(value), y2: sy(value), class: "target" }));
    svg.appendChild(el("text", { x: width - pad.r - 2, y: sy(value) - 4, "text-anchor": "end", class: "target-label" }, label));
  }
  let legendX = pad.l;
  series.forEach((s, i) => {
    const color = s.color || PALETTE[i % PALETTE.length];
    const coords = s.points.filter((p) => p[1] !== null).map((p) => [sx(dayNumber(p[0])), sy(p[1])]);
    if (coords.length > 1) {
      svg.appendChild(el("polyline", { points: coords.map((c) => `${c[0].toFixed(1)},${c[1].toFixed(1)}`).join(" "), fill: "none", stroke: color, "stroke-width": 2 }));
    }
    if (coords.length <= 60) coords.forEach((c) => svg.appendChild(el("circle", { cx: c[0], cy: c[1], r: 3, fill: color })));
    svg.appendChild(el("rect", { x: legendX, y: height - 14, width: 10, height: 10, fill: color }));
    svg.appendChild(el("text", { x: legendX + 14, y: height - 5, class: "legend" }, s.name));
    legendX += 24 + 7 * s.name.length;
  });
  return svg;
}

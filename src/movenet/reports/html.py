"""A patient's report as one self-contained HTML file: the programme, adherence, trends per
exercise and joint (inline SVG charts), the standard tests, and the latest sessions set by set.
Nothing is loaded from anywhere: it can be mailed, printed or turned into a PDF (`pdf`)."""

from __future__ import annotations

import datetime as dt
import html

from movenet.programme.history import history
from movenet.reports.svg import CHART_CSS, line_chart

esc = html.escape

PAGE_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #222; margin: 24px auto; max-width: 900px; padding: 0 16px; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; border-bottom: 1px solid #ddd; padding-bottom: 4px; margin-top: 28px; }
h3 { font-size: 14px; margin: 16px 0 6px; }
.meta { color: #555; font-size: 13px; } .privacy { font-size: 12px; color: #8a4b00; background: #fff6e5; padding: 6px 10px; border-radius: 4px; }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; margin: 6px 0 12px; }
th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid #eee; vertical-align: top; }
th { background: #f5f5f5; font-weight: 600; }
.ok { color: #1a7f37; font-weight: 600; } .miss { color: #c62828; font-weight: 600; } .muted { color: #777; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; } .card { border: 1px solid #ddd; border-radius: 6px; padding: 8px 12px; min-width: 140px; }
.card b { display: block; font-size: 20px; } .warn { color: #8a4b00; font-size: 12px; margin: 0; padding-left: 16px; }
.charts { display: flex; flex-wrap: wrap; gap: 8px; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } svg.chart, table { break-inside: avoid; } }
"""


def _pct(x) -> str:
    return "-" if x is None else f"{x * 100:.0f} %"


def render_html(store, code: str, *, limit: int = 20, generated: dt.datetime | None = None) -> str:
    h = history(store, code, limit=limit)
    programme = store.current_programme(code)
    generated = generated or dt.datetime.now(dt.timezone.utc)
    parts = [f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Exercise report: {esc(code)}</title>",
             f"<style>{PAGE_CSS}{CHART_CSS}</style></head><body>",
             f"<h1>Home-exercise report: patient {esc(code)}</h1>",
             f"<p class=\"meta\">{h['sessions_total']} sessions"
             + (f", {h['first_day']} to {h['last_day']}" if h["sessions_total"] else "")
             + f". Generated {generated.strftime('%Y-%m-%d %H:%M')} UTC by movenet.</p>",
             "<p class=\"privacy\">Health data of one patient: share it only with their care team. Angles are measured in 2D from "
             "a single camera by pose estimation (MoveNet); they depend on the camera's view and are not a goniometer's.</p>"]
    parts.append(_programme_section(programme))
    parts.append(_summary(h))
    parts.append(_trends(h, programme))
    parts.append(_tests(h))
    parts.append(_sessions(store, h))
    parts.append("</body></html>")
    return "\n".join(parts)


def _programme_section(programme) -> str:
    if programme is None:
        return "<h2>Programme</h2><p class=\"muted\">No programme assigned.</p>"
    rows = []
    for item in programme.items:
        if item.kind == "exercise":
            dose = f"{item.sets} x {item.reps} reps" if item.reps else f"{item.sets} x {item.time_s:g} s"
            extra = [f"tempo {item.tempo}" if item.tempo else "", f"hold {item.hold_s:g} s" if item.hold_s else "",
                     f"side {item.side}" if item.side != "both" else "", f"rest {item.rest_s:g} s"]
            targets = ", ".join(t.describe() for t in item.target_rom)
        else:
            dose = f"{item.trials} trial(s)" + (f", {item.time_s:g} s max" if item.time_s else "")
            extra = [f"side {item.side}" if item.side != "both" else "", f"rest {item.rest_s:g} s"]
            targets = ""
        rows.append(f"<tr><td>{esc(item.label)}</td><td>{esc(dose)}</td><td>{esc(', '.join(x for x in extra if x))}</td>"
                    f"<td>{esc(targets) or '<span class=muted>-</span>'}</td><td>{esc(item.notes)}</td></tr>")
    notes = f"<p>{esc(programme.notes)}</p>" if programme.notes else ""
    return (f"<h2>Programme: {esc(programme.name)}</h2>{notes}<table><tr><th>exercise / test</th><th>dose</th><th>how</th>"
            f"<th>range-of-motion target</th><th>notes</th></tr>{''.join(rows)}</table>")


def _summary(h: dict) -> str:
    if not h["sessions_total"]:
        return "<h2>Summary</h2><p class=\"muted\">No sessions yet.</p>"
    recent = h["adherence"][-4:]
    recent_adh = sum(p["adherence"] * p["sessions"] for p in recent) / max(sum(p["sessions"] for p in recent), 1)
    cards = [("sessions", h["sessions_total"]), ("mean adherence", _pct(h["adherence_mean"])),
             ("adherence, latest points", _pct(recent_adh)), ("last session", h["last_day"])]
    chart = line_chart([{"name": "adherence %", "points": [(p["day"], p["adherence"] * 100) for p in h["adherence"]]}],
                       title=f"Adherence to the programme (repetitions done of those prescribed, per {_bucket(h)})",
                       y_label="%", y_range=(0, 100))
    return ("<h2>Summary</h2><div class=\"cards\">" + "".join(f"<div class=card><b>{esc(str(v))}</b>{esc(k)}</div>" for k, v in cards)
            + f"</div><div class=charts>{chart}</div>")


def _bucket(h: dict) -> str:
    return "day" if h["bucket_days"] == 1 else f"{h['bucket_days']} days"


def _trends(h: dict, programme=None) -> str:
    if not h["exercises"]:
        return ""
    out = ["<h2>Progress per exercise</h2>"]
    for name, ex in h["exercises"].items():
        out.append(f"<h3>{esc(name.replace('_', ' '))}</h3><div class=charts>")
        if ex["reps"]:
            target = [(ex["reps"][-1]["target_per_set"], "target")] if ex["reps"][-1]["target_per_set"] else []
            out.append(line_chart([{"name": "repetitions per set", "points": [(p["day"], p["reps_per_set"]) for p in ex["reps"]]},
                                   {"name": "partial per set", "points": [(p["day"], p["partial_per_set"]) for p in ex["reps"]]}],
                                  title=f"{name}: repetitions per set", targets=target, width=430))
        for measure, pts in ex["rom"].items():
            targets = _rom_targets(programme, name, measure)
            out.append(line_chart([{"name": "smallest angle", "points": [(p["day"], p["min_deg"]) for p in pts]},
                                   {"name": "largest angle", "points": [(p["day"], p["max_deg"]) for p in pts]}],
                                  title=f"{name}: {measure.replace('_', ' ')} (deg)", y_label="deg", width=430, targets=targets))
        out.append("</div>")
    return "".join(out)


def _rom_targets(programme, exercise: str, measure: str) -> list[tuple[float, str]]:
    """The current programme's targets for this joint: dashed lines on its chart."""
    out = []
    for item in (programme.items if programme else ()):
        if item.kind != "exercise" or item.exercise != exercise:
            continue
        for t in item.target_rom:
            if t.measure == measure:
                if t.at_most is not None:
                    out.append((t.at_most, f"target: smallest <= {t.at_most:g}"))
                if t.at_least is not None:
                    out.append((t.at_least, f"target: largest >= {t.at_least:g}"))
    return out[:2]


def _tests(h: dict) -> str:
    if not h["tests"]:
        return ""
    charts = [line_chart([{"name": key, "points": [(p["day"], p["value"]) for p in t["points"]]}],
                         title=f"{key} ({t['unit']}; {t['better']} is better)", width=430) for key, t in h["tests"].items()]
    rows = "".join(f"<tr><td>{esc(k)}</td><td>{t['points'][0]['value']:g}</td><td>{t['points'][-1]['value']:g}</td><td>{esc(t['unit'])}</td>"
                   f"<td>{t['points'][0]['day']} to {t['points'][-1]['day']}</td></tr>" for k, t in h["tests"].items())
    return (f"<h2>Standard tests</h2><table><tr><th>test</th><th>first</th><th>latest</th><th>unit</th><th>period</th></tr>{rows}</table>"
            f"<div class=charts>{''.join(charts)}</div>")


def _sessions(store, h: dict) -> str:
    if not h["sessions"]:
        return ""
    out = [f"<h2>Latest sessions ({len(h['sessions'])} of {h['sessions_total']})</h2>"]
    for s in h["sessions"]:
        d = store.session(s["id"])
        out.append(f"<h3>{d['started_at'][:16].replace('T', ' ')} UTC: {esc(d['programme'])} ({esc(d['status'])}, "
                   f"{d['reps_done']}/{d['planned_reps']} reps, adherence {_pct(d['adherence'])})</h3>")
        rows = []
        for st in d["sets"]:
            if st["status"] == "not done":
                rows.append(f"<tr class=muted><td>{esc(st['label'])}{_side(st)}</td><td>{st['set']}</td><td colspan=4>not done</td></tr>")
                continue
            if st["kind"] == "exercise":
                result = f"{st['reps']}/{st['target_reps']}" if st["target_reps"] else str(st["reps"])
                partial = str(st["partial_reps"])
                rom = "<br>".join(_rom(c) for c in st["rom"]) or "-"
            else:
                t = st["test"] or {}
                result = "-" if t.get("value") is None else f"{t['value']:g} {esc(t.get('unit', ''))}"
                partial, rom = "", ""
            warn = "".join(f"<li>{esc(w)}</li>" for w in st["warnings"])
            rows.append(f"<tr><td>{esc(st['label'])}{_side(st)}</td><td>{st['set']}</td><td>{result}</td><td>{partial}</td><td>{rom}</td>"
                        f"<td>{esc(st['status'])}{f'<ul class=warn>{warn}</ul>' if warn else ''}</td></tr>")
        out.append("<table><tr><th>exercise / test</th><th>set</th><th>result</th><th>partial</th><th>range of motion vs target</th>"
                   f"<th>status, form</th></tr>{''.join(rows)}</table>")
    return "".join(out)


def _side(st: dict) -> str:
    return f" ({st['side']})" if st.get("side") else ""


def _rom(c: dict) -> str:
    if c["min_deg"] is None:
        return f"{esc(c['measure'])}: not seen"
    target = " ".join(x for x in (f"&le; {c['at_most']:g}" if c["at_most"] is not None else "",
                                  f"&ge; {c['at_least']:g}" if c["at_least"] is not None else "",
                                  f"range &ge; {c['range_target']:g}" if c["range_target"] is not None else "") if x)
    mark = "<span class=ok>met</span>" if c["met"] else "<span class=miss>missed</span>"
    return f"{esc(c['measure'])} {c['min_deg']:.0f}-{c['max_deg']:.0f} (target {target}) {mark}"

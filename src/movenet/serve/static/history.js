// The history page: trends and sessions from /api/patients/PATIENT/history, charts drawn here
// by charts.js (no library, nothing fetched from elsewhere).
import { lineChart } from "./charts.js";

const $ = (id) => document.getElementById(id);
const patient = decodeURIComponent(location.pathname.split("/")[2] || "");
const base = `/api/patients/${encodeURIComponent(patient)}`;
window.movenetHistory = { data: null, rendered: false };

function status(text, isError = false) {
  $("status").textContent = text;
  $("status").classList.toggle("error", isError);
}

const pct = (x) => (x == null ? "-" : `${Math.round(x * 100)} %`);

function card(label, value) {
  const div = document.createElement("div");
  div.className = "card";
  const b = document.createElement("b");
  b.textContent = value;
  div.append(b, label);
  return div;
}

async function load() {
  const started = performance.now();
  const response = await fetch(`${base}/history?limit=30`);
  const h = await response.json();
  if (!response.ok) throw new Error(h.error || `HTTP ${response.status}`);
  window.movenetHistory.data = h;
  $("title").textContent = `${patient}: history`;
  $("programme-link").href = `/patients/${encodeURIComponent(patient)}`;
  $("report-link").href = `${base}/report.html`;
  $("cards").replaceChildren(card("sessions", String(h.sessions_total)), card("mean adherence", pct(h.adherence_mean)),
    card("first", h.first_day || "-"), card("latest", h.last_day || "-"));
  const per = h.bucket_days === 1 ? "day" : `${h.bucket_days} days`;
  $("adherence").replaceChildren(lineChart({ title: `Adherence (repetitions done of those prescribed, per ${per})`, yLabel: "%", yRange: [0, 100], width: 640,
    series: [{ name: "adherence %", points: h.adherence.map((p) => [p.day, p.adherence * 100]) }] }));
  const blocks = Object.entries(h.exercises).map(([name, ex]) => {
    const wrap = document.createElement("div");
    const title = document.createElement("h3");
    title.textContent = name.replace(/_/g, " ");
    const charts = document.createElement("div");
    charts.className = "charts";
    if (ex.reps.length) {
      const last = ex.reps[ex.reps.length - 1];
      charts.appendChild(lineChart({ title: `${name}: repetitions per set`, targets: last.target_per_set ? [[last.target_per_set, "target"]] : [],
        series: [{ name: "repetitions per set", points: ex.reps.map((p) => [p.day, p.reps_per_set]) },
                 { name: "partial per set", points: ex.reps.map((p) => [p.day, p.partial_per_set]) }] }));
    }
    for (const [measure, pts] of Object.entries(ex.rom)) {
      charts.appendChild(lineChart({ title: `${name}: ${measure.replace(/_/g, " ")} (deg)`, yLabel: "deg",
        series: [{ name: "smallest angle", points: pts.map((p) => [p.day, p.min_deg]) }, { name: "largest angle", points: pts.map((p) => [p.day, p.max_deg]) }] }));
    }
    wrap.append(title, charts);
    return wrap;
  });
  $("exercises").replaceChildren(...blocks);
  $("tests").replaceChildren(...Object.entries(h.tests).map(([key, t]) => lineChart({ title: `${key} (${t.unit}; ${t.better} is better)`,
    series: [{ name: key, points: t.points.map((p) => [p.day, p.value]) }] })));
  const body = $("sessions").querySelector("tbody");
  body.replaceChildren(...h.sessions.map((s) => {
    const tr = document.createElement("tr");
    [s.started_at.slice(0, 16).replace("T", " "), s.programme, s.status, `${s.sets_done}/${s.planned_sets}`, `${s.reps_done}/${s.planned_reps}`, pct(s.adherence)]
      .forEach((text) => { const td = document.createElement("td"); td.textContent = text; tr.appendChild(td); });
    const td = document.createElement("td");
    const del = document.createElement("button");
    del.textContent = "delete";
    del.addEventListener("click", async () => {
      if (!confirm(`Delete the session of ${s.started_at.slice(0, 16)}? This cannot be undone.`)) return;
      const r = await fetch(`${base}/sessions/${s.id}`, { method: "DELETE" });
      if (r.ok) load(); else status((await r.json()).error, true);
    });
    td.appendChild(del);
    tr.appendChild(td);
    return tr;
  }));
  window.movenetHistory.rendered = true;
  window.movenetHistory.renderMs = performance.now() - started;
  status(`${h.sessions_total} sessions`);
}

load().catch((e) => status(e.message, true));

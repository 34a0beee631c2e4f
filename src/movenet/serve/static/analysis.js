// The analysis panels: what the server's analysers computed for each frame (analysers.py), shown.
// Nothing is counted or detected here: the counts, phases, angles, states and alerts are the
// server's (the exercise and fall layers of the package).

const $ = (id) => document.getElementById(id);
const MAX_LOG = 50; // events kept in the fall log
const FLASH_MS = 600; // a card flashes when a repetition is counted

function element(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

// Reps: one card per person (track ids with MultiPose): count, live angle and phase, depth bar.
class RepsPanel {
  render(result) {
    $("reps-rule").textContent = `${result.exercise.replace(/_/g, " ")}: ${result.signal}; counted when ${result.counted_when}`;
    $("reps-rule").hidden = false;
    $("reps-reset").hidden = false;
    const multi = result.people.some((p) => p.id !== null);
    $("reps-people").replaceChildren(...result.people.map((p) => this.card(p, result.marks, multi)));
    const message = result.people.map((p) => (p.message ? `${multi ? `#${p.id}: ` : ""}${p.message}` : "")).filter(Boolean);
    $("reps-message").textContent = message.join(" · ") || result.message || "";
    $("reps-message").hidden = !$("reps-message").textContent;
  }

  card(person, marks, multi) {
    const card = element("div", `person${person.seen ? "" : " unseen"}`);
    card.dataset.id = person.id ?? "";
    if (multi) card.append(element("div", "who", `#${person.id}`));
    card.append(element("div", "count", String(person.count)));
    const angle = person.angle === null ? "–" : `${person.angle.toFixed(0)}°`;
    card.append(element("div", "detail", `${angle} · ${person.phase}`));
    const bar = element("div", "bar");
    const fill = element("div", `fill${person.depth !== null && person.depth >= 1 ? " full" : ""}`);
    fill.style.width = `${Math.min(person.depth ?? 0, 1) * 100}%`;
    const enter = element("div", "mark enter");
    enter.style.left = `${marks.enter * 100}%`;
    const depth = element("div", "mark depth");
    depth.style.left = `calc(${marks.depth * 100}% - 2px)`;
    bar.append(fill, enter, depth);
    bar.title = "depth: the white mark is the level a repetition must reach, the green one full depth";
    card.append(bar);
    if (person.partial) card.append(element("div", "partial", `${person.partial} partial`));
    if (person.event === "rep") {
      card.classList.add("counted");
      setTimeout(() => card.classList.remove("counted"), FLASH_MS);
    }
    return card;
  }

  clear() {
    $("reps-people").replaceChildren();
    ["reps-rule", "reps-message", "reps-reset"].forEach((id) => { $(id).hidden = true; });
  }
}

// Joint angles of the first person (degrees; – where a keypoint is not seen).
class AnglesTable {
  render(result) {
    const first = result.people[0];
    if (!first) return;
    const body = $("angles-table").tBodies[0];
    body.replaceChildren(...Object.entries(first.angles).map(([joint, deg]) => {
      const row = document.createElement("tr");
      row.insertCell().textContent = joint.replace("_", " ");
      row.insertCell().textContent = deg === null ? "–" : `${deg.toFixed(0)}°`;
      return row;
    }));
    $("angles-table").hidden = false;
  }

  clear() { $("angles-table").hidden = true; }
}

// Falls: the state line, the alert (via Alerts: visible, and audible for alarms), the event log.
class FallsPanel {
  constructor(alerts) { this.alerts = alerts; this.idle = $("alerts-state").textContent; }

  render(result) {
    $("alerts-state").textContent = result.message;
    $("falls-reset").hidden = false;
    this.alerts.show(result.alert);
    for (const event of result.events || []) this.log(event);
  }

  log(event) {
    const who = event.track_id === null ? "person" : `person ${event.track_id}`;
    const words = { fall: "FALL", long_lie: "LONG LIE", recovered: "recovered" }[event.event] || event.event;
    const item = element("li", `event ${event.event}`,
      `${new Date().toLocaleTimeString()} ${words}: ${who} (confidence ${event.confidence.toFixed(2)}, ${event.method})`);
    const list = $("fall-log");
    list.prepend(item);
    while (list.children.length > MAX_LOG) list.lastChild.remove();
    list.hidden = false;
  }

  clear() {
    $("alerts-state").textContent = this.idle;
    $("falls-reset").hidden = true;
    this.alerts.show(null);
  }
}

// Results ({analyser: result}) into their panels; the menus built from /api/info.
export class AnalysisPanels {
  constructor(info, alerts) {
    const byName = Object.fromEntries(info.analysers.map((a) => [a.name, a]));
    this.views = { reps: new RepsPanel(), angles: new AnglesTable(), falls: new FallsPanel(alerts) };
    const reps = byName.reps;
    $("exercise").closest("label").hidden = !(reps && reps.exercises);
    (reps && reps.exercises ? reps.exercises : []).forEach((e) => $("exercise").add(new Option(e.replace(/_/g, " "), e)));
    const falls = byName.falls;
    if (falls) {
      $("falls-controls").hidden = false;
      $("alerts-state").textContent = "Off.";
      falls.methods.forEach((m) => { const o = new Option(m.name, m.name); o.title = m.description; $("fall-method").add(o); });
      $("confirm-s").value = falls.settings.confirm_s;
      this.views.falls.idle = "Off.";
    }
    const showConfirm = () => { $("confirm-label").hidden = $("fall-method").value !== "default"; };
    $("fall-method").addEventListener("change", showConfirm);
    showConfirm();
  }

  // The analysers the page asks for (the settings message's "analysers").
  requested() {
    const requested = {};
    if ($("angles-on").checked) requested.angles = {};
    if ($("exercise").value) requested.reps = { exercise: $("exercise").value };
    if ($("falls-on").checked) {
      requested.falls = { method: $("fall-method").value };
      if (requested.falls.method === "default" && $("confirm-s").value !== "") requested.falls.confirm_s = Number($("confirm-s").value);
    }
    return requested;
  }

  // Panels whose analyser is off (or replaced: a new exercise) are cleared.
  configure(requested, previous) {
    for (const [name, view] of Object.entries(this.views)) {
      if (JSON.stringify(requested[name]) !== JSON.stringify(previous[name])) view.clear();
    }
  }

  render(results) {
    for (const [name, result] of Object.entries(results)) {
      if (this.views[name]) this.views[name].render(result);
    }
  }

  // Every panel back to its empty state (Stop); the fall log is kept.
  clear() {
    Object.values(this.views).forEach((view) => view.clear());
  }
}

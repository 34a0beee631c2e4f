// The side panels: speed figures, model controls, and the alert (visible, audible) of the fall
// panel; the analysis panels themselves are in analysis.js.

const $ = (id) => document.getElementById(id);

function percentile(values, q) {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

// Per-frame timings measured on the page; figures over the last second (and all, for tools).
export class Stats {
  constructor() { this.records = []; this.all = []; this.dropped = 0; }

  reset() { this.records = []; this.dropped = null; } // the camera stopped: no figures ("–")

  add(record) { // { t, rtt, latency, inference, server, decode }
    this.records.push(record);
    this.all.push(record);
    if (this.all.length > 100000) this.all.splice(0, 50000); // bounded
    const cutoff = record.t - 1000;
    while (this.records.length && this.records[0].t < cutoff) this.records.shift();
  }

  summary() {
    const r = this.records;
    const pick = (k) => r.map((x) => x[k]);
    return {
      fps: r.length > 1 ? (r.length - 1) * 1000 / (r[r.length - 1].t - r[0].t) : 0,
      rtt: percentile(pick("rtt"), 0.5), inference: percentile(pick("inference"), 0.5),
      server: percentile(pick("server"), 0.5), latency: percentile(pick("latency"), 0.5),
    };
  }

  render() {
    const s = this.summary();
    const ms = (v) => (Number.isFinite(v) ? `${v.toFixed(1)} ms` : "–");
    $("stat-fps").textContent = s.fps ? s.fps.toFixed(1) : "–";
    $("stat-rtt").textContent = ms(s.rtt);
    $("stat-inference").textContent = ms(s.inference);
    $("stat-server").textContent = ms(s.server);
    $("stat-latency").textContent = ms(s.latency);
    $("stat-dropped").textContent = this.dropped === null ? "–" : String(this.dropped);
  }
}

// Model controls built from /api/info; `onChange(changes)` with the detector settings changed.
export class Controls {
  constructor(info, onChange) {
    this.info = info;
    const fill = (select, values) => values.forEach((v) => select.add(new Option(v, v)));
    fill($("model"), info.models.map((m) => m.name));
    fill($("precision"), info.precisions);
    fill($("tracker"), info.trackers);
    const s = info.settings;
    $("model").value = s.model;
    $("precision").value = s.precision;
    $("smoothing").checked = s.smoothing;
    $("tracker").value = s.tracker;
    $("threshold").value = info.threshold;
    this.showModel(s.model);
    this.showValues();
    const changed = (key, value) => onChange({ [key]: value });
    $("model").addEventListener("change", () => { this.showModel($("model").value); changed("model", $("model").value); });
    $("precision").addEventListener("change", () => changed("precision", $("precision").value));
    $("smoothing").addEventListener("change", () => changed("smoothing", $("smoothing").checked));
    $("tracker").addEventListener("change", () => changed("tracker", $("tracker").value));
    $("max-poses").addEventListener("change", () => changed("max_poses", Number($("max-poses").value)));
    $("threshold").addEventListener("input", () => this.showValues());
    $("quality").addEventListener("input", () => this.showValues());
  }

  showModel(name) {
    const model = this.info.models.find((m) => m.name === name);
    document.querySelectorAll("#controls .multi").forEach((el) => { el.hidden = !model.multi_pose; });
    $("max-poses").max = model.max_poses;
    $("max-poses").value = model.max_poses;
  }

  showValues() {
    $("threshold-value").textContent = Number($("threshold").value).toFixed(2);
    $("quality-value").textContent = Number($("quality").value).toFixed(2);
  }

  get threshold() { return Number($("threshold").value); }
  get quality() { return Number($("quality").value); }
  get pipelined() { return $("pipelined").checked; }
  get encoding() { return $("encoding").value; }

  // The detector settings the page shows (sent when the connection opens).
  settings() {
    const s = {
      model: $("model").value, precision: $("precision").value,
      smoothing: $("smoothing").checked, tracker: $("tracker").value,
    };
    const model = this.info.models.find((m) => m.name === s.model);
    if (model.multi_pose) s.max_poses = Number($("max-poses").value);
    return s;
  }
}

// Visible and audible alerts ({level: "warning" | "alarm", message}).
export class Alerts {
  constructor() { this.audio = null; this.lastBeep = 0; }

  unlockSound() { // browsers allow audio only after a user gesture (the Start button)
    if (!this.audio && window.AudioContext) this.audio = new AudioContext();
  }

  // In the fall panel and as a banner across the video (where the user is looking).
  show(alert) {
    for (const [id, base] of [["alert-box", "alert"], ["stage-alert", "stage-alert"]]) {
      const box = $(id);
      box.hidden = !alert;
      if (!alert) continue;
      box.className = `${base} ${alert.level === "warning" ? "warning" : "alarm"}`;
      box.textContent = alert.message;
    }
    if (alert && alert.level === "alarm" && $("alert-sound").checked) this.beep();
  }

  beep() { // a short 880 Hz tone made by Web Audio (no sound file), at most every 1.5 s
    const now = performance.now();
    if (!this.audio || now - this.lastBeep < 1500) return;
    this.lastBeep = now;
    if (this.audio.state === "suspended") this.audio.resume();
    const osc = this.audio.createOscillator();
    const gain = this.audio.createGain();
    osc.frequency.value = 880;
    gain.gain.value = 0.2;
    osc.connect(gain).connect(this.audio.destination);
    osc.start();
    osc.stop(this.audio.currentTime + 0.4);
  }
}

// The patient page: the programme run live. The server's SessionRunner counts; this page only
// captures, draws the skeleton and shows the runner's state (movenet/serve/programme_pages.py).
import { FrameClock, FrameGrabber, startCamera } from "./capture.js";
import { PoseDrawer } from "./draw.js";
import { LiveConnection } from "./transport.js";

const $ = (id) => document.getElementById(id);
const patient = decodeURIComponent(location.pathname.split("/")[2] || "");
const page = { state: null, results: [], saved: null, programme: null, frames: 0 };
window.movenetProgramme = page; // for tests and tools

function status(text, isError = false) {
  $("status").textContent = text;
  $("status").classList.toggle("error", isError);
}

function render(state) {
  page.state = state;
  $("phase").textContent = state.phase === "active" ? (state.kind === "test" ? "test" : "exercise") : state.phase;
  $("step-title").textContent = state.title || (state.phase === "done" ? "Session over" : "-");
  $("count").firstChild.textContent = state.kind === "test" ? "" : String(state.count);
  $("target").textContent = state.kind === "exercise" && state.target ? ` / ${state.target}` : "";
  $("timer").textContent = state.remaining_s != null ? `${Math.ceil(state.remaining_s)} s` : state.status || "";
  $("cue").textContent = state.cue;
  if (state.event === "rep") {
    $("count").classList.add("flash");
    setTimeout(() => $("count").classList.remove("flash"), 400);
  }
  const items = $("steps").children;
  for (let i = 0; i < items.length; i += 1) {
    items[i].className = i < state.step ? "done" : i === state.step && state.phase !== "done" ? "current" : "";
  }
  const live = state.phase !== "done";
  $("next").disabled = !live || state.phase === "ready";
  $("pause").disabled = !live || state.phase === "ready";
  $("pause").textContent = state.phase === "paused" ? "Resume" : "Pause";
  $("redo").disabled = !live || state.phase === "ready";
  $("skip").disabled = state.phase !== "active";
  $("stop").disabled = !live || state.phase === "ready";
  $("start").disabled = state.phase !== "ready" || !page.cameraOn;
  if (state.results) renderResults(state.results);
  if (state.saved != null) {
    page.saved = state.saved;
    status(`session ${state.saved} saved`);
  }
}

function renderResults(results) {
  page.results = results;
  const body = $("results").querySelector("tbody");
  body.replaceChildren(...results.map((r) => {
    const tr = document.createElement("tr");
    const what = r.kind === "exercise" ? `${r.reps}${r.target_reps ? ` / ${r.target_reps}` : ""} reps, ${r.partial_reps} partial`
      : r.test && r.test.value != null ? `${r.test.value} ${r.test.unit}` : "not completed";
    [`${r.label}${r.side ? ` (${r.side})` : ""} ${r.kind === "exercise" ? `set ${r.set}` : ""}`, what, r.warnings.join("; ") || "ok"]
      .forEach((text) => { const td = document.createElement("td"); td.textContent = text; tr.appendChild(td); });
    return tr;
  }));
}

async function main() {
  if (!patient) throw new Error("no patient in the address");
  $("history-link").href = `/patients/${encodeURIComponent(patient)}/history`;
  const [info, programme] = await Promise.all([
    fetch("/api/info").then((r) => r.json()),
    fetch(`/api/patients/${encodeURIComponent(patient)}/programme`).then(async (r) => {
      const body = await r.json();
      if (!r.ok) throw new Error(body.error || `HTTP ${r.status}`);
      return body;
    }),
  ]);
  page.programme = programme;
  $("title").textContent = `${patient}: ${programme.programme.name}`;
  $("programme-notes").textContent = programme.programme.notes || "";
  $("steps").replaceChildren(...programme.steps.map((s) => {
    const li = document.createElement("li");
    li.textContent = `${s.title}${s.target_reps ? `: ${s.target_reps} reps` : ""}`;
    return li;
  }));
  const drawer = new PoseDrawer(info);
  const connection = new LiveConnection({
    hello: () => status("connected"),
    analysis: (m) => { if (m.results && m.results.programme) render(m.results.programme); },
    error: (m) => status(m.message, true),
    close: ({ code, reason }) => status(`disconnected (${code}${reason ? `: ${reason}` : ""})`, true),
  }, `/ws/programme/${encodeURIComponent(patient)}`);
  await connection.open();
  status("connected: start the camera");
  const video = $("video");
  const overlay = $("overlay");
  const ctx = overlay.getContext("2d");

  async function loop(clock, grabber) {
    let seen = 0;
    while (connection.ready) {
      seen = await clock.next(seen);
      if (seen < 0) break;
      const captured = performance.now();
      const frame = await grabber.grab("jpeg", 0.7);
      const result = await connection.sendFrame(frame.data, frame.format, captured, frame.width, frame.height);
      if (!result) continue;
      page.frames += 1;
      if (overlay.width !== result.width || overlay.height !== result.height) {
        overlay.width = result.width;
        overlay.height = result.height;
      }
      drawer.draw(ctx, result.poses, { threshold: info.threshold, mirrored: true });
    }
  }

  $("camera").addEventListener("click", async () => {
    try {
      await startCamera(video, 640, 480);
    } catch (e) {
      status(`camera: ${e.message}`, true);
      return;
    }
    $("placeholder").hidden = true;
    $("camera").disabled = true;
    page.cameraOn = true;
    $("start").disabled = false;
    loop(new FrameClock(video), new FrameGrabber(video));
  });
  $("start").addEventListener("click", () => connection.sendCommand("start"));
  $("next").addEventListener("click", () => connection.sendCommand("next"));
  $("pause").addEventListener("click", () => connection.sendCommand(page.state && page.state.phase === "paused" ? "resume" : "pause"));
  $("redo").addEventListener("click", () => connection.sendCommand("redo"));
  $("skip").addEventListener("click", () => connection.sendCommand("skip"));
  $("stop").addEventListener("click", () => connection.sendCommand("stop"));
}

main().catch((e) => status(e.message, true));

// The page: wires the camera, the connection, the drawing and the panels together.
import { FrameClock, FrameGrabber, startCamera, stopCamera } from "./capture.js";
import { PoseDrawer } from "./draw.js";
import { AnalysisPanels } from "./analysis.js";
import { Alerts, Controls, Stats } from "./panels.js";
import { ResultPreview } from "./preview.js";
import { LiveConnection } from "./transport.js";
import { ImageUpload, VideoUpload } from "./upload.js";
import { InferenceMode, keypointsMessage } from "./browser/mode.js";

const $ = (id) => document.getElementById(id);

function status(text, isError = false) {
  $("status").textContent = text;
  $("status").classList.toggle("error", isError);
}

// For tests and tools: the last answer, the frame it was computed on, the timings.
// `record` set to an array keeps every frame sent with its answer, and its analysis when it comes
// (tests replay them).
const page = {
  info: null, last: null, lastFrame: null, lastAnalysis: null, lastUpload: null, stats: new Stats(),
  settings: null, closed: null, record: null,
};
window.movenet = page;

async function main() {
  const info = await (await fetch("/api/info")).json();
  page.info = info;
  const drawer = new PoseDrawer(info);
  const alerts = new Alerts();
  const panels = new AnalysisPanels(info, alerts);
  const video = $("video");
  const overlay = $("overlay");
  let running = false;

  const inference = new InferenceMode(info, status);
  page.inference = inference;
  const connection = new LiveConnection({
    hello: (m) => { page.settings = m.settings; },
    settings: (m) => {
      page.settings = m.settings;
      page.settingsId = m.settings_id;
      status(`connected · ${m.settings.model}${inference.browser ? " in the browser" : ""}`);
    },
    analysis: (m) => {
      if (!running) return; // the answer to a frame sent before Stop: the panels stay cleared
      page.lastAnalysis = m;
      for (let i = (page.record || []).length - 1; i >= 0; i -= 1) { // the frame it belongs to (recent)
        if (page.record[i].result.frame === m.frame) { page.record[i].analysis = m.results; break; }
      }
      panels.render(m.results);
    },
    error: (m) => status(m.message, true),
    close: ({ code, reason }) => {
      page.closed = { code, reason };
      running = false;
      status(`disconnected (${code}${reason ? `: ${reason}` : ""})`, true);
    },
  });
  const controls = new Controls(info, (changes) => {
    connection.sendSettings(changes);
    inference.update({ ...info.settings, ...controls.settings() }).catch((e) => status(e.message, true));
  });
  const preview = new ResultPreview();
  new ImageUpload(info, drawer, controls, preview);
  new VideoUpload(info, controls, () => panels.requested(), preview);
  page.analysers = () => panels.requested();
  let requested = page.analysers();
  const sendAnalysers = () => { // an analyser whose options did not change keeps its state
    const now = page.analysers();
    connection.sendSettings({ analysers: now });
    panels.configure(now, requested);
    requested = now;
  };
  ["angles-on", "exercise", "falls-on", "fall-method", "confirm-s"].forEach((id) => $(id).addEventListener("change", sendAnalysers));
  $("falls-on").addEventListener("change", () => alerts.unlockSound()); // a user gesture: sound allowed
  $("reps-reset").addEventListener("click", () => connection.sendReset(["reps"]));
  $("falls-reset").addEventListener("click", () => { connection.sendReset(["falls"]); panels.views.falls.clear(); });
  $("mirror").addEventListener("change", () => $("stage").classList.toggle("mirrored", $("mirror").checked));

  await inference.start({ ...info.settings, ...controls.settings() });
  if (!inference.failed) { // (failed: no live session possible; uploads still work)
    try {
      await connection.open();
      connection.sendSettings({ ...controls.settings(), analysers: page.analysers(), ...inference.declare() });
      status(`connected · ${controls.settings().model}${inference.browser ? " in the browser" : ""}`);
    } catch (e) {
      status(e.message, true);
    }
  }

  const ctx = overlay.getContext("2d");
  function show(frame, result) {
    const now = performance.now();
    if (overlay.width !== result.width || overlay.height !== result.height) {
      overlay.width = result.width;
      overlay.height = result.height;
    }
    drawer.draw(ctx, result.poses, { threshold: controls.threshold, mirrored: $("mirror").checked });
    page.last = result;
    page.lastFrame = frame;
    if (page.record) page.record.push({ ...frame, timestamp: frame.captured, result });
    page.stats.dropped = result.dropped;
    page.stats.add({ t: now, rtt: now - frame.sentAt, latency: now - frame.captured, encode: frame.sentAt - frame.captured,
      inference: result.inference_ms, server: result.server_ms, decode: result.decode_ms });
  }

  // One frame in flight. Pipelined: the next frame is grabbed and encoded while the server works
  // on the previous one, and sent as soon as its answer is back (more fps, a little more latency).
  let generation = 0; // a Stop then Start while a frame is in flight must not leave two loops
  async function loop(clock, grabber) {
    const mine = ++generation;
    let seen = 0;
    let inFlight = null;
    while (running && mine === generation && connection.ready) {
      seen = await clock.next(seen);
      if (seen < 0 || !running || mine !== generation) break;
      const captured = performance.now();
      const frame = await grabber.grab(inference.browser ? "rgba" : controls.encoding, controls.quality);
      frame.captured = captured;
      if (inFlight) {
        const result = await inFlight.promise;
        if (result && running) show(inFlight.frame, result);
        inFlight = null;
      }
      frame.sentAt = performance.now();
      const promise = inference.browser // browser mode: the frame stays here, its keypoints go
        ? inference.estimate(frame, captured, page.record !== null).then((result) => {
          connection.sendKeypoints(keypointsMessage(result, captured));
          return result;
        }).catch((e) => { status(e.message, true); return null; })
        : connection.sendFrame(frame.data, frame.format, captured, frame.width, frame.height);
      if (controls.pipelined) {
        inFlight = { frame, promise };
      } else {
        const result = await promise;
        if (result && running) show(frame, result);
      }
    }
  }

  let clock = null;
  $("start").addEventListener("click", async () => {
    if (inference.failed) return; // browser-only server, and no browser inference here
    alerts.unlockSound();
    const [w, h] = $("resolution").value.split("x").map(Number);
    try {
      await startCamera(video, w, h);
    } catch (e) {
      status(`camera: ${e.message}`, true);
      return;
    }
    if (!connection.ready) {
      await connection.open().catch((e) => status(e.message, true));
      connection.sendSettings({ ...controls.settings(), analysers: page.analysers(), ...inference.declare() });
    }
    preview.close();
    $("placeholder").hidden = true;
    $("start").disabled = true;
    $("stop").disabled = false;
    running = true;
    clock = new FrameClock(video);
    loop(clock, new FrameGrabber(video));
  });
  $("stop").addEventListener("click", () => {
    running = false;
    if (clock) clock.stop();
    stopCamera(video);
    overlay.getContext("2d").clearRect(0, 0, overlay.width, overlay.height);
    // Nothing live is left showing: the speed figures, the counts, angles and alerts start over
    // (the server's analysers too; the fall log stays, it is a record).
    page.stats.reset();
    page.stats.render();
    panels.clear();
    if (connection.ready) connection.sendReset(Object.keys(page.analysers()));
    $("start").disabled = false;
    $("stop").disabled = true;
    $("placeholder").hidden = false;
  });
  setInterval(() => page.stats.render(), 250);
}

main().catch((e) => status(e.message, true));

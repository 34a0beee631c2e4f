// Where the page's model runs: "server" (frames go over the WebSocket) or "browser" (our ONNX
// models in onnxruntime-web, in a worker; only keypoints go to the server). The server's default is
// in /api/info (browser.inference); `?inference=browser|server` overrides it for this page load (a
// reload: a page that runs the model is served cross-origin isolated, for threads). Without
// WebAssembly, or when the model cannot be loaded, the page falls back to the server (unless the
// server is browser-only). `?threads=N`, `?backend=wasm|webgpu` and `?spin=1` are for measurements.

import { BrowserEngine, browserInferenceMissing } from "./engine.js";

const $ = (id) => document.getElementById(id);
const round = (value, digits) => Math.round(value * 10 ** digits) / 10 ** digits;

export class InferenceMode {
  constructor(info, status) {
    this.info = info;
    this.status = status;
    const params = new URLSearchParams(location.search);
    const policy = info.browser ? info.browser.inference : "server";
    const asked = params.get("inference");
    this.requested = policy === "browser-only" ? "browser"
      : (asked === "browser" || asked === "server" ? asked : (policy === "browser" ? "browser" : "server"));
    this.switchable = !info.browser || info.browser.switchable;
    this.mode = "server";
    this.engine = null;
    this.fallback = null; // why the page runs on the server although the browser was asked
    this.options = {
      threads: Number(params.get("threads")) || 0, backend: params.get("backend") || "auto", spinning: params.get("spin") === "1",
    };
    this.nextFrame = 1;
    this.toggle();
  }

  get browser() { return this.mode === "browser"; }

  toggle() {
    const select = $("inference");
    if (!select) return;
    select.value = this.requested;
    select.disabled = !this.switchable;
    select.addEventListener("change", () => {
      const params = new URLSearchParams(location.search);
      params.set("inference", select.value);
      location.search = params.toString(); // a reload: the page's headers depend on the mode
    });
  }

  // Starts the browser engine when asked; resolves with the mode the page runs in.
  async start(settings) {
    if (this.requested !== "browser") return this.show();
    const missing = browserInferenceMissing();
    try {
      if (missing) throw new Error(missing);
      this.status(`loading ${settings.model} in the browser…`);
      this.engine = new BrowserEngine(this.info, this.options);
      await this.engine.configure(settings);
      this.mode = "browser";
      this.readyMs = performance.now(); // since the page's navigation began (the load time)
    } catch (e) {
      if (this.engine) this.engine.close();
      this.engine = null;
      this.fallback = e.message;
      if (!this.switchable) {
        this.status(`browser inference is unavailable (${e.message}) and this server takes no frames`, true);
        this.failed = true;
      }
    }
    return this.show();
  }

  show() {
    if ($("inference")) $("inference").value = this.failed ? "browser" : this.mode; // what runs, after a fallback too
    const note = $("inference-note");
    if (note) {
      note.textContent = this.browser
        ? `The model runs in this browser (${this.describe()}); the server receives keypoints only.`
        : (this.fallback ? `Browser inference is unavailable here (${this.fallback}): this server runs the model.`
          : "This server runs the model on the frames the page sends.");
    }
    const privacy = document.querySelector("#placeholder .privacy"); // where the page says where frames go
    if (privacy && this.browser) privacy.textContent = "Frames stay in this browser; only keypoints go to the server.";
    const label = $("stat-server") && $("stat-server").previousElementSibling;
    if (label && this.browser) label.textContent = "in the browser";
    for (const id of ["encoding", "quality"]) { // how frames travel: none do in browser mode
      const control = $(id) && $(id).closest("label");
      if (control) control.hidden = this.browser;
    }
    return this.mode;
  }

  describe() {
    if (!this.engine || !this.engine.ready) return "";
    const r = this.engine.ready;
    return r.backend === "webgpu" ? "WebGPU" : `WebAssembly, ${r.threads || "auto"} thread${r.threads === 1 ? "" : "s"}`;
  }

  // What the settings messages to the server say about the mode.
  declare() { return { inference: this.mode }; }

  // The detector settings changed on the page: a fresh detector in the worker (a model loads once).
  async update(settings) {
    if (this.browser) await this.engine.configure(settings);
  }

  // Poses of a grabbed RGBA frame ({data: ArrayBuffer, width, height}); `keep` leaves frame.data
  // usable (a copy goes to the worker).
  estimate(frame, capturedMs, keep = false) {
    const pixels = keep ? frame.data.slice(0) : frame.data;
    const id = this.nextFrame++;
    return this.engine.estimate(id, pixels, frame.width, frame.height, capturedMs);
  }
}

// The keypoints message (protocol.py) of a browser result: pixels rounded as the server's poses
// messages are (0.01 px, 1e-4 score).
export function keypointsMessage(result, capturedMs) {
  return {
    type: "keypoints", frame: result.frame, time_ms: capturedMs, width: result.width, height: result.height,
    poses: result.poses.map((p) => ({
      score: round(p.score, 4), box: p.box ? p.box.map((v) => round(v, 2)) : null, id: p.id,
      keypoints: p.keypoints.map((k) => [round(k.x, 2), round(k.y, 2), round(k.score, 4)]),
    })),
  };
}

// The page's side of browser inference: starts worker.js, loads a model in it, and estimates poses
// of frames (RGBA pixels, transferred to the worker, never sent anywhere). `estimate` resolves with
// a message shaped like the server's `poses` message, so the page draws and measures it the same way.

export function browserInferenceMissing() {
  if (typeof WebAssembly !== "object" || typeof WebAssembly.instantiate !== "function") return "this browser has no WebAssembly";
  if (typeof Worker !== "function") return "this browser has no Web Workers";
  return null;
}

export class BrowserEngine {
  // info: /api/info; options: { backend: "auto" | "wasm" | "webgpu", threads: N or 0 (automatic),
  // spinning: onnxruntime-web's threads busy-wait between operators }
  constructor(info, options = {}) {
    this.info = info;
    this.options = { backend: "auto", threads: 0, spinning: false, ...options };
    this.worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
    this.pending = new Map();
    this.nextId = 1;
    this.ready = null;
    this.settingsId = 0;
    this.worker.onmessage = (event) => {
      const answer = event.data;
      const pending = this.pending.get(answer.id);
      if (!pending) return;
      this.pending.delete(answer.id);
      if (answer.type === "error") pending.reject(new Error(answer.message));
      else pending.resolve(answer);
    };
    this.worker.onerror = (event) => {
      const error = new Error(`the inference worker failed: ${event.message || "could not start"}`);
      this.pending.forEach((p) => p.reject(error));
      this.pending.clear();
      this.failed = error;
    };
  }

  call(message, transfer = []) {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...message, id }, transfer);
    });
  }

  // Loads (or keeps) the model of `settings` ({model, precision, smoothing, tracker, max_poses,
  // min_pose_score}) and starts a fresh detector: its video state starts over, as on the server.
  async configure(settings) {
    const model = this.info.browser.models[settings.model];
    if (!model) throw new Error(`no browser model ${settings.model}`);
    const url = model.files[settings.precision];
    if (!url) throw new Error(`${settings.model} has no ${settings.precision} model for the browser`);
    this.ready = await this.call({
      type: "load", model: settings.model, precision: settings.precision, url, spec: model.spec, settings,
      backend: this.options.backend, threads: this.options.threads, spinning: this.options.spinning,
    });
    this.settings = settings;
    this.settingsId += 1;
    return this.ready;
  }

  // Poses of one frame: rgba an ArrayBuffer (transferred: unusable here afterwards).
  async estimate(frameId, rgba, width, height, timestampMs, trace = false) {
    const answer = await this.call({ type: "frame", frame: frameId, rgba, width, height, timestampMs, trace }, [rgba]);
    return { ...answer, settings_id: this.settingsId, decode_ms: 0, server_ms: answer.pipeline_ms, dropped: 0, backend: this.ready.backend };
  }

  close() { this.worker.terminate(); }
}

// The browser's inference, in a module worker (the page stays responsive): onnxruntime-web runs our
// ONNX models (the files the server runs, decoding inside the graph) and pipeline.js does the rest.
// Messages in: {type: "load", model, precision, url, spec, settings, backend, threads} (a session
// for that model, and a fresh detector), {type: "settings", settings} (a fresh detector, the model
// kept), {type: "frame", id, rgba, width, height, timestampMs, trace}. Out: {type: "ready", ...},
// {type: "poses", ...}, {type: "error", id, message}. Every answer carries the request's `id`.

import { makeDetector } from "./pipeline.js";

const RUNTIMES = { wasm: "../ort/ort.wasm.min.mjs", webgpu: "../ort/ort.jspi.min.mjs" };
let ort = null;
let backend = null;
let session = null;
let detector = null;
let loaded = null; // { model, precision, spec }
let lastInferenceMs = 0;

async function canUseWebGpu() {
  // The WebGPU build needs JavaScript Promise Integration (Chromium 137+) and an adapter.
  if (!("gpu" in navigator) || typeof WebAssembly !== "object" || !("Suspending" in WebAssembly)) return false;
  try {
    return (await navigator.gpu.requestAdapter()) !== null;
  } catch (e) {
    return false;
  }
}

// MultiPose's output on onnxruntime-web's WebGPU differs from the CPU's (up to a third of the frame
// on some of the test photos; Lightning and Thunder within 4e-7): "auto" runs it on WebAssembly.
const WEBGPU_MODELS = (spec) => !spec.multi_pose;

async function loadRuntime(requested, threads, spec) {
  if (typeof WebAssembly !== "object") throw new Error("this browser has no WebAssembly");
  const auto = requested !== "wasm" && requested !== "webgpu";
  const kind = requested === "wasm" || (auto && !WEBGPU_MODELS(spec)) ? "wasm" : (await canUseWebGpu() ? "webgpu" : "wasm");
  if (requested === "webgpu" && kind !== "webgpu") throw new Error("WebGPU is not available in this browser");
  if (ort && backend && backend.kind === kind) return;
  ort = await import(RUNTIMES[kind]);
  // Threads need SharedArrayBuffer, which browsers give only to cross-origin isolated pages.
  const isolated = self.crossOriginIsolated === true;
  ort.env.wasm.numThreads = isolated ? (threads || 0) : 1; // 0: onnxruntime's choice
  ort.env.wasm.simd = true;
  ort.env.logLevel = "error";
  backend = { kind, isolated };
}

async function createSession(url, kind, spinning) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const providers = kind === "webgpu" ? ["webgpu", "wasm"] : ["wasm"];
  // Threads that busy-wait between the model's operators take the cores the page needs (decoding and
  // drawing the camera): off unless asked (`?spin=1`), as the server turns it off beside a browser.
  const extra = { session: { intra_op: { allow_spinning: spinning ? "1" : "0" } } };
  return ort.InferenceSession.create(bytes, { executionProviders: providers, graphOptimizationLevel: "all", extra });
}

async function run(input, shape) {
  const started = performance.now();
  const result = await session.run({ [session.inputNames[0]]: new ort.Tensor("int32", input, shape) });
  const output = result[session.outputNames[0]];
  const data = output.location === "gpu-buffer" ? await output.getData() : output.data;
  lastInferenceMs += performance.now() - started;
  return data;
}

async function load(message) {
  const started = performance.now();
  const before = backend && backend.kind;
  await loadRuntime(message.backend, message.threads, message.spec);
  const same = loaded && loaded.model === message.model && loaded.precision === message.precision && before === backend.kind;
  if (!same) {
    if (session) await session.release();
    session = null;
    try {
      session = await createSession(message.url, backend.kind, message.spinning);
    } catch (e) {
      if (backend.kind !== "webgpu" || message.backend === "webgpu") throw e;
      // WebGPU was there but could not run the model: the WebAssembly build instead
      await loadRuntime("wasm", message.threads, message.spec);
      backend.webgpuError = String(e && e.message ? e.message : e);
      session = await createSession(message.url, backend.kind, message.spinning);
    }
    loaded = { model: message.model, precision: message.precision, spec: message.spec };
  }
  detector = makeDetector(run, loaded.spec, message.settings);
  return {
    type: "ready", model: loaded.model, precision: loaded.precision, backend: backend.kind, isolated: backend.isolated,
    threads: ort.env.wasm.numThreads, spinning: Boolean(message.spinning), version: ort.env.versions ? ort.env.versions.web : null,
    load_ms: performance.now() - started,
  };
}

async function frame(message) {
  const started = performance.now();
  lastInferenceMs = 0;
  const trace = message.trace ? {} : null;
  const rgba = new Uint8Array(message.rgba);
  const poses = await detector.estimate(rgba, message.width, message.height, message.timestampMs * 1000, trace);
  const out = {
    type: "poses", frame: message.frame, width: message.width, height: message.height, model: loaded.model,
    poses, inference_ms: lastInferenceMs, pipeline_ms: performance.now() - started,
  };
  if (trace) { // for tests: what the network saw and said
    const digest = await crypto.subtle.digest("SHA-256", trace.input);
    const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
    out.trace = { region: trace.region || null, raw: trace.raw, input_sha256: hex };
  }
  return out;
}

const handlers = {
  load,
  settings: async (message) => { detector = makeDetector(run, loaded.spec, message.settings); return { type: "settings" }; },
  frame,
};

// One message at a time, in order (a frame never overlaps a model change).
let queue = Promise.resolve();
self.onmessage = (event) => {
  const message = event.data;
  queue = queue.then(async () => {
    try {
      const answer = await handlers[message.type](message);
      self.postMessage({ ...answer, id: message.id });
    } catch (e) {
      self.postMessage({ type: "error", id: message.id, message: e && e.message ? e.message : String(e) });
    }
  });
};

// Uploads: an image (poses drawn in the main view, JSON downloadable) and a video (processed on the
// server with progress; the annotated video played in the main view, it and the JSON lines
// downloadable, with the exercise report and the fall events when those analyses are on; then
// deleted from the server).

const $ = (id) => document.getElementById(id);
const POLL_MS = 500;

async function answer(response) {
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error || `HTTP ${response.status}`);
  return body;
}

const DOWNLOADS = { video: "video-download", poses: "jsonl-download", exercise: "exercise-download", falls: "falls-download" };

function query(settings, analysis = {}) {
  const params = new URLSearchParams({ model: settings.model, precision: settings.precision });
  if (settings.max_poses) params.set("max_poses", settings.max_poses);
  if (analysis.reps) params.set("exercise", analysis.reps.exercise);
  if (analysis.falls) params.set("falls", analysis.falls.method);
  return params.toString();
}

function describe(job) {
  const parts = [`${job.frames} frames done${job.truncated ? " (cut at the frame limit)" : ""}`];
  const a = job.analysis || {};
  if (a.exercise) parts.push(`${a.exercise.replace(/_/g, " ")}: ${a.reps} rep(s), ${a.partial_reps} partial`);
  if (a.falls) {
    const events = Object.entries(a.fall_events || {}).map(([kind, n]) => `${n} ${kind}`);
    parts.push(`falls: ${events.length ? events.join(", ") : "no events"}`);
  }
  return parts.join("; ");
}

export class ImageUpload {
  constructor(info, drawer, controls, preview) {
    this.info = info;
    this.drawer = drawer;
    this.controls = controls;
    this.preview = preview;
    this.jsonUrl = null;
    $("image-file").addEventListener("change", () => {
      const file = $("image-file").files[0];
      if (file) this.send(file).catch((e) => { $("image-state").textContent = e.message; });
    });
  }

  async send(file) {
    if (file.size > this.info.limits.image_bytes) {
      throw new Error(`${file.name} is ${(file.size / 1e6).toFixed(1)} MB; the limit is ${(this.info.limits.image_bytes / 1e6).toFixed(0)} MB`);
    }
    $("image-state").textContent = "estimating…";
    const response = await fetch(`/api/poses?${query(this.controls.settings())}`, {
      method: "POST", body: file, headers: { "Content-Type": file.type || "application/octet-stream" },
    });
    const result = await answer(response);
    const bitmap = await createImageBitmap(file); // EXIF orientation applied, as on the server
    this.preview.showImage(bitmap, result.width, result.height,
      (ctx) => this.drawer.draw(ctx, result.poses, { threshold: this.controls.threshold, clear: false }));
    if (this.jsonUrl) URL.revokeObjectURL(this.jsonUrl);
    this.jsonUrl = URL.createObjectURL(new Blob([JSON.stringify({ file: file.name, ...result }, null, 2)], { type: "application/json" }));
    $("image-json").href = this.jsonUrl;
    $("image-json").hidden = false;
    $("image-state").textContent = `${result.poses.length} pose(s)`;
    window.movenet.lastUpload = result; // for tests and tools: set once everything shows
    return result;
  }
}

export class VideoUpload {
  constructor(info, controls, analysis, preview) {
    this.info = info;
    this.controls = controls;
    this.preview = preview;
    this.analysis = analysis; // () -> the analysers on (the exercise chosen, falls)
    this.job = null;
    $("video-file").addEventListener("change", () => {
      const file = $("video-file").files[0];
      if (file) this.send(file).catch((e) => { $("video-state").textContent = e.message; });
    });
    $("video-delete").addEventListener("click", () => this.remove());
    // nothing kept: the job's files go when the page goes
    window.addEventListener("pagehide", () => this.remove(true));
  }

  async send(file) {
    if (file.size > this.info.limits.video_bytes) {
      throw new Error(`${file.name} is ${(file.size / 1e6).toFixed(0)} MB; the limit is ${(this.info.limits.video_bytes / 1e6).toFixed(0)} MB`);
    }
    await this.remove();
    [...Object.values(DOWNLOADS), "video-delete"].forEach((id) => { $(id).hidden = true; });
    $("video-state").textContent = "uploading…";
    const response = await fetch(`/api/videos?${query(this.controls.settings(), this.analysis())}`, {
      method: "POST", body: file, headers: { "Content-Type": file.type || "application/octet-stream" },
    });
    this.job = await answer(response);
    $("video-progress").hidden = false;
    $("video-delete").hidden = false;
    while (this.job && (this.job.state === "running" || this.job.state === "receiving")) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      if (!this.job) return;
      this.job = await answer(await fetch(`/api/videos/${this.job.id}`));
      const total = this.job.total || this.job.frames || 1;
      $("video-progress").value = this.job.frames / total;
      $("video-state").textContent = `${this.job.frames} / ${this.job.total ?? "?"} frames`;
    }
    if (!this.job) return;
    if (this.job.state !== "done") throw new Error(this.job.error || this.job.state);
    $("video-progress").value = 1;
    $("video-state").textContent = describe(this.job);
    for (const [key, url] of Object.entries(this.job.downloads)) {
      $(DOWNLOADS[key]).href = url;
      $(DOWNLOADS[key]).hidden = false;
    }
    if (this.job.downloads.video) this.preview.showVideo(this.job.downloads.video);
  }

  async remove(leaving = false) {
    if (!this.job) return;
    const id = this.job.id;
    if (!leaving && this.job.downloads) this.preview.close(this.job.downloads.video); // its file goes
    this.job = null;
    await fetch(`/api/videos/${id}`, { method: "DELETE", keepalive: leaving }).catch(() => {});
    if (!leaving) {
      [...Object.values(DOWNLOADS), "video-delete", "video-progress"].forEach((el) => { $(el).hidden = true; });
      $("video-state").textContent = "deleted from the server";
    }
  }
}

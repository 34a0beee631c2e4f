// The camera: getUserMedia into a <video>, and its newest frame as a JPEG when asked.

export async function startCamera(video, width, height) {
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    throw new Error("this browser offers no camera here (it needs https or localhost)");
  }
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { width: { ideal: width }, height: { ideal: height } }, audio: false,
  });
  video.srcObject = stream;
  await video.play();
  return stream;
}

export function stopCamera(video) {
  const stream = video.srcObject;
  if (stream) stream.getTracks().forEach((track) => track.stop());
  video.srcObject = null;
}

// Counts the frames the video presents (requestVideoFrameCallback), so that a frame is sent once:
// `next(sent)` resolves at once when a frame newer than `sent` is there, else at the next one.
export class FrameClock {
  constructor(video) {
    this.video = video;
    this.presented = 0;
    this.waiters = [];
    this.running = true;
    const tick = () => {
      if (!this.running) return;
      this.presented += 1;
      const waiters = this.waiters;
      this.waiters = [];
      waiters.forEach((resolve) => resolve(this.presented));
      this.schedule(tick);
    };
    this.schedule(tick);
  }

  schedule(tick) {
    if ("requestVideoFrameCallback" in HTMLVideoElement.prototype) this.video.requestVideoFrameCallback(tick);
    else requestAnimationFrame(tick); // without it: at most one frame per display refresh
  }

  next(sent) {
    if (this.presented > sent) return Promise.resolve(this.presented);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  stop() {
    this.running = false;
    this.waiters.forEach((resolve) => resolve(-1));
    this.waiters = [];
  }
}

// Draws the video's current frame into a canvas of its size and gives it as JPEG (a Blob), or as
// raw RGBA pixels (an ArrayBuffer: no encoding here, no decoding on the server; for this machine's
// own server, 1.2 MB a frame at 640x480 over the loopback).
export class FrameGrabber {
  constructor(video) {
    this.video = video;
    this.canvas = typeof OffscreenCanvas !== "undefined" ? new OffscreenCanvas(1, 1) : document.createElement("canvas");
    this.ctx = this.canvas.getContext("2d", { alpha: false, willReadFrequently: true });
  }

  draw() {
    const width = this.video.videoWidth;
    const height = this.video.videoHeight;
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
    }
    this.ctx.drawImage(this.video, 0, 0, width, height);
    return { width, height };
  }

  async grab(encoding, quality) {
    const { width, height } = this.draw();
    if (encoding === "rgba") {
      return { data: this.ctx.getImageData(0, 0, width, height).data.buffer, width, height, format: "rgba" };
    }
    const data = this.canvas.convertToBlob
      ? await this.canvas.convertToBlob({ type: "image/jpeg", quality })
      : await new Promise((resolve) => this.canvas.toBlob(resolve, "image/jpeg", quality));
    return { data, width, height, format: "jpeg" };
  }
}

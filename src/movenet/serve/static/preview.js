// The main view shows an uploaded image's or video's result in place of the camera (full size,
// not a thumbnail): the image with its poses drawn, or the annotated video with its controls.
// "Back to the camera" (or starting the camera) closes it.

const $ = (id) => document.getElementById(id);

export class ResultPreview {
  constructor() {
    $("result-close").addEventListener("click", () => this.close());
  }

  // The uploaded image (an ImageBitmap) with `draw(ctx)` drawing its poses over it.
  showImage(bitmap, width, height, draw) {
    this.close();
    const canvas = $("result-image");
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext("2d");
    ctx.drawImage(bitmap, 0, 0, width, height);
    draw(ctx);
    this.open("result-image");
  }

  // The annotated video, played by the browser from the server (H.264 in MP4).
  showVideo(url) {
    this.close();
    const video = $("result-video");
    video.src = url;
    this.open("result-video");
  }

  open(id) {
    $(id).hidden = false;
    $("result-close").hidden = false;
    $("stage").classList.add("showing-result");
  }

  // `url` given: close only if the video shown is that one (its job was deleted).
  close(url) {
    const video = $("result-video");
    if (url && !video.src.endsWith(url)) return;
    video.pause();
    video.removeAttribute("src");
    video.load(); // drops the connection to the file
    video.hidden = true;
    $("result-image").hidden = true;
    $("result-close").hidden = true;
    $("stage").classList.remove("showing-result");
  }
}

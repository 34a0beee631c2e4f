// Poses drawn over the video: the colours of movenet.viz (left orange, right blue, an outline
// colour per person or track id), keypoints scoring at least the threshold, MultiPose boxes and ids.

function rgb(c) { return `rgb(${c[0]},${c[1]},${c[2]})`; }

export class PoseDrawer {
  constructor(info) {
    this.edges = info.edges;
    this.names = info.keypoints;
    this.colors = info.colors;
  }

  sideColor(...names) {
    if (names.every((n) => n.startsWith("left_"))) return rgb(this.colors.left);
    if (names.every((n) => n.startsWith("right_"))) return rgb(this.colors.right);
    return rgb(this.colors.center);
  }

  personColor(index, id) {
    const people = this.colors.people;
    return rgb(people[(id ?? index) % people.length]);
  }

  // ctx: a canvas of the frame's size; mirrored: the canvas is shown flipped (text is unflipped).
  draw(ctx, poses, { threshold, boxes = true, mirrored = false, clear = true }) {
    const { width, height } = ctx.canvas;
    if (clear) ctx.clearRect(0, 0, width, height);
    const scale = Math.max(width, height);
    const line = Math.max(1, Math.round(scale / 300));
    const radius = Math.max(2, Math.round(scale / 200));
    ctx.lineCap = "round";
    poses.forEach((pose, i) => {
      const color = this.personColor(i, pose.id);
      const kps = pose.keypoints;
      if (boxes && pose.box && (pose.id !== null || poses.length > 1)) {
        const [x0, y0, x1, y1] = pose.box;
        ctx.strokeStyle = color;
        ctx.lineWidth = line;
        ctx.strokeRect(x0, y0, x1 - x0, y1 - y0);
        this.label(ctx, `${pose.id ?? i + 1}: ${pose.score.toFixed(2)}`, x0 + line + 1, y0 + line + 1, color, scale, mirrored);
      }
      for (const [a, b] of this.edges) {
        if (kps[a].score < threshold || kps[b].score < threshold) continue;
        ctx.beginPath();
        ctx.moveTo(kps[a].x, kps[a].y);
        ctx.lineTo(kps[b].x, kps[b].y);
        ctx.strokeStyle = color;
        ctx.lineWidth = line + 2;
        ctx.stroke();
        ctx.strokeStyle = this.sideColor(this.names[a], this.names[b]);
        ctx.lineWidth = line;
        ctx.stroke();
      }
      for (const k of kps) {
        if (k.score < threshold) continue;
        ctx.beginPath();
        ctx.arc(k.x, k.y, radius, 0, 2 * Math.PI);
        ctx.fillStyle = this.sideColor(k.name);
        ctx.fill();
        ctx.strokeStyle = color;
        ctx.lineWidth = 1;
        ctx.stroke();
      }
    });
  }

  label(ctx, text, x, y, color, scale, mirrored) {
    ctx.save();
    ctx.translate(x, y);
    if (mirrored) ctx.scale(-1, 1);
    ctx.font = `${Math.max(10, Math.round(scale / 60))}px sans-serif`;
    ctx.textBaseline = "top";
    ctx.textAlign = mirrored ? "right" : "left";
    ctx.fillStyle = color;
    ctx.fillText(text, 0, 0);
    ctx.restore();
  }
}

// Multi-person tracking, as movenet/temporal/tracker.py (after pose-detection's bounding-box and
// keypoint trackers): greedy assignment of each pose, in order, to the unmatched track it is most
// similar to; the rest start new tracks (ids from 1); tracks older than max age are dropped and
// at most maxTracks recent ones kept. Keypoints [y, x, score] and boxes [yMin, xMin, yMax, xMax]
// normalised to the image.

export const MAX_TRACKS = 18; // movenet/constants.ts DEFAULT_*_TRACKER_CONFIG
export const MAX_AGE_MS = 1000.0;
export const MIN_SIMILARITY = Object.freeze({ box: 0.15, keypoints: 0.2 });
const KEYPOINT_CONFIDENCE_THRESHOLD = 0.3;
const MIN_NUMBER_OF_KEYPOINTS = 4;
// COCO keypoint OKS sigmas (pycocotools `kpt_oks_sigmas`; movenet.skeleton.COCO_OKS_SIGMAS)
const COCO_OKS_SIGMAS = [0.026, 0.025, 0.025, 0.035, 0.035, 0.079, 0.079, 0.072, 0.072,
  0.062, 0.062, 0.107, 0.107, 0.087, 0.087, 0.089, 0.089];
const VARIANCES = COCO_OKS_SIGMAS.map((s) => (2.0 * s) * (2.0 * s));

// numpy's sum of a contiguous float64 array (pairwise_sum, up to 128 values): sequential below 8
// values, else 8 accumulators; so means here round as numpy's do.
export function numpySum(values) {
  const n = values.length;
  if (n < 8) {
    let res = 0.0;
    for (let i = 0; i < n; i += 1) res += values[i];
    return res;
  }
  if (n > 128) throw new Error("numpySum: up to 128 values");
  const r = values.slice(0, 8);
  let i = 8;
  for (; i < n - (n % 8); i += 8) {
    for (let j = 0; j < 8; j += 1) r[j] += values[i + j];
  }
  let res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
  for (; i < n; i += 1) res += values[i];
  return res;
}

export function boxIou(a, b) {
  const y0 = Math.max(a[0], b[0]);
  const x0 = Math.max(a[1], b[1]);
  const y1 = Math.min(a[2], b[2]);
  const x1 = Math.min(a[3], b[3]);
  if (x0 >= x1 || y0 >= y1) return 0.0;
  const inter = (x1 - x0) * (y1 - y0);
  const areaA = (a[3] - a[1]) * (a[2] - a[0]);
  const areaB = (b[3] - b[1]) * (b[2] - b[0]);
  return inter / (areaA + areaB - inter);
}

function keypointArea(keypoints) {
  const valid = keypoints.filter((k) => k[2] > KEYPOINT_CONFIDENCE_THRESHOLD);
  const minX = Math.min(1.0, ...valid.map((k) => k[1]));
  const maxX = Math.max(0.0, ...valid.map((k) => k[1]));
  const minY = Math.min(1.0, ...valid.map((k) => k[0]));
  const maxY = Math.max(0.0, ...valid.map((k) => k[0]));
  return (maxX - minX) * (maxY - minY);
}

export function keypointOks(pose, track) {
  const confident = pose.map((k, i) => k[2] >= KEYPOINT_CONFIDENCE_THRESHOLD && track[i][2] >= KEYPOINT_CONFIDENCE_THRESHOLD);
  const count = confident.filter(Boolean).length;
  if (count < MIN_NUMBER_OF_KEYPOINTS) return 0.0;
  const area = keypointArea(track) + 1e-6;
  const similarities = [];
  pose.forEach((k, i) => {
    if (!confident[i]) return;
    const dx = k[1] - track[i][1];
    const dy = k[0] - track[i][0];
    const d2 = dx * dx + dy * dy; // numpy's ** 2 is a multiplication
    similarities.push(Math.exp(-d2 / (2.0 * area * VARIANCES[i])));
  });
  return numpySum(similarities) / count;
}

export class Tracker {
  constructor(kind = "box", maxTracks = MAX_TRACKS, maxAgeMs = MAX_AGE_MS) {
    if (!(kind in MIN_SIMILARITY)) throw new Error(`tracker must be one of ${Object.keys(MIN_SIMILARITY).join(", ")}, got ${kind}`);
    this.kind = kind;
    this.maxTracks = maxTracks;
    this.maxAgeUs = maxAgeMs * 1000.0;
    this.minSimilarity = MIN_SIMILARITY[kind];
    this.nextId = 1;
    this.tracks = [];
  }

  reset() { this.tracks = []; } // ids keep counting up

  similarity(keypoints, box, track) {
    return this.kind === "box" ? boxIou(box, track.box) : keypointOks(keypoints, track.keypoints);
  }

  // Track ids of the poses (in order), updating the tracks.
  update(keypoints, boxes, timestampUs) {
    this.tracks = this.tracks.filter((t) => timestampUs - t.lastTimestampUs <= this.maxAgeUs);
    const unmatched = this.tracks.map((_, i) => i);
    const ids = keypoints.map(() => null);
    const newPoses = [];
    keypoints.forEach((kp, i) => {
      let best = -1;
      let bestSim = -1.0;
      for (const t of unmatched) {
        const sim = this.similarity(kp, boxes[i], this.tracks[t]);
        if (sim >= this.minSimilarity && sim > bestSim) { best = t; bestSim = sim; }
      }
      if (best >= 0) {
        const track = this.tracks[best];
        track.lastTimestampUs = timestampUs;
        track.keypoints = kp.map((k) => [...k]);
        track.box = [...boxes[i]];
        ids[i] = track.id;
        unmatched.splice(unmatched.indexOf(best), 1);
      } else {
        newPoses.push(i);
      }
    });
    for (const i of newPoses) {
      const track = { id: this.nextId, lastTimestampUs: timestampUs, keypoints: keypoints[i].map((k) => [...k]), box: [...boxes[i]] };
      this.nextId += 1;
      this.tracks.push(track);
      ids[i] = track.id;
    }
    this.tracks.sort((a, b) => b.lastTimestampUs - a.lastTimestampUs); // stable, as Python's sort
    this.tracks = this.tracks.slice(0, this.maxTracks);
    return ids;
  }

  trackIds() { return new Set(this.tracks.map((t) => t.id)); }
}

// The video pipelines of movenet/pipelines/single_pose.py and multi_pose.py (the default mode, as
// the server's detectors run live frames), around a `run(input, shape)` that calls the network:
// an async function from an Int32Array (B, H, W, 3) to the model's decoded output (Float32Array;
// decoding is inside the ONNX graph, the same graph the server runs).
//
// SinglePose: crop (the whole image padded to a square first, then the smart crop from the
// previous frame), network, pose score (below the minimum: reset, no pose), One-Euro smoothing,
// next crop from the smoothed keypoints through the crop filter. MultiPose: resize-and-pad,
// network, poses above the minimum score best first, tracking, a One-Euro filter per track.
// Poses come out as Pose.to_dict(): pixels of the frame.

import { cropAndResize, MIN_CROP_KEYPOINT_SCORE, nextCropRegion, paddedSquareRegion, resizeAndPad } from "./crop.js";
import { CropRegionFilter, KeypointsFilter } from "./filters.js";
import { numpySum, Tracker } from "./tracker.js";

export const DEFAULT_MIN_POSE_SCORE = 0.25; // constants.ts DEFAULT_MIN_POSE_SCORE
export const MULTIPOSE_MAX_DIMENSION = 256; // constants.ts MOVENET_MULTIPOSE_DEFAULT_MAX_DIMENSION
const NUM_KEYPOINTS = 17;
const MULTI_POSE_ROW = 56; // 17 x (y, x, score), box (4), score
export const KEYPOINT_NAMES = ["nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder",
  "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_hip", "right_hip",
  "left_knee", "right_knee", "left_ankle", "right_ankle"];

// single_pose.single_pose_score: mean of the keypoint scores above 0.2 (numpy's summation order).
export function singlePoseScore(scores) {
  const kept = scores.filter((s) => s > MIN_CROP_KEYPOINT_SCORE);
  return kept.length ? numpySum(kept) / kept.length : 0.0;
}

// Pose.to_dict() from 17 [x, y, score] in pixels.
function poseDict(xyScore, score, box, id) {
  return {
    score, box, id,
    keypoints: xyScore.map(([x, y, s], i) => ({ name: KEYPOINT_NAMES[i], x, y, score: s })),
  };
}

function keypointsBox(xyScore) { // single_pose.keypoints_box: [x_min, y_min, x_max, y_max] or null
  const kept = xyScore.filter((k) => k[2] > MIN_CROP_KEYPOINT_SCORE);
  if (!kept.length) return null;
  const xs = kept.map((k) => k[0]);
  const ys = kept.map((k) => k[1]);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

function poseFromNormalised(keypoints, height, width) {
  const xyScore = keypoints.map(([y, x, s]) => [x * width, y * height, s]);
  return poseDict(xyScore, singlePoseScore(keypoints.map((k) => k[2])), keypointsBox(xyScore), null);
}

export class SinglePoseDetector {
  // options: { inputSize, minPoseScore, smoothing }
  constructor(run, options) {
    this.run = run;
    this.options = options;
    this.cropFilter = new CropRegionFilter();
    this.keypointFilter = new KeypointsFilter();
    this.reset();
  }

  reset() {
    this.cropRegion = null;
    this.frameSize = null;
    this.cropFilter.reset();
    this.keypointFilter.reset();
  }

  // {keypoints: 17 [y, x, score] normalised to the image, input, raw}: single_pose.run_on_region
  async runOnRegion(rgba, width, height, region) {
    const size = this.options.inputSize;
    const input = cropAndResize(rgba, width, height, region, size);
    const raw = await this.run(input, [1, size, size, 3]);
    const keypoints = [];
    for (let k = 0; k < NUM_KEYPOINTS; k += 1) {
      const [y, x, s] = [raw[3 * k], raw[3 * k + 1], raw[3 * k + 2]];
      keypoints.push([region.yMin + y * (region.yMax - region.yMin), region.xMin + x * (region.xMax - region.xMin), s]);
    }
    return { keypoints, input, raw };
  }

  // Poses of one video frame (RGBA) at timestampUs; `trace` gets the crop and raw keypoints (tests).
  async estimate(rgba, width, height, timestampUs, trace = null) {
    if (this.frameSize && (this.frameSize[0] !== height || this.frameSize[1] !== width)) this.reset();
    this.frameSize = [height, width];
    if (this.cropRegion === null) this.cropRegion = paddedSquareRegion(height, width);
    const region = this.cropRegion;
    const found = await this.runOnRegion(rgba, width, height, region);
    let { keypoints } = found;
    if (trace) Object.assign(trace, { region, input: found.input, raw: Array.from(found.raw) });
    const score = singlePoseScore(keypoints.map((k) => k[2]));
    if (score < this.options.minPoseScore) {
      this.reset();
      return [];
    }
    if (this.options.smoothing) keypoints = this.keypointFilter.apply(keypoints, timestampUs);
    this.cropRegion = this.cropFilter.apply(nextCropRegion(keypoints, height, width));
    return [poseFromNormalised(keypoints, height, width)];
  }
}

export class MultiPoseDetector {
  // options: { maxPoses, minPoseScore, smoothing, tracker: "box" | "keypoints" | null, maxDimension }
  constructor(run, options) {
    this.run = run;
    this.options = { maxDimension: MULTIPOSE_MAX_DIMENSION, ...options };
    this.tracker = this.options.tracker ? new Tracker(this.options.tracker) : null;
    this.filters = new Map();
    this.frameSize = null;
  }

  reset() {
    if (this.tracker) this.tracker.reset();
    this.filters.clear();
    this.frameSize = null;
  }

  async detect(rgba, width, height, trace = null) {
    const { input, geometry } = resizeAndPad(rgba, width, height, this.options.maxDimension);
    const raw = await this.run(input, [1, geometry.padded[0], geometry.padded[1], 3]);
    if (trace) Object.assign(trace, { input, raw: Array.from(raw) });
    const scale = [geometry.padded[0] / geometry.resized[0], geometry.padded[1] / geometry.resized[1]];
    const found = [];
    for (let p = 0; p < raw.length / MULTI_POSE_ROW; p += 1) {
      const row = raw.subarray(p * MULTI_POSE_ROW, (p + 1) * MULTI_POSE_ROW);
      const score = row[MULTI_POSE_ROW - 1];
      if (score < this.options.minPoseScore) continue;
      const keypoints = [];
      for (let k = 0; k < NUM_KEYPOINTS; k += 1) keypoints.push([row[3 * k] * scale[0], row[3 * k + 1] * scale[1], row[3 * k + 2]]);
      const box = [row[51] * scale[0], row[52] * scale[1], row[53] * scale[0], row[54] * scale[1]];
      found.push({ keypoints, box, score });
    }
    found.sort((a, b) => b.score - a.score); // stable: ties keep the model's order
    return found.slice(0, this.options.maxPoses);
  }

  async estimate(rgba, width, height, timestampUs, trace = null) {
    if (this.frameSize && (this.frameSize[0] !== height || this.frameSize[1] !== width)) this.reset();
    this.frameSize = [height, width];
    const found = await this.detect(rgba, width, height, trace);
    let ids = found.map(() => null);
    let keypoints = found.map((d) => d.keypoints);
    if (this.tracker) {
      ids = this.tracker.update(keypoints, found.map((d) => d.box), timestampUs);
      if (this.options.smoothing) {
        for (const id of ids) if (!this.filters.has(id)) this.filters.set(id, new KeypointsFilter());
        keypoints = keypoints.map((k, i) => this.filters.get(ids[i]).apply(k, timestampUs));
        const alive = this.tracker.trackIds();
        for (const id of [...this.filters.keys()]) if (!alive.has(id)) this.filters.delete(id);
      }
    }
    return found.map((d, i) => {
      const xyScore = keypoints[i].map(([y, x, s]) => [x * width, y * height, s]);
      const [y0, x0, y1, x1] = d.box.map((v) => Math.min(v, 1.0));
      return poseDict(xyScore, d.score, [x0 * width, y0 * height, x1 * width, y1 * height], ids[i]);
    });
  }
}

// A detector for a model's spec ({ multi_pose, input_size, max_poses }) and the session's settings
// ({ min_pose_score, max_poses, smoothing, tracker }), as serve/inference.Engine.detector builds it.
export function makeDetector(run, spec, settings) {
  const minPoseScore = settings.min_pose_score ?? DEFAULT_MIN_POSE_SCORE;
  const smoothing = settings.smoothing ?? true;
  if (spec.multi_pose) {
    const tracker = settings.tracker === "none" ? null : (settings.tracker || "box");
    return new MultiPoseDetector(run, { maxPoses: settings.max_poses || spec.max_poses, minPoseScore, smoothing, tracker });
  }
  return new SinglePoseDetector(run, { inputSize: spec.input_size[0], minPoseScore, smoothing });
}

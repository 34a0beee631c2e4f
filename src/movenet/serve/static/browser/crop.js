// What the model sees: crop regions, crop-and-resize (SinglePose) and resize-and-pad (MultiPose),
// bit for bit as movenet/preprocess/crop.py and crop_region.py compute them.
//
// The Python side computes the crop in float32 (TF.js' cropAndResize, every intermediate rounded to
// float32); here every such operation is rounded with Math.fround. A float32 +, -, *, / computed in
// float64 and rounded once to float32 is the correctly rounded float32 result (53 >= 2 x 24 + 2
// bits), so the model input is the same int32 array (a test compares them bit for bit). Crop
// regions and the smart crop are float64 arithmetic in both languages, in the same order.
// Images are RGBA (ImageData's layout); the alpha byte is skipped.

const f = Math.fround;

export const INPUT_MULTIPLE = 32; // registry.INPUT_MULTIPLE: MultiPose inputs are multiples of 32
export const MIN_CROP_KEYPOINT_SCORE = 0.2; // crop_region.MIN_CROP_KEYPOINT_SCORE
const TORSO_EXPANSION_RATIO = 1.9;
const BODY_EXPANSION_RATIO = 1.2;
const LEFT_SHOULDER = 5;
const RIGHT_SHOULDER = 6;
const LEFT_HIP = 11;
const RIGHT_HIP = 12;
const TORSO = [LEFT_SHOULDER, RIGHT_SHOULDER, LEFT_HIP, RIGHT_HIP];

// A region is { yMin, xMin, yMax, xMax }, normalised to the image (may extend outside [0, 1]).
export function paddedSquareRegion(height, width) {
  let boxH;
  let boxW;
  let yMin;
  let xMin;
  if (width > height) {
    boxH = width / height; boxW = 1.0;
    yMin = (height / 2 - width / 2) / height; xMin = 0.0;
  } else {
    boxH = 1.0; boxW = height / width;
    yMin = 0.0; xMin = (width / 2 - height / 2) / width;
  }
  return { yMin, xMin, yMax: yMin + boxH, xMax: xMin + boxW };
}

export function sameRegion(a, b) {
  return a.yMin === b.yMin && a.xMin === b.xMin && a.yMax === b.yMax && a.xMax === b.xMax;
}

function torsoVisible(scores) {
  return Math.max(scores[LEFT_HIP], scores[RIGHT_HIP]) > MIN_CROP_KEYPOINT_SCORE
    && Math.max(scores[LEFT_SHOULDER], scores[RIGHT_SHOULDER]) > MIN_CROP_KEYPOINT_SCORE;
}

// The official smart crop (crop_region.next_crop_region): keypoints are 17 [y, x, score], y and x
// normalised to the image.
export function nextCropRegion(keypoints, height, width) {
  const scores = keypoints.map((k) => k[2]);
  if (!torsoVisible(scores)) return paddedSquareRegion(height, width);
  const ty = keypoints.map((k) => k[0] * height);
  const tx = keypoints.map((k) => k[1] * width);
  const centerY = (ty[LEFT_HIP] + ty[RIGHT_HIP]) / 2;
  const centerX = (tx[LEFT_HIP] + tx[RIGHT_HIP]) / 2;
  const distY = ty.map((v) => Math.abs(centerY - v));
  const distX = tx.map((v) => Math.abs(centerX - v));
  const torsoY = Math.max(...TORSO.map((i) => distY[i]));
  const torsoX = Math.max(...TORSO.map((i) => distX[i]));
  let bodyY = 0.0;
  let bodyX = 0.0;
  let any = false;
  for (let i = 0; i < keypoints.length; i += 1) {
    if (scores[i] >= MIN_CROP_KEYPOINT_SCORE) {
      bodyY = any ? Math.max(bodyY, distY[i]) : distY[i];
      bodyX = any ? Math.max(bodyX, distX[i]) : distX[i];
      any = true;
    }
  }
  let half = Math.max(torsoX * TORSO_EXPANSION_RATIO, torsoY * TORSO_EXPANSION_RATIO,
    bodyY * BODY_EXPANSION_RATIO, bodyX * BODY_EXPANSION_RATIO);
  half = Math.min(half, Math.max(centerX, width - centerX, centerY, height - centerY));
  if (half > Math.max(width, height) / 2) return paddedSquareRegion(height, width);
  const cornerY = centerY - half;
  const cornerX = centerX - half;
  const length = half * 2;
  return { yMin: cornerY / height, xMin: cornerX / width, yMax: (cornerY + length) / height, xMax: (cornerX + length) / width };
}

// tf.image.cropAndResize(image, [[y1, x1, y2, x2]], [0], [size, size], 'bilinear', 0) then the
// cast to int32: an Int32Array of size x size x 3 (RGB), zero outside the image.
export function cropAndResize(rgba, width, height, region, size) {
  const out = new Int32Array(size * size * 3);
  const y1 = f(region.yMin);
  const x1 = f(region.xMin);
  const y2 = f(region.yMax);
  const x2 = f(region.xMax);
  const last = f(size - 1);
  const yStep = f(f(f(y2 - y1) * f(height - 1)) / last);
  const xStep = f(f(f(x2 - x1) * f(width - 1)) / last);
  const y0 = f(y1 * f(height - 1));
  const x0 = f(x1 * f(width - 1));
  const xs = new Float64Array(size);
  const left = new Int32Array(size);
  const right = new Int32Array(size);
  const xLerp = new Float64Array(size);
  const validX = new Uint8Array(size);
  for (let j = 0; j < size; j += 1) {
    const x = f(x0 + f(j * xStep));
    xs[j] = x;
    validX[j] = x >= 0 && x <= width - 1 ? 1 : 0;
    left[j] = Math.min(Math.max(Math.floor(x), 0), width - 1);
    right[j] = Math.min(Math.max(Math.ceil(x), 0), width - 1);
    xLerp[j] = f(x - left[j]);
  }
  for (let i = 0; i < size; i += 1) {
    const y = f(y0 + f(i * yStep));
    if (!(y >= 0 && y <= height - 1)) continue;
    const top = Math.min(Math.max(Math.floor(y), 0), height - 1);
    const bottom = Math.min(Math.max(Math.ceil(y), 0), height - 1);
    const yLerp = f(y - top);
    const topRow = top * width * 4;
    const bottomRow = bottom * width * 4;
    for (let j = 0; j < size; j += 1) {
      if (!validX[j]) continue;
      blendPixel(rgba, topRow, bottomRow, left[j] * 4, right[j] * 4, xLerp[j], yLerp, out, (i * size + j) * 3);
    }
  }
  return out;
}

// One output pixel (3 channels at out[o]) from the four RGBA neighbours at columns l, r of two rows,
// in float32 steps as TensorFlow's resize computes them, truncated to int32.
function blendPixel(rgba, topRow, bottomRow, l, r, xl, yLerp, out, o) {
  for (let c = 0; c < 3; c += 1) {
    const tl = rgba[topRow + l + c];
    const bl = rgba[bottomRow + l + c];
    const t = f(f(f(rgba[topRow + r + c] - tl) * xl) + tl);
    const b = f(f(f(rgba[bottomRow + r + c] - bl) * xl) + bl);
    out[o + c] = Math.trunc(f(f(f(b - t) * yLerp) + t));
  }
}

function jsRound(value) { return Math.floor(value + 0.5); }

// crop.multipose_geometry: the resized (height, width) with the longer side maxDimension, and the
// model input padded to multiples of 32.
export function multiposeGeometry(height, width, maxDimension) {
  const resized = width > height
    ? [Math.max(1, jsRound(maxDimension * height / width)), maxDimension]
    : [maxDimension, Math.max(1, jsRound(maxDimension * width / height))];
  const padded = resized.map((side) => Math.ceil(side / INPUT_MULTIPLE) * INPUT_MULTIPLE);
  return { resized, padded };
}

// tf.image.resizeBilinear(alignCorners=false, halfPixelCenters=false) into the top-left of a zero
// input of the padded size, truncated to int32 (crop.resize_and_pad).
export function resizeAndPad(rgba, width, height, maxDimension) {
  const geometry = multiposeGeometry(height, width, maxDimension);
  const [outH, outW] = geometry.resized;
  const [padH, padW] = geometry.padded;
  const out = new Int32Array(padH * padW * 3);
  const yScale = f(f(height) / f(outH));
  const xScale = f(f(width) / f(outW));
  const left = new Int32Array(outW);
  const right = new Int32Array(outW);
  const xLerp = new Float64Array(outW);
  for (let j = 0; j < outW; j += 1) {
    const x = f(j * xScale);
    left[j] = Math.floor(x);
    right[j] = Math.min(left[j] + 1, width - 1);
    xLerp[j] = f(x - left[j]);
  }
  for (let i = 0; i < outH; i += 1) {
    const y = f(i * yScale);
    const top = Math.floor(y);
    const bottom = Math.min(top + 1, height - 1);
    const yLerp = f(y - top);
    const topRow = top * width * 4;
    const bottomRow = bottom * width * 4;
    for (let j = 0; j < outW; j += 1) {
      blendPixel(rgba, topRow, bottomRow, left[j] * 4, right[j] * 4, xLerp[j], yLerp, out, (i * padW + j) * 3);
    }
  }
  return { input: out, geometry };
}

// What spans frames: the crop region's low-pass filter and the One-Euro keypoint smoothing, as
// movenet/temporal/low_pass.py and one_euro.py (MediaPipe's filters after pose-detection
// shared/filters). float64 arithmetic in the same order as the Python code.

export const CROP_FILTER_ALPHA = 0.9; // movenet/constants.ts CROP_FILTER_ALPHA
const MICROSECONDS_PER_SECOND = 1000000;

// movenet/constants.ts KEYPOINT_FILTER_CONFIG (one_euro.OneEuroConfig)
export const KEYPOINT_FILTER_CONFIG = Object.freeze({
  frequency: 30.0, minCutoff: 2.5, beta: 300.0, derivativeCutoff: 2.5, thresholdCutoff: 0.5, thresholdBeta: 5.0,
});

export class LowPassFilter {
  constructor(alpha) { this.alpha = alpha; this.reset(); }

  reset() { this.initialized = false; this.stored = 0.0; this.raw = 0.0; }

  applyWithAlpha(value, alpha, threshold = null) { this.alpha = alpha; return this.apply(value, threshold); }

  apply(value, threshold = null) {
    let result;
    if (!this.initialized) {
      result = value;
      this.initialized = true;
    } else if (threshold === null) {
      result = this.stored + this.alpha * (value - this.stored);
    } else {
      result = this.stored + this.alpha * threshold * Math.asinh((value - this.stored) / threshold);
    }
    this.raw = value;
    this.stored = result;
    return result;
  }
}

export class CropRegionFilter {
  constructor(alpha = CROP_FILTER_ALPHA) { this.filters = [0, 1, 2, 3].map(() => new LowPassFilter(alpha)); }

  reset() { this.filters.forEach((x) => x.reset()); }

  apply(region) {
    const [yMin, xMin, yMax, xMax] = [region.yMin, region.xMin, region.yMax, region.xMax].map((v, i) => this.filters[i].apply(v));
    return { yMin, xMin, yMax, xMax };
  }
}

// officialStart: false, as the detector's default (non-compat) mode: the first frame is recorded.
export class OneEuroFilter {
  constructor(config = KEYPOINT_FILTER_CONFIG, officialStart = false) {
    this.config = config;
    this.officialStart = officialStart;
    this.reset();
  }

  reset() {
    this.frequency = this.config.frequency;
    this.x = new LowPassFilter(this.alpha(this.config.minCutoff));
    this.dx = new LowPassFilter(this.alpha(this.config.derivativeCutoff));
    this.lastTimestamp = this.officialStart ? 0 : null;
  }

  alpha(cutoff) { return 1.0 / (1.0 + this.frequency / (2 * Math.PI * cutoff)); }

  apply(value, timestampUs, valueScale = 1.0) {
    const now = Math.trunc(timestampUs);
    if (this.lastTimestamp !== null && this.lastTimestamp >= now) return value;
    if (this.lastTimestamp !== null && (!this.officialStart || (this.lastTimestamp !== 0 && now !== 0))) {
      this.frequency = 1.0 / ((now - this.lastTimestamp) / MICROSECONDS_PER_SECOND);
    }
    this.lastTimestamp = now;
    const dValue = this.x.initialized ? (value - this.x.raw) * valueScale * this.frequency : 0.0;
    const edValue = this.dx.applyWithAlpha(dValue, this.alpha(this.config.derivativeCutoff));
    const cutoff = this.config.minCutoff + this.config.beta * Math.abs(edValue);
    const threshold = this.config.thresholdCutoff + this.config.thresholdBeta * Math.abs(edValue);
    return this.x.applyWithAlpha(value, this.alpha(cutoff), threshold);
  }
}

// One OneEuroFilter per keypoint and axis; keypoints are [y, x, score] normalised to the image.
export class KeypointsFilter {
  constructor(config = KEYPOINT_FILTER_CONFIG, officialStart = false) {
    this.config = config;
    this.officialStart = officialStart;
    this.reset();
  }

  reset() { this.filters = null; }

  apply(keypoints, timestampUs) {
    if (this.filters === null || this.filters.length !== keypoints.length) {
      this.filters = keypoints.map(() => [new OneEuroFilter(this.config, this.officialStart), new OneEuroFilter(this.config, this.officialStart)]);
    }
    return keypoints.map(([y, x, score], i) => {
      const [fy, fx] = this.filters[i];
      const sx = fx.apply(x, timestampUs); // x first, as the original
      const sy = fy.apply(y, timestampUs);
      return [sy, sx, score];
    });
  }
}

#!/usr/bin/env node
/*
 * Runs Google's PoseNet client, @tensorflow-models/posenet 2.2.2 (estimateSinglePose,
 * estimateMultiplePoses and its model.predict), on TensorFlow.js 4.22 (wasm backend by default),
 * with the graph model shared/models/tfjs/posenet.{json,bin}, on raw RGB images prepared by
 * tools/posenet_reference.py. Writes the poses (and, when asked, the four heads and the model
 * input) for movenet's PoseNet to be checked against. Nothing is downloaded at run time.
 *
 *   cp package.json "$POSENET_REFERENCE_WORK"/ && npm install --prefix "$POSENET_REFERENCE_WORK" --legacy-peer-deps
 *   (pinned versions; posenet 2.2.2 declares tfjs ^3 as its peer, it runs on 4.22 unchanged)
 *   node reference.js --model posenet.json --list manifest.json --out poses.json [--backend wasm|cpu]
 *
 * Two edits to the graph's description, in memory, so that the official client accepts it:
 * the input's height and width are marked -1 (the graph was exported at 385x385; the client
 * requires free sizes and the convolutions take any 16k + 1), and the outputs are listed in the
 * order the client's MobileNet expects (offset, heatmap, displacement_fwd, displacement_bwd);
 * the order is checked against the output node names below.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const os = require('os');
const { createRequire } = require('module');

const WORK = path.resolve(process.env.POSENET_REFERENCE_WORK
  || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'movenet-posenet-reference'));
const req = createRequire(path.join(WORK, 'package.json'));
const tf = req('@tensorflow/tfjs-core');
req('@tensorflow/tfjs-backend-cpu');
req('@tensorflow/tfjs-backend-wasm');
const tfconv = req('@tensorflow/tfjs-converter');
const posenet = req('@tensorflow-models/posenet');
const pnUtil = req('@tensorflow-models/posenet/dist/util');

const OUTPUT_ORDER = ['offset', 'heatmap', 'displacement_fwd', 'displacement_bwd'].map(
  (h) => `MobilenetV1/${h}_2/BiasAdd`);

function args() {
  const out = { backend: 'wasm', resolution: 257, maxDetections: 5, scoreThreshold: 0.5, nmsRadius: 20 };
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; i += 2) out[a[i].replace(/^--/, '').replace(/-(.)/g, (_, c) => c.toUpperCase())] = a[i + 1];
  for (const k of ['resolution', 'maxDetections', 'scoreThreshold', 'nmsRadius']) out[k] = Number(out[k]);
  return out;
}

function artifacts(jsonPath) {
  const json = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
  const weightSpecs = [];
  const bufs = [];
  for (const group of json.weightsManifest) {
    weightSpecs.push(...group.weights);
    for (const p of group.paths) bufs.push(fs.readFileSync(path.join(path.dirname(jsonPath), p)));
  }
  const all = Buffer.concat(bufs);
  const signature = JSON.parse(JSON.stringify(json.signature));
  for (const input of Object.values(signature.inputs)) {
    input.tensorShape.dim[1].size = '-1';
    input.tensorShape.dim[2].size = '-1';
  }
  const outputs = {};
  for (const name of OUTPUT_ORDER) outputs[`${name}:0`] = signature.outputs[`${name}:0`];
  signature.outputs = outputs;
  const topology = JSON.parse(JSON.stringify(json.modelTopology));
  for (const node of topology.node) {
    if (node.op === 'Placeholder') {
      node.attr.shape.shape.dim[1].size = '-1';
      node.attr.shape.shape.dim[2].size = '-1';
    }
  }
  return {
    modelTopology: topology, format: json.format, generatedBy: json.generatedBy,
    convertedBy: json.convertedBy, signature, weightSpecs,
    weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
  };
}

function plainPose(pose) {
  return {
    score: pose.score,
    keypoints: pose.keypoints.map((k) => ({ part: k.part, x: k.position.x, y: k.position.y, score: k.score })),
  };
}

async function main() {
  const a = args();
  if (!(await tf.setBackend(a.backend))) throw new Error(`backend ${a.backend} unavailable`);
  await tf.ready();
  const graph = await tfconv.loadGraphModel(tf.io.fromMemory(artifacts(a.model)));
  const names = graph.outputNodes.map((n) => n.split(':')[0]);
  if (JSON.stringify(names) !== JSON.stringify(OUTPUT_ORDER)) throw new Error(`output order ${names}`);
  const net = new posenet.PoseNet(new posenet.MobileNet(graph, 16), [a.resolution, a.resolution]);
  const manifest = JSON.parse(fs.readFileSync(a.list, 'utf8'));
  const results = [];
  for (const entry of manifest.images) {
    const raw = fs.readFileSync(entry.raw);
    const image = tf.tensor3d(Int32Array.from(raw), [entry.height, entry.width, 3], 'int32');
    const single = await net.estimateSinglePose(image, { flipHorizontal: false });
    const multi = await net.estimateMultiplePoses(image, {
      flipHorizontal: false, maxDetections: a.maxDetections, scoreThreshold: a.scoreThreshold, nmsRadius: a.nmsRadius,
    });
    const record = { id: entry.id, height: entry.height, width: entry.width, single: plainPose(single), multi: multi.map(plainPose) };
    if (entry.heads) {  // the model input and the four heads, float32 little-endian, channels last
      const { resized, padding } = pnUtil.padAndResizeTo(image, [a.resolution, a.resolution]);
      const out = net.baseModel.predict(resized);
      const parts = [resized, out.heatmapScores, out.offsets, out.displacementFwd, out.displacementBwd];
      const names = ['input', 'scores', 'offsets', 'displacement_fwd', 'displacement_bwd'];
      record.padding = padding;
      record.tensors = {};
      parts.forEach((t, i) => {
        const file = `${entry.heads}.${names[i]}.f32`;
        fs.writeFileSync(file, Buffer.from(t.dataSync().buffer));
        record.tensors[names[i]] = { file: path.basename(file), shape: t.shape };
      });
      parts.forEach((t) => t.dispose());
    }
    image.dispose();
    results.push(record);
  }
  const info = {
    backend: tf.getBackend(), tfjs_core: tf.version_core, posenet: posenet.version,
    resolution: a.resolution, output_stride: 16, max_detections: a.maxDetections,
    score_threshold: a.scoreThreshold, nms_radius: a.nmsRadius,
  };
  fs.writeFileSync(a.out, JSON.stringify({ info, results }));
}

main().catch((e) => { console.error(e); process.exit(1); });

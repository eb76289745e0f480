// Runs a TF.js graph model on the pure-JS CPU backend over raw float32 inputs.
// usage: node run.mjs <model.json> <inputs.f32> <outputs.f32> <n> <h> <w> <c>
// inputs: n*h*w*c little-endian float32 (NHWC); outputs: n*k little-endian float32.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadGraphModel } from '@tensorflow/tfjs-converter';

const [modelJson, inputsFile, outputsFile, ...dims] = process.argv.slice(2);
const [n, h, w, c] = dims.map(Number);
if (!modelJson || !outputsFile || [n, h, w, c].some((d) => !(d > 0))) {
  console.error('usage: node run.mjs <model.json> <inputs.f32> <outputs.f32> <n> <h> <w> <c>');
  process.exit(2);
}

const spec = JSON.parse(readFileSync(modelJson, 'utf8'));
const weightSpecs = spec.weightsManifest.flatMap((g) => g.weights);
const buffers = spec.weightsManifest.flatMap((g) => g.paths).map((p) => readFileSync(join(dirname(modelJson), p)));
const weights = Buffer.concat(buffers);
const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength);

await tf.setBackend('cpu');
const model = await loadGraphModel(
  tf.io.fromMemory({ modelTopology: spec.modelTopology, weightSpecs, weightData, format: spec.format }),
);

const raw = readFileSync(inputsFile);
const values = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
if (values.length !== n * h * w * c) {
  console.error(`inputs hold ${values.length} floats, expected ${n * h * w * c}`);
  process.exit(2);
}
const input = tf.tensor4d(values, [n, h, w, c], 'float32');
const output = model.predict(input);
const result = await output.data();
writeFileSync(outputsFile, Buffer.from(result.buffer, result.byteOffset, result.byteLength));
console.log(`tfjs ${tf.version_core} backend=${tf.getBackend()} output shape [${output.shape}]`);

// Runs the face-api.js expression network (npm @vladmandic/face-api 1.7.15 weights) with TF.js ops
// on the pure-JS CPU backend, as the package's source composes them (FaceFeatureExtractor:
// mean-RGB normalisation, denseBlock4 x 4, avgPool 7x7/2; FaceExpressionNet: fully connected +
// softmax). Weights are decoded (uint8 dequantised) by TF.js's own tf.io.decodeWeights, so the
// Java manifest reader and graph builder are checked against an independent implementation.
// usage: node faceapi.mjs <weights_manifest.json> <inputs.f32> <outputs.f32> <n>
// inputs: n*112*112*3 little-endian float32 RGB pixel values 0..255 (NHWC, square 112x112 crops);
// outputs: n*7 little-endian float32 probabilities in face-api's order
// (neutral, happy, sad, angry, fearful, disgusted, surprised).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

const [manifestFile, inputsFile, outputsFile, count] = process.argv.slice(2);
const n = Number(count);
if (!manifestFile || !outputsFile || !(n > 0)) {
  console.error('usage: node faceapi.mjs <weights_manifest.json> <inputs.f32> <outputs.f32> <n>');
  process.exit(2);
}
await tf.setBackend('cpu');

const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
const w = {};
for (const group of manifest) {
  const bytes = Buffer.concat(group.paths.map((p) => readFileSync(join(dirname(manifestFile), p))));
  const data = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  Object.assign(w, tf.io.decodeWeights(data, group.weights));
}

const sepConv = (x, p, stride) => tf.add(
  tf.separableConv2d(x, w[`${p}/depthwise_filter`], w[`${p}/pointwise_filter`], stride, 'same'),
  w[`${p}/bias`],
);

function denseBlock4(x, p, first) {
  const out1 = tf.relu(first
    ? tf.add(tf.conv2d(x, w[`${p}/conv0/filters`], [2, 2], 'same'), w[`${p}/conv0/bias`])
    : sepConv(x, `${p}/conv0`, [2, 2]));
  const out2 = sepConv(out1, `${p}/conv1`, [1, 1]);
  const in3 = tf.relu(tf.add(out1, out2));
  const out3 = sepConv(in3, `${p}/conv2`, [1, 1]);
  const in4 = tf.relu(tf.add(out1, tf.add(out2, out3)));
  const out4 = sepConv(in4, `${p}/conv3`, [1, 1]);
  return tf.relu(tf.add(out1, tf.add(out2, tf.add(out3, out4))));
}

const raw = readFileSync(inputsFile);
const values = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
if (values.length !== n * 112 * 112 * 3) {
  console.error(`inputs hold ${values.length} floats, expected ${n * 112 * 112 * 3}`);
  process.exit(2);
}
const result = tf.tidy(() => {
  const x = tf.tensor4d(values, [n, 112, 112, 3], 'float32');
  const [r, g, b] = [122.782, 117.001, 104.298];
  const mean = tf.concat([
    tf.fill([n, 112, 112, 1], r, 'float32'),
    tf.fill([n, 112, 112, 1], g, 'float32'),
    tf.fill([n, 112, 112, 1], b, 'float32')], 3);
  let out = tf.div(tf.sub(x, mean), 255);
  out = denseBlock4(out, 'dense0', true);
  out = denseBlock4(out, 'dense1', false);
  out = denseBlock4(out, 'dense2', false);
  out = denseBlock4(out, 'dense3', false);
  out = tf.avgPool(out, [7, 7], [2, 2], 'valid');
  const logits = tf.add(tf.matMul(tf.reshape(out, [n, -1]), w['fc/weights']), w['fc/bias']);
  return tf.softmax(logits);
});
const data = await result.data();
writeFileSync(outputsFile, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
console.log(`tfjs ${tf.version_core} backend=${tf.getBackend()} output shape [${result.shape}]`);

/**
 * This module contains the fully connected network's shape, its packed weight layout, scikit-learn's
 * Glorot-uniform initialisation from our seeded Random, and the forward pass in plain JavaScript.
 *
 * Prediction runs here rather than in TensorFlow.js: it is synchronous, allocates no tensors (nothing to
 * leak), works in a fresh process before any backend has started, and gives the same numbers whichever
 * backend trained the weights.
 */
import type { Matrix } from '../../core/matrix.js';
import type { Random } from '../../core/random.js';

export type Activation = 'identity' | 'logistic' | 'tanh' | 'relu';
/** Output layer: 'sigmoid' (binary), 'softmax' (multiclass) or 'identity' (regression). */
export type OutputKind = 'sigmoid' | 'softmax' | 'identity';

export interface NetworkShape {
  /** Units per layer: inputs, hidden layers…, outputs. */
  layerSizes: number[];
  /** Activation of the hidden layers. */
  activation: Activation;
  output: OutputKind;
}

/** Where layer l's weights (in × out, row-major) and biases (out) start in the packed array. */
export interface LayerSlice {
  inputs: number;
  outputs: number;
  weights: number;
  biases: number;
}

export function layerSlices(layerSizes: readonly number[]): LayerSlice[] {
  const slices: LayerSlice[] = [];
  let offset = 0;
  for (let l = 0; l + 1 < layerSizes.length; l++) {
    const inputs = layerSizes[l];
    const outputs = layerSizes[l + 1];
    slices.push({ inputs, outputs, weights: offset, biases: offset + inputs * outputs });
    offset += inputs * outputs + outputs;
  }
  return slices;
}

export function parameterCount(layerSizes: readonly number[]): number {
  const slices = layerSlices(layerSizes);
  const last = slices[slices.length - 1];
  return last ? last.biases + last.outputs : 0;
}

/**
 * scikit-learn's initialisation: weights and biases uniform in ±√(f / (fan_in + fan_out)), with f = 2 for
 * logistic hidden units and 6 otherwise.
 */
export function initialWeights(shape: NetworkShape, random: Random): Float64Array {
  const out = new Float64Array(parameterCount(shape.layerSizes));
  const factor = shape.activation === 'logistic' ? 2 : 6;
  for (const s of layerSlices(shape.layerSizes)) {
    const bound = Math.sqrt(factor / (s.inputs + s.outputs));
    const end = s.biases + s.outputs;
    for (let i = s.weights; i < end; i++) out[i] = random.uniform(-bound, bound);
  }
  return out;
}

/** Network outputs after the output activation (probabilities or values), rows × outputs. */
export function forward(shape: NetworkShape, weights: Float32Array | Float64Array, X: Matrix): Float64Array {
  const n = X.rows;
  let h: Float64Array = X.data;
  const slices = layerSlices(shape.layerSizes);
  slices.forEach((s, l) => {
    const next = new Float64Array(n * s.outputs);
    for (let i = 0; i < n; i++) {
      const o = i * s.outputs;
      for (let k = 0; k < s.outputs; k++) next[o + k] = weights[s.biases + k];
      const hb = i * s.inputs;
      for (let j = 0; j < s.inputs; j++) {
        const v = h[hb + j];
        if (v === 0) continue; // relu zeros are common; skip their row of weights
        const wb = s.weights + j * s.outputs;
        for (let k = 0; k < s.outputs; k++) next[o + k] += v * weights[wb + k];
      }
    }
    if (l < slices.length - 1) activate(next, shape.activation);
    h = next;
  });
  finishOutput(h, n, shape.layerSizes[shape.layerSizes.length - 1], shape.output);
  return h;
}

function activate(v: Float64Array, activation: Activation): void {
  switch (activation) {
    case 'relu':
      for (let i = 0; i < v.length; i++) if (v[i] < 0) v[i] = 0;
      break;
    case 'tanh':
      for (let i = 0; i < v.length; i++) v[i] = Math.tanh(v[i]);
      break;
    case 'logistic':
      for (let i = 0; i < v.length; i++) v[i] = 1 / (1 + Math.exp(-v[i]));
      break;
    case 'identity':
      break;
  }
}

function finishOutput(z: Float64Array, n: number, k: number, output: OutputKind): void {
  if (output === 'sigmoid') {
    for (let i = 0; i < z.length; i++) z[i] = 1 / (1 + Math.exp(-z[i]));
  } else if (output === 'softmax') {
    for (let i = 0; i < n; i++) {
      let max = -Infinity;
      for (let c = 0; c < k; c++) max = Math.max(max, z[i * k + c]);
      let sum = 0;
      for (let c = 0; c < k; c++) {
        const e = Math.exp(z[i * k + c] - max);
        z[i * k + c] = e;
        sum += e;
      }
      for (let c = 0; c < k; c++) z[i * k + c] /= sum;
    }
  }
}

/**
 * This module contains the loss functions of histogram gradient boosting: the constant baseline prediction,
 * per-sample gradients and hessians of the loss with respect to the raw prediction (the log-losses in the
 * WebAssembly kernels, which carry their own exp), and the mean loss.
 *
 * Raw predictions are stored class-major: output k of sample i at k * n + i. Gradients and hessians are
 * interleaved f32 pairs, also class-major: sample i of output k has its gradient at 2(k * n + i) and its
 * hessian right after, so the pairs one tree is fitted to form one contiguous block.
 */
import type { Kernels } from './kernels.js';

export interface Loss {
  /** Trees grown per boosting iteration (one per class for multiclass, else 1). */
  readonly nOutputs: number;
  /** The best constant raw prediction, one value per output. */
  baseline(y: Float64Array): Float64Array;
  /**
   * Writes the gradient/hessian pairs (class-major, nOutputs × n pairs) of the loss at `raw`. All three
   * arrays must be views on the kernel workspace the loss was made for.
   */
  gradients(y: Float64Array, raw: Float64Array, gh: Float32Array): void;
  /** Mean loss of the raw predictions (class-major); any arrays. */
  loss(y: Float64Array, raw: Float64Array): number;
}

/** Half squared error, (raw − y)² / 2: gradient raw − y, hessian 1. */
export class SquaredError implements Loss {
  readonly nOutputs = 1;

  baseline(y: Float64Array): Float64Array {
    return Float64Array.of(mean(y));
  }

  gradients(y: Float64Array, raw: Float64Array, gh: Float32Array): void {
    for (let i = 0; i < y.length; i++) {
      gh[2 * i] = raw[i] - y[i];
      gh[2 * i + 1] = 1;
    }
  }

  loss(y: Float64Array, raw: Float64Array): number {
    let sum = 0;
    for (let i = 0; i < y.length; i++) {
      const d = raw[i] - y[i];
      sum += d * d;
    }
    return (0.5 * sum) / y.length;
  }
}

/** Binary log-loss on the log-odds of class 1: gradient p − y, hessian p(1 − p). */
export class BinaryLogLoss implements Loss {
  readonly nOutputs = 1;

  constructor(private readonly kernels: Kernels) {}

  baseline(y: Float64Array): Float64Array {
    const p = clipProbability(mean(y));
    return Float64Array.of(Math.log(p / (1 - p)));
  }

  gradients(y: Float64Array, raw: Float64Array, gh: Float32Array): void {
    this.kernels.logisticGradients(raw.byteOffset, y.byteOffset, gh.byteOffset, y.length);
  }

  loss(y: Float64Array, raw: Float64Array): number {
    let sum = 0;
    for (let i = 0; i < y.length; i++) sum += log1pExp(raw[i]) - y[i] * raw[i];
    return sum / y.length;
  }
}

/** Multinomial log-loss on per-class raw scores (softmax link): gradient p_k − [y = k], hessian p_k(1 − p_k). */
export class MultinomialLogLoss implements Loss {
  /** @param scratch nOutputs doubles on the kernel workspace */
  constructor(
    readonly nOutputs: number,
    private readonly kernels: Kernels,
    private readonly scratch: Float64Array,
  ) {}

  baseline(y: Float64Array): Float64Array {
    const K = this.nOutputs;
    const counts = new Float64Array(K);
    for (let i = 0; i < y.length; i++) counts[y[i]]++;
    const out = new Float64Array(K);
    let centre = 0;
    for (let k = 0; k < K; k++) {
      out[k] = Math.log(clipProbability(counts[k] / y.length));
      centre += out[k] / K;
    }
    // centred log-priors: softmax is unchanged by a shift, centring keeps the scores near zero
    for (let k = 0; k < K; k++) out[k] -= centre;
    return out;
  }

  gradients(y: Float64Array, raw: Float64Array, gh: Float32Array): void {
    this.kernels.softmaxGradients(
      raw.byteOffset,
      y.byteOffset,
      gh.byteOffset,
      y.length,
      this.nOutputs,
      this.scratch.byteOffset,
    );
  }

  loss(y: Float64Array, raw: Float64Array): number {
    const K = this.nOutputs;
    const n = y.length;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      let max = -Infinity;
      for (let k = 0; k < K; k++) if (raw[k * n + i] > max) max = raw[k * n + i];
      let s = 0;
      for (let k = 0; k < K; k++) s += Math.exp(raw[k * n + i] - max);
      sum += max + Math.log(s) - raw[y[i] * n + i];
    }
    return sum / n;
  }
}

/**
 * The loss for a task: squared error for regression, binary or multinomial log-loss for classification.
 * `scratch` (at least nClasses doubles) must be on the same kernel workspace as the arrays later passed in.
 */
export function lossFor(
  task: 'classification' | 'regression',
  nClasses: number,
  kernels: Kernels,
  scratch: Float64Array,
): Loss {
  if (task === 'regression') return new SquaredError();
  return nClasses <= 2 ? new BinaryLogLoss(kernels) : new MultinomialLogLoss(nClasses, kernels, scratch);
}

/** Trees grown per iteration for a task. */
export function outputsFor(task: 'classification' | 'regression', nClasses: number): number {
  return task === 'classification' && nClasses > 2 ? nClasses : 1;
}

/**
 * Class probabilities (rows × nClasses, row-major) from raw scores (rows × outputs, row-major): the
 * logistic function of the one binary score, or the softmax of the per-class scores.
 */
export function probabilities(raw: Float64Array, rows: number, nClasses: number): Float64Array {
  const out = new Float64Array(rows * nClasses);
  if (outputsFor('classification', nClasses) === 1) {
    for (let i = 0; i < rows; i++) {
      // e^−x overflows to Infinity only where the probability rounds to 0 anyway
      const p1 = 1 / (1 + Math.exp(-raw[i]));
      out[2 * i] = 1 - p1;
      out[2 * i + 1] = p1;
    }
    return out;
  }
  for (let i = 0; i < rows; i++) {
    const base = i * nClasses;
    let max = -Infinity;
    for (let k = 0; k < nClasses; k++) if (raw[base + k] > max) max = raw[base + k];
    let sum = 0;
    for (let k = 0; k < nClasses; k++) {
      const e = Math.exp(raw[base + k] - max);
      out[base + k] = e;
      sum += e;
    }
    for (let k = 0; k < nClasses; k++) out[base + k] /= sum;
  }
  return out;
}

function mean(y: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < y.length; i++) sum += y[i];
  return sum / y.length;
}

/** log(1 + e^x) without overflow. */
function log1pExp(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

const EPS = 2.220446049250313e-16;

function clipProbability(p: number): number {
  return p < EPS ? EPS : p > 1 - EPS ? 1 - EPS : p;
}

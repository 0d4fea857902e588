/**
 * This module contains the loss functions of histogram gradient boosting: the constant baseline prediction,
 * per-sample gradients and hessians of the loss with respect to the raw prediction, and the mean loss.
 *
 * Raw predictions, gradients and hessians are stored class-major: the value of output k for sample i is at
 * k * n + i, so the gradients one tree is fitted to form one contiguous block.
 */

export interface Loss {
  /** Trees grown per boosting iteration (one per class for multiclass, else 1). */
  readonly nOutputs: number;
  /** The best constant raw prediction, one value per output. */
  baseline(y: Float64Array): Float64Array;
  /** Writes gradients and hessians (class-major, nOutputs × n) of the loss at `raw`. */
  gradients(y: Float64Array, raw: Float64Array, gradients: Float32Array, hessians: Float32Array): void;
  /** Mean loss of the raw predictions (class-major). */
  loss(y: Float64Array, raw: Float64Array): number;
}

/** Half squared error, (raw − y)² / 2: gradient raw − y, hessian 1. */
export class SquaredError implements Loss {
  readonly nOutputs = 1;

  baseline(y: Float64Array): Float64Array {
    let sum = 0;
    for (let i = 0; i < y.length; i++) sum += y[i];
    return Float64Array.of(sum / y.length);
  }

  gradients(y: Float64Array, raw: Float64Array, gradients: Float32Array, hessians: Float32Array): void {
    for (let i = 0; i < y.length; i++) {
      gradients[i] = raw[i] - y[i];
      hessians[i] = 1;
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

  baseline(y: Float64Array): Float64Array {
    let sum = 0;
    for (let i = 0; i < y.length; i++) sum += y[i];
    const p = clipProbability(sum / y.length);
    return Float64Array.of(Math.log(p / (1 - p)));
  }

  gradients(y: Float64Array, raw: Float64Array, gradients: Float32Array, hessians: Float32Array): void {
    for (let i = 0; i < y.length; i++) {
      const p = sigmoid(raw[i]);
      gradients[i] = p - y[i];
      hessians[i] = p * (1 - p);
    }
  }

  loss(y: Float64Array, raw: Float64Array): number {
    let sum = 0;
    for (let i = 0; i < y.length; i++) sum += log1pExp(raw[i]) - y[i] * raw[i];
    return sum / y.length;
  }
}

/** Multinomial log-loss on per-class raw scores (softmax link): gradient p_k − [y = k], hessian p_k(1 − p_k). */
export class MultinomialLogLoss implements Loss {
  private probabilities = new Float64Array(0);

  constructor(readonly nOutputs: number) {}

  baseline(y: Float64Array): Float64Array {
    const K = this.nOutputs;
    const counts = new Float64Array(K);
    for (let i = 0; i < y.length; i++) counts[y[i]]++;
    const out = new Float64Array(K);
    let mean = 0;
    for (let k = 0; k < K; k++) {
      out[k] = Math.log(clipProbability(counts[k] / y.length));
      mean += out[k] / K;
    }
    // centred log-priors: softmax is unchanged by a shift, centring keeps the scores near zero
    for (let k = 0; k < K; k++) out[k] -= mean;
    return out;
  }

  gradients(y: Float64Array, raw: Float64Array, gradients: Float32Array, hessians: Float32Array): void {
    const K = this.nOutputs;
    const n = y.length;
    if (this.probabilities.length !== K) this.probabilities = new Float64Array(K);
    const p = this.probabilities;
    for (let i = 0; i < n; i++) {
      softmaxColumn(raw, n, K, i, p);
      const label = y[i];
      for (let k = 0; k < K; k++) {
        const pk = p[k];
        gradients[k * n + i] = k === label ? pk - 1 : pk;
        hessians[k * n + i] = pk * (1 - pk);
      }
    }
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

/** Picks the loss for a task: squared error for regression, binary or multinomial log-loss otherwise. */
export function lossFor(task: 'classification' | 'regression', nClasses: number): Loss {
  if (task === 'regression') return new SquaredError();
  return nClasses <= 2 ? new BinaryLogLoss() : new MultinomialLogLoss(nClasses);
}

export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** log(1 + e^x) without overflow. */
function log1pExp(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

const EPS = 2.220446049250313e-16;

function clipProbability(p: number): number {
  return p < EPS ? EPS : p > 1 - EPS ? 1 - EPS : p;
}

/** Softmax of the K class-major scores of sample i (stride n) into out[0..K). */
export function softmaxColumn(raw: Float64Array, n: number, K: number, i: number, out: Float64Array): void {
  let max = -Infinity;
  for (let k = 0; k < K; k++) if (raw[k * n + i] > max) max = raw[k * n + i];
  let sum = 0;
  for (let k = 0; k < K; k++) {
    const e = Math.exp(raw[k * n + i] - max);
    out[k] = e;
    sum += e;
  }
  for (let k = 0; k < K; k++) out[k] /= sum;
}

/**
 * This module contains Gaussian naive Bayes (family `gaussian_nb`), like scikit-learn's `GaussianNB`:
 * per-class feature means and variances (plus varSmoothing × the largest feature variance), class priors
 * from frequencies, and posteriors normalised with log-sum-exp.
 */
import { z } from 'zod';
import type { Matrix } from '../../core/matrix.js';
import { pack, type PackedArray } from '../../core/serialize.js';
import type { StateReader } from '../../core/untrusted.js';
import { BaseClassifier } from '../estimator.js';
import type { ModelFamily } from '../registry.js';

export const gaussianNbParams = z.strictObject({
  /** Share of the largest feature variance added to every variance, for numerical stability. */
  varSmoothing: z.number().nonnegative().default(1e-9),
});
export type GaussianNbParams = z.output<typeof gaussianNbParams>;

interface GaussianNbState {
  theta: PackedArray;
  variance: PackedArray;
  logPrior: PackedArray;
}

export class GaussianNB extends BaseClassifier<GaussianNbParams> {
  readonly family = 'gaussian_nb';
  /** nClasses × p per-class feature means. */
  theta: Float64Array = new Float64Array(0);
  /** nClasses × p per-class feature variances (smoothed). */
  variance: Float64Array = new Float64Array(0);
  /** log P(class); −Infinity for classes absent from the training data. */
  logPrior: Float64Array = new Float64Array(0);

  constructor(params?: Record<string, unknown>) {
    super(gaussianNbParams, params, 'gaussian_nb');
  }

  protected fitValidated(X: Matrix, y: Float64Array): void {
    const { rows: n, cols: p, data } = X;
    const K = this.nClasses;
    const counts = new Float64Array(K);
    const theta = new Float64Array(K * p);
    const variance = new Float64Array(K * p);
    for (let i = 0; i < n; i++) {
      const c = y[i];
      counts[c]++;
      for (let j = 0; j < p; j++) theta[c * p + j] += data[i * p + j];
    }
    for (let c = 0; c < K; c++) {
      if (counts[c] > 0) for (let j = 0; j < p; j++) theta[c * p + j] /= counts[c];
    }
    // two-pass (centred) variances: accurate even for large feature offsets
    for (let i = 0; i < n; i++) {
      const c = y[i];
      for (let j = 0; j < p; j++) {
        const d = data[i * p + j] - theta[c * p + j];
        variance[c * p + j] += d * d;
      }
    }
    for (let c = 0; c < K; c++) {
      if (counts[c] > 0) for (let j = 0; j < p; j++) variance[c * p + j] /= counts[c];
    }

    // epsilon = varSmoothing × the largest variance of any feature over all rows
    let maxVar = 0;
    for (let j = 0; j < p; j++) {
      let mean = 0;
      for (let i = 0; i < n; i++) mean += data[i * p + j];
      mean /= n;
      let v = 0;
      for (let i = 0; i < n; i++) v += (data[i * p + j] - mean) ** 2;
      maxVar = Math.max(maxVar, v / n);
    }
    // all-constant features would give a zero scale: fall back to 1. The floor at machine precision keeps
    // every variance positive (so densities stay finite) even with varSmoothing = 0.
    const scale = maxVar > 0 ? maxVar : 1;
    const epsilon = Math.max(this.params.varSmoothing, Number.EPSILON) * scale;
    const logPrior = new Float64Array(K);
    for (let c = 0; c < K; c++) {
      logPrior[c] = counts[c] > 0 ? Math.log(counts[c] / n) : -Infinity;
      for (let j = 0; j < p; j++) {
        // classes absent from the data get a unit variance; their −∞ prior already rules them out
        variance[c * p + j] = counts[c] > 0 ? variance[c * p + j] + epsilon : 1;
      }
    }
    this.theta = theta;
    this.variance = variance;
    this.logPrior = logPrior;
  }

  /** Joint log-likelihoods log P(c) + Σ_j log N(x_j; θ_cj, σ²_cj), rows × nClasses. */
  jointLogLikelihood(X: Matrix): Float64Array {
    const { rows: n, cols: p, data } = X;
    const K = this.nClasses;
    const constant = new Float64Array(K);
    const invVar = new Float64Array(K * p);
    for (let c = 0; c < K; c++) {
      let s = 0;
      for (let j = 0; j < p; j++) {
        s += Math.log(2 * Math.PI * this.variance[c * p + j]);
        invVar[c * p + j] = 1 / this.variance[c * p + j];
      }
      constant[c] = this.logPrior[c] - 0.5 * s;
    }
    const out = new Float64Array(n * K);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < K; c++) {
        let s = 0;
        for (let j = 0; j < p; j++) {
          const d = data[i * p + j] - this.theta[c * p + j];
          s += d * d * invVar[c * p + j];
        }
        out[i * K + c] = constant[c] - 0.5 * s;
      }
    }
    return out;
  }

  protected predictProbaValidated(X: Matrix): Matrix {
    const K = this.nClasses;
    const out = this.jointLogLikelihood(X);
    for (let i = 0; i < X.rows; i++) {
      let max = -Infinity;
      for (let c = 0; c < K; c++) max = Math.max(max, out[i * K + c]);
      let sum = 0;
      for (let c = 0; c < K; c++) sum += Math.exp(out[i * K + c] - max);
      const logSum = max + Math.log(sum);
      for (let c = 0; c < K; c++) out[i * K + c] = Math.exp(out[i * K + c] - logSum);
    }
    return { data: out, rows: X.rows, cols: K };
  }

  protected getState(): GaussianNbState {
    return { theta: pack(this.theta), variance: pack(this.variance), logPrior: pack(this.logPrior) };
  }

  protected setState(state: StateReader): void {
    const size = this.nClasses * this.nFeatures;
    this.theta = state.f64('theta', { length: size });
    this.variance = state.f64('variance', { length: size, positive: true });
    // log-probabilities: −Infinity for a class absent from the training data, but not for every class
    this.logPrior = state.f64('logPrior', { length: this.nClasses, max: 0, infinite: true });
    if (!this.logPrior.some(Number.isFinite))
      state.fail(`${state.field('logPrior')} gives every class probability 0`);
  }
}

export const gaussianNbFamily: ModelFamily = {
  family: 'gaussian_nb',
  label: 'Gaussian naive Bayes',
  tasks: ['classification'],
  create: (_task, params) => new GaussianNB(params),
};

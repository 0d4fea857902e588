/**
 * This module contains the Parzen estimators of TPE: a mixture of Gaussians truncated to [0, 1] for numeric
 * parameters (on their unit/log scale, one kernel per observation plus a broad prior kernel, bandwidths from
 * the gaps between neighbours), and a smoothed weighted histogram for categorical ones.
 */
import type { Random } from '../../../core/random.js';
import { weightedIndex } from '../../space/sample.js';

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** erf with absolute error below 1.2e-7 (Numerical Recipes' erfc Chebyshev fit). */
function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -z * z -
    1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t *
                      (0.27886807 +
                        t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const erfc = t * Math.exp(poly);
  return x >= 0 ? 1 - erfc : erfc - 1;
}

function normalCdf(x: number): number {
  return 0.5 * (1 + erf(x / Math.SQRT2));
}

/** Observation weights, oldest first: equal for the newest 25, ramping down linearly for older ones (as Optuna). */
export function recencyWeights(n: number): number[] {
  const keep = 25;
  if (n <= keep) return new Array<number>(n).fill(1);
  const ramp = n - keep;
  return Array.from({ length: n }, (_, i) =>
    i < ramp ? 1 / n + ((1 - 1 / n) * i) / Math.max(1, ramp - 1) : 1,
  );
}

/** A truncated-Gaussian mixture on [0, 1]. */
export class NumericParzen {
  private readonly mus: Float64Array;
  private readonly sigmas: Float64Array;
  private readonly weights: Float64Array;
  /** log of (weight / (sigma · sqrt(2π) · mass inside [0, 1])) per kernel: everything but the exponent. */
  private readonly logCoef: Float64Array;
  private readonly scratch: Float64Array;

  /** `values` in [0, 1] with their weights; the prior kernel (centre 0.5, width 1) gets `priorWeight`. */
  constructor(values: readonly number[], weights: readonly number[], priorWeight = 1) {
    const n = values.length + 1;
    this.mus = Float64Array.from([...values, 0.5]);
    this.weights = Float64Array.from([...weights, priorWeight]);
    let total = 0;
    for (const w of this.weights) total += w;
    for (let i = 0; i < n; i++) this.weights[i] /= total;
    // bandwidth: the larger gap to a neighbour (the outermost kernels look inwards only), clipped
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => this.mus[a] - this.mus[b] || a - b);
    this.sigmas = new Float64Array(n);
    const minSigma = 1 / Math.min(100, 1 + n);
    for (let r = 0; r < n; r++) {
      const x = this.mus[order[r]];
      const left = r === 0 ? 0 : x - this.mus[order[r - 1]];
      const right = r === n - 1 ? 0 : this.mus[order[r + 1]] - x;
      this.sigmas[order[r]] = Math.min(1, Math.max(minSigma, left, right));
    }
    this.sigmas[n - 1] = 1;
    this.logCoef = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const mass = normalCdf((1 - this.mus[i]) / this.sigmas[i]) - normalCdf(-this.mus[i] / this.sigmas[i]);
      this.logCoef[i] =
        Math.log(this.weights[i]) -
        LOG_SQRT_2PI -
        Math.log(this.sigmas[i]) -
        Math.log(Math.max(mass, 1e-300));
    }
    this.scratch = new Float64Array(n);
  }

  sample(rng: Random): number {
    const i = weightedIndex(this.weights, rng);
    for (let attempt = 0; attempt < 32; attempt++) {
      const x = rng.normal(this.mus[i], this.sigmas[i]);
      if (x >= 0 && x <= 1) return x;
    }
    return Math.min(1, Math.max(0, this.mus[i]));
  }

  logPdf(x: number): number {
    const terms = this.scratch;
    let max = -Infinity;
    for (let i = 0; i < terms.length; i++) {
      const z = (x - this.mus[i]) / this.sigmas[i];
      const t = this.logCoef[i] - 0.5 * z * z;
      terms[i] = t;
      if (t > max) max = t;
    }
    let sum = 0;
    for (let i = 0; i < terms.length; i++) sum += Math.exp(terms[i] - max);
    return max + Math.log(sum);
  }
}

/** A weighted histogram over k categories smoothed by a uniform prior of total weight `priorWeight`. */
export class CategoricalParzen {
  private readonly probs: Float64Array;

  constructor(indices: readonly number[], weights: readonly number[], k: number, priorWeight = 1) {
    this.probs = new Float64Array(k).fill(priorWeight / k);
    indices.forEach((c, i) => (this.probs[c] += weights[i]));
    let total = 0;
    for (const p of this.probs) total += p;
    for (let c = 0; c < k; c++) this.probs[c] /= total;
  }

  sample(rng: Random): number {
    return weightedIndex(this.probs, rng);
  }

  logPdf(c: number): number {
    return Math.log(this.probs[c]);
  }
}

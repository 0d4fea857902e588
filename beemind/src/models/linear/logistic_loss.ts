/**
 * This module contains the (unpenalised) logistic log-loss and its gradient: binary (one sigmoid output)
 * or multinomial (softmax over K outputs), scaled by C as in scikit-learn's objective
 * C·Σ_i loss_i + penalty(w).
 *
 * Parameter layout: outputs × p coefficients (row-major), then one intercept per output. The intercept
 * enters as interceptScale · u, which lets the caller precondition it (0 turns the intercept off).
 */
import { linearScores, residualProduct } from './design.js';

export class LogisticLoss {
  /** Number of parameters: outputs · (p + 1). */
  readonly size: number;
  /** n × outputs scores, reused across evaluations. */
  private readonly scores: Float64Array;

  /**
   * @param X row-major n × p design matrix (trusted, finite)
   * @param y class indices 0..K−1 (for one output: 0 or 1)
   * @param outputs 1 for a binary sigmoid model, K for softmax
   */
  constructor(
    private readonly X: Float64Array,
    private readonly n: number,
    private readonly p: number,
    private readonly y: Float64Array,
    private readonly outputs: number,
    private readonly C: number,
    private readonly interceptScale: number,
  ) {
    this.size = outputs * (p + 1);
    this.scores = new Float64Array(n * outputs);
  }

  /** C · Σ log-loss at theta; writes its gradient into grad when given. */
  evaluate(theta: Float64Array, grad?: Float64Array): number {
    const { X, n, p, y, outputs: K, C, scores } = this;
    const sb = this.interceptScale;
    const interceptOffset = K * p;
    // all scores first (blocked over outputs), then the per-row loss and residuals
    linearScores(X, n, p, theta, theta.subarray(interceptOffset), K, sb, scores);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const o = i * K;
      const label = y[i];
      if (K === 1) {
        const zi = scores[o];
        // softplus(z) − y·z, computed without overflow
        loss += (zi > 0 ? zi + Math.log1p(Math.exp(-zi)) : Math.log1p(Math.exp(zi))) - label * zi;
        if (grad) scores[o] = 1 / (1 + Math.exp(-zi)) - label;
      } else {
        let max = -Infinity;
        for (let k = 0; k < K; k++) if (scores[o + k] > max) max = scores[o + k];
        let sum = 0;
        for (let k = 0; k < K; k++) sum += Math.exp(scores[o + k] - max);
        loss += max + Math.log(sum) - scores[o + label];
        if (grad) {
          for (let k = 0; k < K; k++) scores[o + k] = Math.exp(scores[o + k] - max) / sum;
          scores[o + label] -= 1;
        }
      }
    }
    if (grad) {
      // scores now hold the residuals d loss_i / d z_k: gradient = C · [Rᵀ X, sb · Σ_i R_i]
      residualProduct(scores, X, n, p, K, grad);
      for (let k = 0; k < K; k++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += scores[i * K + k];
        grad[interceptOffset + k] = s * sb;
      }
      for (let t = 0; t < grad.length; t++) grad[t] *= C;
    }
    return C * loss;
  }
}

/**
 * This module contains the (unpenalised) logistic log-loss and its gradient: binary (one sigmoid output)
 * or multinomial (softmax over K outputs), scaled by C as in scikit-learn's objective
 * C·Σ_i loss_i + penalty(w).
 *
 * Parameter layout: outputs × p coefficients (row-major), then one intercept per output. The intercept
 * enters as interceptScale · u, which lets the caller precondition it (0 turns the intercept off).
 */

export class LogisticLoss {
  /** Number of parameters: outputs · (p + 1). */
  readonly size: number;
  private readonly z: Float64Array;

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
    this.z = new Float64Array(outputs);
  }

  /** C · Σ log-loss at theta; writes its gradient into grad when given. */
  evaluate(theta: Float64Array, grad?: Float64Array): number {
    const { X, n, p, y, outputs: K, C, z, interceptScale: sb } = this;
    const interceptOffset = K * p;
    if (grad) grad.fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const base = i * p;
      for (let k = 0; k < K; k++) {
        const cb = k * p;
        let s = sb * theta[interceptOffset + k];
        for (let j = 0; j < p; j++) s += X[base + j] * theta[cb + j];
        z[k] = s;
      }
      const label = y[i];
      if (K === 1) {
        const zi = z[0];
        // softplus(z) − y·z, computed without overflow
        loss += (zi > 0 ? zi + Math.log1p(Math.exp(-zi)) : Math.log1p(Math.exp(zi))) - label * zi;
        if (grad) z[0] = 1 / (1 + Math.exp(-zi)) - label;
      } else {
        let max = -Infinity;
        for (let k = 0; k < K; k++) if (z[k] > max) max = z[k];
        let sum = 0;
        for (let k = 0; k < K; k++) sum += Math.exp(z[k] - max);
        loss += max + Math.log(sum) - z[label];
        if (grad) {
          for (let k = 0; k < K; k++) z[k] = Math.exp(z[k] - max) / sum;
          z[label] -= 1;
        }
      }
      if (grad) {
        // z now holds d loss_i / d z_k
        for (let k = 0; k < K; k++) {
          const r = z[k];
          if (r === 0) continue;
          const cb = k * p;
          for (let j = 0; j < p; j++) grad[cb + j] += r * X[base + j];
          grad[interceptOffset + k] += r * sb;
        }
      }
    }
    if (grad) for (let t = 0; t < grad.length; t++) grad[t] *= C;
    return C * loss;
  }
}

/**
 * This module contains the Adam update rule (Kingma & Ba, with scikit-learn's bias-corrected step size),
 * applied in place to a packed float64 parameter vector. Keeping the optimiser in JavaScript makes a
 * training step a single TensorFlow.js gradient call and keeps the update identical on every backend.
 */

export interface AdamOptions {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

export class Adam {
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private t = 0;

  constructor(
    size: number,
    private readonly options: AdamOptions,
  ) {
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
  }

  /** params ← params − lr_t · m̂ / (√v̂ + ε) for the gradient grad. */
  step(params: Float64Array, grad: Float64Array): void {
    const { learningRate, beta1, beta2, epsilon } = this.options;
    const { m, v } = this;
    this.t++;
    const rate = (learningRate * Math.sqrt(1 - beta2 ** this.t)) / (1 - beta1 ** this.t);
    for (let i = 0; i < params.length; i++) {
      const g = grad[i];
      m[i] = beta1 * m[i] + (1 - beta1) * g;
      v[i] = beta2 * v[i] + (1 - beta2) * g * g;
      params[i] -= (rate * m[i]) / (Math.sqrt(v[i]) + epsilon);
    }
  }
}

/**
 * This module contains FISTA (accelerated proximal gradient with backtracking and adaptive restart) for
 * f(x) + Σ_i λ_i·|x_i| with f smooth: the solver of L1-penalised logistic regression. The soft-threshold
 * step sets coefficients exactly to zero, so the solution is genuinely sparse.
 */
import type { ObjectiveWithGradient } from './lbfgs.js';

export interface FistaOptions {
  maxIter: number;
  /** Per-coordinate L1 weights λ_i ≥ 0 (0 leaves a coordinate unpenalised, e.g. an intercept). */
  l1: Float64Array;
  /** Called with the gradient mapping L·(y − x⁺) after every step; true stops as converged. */
  converged: (gradientMapping: Float64Array) => boolean;
}

export interface FistaResult {
  x: Float64Array;
  iterations: number;
  converged: boolean;
}

export function minimizeFista(
  f: ObjectiveWithGradient,
  x0: Float64Array,
  options: FistaOptions,
): FistaResult {
  const { maxIter, l1 } = options;
  const d = x0.length;
  let x = Float64Array.from(x0);
  let xNew = new Float64Array(d);
  const yk = Float64Array.from(x0);
  const g = new Float64Array(d);
  const mapping = new Float64Array(d);
  let lipschitz = 1;
  let t = 1;
  let objective = f(x) + l1Norm(x, l1);

  for (let iter = 1; iter <= maxIter; iter++) {
    const fy = f(yk, g);
    let fNew = 0;
    // backtracking: grow the Lipschitz estimate until the quadratic upper bound holds at the prox step
    for (let tries = 0; tries < 60; tries++) {
      const step = 1 / lipschitz;
      for (let i = 0; i < d; i++) xNew[i] = softThreshold(yk[i] - step * g[i], step * l1[i]);
      fNew = f(xNew);
      let lin = 0;
      let quad = 0;
      for (let i = 0; i < d; i++) {
        const diff = xNew[i] - yk[i];
        lin += g[i] * diff;
        quad += diff * diff;
      }
      if (fNew <= fy + lin + 0.5 * lipschitz * quad + 1e-12 * Math.abs(fy)) break;
      lipschitz *= 2;
    }
    for (let i = 0; i < d; i++) mapping[i] = lipschitz * (yk[i] - xNew[i]);

    const objectiveNew = fNew + l1Norm(xNew, l1);
    if (options.converged(mapping)) {
      return { x: objectiveNew <= objective ? xNew : x, iterations: iter, converged: true };
    }
    if (objectiveNew > objective) {
      // a plain proximal step (no momentum) that cannot decrease the objective: stationary to rounding error
      if (t === 1) return { x, iterations: iter, converged: true };
      // momentum overshot: restart from the last iterate without momentum
      t = 1;
      yk.set(x);
      continue;
    }
    // let the step grow again where the objective is flatter than the worst case seen so far
    lipschitz *= 0.8;
    const tNew = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
    const momentum = (t - 1) / tNew;
    for (let i = 0; i < d; i++) yk[i] = xNew[i] + momentum * (xNew[i] - x[i]);
    [x, xNew] = [xNew, x];
    t = tNew;
    objective = objectiveNew;
  }
  return { x, iterations: maxIter, converged: false };
}

function softThreshold(v: number, threshold: number): number {
  if (v > threshold) return v - threshold;
  if (v < -threshold) return v + threshold;
  return 0;
}

function l1Norm(x: Float64Array, weights: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += weights[i] * Math.abs(x[i]);
  return s;
}

/**
 * This module contains a limited-memory BFGS minimiser for smooth convex objectives (two-loop recursion,
 * backtracking Armijo line search), used by the L2-penalised logistic regression.
 */

/** Returns the objective value at x and, when grad is given, writes the gradient into it. */
export type ObjectiveWithGradient = (x: Float64Array, grad?: Float64Array) => number;

export interface LbfgsOptions {
  maxIter: number;
  /** Number of correction pairs kept. */
  memory?: number;
  /** Called with the gradient after every accepted step; true stops the iteration as converged. */
  converged: (grad: Float64Array) => boolean;
  /** Stop when the relative decrease of the objective falls below this (like SciPy's ftol). */
  ftol?: number;
}

export interface LbfgsResult {
  x: Float64Array;
  f: number;
  iterations: number;
  converged: boolean;
}

const ARMIJO = 1e-4;
const MAX_BACKTRACKS = 50;

export function minimizeLbfgs(
  fg: ObjectiveWithGradient,
  x0: Float64Array,
  options: LbfgsOptions,
): LbfgsResult {
  const { maxIter, memory = 10, ftol = 64 * Number.EPSILON } = options;
  const d = x0.length;
  let x = Float64Array.from(x0);
  let g = new Float64Array(d);
  let f = fg(x, g);
  if (options.converged(g)) return { x, f, iterations: 0, converged: true };

  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(memory);
  const dir = new Float64Array(d);
  let xNew = new Float64Array(d);
  let gNew = new Float64Array(d);

  for (let iter = 1; iter <= maxIter; iter++) {
    // two-loop recursion: dir = −H·g
    dir.set(g);
    for (let k = S.length - 1; k >= 0; k--) {
      const a = rho[k] * dot(S[k], dir);
      alpha[k] = a;
      axpy(-a, Y[k], dir);
    }
    if (S.length > 0) {
      const last = S.length - 1;
      const gamma = dot(S[last], Y[last]) / dot(Y[last], Y[last]);
      for (let i = 0; i < d; i++) dir[i] *= gamma;
    } else {
      // first step: a unit-length move along the steepest descent direction
      const gn = Math.sqrt(dot(g, g));
      for (let i = 0; i < d; i++) dir[i] /= gn;
    }
    for (let k = 0; k < S.length; k++) {
      const b = rho[k] * dot(Y[k], dir);
      axpy(alpha[k] - b, S[k], dir);
    }
    for (let i = 0; i < d; i++) dir[i] = -dir[i];

    let slope = dot(g, dir);
    if (!(slope < 0)) {
      // the curvature pairs went stale: restart from steepest descent
      S.length = Y.length = rho.length = 0;
      for (let i = 0; i < d; i++) dir[i] = -g[i];
      slope = -dot(g, g);
    }

    let step = 1;
    let fNew = Infinity;
    let accepted = false;
    for (let t = 0; t < MAX_BACKTRACKS; t++) {
      for (let i = 0; i < d; i++) xNew[i] = x[i] + step * dir[i];
      fNew = fg(xNew, gNew);
      if (fNew <= f + ARMIJO * step * slope) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) return { x, f, iterations: iter, converged: false };

    const s = new Float64Array(d);
    const yv = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      s[i] = xNew[i] - x[i];
      yv[i] = gNew[i] - g[i];
    }
    const sy = dot(s, yv);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(yv, yv))) {
      if (S.length === memory) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(yv);
      rho.push(1 / sy);
    }

    const fOld = f;
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    f = fNew;
    if (options.converged(g)) return { x, f, iterations: iter, converged: true };
    if ((fOld - f) / Math.max(Math.abs(fOld), Math.abs(f), 1) <= ftol) {
      return { x, f, iterations: iter, converged: true };
    }
  }
  return { x, f, iterations: maxIter, converged: false };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i] += a * x[i];
}

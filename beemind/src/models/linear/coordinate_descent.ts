/**
 * This module contains cyclic coordinate descent for the lasso, min_w (1/2n)·||y − X w||² + alpha·||w||₁
 * (scikit-learn's objective), stopped by the duality gap like scikit-learn's `Lasso`.
 */

export interface LassoOptions {
  alpha: number;
  maxIter: number;
  /** Stop when the duality gap falls below tol · ||y||². */
  tol: number;
}

export interface LassoResult {
  coef: Float64Array;
  /** Sweeps over all coordinates that were run. */
  iterations: number;
  /** Duality gap at the end (scaled like the objective times n). */
  gap: number;
  converged: boolean;
}

/** Lasso by coordinate descent on a row-major n × p matrix X (already centred if an intercept is fitted). */
export function lassoCoordinateDescent(
  X: Float64Array,
  n: number,
  p: number,
  y: Float64Array,
  { alpha, maxIter, tol }: LassoOptions,
): LassoResult {
  // column-major copy: each coordinate update walks one column
  const cols = new Float64Array(n * p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) cols[j * n + i] = X[i * p + j];
  const norm2 = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += cols[j * n + i] ** 2;
    norm2[j] = s;
  }
  const w = new Float64Array(p);
  const r = Float64Array.from(y); // residual y − X w
  const lambda = alpha * n;
  let yy = 0;
  for (let i = 0; i < n; i++) yy += y[i] * y[i];
  const gapTol = tol * yy;

  let gap = Infinity;
  let iterations = 0;
  let converged = false;
  for (let iter = 0; iter < maxIter; iter++) {
    iterations = iter + 1;
    let maxDelta = 0;
    let maxW = 0;
    for (let j = 0; j < p; j++) {
      if (norm2[j] === 0) continue;
      const c = j * n;
      const old = w[j];
      let rho = 0;
      for (let i = 0; i < n; i++) rho += cols[c + i] * r[i];
      rho += norm2[j] * old;
      const mag = Math.abs(rho) - lambda;
      const next = mag > 0 ? (Math.sign(rho) * mag) / norm2[j] : 0;
      const delta = next - old;
      if (delta !== 0) {
        for (let i = 0; i < n; i++) r[i] -= delta * cols[c + i];
        w[j] = next;
      }
      if (Math.abs(delta) > maxDelta) maxDelta = Math.abs(delta);
      if (Math.abs(next) > maxW) maxW = Math.abs(next);
    }
    // the gap costs a full pass, so only check it once the coefficients have nearly stopped moving
    if (maxW === 0 || maxDelta / maxW < tol || iter === maxIter - 1) {
      gap = dualityGap(cols, n, p, y, r, w, lambda);
      if (gap < gapTol) {
        converged = true;
        break;
      }
    }
  }
  return { coef: w, iterations, gap, converged };
}

/** Gap between 0.5·||r||² + λ·||w||₁ and the dual objective at the scaled residual (always ≥ 0). */
function dualityGap(
  cols: Float64Array,
  n: number,
  p: number,
  y: Float64Array,
  r: Float64Array,
  w: Float64Array,
  lambda: number,
): number {
  let dualNorm = 0;
  for (let j = 0; j < p; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += cols[j * n + i] * r[i];
    if (Math.abs(s) > dualNorm) dualNorm = Math.abs(s);
  }
  let rr = 0;
  let ry = 0;
  for (let i = 0; i < n; i++) {
    rr += r[i] * r[i];
    ry += r[i] * y[i];
  }
  let l1 = 0;
  for (let j = 0; j < p; j++) l1 += Math.abs(w[j]);
  const c = dualNorm > lambda ? lambda / dualNorm : 1;
  return 0.5 * rr * (1 + c * c) + lambda * l1 - c * ry;
}

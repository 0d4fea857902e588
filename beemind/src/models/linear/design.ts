/**
 * This module contains the design-matrix helpers shared by the linear models: centring and column scaling
 * (an exact reparameterisation when an unpenalised intercept is fitted), the linear predictor, and
 * coefficient-based feature importances.
 */
import type { Matrix } from '../../core/matrix.js';

export interface CenteredDesign {
  /** Row-major copy of X, centred per column when `fitIntercept`, else untouched. */
  data: Float64Array;
  rows: number;
  cols: number;
  /** Column means that were subtracted (zeros without an intercept). */
  mean: Float64Array;
}

/** Copies X, subtracting column means when an intercept is fitted (the intercept then absorbs them). */
export function centerColumns(X: Matrix, fitIntercept: boolean): CenteredDesign {
  const { rows: n, cols: p } = X;
  const mean = new Float64Array(p);
  const data = Float64Array.from(X.data);
  if (fitIntercept) {
    for (let i = 0; i < n; i++) {
      const base = i * p;
      for (let j = 0; j < p; j++) mean[j] += data[base + j];
    }
    for (let j = 0; j < p; j++) mean[j] /= n;
    for (let i = 0; i < n; i++) {
      const base = i * p;
      for (let j = 0; j < p; j++) data[base + j] -= mean[j];
    }
  }
  return { data, rows: n, cols: p, mean };
}

/** Euclidean norm of every column of a row-major n × p array. */
export function columnNorms(data: Float64Array, n: number, p: number): Float64Array {
  const sq = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    const base = i * p;
    for (let j = 0; j < p; j++) sq[j] += data[base + j] * data[base + j];
  }
  for (let j = 0; j < p; j++) sq[j] = Math.sqrt(sq[j]);
  return sq;
}

/** Divides column j of a row-major n × p array by scale[j], in place. */
export function scaleColumns(data: Float64Array, n: number, p: number, scale: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const base = i * p;
    for (let j = 0; j < p; j++) data[base + j] /= scale[j];
  }
}

/**
 * out[i·outputs + k] = intercept[k] + Σ_j X[i, j] · coef[k, j] for `outputs` linear functions (coef is
 * outputs × p, row-major). Used by prediction and by the logistic loss on every solver iteration.
 */
export function linearScores(
  X: Float64Array,
  n: number,
  p: number,
  coef: Float64Array,
  intercept: Float64Array,
  outputs: number,
  interceptScale = 1,
  out: Float64Array = new Float64Array(n * outputs),
): Float64Array {
  for (let i = 0; i < n; i++) {
    const base = i * p;
    const o = i * outputs;
    let k = 0;
    // four outputs at a time: each x value is loaded once and the four sums run independently
    for (; k + 3 < outputs; k += 4) {
      const c0 = k * p;
      const c1 = c0 + p;
      const c2 = c1 + p;
      const c3 = c2 + p;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let j = 0; j < p; j++) {
        const x = X[base + j];
        s0 += x * coef[c0 + j];
        s1 += x * coef[c1 + j];
        s2 += x * coef[c2 + j];
        s3 += x * coef[c3 + j];
      }
      out[o + k] = s0 + interceptScale * intercept[k];
      out[o + k + 1] = s1 + interceptScale * intercept[k + 1];
      out[o + k + 2] = s2 + interceptScale * intercept[k + 2];
      out[o + k + 3] = s3 + interceptScale * intercept[k + 3];
    }
    for (; k < outputs; k++) {
      const c = k * p;
      // two partial sums shorten the dependency chain of a single long dot product
      let s0 = 0;
      let s1 = 0;
      let j = 0;
      for (; j + 1 < p; j += 2) {
        s0 += X[base + j] * coef[c + j];
        s1 += X[base + j + 1] * coef[c + j + 1];
      }
      if (j < p) s0 += X[base + j] * coef[c + j];
      out[o + k] = s0 + s1 + interceptScale * intercept[k];
    }
  }
  return out;
}

/**
 * out (K × p, row-major, overwritten) = Rᵀ X for residuals R (n × K) and X (n × p): the gradient of a
 * linear model's loss. Rows go four at a time so each gradient entry is loaded and stored once per block.
 */
export function residualProduct(
  R: Float64Array,
  X: Float64Array,
  n: number,
  p: number,
  K: number,
  out: Float64Array,
): void {
  out.fill(0, 0, K * p);
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const x0 = i * p;
    const x1 = x0 + p;
    const x2 = x1 + p;
    const x3 = x2 + p;
    for (let k = 0; k < K; k++) {
      const r0 = R[i * K + k];
      const r1 = R[(i + 1) * K + k];
      const r2 = R[(i + 2) * K + k];
      const r3 = R[(i + 3) * K + k];
      const c = k * p;
      for (let j = 0; j < p; j++)
        out[c + j] += r0 * X[x0 + j] + r1 * X[x1 + j] + r2 * X[x2 + j] + r3 * X[x3 + j];
    }
  }
  for (; i < n; i++) {
    const xb = i * p;
    for (let k = 0; k < K; k++) {
      const r = R[i * K + k];
      const c = k * p;
      for (let j = 0; j < p; j++) out[c + j] += r * X[xb + j];
    }
  }
}

/** Linear predictor of a matrix: rows × outputs scores (see linearScores). */
export function linearPredictor(
  X: Matrix,
  coef: Float64Array,
  intercept: Float64Array,
  outputs: number,
): Float64Array {
  return linearScores(X.data, X.rows, X.cols, coef, intercept, outputs);
}

/**
 * Mean |coefficient| per feature over the `outputs` rows of coef, normalised to sum 1. When every
 * coefficient is zero (a fully regularised model) no feature is preferred, so the result is uniform.
 */
export function coefficientImportances(coef: Float64Array, outputs: number, p: number): Float64Array {
  const imp = new Float64Array(p);
  for (let k = 0; k < outputs; k++) {
    for (let j = 0; j < p; j++) imp[j] += Math.abs(coef[k * p + j]);
  }
  let total = 0;
  for (let j = 0; j < p; j++) total += imp[j];
  if (!(total > 0)) return imp.fill(1 / p);
  for (let j = 0; j < p; j++) imp[j] /= total;
  return imp;
}

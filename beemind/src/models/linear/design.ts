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
 * out[i, k] = intercept[k] + Σ_j X[i, j] · coef[k, j] for `outputs` linear functions (coef is outputs × p).
 */
export function linearPredictor(X: Matrix, coef: Float64Array, intercept: Float64Array, outputs: number): Float64Array {
  const { rows: n, cols: p, data } = X;
  const out = new Float64Array(n * outputs);
  for (let i = 0; i < n; i++) {
    const base = i * p;
    for (let k = 0; k < outputs; k++) {
      const cb = k * p;
      let s = intercept[k];
      for (let j = 0; j < p; j++) s += data[base + j] * coef[cb + j];
      out[i * outputs + k] = s;
    }
  }
  return out;
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

/**
 * This module contains the linear regressors: ordinary least squares (family `linear_regression`), ridge
 * (`ridge`, alpha·||w||²) and lasso (`lasso`, coordinate descent on (1/2n)·||y − Xw||² + alpha·||w||₁),
 * with scikit-learn's objectives and defaults. The intercept is never penalised: X and y are centred and
 * the intercept recovered afterwards.
 */
import { z } from 'zod';
import { HYPERPARAMETER_LIMITS } from '../limits.js';
import { NotFittedError } from '../../core/errors.js';
import type { Matrix } from '../../core/matrix.js';
import { pack, type PackedArray } from '../../core/serialize.js';
import type { StateReader } from '../../core/untrusted.js';
import { BaseRegressor } from '../estimator.js';
import type { ModelFamily } from '../registry.js';
import { lassoCoordinateDescent } from './coordinate_descent.js';
import {
  centerColumns,
  coefficientImportances,
  columnNorms,
  linearPredictor,
  scaleColumns,
} from './design.js';
import { penalizedLeastSquares } from './least_squares.js';

/**
 * Ridge added to unit-norm columns for plain least squares: keeps the QR solve defined for collinear
 * features (the solution then tends to the minimum-norm one) and is far below any data's resolution.
 */
const JITTER = 1e-12;

export const linearRegressionParams = z.strictObject({
  fitIntercept: z.boolean().default(true),
});
export const ridgeParams = z.strictObject({
  /** L2 strength: minimises ||y − Xw||² + alpha·||w||². */
  alpha: z.number().nonnegative().default(1),
  fitIntercept: z.boolean().default(true),
});
export const lassoParams = z.strictObject({
  /** L1 strength: minimises (1/2n)·||y − Xw||² + alpha·||w||₁. */
  alpha: z.number().nonnegative().default(1),
  fitIntercept: z.boolean().default(true),
  /** Coordinate-descent sweeps. */
  maxIter: z.number().int().positive().max(HYPERPARAMETER_LIMITS.iterations).default(1000),
  /** Duality-gap tolerance relative to ||y||². */
  tol: z.number().positive().default(1e-4),
});
export type LinearRegressionParams = z.output<typeof linearRegressionParams>;
export type RidgeParams = z.output<typeof ridgeParams>;
export type LassoParams = z.output<typeof lassoParams>;

interface LinearState {
  coef: PackedArray;
  intercept: number;
}

/** Shared fit scaffolding (centring, intercept recovery), prediction, importances and state. */
abstract class LinearRegressor<P extends { fitIntercept: boolean }> extends BaseRegressor<P> {
  coef: Float64Array = new Float64Array(0);
  intercept = 0;

  /** Coefficients for the centred problem (X and y centred when an intercept is fitted). */
  protected abstract solve(X: Float64Array, n: number, p: number, y: Float64Array): Float64Array;

  protected fitValidated(X: Matrix, y: Float64Array): void {
    const { fitIntercept } = this.params;
    const { data, rows: n, cols: p, mean } = centerColumns(X, fitIntercept);
    let yMean = 0;
    if (fitIntercept) {
      for (let i = 0; i < n; i++) yMean += y[i];
      yMean /= n;
    }
    const yc = new Float64Array(n);
    for (let i = 0; i < n; i++) yc[i] = y[i] - yMean;
    this.coef = this.solve(data, n, p, yc);
    let shift = 0;
    for (let j = 0; j < p; j++) shift += this.coef[j] * mean[j];
    this.intercept = yMean - shift;
  }

  protected predictValuesValidated(X: Matrix): Float64Array {
    return linearPredictor(X, this.coef, Float64Array.of(this.intercept), 1);
  }

  /** |coefficient| per feature normalised to sum 1 (scale-dependent, like the coefficients). */
  featureImportances(): Float64Array {
    if (!this.fitted) throw new NotFittedError(this.who);
    return coefficientImportances(this.coef, 1, this.nFeatures);
  }

  protected getState(): LinearState {
    return { coef: pack(this.coef), intercept: this.intercept };
  }

  protected setState(state: StateReader): void {
    this.coef = state.f64('coef', { length: this.nFeatures });
    this.intercept = state.number('intercept');
  }
}

/** Solves min ||y − Xw||² + alpha·||w||² by QR on unit-norm columns. */
function ridgeSolve(X: Float64Array, n: number, p: number, y: Float64Array, alpha: number): Float64Array {
  const norms = columnNorms(X, n, p);
  for (let j = 0; j < p; j++) if (norms[j] === 0) norms[j] = 1; // constant column: coefficient stays 0
  scaleColumns(X, n, p, norms);
  // in unit-norm coordinates v_j = norm_j·w_j, so alpha·w_j² = (alpha / norm_j²)·v_j²
  const penalty = new Float64Array(p);
  for (let j = 0; j < p; j++) penalty[j] = alpha / (norms[j] * norms[j]) + JITTER;
  const v = penalizedLeastSquares(X, n, p, y, penalty);
  for (let j = 0; j < p; j++) v[j] /= norms[j];
  return v;
}

export class LinearRegression extends LinearRegressor<LinearRegressionParams> {
  readonly family = 'linear_regression';
  constructor(params?: Record<string, unknown>) {
    super(linearRegressionParams, params, 'linear_regression');
  }
  protected solve(X: Float64Array, n: number, p: number, y: Float64Array): Float64Array {
    return ridgeSolve(X, n, p, y, 0);
  }
}

export class Ridge extends LinearRegressor<RidgeParams> {
  readonly family = 'ridge';
  constructor(params?: Record<string, unknown>) {
    super(ridgeParams, params, 'ridge');
  }
  protected solve(X: Float64Array, n: number, p: number, y: Float64Array): Float64Array {
    return ridgeSolve(X, n, p, y, this.params.alpha);
  }
}

export class Lasso extends LinearRegressor<LassoParams> {
  readonly family = 'lasso';
  /** Sweeps used by the last fit, and whether the duality gap met the tolerance. */
  iterations = 0;
  converged = false;
  constructor(params?: Record<string, unknown>) {
    super(lassoParams, params, 'lasso');
  }
  protected solve(X: Float64Array, n: number, p: number, y: Float64Array): Float64Array {
    const { alpha, maxIter, tol } = this.params;
    const result = lassoCoordinateDescent(X, n, p, y, { alpha, maxIter, tol });
    this.iterations = result.iterations;
    this.converged = result.converged;
    return result.coef;
  }
}

export const linearRegressionFamily: ModelFamily = {
  family: 'linear_regression',
  label: 'Linear regression (least squares)',
  tasks: ['regression'],
  create: (_task, params) => new LinearRegression(params),
};

export const ridgeFamily: ModelFamily = {
  family: 'ridge',
  label: 'Ridge regression',
  tasks: ['regression'],
  create: (_task, params) => new Ridge(params),
};

export const lassoFamily: ModelFamily = {
  family: 'lasso',
  label: 'Lasso regression',
  tasks: ['regression'],
  create: (_task, params) => new Lasso(params),
};

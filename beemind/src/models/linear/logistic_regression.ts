/**
 * This module contains logistic regression (family `logistic_regression`): binary (sigmoid) or
 * multinomial (softmax), minimising C·Σ log-loss + penalty like scikit-learn's `LogisticRegression` —
 * L2 with L-BFGS, L1 with FISTA (exactly sparse coefficients), or no penalty.
 *
 * Unscaled features make the problem badly conditioned, so the solvers work in Jacobi-preconditioned
 * coordinates: columns centred (absorbed by the unpenalised intercept) and divided by the square root of
 * the Hessian diagonal at w = 0, with the penalty re-weighted so the objective is exactly the original one.
 */
import { z } from 'zod';
import { HYPERPARAMETER_LIMITS } from '../limits.js';
import { NotFittedError } from '../../core/errors.js';
import type { Matrix } from '../../core/matrix.js';
import { pack, type PackedArray } from '../../core/serialize.js';
import type { StateReader } from '../../core/untrusted.js';
import { BaseClassifier } from '../estimator.js';
import type { ModelFamily } from '../registry.js';
import {
  centerColumns,
  coefficientImportances,
  columnNorms,
  linearPredictor,
  scaleColumns,
} from './design.js';
import { minimizeLbfgs } from './lbfgs.js';
import { LogisticLoss } from './logistic_loss.js';
import { minimizeFista } from './proximal.js';

export const logisticRegressionParams = z.strictObject({
  /** 'l2' (ridge), 'l1' (lasso, sparse) or null (no penalty). */
  penalty: z.enum(['l2', 'l1']).nullable().default('l2'),
  /** Inverse regularisation strength: smaller is stronger. */
  C: z.number().positive().default(1),
  /** Solver iterations (L-BFGS or FISTA steps). */
  maxIter: z.number().int().positive().max(HYPERPARAMETER_LIMITS.iterations).default(100),
  /** Stop when the largest gradient entry of the sample-averaged objective is below tol. */
  tol: z.number().positive().default(1e-4),
  fitIntercept: z.boolean().default(true),
});
export type LogisticRegressionParams = z.output<typeof logisticRegressionParams>;

interface LogisticState {
  /** outputs × p coefficients on the original feature scale. */
  coef: PackedArray;
  intercept: PackedArray;
  /** 1 for a binary sigmoid model, nClasses for softmax. */
  outputs: number;
  iterations: number;
  converged: boolean;
}

export class LogisticRegression extends BaseClassifier<LogisticRegressionParams> {
  readonly family = 'logistic_regression';
  /** outputs × nFeatures, original feature scale. */
  coef: Float64Array = new Float64Array(0);
  intercept: Float64Array = new Float64Array(0);
  outputs = 0;
  /** Solver iterations used by the last fit, and whether it met its tolerance. */
  iterations = 0;
  converged = false;

  constructor(params?: Record<string, unknown>) {
    super(logisticRegressionParams, params, 'logistic_regression');
  }

  protected fitValidated(X: Matrix, y: Float64Array): void {
    const { penalty, C, maxIter, tol, fitIntercept } = this.params;
    const K = this.nClasses;
    const outputs = K === 2 ? 1 : K;
    const { data, rows: n, cols: p, mean } = centerColumns(X, fitIntercept);

    // Jacobi preconditioner: the Hessian diagonal at w = 0 is C·c0·||x_j||² plus 1 from an L2 penalty (kept
    // for every penalty: it also keeps constant columns at scale 1)
    const c0 = outputs === 1 ? 0.25 : (1 / K) * (1 - 1 / K);
    const norms = columnNorms(data, n, p);
    const scale = new Float64Array(p);
    for (let j = 0; j < p; j++) scale[j] = Math.sqrt(C * c0 * norms[j] * norms[j] + 1);
    scaleColumns(data, n, p, scale);
    const interceptScale = fitIntercept ? 1 / Math.sqrt(C * c0 * n) : 0;

    const loss = new LogisticLoss(data, n, p, y, outputs, C, interceptScale);
    const nCoef = outputs * p;
    // convergence is judged on the gradient in original coordinates, averaged over samples (as sklearn)
    const toOriginal = (i: number): number =>
      i < nCoef ? scale[i % p] : interceptScale === 0 ? 0 : 1 / interceptScale;
    const converged = (g: Float64Array): boolean => {
      for (let i = 0; i < g.length; i++) if (Math.abs(g[i] * toOriginal(i)) / (C * n) > tol) return false;
      return true;
    };

    const theta0 = new Float64Array(loss.size);
    let theta: Float64Array;
    if (penalty === 'l1') {
      // ||w||₁ = Σ |v_j| / scale_j in the preconditioned coordinates; intercepts are not penalised
      const l1 = new Float64Array(loss.size);
      for (let i = 0; i < nCoef; i++) l1[i] = 1 / scale[i % p];
      const result = minimizeFista((t, g) => loss.evaluate(t, g), theta0, { maxIter, l1, converged });
      theta = result.x;
      this.iterations = result.iterations;
      this.converged = result.converged;
    } else {
      // 0.5·||w||² = 0.5·Σ (v_j / scale_j)²
      const l2 = new Float64Array(loss.size);
      if (penalty === 'l2') for (let i = 0; i < nCoef; i++) l2[i] = 1 / (scale[i % p] * scale[i % p]);
      const objective = (t: Float64Array, g?: Float64Array): number => {
        let f = loss.evaluate(t, g);
        for (let i = 0; i < nCoef; i++) {
          f += 0.5 * l2[i] * t[i] * t[i];
          if (g) g[i] += l2[i] * t[i];
        }
        return f;
      };
      const result = minimizeLbfgs(objective, theta0, { maxIter, converged });
      theta = result.x;
      this.iterations = result.iterations;
      this.converged = result.converged;
    }

    // back to original coordinates; the centring shift moves into the intercept
    this.outputs = outputs;
    this.coef = new Float64Array(nCoef);
    this.intercept = new Float64Array(outputs);
    for (let k = 0; k < outputs; k++) {
      let shift = 0;
      for (let j = 0; j < p; j++) {
        const c = theta[k * p + j] / scale[j];
        this.coef[k * p + j] = c;
        shift += c * mean[j];
      }
      this.intercept[k] = theta[nCoef + k] * interceptScale - shift;
    }
  }

  protected predictProbaValidated(X: Matrix): Matrix {
    const K = this.nClasses;
    const z = linearPredictor(X, this.coef, this.intercept, this.outputs);
    const out = new Float64Array(X.rows * K);
    for (let i = 0; i < X.rows; i++) {
      if (this.outputs === 1) {
        const p1 = 1 / (1 + Math.exp(-z[i]));
        out[i * 2] = 1 - p1;
        out[i * 2 + 1] = p1;
        continue;
      }
      let max = -Infinity;
      for (let k = 0; k < K; k++) max = Math.max(max, z[i * K + k]);
      let sum = 0;
      for (let k = 0; k < K; k++) {
        const e = Math.exp(z[i * K + k] - max);
        out[i * K + k] = e;
        sum += e;
      }
      for (let k = 0; k < K; k++) out[i * K + k] /= sum;
    }
    return { data: out, rows: X.rows, cols: K };
  }

  /** Mean |coefficient| per feature over the outputs, normalised to sum 1 (scale-dependent, like coef). */
  featureImportances(): Float64Array {
    if (!this.fitted) throw new NotFittedError(this.who);
    return coefficientImportances(this.coef, this.outputs, this.nFeatures);
  }

  protected getState(): LogisticState {
    return {
      coef: pack(this.coef),
      intercept: pack(this.intercept),
      outputs: this.outputs,
      iterations: this.iterations,
      converged: this.converged,
    };
  }

  protected setState(state: StateReader): void {
    // one sigmoid output for two classes, one softmax output per class otherwise
    const outputs = this.nClasses === 2 ? 1 : this.nClasses;
    this.outputs = state.integer('outputs', outputs, outputs);
    this.coef = state.f64('coef', { length: outputs * this.nFeatures });
    this.intercept = state.f64('intercept', { length: outputs });
    this.iterations = state.integer('iterations', 0);
    this.converged = state.boolean('converged');
  }
}

export const logisticRegressionFamily: ModelFamily = {
  family: 'logistic_regression',
  label: 'Logistic regression',
  tasks: ['classification'],
  create: (_task, params) => new LogisticRegression(params),
};

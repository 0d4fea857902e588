/**
 * This module contains the public histogram gradient boosting estimators (classifier: binary log-loss or
 * multiclass softmax; regressor: squared error), their hyperparameter schema with scikit-learn's defaults,
 * and the `hist_gradient_boosting` model family. Missing values (NaN) are handled natively, and so are
 * categories: columns fit marks as category codes are split as sets of categories.
 */
import { z } from 'zod';
import { HYPERPARAMETER_LIMITS } from '../limits.js';
import { NotFittedError } from '../../core/errors.js';
import type { Matrix } from '../../core/matrix.js';
import type { StateReader } from '../../core/untrusted.js';
import { BaseEstimator, type FitOptions } from '../estimator.js';
import type { Task } from '../../core/task.js';
import type { ModelFamily, RestorableEstimator } from '../registry.js';
import { BoostedModel, fitBoosting } from './boosting.js';
import { probabilities } from './loss.js';

/** Hyperparameters (scikit-learn's HistGradientBoosting* names in camelCase, same defaults). */
export const histGradientBoostingSchema = z.strictObject({
  /** Shrinkage applied to every leaf value. */
  learningRate: z.number().positive().default(0.1),
  /** Boosting iterations (trees per output). */
  maxIter: z.number().int().min(1).max(HYPERPARAMETER_LIMITS.iterations).default(100),
  /** Most leaves per tree; null for no limit. */
  maxLeafNodes: z.number().int().min(2).max(HYPERPARAMETER_LIMITS.leaves).nullable().default(31),
  /** Deepest a tree may grow (edges from the root); null for no limit. */
  maxDepth: z.number().int().min(1).max(HYPERPARAMETER_LIMITS.depth).nullable().default(null),
  /** Fewest training samples a leaf may hold. */
  minSamplesLeaf: z.number().int().min(1).default(20),
  /** L2 penalty on leaf values (added to each leaf's hessian sum). */
  l2Regularization: z.number().min(0).default(0),
  /** Bins per feature for non-missing values (one more bin holds missing values). */
  maxBins: z.number().int().min(2).max(255).default(255),
  /**
   * Share of the features each tree node chooses its split among, drawn at random for every node (scikit-learn's
   * max_features); 1 tries them all.
   */
  maxFeatures: z.number().gt(0).max(1).default(1),
  /** Hold out a validation set and stop when its loss stops improving; 'auto' turns it on above 10,000 rows. */
  earlyStopping: z.union([z.literal('auto'), z.boolean()]).default('auto'),
  /** Share of the training rows held out for early stopping. */
  validationFraction: z.number().gt(0).lt(1).default(0.1),
  /** Iterations without an improvement of more than `tol` before early stopping stops. */
  nIterNoChange: z.number().int().min(1).max(HYPERPARAMETER_LIMITS.iterations).default(10),
  tol: z.number().min(0).default(1e-7),
  /** Seeds the validation split, the binning subsample and the features drawn for each node. */
  seed: z.number().int().default(0),
  /**
   * Split the columns fit marks as category codes (`fit(X, y, { categorical })`; in a pipeline, an ordinal
   * encoder's output) as sets of categories, as scikit-learn does for categorical features; false splits
   * their codes by order like any number.
   */
  categoricalSplits: z.boolean().default(true),
});

export type HistGradientBoostingParams = z.output<typeof histGradientBoostingSchema>;

/** Histogram gradient boosting for either task: log loss over the classes, or squared error. */
export class HistGradientBoosting extends BaseEstimator<HistGradientBoostingParams> {
  readonly family = 'hist_gradient_boosting';
  protected override readonly acceptsMissing = true;
  private model: BoostedModel | null = null;

  constructor(task: Task, params: Partial<HistGradientBoostingParams> = {}) {
    super(histGradientBoostingSchema, params, `hist_gradient_boosting (${task})`, task);
  }

  /** Boosting iterations run (fewer than maxIter when early stopping stopped the fit). */
  get nIter(): number {
    return this.fittedModel().nIter;
  }

  /** Validation loss before the first and after each iteration (empty when early stopping was off). */
  get validationLoss(): readonly number[] {
    return this.fittedModel().validationLoss;
  }

  /** Total split gain per feature, normalised to sum 1. */
  featureImportances(): Float64Array {
    return this.fittedModel().featureImportances();
  }

  /** The fitted trees and baseline (read-only use: explanations). */
  get boosted(): BoostedModel {
    return this.fittedModel();
  }

  protected fitValidated(X: Matrix, y: Float64Array, options: FitOptions): void {
    const categorical = this.params.categoricalSplits ? (options.categorical ?? []) : [];
    this.model = fitBoosting(
      X,
      y,
      this.task,
      this.task === 'classification' ? this.nClasses : 0,
      this.params,
      categorical,
    );
  }

  protected override predictProbaValidated(X: Matrix): Matrix {
    const raw = this.fittedModel().predictRaw(X);
    return { data: probabilities(raw, X.rows, this.nClasses), rows: X.rows, cols: this.nClasses };
  }

  protected override predictValuesValidated(X: Matrix): Float64Array {
    return this.fittedModel().predictRaw(X);
  }

  protected getState(): unknown {
    return this.fittedModel().toJSON();
  }

  protected setState(state: StateReader): void {
    this.model = BoostedModel.read(state, this.task, this.nFeatures, this.nClasses);
  }

  private fittedModel(): BoostedModel {
    if (!this.model) throw new NotFittedError(this.who);
    return this.model;
  }
}

/** scikit-learn's name for the classifier. */
export class HistGradientBoostingClassifier extends HistGradientBoosting {
  constructor(params: Partial<HistGradientBoostingParams> = {}) {
    super('classification', params);
  }
}

/** scikit-learn's name for the regressor. */
export class HistGradientBoostingRegressor extends HistGradientBoosting {
  constructor(params: Partial<HistGradientBoostingParams> = {}) {
    super('regression', params);
  }
}

export const histGradientBoostingFamily: ModelFamily = {
  family: 'hist_gradient_boosting',
  label: 'Histogram gradient boosting',
  tasks: ['classification', 'regression'],
  create(task: Task, params?: Record<string, unknown>): RestorableEstimator {
    return new HistGradientBoosting(task, params);
  },
};

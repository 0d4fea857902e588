/**
 * The estimator contract every model family implements, and the base class that validates input once.
 *
 * Models see numbers only: a row-major Matrix (NaN = missing) and a target vector. Classifiers take class
 * indices 0..k-1 as a Float64Array and `predict` returns indices; `predictProba` returns rows × k.
 * Hyperparameters are plain objects validated by one zod schema per family, read back with getParams().
 */
import { z } from 'zod';
import { ConfigurationError, NotFittedError } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { ownData, StateReader } from '../core/untrusted.js';
import { checkMatrix, checkPredictMatrix, checkTarget } from '../core/validate.js';
import type { Task } from '../core/task.js';
import { describeIssues } from '../protocol/issues.js';

/** Bounds on the shape a saved model may claim (far above anything real). */
const MAX_FEATURES = 1_000_000;
const MAX_CLASSES = 100_000;

export interface FitOptions {
  /** Classifiers: number of classes (default max(y)+1). Needed when a fold lacks the last class. */
  nClasses?: number;
  /**
   * Per column, whether it holds category codes (an ordinal encoder's output); a family that can split on
   * sets of categories (histogram gradient boosting) does so there. Others ignore it.
   */
  categorical?: readonly boolean[];
}

/** The serialised form of a fitted (or unfitted) estimator: plain JSON, no code. */
export interface EstimatorJSON {
  format: 'beemind.estimator';
  version: 1;
  family: string;
  task: Task;
  params: Record<string, unknown>;
  /** Family-specific fitted state (typed arrays packed with core/serialize); null when unfitted. */
  state: unknown;
}

export interface Estimator {
  /** Model family id, e.g. `random_forest`. */
  readonly family: string;
  readonly task: Task;
  /** Number of features seen at fit (0 before fit). */
  readonly nFeatures: number;
  /** Number of classes seen at fit (0 for regressors). */
  readonly nClasses: number;
  getParams(): Record<string, unknown>;
  fit(X: Matrix, y: Float64Array, options?: FitOptions): Promise<this>;
  /** Class indices for classifiers, values for regressors. */
  predict(X: Matrix): Float64Array;
  /** Classifiers only: rows × nClasses probabilities. */
  predictProba?(X: Matrix): Matrix;
  /** Impurity/gain or coefficient-based importances, one per feature, where the family defines them. */
  featureImportances?(): Float64Array;
  toJSON(): EstimatorJSON;
}

/** Parses user hyperparameters against a family's schema, with a message that names the bad field. */
export function parseParams<S extends z.ZodType>(
  schema: S,
  params: unknown,
  who: string,
  noun = 'hyperparameters',
): z.output<S> {
  // own fields only: a `__proto__` key in a model file must not supply hyperparameters
  const result = schema.safeParse(ownData(params ?? {}));
  if (!result.success) {
    const problems = describeIssues(result.error, `(${noun})`, 5, schema);
    throw new ConfigurationError('params.invalid', `invalid ${noun} for ${who}: ${problems}.`);
  }
  return result.data;
}

/**
 * Base class: validates hyperparameters at construction and inputs at fit/predict, then calls the subclass's
 * trusted implementation. Subclasses implement fitValidated, predictProbaValidated (classifiers) and/or
 * predictValuesValidated (regressors),
 * getState/setState; setState reads untrusted state (a model file) and checks every field it uses.
 */
export abstract class BaseEstimator<P extends Record<string, unknown>> implements Estimator {
  abstract readonly family: string;
  readonly task: Task;
  /** Whether NaN inputs are accepted as missing values. */
  protected readonly acceptsMissing: boolean = false;
  protected readonly params: P;
  nFeatures = 0;
  nClasses = 0;
  protected fitted = false;

  /** A family that learns both tasks is one class given its task here (its schema may differ by task). */
  constructor(schema: z.ZodType<P>, params: unknown, who: string, task: Task) {
    this.task = task;
    this.params = parseParams(schema, params, who);
  }

  getParams(): P {
    return structuredClone(this.params);
  }

  protected get who(): string {
    return `${this.family} (${this.task})`;
  }

  async fit(X: Matrix, y: Float64Array, options: FitOptions = {}): Promise<this> {
    checkMatrix(X, { allowMissing: this.acceptsMissing, who: this.who });
    const k = checkTarget(X, y, this.task, this.who, options.nClasses);
    this.nFeatures = X.cols;
    this.nClasses = k;
    if (options.categorical && options.categorical.length !== X.cols) {
      throw new ConfigurationError(
        'fit.categorical_length',
        `${this.who} got ${options.categorical.length} categorical flags for ${X.cols} columns; pass one per column.`,
      );
    }
    await this.fitValidated(X, y, options);
    this.fitted = true;
    return this;
  }

  /** Class indices (the most probable class) for a classifier, values for a regressor. */
  predict(X: Matrix): Float64Array {
    this.checkPredict(X);
    return this.predictValidated(X);
  }

  /** Classifiers: rows × nClasses probabilities. A regressor has none and says so. */
  predictProba(X: Matrix): Matrix {
    if (this.task !== 'classification') {
      throw new ConfigurationError(
        'model.no_proba',
        `${this.who} predicts values, not probabilities; use predict().`,
      );
    }
    this.checkPredict(X);
    return this.predictProbaValidated(X);
  }

  /** The prediction of checked input: the most probable class, or the family's values. */
  private predictValidated(X: Matrix): Float64Array {
    return this.task === 'classification'
      ? argmaxRows(this.predictProbaValidated(X))
      : this.predictValuesValidated(X);
  }

  /** Classifiers: the probabilities of checked input. */
  protected predictProbaValidated(_X: Matrix): Matrix {
    throw new ConfigurationError('model.no_proba', `${this.who} predicts no probabilities.`);
  }

  /** Regressors: the values of checked input. */
  protected predictValuesValidated(_X: Matrix): Float64Array {
    throw new ConfigurationError('model.no_values', `${this.who} predicts classes, not values.`);
  }

  protected checkPredict(X: Matrix): void {
    if (!this.fitted) throw new NotFittedError(this.who);
    checkPredictMatrix(X, this.nFeatures, { allowMissing: this.acceptsMissing, who: this.who });
  }

  toJSON(): EstimatorJSON {
    return {
      format: 'beemind.estimator',
      version: 1,
      family: this.family,
      task: this.task,
      params: this.getParams(),
      state: this.fitted
        ? { nFeatures: this.nFeatures, nClasses: this.nClasses, model: this.getState() }
        : null,
    };
  }

  /**
   * Restores fitted state produced by toJSON (called by the registry's estimatorFromJSON). The state is
   * checked completely (a ProtocolError names what is wrong): a restored model predicts or it is refused.
   */
  restore(state: unknown): this {
    if (state === null || state === undefined) return this;
    const s = StateReader.of(state, this.who);
    const nFeatures = s.integer('nFeatures', 1, MAX_FEATURES);
    const nClasses =
      this.task === 'classification' ? s.integer('nClasses', 2, MAX_CLASSES) : s.integer('nClasses', 0, 0);
    // the family's reader checks its state against these
    this.nFeatures = nFeatures;
    this.nClasses = nClasses;
    try {
      this.setState(s.object('model'));
    } catch (error) {
      this.nFeatures = 0;
      this.nClasses = 0;
      throw error;
    }
    this.fitted = true;
    return this;
  }

  protected abstract fitValidated(X: Matrix, y: Float64Array, options: FitOptions): Promise<void> | void;
  protected abstract getState(): unknown;
  /** Reads (and checks) what getState returned, with nFeatures and nClasses already restored. */
  protected abstract setState(state: StateReader): void;
}

/** Base of the families that only classify: predict is the most probable class of predictProbaValidated. */
export abstract class BaseClassifier<P extends Record<string, unknown>> extends BaseEstimator<P> {
  constructor(schema: z.ZodType<P>, params: unknown, who: string) {
    super(schema, params, who, 'classification');
  }

  protected abstract override predictProbaValidated(X: Matrix): Matrix;
}

/** Base of the families that only regress: they implement predictValuesValidated. */
export abstract class BaseRegressor<P extends Record<string, unknown>> extends BaseEstimator<P> {
  constructor(schema: z.ZodType<P>, params: unknown, who: string) {
    super(schema, params, who, 'regression');
  }

  protected abstract override predictValuesValidated(X: Matrix): Float64Array;
}

/** Index of the largest value in each row (first one on ties). */
export function argmaxRows(P: Matrix): Float64Array {
  const out = new Float64Array(P.rows);
  for (let i = 0; i < P.rows; i++) {
    let best = 0;
    let bestV = -Infinity;
    for (let j = 0; j < P.cols; j++) {
      const v = P.data[i * P.cols + j];
      if (v > bestV) {
        bestV = v;
        best = j;
      }
    }
    out[i] = best;
  }
  return out;
}

/**
 * Input checks shared by every estimator: the public fit/predict parse their input here, then hand trusted
 * input to the estimator's own implementation.
 */
import { DataError } from './errors.js';
import type { Matrix } from './matrix.js';

export interface MatrixCheck {
  /** Allow NaN as "missing" (learners with native missing-value support). Infinity is never allowed. */
  allowMissing?: boolean;
  /** Name of the consumer, for messages. */
  who: string;
}

export function checkMatrix(X: Matrix, { allowMissing = false, who }: MatrixCheck): void {
  if (X.rows === 0) {
    throw new DataError('data.empty', `${who} got no rows; pass at least one row of data.`);
  }
  if (X.cols === 0) {
    throw new DataError(
      'data.no_features',
      `${who} got rows with no feature columns; pass at least one feature.`,
    );
  }
  const d = X.data;
  for (let k = 0; k < d.length; k++) {
    const v = d[k];
    if (v - v !== 0) {
      // NaN or ±Infinity
      if (Number.isNaN(v) && allowMissing) continue;
      const i = Math.floor(k / X.cols);
      const j = k % X.cols;
      const what = Number.isNaN(v) ? 'a missing value (NaN)' : `an infinite value (${v})`;
      const fix = Number.isNaN(v)
        ? 'add an imputer to the pipeline or use a model that handles missing values (hist_gradient_boosting)'
        : 'clip or remove infinite values before fitting';
      throw new DataError('data.not_finite', `${who} found ${what} at row ${i}, feature ${j}; ${fix}.`);
    }
  }
}

/** Checks a target vector against the matrix; for classification returns the number of classes. */
export function checkTarget(
  X: Matrix,
  y: Float64Array,
  task: 'classification' | 'regression',
  who: string,
  nClasses?: number,
): number {
  if (y.length !== X.rows) {
    throw new DataError(
      'data.length_mismatch',
      `${who} got ${X.rows} rows but ${y.length} target values; pass one target value per row.`,
    );
  }
  if (task === 'regression') {
    for (let i = 0; i < y.length; i++) {
      if (!Number.isFinite(y[i])) {
        throw new DataError(
          'data.bad_target',
          `${who}: target value at row ${i} is ${y[i]}; drop rows with a missing target.`,
        );
      }
    }
    return 0;
  }
  let max = -1;
  const seen = new Set<number>();
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (!Number.isInteger(v) || v < 0) {
      throw new DataError(
        'data.bad_labels',
        `${who}: class label at row ${i} is ${v}; classifiers take class indices 0..k-1 (a Dataset encodes labels for you).`,
      );
    }
    if (v > max) max = v;
    seen.add(v);
  }
  if (seen.size < 2) {
    throw new DataError(
      'data.single_class',
      `${who}: the target has only one class (${max}); classification needs at least two classes in the training data.`,
    );
  }
  const k = nClasses ?? max + 1;
  if (max >= k) {
    throw new DataError('data.bad_labels', `${who}: label ${max} is out of range for nClasses=${k}.`);
  }
  return k;
}

export function checkPredictMatrix(X: Matrix, nFeatures: number, check: MatrixCheck): void {
  if (X.cols !== nFeatures) {
    throw new DataError(
      'data.feature_mismatch',
      `${check.who} was fitted on ${nFeatures} features but got ${X.cols}; pass the same columns as at fit time.`,
    );
  }
  if (X.rows === 0) return; // predicting nothing is fine
  checkMatrix(X, check);
}

/**
 * This module contains the scorer catalogue: each metric by name with its task, direction and whether it
 * needs probabilities. Search and evaluation look metrics up here.
 */
import { ConfigurationError } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { quote } from '../core/text.js';
import type { Task } from '../core/task.js';
import { accuracy, balancedAccuracy, f1Macro, logLoss, rocAuc } from './classification.js';
import { mae, r2, rmse } from './regression.js';

export interface Scorer {
  readonly name: string;
  readonly label: string;
  readonly task: Task;
  readonly greaterIsBetter: boolean;
  readonly needsProba: boolean;
  /** `predicted` is class indices/values, or probabilities (rows × classes) when needsProba. */
  score(yTrue: Float64Array, predicted: Float64Array | Matrix): number;
}

const label = (
  name: string,
  text: string,
  task: Task,
  greaterIsBetter: boolean,
  fn: (y: Float64Array, p: Float64Array) => number,
): Scorer => ({
  name,
  label: text,
  task,
  greaterIsBetter,
  needsProba: false,
  score: (y, p) => fn(y, p as Float64Array),
});

const proba = (
  name: string,
  text: string,
  greaterIsBetter: boolean,
  fn: (y: Float64Array, p: Matrix) => number,
): Scorer => ({
  name,
  label: text,
  task: 'classification',
  greaterIsBetter,
  needsProba: true,
  score: (y, p) => fn(y, p as Matrix),
});

// looked up in a Map: a name from the command line such as "constructor" must not find Object.prototype's
const byName: ReadonlyMap<string, Scorer> = new Map(
  [
    label('accuracy', 'Accuracy', 'classification', true, accuracy),
    label('balanced_accuracy', 'Balanced accuracy', 'classification', true, balancedAccuracy),
    label('f1_macro', 'Macro F1', 'classification', true, f1Macro),
    proba('log_loss', 'Log loss', false, logLoss),
    proba('roc_auc', 'ROC AUC', true, rocAuc),
    label('r2', 'R²', 'regression', true, r2),
    label('rmse', 'RMSE', 'regression', false, rmse),
    label('mae', 'MAE', 'regression', false, mae),
  ].map((s) => [s.name, s]),
);

/** Every scorer by name (a frozen copy for listing; getScorer is the lookup). */
export const scorers: Readonly<Record<string, Scorer>> = Object.freeze(Object.fromEntries(byName));

export function getScorer(name: string, task?: Task): Scorer {
  const s = byName.get(name);
  if (!s) {
    throw new ConfigurationError(
      'metric.unknown',
      `unknown metric ${quote(name)}; choose one of ${[...byName.keys()].join(', ')}.`,
    );
  }
  if (task && s.task !== task) {
    throw new ConfigurationError(
      'metric.wrong_task',
      `metric ${quote(name)} is for ${s.task}, but this is a ${task} task.`,
    );
  }
  return s;
}

/** The default metric of a task: accuracy for classification, R² for regression. */
export function defaultScorer(task: Task): Scorer {
  return byName.get(task === 'classification' ? 'accuracy' : 'r2')!;
}

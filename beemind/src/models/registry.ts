/**
 * The catalogue of model families: create a model by family id and task, list families, and rebuild a
 * model from its JSON. Families register themselves in models/families.ts.
 */
import { ConfigurationError, ProtocolError } from '../core/errors.js';
import { quote } from '../core/text.js';
import type { Estimator, EstimatorJSON } from './estimator.js';
import type { Task } from '../core/task.js';

export interface RestorableEstimator extends Estimator {
  restore(state: unknown): this;
}

export interface ModelFamily {
  /** Family id, e.g. `random_forest`. */
  readonly family: string;
  /** Human-readable name, e.g. "Random forest". */
  readonly label: string;
  readonly tasks: readonly Task[];
  create(task: Task, params?: Record<string, unknown>): RestorableEstimator;
}

const families = new Map<string, ModelFamily>();

export function registerModelFamily(family: ModelFamily): void {
  families.set(family.family, family);
}

/** Every registered family, optionally only those supporting `task`. */
export function modelFamilies(task?: Task): ModelFamily[] {
  return [...families.values()].filter((f) => !task || f.tasks.includes(task));
}

export function getModelFamily(id: string): ModelFamily {
  const f = families.get(id);
  if (!f) {
    throw new ConfigurationError(
      'model.unknown_family',
      `unknown model family ${quote(id)}; known families: ${[...families.keys()].join(', ')}.`,
    );
  }
  return f;
}

/** Creates an unfitted model of `family` for `task` with validated hyperparameters. */
export function createModel(
  family: string,
  task: Task,
  params?: Record<string, unknown>,
): RestorableEstimator {
  const f = getModelFamily(family);
  if (!f.tasks.includes(task)) {
    throw new ConfigurationError(
      'model.unsupported_task',
      `model family ${quote(family)} does not support ${quote(task)}; it supports ${f.tasks.join(' and ')}.`,
    );
  }
  return f.create(task, params);
}

/** Rebuilds a model (fitted or not) from the output of its toJSON(). */
export function estimatorFromJSON(json: EstimatorJSON): Estimator {
  if (json?.format !== 'beemind.estimator' || json.version !== 1) {
    throw new ProtocolError(
      'model.bad_json',
      'not a serialised BeeMind estimator (expected format "beemind.estimator", version 1).',
    );
  }
  return createModel(json.family, json.task, json.params).restore(json.state);
}

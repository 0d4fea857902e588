/**
 * This module contains the random forest estimators (scikit-learn's RandomForestClassifier and
 * RandomForestRegressor: bootstrapped trees, best split among a random subset of features) and the
 * `random_forest` model family.
 */
import type { z } from 'zod';
import type { Task } from '../../core/task.js';
import type { ModelFamily } from '../registry.js';
import { forestPlan, forestSchemas } from './forest_params.js';
import { TreeEnsembleEstimator, type EnsemblePlan } from './tree_estimator.js';

export const randomForestSchemas = forestSchemas(true, 'sqrt', 1);

export type RandomForestClassifierParams = z.output<typeof randomForestSchemas.classifier>;
export type RandomForestRegressorParams = z.output<typeof randomForestSchemas.regressor>;

/** A random forest for either task (its hyperparameters differ by task: the criterion, the class weights). */
export class RandomForest extends TreeEnsembleEstimator<
  RandomForestClassifierParams | RandomForestRegressorParams
> {
  readonly family = 'random_forest';

  constructor(task: Task, params: Partial<RandomForestClassifierParams | RandomForestRegressorParams> = {}) {
    super(
      task === 'classification' ? randomForestSchemas.classifier : randomForestSchemas.regressor,
      params,
      `random_forest (${task})`,
      task,
    );
  }

  protected plan(nRows: number, nFeatures: number): EnsemblePlan {
    return forestPlan(this.params, 'best', nRows, nFeatures);
  }
}

/** scikit-learn's name for the classifier. */
export class RandomForestClassifier extends RandomForest {
  constructor(params: Partial<RandomForestClassifierParams> = {}) {
    super('classification', params);
  }
}

/** scikit-learn's name for the regressor. */
export class RandomForestRegressor extends RandomForest {
  constructor(params: Partial<RandomForestRegressorParams> = {}) {
    super('regression', params);
  }
}

export const randomForestFamily: ModelFamily = {
  family: 'random_forest',
  label: 'Random forest',
  tasks: ['classification', 'regression'],
  create: (task: Task, params?: Record<string, unknown>) => new RandomForest(task, params),
};

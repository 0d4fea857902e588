/**
 * This module contains the random forest estimators (scikit-learn's RandomForestClassifier and
 * RandomForestRegressor: bootstrapped trees, best split among a random subset of features) and the
 * `random_forest` model family.
 */
import type { z } from 'zod';
import type { Task } from '../../core/task.js';
import type { ModelFamily } from '../registry.js';
import { forestPlan, forestSchemas } from './forest_params.js';
import { TreeEnsembleClassifier, TreeEnsembleRegressor, type EnsemblePlan } from './tree_estimator.js';

export const randomForestSchemas = forestSchemas(true, 'sqrt', 1);

export type RandomForestClassifierParams = z.output<typeof randomForestSchemas.classifier>;
export type RandomForestRegressorParams = z.output<typeof randomForestSchemas.regressor>;

export class RandomForestClassifier extends TreeEnsembleClassifier<RandomForestClassifierParams> {
  readonly family = 'random_forest';

  constructor(params: Partial<RandomForestClassifierParams> = {}) {
    super(randomForestSchemas.classifier, params, 'random_forest (classification)');
  }

  protected plan(nRows: number, nFeatures: number): EnsemblePlan {
    return forestPlan(this.params, 'best', nRows, nFeatures);
  }
}

export class RandomForestRegressor extends TreeEnsembleRegressor<RandomForestRegressorParams> {
  readonly family = 'random_forest';

  constructor(params: Partial<RandomForestRegressorParams> = {}) {
    super(randomForestSchemas.regressor, params, 'random_forest (regression)');
  }

  protected plan(nRows: number, nFeatures: number): EnsemblePlan {
    return forestPlan(this.params, 'best', nRows, nFeatures);
  }
}

export const randomForestFamily: ModelFamily = {
  family: 'random_forest',
  label: 'Random forest',
  tasks: ['classification', 'regression'],
  create: (task: Task, params?: Record<string, unknown>) =>
    task === 'classification' ? new RandomForestClassifier(params) : new RandomForestRegressor(params),
};

/**
 * This module contains the extra trees estimators (scikit-learn's ExtraTreesClassifier and
 * ExtraTreesRegressor: trees on all rows, each split the best of one random threshold per drawn feature)
 * and the `extra_trees` model family.
 */
import type { z } from 'zod';
import type { Task } from '../../core/task.js';
import type { ModelFamily } from '../registry.js';
import { forestPlan, forestSchemas } from './forest_params.js';
import { TreeEnsembleClassifier, TreeEnsembleRegressor, type EnsemblePlan } from './tree_estimator.js';

export const extraTreesSchemas = forestSchemas(false, 'sqrt', 1);

export type ExtraTreesClassifierParams = z.output<typeof extraTreesSchemas.classifier>;
export type ExtraTreesRegressorParams = z.output<typeof extraTreesSchemas.regressor>;

export class ExtraTreesClassifier extends TreeEnsembleClassifier<ExtraTreesClassifierParams> {
  readonly family = 'extra_trees';

  constructor(params: Partial<ExtraTreesClassifierParams> = {}) {
    super(extraTreesSchemas.classifier, params, 'extra_trees (classification)');
  }

  protected plan(nRows: number, nFeatures: number): EnsemblePlan {
    return forestPlan(this.params, 'random', nRows, nFeatures);
  }
}

export class ExtraTreesRegressor extends TreeEnsembleRegressor<ExtraTreesRegressorParams> {
  readonly family = 'extra_trees';

  constructor(params: Partial<ExtraTreesRegressorParams> = {}) {
    super(extraTreesSchemas.regressor, params, 'extra_trees (regression)');
  }

  protected plan(nRows: number, nFeatures: number): EnsemblePlan {
    return forestPlan(this.params, 'random', nRows, nFeatures);
  }
}

export const extraTreesFamily: ModelFamily = {
  family: 'extra_trees',
  label: 'Extra trees',
  tasks: ['classification', 'regression'],
  create: (task: Task, params?: Record<string, unknown>) =>
    task === 'classification' ? new ExtraTreesClassifier(params) : new ExtraTreesRegressor(params),
};

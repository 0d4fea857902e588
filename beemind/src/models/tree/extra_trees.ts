/**
 * This module contains the extra trees estimators (scikit-learn's ExtraTreesClassifier and
 * ExtraTreesRegressor: trees on all rows, each split the best of one random threshold per drawn feature)
 * and the `extra_trees` model family.
 */
import type { z } from 'zod';
import type { Task } from '../../core/task.js';
import type { ModelFamily } from '../registry.js';
import { forestPlan, forestSchemas } from './forest_params.js';
import { TreeEnsembleEstimator, type EnsemblePlan } from './tree_estimator.js';

export const extraTreesSchemas = forestSchemas(false, 'sqrt', 1);

export type ExtraTreesClassifierParams = z.output<typeof extraTreesSchemas.classifier>;
export type ExtraTreesRegressorParams = z.output<typeof extraTreesSchemas.regressor>;

/** Extra trees for either task (its hyperparameters differ by task: the criterion, the class weights). */
export class ExtraTrees extends TreeEnsembleEstimator<
  ExtraTreesClassifierParams | ExtraTreesRegressorParams
> {
  readonly family = 'extra_trees';

  constructor(task: Task, params: Partial<ExtraTreesClassifierParams | ExtraTreesRegressorParams> = {}) {
    super(
      task === 'classification' ? extraTreesSchemas.classifier : extraTreesSchemas.regressor,
      params,
      `extra_trees (${task})`,
      task,
    );
  }

  protected plan(nRows: number, nFeatures: number): EnsemblePlan {
    return forestPlan(this.params, 'random', nRows, nFeatures);
  }
}

/** scikit-learn's name for the classifier. */
export class ExtraTreesClassifier extends ExtraTrees {
  constructor(params: Partial<ExtraTreesClassifierParams> = {}) {
    super('classification', params);
  }
}

/** scikit-learn's name for the regressor. */
export class ExtraTreesRegressor extends ExtraTrees {
  constructor(params: Partial<ExtraTreesRegressorParams> = {}) {
    super('regression', params);
  }
}

export const extraTreesFamily: ModelFamily = {
  family: 'extra_trees',
  label: 'Extra trees',
  tasks: ['classification', 'regression'],
  create: (task: Task, params?: Record<string, unknown>) => new ExtraTrees(task, params),
};

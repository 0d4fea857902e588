/**
 * This module contains the decision tree estimators (scikit-learn's DecisionTreeClassifier and
 * DecisionTreeRegressor) and the `decision_tree` model family.
 */
import { z } from 'zod';
import type { Task } from '../../core/task.js';
import type { ModelFamily } from '../registry.js';
import { classificationCriterion, growthParams, maxFeatures, regressionCriterion } from './params.js';
import { TreeEnsembleEstimator, growConfig, type EnsemblePlan } from './tree_estimator.js';

const shared = {
  ...growthParams,
  /** 'best' searches every threshold; 'random' draws one per feature (scikit-learn's splitter). */
  splitter: z.enum(['best', 'random']).default('best'),
  maxFeatures: maxFeatures.default(null),
  seed: z.number().int().default(0),
};

export const decisionTreeClassifierSchema = z.strictObject({
  criterion: classificationCriterion.default('gini'),
  /** 'balanced' weighs each class by n / (k · n_c), as scikit-learn's class_weight. */
  classWeight: z.enum(['balanced']).nullable().default(null),
  ...shared,
});
export const decisionTreeRegressorSchema = z.strictObject({
  criterion: regressionCriterion.default('squared_error'),
  ...shared,
});

export type DecisionTreeClassifierParams = z.output<typeof decisionTreeClassifierSchema>;
export type DecisionTreeRegressorParams = z.output<typeof decisionTreeRegressorSchema>;

function plan(
  params: DecisionTreeClassifierParams | DecisionTreeRegressorParams,
  nRows: number,
  nFeatures: number,
): EnsemblePlan {
  return {
    forest: {
      nTrees: 1,
      bootstrap: false,
      maxSamples: null,
      seed: params.seed,
      classWeight: 'classWeight' in params ? params.classWeight : null,
      grow: growConfig(params, params.splitter, nRows, nFeatures),
    },
    threads: 1,
  };
}

/**
 * A single tree for either task (its hyperparameters differ by task: the criterion, the class weights): a
 * classifier's probabilities are the class frequencies of the leaf a row falls into, a regressor's prediction
 * the leaf's mean target.
 */
export class DecisionTree extends TreeEnsembleEstimator<
  DecisionTreeClassifierParams | DecisionTreeRegressorParams
> {
  readonly family = 'decision_tree';

  constructor(task: Task, params: Partial<DecisionTreeClassifierParams | DecisionTreeRegressorParams> = {}) {
    super(
      task === 'classification' ? decisionTreeClassifierSchema : decisionTreeRegressorSchema,
      params,
      `decision_tree (${task})`,
      task,
    );
  }

  protected plan(nRows: number, nFeatures: number): EnsemblePlan {
    return plan(this.params, nRows, nFeatures);
  }
}

/** scikit-learn's name for the classifier. */
export class DecisionTreeClassifier extends DecisionTree {
  constructor(params: Partial<DecisionTreeClassifierParams> = {}) {
    super('classification', params);
  }
}

/** scikit-learn's name for the regressor. */
export class DecisionTreeRegressor extends DecisionTree {
  constructor(params: Partial<DecisionTreeRegressorParams> = {}) {
    super('regression', params);
  }
}

export const decisionTreeFamily: ModelFamily = {
  family: 'decision_tree',
  label: 'Decision tree',
  tasks: ['classification', 'regression'],
  create: (task: Task, params?: Record<string, unknown>) => new DecisionTree(task, params),
};

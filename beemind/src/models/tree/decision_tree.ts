/**
 * This module contains the decision tree estimators (scikit-learn's DecisionTreeClassifier and
 * DecisionTreeRegressor) and the `decision_tree` model family.
 */
import { z } from 'zod';
import type { Task } from '../../core/task.js';
import type { ModelFamily } from '../registry.js';
import { classificationCriterion, growthParams, maxFeatures, regressionCriterion } from './params.js';
import {
  TreeEnsembleClassifier,
  TreeEnsembleRegressor,
  growConfig,
  type EnsemblePlan,
} from './tree_estimator.js';

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

/** A single classification tree; predictProba gives the class frequencies of the leaf a row falls into. */
export class DecisionTreeClassifier extends TreeEnsembleClassifier<DecisionTreeClassifierParams> {
  readonly family = 'decision_tree';

  constructor(params: Partial<DecisionTreeClassifierParams> = {}) {
    super(decisionTreeClassifierSchema, params, 'decision_tree (classification)');
  }

  protected plan(nRows: number, nFeatures: number): EnsemblePlan {
    return plan(this.params, nRows, nFeatures);
  }
}

/** A single regression tree; predict gives the mean target of the leaf a row falls into. */
export class DecisionTreeRegressor extends TreeEnsembleRegressor<DecisionTreeRegressorParams> {
  readonly family = 'decision_tree';

  constructor(params: Partial<DecisionTreeRegressorParams> = {}) {
    super(decisionTreeRegressorSchema, params, 'decision_tree (regression)');
  }

  protected plan(nRows: number, nFeatures: number): EnsemblePlan {
    return plan(this.params, nRows, nFeatures);
  }
}

export const decisionTreeFamily: ModelFamily = {
  family: 'decision_tree',
  label: 'Decision tree',
  tasks: ['classification', 'regression'],
  create: (task: Task, params?: Record<string, unknown>) =>
    task === 'classification' ? new DecisionTreeClassifier(params) : new DecisionTreeRegressor(params),
};

/**
 * This module contains the hyperparameter schemas of the tree ensembles (random forest, extra trees), which
 * differ only in their defaults, and their mapping to an ensemble plan.
 */
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import {
  classificationCriterion,
  ensembleParams,
  growthParams,
  maxFeatures,
  regressionCriterion,
  type MaxFeatures,
} from './params.js';
import { growConfig, type EnsemblePlan, type TreeParams } from './tree_estimator.js';

/** Schemas for a forest flavour: `bootstrap` default and the regressor's `maxFeatures` default differ. */
export function forestSchemas(
  bootstrap: boolean,
  classifierMaxFeatures: MaxFeatures,
  regressorMaxFeatures: MaxFeatures,
) {
  const common = { ...growthParams, ...ensembleParams, bootstrap: z.boolean().default(bootstrap) };
  const noMaxSamplesWithoutBootstrap = (
    p: { bootstrap: boolean; maxSamples: number | null },
    ctx: z.RefinementCtx,
  ) => {
    if (!p.bootstrap && p.maxSamples !== null) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxSamples'],
        message: 'maxSamples only applies with bootstrap: true; set it to null or enable bootstrap',
      });
    }
  };
  return {
    classifier: z
      .strictObject({
        criterion: classificationCriterion.default('gini'),
        maxFeatures: maxFeatures.default(classifierMaxFeatures),
        /** scikit-learn's class_weight: 'balanced' over the training rows, 'balanced_subsample' per tree. */
        classWeight: z.enum(['balanced', 'balanced_subsample']).nullable().default(null),
        ...common,
      })
      .superRefine(noMaxSamplesWithoutBootstrap),
    regressor: z
      .strictObject({
        criterion: regressionCriterion.default('squared_error'),
        maxFeatures: maxFeatures.default(regressorMaxFeatures),
        ...common,
      })
      .superRefine(noMaxSamplesWithoutBootstrap),
  };
}

export interface ForestParams extends TreeParams {
  nEstimators: number;
  bootstrap: boolean;
  maxSamples: number | null;
  nJobs: number | null;
  classWeight?: 'balanced' | 'balanced_subsample' | null;
}

export function forestPlan(
  params: ForestParams,
  splitter: 'best' | 'random',
  nRows: number,
  nFeatures: number,
): EnsemblePlan {
  const jobs = params.nJobs === null ? 1 : params.nJobs === -1 ? availableParallelism() : params.nJobs;
  return {
    forest: {
      nTrees: params.nEstimators,
      bootstrap: params.bootstrap,
      maxSamples: params.maxSamples,
      seed: params.seed,
      classWeight: params.classWeight ?? null,
      grow: growConfig(params, splitter, nRows, nFeatures),
    },
    threads: Math.max(1, Math.min(jobs, params.nEstimators)),
  };
}

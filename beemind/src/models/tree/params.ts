/**
 * This module contains the hyperparameter schema pieces shared by the tree learners (scikit-learn names in
 * camelCase, scikit-learn defaults) and their resolution into concrete counts for a given dataset.
 */
import { z } from 'zod';
import { HYPERPARAMETER_LIMITS } from '../limits.js';

/** Split quality for classification: Gini impurity or entropy (`log_loss` is scikit-learn's alias). */
export const classificationCriterion = z.enum(['gini', 'entropy', 'log_loss']);
/** Split quality for regression: variance reduction. */
export const regressionCriterion = z.enum(['squared_error']);

export type Criterion = z.infer<typeof classificationCriterion> | z.infer<typeof regressionCriterion>;

/**
 * Features considered per split: 'sqrt' | 'log2' of the feature count, a number in (0, 1] as a fraction
 * (1 = all), an integer > 1 as a count (capped at the feature count), or null for all features.
 */
export const maxFeatures = z
  .union([
    z.enum(['sqrt', 'log2']),
    z
      .number()
      .gt(0)
      .refine((v) => v <= 1 || Number.isInteger(v), 'a number above 1 must be an integer count of features'),
    z.null(),
  ])
  .describe('features considered per split');

export type MaxFeatures = z.infer<typeof maxFeatures>;

/** An integer count (at least `min`) or a fraction in (0, 1) of the training rows. */
function countOrFraction(min: number) {
  return z
    .number()
    .gt(0)
    .refine(
      (v) => (Number.isInteger(v) ? v >= min : v < 1),
      `must be an integer >= ${min} or a fraction in (0, 1) of the training rows`,
    );
}

/** Hyperparameters every tree learner shares, with scikit-learn's defaults. */
export const growthParams = {
  /** Deepest level a node may sit at (root = 0); null grows until leaves are pure. */
  maxDepth: z.number().int().min(1).max(HYPERPARAMETER_LIMITS.depth).nullable().default(null),
  /** Rows a node needs before it may be split (integer count, or fraction of the rows). */
  minSamplesSplit: countOrFraction(2).default(2),
  /** Rows each child of a split must keep (integer count, or fraction of the rows). */
  minSamplesLeaf: countOrFraction(1).default(1),
  /** A split must reduce the weighted impurity by at least this much (scikit-learn's formula). */
  minImpurityDecrease: z.number().min(0).default(0),
};

/** Hyperparameters of the tree ensembles (random forest, extra trees). */
export const ensembleParams = {
  nEstimators: z.number().int().min(1).max(HYPERPARAMETER_LIMITS.trees).default(100),
  /** Rows drawn per tree when bootstrapping, as a fraction of the training rows; null = all rows. */
  maxSamples: z.number().gt(0).max(1).nullable().default(null),
  /** Worker threads used to grow trees (null = 1, -1 = all cores); results do not depend on it. */
  nJobs: z
    .number()
    .int()
    .max(HYPERPARAMETER_LIMITS.threads)
    .refine((v) => v >= 1 || v === -1, 'must be a positive integer or -1 (all cores)')
    .nullable()
    .default(null),
  seed: z.number().int().default(0),
};

/** Resolves `maxFeatures` to a count in [1, nFeatures]. */
export function resolveMaxFeatures(spec: MaxFeatures, nFeatures: number): number {
  let k: number;
  if (spec === null) k = nFeatures;
  else if (spec === 'sqrt') k = Math.floor(Math.sqrt(nFeatures));
  else if (spec === 'log2') k = Math.floor(Math.log2(nFeatures));
  else if (spec <= 1) k = Math.floor(spec * nFeatures);
  else k = spec;
  return Math.min(nFeatures, Math.max(1, k));
}

/** Resolves a count-or-fraction hyperparameter against the number of training rows (scikit-learn's rule). */
export function resolveCount(spec: number, nRows: number): number {
  return Number.isInteger(spec) ? spec : Math.ceil(spec * nRows);
}

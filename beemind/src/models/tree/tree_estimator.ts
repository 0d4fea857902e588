/**
 * This module contains the estimator plumbing shared by every tree learner: binning the data, growing the
 * ensemble (in worker threads when asked), predicting with it, importances, and the JSON state. The public
 * estimators only declare their hyperparameters and how they map to a ForestConfig.
 */
import { NotFittedError } from '../../core/errors.js';
import { createMatrix, type Matrix } from '../../core/matrix.js';
import type { StateReader } from '../../core/untrusted.js';
import { BaseEstimator } from '../estimator.js';
import { growEnsemble, useWorkers } from './parallel.js';
import { TreeEnsemble } from './ensemble.js';
import type { ForestConfig } from './forest.js';
import type { GrowConfig } from './grower.js';
import { resolveCount, resolveMaxFeatures, type Criterion, type MaxFeatures } from './params.js';
import { buildTrainingSet } from './training_set.js';

/** The hyperparameters every tree learner has (after schema defaults). */
export interface TreeParams extends Record<string, unknown> {
  criterion: Criterion;
  maxDepth: number | null;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  minImpurityDecrease: number;
  maxFeatures: MaxFeatures;
  seed: number;
}

/** Resolves the shared hyperparameters against the training data's shape. */
export function growConfig(
  params: TreeParams,
  splitter: GrowConfig['splitter'],
  nRows: number,
  nFeatures: number,
): GrowConfig {
  return {
    criterion: params.criterion,
    splitter,
    maxDepth: params.maxDepth ?? Infinity,
    minSamplesSplit: Math.max(2, resolveCount(params.minSamplesSplit, nRows)),
    minSamplesLeaf: resolveCount(params.minSamplesLeaf, nRows),
    maxFeatures: resolveMaxFeatures(params.maxFeatures, nFeatures),
    minImpurityDecrease: params.minImpurityDecrease,
  };
}

/** Everything needed to grow an ensemble for data of a given shape. */
export interface EnsemblePlan {
  forest: ForestConfig;
  /** Worker threads to use (1 = grow on this thread). */
  threads: number;
}

async function fitEnsemble(
  X: Matrix,
  y: Float64Array,
  task: 'classification' | 'regression',
  nClasses: number,
  seed: number,
  plan: EnsemblePlan,
): Promise<TreeEnsemble> {
  const shared = useWorkers(X.rows, plan.forest, plan.threads);
  const data = buildTrainingSet(X, y, task, nClasses, { seed, shared });
  return growEnsemble(data, plan.forest, plan.threads);
}

/** Reads and checks the saved ensemble of a fitted tree estimator (nFeatures and nClasses already read). */
function readState(
  state: StateReader,
  estimator: { nFeatures: number; nClasses: number; task: string },
): TreeEnsemble {
  const classification = estimator.task === 'classification';
  return TreeEnsemble.read(state.object('ensemble'), {
    nFeatures: estimator.nFeatures,
    nOutputs: classification ? estimator.nClasses : 1,
    probabilities: classification,
  });
}

/**
 * Base of every tree learner, for either task: a classifier's probabilities are its trees' mean leaf class
 * frequencies, a regressor's prediction its trees' mean leaf value. A family supplies its hyperparameters (by
 * task) and its plan.
 */
export abstract class TreeEnsembleEstimator<P extends TreeParams> extends BaseEstimator<P> {
  protected override readonly acceptsMissing = true;
  protected ensemble: TreeEnsemble | null = null;

  protected abstract plan(nRows: number, nFeatures: number): EnsemblePlan;

  protected async fitValidated(X: Matrix, y: Float64Array): Promise<void> {
    const nClasses = this.task === 'classification' ? this.nClasses : 0;
    this.ensemble = await fitEnsemble(X, y, this.task, nClasses, this.params.seed, this.plan(X.rows, X.cols));
  }

  protected override predictProbaValidated(X: Matrix): Matrix {
    return createMatrix(X.rows, this.nClasses, this.model.predictMean(X));
  }

  protected override predictValuesValidated(X: Matrix): Float64Array {
    return this.model.predictMean(X);
  }

  /** Mean decrease in impurity per feature, normalised to sum 1. */
  featureImportances(): Float64Array {
    return this.model.importances.slice();
  }

  /** The fitted trees (read-only use: inspection, export). */
  get trees(): TreeEnsemble['trees'] {
    return this.model.trees;
  }

  protected get model(): TreeEnsemble {
    if (!this.ensemble) throw new NotFittedError(this.who);
    return this.ensemble;
  }

  protected getState(): unknown {
    return { ensemble: this.model.toJSON() };
  }

  protected setState(state: StateReader): void {
    this.ensemble = readState(state, this);
  }
}

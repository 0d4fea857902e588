/**
 * This module contains the growing of a tree ensemble: per-tree seeds derived from one seed (so tree t is
 * the same whichever thread grows it), bootstrap draws, and the loop that grows trees with one reusable
 * grower.
 */
import { Random } from '../../core/random.js';
import type { FlatTree } from './flat_tree.js';
import { TreeGrower, type GrowConfig } from './grower.js';
import type { TrainingSet } from './training_set.js';

export interface ForestConfig {
  nTrees: number;
  /** Draw each tree's rows with replacement (else every tree sees every row). */
  bootstrap: boolean;
  /** Bootstrap draws per tree as a fraction of the rows; null = as many draws as rows. */
  maxSamples: number | null;
  seed: number;
  grow: GrowConfig;
}

/** One seed per tree, derived from the ensemble's seed. */
export function treeSeeds(seed: number, nTrees: number): Uint32Array {
  const rng = new Random(seed);
  const seeds = new Uint32Array(nTrees);
  for (let t = 0; t < nTrees; t++) seeds[t] = rng.nextUint32();
  return seeds;
}

/** Grows trees `from` .. `to`-1 of the ensemble on this thread. */
export function growTrees(
  data: TrainingSet,
  config: ForestConfig,
  from: number,
  to: number,
): { trees: FlatTree[]; importances: Float64Array[] } {
  const seeds = treeSeeds(config.seed, config.nTrees);
  const grower = new TreeGrower(data, config.grow);
  const n = data.nRows;
  const counts = config.bootstrap ? new Int32Array(n) : null;
  const draws = config.maxSamples === null ? n : Math.max(1, Math.round(config.maxSamples * n));
  const trees: FlatTree[] = [];
  const importances: Float64Array[] = [];
  for (let t = from; t < to; t++) {
    const rng = new Random(seeds[t]);
    if (counts) {
      counts.fill(0);
      for (let d = 0; d < draws; d++) counts[rng.int(n)]++;
    }
    const grown = grower.grow(counts, rng);
    trees.push(grown.tree);
    importances.push(grown.importances);
  }
  return { trees, importances };
}

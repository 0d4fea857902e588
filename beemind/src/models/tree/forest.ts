/**
 * This module contains the growing of a tree ensemble's trees: per-tree seeds derived from one seed (so tree
 * t is the same whichever thread grows it, and in whatever order), bootstrap draws, and one reusable grower.
 */
import { Random } from '../../core/random.js';
import { TreeGrower, type GrowConfig, type GrownTree } from './grower.js';
import type { TrainingSet } from './training_set.js';

export interface ForestConfig {
  nTrees: number;
  /** Draw each tree's rows with replacement (else every tree sees every row). */
  bootstrap: boolean;
  /** Bootstrap draws per tree as a fraction of the rows; null = as many draws as rows. */
  maxSamples: number | null;
  seed: number;
  /**
   * Classifiers: 'balanced' weights classes by n / (k · n_c) over the training rows, 'balanced_subsample'
   * over each tree's bootstrap draws (scikit-learn's class_weight); null weighs every row equally.
   */
  classWeight: 'balanced' | 'balanced_subsample' | null;
  grow: GrowConfig;
}

/** Grows tree t of an ensemble, for any t, reusing its buffers. */
export class ForestGrower {
  private readonly seeds: Uint32Array;
  private readonly grower: TreeGrower;
  private readonly counts: Int32Array | null;
  private readonly draws: number;
  /** Per-class weights: fixed ('balanced'), recomputed per tree ('balanced_subsample'), or null. */
  private readonly classWeight: Float64Array | null;

  constructor(
    private readonly data: TrainingSet,
    private readonly config: ForestConfig,
  ) {
    const rng = new Random(config.seed);
    this.seeds = new Uint32Array(config.nTrees);
    for (let t = 0; t < config.nTrees; t++) this.seeds[t] = rng.nextUint32();
    this.grower = new TreeGrower(data, config.grow);
    this.counts = config.bootstrap ? new Int32Array(data.nRows) : null;
    this.draws =
      config.maxSamples === null ? data.nRows : Math.max(1, Math.round(config.maxSamples * data.nRows));
    const weighted = data.task === 'classification' && config.classWeight !== null;
    this.classWeight = weighted ? new Float64Array(data.nOutputs) : null;
    if (weighted && (config.classWeight === 'balanced' || !this.counts)) {
      balancedClassWeights(data.labels, null, this.classWeight!);
    }
  }

  growTree(t: number): GrownTree {
    const rng = new Random(this.seeds[t]);
    const counts = this.counts;
    if (counts) {
      const n = this.data.nRows;
      counts.fill(0);
      for (let d = 0; d < this.draws; d++) counts[rng.int(n)]++;
    }
    if (counts && this.classWeight && this.config.classWeight === 'balanced_subsample') {
      balancedClassWeights(this.data.labels, counts, this.classWeight);
    }
    return this.grower.grow(counts, this.classWeight, rng);
  }
}

/**
 * scikit-learn's 'balanced' class weights, n / (k · n_c) over the classes present, where each row counts
 * `counts[i]` times (once when counts is null); written into `out`.
 */
export function balancedClassWeights(labels: Int32Array, counts: Int32Array | null, out: Float64Array): void {
  out.fill(0);
  let n = 0;
  for (let i = 0; i < labels.length; i++) {
    const c = counts ? counts[i] : 1;
    out[labels[i]] += c;
    n += c;
  }
  let present = 0;
  for (let c = 0; c < out.length; c++) if (out[c] > 0) present++;
  for (let c = 0; c < out.length; c++) out[c] = out[c] > 0 ? n / (present * out[c]) : 0;
}

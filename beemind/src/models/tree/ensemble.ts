/**
 * This module contains a fitted tree ensemble (a single decision tree is an ensemble of one): the mean of
 * its trees' leaf values for each row, its normalised feature importances, and its JSON form.
 */
import type { Matrix } from '../../core/matrix.js';
import { pack, type PackedArray } from '../../core/serialize.js';
import type { StateReader } from '../../core/untrusted.js';
import { FlatTree, type FlatTreeJSON, type TreeShape } from './flat_tree.js';

export interface TreeEnsembleJSON {
  trees: FlatTreeJSON[];
  importances: PackedArray;
}

export class TreeEnsemble {
  constructor(
    readonly trees: FlatTree[],
    /** Normalised to sum 1 (all zero when no tree ever split). */
    readonly importances: Float64Array,
  ) {}

  get nOutputs(): number {
    return this.trees[0].nOutputs;
  }

  /**
   * Mean over trees of the leaf values reached by each row: rows × nOutputs, row-major (class probabilities
   * for classifiers, predictions for regressors).
   */
  predictMean(X: Matrix): Float64Array {
    const out = new Float64Array(X.rows * this.nOutputs);
    for (const tree of this.trees) tree.addPredictions(X, out);
    if (this.trees.length > 1) {
      const scale = 1 / this.trees.length;
      for (let i = 0; i < out.length; i++) out[i] *= scale;
    }
    return out;
  }

  toJSON(): TreeEnsembleJSON {
    return { trees: this.trees.map((t) => t.toJSON()), importances: pack(this.importances) };
  }

  /** Reads and checks a serialised ensemble (toJSON's output) of a model of `shape` (nFeatures required). */
  static read(state: StateReader, shape: TreeShape & { nFeatures: number }): TreeEnsemble {
    const trees = state.list('trees').map((tree, t) => FlatTree.read(tree, t, shape));
    if (trees.length === 0) state.fail('the tree ensemble has no trees');
    return new TreeEnsemble(trees, state.f64('importances', { length: shape.nFeatures, min: 0 }));
  }
}

/**
 * scikit-learn's forest importances: each tree's impurity decreases normalised to sum 1, averaged over the
 * trees that split at least once, normalised again.
 */
export function combineImportances(perTree: Float64Array[], nFeatures: number): Float64Array {
  const out = new Float64Array(nFeatures);
  let used = 0;
  for (const imp of perTree) {
    let s = 0;
    for (let f = 0; f < nFeatures; f++) s += imp[f];
    if (!(s > 0)) continue;
    for (let f = 0; f < nFeatures; f++) out[f] += imp[f] / s;
    used++;
  }
  if (used === 0) return out;
  let s = 0;
  for (let f = 0; f < nFeatures; f++) s += out[f];
  for (let f = 0; f < nFeatures; f++) out[f] /= s;
  return out;
}

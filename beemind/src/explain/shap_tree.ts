import type { CategorySplits } from '../models/category_split.js';

/**
 * This module contains the common form of one tree that both TreeSHAP algorithms read (the recursive one in
 * tree_shap.ts and the leaf tables in leaf_tables.ts): every tree family is converted to it.
 */
/** One tree with node-local indices (root 0) and the leaf values it adds to the model's raw output. */
export interface ShapTree {
  /** Feature tested per node; −1 for leaves. */
  feature: Int32Array;
  /** x <= threshold goes left. */
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  /** 1 where a missing value (NaN) goes left. */
  missingLeft: Uint8Array;
  /** The nodes that split on a set of categories (boosting's categorical splits); absent or null for none. */
  categories?: CategorySplits | null;
  /** Per node, `width` values (leaves only; already scaled by the tree's weight in the ensemble). */
  values: Float64Array;
  /** Values per leaf. */
  width: number;
  /** Output index of leaf value c: `outputs[c]` (a boosting tree adds to one output of several). */
  outputs: Int32Array;
  /**
   * Share of each node's cover that reaches it from its parent (1 for the root): the path-dependent weight
   * of the branch when its feature is not in the coalition.
   */
  fraction: Float64Array;
}

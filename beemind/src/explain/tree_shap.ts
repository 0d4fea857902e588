/**
 * This module contains exact path-dependent TreeSHAP (Lundberg et al. 2018, algorithm 2) in polynomial time
 * over one tree in a common form (ShapTree), the node covers it weights unseen branches by, and the tree's
 * expected value under those covers.
 *
 * A feature outside the coalition S is integrated out the path-dependent way: at a node splitting on it both
 * branches are followed, each weighted by the share of the node's cover (training rows) that went that way.
 * A row's missing value (NaN) follows the node's missing-value branch, exactly as prediction does.
 */
import type { Matrix } from '../core/matrix.js';
import { goesLeft as testNode } from '../models/category_split.js';
import { explainCosts, LeafTableExplainer } from './leaf_tables.js';
import type { ShapTree } from './shap_tree.js';

export type { ShapTree };

/** Number of nodes on the longest root-to-leaf path, minus one (a lone leaf has depth 0). */
export function treeDepth(tree: ShapTree): number {
  let max = 0;
  const stack: number[] = [0, 0];
  while (stack.length > 0) {
    const depth = stack.pop()!;
    const node = stack.pop()!;
    if (tree.feature[node] < 0) max = Math.max(max, depth);
    else stack.push(tree.left[node], depth + 1, tree.right[node], depth + 1);
  }
  return max;
}

/** Whether value x goes to the left child of `node` (NaN follows the node's missing-value direction). */
export function goesLeft(
  tree: Pick<ShapTree, 'threshold' | 'missingLeft' | 'categories'>,
  node: number,
  x: number,
): boolean {
  return testNode(tree.threshold, tree.missingLeft, tree.categories ?? null, node, x);
}

/**
 * Branch fractions from node covers: cover[child] / cover[parent]. A node no cover row reached splits its
 * weight evenly (it can only be entered by following the explained row, so any fixed split keeps the
 * attributions exact for the defined expectation).
 */
export function fractionsFromCover(
  tree: Pick<ShapTree, 'feature' | 'left' | 'right'>,
  cover: Float64Array,
): Float64Array {
  const fraction = new Float64Array(cover.length);
  fraction[0] = 1;
  for (let node = 0; node < cover.length; node++) {
    if (tree.feature[node] < 0) continue;
    const l = tree.left[node];
    const r = tree.right[node];
    if (cover[node] > 0) {
      fraction[l] = cover[l] / cover[node];
      fraction[r] = cover[r] / cover[node];
    } else {
      fraction[l] = 0.5;
      fraction[r] = 0.5;
    }
  }
  return fraction;
}

/** Node covers: how many rows of `X` (row-major, the model's inputs) pass through each node. */
export function coverFromRows(
  tree: Pick<ShapTree, 'feature' | 'threshold' | 'left' | 'right' | 'missingLeft' | 'categories'>,
  X: Matrix,
): Float64Array {
  const { feature, left, right } = tree;
  const cover = new Float64Array(feature.length);
  const data = X.data;
  const p = X.cols;
  for (let i = 0; i < X.rows; i++) {
    let node = 0;
    cover[0]++;
    let f = feature[0];
    while (f >= 0) {
      const x = data[i * p + f];
      node = goesLeft(tree, node, x) ? left[node] : right[node];
      cover[node]++;
      f = feature[node];
    }
  }
  return cover;
}

/** The tree's expected leaf values under its branch fractions, added to out[outputs[c]]. */
export function addExpectedValue(tree: ShapTree, out: Float64Array): void {
  const { width } = tree;
  const stack: number[] = [0, 1];
  while (stack.length > 0) {
    const weight = stack.pop()!;
    const node = stack.pop()!;
    if (tree.feature[node] < 0) {
      for (let c = 0; c < width; c++) out[tree.outputs[c]] += weight * tree.values[node * width + c];
    } else {
      const l = tree.left[node];
      const r = tree.right[node];
      stack.push(l, weight * tree.fraction[l], r, weight * tree.fraction[r]);
    }
  }
}

/**
 * Computes the SHAP values of rows of X for a set of trees: phi[row][output·p + feature], accumulated (so
 * several trees add up). One instance reuses its path buffers across rows and trees.
 *
 * The path holds, per element, the feature split on, its zero fraction (share of the cover-weighted weight
 * that follows the path) and its one fraction — 1 if the explained row follows the path, else 0 (always one
 * or the other in the path-dependent algorithm, which lets the weight updates use multiplications by
 * precomputed reciprocals, and lets every element with one fraction 0 share one sum at a leaf).
 */
export class TreeShapExplainer {
  private stride = 0;
  private pathFeature = new Int32Array(0);
  private pathZero = new Float64Array(0);
  private pathOne = new Uint8Array(0);
  private pathWeight = new Float64Array(0);
  /** reciprocal[k] = 1 / k. */
  private reciprocal = new Float64Array(0);
  // the tree and row being explained, and where their attributions go
  private tree!: ShapTree;
  private row!: Float64Array;
  private rowOffset = 0;
  private phi!: Float64Array;
  private phiOffset = 0;
  private nFeatures = 0;

  /**
   * Adds the attributions of `tree` (at most `depth` deep) for row i of X to
   * phi[phiOffset + output·X.cols + feature] for every output the tree writes to.
   */
  explainRow(
    tree: ShapTree,
    X: Matrix,
    i: number,
    phi: Float64Array,
    phiOffset: number,
    depth: number,
  ): void {
    if (tree.feature[0] < 0) return; // a lone leaf attributes nothing
    const stride = depth + 2;
    if (stride > this.stride) this.reserve(stride);
    this.tree = tree;
    this.row = X.data as Float64Array;
    this.rowOffset = i * X.cols;
    this.nFeatures = X.cols;
    this.phi = phi;
    this.phiOffset = phiOffset;
    this.recurse(0, 0, -1, 1, 1, -1, 0);
  }

  private reserve(stride: number): void {
    this.stride = stride;
    const size = stride * stride;
    this.pathFeature = new Int32Array(size);
    this.pathZero = new Float64Array(size);
    this.pathOne = new Uint8Array(size);
    this.pathWeight = new Float64Array(size);
    this.reciprocal = Float64Array.from({ length: stride + 2 }, (_, k) => (k === 0 ? 0 : 1 / k));
  }

  /**
   * Visits `node` with the parent's path (`length` elements at `parentOffset`), extended by the split that
   * led here: zero = share of the coalition-free weight that reaches this node, one = 1 if the explained row
   * comes here, for feature `feature`.
   */
  private recurse(
    node: number,
    length: number,
    parentOffset: number,
    zero: number,
    one: number,
    feature: number,
    level: number,
  ): void {
    const offset = level * this.stride;
    const { pathFeature, pathZero, pathOne, pathWeight, tree, reciprocal } = this;
    if (parentOffset >= 0) {
      for (let j = 0; j < length; j++) {
        pathFeature[offset + j] = pathFeature[parentOffset + j];
        pathZero[offset + j] = pathZero[parentOffset + j];
        pathOne[offset + j] = pathOne[parentOffset + j];
        pathWeight[offset + j] = pathWeight[parentOffset + j];
      }
    }
    // extend the path by this split
    pathFeature[offset + length] = feature;
    pathZero[offset + length] = zero;
    pathOne[offset + length] = one;
    pathWeight[offset + length] = length === 0 ? 1 : 0;
    const inverse = reciprocal[length + 1];
    for (let i = length - 1; i >= 0; i--) {
      const w = pathWeight[offset + i];
      if (one !== 0) pathWeight[offset + i + 1] += w * (i + 1) * inverse;
      pathWeight[offset + i] = zero * w * (length - i) * inverse;
    }
    const last = length; // index of the last path element

    const split = tree.feature[node];
    if (split < 0) {
      this.creditLeaf(node, offset, last);
      return;
    }

    const x = this.row[this.rowOffset + split];
    const hot = goesLeft(tree, node, x) ? tree.left[node] : tree.right[node];
    const cold = hot === tree.left[node] ? tree.right[node] : tree.left[node];
    // a feature already on the path: undo its earlier split and carry its fractions into this one
    let incomingZero = 1;
    let incomingOne = 1;
    let count = last + 1;
    for (let e = 1; e <= last; e++) {
      if (pathFeature[offset + e] === split) {
        incomingZero = pathZero[offset + e];
        incomingOne = pathOne[offset + e];
        this.unwind(offset, last, e);
        count--;
        break;
      }
    }
    // a branch with both fractions 0 has every weight below it 0: it adds nothing (and is skipped, as its
    // unwinding would divide by 0)
    const hotZero = incomingZero * tree.fraction[hot];
    if (hotZero > 0 || incomingOne > 0)
      this.recurse(hot, count, offset, hotZero, incomingOne, split, level + 1);
    const coldZero = incomingZero * tree.fraction[cold];
    if (coldZero > 0) this.recurse(cold, count, offset, coldZero, 0, split, level + 1);
  }

  /**
   * At a leaf: each path element's feature is credited (one − zero) · value times the total weight of the
   * path without it. For elements with one fraction 0 that total is (last + 1) Σ_j w_j / (last − j) divided by
   * their zero fraction, which (one − zero) = −zero cancels: the same credit for all of them.
   */
  private creditLeaf(node: number, offset: number, last: number): void {
    const { pathFeature, pathZero, pathOne, pathWeight, tree, reciprocal, phi } = this;
    let offPathSum = 0;
    for (let j = last - 1; j >= 0; j--) offPathSum += pathWeight[offset + j] * reciprocal[last - j];
    const width = tree.width;
    const base = this.phiOffset;
    const p = this.nFeatures;
    for (let e = 1; e <= last; e++) {
      const zero = pathZero[offset + e];
      let total: number;
      if (pathOne[offset + e] !== 0) {
        total = 0;
        let next = pathWeight[offset + last];
        for (let j = last - 1; j >= 0; j--) {
          const share = next * reciprocal[j + 1];
          total += share;
          next = pathWeight[offset + j] - share * zero * (last - j);
        }
        total *= (last + 1) * (1 - zero);
      } else {
        total = -(last + 1) * offPathSum; // (last + 1) · offPathSum / zero, times (one − zero) = −zero
      }
      const f = pathFeature[offset + e];
      if (width === 1) {
        phi[base + tree.outputs[0] * p + f] += total * tree.values[node];
      } else {
        for (let c = 0; c < width; c++)
          phi[base + tree.outputs[c] * p + f] += total * tree.values[node * width + c];
      }
    }
  }

  /** Removes element `index` from the path whose last element is `last`, undoing its extend. */
  private unwind(offset: number, last: number, index: number): void {
    const { pathFeature, pathZero, pathOne, pathWeight, reciprocal } = this;
    const one = pathOne[offset + index];
    const zero = pathZero[offset + index];
    const inverse = reciprocal[last + 1];
    if (one !== 0) {
      let next = pathWeight[offset + last];
      for (let j = last - 1; j >= 0; j--) {
        const held = pathWeight[offset + j];
        const w = next * (last + 1) * reciprocal[j + 1];
        pathWeight[offset + j] = w;
        next = held - w * zero * (last - j) * inverse;
      }
    } else {
      const scale = (last + 1) / zero;
      for (let j = last - 1; j >= 0; j--) pathWeight[offset + j] *= scale * reciprocal[last - j];
    }
    for (let j = index; j < last; j++) {
      pathFeature[offset + j] = pathFeature[offset + j + 1];
      pathZero[offset + j] = pathZero[offset + j + 1];
      pathOne[offset + j] = pathOne[offset + j + 1];
    }
  }
}

/** Rows explained together by the leaf tables. */
const ROW_BLOCK = 4096;

/**
 * SHAP values of every row of X for a set of trees on the same inputs with `nOutputs` outputs: one
 * Float64Array per row, output-major (output·X.cols + feature), plus the expected value per output. Each tree
 * is explained by leaf tables (leaf_tables.ts) when they are cheaper for this many rows, else by the
 * recursive algorithm; `method` forces one (tables only where a leaf is shallow enough for them).
 */
export function treeShap(
  trees: readonly ShapTree[],
  X: Matrix,
  nOutputs: number,
  { method = 'auto' }: { method?: 'auto' | 'tables' | 'recursive' } = {},
): { base: Float64Array; phi: Float64Array[] } {
  const base = new Float64Array(nOutputs);
  for (const tree of trees) addExpectedValue(tree, base);
  // one buffer for all rows; each row's attributions are a view of it
  const stride = nOutputs * X.cols;
  const all = new Float64Array(X.rows * stride);
  const explainer = new TreeShapExplainer();
  const tabulated = new LeafTableExplainer();
  const depths = trees.map(treeDepth);
  // rows in blocks, so that the tables' per-row scratch (rows × nodes bytes) stays small
  for (let start = 0; start < X.rows; start += ROW_BLOCK) {
    const rows = Math.min(ROW_BLOCK, X.rows - start);
    const block: Matrix = {
      rows,
      cols: X.cols,
      data: X.data.subarray(start * X.cols, (start + rows) * X.cols),
    };
    const out = all.subarray(start * stride, (start + rows) * stride);
    trees.forEach((tree, t) => {
      const cost = explainCosts(tree, rows);
      const useTables =
        method === 'auto' ? cost.tables <= cost.recursive : method === 'tables' && cost.tables < Infinity;
      if (useTables) tabulated.explainRows(tree, block, out, stride);
      else for (let i = 0; i < rows; i++) explainer.explainRow(tree, block, i, out, i * stride, depths[t]);
    });
  }
  const phi = Array.from({ length: X.rows }, (_, i) => all.subarray(i * stride, (i + 1) * stride));
  return { base, phi };
}

/**
 * This module contains a faster exact form of path-dependent TreeSHAP for trees of moderate depth: per leaf
 * tables computed once, after which a row costs O(path length) per leaf instead of the O(depth²) per leaf of
 * the recursive algorithm (tree_shap.ts). Both give the same values (tested against brute force).
 *
 * The derivation, for one leaf with value v whose path splits on the distinct features F (d of them): feature
 * k's zero fraction z_k is the product of the cover fractions of the path's branches on k; the row's one
 * fraction o_k is 1 when it takes every one of those branches. Only features in F matter to this leaf, and
 * the leaf's share of the tree's output for a coalition S is g(S) = v Π_{k∈S} o_k Π_{k∉S} z_k. Its Shapley
 * value for k depends on the row only through A = {k : o_k = 1}:
 *   k ∈ A:  φ_k = v (1 − z_k) ZC(A) Q(A∖k)        k ∉ A:  φ_k = −v z_k ZC(A∪k) Q(A)
 * with ZC(B) = Π_{j∈F∖B} z_j and Q(B) = Σ_s w(s) e_{|B|−s}(z_B), w(s) = s!(d−s−1)!/d! and e_m the elementary
 * symmetric polynomials of B's zero fractions. ZC and Q are tabulated for every subset B of F.
 */
import type { Matrix } from '../core/matrix.js';
import { goesLeft } from '../models/category_split.js';
import { popcount, shapleyWeights } from './combinatorics.js';
import type { ShapTree } from './shap_tree.js';

/** Leaves whose path has more distinct features than this are left to the recursive algorithm. */
export const MAX_TABLE_FEATURES = 12;

/**
 * Rough operation counts of explaining `rows` rows of a tree: by tables (each leaf's tables are built once
 * and then serve every row: 2^d·d to build, path length + d per row) and by the recursive algorithm
 * ((d + 1)² per leaf and row). Tables are Infinity when a leaf is too deep for them.
 */
export function explainCosts(tree: ShapTree, rows: number): { tables: number; recursive: number } {
  let tables = 0;
  let recursive = 0;
  const visit = (node: number, depth: number, features: Set<number>): void => {
    if (tree.feature[node] < 0) {
      const d = features.size;
      tables += d > MAX_TABLE_FEATURES ? Infinity : 2 ** d * (d + 1) + rows * (depth + d);
      recursive += rows * (depth + 1) ** 2;
      return;
    }
    const f = tree.feature[node];
    const had = features.has(f);
    features.add(f);
    visit(tree.left[node], depth + 1, features);
    visit(tree.right[node], depth + 1, features);
    if (!had) features.delete(f);
  };
  visit(0, 0, new Set());
  return { tables, recursive };
}

/** SHAPLEY_WEIGHTS[d] = the weights for d players, d ≤ MAX_TABLE_FEATURES. */
const SHAPLEY_WEIGHTS = Array.from({ length: MAX_TABLE_FEATURES + 1 }, (_, d) => shapleyWeights(d));

function lowestClearBit(B: number): number {
  let j = 0;
  while ((B >> j) & 1) j++;
  return j;
}

/** Scratch space for one leaf's tables, reused across leaves and trees. */
export class LeafTableExplainer {
  private readonly complementZero = new Float64Array(1 << MAX_TABLE_FEATURES);
  private readonly coalition = new Float64Array(1 << MAX_TABLE_FEATURES);
  private readonly symmetric = new Float64Array((1 << MAX_TABLE_FEATURES) * (MAX_TABLE_FEATURES + 1));
  /** wentLeft[node · rows + i]: whether row i goes left at node. */
  private wentLeft = new Uint8Array(0);
  /** Per row, the set A of the current leaf. */
  private agree = new Int32Array(0);

  /**
   * Adds the attributions of `tree` for every row of X to phi[i·stride + output·X.cols + feature]: leaf by leaf,
   * each leaf's tables built once and applied to every row while they are in cache.
   */
  explainRows(tree: ShapTree, X: Matrix, phi: Float64Array, stride: number): void {
    if (tree.feature[0] < 0) return;
    const n = tree.feature.length;
    const rows = X.rows;
    const p = X.cols;
    if (this.wentLeft.length < rows * n) this.wentLeft = new Uint8Array(rows * n);
    if (this.agree.length < rows) this.agree = new Int32Array(rows);
    const wentLeft = this.wentLeft;
    const data = X.data;
    const { threshold, missingLeft } = tree;
    const categories = tree.categories ?? null;
    for (let node = 0; node < n; node++) {
      const f = tree.feature[node];
      if (f < 0) continue;
      const at = node * rows;
      for (let i = 0; i < rows; i++)
        wentLeft[at + i] = goesLeft(threshold, missingLeft, categories, node, data[i * p + f]) ? 1 : 0;
    }
    // the path to the current node: node, direction taken (1 = left), feature, branch fraction
    const stepNode: number[] = [];
    const stepLeft: number[] = [];
    const stepFeature: number[] = [];
    const stepFraction: number[] = [];
    const visit = (node: number): void => {
      if (tree.feature[node] < 0) {
        this.creditLeaf(tree, node, stepNode, stepLeft, stepFeature, stepFraction, X, phi, stride);
        return;
      }
      const l = tree.left[node];
      const r = tree.right[node];
      stepNode.push(node);
      stepLeft.push(1);
      stepFeature.push(tree.feature[node]);
      stepFraction.push(tree.fraction[l]);
      visit(l);
      stepLeft[stepLeft.length - 1] = 0;
      stepFraction[stepFraction.length - 1] = tree.fraction[r];
      visit(r);
      stepNode.pop();
      stepLeft.pop();
      stepFeature.pop();
      stepFraction.pop();
    };
    visit(0);
  }

  private creditLeaf(
    tree: ShapTree,
    node: number,
    stepNode: readonly number[],
    stepLeft: readonly number[],
    stepFeature: readonly number[],
    stepFraction: readonly number[],
    X: Matrix,
    phi: Float64Array,
    stride: number,
  ): void {
    // the leaf's distinct features (slots) and their zero fractions
    const features: number[] = [];
    const zero: number[] = [];
    const slotOfStep = new Int32Array(stepNode.length);
    stepFeature.forEach((f, s) => {
      let slot = features.indexOf(f);
      if (slot < 0) {
        slot = features.length;
        features.push(f);
        zero.push(1);
      }
      zero[slot] *= stepFraction[s];
      slotOfStep[s] = slot;
    });
    const d = features.length;
    if (d === 0) return;
    const size = 1 << d;
    const { complementZero, coalition, symmetric } = this;
    // ZC(B) = Π_{j∉B} z_j, from the full set down (B | j > B is done first)
    complementZero[size - 1] = 1;
    for (let B = size - 2; B >= 0; B--) {
      const j = lowestClearBit(B);
      complementZero[B] = complementZero[B | (1 << j)] * zero[j];
    }
    // e(B), the elementary symmetric polynomials of B's zero fractions, from B without its highest bit;
    // Q(B) = Σ_s w(s) e_{|B|−s}(B) over s ≤ min(|B|, d − 1)
    const w = SHAPLEY_WEIGHTS[d];
    const degrees = d + 1;
    symmetric.fill(0, 0, size * degrees);
    symmetric[0] = 1;
    coalition[0] = w[0];
    for (let B = 1; B < size; B++) {
      const j = 31 - Math.clz32(B);
      const from = (B ^ (1 << j)) * degrees;
      const to = B * degrees;
      symmetric[to] = 1;
      for (let m = 1; m <= d; m++)
        symmetric[to + m] = symmetric[from + m] + zero[j] * symmetric[from + m - 1];
      const bits = popcount(B);
      let sum = 0;
      for (let s = 0; s <= Math.min(bits, d - 1); s++) sum += w[s] * symmetric[to + bits - s];
      coalition[B] = sum;
    }
    const rows = X.rows;
    const p = X.cols;
    const { wentLeft, agree } = this;
    // A per row: the features whose every branch on this path the row takes
    agree.fill(size - 1, 0, rows);
    for (let s = 0; s < stepNode.length; s++) {
      const at = stepNode[s] * rows;
      const left = stepLeft[s];
      const clear = ~(1 << slotOfStep[s]);
      for (let i = 0; i < rows; i++) if (wentLeft[at + i] !== left) agree[i] &= clear;
    }
    const width = tree.width;
    for (let k = 0; k < d; k++) {
      const bit = 1 << k;
      const z = zero[k];
      const f = features[k];
      for (let c = 0; c < width; c++) {
        const value = tree.values[node * width + c];
        const at = tree.outputs[c] * p + f;
        const inside = (1 - z) * value;
        const outside = -z * value;
        for (let i = 0; i < rows; i++) {
          const A = agree[i];
          phi[i * stride + at] +=
            (A & bit) !== 0
              ? inside * complementZero[A] * coalition[A ^ bit]
              : outside * complementZero[A | bit] * coalition[A];
        }
      }
    }
  }
}

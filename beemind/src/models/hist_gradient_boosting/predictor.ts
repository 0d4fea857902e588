/**
 * This module contains the predictor: every tree of a fitted boosting model stored in one set of flat typed
 * arrays (feature, raw-value threshold, bin threshold, missing-value direction, children, leaf value per
 * node, and for a categorical split the category codes it sends left), with fast prediction on raw feature
 * values (NaN follows each node's missing direction) and on bin codes (used for the validation set during
 * early stopping).
 */
import type { Matrix } from '../../core/matrix.js';
import { pack, type PackedArray } from '../../core/serialize.js';
import type { StateReader } from '../../core/untrusted.js';
import { goesLeft, listsCategory, type CategorySplits } from '../category_split.js';
import { checkLeafValue, checkTreeLinks } from '../tree/flat_tree.js';

/** One node as handed over by the grower; leaves have feature −1. */
export interface NodeSpec {
  feature: number;
  /** Real-valued threshold: x <= threshold goes left (unused by a categorical split: Infinity). */
  threshold: number;
  /** Bin threshold: bin code <= binThreshold goes left (unused by a categorical split). */
  binThreshold: number;
  missingGoLeft: boolean;
  /** Leaf value (shrinkage applied); 0 for internal nodes. */
  value: number;
  /** A categorical split: the category codes that go left, ascending (every other code goes right). */
  categories?: Float64Array;
}

export interface TreeEnsembleJSON {
  nOutputs: number;
  nNodes: number;
  roots: PackedArray;
  feature: PackedArray;
  threshold: PackedArray;
  binThreshold: PackedArray;
  missingGoLeft: PackedArray;
  left: PackedArray;
  right: PackedArray;
  value: PackedArray;
  /** Only when some node splits on categories: per node the start of its codes (−1: threshold node), … */
  categoryStart?: PackedArray;
  /** … how many codes it sends left, … */
  categoryCount?: PackedArray;
  /** … and the codes of every categorical node, one ascending run each. */
  categoryCodes?: PackedArray;
}

export class TreeEnsemble {
  /** Root node index of each tree; tree t predicts output t mod nOutputs. */
  roots = new Int32Array(16);
  nTrees = 0;
  nNodes = 0;
  feature = new Int32Array(64);
  threshold = new Float64Array(64);
  binThreshold = new Uint8Array(64);
  missingGoLeft = new Uint8Array(64);
  /** Left child index, −1 for leaves. */
  left = new Int32Array(64);
  right = new Int32Array(64);
  value = new Float64Array(64);
  /** Per node, where its category codes start in categoryCodes; −1 for threshold nodes and leaves. */
  categoryStart = new Int32Array(64);
  categoryCount = new Int32Array(64);
  categoryCodes = new Float64Array(64);
  nCategoryCodes = 0;

  constructor(readonly nOutputs: number) {}

  /** The categorical splits, or null when every node tests a threshold (prediction's fast path). */
  get categories(): CategorySplits | null {
    if (this.nCategoryCodes === 0) return null;
    return { start: this.categoryStart, count: this.categoryCount, codes: this.categoryCodes };
  }

  /** Starts a new tree; returns its index. */
  beginTree(): number {
    if (this.nTrees === this.roots.length) this.roots = grow(this.roots, this.nTrees * 2);
    this.roots[this.nTrees] = this.nNodes;
    return this.nTrees++;
  }

  /** Appends a node (children are linked later with setChildren); returns its index. */
  addNode(spec: NodeSpec): number {
    if (this.nNodes === this.feature.length) this.reserve(this.nNodes * 2);
    const k = this.nNodes++;
    this.feature[k] = spec.feature;
    this.threshold[k] = spec.threshold;
    this.binThreshold[k] = spec.binThreshold;
    this.missingGoLeft[k] = spec.missingGoLeft ? 1 : 0;
    this.left[k] = -1;
    this.right[k] = -1;
    this.value[k] = spec.value;
    const codes = spec.categories;
    this.categoryStart[k] = codes ? this.nCategoryCodes : -1;
    this.categoryCount[k] = codes ? codes.length : 0;
    if (codes) {
      if (this.nCategoryCodes + codes.length > this.categoryCodes.length) {
        this.categoryCodes = grow(this.categoryCodes, 2 * (this.nCategoryCodes + codes.length));
      }
      this.categoryCodes.set(codes, this.nCategoryCodes);
      this.nCategoryCodes += codes.length;
    }
    return k;
  }

  setChildren(node: number, left: number, right: number): void {
    this.left[node] = left;
    this.right[node] = right;
  }

  /** Drops every tree from `nTrees` on (early stopping keeps the trees up to the best iteration). */
  truncate(nTrees: number): void {
    if (nTrees >= this.nTrees) return;
    this.nNodes = this.roots[nTrees];
    this.nTrees = nTrees;
    // nodes append their codes in order: the kept codes end where the first dropped node's would start
    let codesEnd = 0;
    for (let k = 0; k < this.nNodes; k++) {
      if (this.categoryStart[k] >= 0) codesEnd = this.categoryStart[k] + this.categoryCount[k];
    }
    this.nCategoryCodes = codesEnd;
  }

  /**
   * Raw predictions for rows of X, row-major n × nOutputs, starting from `baseline` (one value per output).
   */
  predictRaw(X: Matrix, baseline: Float64Array): Float64Array {
    const K = this.nOutputs;
    const n = X.rows;
    const p = X.cols;
    const out = new Float64Array(n * K);
    const { roots, feature, threshold, missingGoLeft, left, right, value, nTrees } = this;
    const categories = this.categories;
    const data = X.data;
    for (let i = 0; i < n; i++) {
      const rowBase = i * p;
      const outBase = i * K;
      for (let k = 0; k < K; k++) out[outBase + k] = baseline[k];
      for (let t = 0; t < nTrees; t++) {
        let node = roots[t];
        while (left[node] >= 0) {
          const x = data[rowBase + feature[node]];
          node = goesLeft(threshold, missingGoLeft, categories, node, x) ? left[node] : right[node];
        }
        out[outBase + (t % K)] += value[node];
      }
    }
    return out;
  }

  /**
   * Adds the predictions of tree `t` for binned samples (column-major codes, nSamples rows) to
   * raw[offset + i]. `binValues[f]` reads a bin of a feature with categorical splits back as its category code.
   */
  addTreePredictionBinned(
    t: number,
    binned: Uint8Array,
    nSamples: number,
    missingBin: number,
    raw: Float64Array,
    offset: number,
    binValues: readonly (Float64Array | null)[],
  ): void {
    const { feature, binThreshold, missingGoLeft, left, right, value } = this;
    const categories = this.categories;
    const root = this.roots[t];
    for (let i = 0; i < nSamples; i++) {
      let node = root;
      while (left[node] >= 0) {
        const f = feature[node];
        const b = binned[f * nSamples + i];
        const goLeft =
          b === missingBin
            ? missingGoLeft[node] === 1
            : categories !== null && categories.start[node] >= 0
              ? listsCategory(categories, node, binValues[f]![b])
              : b <= binThreshold[node];
        node = goLeft ? left[node] : right[node];
      }
      raw[offset + i] += value[node];
    }
  }

  toJSON(): TreeEnsembleJSON {
    const n = this.nNodes;
    return {
      nOutputs: this.nOutputs,
      nNodes: n,
      roots: pack(this.roots.slice(0, this.nTrees)),
      feature: pack(this.feature.slice(0, n)),
      threshold: pack(this.threshold.slice(0, n)),
      binThreshold: pack(this.binThreshold.slice(0, n)),
      missingGoLeft: pack(this.missingGoLeft.slice(0, n)),
      left: pack(this.left.slice(0, n)),
      right: pack(this.right.slice(0, n)),
      value: pack(this.value.slice(0, n)),
      // written only when a node splits on categories, so models without any keep their earlier form
      ...(this.nCategoryCodes > 0
        ? {
            categoryStart: pack(this.categoryStart.slice(0, n)),
            categoryCount: pack(this.categoryCount.slice(0, n)),
            categoryCodes: pack(this.categoryCodes.slice(0, this.nCategoryCodes)),
          }
        : {}),
    };
  }

  /**
   * Reads and checks serialised trees (toJSON's output) of a model with `nFeatures` features and `nOutputs`
   * outputs: tree t holds nodes roots[t] to roots[t + 1] − 1 (the last one up to nNodes − 1), linked as
   * checkTreeLinks requires; leaves have left = right = −1 and a finite value.
   */
  static read(state: StateReader, nFeatures: number, nOutputs: number): TreeEnsemble {
    const e = new TreeEnsemble(state.integer('nOutputs', nOutputs, nOutputs));
    const n = state.integer('nNodes', 0);
    e.nNodes = n;
    e.roots = state.i32('roots', { min: 0, max: Math.max(0, n - 1), increasing: true });
    e.nTrees = e.roots.length;
    if (e.nTrees > 0 ? e.roots[0] !== 0 : n !== 0)
      state.fail(`${state.field('roots')} must start at node 0 and cover every node`);
    if (e.nTrees % nOutputs !== 0)
      state.fail(
        `${state.field('roots')} lists ${e.nTrees} trees, not a multiple of the ${nOutputs} outputs`,
      );
    e.feature = state.i32('feature', { length: n, min: -1, max: nFeatures - 1 });
    e.threshold = state.f64('threshold', { length: n, infinite: true, nan: true });
    e.binThreshold = state.u8('binThreshold', { length: n });
    e.missingGoLeft = state.u8('missingGoLeft', { length: n, max: 1 });
    e.left = state.i32('left', { length: n });
    e.right = state.i32('right', { length: n });
    e.value = state.f64('value', { length: n, nan: true, infinite: true });
    readCategorySplits(state, e, n);
    const isLeaf = (node: number) => e.left[node] < 0;
    for (let t = 0; t < e.nTrees; t++) {
      const start = e.roots[t];
      const end = t + 1 < e.nTrees ? e.roots[t + 1] : n;
      checkTreeLinks(state, t, start, end, e.left, e.right, isLeaf, e.threshold);
      for (let node = start; node < end; node++) {
        if (isLeaf(node)) {
          if (e.left[node] !== -1 || e.right[node] !== -1) {
            state.fail(
              `tree ${t} node ${node} is a leaf, so its children must be −1, not ${e.left[node]} and ${e.right[node]}`,
            );
          }
          checkLeafValue(state, t, node, e.value[node]);
        } else if (e.feature[node] < 0) {
          state.fail(`tree ${t} node ${node} has children but tests feature ${e.feature[node]}`);
        }
        if (isLeaf(node) && e.categoryStart[node] >= 0)
          state.fail(`tree ${t} node ${node} is a leaf but lists categories`);
      }
    }
    return e;
  }

  private reserve(capacity: number): void {
    this.feature = grow(this.feature, capacity);
    this.threshold = grow(this.threshold, capacity);
    this.binThreshold = grow(this.binThreshold, capacity);
    this.missingGoLeft = grow(this.missingGoLeft, capacity);
    this.left = grow(this.left, capacity);
    this.right = grow(this.right, capacity);
    this.value = grow(this.value, capacity);
    this.categoryStart = grow(this.categoryStart, capacity);
    this.categoryCount = grow(this.categoryCount, capacity);
  }
}

/**
 * Reads the categorical splits of serialised trees (absent in models without any, and in models saved before
 * categorical splits: every node tests a threshold): each categorical node's run of codes lies inside the pool
 * and ascends strictly.
 */
function readCategorySplits(state: StateReader, e: TreeEnsemble, n: number): void {
  if (!state.has('categoryStart')) {
    e.categoryStart = new Int32Array(n).fill(-1);
    e.categoryCount = new Int32Array(n);
    e.categoryCodes = new Float64Array(0);
    e.nCategoryCodes = 0;
    return;
  }
  e.categoryCodes = state.f64('categoryCodes');
  e.nCategoryCodes = e.categoryCodes.length;
  e.categoryStart = state.i32('categoryStart', {
    length: n,
    min: -1,
    max: Math.max(0, e.nCategoryCodes - 1),
  });
  e.categoryCount = state.i32('categoryCount', { length: n, min: 0 });
  for (let node = 0; node < n; node++) {
    const start = e.categoryStart[node];
    if (start < 0) continue;
    const count = e.categoryCount[node];
    if (count < 1 || start + count > e.nCategoryCodes) {
      state.fail(
        `node ${node} lists ${count} category codes from ${start}, outside the ${e.nCategoryCodes} codes saved`,
      );
    }
    for (let k = start + 1; k < start + count; k++) {
      if (!(e.categoryCodes[k] > e.categoryCodes[k - 1]))
        state.fail(`node ${node}'s category codes must ascend`);
    }
  }
}

function grow<T extends Int32Array | Float64Array | Uint8Array>(a: T, capacity: number): T {
  const out = new (a.constructor as { new (n: number): T })(capacity);
  out.set(a);
  return out;
}

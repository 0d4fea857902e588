/**
 * This module contains the fitted tree as flat typed arrays (one slot per node) with fast prediction on raw
 * feature rows, its compact JSON form, and the growable writer the tree grower fills.
 *
 * Node n tests `x[feature[n]] <= threshold[n]`: true goes to left[n], false to right[n]; a missing value
 * (NaN) goes left when missingLeft[n] is 1. Leaves have feature = -1 and left = their row in `value`
 * (nOutputs values per leaf: class frequencies, or the mean target).
 */
import type { Matrix } from '../../core/matrix.js';
import { pack, type PackedArray } from '../../core/serialize.js';
import { StateReader } from '../../core/untrusted.js';

export interface FlatTreeJSON {
  nOutputs: number;
  feature: PackedArray;
  threshold: PackedArray;
  left: PackedArray;
  right: PackedArray;
  missingLeft: PackedArray;
  value: PackedArray;
}

export class FlatTree {
  constructor(
    readonly feature: Int32Array,
    readonly threshold: Float64Array,
    readonly left: Int32Array,
    readonly right: Int32Array,
    readonly missingLeft: Uint8Array,
    readonly value: Float64Array,
    readonly nOutputs: number,
  ) {}

  get nodeCount(): number {
    return this.feature.length;
  }

  get leafCount(): number {
    return this.value.length / this.nOutputs;
  }

  /** Depth of the deepest leaf (a lone root leaf has depth 0). */
  depth(): number {
    let max = 0;
    const stack: number[] = [0, 0];
    while (stack.length > 0) {
      const d = stack.pop()!;
      const node = stack.pop()!;
      if (this.feature[node] < 0) {
        if (d > max) max = d;
      } else {
        stack.push(this.left[node], d + 1, this.right[node], d + 1);
      }
    }
    return max;
  }

  /** Row in `value` of the leaf that row i of X (row-major) falls into. */
  leafOf(X: Matrix, i: number): number {
    const { feature, threshold, left, right, missingLeft } = this;
    const data = X.data;
    const base = i * X.cols;
    let node = 0;
    let f = feature[0];
    while (f >= 0) {
      const v = data[base + f];
      node = v <= threshold[node] || (v !== v && missingLeft[node] === 1) ? left[node] : right[node];
      f = feature[node];
    }
    return left[node];
  }

  /** Adds this tree's leaf values for every row of X to `out` (rows × nOutputs, row-major). */
  addPredictions(X: Matrix, out: Float64Array): void {
    const k = this.nOutputs;
    const value = this.value;
    for (let i = 0; i < X.rows; i++) {
      const leaf = this.leafOf(X, i) * k;
      const o = i * k;
      for (let c = 0; c < k; c++) out[o + c] += value[leaf + c];
    }
  }

  toJSON(): FlatTreeJSON {
    return {
      nOutputs: this.nOutputs,
      feature: pack(this.feature),
      threshold: pack(this.threshold),
      left: pack(this.left),
      right: pack(this.right),
      missingLeft: pack(this.missingLeft),
      value: pack(this.value),
    };
  }

  /**
   * Reads a serialised tree, checking everything prediction relies on (see checkTreeLinks); `shape` gives
   * what the owning model expects: its number of features and outputs, and whether the leaf values are
   * class probabilities.
   */
  static fromJSON(json: FlatTreeJSON, shape: TreeShape = {}): FlatTree {
    return FlatTree.read(StateReader.of(json, 'a serialised tree', 'tree'), 0, shape);
  }

  /** Reads tree number `t` of a model's state (see fromJSON). */
  static read(state: StateReader, t: number, shape: TreeShape = {}): FlatTree {
    const k = state.integer('nOutputs', shape.nOutputs ?? 1, shape.nOutputs ?? 1024);
    const feature = state.i32('feature');
    const n = feature.length;
    if (n === 0) state.fail(`tree ${t} has no nodes`);
    const threshold = state.f64('threshold', { length: n, infinite: true, nan: true });
    const left = state.i32('left', { length: n });
    const right = state.i32('right', { length: n });
    const missingLeft = state.u8('missingLeft', { length: n, max: 1 });
    let leaves = 0;
    for (let node = 0; node < n; node++) {
      const f = feature[node];
      if (f === -1) leaves++;
      else if (f < 0 || (shape.nFeatures !== undefined && f >= shape.nFeatures)) {
        state.fail(
          `tree ${t} node ${node} tests feature ${f}, but the model has ${shape.nFeatures ?? 'no such'} features`,
        );
      }
    }
    const value = state.f64('value', { length: leaves * k, nan: true, infinite: true });
    for (let i = 0; i < value.length; i++)
      checkLeafValue(state, t, Math.floor(i / k), value[i], shape.probabilities);
    checkTreeLinks(state, t, 0, n, left, right, (node) => feature[node] < 0, threshold);
    // a leaf's `left` is its row in `value`: each row belongs to one leaf
    const rowUsed = new Uint8Array(leaves);
    for (let node = 0; node < n; node++) {
      if (feature[node] >= 0) continue;
      const row = left[node];
      if (row < 0 || row >= leaves || rowUsed[row]) {
        state.fail(
          `tree ${t} leaf node ${node} has value row ${row}, but each of the ${leaves} rows belongs to one leaf`,
        );
      }
      rowUsed[row] = 1;
    }
    return new FlatTree(feature, threshold, left, right, missingLeft, value, k);
  }
}

/** A leaf value must be finite, and a class probability in [0, 1]. */
export function checkLeafValue(
  state: StateReader,
  t: number,
  leaf: number,
  v: number,
  probability = false,
): void {
  if (!Number.isFinite(v)) state.fail(`tree ${t} leaf ${leaf} has value ${v}`);
  if (probability && !(v >= 0 && v <= 1))
    state.fail(`tree ${t} leaf ${leaf} has value ${v}, but a class probability is in [0, 1]`);
}

/** What a model expects of its trees. */
export interface TreeShape {
  nFeatures?: number;
  nOutputs?: number;
  /** Leaf values are class probabilities (in [0, 1]). */
  probabilities?: boolean;
}

/**
 * Checks the links of tree `t`, held in nodes [start, end) of flat arrays: every internal node's children
 * come after it and lie in the tree, and every node but the root is the child of exactly one node. So the
 * tree has no cycle and every node is reached exactly once: prediction always ends at a leaf. Thresholds
 * may be +Infinity (only missing values go right) but never NaN. Both tree builders number nodes this way
 * (a node is written before its children).
 */
export function checkTreeLinks(
  state: StateReader,
  t: number,
  start: number,
  end: number,
  left: Int32Array,
  right: Int32Array,
  isLeaf: (node: number) => boolean,
  threshold?: Float64Array,
): void {
  const parents = new Uint8Array(end - start);
  const size = start === 0 ? `the tree has only ${end} nodes` : `tree ${t} has nodes ${start} to ${end - 1}`;
  for (let node = start; node < end; node++) {
    if (isLeaf(node)) continue;
    if (threshold && Number.isNaN(threshold[node])) state.fail(`tree ${t} node ${node} has threshold NaN`);
    for (const [side, child] of [
      ['left', left[node]],
      ['right', right[node]],
    ] as const) {
      if (child <= node)
        state.fail(`tree ${t} node ${node} has ${side} child ${child}, which does not come after it`);
      if (child >= end) state.fail(`tree ${t} node ${node} has ${side} child ${child}, but ${size}`);
      if (parents[child - start]++ > 0)
        state.fail(`tree ${t} node ${child} is the child of more than one node`);
    }
  }
  for (let node = start + 1; node < end; node++) {
    if (parents[node - start] === 0) state.fail(`tree ${t} node ${node} is the child of no node`);
  }
}

/** Growable node arrays, filled by the grower and frozen into a FlatTree. */
export class FlatTreeWriter {
  private feature = new Int32Array(64);
  private threshold = new Float64Array(64);
  private left = new Int32Array(64);
  private right = new Int32Array(64);
  private missingLeft = new Uint8Array(64);
  private value: Float64Array;
  private nodes = 0;
  private leaves = 0;

  constructor(readonly nOutputs: number) {
    this.value = new Float64Array(64 * nOutputs);
  }

  /** Reserves a node slot and returns its id. */
  addNode(): number {
    if (this.nodes === this.feature.length) {
      const cap = this.nodes * 2;
      this.feature = grow(this.feature, cap);
      this.threshold = grow(this.threshold, cap);
      this.left = grow(this.left, cap);
      this.right = grow(this.right, cap);
      this.missingLeft = grow(this.missingLeft, cap);
    }
    return this.nodes++;
  }

  setSplit(
    node: number,
    feature: number,
    threshold: number,
    left: number,
    right: number,
    missingLeft: boolean,
  ): void {
    this.feature[node] = feature;
    this.threshold[node] = threshold;
    this.left[node] = left;
    this.right[node] = right;
    this.missingLeft[node] = missingLeft ? 1 : 0;
  }

  /** Makes `node` a leaf and returns the offset in the value array where its nOutputs values go. */
  setLeaf(node: number): number {
    const k = this.nOutputs;
    if ((this.leaves + 1) * k > this.value.length) this.value = grow(this.value, this.value.length * 2);
    this.feature[node] = -1;
    this.threshold[node] = 0;
    this.left[node] = this.leaves;
    this.right[node] = -1;
    this.missingLeft[node] = 0;
    return this.leaves++ * k;
  }

  /** The leaf value array, to write a leaf's values at the offset setLeaf returned. */
  get values(): Float64Array {
    return this.value;
  }

  finish(): FlatTree {
    const n = this.nodes;
    return new FlatTree(
      this.feature.slice(0, n),
      this.threshold.slice(0, n),
      this.left.slice(0, n),
      this.right.slice(0, n),
      this.missingLeft.slice(0, n),
      this.value.slice(0, this.leaves * this.nOutputs),
      this.nOutputs,
    );
  }
}

function grow<T extends Int32Array | Float64Array | Uint8Array>(a: T, capacity: number): T {
  const b = new (a.constructor as { new (n: number): T })(capacity);
  b.set(a);
  return b;
}

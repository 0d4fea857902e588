/**
 * This module contains the fitted tree as flat typed arrays (one slot per node) with fast prediction on raw
 * feature rows, its compact JSON form, and the growable writer the tree grower fills.
 *
 * Node n tests `x[feature[n]] <= threshold[n]`: true goes to left[n], false to right[n]; a missing value
 * (NaN) goes left when missingLeft[n] is 1. Leaves have feature = -1 and left = their row in `value`
 * (nOutputs values per leaf: class frequencies, or the mean target).
 */
import { ProtocolError } from '../../core/errors.js';
import type { Matrix } from '../../core/matrix.js';
import { pack, unpackF64, unpackI32, unpackU8, type PackedArray } from '../../core/serialize.js';

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

  static fromJSON(json: FlatTreeJSON): FlatTree {
    const tree = new FlatTree(
      unpackI32(json.feature),
      unpackF64(json.threshold),
      unpackI32(json.left),
      unpackI32(json.right),
      unpackU8(json.missingLeft),
      unpackF64(json.value),
      json.nOutputs,
    );
    const n = tree.nodeCount;
    if (
      !(tree.nOutputs >= 1) ||
      n === 0 ||
      tree.threshold.length !== n ||
      tree.left.length !== n ||
      tree.right.length !== n ||
      tree.missingLeft.length !== n ||
      tree.value.length % tree.nOutputs !== 0
    ) {
      throw new ProtocolError(
        'tree.bad_json',
        'a serialised tree is malformed (its node arrays differ in length).',
      );
    }
    return tree;
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

/**
 * This module contains the bin mapper shared by the tree learners: it learns up to `maxBins` bins per
 * feature from training data (midpoints between distinct values, or quantiles when there are more distinct
 * values than bins) and maps a matrix to small integer codes, column-major, with missing values (NaN) in a
 * bin of their own (`missingBin` = maxBins).
 */
import type { Matrix } from '../core/matrix.js';
import { Random } from '../core/random.js';
import { pack, unpackF64, type PackedArray } from '../core/serialize.js';

export interface BinMapperOptions {
  /** Bins for non-missing values, at most 255 (one more code is reserved for missing values). */
  maxBins?: number;
  /** Rows sampled to find quantiles on large data. */
  subsample?: number;
  seed?: number;
  /** Learn the bins from these rows only (e.g. the training part of a train/validation split); default all. */
  rows?: ArrayLike<number>;
}

export class BinMapper {
  readonly maxBins: number;
  /** Per feature: ascending cut points; value v goes to the first bin b with v <= cuts[b]. */
  cuts: Float64Array[] = [];

  constructor(maxBins = 255) {
    if (!(maxBins >= 2 && maxBins <= 255)) throw new RangeError('maxBins must be between 2 and 255');
    this.maxBins = maxBins;
  }

  /** Code used for missing values. */
  get missingBin(): number {
    return this.maxBins;
  }

  /** Number of non-missing bins actually used by feature j. */
  nBins(j: number): number {
    return this.cuts[j].length + 1;
  }

  fit(X: Matrix, { subsample = 200_000, seed = 0, rows: only }: BinMapperOptions = {}): this {
    const total = only ? only.length : X.rows;
    let rows: ArrayLike<number> | null = only ?? null;
    if (total > subsample) {
      const picked = new Random(seed).permutation(total).subarray(0, subsample);
      rows = only ? Int32Array.from(picked, (k) => only[k]) : picked;
    }
    const n = rows ? rows.length : X.rows;
    const values = new Float64Array(n);
    this.cuts = [];
    for (let j = 0; j < X.cols; j++) {
      let m = 0;
      for (let k = 0; k < n; k++) {
        const v = X.data[(rows ? rows[k] : k) * X.cols + j];
        if (!Number.isNaN(v)) values[m++] = v;
      }
      this.cuts.push(findCuts(values.subarray(0, m).sort(), this.maxBins));
    }
    return this;
  }

  /** Bin codes, column-major: feature j of row i at out[j * rows + i]. */
  transform(X: Matrix): Uint8Array {
    const out = new Uint8Array(X.rows * X.cols);
    for (let j = 0; j < X.cols; j++) {
      const cuts = this.cuts[j];
      const base = j * X.rows;
      for (let i = 0; i < X.rows; i++) {
        out[base + i] = this.binOf(cuts, X.data[i * X.cols + j]);
      }
    }
    return out;
  }

  /** Bin code of one value for feature cuts `cuts`. */
  binOf(cuts: Float64Array, v: number): number {
    if (Number.isNaN(v)) return this.maxBins;
    let lo = 0;
    let hi = cuts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (v <= cuts[mid]) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** The real-valued threshold equivalent to "bin <= b" for feature j. */
  threshold(j: number, b: number): number {
    const cuts = this.cuts[j];
    return b < cuts.length ? cuts[b] : Infinity;
  }

  toJSON(): { maxBins: number; cuts: PackedArray[] } {
    return { maxBins: this.maxBins, cuts: this.cuts.map(pack) };
  }

  static fromJSON(json: { maxBins: number; cuts: PackedArray[] }): BinMapper {
    const m = new BinMapper(json.maxBins);
    m.cuts = json.cuts.map(unpackF64);
    return m;
  }
}

/** Cut points for sorted, non-missing values: midpoints between distinct values, or quantiles. */
function findCuts(sorted: Float64Array, maxBins: number): Float64Array {
  const distinct: number[] = [];
  for (let k = 0; k < sorted.length; k++) {
    if (k === 0 || sorted[k] !== sorted[k - 1]) distinct.push(sorted[k]);
  }
  if (distinct.length <= maxBins) {
    const cuts = new Float64Array(Math.max(0, distinct.length - 1));
    for (let b = 0; b < cuts.length; b++) cuts[b] = (distinct[b] + distinct[b + 1]) / 2;
    return cuts;
  }
  // quantile b / maxBins by the "averaged inverted CDF" (scikit-learn's choice): the value at that rank, or
  // the midpoint of the two values around it when the rank falls exactly between them
  const cuts: number[] = [];
  const n = sorted.length;
  for (let b = 1; b < maxBins; b++) {
    const pos = (b * n) / maxBins;
    const j = Math.min(n - 1, Math.floor(pos));
    const cut = pos === j && j > 0 ? (sorted[j - 1] + sorted[j]) / 2 : sorted[j];
    if (cuts.length === 0 || cut > cuts[cuts.length - 1]) cuts.push(cut);
  }
  return Float64Array.from(cuts);
}

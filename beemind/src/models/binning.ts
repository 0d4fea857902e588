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
  /**
   * Per feature, after fit: the distinct training values in ascending order when each has a bin of its own
   * (bin b holds exactly values[b]), else null (quantile bins). Not saved: only training needs it, to read a
   * bin back as the category it stands for.
   */
  distinct: (Float64Array | null)[] = [];

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
    this.distinct = [];
    for (let j = 0; j < X.cols; j++) {
      let m = 0;
      for (let k = 0; k < n; k++) {
        const v = X.data[(rows ? rows[k] : k) * X.cols + j];
        if (v === v) values[m++] = v; // skips NaN
      }
      const { cuts, distinct } = findCuts(values.subarray(0, m).sort(), this.maxBins);
      this.cuts.push(cuts);
      this.distinct.push(distinct);
    }
    return this;
  }

  /** Bin codes, column-major: feature j of row i at out[j * rows + i]. */
  transform(X: Matrix): Uint8Array {
    const out = new Uint8Array(X.rows * X.cols);
    for (let j = 0; j < X.cols; j++) {
      binColumn(
        X.data,
        X.rows,
        X.cols,
        j,
        this.cuts[j],
        this.maxBins,
        out.subarray(j * X.rows, (j + 1) * X.rows),
      );
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

/**
 * Cut points for sorted, non-missing values: midpoints between distinct values (returned too), or quantiles
 * (distinct: null).
 */
function findCuts(
  sorted: Float64Array,
  maxBins: number,
): { cuts: Float64Array; distinct: Float64Array | null } {
  let nDistinct = 0;
  for (let k = 0; k < sorted.length && nDistinct <= maxBins; k++) {
    if (k === 0 || sorted[k] !== sorted[k - 1]) nDistinct++;
  }
  if (nDistinct <= maxBins) {
    const cuts = new Float64Array(Math.max(0, nDistinct - 1));
    const distinct = new Float64Array(nDistinct);
    if (nDistinct > 0) distinct[0] = sorted[0];
    let previous = sorted[0];
    let b = 0;
    for (let k = 1; k < sorted.length; k++) {
      if (sorted[k] !== previous) {
        cuts[b++] = (previous + sorted[k]) / 2;
        previous = sorted[k];
        distinct[b] = previous;
      }
    }
    return { cuts, distinct };
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
  return { cuts: Float64Array.from(cuts), distinct: null };
}

/**
 * Bins column j of row-major `data` into `out`. Equivalent to a binary search over all cuts per value, but a
 * uniform grid over the cut range first narrows the search to the few cuts in the value's grid cell.
 */
function binColumn(
  data: Float64Array,
  rows: number,
  cols: number,
  j: number,
  cuts: Float64Array,
  missingBin: number,
  out: Uint8Array,
): void {
  const L = cuts.length;
  if (L < 2) {
    for (let i = 0; i < rows; i++) {
      const v = data[i * cols + j];
      out[i] = v !== v ? missingBin : L === 1 && v > cuts[0] ? 1 : 0;
    }
    return;
  }
  const G = 4 * L;
  const lo = cuts[0];
  const scale = G / (cuts[L - 1] - lo);
  // first[g]: number of cuts in cells before g. Cells are monotone in the value, so a value in cell g has
  // every cut of an earlier cell below it and every cut of a later cell above it: its bin is in
  // [first[g], first[g + 1]].
  const first = new Int32Array(G + 1);
  for (let b = 0; b < L; b++) first[cellOf(cuts[b], lo, scale, G) + 1]++;
  for (let g = 0; g < G; g++) first[g + 1] += first[g];
  for (let i = 0; i < rows; i++) {
    const v = data[i * cols + j];
    if (v !== v) {
      out[i] = missingBin;
      continue;
    }
    const g = cellOf(v, lo, scale, G);
    let a = first[g];
    let z = first[g + 1];
    while (a < z) {
      const mid = (a + z) >>> 1;
      if (v <= cuts[mid]) z = mid;
      else a = mid + 1;
    }
    out[i] = a;
  }
}

function cellOf(v: number, lo: number, scale: number, G: number): number {
  const t = (v - lo) * scale;
  return t < 0 ? 0 : t >= G ? G - 1 : t | 0;
}

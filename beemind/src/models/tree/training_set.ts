/**
 * This module contains the binned training set the tree growers read: bin codes of every feature
 * (column-major, from the shared BinMapper), the smallest and largest training value in each bin (to place
 * thresholds between the actual values on either side of a split, as scikit-learn does), and the target.
 */
import type { Matrix } from '../../core/matrix.js';
import type { Task } from '../../core/task.js';
import { BinMapper } from '../binning.js';

export interface TrainingSet {
  readonly task: Task;
  readonly nRows: number;
  readonly nFeatures: number;
  /** Bin code of row i, feature f at codes[f * nRows + i]; missing values carry `missingBin`. */
  readonly codes: Uint8Array;
  /** Code of missing values; also the last histogram slot, so histograms have missingBin + 1 slots. */
  readonly missingBin: number;
  /** Smallest / largest training value in bin b of feature f, at [f * (missingBin + 1) + b]. */
  readonly binLow: Float64Array;
  readonly binHigh: Float64Array;
  /** Classification: class index per row (else empty). */
  readonly labels: Int32Array;
  /** Regression: target per row (else empty). */
  readonly targets: Float64Array;
  /** Values per leaf: number of classes, or 1 for regression. */
  readonly nOutputs: number;
}

/**
 * Bins X (up to 255 bins per feature, exact when a feature has at most 255 distinct values). With `shared`,
 * the arrays live in SharedArrayBuffers so worker threads can read them without a copy.
 */
export function buildTrainingSet(
  X: Matrix,
  y: Float64Array,
  task: Task,
  nClasses: number,
  { seed = 0, shared = false }: { seed?: number; shared?: boolean } = {},
): TrainingSet {
  const allocate = (bytes: number) => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  const { rows: n, cols: p } = X;
  const mapper = new BinMapper(255).fit(X, { seed });
  const codes = new Uint8Array(allocate(n * p));
  codes.set(mapper.transform(X));
  const slots = mapper.missingBin + 1;
  const binLow = new Float64Array(allocate(8 * p * slots)).fill(Infinity);
  const binHigh = new Float64Array(allocate(8 * p * slots)).fill(-Infinity);
  for (let f = 0; f < p; f++) {
    const off = f * slots;
    const col = f * n;
    for (let i = 0; i < n; i++) {
      const v = X.data[i * p + f];
      const s = off + codes[col + i];
      if (v < binLow[s]) binLow[s] = v;
      if (v > binHigh[s]) binHigh[s] = v;
    }
    // bins no training value fell into (rare with quantile cuts) take their upper cut so both stay ascending
    const nb = mapper.nBins(f);
    for (let b = 0; b < nb; b++) {
      if (binLow[off + b] === Infinity) {
        const c = b < nb - 1 ? mapper.threshold(f, b) : b > 0 ? binHigh[off + b - 1] : 0;
        binLow[off + b] = c;
        binHigh[off + b] = c;
      }
    }
  }
  let labels: Int32Array = new Int32Array(0);
  let targets: Float64Array = new Float64Array(0);
  if (task === 'classification') {
    labels = new Int32Array(allocate(4 * n));
    for (let i = 0; i < n; i++) labels[i] = y[i];
  } else {
    targets = new Float64Array(allocate(8 * n));
    targets.set(y);
  }
  return {
    task,
    nRows: n,
    nFeatures: p,
    codes,
    missingBin: mapper.missingBin,
    binLow,
    binHigh,
    labels,
    targets,
    nOutputs: task === 'classification' ? nClasses : 1,
  };
}

/**
 * The rows of the tree being grown, one slot per distinct row. A node owns the slots [start, end); the
 * arrays stay aligned as slots move, so per-node scans read them sequentially.
 */
export interface NodeSamples {
  /** Training row of each slot. */
  readonly idx: Int32Array;
  /** Classification: class of each slot. */
  readonly label: Int32Array;
  /** Regression: target of each slot. */
  readonly target: Float64Array;
  /** Weight of each slot (bootstrap count, else 1). */
  readonly weight: Float64Array;
}

/**
 * This module contains the histogram kernels of the exhaustive split search: one pass over a node's rows
 * fills the histograms (row count and criterion statistics per bin) of up to four features at once, or, for
 * small nodes, gathers their codes.
 * Gathering several features' codes per row overlaps their memory accesses, about three times faster than
 * one pass per feature.
 *
 * Histogram j of a batch occupies count[j * slots + b] and stats[(j * slots + b) * nStats + c].
 */
import type { NodeSamples } from './training_set.js';

/** Where the batch's code columns start: column offset (feature × rows) of each of the 1–4 features. */
export interface Batch {
  size: number;
  col0: number;
  col1: number;
  col2: number;
  col3: number;
}

/** Classification: stats are per-class weights (nStats = number of classes). */
export function fillClassHistograms(
  codes: Uint8Array,
  batch: Batch,
  samples: NodeSamples,
  start: number,
  end: number,
  slots: number,
  m: number,
  count: Int32Array,
  stats: Float64Array,
): void {
  const { idx, label, weight } = samples;
  const { col0, col1, col2, col3 } = batch;
  const o1 = slots;
  const o2 = 2 * slots;
  const o3 = 3 * slots;
  switch (batch.size) {
    case 4:
      for (let s = start; s < end; s++) {
        const i = idx[s];
        const c = label[s];
        const w = weight[s];
        const b0 = codes[col0 + i];
        const b1 = o1 + codes[col1 + i];
        const b2 = o2 + codes[col2 + i];
        const b3 = o3 + codes[col3 + i];
        count[b0]++;
        count[b1]++;
        count[b2]++;
        count[b3]++;
        stats[b0 * m + c] += w;
        stats[b1 * m + c] += w;
        stats[b2 * m + c] += w;
        stats[b3 * m + c] += w;
      }
      return;
    case 3:
      for (let s = start; s < end; s++) {
        const i = idx[s];
        const c = label[s];
        const w = weight[s];
        const b0 = codes[col0 + i];
        const b1 = o1 + codes[col1 + i];
        const b2 = o2 + codes[col2 + i];
        count[b0]++;
        count[b1]++;
        count[b2]++;
        stats[b0 * m + c] += w;
        stats[b1 * m + c] += w;
        stats[b2 * m + c] += w;
      }
      return;
    case 2:
      for (let s = start; s < end; s++) {
        const i = idx[s];
        const c = label[s];
        const w = weight[s];
        const b0 = codes[col0 + i];
        const b1 = o1 + codes[col1 + i];
        count[b0]++;
        count[b1]++;
        stats[b0 * m + c] += w;
        stats[b1 * m + c] += w;
      }
      return;
    default:
      for (let s = start; s < end; s++) {
        const b0 = codes[col0 + idx[s]];
        count[b0]++;
        stats[b0 * m + label[s]] += weight[s];
      }
  }
}

/** Regression: stats are [weight, weighted target sum] (nStats = 2). */
export function fillRegressionHistograms(
  codes: Uint8Array,
  batch: Batch,
  samples: NodeSamples,
  start: number,
  end: number,
  slots: number,
  count: Int32Array,
  stats: Float64Array,
): void {
  const { idx, target, weight } = samples;
  const { col0, col1, col2, col3 } = batch;
  const o1 = slots;
  const o2 = 2 * slots;
  const o3 = 3 * slots;
  switch (batch.size) {
    case 4:
      for (let s = start; s < end; s++) {
        const i = idx[s];
        const w = weight[s];
        const wy = w * target[s];
        const b0 = codes[col0 + i];
        const b1 = o1 + codes[col1 + i];
        const b2 = o2 + codes[col2 + i];
        const b3 = o3 + codes[col3 + i];
        count[b0]++;
        count[b1]++;
        count[b2]++;
        count[b3]++;
        stats[2 * b0] += w;
        stats[2 * b0 + 1] += wy;
        stats[2 * b1] += w;
        stats[2 * b1 + 1] += wy;
        stats[2 * b2] += w;
        stats[2 * b2 + 1] += wy;
        stats[2 * b3] += w;
        stats[2 * b3 + 1] += wy;
      }
      return;
    case 3:
      for (let s = start; s < end; s++) {
        const i = idx[s];
        const w = weight[s];
        const wy = w * target[s];
        const b0 = codes[col0 + i];
        const b1 = o1 + codes[col1 + i];
        const b2 = o2 + codes[col2 + i];
        count[b0]++;
        count[b1]++;
        count[b2]++;
        stats[2 * b0] += w;
        stats[2 * b0 + 1] += wy;
        stats[2 * b1] += w;
        stats[2 * b1 + 1] += wy;
        stats[2 * b2] += w;
        stats[2 * b2 + 1] += wy;
      }
      return;
    case 2:
      for (let s = start; s < end; s++) {
        const i = idx[s];
        const w = weight[s];
        const wy = w * target[s];
        const b0 = codes[col0 + i];
        const b1 = o1 + codes[col1 + i];
        count[b0]++;
        count[b1]++;
        stats[2 * b0] += w;
        stats[2 * b0 + 1] += wy;
        stats[2 * b1] += w;
        stats[2 * b1 + 1] += wy;
      }
      return;
    default:
      for (let s = start; s < end; s++) {
        const b0 = codes[col0 + idx[s]];
        const w = weight[s];
        count[b0]++;
        stats[2 * b0] += w;
        stats[2 * b0 + 1] += w * target[s];
      }
  }
}

/** Copies the codes of the node's rows for the batch's features: feature j's at out[j * stride + position]. */
export function gatherCodes(
  codes: Uint8Array,
  batch: Batch,
  idx: Int32Array,
  start: number,
  end: number,
  out: Uint8Array,
  stride: number,
): void {
  const { col0, col1, col2, col3 } = batch;
  const size = batch.size;
  for (let s = start, j = 0; s < end; s++, j++) {
    const i = idx[s];
    out[j] = codes[col0 + i];
    if (size > 1) out[stride + j] = codes[col1 + i];
    if (size > 2) out[2 * stride + j] = codes[col2 + i];
    if (size > 3) out[3 * stride + j] = codes[col3 + i];
  }
}

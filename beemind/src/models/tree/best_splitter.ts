/**
 * This module contains the exhaustive split search of decision trees and random forests: per feature, a
 * histogram of the node's rows over the feature's bins (row count and criterion statistics per bin), then
 * one sweep over the bins that scores every boundary between two occupied bins, with missing values tried
 * on either side.
 */
import type { Random } from '../../core/random.js';
import type { Criterion } from './criterion.js';
import { Splitter, type NodeSamples, type SplitterOptions } from './splitter.js';
import type { TrainingSet } from './training_set.js';

export class BestSplitter extends Splitter {
  /** Rows per bin. */
  private readonly count: Int32Array;
  /** Criterion statistics per bin, nStats per slot. */
  private readonly hist: Float64Array;
  private readonly left: Float64Array;

  constructor(data: TrainingSet, samples: NodeSamples, criterion: Criterion, options: SplitterOptions) {
    super(data, samples, criterion, options);
    this.count = new Int32Array(this.slots);
    this.hist = new Float64Array(this.slots * criterion.nStats);
    this.left = new Float64Array(criterion.nStats);
  }

  protected evaluate(f: number, start: number, end: number, total: Float64Array): boolean {
    const { count, hist, criterion } = this;
    const m = criterion.nStats;
    const mb = this.missingBin;
    const codes = this.data.codes;
    const col = f * this.data.nRows;
    const { idx, weight } = this.samples;

    // histogram, tracking the occupied range
    let lo = mb;
    let hi = 0;
    if (this.classification) {
      const label = this.samples.label;
      for (let s = start; s < end; s++) {
        const b = codes[col + idx[s]];
        count[b]++;
        hist[b * m + label[s]] += weight[s];
        if (b < lo) lo = b;
        if (b > hi) hi = b;
      }
    } else {
      const target = this.samples.target;
      for (let s = start; s < end; s++) {
        const b = codes[col + idx[s]];
        const w = weight[s];
        count[b]++;
        hist[2 * b] += w;
        hist[2 * b + 1] += w * target[s];
        if (b < lo) lo = b;
        if (b > hi) hi = b;
      }
    }
    const nMissing = count[mb];
    if (nMissing > 0) {
      // the missing slot is the top one: find the largest occupied value bin below it
      hi = mb - 1;
      while (hi >= lo && count[hi] === 0) hi--;
    }
    const n = end - start;
    const constant = hi <= lo && (nMissing === 0 || nMissing === n);
    if (!constant) this.sweep(f, lo, hi, n, nMissing, total);

    // clear only what was touched
    if (lo <= hi) {
      count.fill(0, lo, hi + 1);
      hist.fill(0, lo * m, (hi + 1) * m);
    }
    if (nMissing > 0) {
      count[mb] = 0;
      hist.fill(0, mb * m, (mb + 1) * m);
    }
    return !constant;
  }

  /** Scores every boundary between occupied bins lo..hi, missing values right and (if any) left. */
  private sweep(f: number, lo: number, hi: number, n: number, nMissing: number, total: Float64Array): void {
    const { count, hist, left, criterion, best } = this;
    const m = criterion.nStats;
    const mb = this.missingBin;
    const minLeaf = this.options.minSamplesLeaf;
    const directions = nMissing > 0 ? 2 : 1;
    for (let dir = 0; dir < directions; dir++) {
      const missingLeft = dir === 1;
      let nLeft = 0;
      if (missingLeft) {
        for (let c = 0; c < m; c++) left[c] = hist[mb * m + c];
        nLeft = nMissing;
      } else {
        left.fill(0);
      }
      let prev = -1;
      for (let b = lo; b <= hi; b++) {
        const cb = count[b];
        if (cb === 0) continue;
        if (prev >= 0 && nLeft >= minLeaf) {
          if (n - nLeft < minLeaf) break;
          const cost = criterion.splitCost(left, total);
          if (cost < best.cost) {
            // with no missing rows here, unseen missing values will follow the larger child
            best.record(f, prev, b, missingLeft || (nMissing === 0 && 2 * nLeft >= n), cost, nLeft);
            best.threshold = this.midpoint(f, prev, b);
          }
        }
        for (let c = 0; c < m; c++) left[c] += hist[b * m + c];
        nLeft += cb;
        prev = b;
      }
      // all values left, missing values right
      if (!missingLeft && nMissing > 0 && n - nMissing >= minLeaf && nMissing >= minLeaf) {
        const cost = criterion.splitCost(left, total);
        if (cost < best.cost) {
          best.record(f, prev, -1, false, cost, n - nMissing);
          best.threshold = Infinity;
        }
      }
    }
  }
}

/**
 * This module contains the split search of extremely randomised trees: per feature, one threshold drawn
 * uniformly between the node's smallest and largest value (scikit-learn's ExtraTree rule), scored with
 * missing values on either side; the best of the drawn features wins.
 */
import type { Random } from '../../core/random.js';
import type { Criterion } from './criterion.js';
import { Splitter, type NodeSamples, type SplitterOptions } from './splitter.js';
import type { TrainingSet } from './training_set.js';

export class RandomSplitter extends Splitter {
  private readonly left: Float64Array;
  private readonly missing: Float64Array;

  constructor(data: TrainingSet, samples: NodeSamples, criterion: Criterion, options: SplitterOptions) {
    super(data, samples, criterion, options);
    this.left = new Float64Array(criterion.nStats);
    this.missing = new Float64Array(criterion.nStats);
  }

  protected evaluate(f: number, start: number, end: number, total: Float64Array, rng: Random): boolean {
    const mb = this.missingBin;
    const codes = this.data.codes;
    const col = f * this.data.nRows;
    const idx = this.samples.idx;

    // pass 1: the node's range of occupied value bins
    let lo = mb;
    let hi = -1;
    for (let s = start; s < end; s++) {
      const b = codes[col + idx[s]];
      if (b === mb) continue;
      if (b < lo) lo = b;
      if (b > hi) hi = b;
    }
    if (hi <= lo) return false; // constant (or all missing)

    // draw the threshold between the smallest and largest value; `cut` is the last bin at or below it
    const off = f * this.slots;
    const binLow = this.data.binLow;
    const t = binLow[off + lo] + rng.float() * (binLow[off + hi] - binLow[off + lo]);
    let a = lo;
    let z = hi - 1;
    while (a < z) {
      const mid = (a + z + 1) >>> 1;
      if (binLow[off + mid] <= t) a = mid;
      else z = mid - 1;
    }
    const cut = a;

    // pass 2: statistics of the rows at or below the cut, and of the missing rows
    const { left, missing, criterion, best } = this;
    const m = criterion.nStats;
    left.fill(0);
    missing.fill(0);
    let nLeft = 0;
    let nMissing = 0;
    let binLeft = lo;
    let binRight = hi;
    const weight = this.samples.weight;
    if (this.classification) {
      const label = this.samples.label;
      for (let s = start; s < end; s++) {
        const b = codes[col + idx[s]];
        if (b === mb) {
          missing[label[s]] += weight[s];
          nMissing++;
        } else if (b <= cut) {
          left[label[s]] += weight[s];
          nLeft++;
          if (b > binLeft) binLeft = b;
        } else if (b < binRight) {
          binRight = b;
        }
      }
    } else {
      const target = this.samples.target;
      for (let s = start; s < end; s++) {
        const b = codes[col + idx[s]];
        const w = weight[s];
        if (b === mb) {
          missing[0] += w;
          missing[1] += w * target[s];
          nMissing++;
        } else if (b <= cut) {
          left[0] += w;
          left[1] += w * target[s];
          nLeft++;
          if (b > binLeft) binLeft = b;
        } else if (b < binRight) {
          binRight = b;
        }
      }
    }

    const n = end - start;
    const minLeaf = this.options.minSamplesLeaf;
    const slotLeft = off + binLeft;
    // keep the drawn value as threshold when it separates the two sides' training values exactly
    const threshold =
      this.data.binHigh[slotLeft] <= t && t < binLow[off + binRight] ? t : this.midpoint(f, binLeft, binRight);
    for (let dir = 0; dir < (nMissing > 0 ? 2 : 1); dir++) {
      const missingLeft = dir === 1;
      if (missingLeft) for (let c = 0; c < m; c++) left[c] += missing[c];
      const nl = missingLeft ? nLeft + nMissing : nLeft;
      if (nl < minLeaf || n - nl < minLeaf) continue;
      const cost = criterion.splitCost(left, total);
      if (cost < best.cost) {
        // with no missing rows here, unseen missing values will follow the larger child
        best.record(f, binLeft, binRight, missingLeft || (nMissing === 0 && 2 * nl >= n), cost, nl);
        best.threshold = threshold;
      }
    }
    return true;
  }
}

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

  constructor(data: TrainingSet, samples: NodeSamples, criterion: Criterion, options: SplitterOptions) {
    super(data, samples, criterion, options);
    this.left = new Float64Array(criterion.nStats);
  }

  protected score(f: number, occupied: number, n: number, total: Float64Array, rng: Random): boolean {
    const nMissing = this.nMissing;
    if (occupied === 0 || (occupied === 1 && nMissing === 0)) return false;
    const { entryBin, entryCount, entryStats, missingStats, left, criterion, best } = this;
    const m = criterion.nStats;
    const off = f * this.slots;
    const { binLow, binHigh } = this.data;

    // rows at or below a threshold drawn between the smallest and largest value go left; with a single
    // occupied bin the only split separates the values from the missing ones
    let last = occupied - 1;
    let threshold = Infinity;
    let binRight = -1;
    left.fill(0);
    let nLeft = 0;
    if (occupied > 1) {
      const lo = binLow[off + entryBin[0]];
      const t = lo + rng.float() * (binLow[off + entryBin[occupied - 1]] - lo);
      last = 0;
      while (last < occupied - 2 && binLow[off + entryBin[last + 1]] <= t) last++;
      binRight = entryBin[last + 1];
      // keep the drawn value when it separates the two sides' training values exactly
      threshold =
        binHigh[off + entryBin[last]] <= t && t < binLow[off + binRight]
          ? t
          : this.midpoint(f, entryBin[last], binRight);
    }
    for (let e = 0; e <= last; e++) {
      for (let j = 0; j < m; j++) left[j] += entryStats[e * m + j];
      nLeft += entryCount[e];
    }

    const minLeaf = this.options.minSamplesLeaf;
    for (let dir = 0; dir < (nMissing > 0 ? 2 : 1); dir++) {
      const missingLeft = dir === 1;
      if (missingLeft) {
        if (binRight < 0) break; // missing left of "everything left" is the same split mirrored
        for (let j = 0; j < m; j++) left[j] += missingStats[j];
      }
      const nl = missingLeft ? nLeft + nMissing : nLeft;
      if (nl < minLeaf || n - nl < minLeaf) continue;
      const cost = criterion.splitCost(left, total);
      if (cost < best.cost) {
        // with no missing rows here, unseen missing values will follow the larger child
        best.record(f, entryBin[last], binRight, missingLeft || (nMissing === 0 && 2 * nl >= n), cost, nl);
        best.threshold = threshold;
      }
    }
    return true;
  }
}

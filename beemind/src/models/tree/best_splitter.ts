/**
 * This module contains the exhaustive split search of decision trees and random forests: one sweep over a
 * feature's occupied bins scores every boundary between neighbouring bins, with missing values tried on
 * either side, plus the split of all values from the missing ones.
 */
import type { Criterion } from './criterion.js';
import { Splitter, type NodeSamples, type SplitterOptions } from './splitter.js';
import type { TrainingSet } from './training_set.js';

export class BestSplitter extends Splitter {
  private readonly left: Float64Array;

  constructor(data: TrainingSet, samples: NodeSamples, criterion: Criterion, options: SplitterOptions) {
    super(data, samples, criterion, options);
    this.left = new Float64Array(criterion.nStats);
  }

  protected score(f: number, occupied: number, n: number, total: Float64Array): boolean {
    const nMissing = this.nMissing;
    if (occupied === 0 || (occupied === 1 && nMissing === 0)) return false;
    const { entryBin, entryCount, entryStats, missingStats, left, criterion, best } = this;
    const m = criterion.nStats;
    const minLeaf = this.options.minSamplesLeaf;
    for (let dir = 0; dir < (nMissing > 0 ? 2 : 1); dir++) {
      const missingLeft = dir === 1;
      let nLeft = 0;
      if (missingLeft) {
        left.set(missingStats);
        nLeft = nMissing;
      } else {
        left.fill(0);
      }
      for (let e = 0; e < occupied; e++) {
        if (e > 0 && nLeft >= minLeaf) {
          if (n - nLeft < minLeaf) break;
          const cost = criterion.splitCost(left, total);
          if (cost < best.cost) {
            // with no missing rows here, unseen missing values will follow the larger child
            best.record(
              f,
              entryBin[e - 1],
              entryBin[e],
              missingLeft || (nMissing === 0 && 2 * nLeft >= n),
              cost,
              nLeft,
            );
            best.threshold = this.midpoint(f, entryBin[e - 1], entryBin[e]);
          }
        }
        for (let j = 0; j < m; j++) left[j] += entryStats[e * m + j];
        nLeft += entryCount[e];
      }
      // every value left, the missing ones right
      if (!missingLeft && nMissing > 0 && n - nMissing >= minLeaf && nMissing >= minLeaf) {
        const cost = criterion.splitCost(left, total);
        if (cost < best.cost) {
          best.record(f, entryBin[occupied - 1], -1, false, cost, n - nMissing);
          best.threshold = Infinity;
        }
      }
    }
    return true;
  }
}

/**
 * This module contains what every split search shares: the per-node sample arrays, the split result, the
 * random feature order (features are visited until `maxFeatures` non-constant ones were evaluated, like
 * scikit-learn), thresholds placed between the actual training values on either side, and the in-place
 * partition of a node's samples once a split is chosen.
 */
import type { Random } from '../../core/random.js';
import type { Criterion } from './criterion.js';
import type { TrainingSet } from './training_set.js';

/**
 * The rows of the tree being grown, one slot per distinct row. A node owns the slots [start, end); the
 * arrays stay aligned as slots are swapped, so per-node scans read them sequentially.
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

/** The best split found for a node. Split rows go left when code <= binLeft, or when missing and missingLeft. */
export class SplitResult {
  found = false;
  feature = -1;
  /** Largest bin sent left. */
  binLeft = 0;
  /** Smallest non-missing bin sent right; -1 when all non-missing values go left. */
  binRight = -1;
  missingLeft = false;
  threshold = 0;
  /** cost(left) + cost(right) of the criterion. */
  cost = Infinity;
  /** Rows (slots) sent left. */
  nLeft = 0;

  reset(): void {
    this.found = false;
    this.feature = -1;
    this.cost = Infinity;
  }

  record(feature: number, binLeft: number, binRight: number, missingLeft: boolean, cost: number, nLeft: number): void {
    this.found = true;
    this.feature = feature;
    this.binLeft = binLeft;
    this.binRight = binRight;
    this.missingLeft = missingLeft;
    this.cost = cost;
    this.nLeft = nLeft;
  }
}

export interface SplitterOptions {
  /** Non-constant features to evaluate per node. */
  maxFeatures: number;
  minSamplesLeaf: number;
}

export abstract class Splitter {
  readonly best = new SplitResult();
  protected readonly slots: number;
  protected readonly missingBin: number;
  protected readonly classification: boolean;
  private readonly order: Int32Array;

  constructor(
    protected readonly data: TrainingSet,
    protected readonly samples: NodeSamples,
    protected readonly criterion: Criterion,
    protected readonly options: SplitterOptions,
  ) {
    this.missingBin = data.missingBin;
    this.slots = data.missingBin + 1;
    this.classification = data.task === 'classification';
    this.order = new Int32Array(data.nFeatures);
    for (let f = 0; f < data.nFeatures; f++) this.order[f] = f;
  }

  /**
   * Searches the node's slots [start, end) holding `n` rows with summary statistics `total`; the result is
   * in `this.best` (found = false when no valid split exists).
   */
  findSplit(start: number, end: number, total: Float64Array, rng: Random): SplitResult {
    const best = this.best;
    best.reset();
    const order = this.order;
    const p = order.length;
    let evaluated = 0;
    // partial Fisher–Yates: draw features without replacement until enough non-constant ones were seen
    for (let j = 0; j < p && evaluated < this.options.maxFeatures; j++) {
      const r = j + rng.int(p - j);
      const f = order[r];
      order[r] = order[j];
      order[j] = f;
      if (this.evaluate(f, start, end, total, rng)) evaluated++;
    }
    return best;
  }

  /** Evaluates feature f for the node, updating `this.best`; false when f is constant in the node. */
  protected abstract evaluate(f: number, start: number, end: number, total: Float64Array, rng: Random): boolean;

  /** A threshold between the largest value sent left and the smallest sent right (their midpoint). */
  protected midpoint(f: number, binLeft: number, binRight: number): number {
    if (binRight < 0) return Infinity;
    const lo = this.data.binHigh[f * this.slots + binLeft];
    const hi = this.data.binLow[f * this.slots + binRight];
    const t = (lo + hi) / 2;
    return t < hi ? t : lo; // adjacent floats: the midpoint may round up to hi
  }

  /** Reorders slots [start, end) so the rows going left by `this.best` come first; returns the first right slot. */
  partition(start: number, end: number): number {
    const { feature, binLeft, missingLeft } = this.best;
    const codes = this.data.codes;
    const col = feature * this.data.nRows;
    const mb = this.missingBin;
    const { idx, label, target, weight } = this.samples;
    const cls = this.classification;
    let i = start;
    let j = end - 1;
    for (;;) {
      while (i <= j) {
        const b = codes[col + idx[i]];
        if (b <= binLeft || (b === mb && missingLeft)) i++;
        else break;
      }
      while (i <= j) {
        const b = codes[col + idx[j]];
        if (b <= binLeft || (b === mb && missingLeft)) break;
        j--;
      }
      if (i >= j) break;
      const ti = idx[i];
      idx[i] = idx[j];
      idx[j] = ti;
      const tw = weight[i];
      weight[i] = weight[j];
      weight[j] = tw;
      if (cls) {
        const tl = label[i];
        label[i] = label[j];
        label[j] = tl;
      } else {
        const tt = target[i];
        target[i] = target[j];
        target[j] = tt;
      }
      i++;
      j--;
    }
    return i;
  }
}

/**
 * This module contains what every split search shares: the per-node sample arrays, the split result, the
 * random feature draws (scikit-learn's rule, including skipping features known constant), the summary of a node's rows over one feature as its occupied bins in ascending order (each
 * with its row count and criterion statistics — through 256-slot histograms filled four features at a time
 * for large nodes, by sorting the few codes of small ones), thresholds placed between the actual training
 * values on either side of a split, and the partition of a node's samples once a split is chosen.
 * Subclasses decide which boundaries between occupied bins to score.
 */
import type { Random } from '../../core/random.js';
import type { Criterion } from './criterion.js';
import { fillClassHistograms, fillRegressionHistograms, gatherCodes, type Batch } from './histogram.js';
import type { NodeSamples, TrainingSet } from './training_set.js';

export type { NodeSamples };

/** The best split found for a node. Rows go left when code <= binLeft, or when missing and missingLeft. */
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

  record(
    feature: number,
    binLeft: number,
    binRight: number,
    missingLeft: boolean,
    cost: number,
    nLeft: number,
  ): void {
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

/** Nodes with at most this many rows sort their codes instead of filling histograms. */
const SMALL_NODE = 32;

export abstract class Splitter {
  readonly best = new SplitResult();
  protected readonly slots: number;
  protected readonly missingBin: number;
  protected readonly classification: boolean;

  /** The occupied bins of the feature being scored, ascending: bin, rows, statistics (nStats each). */
  protected readonly entryBin: Int32Array;
  protected readonly entryCount: Int32Array;
  protected readonly entryStats: Float64Array;
  /** Rows with a missing value in the feature being scored, and their statistics. */
  protected nMissing = 0;
  protected readonly missingStats: Float64Array;

  /** All features, the drawn ones first (a partial Fisher–Yates shuffle per node). */
  private readonly order: Int32Array;
  /** Drawn features to evaluate. */
  private readonly pending: Int32Array;
  /** Features known constant in the current node, set by an ancestor; marks are a stack with their depths. */
  private readonly knownConstant: Uint8Array;
  private readonly marks: Int32Array;
  private readonly markDepth: Int32Array;
  private nMarks = 0;
  /** Histograms of a batch of up to four features; all zero between uses. */
  private readonly binCount: Int32Array;
  private readonly binStats: Float64Array;
  private readonly batch: Batch = { size: 0, col0: 0, col1: 0, col2: 0, col3: 0 };
  /** Codes of a small node's rows for the batch's features, SMALL_NODE per feature, and their sort keys. */
  private readonly smallCodes = new Uint8Array(4 * SMALL_NODE);
  private readonly keys = new Int32Array(SMALL_NODE);
  /** Holds the right-going slots during a partition. */
  private readonly scratch: NodeSamples;

  constructor(
    protected readonly data: TrainingSet,
    protected readonly samples: NodeSamples,
    protected readonly criterion: Criterion,
    protected readonly options: SplitterOptions,
  ) {
    this.missingBin = data.missingBin;
    this.slots = data.missingBin + 1;
    this.classification = data.task === 'classification';
    const m = criterion.nStats;
    this.entryBin = new Int32Array(this.slots);
    this.entryCount = new Int32Array(this.slots);
    this.entryStats = new Float64Array(this.slots * m);
    this.missingStats = new Float64Array(m);
    this.binCount = new Int32Array(4 * this.slots);
    this.binStats = new Float64Array(4 * this.slots * m);
    const n = data.nRows;
    this.scratch = {
      idx: new Int32Array(n),
      label: new Int32Array(this.classification ? n : 0),
      target: new Float64Array(this.classification ? 0 : n),
      weight: new Float64Array(n),
    };
    const p = data.nFeatures;
    this.order = new Int32Array(p);
    this.pending = new Int32Array(p);
    this.knownConstant = new Uint8Array(p);
    this.marks = new Int32Array(p);
    this.markDepth = new Int32Array(p);
    this.resetTree();
  }

  /** Starts a new tree: feature order and known constants are reset, so a tree depends only on its own seed. */
  resetTree(): void {
    for (let f = 0; f < this.order.length; f++) this.order[f] = f;
    this.knownConstant.fill(0);
    this.nMarks = 0;
  }

  /**
   * Searches the node at `depth` owning slots [start, end) with summary statistics `total`; the result is in
   * `this.best` (found = false when no valid split exists).
   *
   * Like scikit-learn, features are drawn without replacement until `maxFeatures` were visited and at least
   * one of them was not constant in the node; a feature constant in a node is constant in its descendants,
   * which skip it without looking (it still counts as visited).
   */
  findSplit(start: number, end: number, depth: number, total: Float64Array, rng: Random): SplitResult {
    this.best.reset();
    this.forgetConstantsBelow(depth);
    const { order, pending, knownConstant } = this;
    const p = order.length;
    const maxFeatures = this.options.maxFeatures;
    let visited = 0;
    let useful = 0;
    let drawn = 0;
    while (drawn < p && (visited < maxFeatures || useful === 0)) {
      // draw as many as still needed (partial Fisher–Yates), then evaluate the ones not known constant together
      const batch = Math.min(Math.max(1, maxFeatures - visited), p - drawn);
      let nPending = 0;
      for (let j = drawn; j < drawn + batch; j++) {
        const r = j + rng.int(p - j);
        const f = order[r];
        order[r] = order[j];
        order[j] = f;
        if (knownConstant[f] === 0) pending[nPending++] = f;
      }
      drawn += batch;
      visited += batch;
      if (nPending > 0) useful += this.evaluate(pending, nPending, start, end, depth, total, rng);
    }
    return this.best;
  }

  /** Forgets the constants found in subtrees that are finished (marked at `depth` or deeper). */
  private forgetConstantsBelow(depth: number): void {
    while (this.nMarks > 0 && this.markDepth[this.nMarks - 1] >= depth) {
      this.knownConstant[this.marks[--this.nMarks]] = 0;
    }
  }

  private markConstant(f: number, depth: number): void {
    this.knownConstant[f] = 1;
    this.marks[this.nMarks] = f;
    this.markDepth[this.nMarks++] = depth;
  }

  /**
   * Scores feature f, whose occupied bins (`occupied` of them) and missing rows were just collected, updating
   * `this.best`; false when f is constant in the node.
   */
  protected abstract score(f: number, occupied: number, n: number, total: Float64Array, rng: Random): boolean;

  /**
   * Collects and scores features[0 .. count); returns how many were not constant in the node and marks the
   * constant ones.
   */
  private evaluate(
    features: Int32Array,
    count: number,
    start: number,
    end: number,
    depth: number,
    total: Float64Array,
    rng: Random,
  ): number {
    const n = end - start;
    const small = n <= SMALL_NODE;
    const { batch, data } = this;
    let useful = 0;
    for (let j = 0; j < count; j += 4) {
      batch.size = Math.min(4, count - j);
      batch.col0 = features[j] * data.nRows;
      batch.col1 = batch.size > 1 ? features[j + 1] * data.nRows : 0;
      batch.col2 = batch.size > 2 ? features[j + 2] * data.nRows : 0;
      batch.col3 = batch.size > 3 ? features[j + 3] * data.nRows : 0;
      if (small) {
        gatherCodes(data.codes, batch, this.samples.idx, start, end, this.smallCodes, SMALL_NODE);
      } else if (this.classification) {
        const m = this.criterion.nStats;
        fillClassHistograms(
          data.codes,
          batch,
          this.samples,
          start,
          end,
          this.slots,
          m,
          this.binCount,
          this.binStats,
        );
      } else {
        fillRegressionHistograms(
          data.codes,
          batch,
          this.samples,
          start,
          end,
          this.slots,
          this.binCount,
          this.binStats,
        );
      }
      for (let h = 0; h < batch.size; h++) {
        const f = features[j + h];
        const occupied = small ? this.collectSorted(h, start, end) : this.collectHistogram(h);
        if (this.score(f, occupied, n, total, rng)) useful++;
        else this.markConstant(f, depth);
      }
    }
    return useful;
  }

  /** Lists (and clears) the occupied bins of histogram h of the current batch. */
  private collectHistogram(h: number): number {
    const { binCount, binStats, entryBin, entryCount, entryStats, missingStats } = this;
    const m = this.criterion.nStats;
    const mb = this.missingBin;
    const base = h * this.slots;
    let occupied = 0;
    for (let b = 0; b < mb; b++) {
      const c = binCount[base + b];
      if (c === 0) continue;
      const o = (base + b) * m;
      entryBin[occupied] = b;
      entryCount[occupied] = c;
      binCount[base + b] = 0;
      for (let j = 0; j < m; j++) {
        entryStats[occupied * m + j] = binStats[o + j];
        binStats[o + j] = 0;
      }
      occupied++;
    }
    const o = (base + mb) * m;
    this.nMissing = binCount[base + mb];
    binCount[base + mb] = 0;
    for (let j = 0; j < m; j++) {
      missingStats[j] = binStats[o + j];
      binStats[o + j] = 0;
    }
    return occupied;
  }

  /** Lists the occupied bins of gathered feature h of a small node by sorting its codes. */
  private collectSorted(h: number, start: number, end: number): number {
    const { keys, entryBin, entryCount, entryStats, missingStats, smallCodes } = this;
    const m = this.criterion.nStats;
    const { label, target, weight } = this.samples;
    const n = end - start;
    const base = h * SMALL_NODE;
    // insertion sort of (code, position) keys: tiny arrays, cheaper than sweeping a 256-slot histogram
    for (let j = 0; j < n; j++) {
      const key = (smallCodes[base + j] << 16) | j;
      let i = j - 1;
      while (i >= 0 && keys[i] > key) {
        keys[i + 1] = keys[i];
        i--;
      }
      keys[i + 1] = key;
    }
    const mb = this.missingBin;
    missingStats.fill(0);
    let occupied = 0;
    let nMissing = 0;
    let last = -1;
    for (let j = 0; j < n; j++) {
      const b = keys[j] >>> 16;
      const s = start + (keys[j] & 0xffff);
      let stats = entryStats;
      let o: number;
      if (b === mb) {
        nMissing++;
        stats = missingStats;
        o = 0;
      } else {
        if (b !== last) {
          entryBin[occupied] = b;
          entryCount[occupied] = 0;
          for (let c = 0; c < m; c++) entryStats[occupied * m + c] = 0;
          occupied++;
          last = b;
        }
        entryCount[occupied - 1]++;
        o = (occupied - 1) * m;
      }
      const w = weight[s];
      if (this.classification) {
        stats[o + label[s]] += w;
      } else {
        stats[o] += w;
        stats[o + 1] += w * target[s];
      }
    }
    this.nMissing = nMissing;
    return occupied;
  }

  /** A threshold between the largest value sent left and the smallest sent right (their midpoint). */
  protected midpoint(f: number, binLeft: number, binRight: number): number {
    if (binRight < 0) return Infinity;
    const lo = this.data.binHigh[f * this.slots + binLeft];
    const hi = this.data.binLow[f * this.slots + binRight];
    const t = (lo + hi) / 2;
    return t < hi ? t : lo; // adjacent floats: the midpoint may round up to hi
  }

  /**
   * Moves the slots going left by `this.best` to the front of [start, end), keeping their order (a stable
   * partition: slots stay in ascending row order, so the next nodes read the code columns front to back);
   * returns the first right slot.
   */
  partition(start: number, end: number): number {
    const { feature, binLeft, missingLeft } = this.best;
    const codes = this.data.codes;
    const col = feature * this.data.nRows;
    const mb = this.missingBin;
    const { idx, label, target, weight } = this.samples;
    const { idx: sIdx, label: sLabel, target: sTarget, weight: sWeight } = this.scratch;
    const cls = this.classification;
    let l = start;
    let r = 0;
    for (let s = start; s < end; s++) {
      const i = idx[s];
      const b = codes[col + i];
      if (b <= binLeft || (b === mb && missingLeft)) {
        idx[l] = i;
        weight[l] = weight[s];
        if (cls) label[l] = label[s];
        else target[l] = target[s];
        l++;
      } else {
        sIdx[r] = i;
        sWeight[r] = weight[s];
        if (cls) sLabel[r] = label[s];
        else sTarget[r] = target[s];
        r++;
      }
    }
    idx.set(sIdx.subarray(0, r), l);
    weight.set(sWeight.subarray(0, r), l);
    if (cls) label.set(sLabel.subarray(0, r), l);
    else target.set(sTarget.subarray(0, r), l);
    return l;
  }
}

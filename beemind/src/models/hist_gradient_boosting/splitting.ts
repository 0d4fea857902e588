/**
 * This module contains the splitter: it finds a node's best split from its histogram (the bin threshold with
 * the largest L2-regularised gain, under the min-samples and min-hessian limits of each child, missing values
 * sent to whichever side gains more) and partitions the node's sample indices in place by that split. Both
 * scans run in the WebAssembly kernels (kernels.wat, `bestSplit` and `partition`).
 *
 * Features that hold category codes are also split as sets (as LightGBM and scikit-learn do): the node's
 * categories are ordered by their smoothed gradient ratio G / (H + smoothing) and every prefix of that order is
 * tried as the left child, which finds the best two-way grouping of the categories for this gain without
 * trying all 2^k of them. That scan and its partition run here, in JavaScript: they touch at most 255 bins.
 */
import type { Random } from '../../core/random.js';
import { STRIDE } from './histogram.js';
import type { Kernels } from './kernels.js';

/** The best split found for a node; `gain` is −1 when no valid split exists. */
export class SplitInfo {
  gain = -1;
  feature = -1;
  /** Samples with bin code <= bin go left. */
  bin = 0;
  missingGoLeft = false;
  sumGradientsLeft = 0;
  sumHessiansLeft = 0;
  nLeft = 0;
  sumGradientsRight = 0;
  sumHessiansRight = 0;
  nRight = 0;
  /** A split on a category feature: samples whose bin is flagged in leftBins go left. */
  categorical = false;
  /** Per bin code, 1 when a categorical split sends it left. */
  readonly leftBins = new Uint8Array(256);
}

/**
 * Hessian added to each category's when ordering them by gradient ratio: a category seen in a few rows sorts
 * near the middle instead of at an extreme (LightGBM's cat_smooth has the same default).
 */
const CATEGORY_SMOOTHING = 10;

/** Where missing values are tried in the categorical scan: right only, or right then left. */
const MISSING_RIGHT = [false] as const;
const MISSING_EITHER_SIDE = [false, true] as const;

export interface SplitterOptions {
  l2Regularization: number;
  minSamplesLeaf: number;
  /** Smallest hessian sum a child may have (guards against dividing by ~0). */
  minHessianToSplit: number;
  /** Splits must gain strictly more than this. */
  minGainToSplit: number;
  /** Draws the features each node may split on; absent: every node tries every feature. */
  featureSampler?: NodeFeatureSampler;
}

/**
 * The features one node may split on: `count` of the `nFeatures`, drawn anew for every node (scikit-learn's
 * max_features for histogram boosting, LightGBM's feature_fraction_bynode). Trees then differ in the features
 * they lean on, which regularises boosting much as a random forest's feature sampling does.
 */
export class NodeFeatureSampler {
  private readonly pool: Int32Array;

  constructor(
    nFeatures: number,
    private readonly count: number,
    private readonly random: Random,
  ) {
    this.pool = Int32Array.from({ length: nFeatures }, (_, f) => f);
  }

  /** Sets `allowed[f]` to 1 for the drawn features and 0 for the others (a partial Fisher–Yates shuffle). */
  draw(allowed: Uint8Array): void {
    const { pool, count, random } = this;
    allowed.fill(0);
    for (let i = 0; i < count; i++) {
      const j = i + random.int(pool.length - i);
      const f = pool[j];
      pool[j] = pool[i];
      pool[i] = f;
      allowed[f] = 1;
    }
  }
}

/** Raw leaf value −G / (H + λ) before shrinkage (the Newton step). */
export function nodeValue(sumGradients: number, sumHessians: number, l2: number): number {
  return -sumGradients / (sumHessians + l2 + 1e-15);
}

/** The splitter's arrays; every one is a view on the kernel workspace. */
export interface SplitterData {
  /** Bin codes, column-major: feature f of sample i at f * nSamples + i. */
  binned: Uint8Array;
  nSamples: number;
  nFeatures: number;
  /** Histogram bins per feature, the missing-value bin included. */
  binsPerFeature: number;
  /** Bin code of missing values (also their histogram bin). */
  missingBin: number;
  /** Per feature, the number of bins used by non-missing values. */
  nBinsNonMissing: Int32Array;
  /** Per feature, 1 when the training data had missing values. */
  hasMissing: Uint8Array;
  /** Per feature, 1 when the node being split may split on it (all 1s without a feature sampler). */
  allowedFeatures: Uint8Array;
  /** Scratch for partitioning, nSamples long. */
  partitionBuffer: Int32Array;
  /** Scratch for the best-split kernel's answer, SPLIT_RESULT_LENGTH long. */
  result: Float64Array;
  /** Features split as category sets (their bins are their categories), ascending; absent for none. */
  categoricalFeatures?: Int32Array;
}

/** Doubles written by the best-split kernel: gain, feature, bin, missingGoLeft, G_L, H_L, n_L. */
export const SPLIT_RESULT_LENGTH = 7;

export class Splitter {
  private readonly featureBytes: number;

  constructor(
    private readonly kernels: Kernels,
    private readonly data: SplitterData,
    private readonly options: SplitterOptions,
  ) {
    this.featureBytes = data.binsPerFeature * STRIDE * Float64Array.BYTES_PER_ELEMENT;
  }

  /** Fills `out` with the best split of a node with the given totals; returns whether one was found. */
  findBestSplit(
    hist: Float64Array,
    sumGradients: number,
    sumHessians: number,
    nSamples: number,
    out: SplitInfo,
  ): boolean {
    const { data, options } = this;
    options.featureSampler?.draw(data.allowedFeatures);
    const found = this.kernels.bestSplit(
      hist.byteOffset,
      data.nFeatures,
      this.featureBytes,
      data.nBinsNonMissing.byteOffset,
      data.hasMissing.byteOffset,
      data.allowedFeatures.byteOffset,
      sumGradients,
      sumHessians,
      nSamples,
      options.l2Regularization,
      options.minSamplesLeaf,
      options.minHessianToSplit,
      options.minGainToSplit,
      data.result.byteOffset,
    );
    const r = data.result;
    out.gain = r[0];
    out.feature = r[1];
    out.categorical = false;
    if (found) {
      out.bin = r[2];
      out.missingGoLeft = r[3] === 1;
      out.sumGradientsLeft = r[4];
      out.sumHessiansLeft = r[5];
      out.nLeft = r[6];
    }
    let categorical = false;
    for (const f of data.categoricalFeatures ?? []) {
      if (!data.allowedFeatures[f]) continue;
      categorical = this.bestCategorySplit(f, hist, sumGradients, sumHessians, nSamples, out) || categorical;
    }
    if (!found && !categorical) return false;
    out.sumGradientsRight = sumGradients - out.sumGradientsLeft;
    out.sumHessiansRight = sumHessians - out.sumHessiansLeft;
    out.nRight = nSamples - out.nLeft;
    // a feature without missing values in training sends them, at prediction time, to the larger child
    if (!data.hasMissing[out.feature]) out.missingGoLeft = out.nLeft > out.nRight;
    return true;
  }

  private readonly categoryOrder = new Int32Array(256);
  private readonly categoryRatio = new Float64Array(256);

  /**
   * Tries feature f as a set of categories: its non-empty bins sorted by G / (H + smoothing), each prefix of
   * that order as the left child, missing values on the right and (when the feature had missing values in
   * training) on the left. Writes into `out` and returns true when one beats out.gain under the same limits
   * and gain as the threshold scan.
   */
  private bestCategorySplit(
    f: number,
    hist: Float64Array,
    sumG: number,
    sumH: number,
    n: number,
    out: SplitInfo,
  ): boolean {
    const { data, options } = this;
    const base = f * data.binsPerFeature * STRIDE;
    const order = this.categoryOrder;
    const ratio = this.categoryRatio;
    let m = 0;
    let gPresent = 0;
    let hPresent = 0;
    let nPresent = 0;
    for (let b = 0; b < data.nBinsNonMissing[f]; b++) {
      const o = base + b * STRIDE;
      if (hist[o + 2] === 0) continue;
      order[m++] = b;
      ratio[b] = hist[o] / (hist[o + 1] + CATEGORY_SMOOTHING);
      gPresent += hist[o];
      hPresent += hist[o + 1];
      nPresent += hist[o + 2];
    }
    if (m < 2) return false;
    order.subarray(0, m).sort((a, b) => ratio[a] - ratio[b] || a - b);
    const l2 = options.l2Regularization;
    const score = (g: number, h: number) => (g * g) / (h + l2 + 1e-15);
    const parent = score(sumG, sumH);
    let bestPrefix = 0;
    let bestMissingLeft = false;
    let g0 = 0;
    let h0 = 0;
    let n0 = 0;
    for (const missingLeft of data.hasMissing[f] ? MISSING_EITHER_SIDE : MISSING_RIGHT) {
      // missing values, when they go left, start the left child's sums
      let g = missingLeft ? sumG - gPresent : 0;
      let h = missingLeft ? sumH - hPresent : 0;
      let c = missingLeft ? n - nPresent : 0;
      for (let k = 0; k < m - 1; k++) {
        const o = base + order[k] * STRIDE;
        g += hist[o];
        h += hist[o + 1];
        c += hist[o + 2];
        if (c < options.minSamplesLeaf || h < options.minHessianToSplit) continue;
        if (n - c < options.minSamplesLeaf || sumH - h < options.minHessianToSplit) break;
        const gain = score(g, h) + score(sumG - g, sumH - h) - parent;
        if (gain > out.gain && gain > options.minGainToSplit) {
          out.gain = gain;
          bestPrefix = k + 1;
          bestMissingLeft = missingLeft;
          g0 = g;
          h0 = h;
          n0 = c;
        }
      }
    }
    if (bestPrefix === 0) return false;
    out.categorical = true;
    out.feature = f;
    out.missingGoLeft = bestMissingLeft;
    out.sumGradientsLeft = g0;
    out.sumHessiansLeft = h0;
    out.nLeft = n0;
    out.leftBins.fill(0);
    for (let k = 0; k < bestPrefix; k++) out.leftBins[order[k]] = 1;
    return true;
  }

  /**
   * Stable in-place partition of sampleIndices[start..end) by `split`: left samples first, both sides keep
   * their index order (so later passes over the column-major bins stay cache-friendly). Returns the first
   * position of the right child.
   */
  splitIndices(sampleIndices: Int32Array, start: number, end: number, split: SplitInfo): number {
    const { data } = this;
    if (split.categorical) return this.splitIndicesByCategory(sampleIndices, start, end, split);
    const nLeft = this.kernels.partition(
      data.binned.byteOffset + split.feature * data.nSamples,
      sampleIndices.byteOffset + start * Int32Array.BYTES_PER_ELEMENT,
      end - start,
      split.bin,
      data.missingBin,
      split.missingGoLeft ? 1 : 0,
      data.partitionBuffer.byteOffset,
    );
    return start + nLeft;
  }

  /** splitIndices for a categorical split: the same stable partition, by the split's flagged bins. */
  private splitIndicesByCategory(
    sampleIndices: Int32Array,
    start: number,
    end: number,
    split: SplitInfo,
  ): number {
    const { binned, nSamples, missingBin, partitionBuffer } = this.data;
    const column = split.feature * nSamples;
    const leftBins = split.leftBins;
    const missingLeft = split.missingGoLeft;
    let l = start;
    let r = 0;
    for (let k = start; k < end; k++) {
      const i = sampleIndices[k];
      const b = binned[column + i];
      if (b === missingBin ? missingLeft : leftBins[b] === 1) sampleIndices[l++] = i;
      else partitionBuffer[r++] = i;
    }
    sampleIndices.set(partitionBuffer.subarray(0, r), l);
    return l;
  }
}

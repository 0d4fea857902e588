/**
 * This module contains the splitter: it finds a node's best split from its histogram (the bin threshold with
 * the largest L2-regularised gain, under the min-samples and min-hessian limits of each child, missing values
 * sent to whichever side gains more) and partitions the node's sample indices in place by that split.
 */
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
}

export interface SplitterOptions {
  l2Regularization: number;
  minSamplesLeaf: number;
  /** Smallest hessian sum a child may have (guards against dividing by ~0). */
  minHessianToSplit: number;
  /** Splits must gain strictly more than this. */
  minGainToSplit: number;
}

/** Raw leaf value −G / (H + λ) before shrinkage (the Newton step). */
export function nodeValue(sumGradients: number, sumHessians: number, l2: number): number {
  return -sumGradients / (sumHessians + l2 + 1e-15);
}

export class Splitter {
  /**
   * @param binned bin codes, column-major (feature f of sample i at f * nSamples + i)
   * @param nBinsNonMissing per feature, the number of bins used by non-missing values
   * @param hasMissing per feature, 1 when the training data had missing values
   * @param missingBin the bin code of missing values (also their histogram bin)
   * @param buffer scratch for partitioning, nSamples long; `binned` and `buffer` are kernel workspace views
   */
  constructor(
    private readonly kernels: Kernels,
    private readonly binned: Uint8Array,
    private readonly nSamples: number,
    private readonly nFeatures: number,
    private readonly binsPerFeature: number,
    private readonly nBinsNonMissing: Int32Array,
    private readonly hasMissing: Uint8Array,
    private readonly missingBin: number,
    private readonly options: SplitterOptions,
    private readonly buffer: Int32Array,
  ) {}

  /** Fills `out` with the best split of a node with the given totals; returns whether one was found. */
  findBestSplit(hist: Float64Array, sumGradients: number, sumHessians: number, nSamples: number, out: SplitInfo): boolean {
    out.gain = -1;
    out.feature = -1;
    const l2 = this.options.l2Regularization;
    // loss of the node as a leaf, −G²/(H + λ) up to a factor ½ shared by every term of the gain
    const parentLoss = sumGradients * nodeValue(sumGradients, sumHessians, l2);
    for (let f = 0; f < this.nFeatures; f++) {
      const hb = f * this.binsPerFeature * STRIDE;
      const nnm = this.nBinsNonMissing[f];
      const missing = this.hasMissing[f];
      scanLeftToRight(hist, hb, nnm - 1 + missing, sumGradients, sumHessians, nSamples, parentLoss, l2, this.options, f, out);
      if (missing) {
        scanRightToLeft(hist, hb, nnm - 2, sumGradients, sumHessians, nSamples, parentLoss, l2, this.options, f, out);
      }
    }
    if (out.feature < 0) return false;
    out.sumGradientsRight = sumGradients - out.sumGradientsLeft;
    out.sumHessiansRight = sumHessians - out.sumHessiansLeft;
    out.nRight = nSamples - out.nLeft;
    // a feature without missing values in training sends them, at prediction time, to the larger child
    if (!this.hasMissing[out.feature]) out.missingGoLeft = out.nLeft > out.nRight;
    return true;
  }

  /**
   * Stable in-place partition of sampleIndices[start..end) by `split`: left samples first, both sides keep
   * their index order (so later passes over the column-major bins stay cache-friendly). Returns the first
   * position of the right child.
   */
  splitIndices(sampleIndices: Int32Array, start: number, end: number, split: SplitInfo): number {
    const nLeft = this.kernels.partition(
      this.binned.byteOffset + split.feature * this.nSamples,
      sampleIndices.byteOffset + start * Int32Array.BYTES_PER_ELEMENT,
      end - start,
      split.bin,
      this.missingBin,
      split.missingGoLeft ? 1 : 0,
      this.buffer.byteOffset,
    );
    return start + nLeft;
  }
}

/** Candidate thresholds bin = 0..end−1 with missing values (if any) on the right. */
function scanLeftToRight(
  hist: Float64Array,
  hb: number,
  end: number,
  sumGradients: number,
  sumHessians: number,
  nSamples: number,
  parentLoss: number,
  l2: number,
  options: SplitterOptions,
  feature: number,
  out: SplitInfo,
): void {
  const { minSamplesLeaf, minHessianToSplit, minGainToSplit } = options;
  let gLeft = 0;
  let hLeft = 0;
  let nLeft = 0;
  for (let b = 0; b < end; b++) {
    const o = hb + b * STRIDE;
    const count = hist[o + 2];
    nLeft += count;
    hLeft += hist[o + 1];
    gLeft += hist[o];
    const nRight = nSamples - nLeft;
    if (nLeft < minSamplesLeaf) continue;
    if (nRight < minSamplesLeaf) break;
    const hRight = sumHessians - hLeft;
    if (hLeft < minHessianToSplit) continue;
    if (hRight < minHessianToSplit) break;
    const gRight = sumGradients - gLeft;
    const gain = parentLoss + (gLeft * gLeft) / (hLeft + l2 + 1e-15) + (gRight * gRight) / (hRight + l2 + 1e-15);
    if (gain > out.gain && gain > minGainToSplit) {
      out.gain = gain;
      out.feature = feature;
      out.bin = b;
      out.missingGoLeft = false;
      out.sumGradientsLeft = gLeft;
      out.sumHessiansLeft = hLeft;
      out.nLeft = nLeft;
    }
  }
}

/** Candidate thresholds bin = start..0 with missing values on the left (only for features with missing values). */
function scanRightToLeft(
  hist: Float64Array,
  hb: number,
  start: number,
  sumGradients: number,
  sumHessians: number,
  nSamples: number,
  parentLoss: number,
  l2: number,
  options: SplitterOptions,
  feature: number,
  out: SplitInfo,
): void {
  const { minSamplesLeaf, minHessianToSplit, minGainToSplit } = options;
  let gRight = 0;
  let hRight = 0;
  let nRight = 0;
  for (let b = start; b >= 0; b--) {
    const o = hb + (b + 1) * STRIDE;
    const count = hist[o + 2];
    nRight += count;
    hRight += hist[o + 1];
    gRight += hist[o];
    const nLeft = nSamples - nRight;
    if (nRight < minSamplesLeaf) continue;
    if (nLeft < minSamplesLeaf) break;
    const hLeft = sumHessians - hRight;
    if (hRight < minHessianToSplit) continue;
    if (hLeft < minHessianToSplit) break;
    const gLeft = sumGradients - gRight;
    const gain = parentLoss + (gLeft * gLeft) / (hLeft + l2 + 1e-15) + (gRight * gRight) / (hRight + l2 + 1e-15);
    if (gain > out.gain && gain > minGainToSplit) {
      out.gain = gain;
      out.feature = feature;
      out.bin = b;
      out.missingGoLeft = true;
      out.sumGradientsLeft = gLeft;
      out.sumHessiansLeft = hLeft;
      out.nLeft = nLeft;
    }
  }
}

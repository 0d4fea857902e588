/**
 * This module contains the splitter: it finds a node's best split from its histogram (the bin threshold with
 * the largest L2-regularised gain, under the min-samples and min-hessian limits of each child, missing values
 * sent to whichever side gains more) and partitions the node's sample indices in place by that split. Both
 * scans run in the WebAssembly kernels (kernels.wat, `bestSplit` and `partition`).
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
  /** Scratch for partitioning, nSamples long. */
  partitionBuffer: Int32Array;
  /** Scratch for the best-split kernel's answer, SPLIT_RESULT_LENGTH long. */
  result: Float64Array;
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
    const found = this.kernels.bestSplit(
      hist.byteOffset,
      data.nFeatures,
      this.featureBytes,
      data.nBinsNonMissing.byteOffset,
      data.hasMissing.byteOffset,
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
    if (!found) return false;
    out.bin = r[2];
    out.missingGoLeft = r[3] === 1;
    out.sumGradientsLeft = r[4];
    out.sumHessiansLeft = r[5];
    out.nLeft = r[6];
    out.sumGradientsRight = sumGradients - out.sumGradientsLeft;
    out.sumHessiansRight = sumHessians - out.sumHessiansLeft;
    out.nRight = nSamples - out.nLeft;
    // a feature without missing values in training sends them, at prediction time, to the larger child
    if (!data.hasMissing[out.feature]) out.missingGoLeft = out.nLeft > out.nRight;
    return true;
  }

  /**
   * Stable in-place partition of sampleIndices[start..end) by `split`: left samples first, both sides keep
   * their index order (so later passes over the column-major bins stay cache-friendly). Returns the first
   * position of the right child.
   */
  splitIndices(sampleIndices: Int32Array, start: number, end: number, split: SplitInfo): number {
    const { data } = this;
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
}

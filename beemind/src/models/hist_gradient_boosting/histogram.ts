/**
 * This module contains the gradient/hessian histograms: for one tree node, per feature and per bin, the sum
 * of gradients, the sum of hessians and the sample count of the node's samples, built from the uint8 bin
 * codes (column-major) by the WebAssembly kernels, plus the subtraction trick (sibling = parent − child) and
 * a fixed pool of histogram buffers.
 *
 * A histogram is one Float64Array of nFeatures × binsPerFeature × STRIDE values: bin b of feature f starts at
 * (f * binsPerFeature + b) * STRIDE and holds [sumGradients, sumHessians, count].
 */
import type { Kernels } from './kernels.js';

/** Values stored per bin: sum of gradients, sum of hessians, count. */
export const STRIDE = 3;

/** Number of Float64 values in one histogram. */
export function histogramSize(nFeatures: number, binsPerFeature: number): number {
  return nFeatures * binsPerFeature * STRIDE;
}

/**
 * Builds histograms. Every array handed to it (bin codes, gradients, sample indices, histograms, scratch)
 * must be a view on the same kernel workspace.
 */
export class HistogramBuilder {
  private readonly featureBytes: number;

  /**
   * @param binned bin codes, column-major: feature f of sample i at f * nSamples + i
   * @param binsPerFeature bins reserved per feature, the missing-value bin included
   * @param ordered scratch, 2 × nSamples long: a node's gradient/hessian pairs gathered in sample-index order
   */
  constructor(
    private readonly kernels: Kernels,
    private readonly binned: Uint8Array,
    private readonly nSamples: number,
    readonly nFeatures: number,
    readonly binsPerFeature: number,
    private readonly ordered: Float32Array,
  ) {
    this.featureBytes = binsPerFeature * STRIDE * Float64Array.BYTES_PER_ELEMENT;
  }

  /** Histogram of all samples in their natural order (the root); `gh` holds interleaved gradient/hessian pairs. */
  buildRoot(hist: Float64Array, gh: Float32Array): void {
    this.kernels.histogramRoot(
      this.binned.byteOffset,
      this.nSamples,
      this.nFeatures,
      this.featureBytes,
      gh.byteOffset,
      hist.byteOffset,
    );
  }

  /** Histogram of the samples sampleIndices[start..end). */
  build(hist: Float64Array, sampleIndices: Int32Array, start: number, end: number, gh: Float32Array): void {
    this.kernels.histogramIndexed(
      this.binned.byteOffset,
      this.nSamples,
      this.nFeatures,
      this.featureBytes,
      sampleIndices.byteOffset + start * Int32Array.BYTES_PER_ELEMENT,
      end - start,
      gh.byteOffset,
      this.ordered.byteOffset,
      hist.byteOffset,
    );
  }

  /** parent := parent − child, turning the parent's histogram into the sibling's. */
  subtract(parent: Float64Array, child: Float64Array): void {
    this.kernels.subtract(parent.byteOffset, child.byteOffset, parent.byteLength);
  }
}

/** A fixed set of histogram buffers carved out of one workspace array, reused across nodes and trees. */
export class HistogramPool {
  private readonly free: Float64Array[] = [];

  /** @param storage capacity × size values */
  constructor(storage: Float64Array, size: number) {
    for (let k = storage.length / size - 1; k >= 0; k--)
      this.free.push(storage.subarray(k * size, (k + 1) * size));
  }

  get available(): number {
    return this.free.length;
  }

  /** A free buffer (contents undefined); throws when the pool is exhausted — callers check `available`. */
  acquire(): Float64Array {
    const hist = this.free.pop();
    if (!hist) throw new Error('hist_gradient_boosting: histogram pool exhausted (internal error)');
    return hist;
  }

  release(hist: Float64Array): void {
    this.free.push(hist);
  }
}

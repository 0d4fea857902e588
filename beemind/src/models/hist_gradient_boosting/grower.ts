/**
 * This module contains the tree grower: it grows one regression tree on gradients and hessians leaf-wise
 * (always splitting the open leaf with the largest gain) up to maxLeafNodes leaves and maxDepth, building the
 * histogram of the smaller child and deriving the larger one by subtraction from its parent's.
 */
import { STRIDE, type HistogramBuilder, type HistogramPool } from './histogram.js';
import { nodeValue, SplitInfo, type Splitter } from './splitting.js';

export interface GrowerOptions {
  maxLeafNodes: number | null;
  maxDepth: number | null;
  minSamplesLeaf: number;
  l2Regularization: number;
  /** Multiplies every leaf value (the learning rate). */
  shrinkage: number;
}

/** A node of the tree being grown; its samples are sampleIndices[start..end). */
export class GrowerNode {
  /** Leaf value with shrinkage applied (set for leaves). */
  value = 0;
  /** Kept while the node is an open leaf, for the subtraction trick (dropped if the pool runs short). */
  histogram: Float64Array | null = null;
  readonly split = new SplitInfo();
  left: GrowerNode | null = null;
  right: GrowerNode | null = null;

  constructor(
    readonly start: number,
    readonly end: number,
    readonly depth: number,
    readonly sumGradients: number,
    readonly sumHessians: number,
  ) {}

  get nSamples(): number {
    return this.end - this.start;
  }
}

export interface GrownTree {
  root: GrowerNode;
  leaves: GrowerNode[];
}

/** Free histograms kept back so that a split can always build its children's histograms. */
const RESERVED_HISTOGRAMS = 2;

/** Pool capacity that never forces a node to drop its histogram, for a leaf limit. */
export function histogramPoolCapacity(maxLeafNodes: number | null, cap: number): number {
  return Math.max(RESERVED_HISTOGRAMS + 1, Math.min(maxLeafNodes ?? Infinity, cap) + RESERVED_HISTOGRAMS + 1);
}

/**
 * Grows trees over one binned training set. `sampleIndices` (a kernel workspace view) is shared by all
 * trees of a fit and re-partitioned in place by each; after grow(), each leaf's samples are its range in it.
 */
export class TreeGrower {
  constructor(
    private readonly histograms: HistogramBuilder,
    private readonly splitter: Splitter,
    private readonly pool: HistogramPool,
    readonly sampleIndices: Int32Array,
    private readonly options: GrowerOptions,
  ) {}

  /** Grows one tree on `gh`, the interleaved gradient/hessian pairs of the samples (a workspace view). */
  grow(gh: Float32Array): GrownTree {
    const idx = this.sampleIndices;
    const n = idx.length;
    for (let i = 0; i < n; i++) idx[i] = i;

    const { maxLeafNodes } = this.options;
    const leaves: GrowerNode[] = [];
    const splittable: GrowerNode[] = [];
    const root = this.growRoot(gh, splittable, leaves);

    let nLeaves = 1;
    while (splittable.length > 0) {
      const node = popBest(splittable);
      const s = node.split;
      const mid = this.splitter.splitIndices(idx, node.start, node.end, s);
      const left = new GrowerNode(node.start, mid, node.depth + 1, s.sumGradientsLeft, s.sumHessiansLeft);
      const right = new GrowerNode(mid, node.end, node.depth + 1, s.sumGradientsRight, s.sumHessiansRight);
      node.left = left;
      node.right = right;
      nLeaves++;
      const parentHistogram = node.histogram;
      node.histogram = null;

      const limitReached = maxLeafNodes !== null && nLeaves >= maxLeafNodes;
      const splitLeft = !limitReached && this.mayBeSplit(left);
      const splitRight = !limitReached && this.mayBeSplit(right);
      if (splitLeft || splitRight) {
        this.buildChildHistograms(parentHistogram, left, right, gh);
      } else if (parentHistogram) {
        this.pool.release(parentHistogram);
      }
      if (splitLeft) this.evaluate(left, splittable, leaves);
      else this.finalize(left, leaves);
      if (splitRight) this.evaluate(right, splittable, leaves);
      else this.finalize(right, leaves);
      if (limitReached) {
        for (const open of splittable) this.finalize(open, leaves);
        splittable.length = 0;
      }
    }
    return { root, leaves };
  }

  /** The root over all n samples: evaluated (its histogram built) if it may be split, else a leaf. */
  private growRoot(gh: Float32Array, splittable: GrowerNode[], leaves: GrowerNode[]): GrowerNode {
    const n = this.sampleIndices.length;
    let sumG = 0;
    let sumH = 0;
    if (n < 2 * this.options.minSamplesLeaf) {
      for (let i = 0; i < n; i++) {
        sumG += gh[2 * i];
        sumH += gh[2 * i + 1];
      }
      const leaf = new GrowerNode(0, n, 0, sumG, sumH);
      this.finalize(leaf, leaves);
      return leaf;
    }
    const hist = this.pool.acquire();
    this.histograms.buildRoot(hist, gh);
    // the root's totals are the sums over the bins of any one feature
    for (let o = 0; o < this.histograms.binsPerFeature * STRIDE; o += STRIDE) {
      sumG += hist[o];
      sumH += hist[o + 1];
    }
    const root = new GrowerNode(0, n, 0, sumG, sumH);
    root.histogram = hist;
    this.evaluate(root, splittable, leaves);
    return root;
  }

  /** Whether a node could be split at all: room for two leaves of minSamplesLeaf, and depth below maxDepth. */
  private mayBeSplit(node: GrowerNode): boolean {
    const { maxDepth, minSamplesLeaf } = this.options;
    return node.nSamples >= 2 * minSamplesLeaf && (maxDepth === null || node.depth < maxDepth);
  }

  /** Builds the smaller child's histogram from its samples and the larger one's as parent − smaller. */
  private buildChildHistograms(
    parent: Float64Array | null,
    left: GrowerNode,
    right: GrowerNode,
    gh: Float32Array,
  ): void {
    const idx = this.sampleIndices;
    const leftIsSmaller = left.nSamples < right.nSamples;
    const smaller = leftIsSmaller ? left : right;
    const larger = leftIsSmaller ? right : left;
    smaller.histogram = this.pool.acquire();
    this.histograms.build(smaller.histogram, idx, smaller.start, smaller.end, gh);
    if (parent) {
      this.histograms.subtract(parent, smaller.histogram);
      larger.histogram = parent;
    } else {
      // the parent gave its histogram back to the pool: build the larger child's from its samples too
      larger.histogram = this.pool.acquire();
      this.histograms.build(larger.histogram, idx, larger.start, larger.end, gh);
    }
  }

  /** Finds the node's best split: queues the node if there is one, else makes it a leaf. */
  private evaluate(node: GrowerNode, splittable: GrowerNode[], leaves: GrowerNode[]): void {
    const found = this.splitter.findBestSplit(
      node.histogram!,
      node.sumGradients,
      node.sumHessians,
      node.nSamples,
      node.split,
    );
    if (!found) {
      this.finalize(node, leaves);
      return;
    }
    splittable.push(node);
    if (this.pool.available < RESERVED_HISTOGRAMS) {
      // keep enough buffers for the next split; this node's children will be built from their samples
      this.pool.release(node.histogram!);
      node.histogram = null;
    }
  }

  private finalize(node: GrowerNode, leaves: GrowerNode[]): void {
    if (node.histogram) {
      this.pool.release(node.histogram);
      node.histogram = null;
    }
    const { l2Regularization, shrinkage } = this.options;
    node.value = shrinkage * nodeValue(node.sumGradients, node.sumHessians, l2Regularization);
    leaves.push(node);
  }
}

/** Removes and returns the open leaf with the largest gain (the earliest one on ties). */
function popBest(nodes: GrowerNode[]): GrowerNode {
  let best = 0;
  for (let k = 1; k < nodes.length; k++) if (nodes[k].split.gain > nodes[best].split.gain) best = k;
  const node = nodes[best];
  nodes.splice(best, 1);
  return node;
}

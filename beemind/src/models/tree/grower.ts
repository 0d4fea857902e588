/**
 * This module contains the tree grower: it grows one tree depth-first over a binned training set, asking a
 * splitter for each node's split, and returns the flat tree with its (unnormalised) impurity-decrease
 * importances. One grower is reused for many trees: its per-row buffers are allocated once.
 */
import type { Random } from '../../core/random.js';
import { BestSplitter } from './best_splitter.js';
import { classImpurity, makeCriterion, type Criterion } from './criterion.js';
import { FlatTreeWriter, type FlatTree } from './flat_tree.js';
import type { Criterion as CriterionName } from './params.js';
import { RandomSplitter } from './random_splitter.js';
import type { NodeSamples, Splitter } from './splitter.js';
import type { TrainingSet } from './training_set.js';

/** Growth settings, already resolved against the training set. */
export interface GrowConfig {
  criterion: CriterionName;
  /** 'best': exhaustive search over bins; 'random': one random threshold per feature (extra trees). */
  splitter: 'best' | 'random';
  /** Deepest allowed node depth (Infinity = unlimited). */
  maxDepth: number;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  /** Non-constant features evaluated per node. */
  maxFeatures: number;
  minImpurityDecrease: number;
}

export interface GrownTree {
  tree: FlatTree;
  /** Weighted impurity decrease credited to each feature (not normalised). */
  importances: Float64Array;
}

const EPSILON = 2.220446049250313e-16;

export class TreeGrower {
  private readonly samples: NodeSamples;
  private readonly splitter: Splitter;
  private readonly criterion: Criterion;
  private readonly total: Float64Array;
  private readonly k: number;

  constructor(
    private readonly data: TrainingSet,
    private readonly config: GrowConfig,
  ) {
    const n = data.nRows;
    const cls = data.task === 'classification';
    this.samples = {
      idx: new Int32Array(n),
      label: new Int32Array(cls ? n : 0),
      target: new Float64Array(cls ? 0 : n),
      weight: new Float64Array(n),
    };
    this.k = data.nOutputs;
    this.criterion = makeCriterion(config.criterion, this.k);
    this.total = new Float64Array(this.criterion.nStats);
    const options = { maxFeatures: config.maxFeatures, minSamplesLeaf: config.minSamplesLeaf };
    this.splitter =
      config.splitter === 'best'
        ? new BestSplitter(data, this.samples, this.criterion, options)
        : new RandomSplitter(data, this.samples, this.criterion, options);
  }

  /**
   * Grows a tree on the rows with a positive count in `counts` (bootstrap draws; each row weighted by its
   * count), or on every row when `counts` is null; classifiers multiply row weights by `classWeight`.
   */
  grow(counts: Int32Array | null, classWeight: Float64Array | null, rng: Random): GrownTree {
    const { idx, label, target, weight } = this.samples;
    const cls = this.data.task === 'classification';
    let nSlots = 0;
    for (let i = 0; i < this.data.nRows; i++) {
      const c = counts ? counts[i] : 1;
      if (c === 0) continue;
      idx[nSlots] = i;
      if (cls) {
        const l = this.data.labels[i];
        label[nSlots] = l;
        weight[nSlots] = classWeight ? c * classWeight[l] : c;
      } else {
        target[nSlots] = this.data.targets[i];
        weight[nSlots] = c;
      }
      nSlots++;
    }
    return this.growSlots(nSlots, rng);
  }

  private growSlots(nSlots: number, rng: Random): GrownTree {
    const { config, splitter, criterion, total, k } = this;
    splitter.resetTree();
    const cls = this.data.task === 'classification';
    const { label, target, weight } = this.samples;
    const writer = new FlatTreeWriter(k);
    const importances = new Float64Array(this.data.nFeatures);
    // depth-first: [start, end, depth, node] per pending node
    const stack: number[] = [0, nSlots, 0, writer.addNode()];
    let rootWeight = 0;
    while (stack.length > 0) {
      const node = stack.pop()!;
      const depth = stack.pop()!;
      const end = stack.pop()!;
      const start = stack.pop()!;
      const n = end - start;

      // the node's statistics and impurity
      total.fill(0);
      let w = 0;
      let impurity: number;
      if (cls) {
        for (let s = start; s < end; s++) total[label[s]] += weight[s];
        for (let c = 0; c < k; c++) w += total[c];
        impurity = classImpurity(config.criterion, total, k);
      } else {
        let sum = 0;
        for (let s = start; s < end; s++) {
          w += weight[s];
          sum += weight[s] * target[s];
        }
        total[0] = w;
        total[1] = sum;
        const mean = sum / w;
        let ss = 0;
        for (let s = start; s < end; s++) ss += weight[s] * (target[s] - mean) ** 2;
        impurity = ss / w;
      }
      if (rootWeight === 0) rootWeight = w;

      let isLeaf =
        depth >= config.maxDepth ||
        n < config.minSamplesSplit ||
        n < 2 * config.minSamplesLeaf ||
        impurity <= EPSILON;
      let decrease = 0;
      if (!isLeaf) {
        const split = splitter.findSplit(start, end, depth, total, rng);
        decrease = criterion.cost(total, 0) - split.cost;
        isLeaf = !split.found || decrease / rootWeight + EPSILON < config.minImpurityDecrease;
      }

      if (isLeaf) {
        const off = writer.setLeaf(node);
        const values = writer.values;
        if (cls) for (let c = 0; c < k; c++) values[off + c] = total[c] / w;
        else values[off] = total[1] / w;
        continue;
      }
      const split = splitter.best;
      const mid = splitter.partition(start, end);
      const left = writer.addNode();
      const right = writer.addNode();
      writer.setSplit(node, split.feature, split.threshold, left, right, split.missingLeft);
      importances[split.feature] += Math.max(0, decrease); // rounding can leave a hair below zero
      stack.push(mid, end, depth + 1, right, start, mid, depth + 1, left);
    }
    return { tree: writer.finish(), importances };
  }
}

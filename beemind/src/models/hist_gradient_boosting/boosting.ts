/**
 * This module contains the boosting loop shared by the classifier and the regressor: bin the data, hold out
 * a validation set when early stopping is on, then per iteration compute gradients, grow one tree per output
 * and update the raw predictions, stopping when the validation loss stops improving. Columns of category codes
 * are split as sets of categories when each code has a bin of its own (255 categories at most).
 */
import type { Matrix } from '../../core/matrix.js';
import { Random } from '../../core/random.js';
import { pack, type PackedArray } from '../../core/serialize.js';
import type { StateReader } from '../../core/untrusted.js';
import { trainTestSplit } from '../../data/split.js';
import { BinMapper } from '../binning.js';
import { histogramPoolCapacity, TreeGrower, type GrowerNode } from './grower.js';
import { HistogramBuilder, HistogramPool, histogramSize } from './histogram.js';
import { allocateWorkspace } from './kernels.js';
import { lossFor, outputsFor } from './loss.js';
import { TreeEnsemble, type TreeEnsembleJSON } from './predictor.js';
import { NodeFeatureSampler, SPLIT_RESULT_LENGTH, Splitter } from './splitting.js';

export interface BoostingParams {
  learningRate: number;
  maxIter: number;
  maxLeafNodes: number | null;
  maxDepth: number | null;
  minSamplesLeaf: number;
  l2Regularization: number;
  maxBins: number;
  /** Share of the features each node chooses its split among (1: all of them). */
  maxFeatures: number;
  earlyStopping: 'auto' | boolean;
  validationFraction: number;
  nIterNoChange: number;
  tol: number;
  seed: number;
}

/** The serialised form of a BoostedModel (plain JSON; arrays packed). */
export interface BoostedModelJSON {
  baseline: PackedArray;
  trees: TreeEnsembleJSON;
  gains: PackedArray;
  nIter: number;
  validationLoss: number[];
}

/** What a fit produces: everything prediction and inspection need. */
export class BoostedModel {
  constructor(
    /** Constant raw score per output that the trees add to. */
    readonly baseline: Float64Array,
    readonly trees: TreeEnsemble,
    /** Total split gain per feature (not normalised). */
    readonly gains: Float64Array,
    /** Boosting iterations run (less than maxIter when early stopping stopped the fit). */
    readonly nIter: number,
    /** Validation loss before the first and after each iteration (empty without early stopping). */
    readonly validationLoss: number[],
  ) {}

  /** Raw scores, rows × outputs, row-major. */
  predictRaw(X: Matrix): Float64Array {
    return this.trees.predictRaw(X, this.baseline);
  }

  /** Total split gain per feature, normalised to sum 1 (uniform when no tree made a split). */
  featureImportances(): Float64Array {
    const { gains } = this;
    const out = new Float64Array(gains.length);
    let total = 0;
    for (let j = 0; j < gains.length; j++) total += gains[j];
    for (let j = 0; j < gains.length; j++) out[j] = total > 0 ? gains[j] / total : 1 / gains.length;
    return out;
  }

  toJSON(): BoostedModelJSON {
    return {
      baseline: pack(this.baseline),
      trees: this.trees.toJSON(),
      gains: pack(this.gains),
      nIter: this.nIter,
      validationLoss: this.validationLoss,
    };
  }

  /** Reads and checks a saved model (toJSON's output) for `task` with `nFeatures` features and `nClasses` classes. */
  static read(state: StateReader, task: TaskKind, nFeatures: number, nClasses: number): BoostedModel {
    const K = outputsFor(task, nClasses);
    const trees = TreeEnsemble.read(state.object('trees'), nFeatures, K);
    const nIter = state.integer('nIter', 0);
    if (trees.nTrees !== nIter * K) {
      state.fail(
        `${state.field('nIter')} is ${nIter}, but there are ${trees.nTrees} trees (${K} per iteration)`,
      );
    }
    return new BoostedModel(
      state.f64('baseline', { length: K }),
      trees,
      state.f64('gains', { length: nFeatures, min: 0 }),
      nIter,
      state.numbers('validationLoss', { nan: true, infinite: true }),
    );
  }
}

type TaskKind = 'classification' | 'regression';

/** Early stopping turns on by itself above this many rows (scikit-learn's rule). */
const AUTO_EARLY_STOPPING_ROWS = 10_000;
/** Smallest hessian sum a child may have. */
const MIN_HESSIAN_TO_SPLIT = 1e-3;
/** Memory allowed for the histogram pool beyond what the leaf limit needs (unlimited leaves, many features). */
const HISTOGRAM_POOL_BYTES = 64 * 2 ** 20;
/** Added to the seed for the nodes' feature draws, so they do not follow the validation split's stream. */
const FEATURE_SAMPLING_SEED_OFFSET = 7_777;

/**
 * Fits the boosted trees; y holds class indices 0..nClasses−1 for classification. `categorical[j]` marks a
 * column of category codes, which may be split as a set of categories.
 */
export function fitBoosting(
  X: Matrix,
  y: Float64Array,
  task: TaskKind,
  nClasses: number,
  params: BoostingParams,
  categorical: readonly boolean[] = [],
): BoostedModel {
  const data = prepareData(X, y, task, params, categorical);
  const { n, p, mapper } = data;
  const K = outputsFor(task, nClasses);
  const missingBin = mapper.missingBin;
  const { kernels, ws, loss, grower } = createTrainer(data, task, nClasses, params);
  const baseline = loss.baseline(data.yTrain);
  const raw = ws.raw;
  for (let k = 0; k < K; k++) raw.fill(baseline[k], k * n, (k + 1) * n);

  const trees = new TreeEnsemble(K);
  const gains = new Float64Array(p);
  const validation = data.validation;
  const validationLoss: number[] = [];
  const rawVal = validation ? new Float64Array(K * validation.n) : null;
  if (validation && rawVal) {
    for (let k = 0; k < K; k++) rawVal.fill(baseline[k], k * validation.n, (k + 1) * validation.n);
    validationLoss.push(loss.loss(validation.y, rawVal));
  }

  const gh = ws.gradientPairs;
  const idx = ws.sampleIndices;
  let nIter = 0;
  for (let iter = 0; iter < params.maxIter; iter++) {
    loss.gradients(ws.y, raw, gh);
    for (let k = 0; k < K; k++) {
      const tree = grower.grow(gh.subarray(2 * k * n, 2 * (k + 1) * n));
      // the leaves own disjoint ranges of the sample indices: update the training predictions from them
      for (const leaf of tree.leaves) {
        kernels.addAt(
          raw.byteOffset + k * n * Float64Array.BYTES_PER_ELEMENT,
          idx.byteOffset + leaf.start * Int32Array.BYTES_PER_ELEMENT,
          leaf.nSamples,
          leaf.value,
        );
      }
      const t = trees.beginTree();
      addNodes(trees, tree.root, mapper, gains);
      if (validation && rawVal) {
        trees.addTreePredictionBinned(
          t,
          validation.binned,
          validation.n,
          missingBin,
          rawVal,
          k * validation.n,
          mapper.distinct,
        );
      }
    }
    nIter = iter + 1;
    if (validation && rawVal) {
      validationLoss.push(loss.loss(validation.y, rawVal));
      if (shouldStop(validationLoss, params.nIterNoChange, params.tol)) break;
    }
  }
  return new BoostedModel(baseline, trees, gains, nIter, validationLoss);
}

/** The kernel workspace of one fit (every array the WebAssembly kernels touch), its loss and its grower. */
function createTrainer(data: PreparedData, task: TaskKind, nClasses: number, params: BoostingParams) {
  const { n, p, mapper } = data;
  const K = outputsFor(task, nClasses);
  const binsPerFeature = mapper.missingBin + 1;
  const histSize = histogramSize(p, binsPerFeature);
  const poolCapacity = histogramPoolCapacity(
    params.maxLeafNodes,
    Math.floor(HISTOGRAM_POOL_BYTES / (histSize * Float64Array.BYTES_PER_ELEMENT)),
  );
  const { kernels, arrays: ws } = allocateWorkspace({
    binned: ['u8', n * p],
    y: ['f64', n],
    raw: ['f64', K * n],
    gradientPairs: ['f32', 2 * K * n],
    orderedPairs: ['f32', 2 * n],
    sampleIndices: ['i32', n],
    partitionBuffer: ['i32', n],
    lossScratch: ['f64', K],
    nBinsNonMissing: ['i32', p],
    hasMissing: ['u8', p],
    allowedFeatures: ['u8', p],
    splitResult: ['f64', SPLIT_RESULT_LENGTH],
    histograms: ['f64', poolCapacity * histSize],
  });
  ws.binned.set(data.binned);
  ws.y.set(data.yTrain);
  ws.nBinsNonMissing.set(data.nBinsNonMissing);
  ws.hasMissing.set(data.hasMissing);
  ws.allowedFeatures.fill(1);
  // at least one feature per node, as scikit-learn rounds max_features up
  const featuresPerNode = Math.max(1, Math.ceil(params.maxFeatures * p));
  const histograms = new HistogramBuilder(kernels, ws.binned, n, p, binsPerFeature, ws.orderedPairs);
  const splitter = new Splitter(
    kernels,
    {
      binned: ws.binned,
      nSamples: n,
      nFeatures: p,
      binsPerFeature,
      missingBin: mapper.missingBin,
      nBinsNonMissing: ws.nBinsNonMissing,
      hasMissing: ws.hasMissing,
      allowedFeatures: ws.allowedFeatures,
      partitionBuffer: ws.partitionBuffer,
      result: ws.splitResult,
      categoricalFeatures: data.categoricalFeatures,
    },
    {
      l2Regularization: params.l2Regularization,
      minSamplesLeaf: params.minSamplesLeaf,
      minHessianToSplit: MIN_HESSIAN_TO_SPLIT,
      minGainToSplit: 0,
      featureSampler:
        featuresPerNode < p
          ? new NodeFeatureSampler(p, featuresPerNode, new Random(params.seed + FEATURE_SAMPLING_SEED_OFFSET))
          : undefined,
    },
  );
  const grower = new TreeGrower(
    histograms,
    splitter,
    new HistogramPool(ws.histograms, histSize),
    ws.sampleIndices,
    {
      maxLeafNodes: params.maxLeafNodes,
      maxDepth: params.maxDepth,
      minSamplesLeaf: params.minSamplesLeaf,
      l2Regularization: params.l2Regularization,
      shrinkage: params.learningRate,
    },
  );
  return { kernels, ws, loss: lossFor(task, nClasses, kernels, ws.lossScratch), grower };
}

interface PreparedData {
  n: number;
  p: number;
  mapper: BinMapper;
  /** Training rows' bin codes, column-major. */
  binned: Uint8Array;
  yTrain: Float64Array;
  nBinsNonMissing: Int32Array;
  hasMissing: Uint8Array;
  /** Columns split as category sets, ascending. */
  categoricalFeatures: Int32Array;
  validation: { n: number; binned: Uint8Array; y: Float64Array } | null;
}

/**
 * Splits off the validation rows (when early stopping), learns the bins on the training rows, bins both, and
 * picks the category columns to split as sets: those whose every code has a bin of its own and that have more
 * than two codes (a threshold already splits two in every way).
 */
function prepareData(
  X: Matrix,
  y: Float64Array,
  task: TaskKind,
  params: BoostingParams,
  categorical: readonly boolean[],
): PreparedData {
  const earlyStopping =
    params.earlyStopping === 'auto' ? X.rows > AUTO_EARLY_STOPPING_ROWS : params.earlyStopping;
  const split =
    earlyStopping && X.rows >= 2 ? validationSplit(y, task, params.validationFraction, params.seed) : null;
  const mapper = new BinMapper(params.maxBins).fit(X, { seed: params.seed, rows: split?.train });
  const binnedAll = mapper.transform(X);
  const p = X.cols;
  const binned = split ? takeBinnedRows(binnedAll, X.rows, p, split.train) : binnedAll;
  const yTrain = split ? takeValues(y, split.train) : y;
  const n = yTrain.length;
  const nBinsNonMissing = new Int32Array(p);
  const hasMissing = new Uint8Array(p);
  for (let f = 0; f < p; f++) {
    nBinsNonMissing[f] = mapper.nBins(f);
    hasMissing[f] = containsCode(binned, f * n, n, mapper.missingBin) ? 1 : 0;
  }
  const validation = split
    ? {
        n: split.validation.length,
        binned: takeBinnedRows(binnedAll, X.rows, p, split.validation),
        y: takeValues(y, split.validation),
      }
    : null;
  const categoricalFeatures = Int32Array.from(
    categorical.flatMap((isCategory, f) => (isCategory && (mapper.distinct[f]?.length ?? 0) > 2 ? [f] : [])),
  );
  return { n, p, mapper, binned, yTrain, nBinsNonMissing, hasMissing, categoricalFeatures, validation };
}

/** Seeded train/validation split (stratified for classification), at least one row on each side. */
function validationSplit(
  y: Float64Array,
  task: TaskKind,
  fraction: number,
  seed: number,
): { train: Int32Array; validation: Int32Array } {
  const n = y.length;
  const nValidation = Math.min(n - 1, Math.max(1, Math.round(fraction * n)));
  const { train, test } = trainTestSplit(n, nValidation, {
    seed,
    stratify: task === 'classification' ? y : null,
  });
  return { train, validation: test };
}

/**
 * Stop when none of the last nIterNoChange losses improved on the one before them by more than tol
 * (scikit-learn's rule, on losses instead of scores).
 */
function shouldStop(losses: number[], nIterNoChange: number, tol: number): boolean {
  if (losses.length < nIterNoChange + 1) return false;
  const reference = losses[losses.length - nIterNoChange - 1] - tol;
  for (let k = losses.length - nIterNoChange; k < losses.length; k++) if (losses[k] < reference) return false;
  return true;
}

/** Appends the grown tree to the ensemble depth-first; returns the index of `node`. */
function addNodes(trees: TreeEnsemble, node: GrowerNode, mapper: BinMapper, gains: Float64Array): number {
  if (!node.left || !node.right) {
    return trees.addNode({
      feature: -1,
      threshold: 0,
      binThreshold: 0,
      missingGoLeft: false,
      value: node.value,
    });
  }
  const s = node.split;
  gains[s.feature] += s.gain;
  const k = trees.addNode(
    s.categorical
      ? {
          feature: s.feature,
          threshold: Infinity,
          binThreshold: 0,
          missingGoLeft: s.missingGoLeft,
          value: 0,
          categories: mapper.distinct[s.feature]!.filter((_, b) => s.leftBins[b] === 1),
        }
      : {
          feature: s.feature,
          threshold: mapper.threshold(s.feature, s.bin),
          binThreshold: s.bin,
          missingGoLeft: s.missingGoLeft,
          value: 0,
        },
  );
  const left = addNodes(trees, node.left, mapper, gains);
  const right = addNodes(trees, node.right, mapper, gains);
  trees.setChildren(k, left, right);
  return k;
}

function containsCode(binned: Uint8Array, base: number, n: number, code: number): boolean {
  for (let i = 0; i < n; i++) if (binned[base + i] === code) return true;
  return false;
}

/** Rows `rows` of column-major bin codes (n rows, p features), column-major. */
function takeBinnedRows(binned: Uint8Array, n: number, p: number, rows: Int32Array): Uint8Array {
  const m = rows.length;
  const out = new Uint8Array(m * p);
  for (let f = 0; f < p; f++) {
    const src = f * n;
    const dst = f * m;
    for (let k = 0; k < m; k++) out[dst + k] = binned[src + rows[k]];
  }
  return out;
}

function takeValues(v: Float64Array, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length);
  for (let k = 0; k < rows.length; k++) out[k] = v[rows[k]];
  return out;
}

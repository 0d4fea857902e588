/**
 * This module contains the boosting loop shared by the classifier and the regressor: bin the data, hold out
 * a validation set when early stopping is on, then per iteration compute gradients, grow one tree per output
 * and update the raw predictions, stopping when the validation loss stops improving.
 */
import type { Matrix } from '../../core/matrix.js';
import { Random } from '../../core/random.js';
import { BinMapper } from '../binning.js';
import { histogramPoolCapacity, TreeGrower, type GrowerNode } from './grower.js';
import { HistogramBuilder, HistogramPool, histogramSize } from './histogram.js';
import { allocateWorkspace } from './kernels.js';
import type { Loss } from './loss.js';
import { TreeEnsemble } from './predictor.js';
import { Splitter } from './splitting.js';

export interface BoostingParams {
  learningRate: number;
  maxIter: number;
  maxLeafNodes: number | null;
  maxDepth: number | null;
  minSamplesLeaf: number;
  l2Regularization: number;
  maxBins: number;
  earlyStopping: 'auto' | boolean;
  validationFraction: number;
  nIterNoChange: number;
  tol: number;
  seed: number;
}

/** What a fit produces: everything prediction and inspection need. */
export interface BoostedModel {
  baseline: Float64Array;
  trees: TreeEnsemble;
  /** Total split gain per feature (not normalised). */
  gains: Float64Array;
  /** Boosting iterations run (less than maxIter when early stopping stopped the fit). */
  nIter: number;
  /** Validation loss before the first and after each iteration (empty without early stopping). */
  validationLoss: number[];
}

/** Early stopping turns on by itself above this many rows (scikit-learn's rule). */
const AUTO_EARLY_STOPPING_ROWS = 10_000;
/** Smallest hessian sum a child may have. */
const MIN_HESSIAN_TO_SPLIT = 1e-3;
/** Memory allowed for the histogram pool beyond what the leaf limit needs (unlimited leaves, many features). */
const HISTOGRAM_POOL_BYTES = 64 * 2 ** 20;

/**
 * Fits the boosted trees. `task` decides how the validation split is drawn (stratified for classification);
 * y holds class indices for classification.
 */
export function fitBoosting(
  X: Matrix,
  y: Float64Array,
  task: 'classification' | 'regression',
  loss: Loss,
  params: BoostingParams,
): BoostedModel {
  const earlyStopping =
    params.earlyStopping === 'auto' ? X.rows > AUTO_EARLY_STOPPING_ROWS : params.earlyStopping;
  const split = earlyStopping ? validationSplit(y, task, params.validationFraction, params.seed) : null;

  const mapper = new BinMapper(params.maxBins).fit(X, { seed: params.seed, rows: split?.train });
  const binnedAll = mapper.transform(X);
  const p = X.cols;
  const binned = split ? takeBinnedRows(binnedAll, X.rows, p, split.train) : binnedAll;
  const binnedVal = split ? takeBinnedRows(binnedAll, X.rows, p, split.validation) : null;
  const yTrain = split ? takeValues(y, split.train) : y;
  const yVal = split ? takeValues(y, split.validation) : null;
  const n = yTrain.length;
  const missingBin = mapper.missingBin;

  const nBinsNonMissing = new Int32Array(p);
  const hasMissing = new Uint8Array(p);
  for (let f = 0; f < p; f++) {
    nBinsNonMissing[f] = mapper.nBins(f);
    hasMissing[f] = containsCode(binned, f * n, n, missingBin) ? 1 : 0;
  }

  const K = loss.nOutputs;
  const baseline = loss.baseline(yTrain);
  const binsPerFeature = missingBin + 1;
  const histSize = histogramSize(p, binsPerFeature);
  const poolCapacity = histogramPoolCapacity(
    params.maxLeafNodes,
    Math.floor(HISTOGRAM_POOL_BYTES / (histSize * Float64Array.BYTES_PER_ELEMENT)),
  );
  // every array the WebAssembly kernels touch lives in one workspace memory
  const { kernels, arrays: ws } = allocateWorkspace({
    binned: ['u8', n * p],
    gradients: ['f32', K * n],
    hessians: ['f32', K * n],
    orderedGradients: ['f32', n],
    orderedHessians: ['f32', n],
    sampleIndices: ['i32', n],
    partitionBuffer: ['i32', n],
    histograms: ['f64', poolCapacity * histSize],
  });
  ws.binned.set(binned);
  const { gradients, hessians } = ws;
  const raw = new Float64Array(K * n);
  for (let k = 0; k < K; k++) raw.fill(baseline[k], k * n, (k + 1) * n);

  const histograms = new HistogramBuilder(
    kernels,
    ws.binned,
    n,
    p,
    binsPerFeature,
    ws.orderedGradients,
    ws.orderedHessians,
  );
  const splitter = new Splitter(
    kernels,
    ws.binned,
    n,
    p,
    binsPerFeature,
    nBinsNonMissing,
    hasMissing,
    missingBin,
    {
      l2Regularization: params.l2Regularization,
      minSamplesLeaf: params.minSamplesLeaf,
      minHessianToSplit: MIN_HESSIAN_TO_SPLIT,
      minGainToSplit: 0,
    },
    ws.partitionBuffer,
  );
  const pool = new HistogramPool(ws.histograms, histSize);
  const grower = new TreeGrower(histograms, splitter, pool, ws.sampleIndices, {
    maxLeafNodes: params.maxLeafNodes,
    maxDepth: params.maxDepth,
    minSamplesLeaf: params.minSamplesLeaf,
    l2Regularization: params.l2Regularization,
    shrinkage: params.learningRate,
  });

  const trees = new TreeEnsemble(K);
  const gains = new Float64Array(p);
  const validationLoss: number[] = [];
  let rawVal: Float64Array | null = null;
  if (binnedVal && yVal) {
    rawVal = new Float64Array(K * yVal.length);
    for (let k = 0; k < K; k++) rawVal.fill(baseline[k], k * yVal.length, (k + 1) * yVal.length);
    validationLoss.push(loss.loss(yVal, rawVal));
  }

  let nIter = 0;
  for (let iter = 0; iter < params.maxIter; iter++) {
    loss.gradients(yTrain, raw, gradients, hessians);
    for (let k = 0; k < K; k++) {
      const tree = grower.grow(gradients.subarray(k * n, (k + 1) * n), hessians.subarray(k * n, (k + 1) * n));
      // the leaves own disjoint ranges of the sample indices: update the training predictions from them
      const idx = grower.sampleIndices;
      for (const leaf of tree.leaves) addLeafValue(raw, k * n, idx, leaf.start, leaf.end, leaf.value);
      const t = trees.beginTree();
      addNodes(trees, tree.root, mapper, gains);
      if (rawVal && binnedVal) {
        trees.addTreePredictionBinned(t, binnedVal, yVal!.length, missingBin, rawVal, k * yVal!.length);
      }
    }
    nIter = iter + 1;
    if (rawVal && yVal) {
      validationLoss.push(loss.loss(yVal, rawVal));
      if (shouldStop(validationLoss, params.nIterNoChange, params.tol)) break;
    }
  }
  return { baseline, trees, gains, nIter, validationLoss };
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
    return trees.addNode({ feature: -1, threshold: 0, binThreshold: 0, missingGoLeft: false, value: node.value });
  }
  const s = node.split;
  gains[s.feature] += s.gain;
  const k = trees.addNode({
    feature: s.feature,
    threshold: mapper.threshold(s.feature, s.bin),
    binThreshold: s.bin,
    missingGoLeft: s.missingGoLeft,
    value: 0,
  });
  const left = addNodes(trees, node.left, mapper, gains);
  const right = addNodes(trees, node.right, mapper, gains);
  trees.setChildren(k, left, right);
  return k;
}

function addLeafValue(
  raw: Float64Array,
  offset: number,
  idx: Int32Array,
  start: number,
  end: number,
  value: number,
): void {
  for (let k = start; k < end; k++) raw[offset + idx[k]] += value;
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

/**
 * Seeded train/validation split, stratified by class for classification; both index lists are sorted so
 * that the training rows keep their original order.
 */
export function validationSplit(
  y: Float64Array,
  task: 'classification' | 'regression',
  fraction: number,
  seed: number,
): { train: Int32Array; validation: Int32Array } {
  const n = y.length;
  const nVal = Math.min(n - 1, Math.max(1, Math.ceil(fraction * n)));
  const random = new Random(seed);
  const isVal = new Uint8Array(n);
  if (task === 'regression') {
    const perm = random.permutation(n);
    for (let k = 0; k < nVal; k++) isVal[perm[k]] = 1;
  } else {
    // per class, a share of nVal proportional to its size (largest remainders get the leftover rows)
    let K = 0;
    for (let i = 0; i < n; i++) if (y[i] + 1 > K) K = y[i] + 1;
    const members: number[][] = Array.from({ length: K }, () => []);
    for (let i = 0; i < n; i++) members[y[i]].push(i);
    const quota = members.map((m) => (m.length * nVal) / n);
    const take = quota.map(Math.floor);
    let left = nVal - take.reduce((a, b) => a + b, 0);
    const order = quota.map((q, c) => c).sort((a, b) => quota[b] - take[b] - (quota[a] - take[a]) || a - b);
    for (const c of order) {
      if (left === 0) break;
      if (take[c] < members[c].length) {
        take[c]++;
        left--;
      }
    }
    for (let c = 0; c < K; c++) {
      const m = Int32Array.from(members[c]);
      random.shuffle(m);
      for (let k = 0; k < take[c]; k++) isVal[m[k]] = 1;
    }
  }
  const train = new Int32Array(n - nVal);
  const validation = new Int32Array(nVal);
  let a = 0;
  let b = 0;
  for (let i = 0; i < n; i++) {
    if (isVal[i]) validation[b++] = i;
    else train[a++] = i;
  }
  return { train, validation };
}

// Histogram gradient boosting: correctness on small problems, missing values, early stopping, limits,
// determinism, and the internals (binning, histograms, grower) it is built from.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigurationError } from '../../src/core/errors.js';
import { createMatrix, type Matrix } from '../../src/core/matrix.js';
import { Random } from '../../src/core/random.js';
import { pack } from '../../src/core/serialize.js';
import { BinMapper } from '../../src/models/binning.js';
import {
  HistGradientBoostingClassifier,
  HistGradientBoostingRegressor,
} from '../../src/models/hist_gradient_boosting/gradient_boosting.js';
import {
  histogramPoolCapacity,
  TreeGrower,
  type GrowerNode,
} from '../../src/models/hist_gradient_boosting/grower.js';
import {
  HistogramBuilder,
  HistogramPool,
  histogramSize,
  STRIDE,
} from '../../src/models/hist_gradient_boosting/histogram.js';
import { allocateWorkspace } from '../../src/models/hist_gradient_boosting/kernels.js';
import { wasmBase64 } from '../../src/models/hist_gradient_boosting/kernels_wasm.js';
import { BinaryLogLoss, MultinomialLogLoss } from '../../src/models/hist_gradient_boosting/loss.js';
import {
  SPLIT_RESULT_LENGTH,
  SplitInfo,
  Splitter,
} from '../../src/models/hist_gradient_boosting/splitting.js';
import '../../src/models/families.js';
import { createModel, estimatorFromJSON } from '../../src/models/registry.js';

const here = dirname(fileURLToPath(import.meta.url));

/** rows × cols standard normal features. */
function gaussian(rows: number, cols: number, random: Random): Matrix {
  const X = createMatrix(rows, cols);
  for (let k = 0; k < X.data.length; k++) X.data[k] = random.normal();
  return X;
}

function accuracy(pred: Float64Array, y: Float64Array): number {
  let correct = 0;
  for (let i = 0; i < y.length; i++) correct += pred[i] === y[i] ? 1 : 0;
  return correct / y.length;
}

function r2(pred: Float64Array, y: Float64Array): number {
  const mean = y.reduce((a, b) => a + b, 0) / y.length;
  let res = 0;
  let tot = 0;
  for (let i = 0; i < y.length; i++) {
    res += (y[i] - pred[i]) ** 2;
    tot += (y[i] - mean) ** 2;
  }
  return 1 - res / tot;
}

/** Binary task: class 1 when x0 + x1² > 0.5 (non-linear, learnable by trees). */
function binaryTask(rows: number, seed: number): { X: Matrix; y: Float64Array } {
  const random = new Random(seed);
  const X = gaussian(rows, 4, random);
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) y[i] = X.data[i * 4] + X.data[i * 4 + 1] ** 2 > 0.5 ? 1 : 0;
  return { X, y };
}

describe('HistGradientBoostingClassifier', () => {
  it('learns a non-linear binary task', async () => {
    const train = binaryTask(1500, 1);
    const test = binaryTask(500, 2);
    const model = await new HistGradientBoostingClassifier({ maxIter: 50 }).fit(train.X, train.y);
    expect(accuracy(model.predict(test.X), test.y)).toBeGreaterThan(0.93);
    const P = model.predictProba(test.X);
    expect([P.rows, P.cols]).toEqual([500, 2]);
    for (let i = 0; i < P.rows; i++) expect(P.data[2 * i] + P.data[2 * i + 1]).toBeCloseTo(1, 12);
  });

  it('learns three classes with softmax and predicts probabilities that sum to one', async () => {
    const random = new Random(4);
    const X = gaussian(1200, 3, random);
    const y = new Float64Array(1200);
    for (let i = 0; i < 1200; i++) {
      const a = X.data[i * 3];
      y[i] = a < -0.5 ? 0 : a < 0.6 ? 1 : 2;
    }
    const model = await new HistGradientBoostingClassifier({ maxIter: 40 }).fit(X, y);
    const test = gaussian(400, 3, random);
    const yTest = Float64Array.from({ length: 400 }, (_, i) => {
      const a = test.data[i * 3];
      return a < -0.5 ? 0 : a < 0.6 ? 1 : 2;
    });
    expect(accuracy(model.predict(test), yTest)).toBeGreaterThan(0.95);
    const P = model.predictProba(test);
    expect(P.cols).toBe(3);
    for (let i = 0; i < P.rows; i++) {
      expect(P.data[3 * i] + P.data[3 * i + 1] + P.data[3 * i + 2]).toBeCloseTo(1, 12);
    }
    expect(model.nIter).toBe(40);
  });

  it('keeps a column for a class missing from the training labels', async () => {
    const { X, y } = binaryTask(300, 5);
    const model = await new HistGradientBoostingClassifier({ maxIter: 10 }).fit(X, y, { nClasses: 3 });
    const P = model.predictProba(X);
    expect(P.cols).toBe(3);
    for (let i = 0; i < P.rows; i++) expect(P.data[3 * i + 2]).toBeLessThan(1e-6);
    expect(accuracy(model.predict(X), y)).toBeGreaterThan(0.9);
  });

  it('learns a feature that is missing (NaN) exactly for one class', async () => {
    const random = new Random(6);
    const rows = 600;
    const X = gaussian(rows, 3, random); // all noise …
    const y = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      y[i] = i % 2;
      if (y[i] === 1) X.data[i * 3 + 1] = NaN; // … except where feature 1 is missing
    }
    const model = await new HistGradientBoostingClassifier({ maxIter: 10 }).fit(X, y);
    expect(accuracy(model.predict(X), y)).toBe(1);
    const fresh = gaussian(4, 3, random);
    fresh.data[1] = NaN;
    fresh.data[3 + 1] = NaN;
    expect(Array.from(model.predict(fresh))).toEqual([1, 1, 0, 0]);
    expect(model.featureImportances()[1]).toBeGreaterThan(0.9);
  });

  it('stops early on pure noise, and only looks at a validation set when asked', async () => {
    const random = new Random(7);
    const X = gaussian(2000, 5, random);
    const y = Float64Array.from({ length: 2000 }, () => random.int(2));
    const model = await new HistGradientBoostingClassifier({ earlyStopping: true }).fit(X, y);
    expect(model.nIter).toBeLessThan(40);
    expect(model.validationLoss.length).toBe(model.nIter + 1);
    const auto = await new HistGradientBoostingClassifier({ maxIter: 15 }).fit(X, y); // 'auto': off below 10,000 rows
    expect(auto.nIter).toBe(15);
    expect(auto.validationLoss).toEqual([]);
  });

  it('is deterministic for a seed, early stopping included', async () => {
    const { X, y } = binaryTask(800, 8);
    const fit = () =>
      new HistGradientBoostingClassifier({ earlyStopping: true, maxIter: 30, seed: 3 }).fit(X, y);
    const [a, b] = await Promise.all([fit(), fit()]);
    expect(a.predictProba(X).data).toEqual(b.predictProba(X).data);
    expect(JSON.stringify(a.toJSON())).toEqual(JSON.stringify(b.toJSON()));
  });

  it('round-trips through JSON, infinite thresholds and missing directions included', async () => {
    const { X, y } = binaryTask(400, 9);
    for (let i = 0; i < 400; i += 3) X.data[i * 4 + 2] = NaN;
    const model = await createModel('hist_gradient_boosting', 'classification', { maxIter: 15 }).fit(X, y);
    const copy = estimatorFromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    expect(copy.predictProba!(X).data).toEqual(model.predictProba!(X).data);
  });

  it('rejects invalid hyperparameters with a message naming them', () => {
    expect(() => new HistGradientBoostingClassifier({ maxBins: 300 })).toThrow(ConfigurationError);
    expect(() => new HistGradientBoostingClassifier({ maxBins: 300 })).toThrow(/maxBins/);
    expect(() => createModel('hist_gradient_boosting', 'classification', { maxIters: 5 })).toThrow(
      /maxIters/,
    );
  });

  it('draws the features of every node with maxFeatures, reproducibly for a seed', async () => {
    // class 1 exactly when x0 > 0; columns 1–3 are noise
    const random = new Random(21);
    const X = gaussian(600, 4, random);
    const y = Float64Array.from({ length: 600 }, (_, i) => (X.data[i * 4] > 0 ? 1 : 0));
    const stumps = { maxIter: 40, maxDepth: 1, learningRate: 0.3 };
    const rootFeatures = (model: HistGradientBoostingClassifier) => {
      const trees = model.boosted.trees;
      return Array.from(trees.roots.subarray(0, trees.nTrees), (root) => trees.feature[root]);
    };
    // every stump of the full model splits on x0; with one feature per node (a quarter of 4), stumps split on
    // whichever they drew
    const all = await new HistGradientBoostingClassifier(stumps).fit(X, y);
    expect(new Set(rootFeatures(all))).toEqual(new Set([0]));
    const sampled = await new HistGradientBoostingClassifier({ ...stumps, maxFeatures: 0.25 }).fit(X, y);
    const drawn = rootFeatures(sampled);
    expect(new Set(drawn)).toEqual(new Set([0, 1, 2, 3]));
    expect(drawn.filter((f) => f === 0).length).toBeGreaterThan(3);
    expect(accuracy(sampled.predict(X), y)).toBeGreaterThan(0.9);
    // the same seed draws the same features; another seed others
    const again = await new HistGradientBoostingClassifier({ ...stumps, maxFeatures: 0.25 }).fit(X, y);
    expect(rootFeatures(again)).toEqual(drawn);
    const other = await new HistGradientBoostingClassifier({ ...stumps, maxFeatures: 0.25, seed: 1 }).fit(
      X,
      y,
    );
    expect(rootFeatures(other)).not.toEqual(drawn);
    // maxFeatures 1 is the model without sampling, bit for bit
    const one = await new HistGradientBoostingClassifier({ ...stumps, maxFeatures: 1 }).fit(X, y);
    expect(Array.from(one.predictProba(X).data)).toEqual(Array.from(all.predictProba(X).data));
    expect(() => new HistGradientBoostingClassifier({ maxFeatures: 0 })).toThrow(/maxFeatures/);
    expect(() => new HistGradientBoostingClassifier({ maxFeatures: 1.5 })).toThrow(/maxFeatures/);
  });

  it('draws category features per node too: a sampled-out category column is not split', async () => {
    const { X, y } = categoryTask(400, 22);
    const stumps = { maxIter: 30, maxDepth: 1, learningRate: 0.3, maxFeatures: 0.5 };
    const model = await new HistGradientBoostingClassifier(stumps).fit(X, y, { categorical: [true, false] });
    const trees = model.boosted.trees;
    const roots = Array.from(trees.roots.subarray(0, trees.nTrees));
    // each stump drew one of the two columns: some split the categories as a set, some the noise column
    expect(roots.some((r) => trees.feature[r] === 0 && trees.categoryStart[r] >= 0)).toBe(true);
    expect(roots.some((r) => trees.feature[r] === 1)).toBe(true);
  });

  it("uses scikit-learn's defaults", () => {
    expect(new HistGradientBoostingClassifier().getParams()).toEqual({
      learningRate: 0.1,
      maxIter: 100,
      maxLeafNodes: 31,
      maxDepth: null,
      minSamplesLeaf: 20,
      l2Regularization: 0,
      maxBins: 255,
      maxFeatures: 1,
      earlyStopping: 'auto',
      validationFraction: 0.1,
      nIterNoChange: 10,
      tol: 1e-7,
      seed: 0,
      categoricalSplits: true,
    });
  });
});

/**
 * Column 0 holds category codes 0 … 9 (NaN in every 25th row when `missing`), column 1 noise; class 1 (or a
 * target of 1) exactly for codes 1, 4 and 7, and for missing codes.
 */
function categoryTask(rows: number, seed: number, missing = false): { X: Matrix; y: Float64Array } {
  const random = new Random(seed);
  const X = createMatrix(rows, 2);
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const code = missing && i % 25 === 0 ? NaN : random.int(10);
    X.data[2 * i] = code;
    X.data[2 * i + 1] = random.float();
    y[i] = Number.isNaN(code) || [1, 4, 7].includes(code) ? 1 : 0;
  }
  return { X, y };
}

describe('hist_gradient_boosting on category codes', () => {
  const stump = { maxIter: 1, maxDepth: 1, learningRate: 1, minSamplesLeaf: 1 };

  it('splits a column marked categorical as a set: one stump separates codes 1, 4, 7 from the rest', async () => {
    const { X, y } = categoryTask(600, 1);
    const model = await new HistGradientBoostingClassifier(stump).fit(X, y, { categorical: [true, false] });
    expect(accuracy(model.predict(X), y)).toBe(1);
    const trees = model.boosted.trees;
    expect(trees.feature[0]).toBe(0);
    // the left child holds one side of the grouping, in ascending order
    const listed = Array.from(
      trees.categoryCodes.subarray(trees.categoryStart[0], trees.categoryStart[0] + trees.categoryCount[0]),
    );
    expect([
      [1, 4, 7],
      [0, 2, 3, 5, 6, 8, 9],
    ]).toContainEqual(listed);
    // a code the model never saw goes right, as do codes between the listed ones
    const unseen = createMatrix(2, 2, Float64Array.of(12, 0.5, 4.5, 0.5));
    const right = trees.right[0];
    const rightClass = trees.value[right] > 0 ? 1 : 0;
    expect(Array.from(model.predict(unseen))).toEqual([rightClass, rightClass]);
  });

  it('splits by order without the mark, or with categoricalSplits: false', async () => {
    const { X, y } = categoryTask(600, 2);
    const unmarked = await new HistGradientBoostingClassifier(stump).fit(X, y);
    const off = await new HistGradientBoostingClassifier({ ...stump, categoricalSplits: false }).fit(X, y, {
      categorical: [true, false],
    });
    for (const model of [unmarked, off]) {
      expect(model.boosted.trees.nCategoryCodes).toBe(0);
      expect(accuracy(model.predict(X), y)).toBeLessThan(0.9);
    }
  });

  it('sends missing codes to the side that gains more, and learns with early stopping on its validation bins', async () => {
    const { X, y } = categoryTask(3000, 3, true);
    const model = await new HistGradientBoostingClassifier({ earlyStopping: true, maxIter: 30 }).fit(X, y, {
      categorical: [true, false],
    });
    expect(model.boosted.trees.nCategoryCodes).toBeGreaterThan(0);
    expect(accuracy(model.predict(X), y)).toBe(1);
    // the validation loss, read from bin codes, falls as the raw-value predictions say
    expect(model.validationLoss[model.validationLoss.length - 1]).toBeLessThan(model.validationLoss[0] / 10);
  });

  it('round-trips categorical splits through JSON, and rejects codes out of order', async () => {
    const { X, y } = categoryTask(600, 4);
    const model = await createModel('hist_gradient_boosting', 'regression', { maxIter: 5 }).fit(X, y, {
      categorical: [true, false],
    });
    const json = JSON.parse(JSON.stringify(model.toJSON()));
    expect(estimatorFromJSON(json).predict(X)).toEqual(model.predict(X));
    // swap the first two codes of a categorical node that lists two or more
    const trees = (model as HistGradientBoostingRegressor).boosted.trees;
    const node = trees.categoryStart.findIndex(
      (start, k) => k < trees.nNodes && start >= 0 && trees.categoryCount[k] > 1,
    );
    expect(node).toBeGreaterThanOrEqual(0);
    const bad = trees.categoryCodes.slice(0, trees.nCategoryCodes);
    const at = trees.categoryStart[node];
    [bad[at], bad[at + 1]] = [bad[at + 1], bad[at]];
    const tampered = JSON.parse(JSON.stringify(model.toJSON()));
    tampered.state.model.trees.categoryCodes = pack(bad);
    expect(() => estimatorFromJSON(tampered)).toThrow(/category codes must ascend/);
  });

  it('rejects categorical flags that do not match the columns', async () => {
    const { X, y } = categoryTask(100, 5);
    await expect(new HistGradientBoostingClassifier().fit(X, y, { categorical: [true] })).rejects.toThrow(
      /1 categorical flags for 2 columns/,
    );
  });
});

describe('HistGradientBoostingRegressor', () => {
  /** y = 2 sin(x0) + x1² + noise. */
  function task(rows: number, seed: number): { X: Matrix; y: Float64Array } {
    const random = new Random(seed);
    const X = gaussian(rows, 3, random);
    const y = Float64Array.from({ length: rows }, (_, i) => {
      return 2 * Math.sin(X.data[i * 3]) + X.data[i * 3 + 1] ** 2 + 0.1 * random.normal();
    });
    return { X, y };
  }

  it('fits a smooth non-linear target', async () => {
    const train = task(2000, 10);
    const test = task(500, 11);
    const model = await new HistGradientBoostingRegressor().fit(train.X, train.y);
    expect(r2(model.predict(test.X), test.y)).toBeGreaterThan(0.93);
    const importances = model.featureImportances();
    expect(importances.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(importances[2]).toBeLessThan(0.05); // the noise feature
  });

  /** A step target: y = 0 left of 0, 10 right of it. */
  const step = (rows: number) => {
    const X = createMatrix(rows, 1);
    const y = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      X.data[i] = i - rows / 2 + 0.5;
      y[i] = X.data[i] < 0 ? 0 : 10;
    }
    return { X, y };
  };

  it('applies the learning rate to each leaf (one tree: mean ± rate × half the step)', async () => {
    const { X, y } = step(200);
    const model = await new HistGradientBoostingRegressor({ maxIter: 1, learningRate: 0.5 }).fit(X, y);
    const pred = model.predict(X);
    expect(pred[0]).toBeCloseTo(5 - 0.5 * 5, 10);
    expect(pred[199]).toBeCloseTo(5 + 0.5 * 5, 10);
  });

  it('shrinks leaf values with l2Regularization', async () => {
    const { X, y } = step(200);
    const model = await new HistGradientBoostingRegressor({
      maxIter: 1,
      learningRate: 1,
      maxDepth: 1,
      l2Regularization: 100,
    }).fit(X, y);
    // each leaf holds 100 samples with gradient ∓5: value = 500 / (100 + 100)
    expect(model.predict(X)[199]).toBeCloseTo(5 + 2.5, 10);
  });

  it('honours maxLeafNodes, maxDepth and minSamplesLeaf', async () => {
    const { X, y } = task(1000, 12);
    const distinct = (a: Float64Array) => new Set(a).size;
    const leaves = await new HistGradientBoostingRegressor({ maxIter: 1, maxLeafNodes: 5 }).fit(X, y);
    expect(distinct(leaves.predict(X))).toBe(5);
    const shallow = await new HistGradientBoostingRegressor({ maxIter: 1, maxDepth: 2 }).fit(X, y);
    expect(distinct(shallow.predict(X))).toBe(4);
    const big = await new HistGradientBoostingRegressor({
      maxIter: 1,
      minSamplesLeaf: 150,
      maxLeafNodes: null,
    }).fit(X, y);
    const counts = new Map<number, number>();
    for (const v of big.predict(X)) counts.set(v, (counts.get(v) ?? 0) + 1);
    expect(Math.min(...counts.values())).toBeGreaterThanOrEqual(150);
    expect(counts.size).toBeGreaterThan(2);
  });

  it('sends a value missing only at prediction time to the larger child', async () => {
    const X = createMatrix(100, 1);
    const y = new Float64Array(100);
    for (let i = 0; i < 100; i++) {
      X.data[i] = i;
      y[i] = i < 70 ? 1 : 5; // the left child (70 rows) is the larger one
    }
    const model = await new HistGradientBoostingRegressor({ maxIter: 1, maxDepth: 1, learningRate: 1 }).fit(
      X,
      y,
    );
    const pred = model.predict(createMatrix(2, 1, Float64Array.of(NaN, 99)));
    expect(pred[0]).toBeCloseTo(1, 6); // gradients are float32
    expect(pred[1]).toBeCloseTo(5, 6);
  });

  it('stops early on a noise target', async () => {
    const random = new Random(13);
    const X = gaussian(1500, 4, random);
    const y = Float64Array.from({ length: 1500 }, () => random.normal());
    const model = await new HistGradientBoostingRegressor({ earlyStopping: true, nIterNoChange: 5 }).fit(
      X,
      y,
    );
    expect(model.nIter).toBeLessThan(30);
  });
});

describe('hist_gradient_boosting internals', () => {
  it('ships WebAssembly that matches kernels.wat', async () => {
    // @ts-expect-error plain JavaScript helper shared with the build script
    const { compileWat } = await import('../../scripts/wasm-tools.mjs');
    const wat = join(here, '../../src/models/hist_gradient_boosting/kernels.wat');
    const bytes: Uint8Array = await compileWat(wat);
    expect(Buffer.from(bytes).toString('base64')).toBe(wasmBase64);
    expect(readFileSync(wat, 'utf8')).toMatch(/^;; This module contains/);
  });

  it('computes log-loss gradients in the kernels as the formulas say, extreme scores included', () => {
    const n = 401; // odd: the last sample goes through the scalar tail
    const K = 3;
    const random = new Random(17);
    const { kernels, arrays } = allocateWorkspace({
      raw: ['f64', K * n],
      y: ['f64', n],
      gh: ['f32', 2 * K * n],
      scratch: ['f64', K],
    });
    for (let k = 0; k < K * n; k++)
      arrays.raw[k] = k % 97 === 0 ? 800 * (random.float() - 0.5) : 8 * random.normal();
    for (let i = 0; i < n; i++) arrays.y[i] = random.int(2);
    new BinaryLogLoss(kernels).gradients(arrays.y, arrays.raw.subarray(0, n), arrays.gh);
    for (let i = 0; i < n; i++) {
      const p = 1 / (1 + Math.exp(-arrays.raw[i]));
      expect(arrays.gh[2 * i]).toBe(Math.fround(p - arrays.y[i]));
      expect(arrays.gh[2 * i + 1]).toBeCloseTo(Math.fround(p * (1 - p)), 7);
    }
    for (let i = 0; i < n; i++) arrays.y[i] = random.int(K);
    new MultinomialLogLoss(K, kernels, arrays.scratch).gradients(arrays.y, arrays.raw, arrays.gh);
    for (let i = 0; i < n; i++) {
      const scores = [0, 1, 2].map((k) => arrays.raw[k * n + i]);
      const max = Math.max(...scores);
      const e = scores.map((s) => Math.exp(s - max));
      const sum = e[0] + e[1] + e[2];
      for (let k = 0; k < K; k++) {
        const p = e[k] / sum;
        expect(arrays.gh[2 * (k * n + i)]).toBeCloseTo(p - (arrays.y[i] === k ? 1 : 0), 7);
        expect(arrays.gh[2 * (k * n + i) + 1]).toBeCloseTo(p * (1 - p), 7);
      }
    }
  });

  /** A binned toy problem in a kernel workspace, with the pieces the grower needs. */
  function setup(n: number, p: number, poolCapacity: number, seed: number) {
    const random = new Random(seed);
    const X = gaussian(n, p, random);
    for (let i = 0; i < n; i += 7) X.data[i * p] = NaN;
    const mapper = new BinMapper(31).fit(X);
    const binsPerFeature = mapper.missingBin + 1;
    const size = histogramSize(p, binsPerFeature);
    const { kernels, arrays } = allocateWorkspace({
      binned: ['u8', n * p],
      gh: ['f32', 2 * n],
      ordered: ['f32', 2 * n],
      idx: ['i32', n],
      buffer: ['i32', n],
      nBins: ['i32', p],
      hasMissing: ['u8', p],
      allowed: ['u8', p],
      result: ['f64', SPLIT_RESULT_LENGTH],
      histograms: ['f64', poolCapacity * size],
    });
    arrays.binned.set(mapper.transform(X));
    for (let i = 0; i < n; i++) {
      arrays.gh[2 * i] = random.normal();
      arrays.gh[2 * i + 1] = 0.1 + random.float();
    }
    const histograms = new HistogramBuilder(kernels, arrays.binned, n, p, binsPerFeature, arrays.ordered);
    arrays.nBins.set(Int32Array.from({ length: p }, (_, f) => mapper.nBins(f)));
    arrays.hasMissing[0] = 1; // feature 0 has missing values
    arrays.allowed.fill(1);
    const splitter = new Splitter(
      kernels,
      {
        binned: arrays.binned,
        nSamples: n,
        nFeatures: p,
        binsPerFeature,
        missingBin: mapper.missingBin,
        nBinsNonMissing: arrays.nBins,
        hasMissing: arrays.hasMissing,
        allowedFeatures: arrays.allowed,
        partitionBuffer: arrays.buffer,
        result: arrays.result,
      },
      { l2Regularization: 0, minSamplesLeaf: 5, minHessianToSplit: 1e-3, minGainToSplit: 0 },
    );
    const pool = new HistogramPool(arrays.histograms, size);
    const grower = new TreeGrower(histograms, splitter, pool, arrays.idx, {
      maxLeafNodes: 16,
      maxDepth: null,
      minSamplesLeaf: 5,
      l2Regularization: 0,
      shrinkage: 0.1,
    });
    return { X, arrays, histograms, splitter, pool, grower, size, binsPerFeature };
  }

  it('builds histograms that match a direct count, and siblings by subtraction', () => {
    const n = 500;
    const p = 5;
    const { arrays, histograms, pool, size, binsPerFeature } = setup(n, p, 4, 14);
    const idx = Int32Array.from({ length: n }, (_, i) => i);
    // a left child of every third sample, as the partition would leave them: left part first
    const left = idx.filter((i) => i % 3 === 0);
    const right = idx.filter((i) => i % 3 !== 0);
    arrays.idx.set([...left, ...right]);
    const direct = (rows: Int32Array) => {
      const h = new Float64Array(size);
      for (const i of rows) {
        for (let f = 0; f < p; f++) {
          const o = (f * binsPerFeature + arrays.binned[f * n + i]) * STRIDE;
          h[o] += arrays.gh[2 * i];
          h[o + 1] += arrays.gh[2 * i + 1];
          h[o + 2] += 1;
        }
      }
      return h;
    };
    const parent = pool.acquire();
    const child = pool.acquire();
    histograms.buildRoot(parent, arrays.gh);
    histograms.build(child, arrays.idx, 0, left.length, arrays.gh);
    const expectClose = (a: Float64Array, b: Float64Array) => {
      for (let k = 0; k < size; k++) expect(a[k]).toBeCloseTo(b[k], 9);
    };
    expectClose(parent, direct(idx));
    expectClose(child, direct(left));
    histograms.subtract(parent, child);
    expectClose(parent, direct(right));
  });

  it('finds the split a brute-force search over every threshold and missing-value side finds', () => {
    const n = 2000;
    const p = 6;
    const { arrays, histograms, splitter, pool, binsPerFeature } = setup(n, p, 4, 18);
    const hist = pool.acquire();
    histograms.buildRoot(hist, arrays.gh);
    let G = 0;
    let H = 0;
    for (let i = 0; i < n; i++) {
      G += arrays.gh[2 * i];
      H += arrays.gh[2 * i + 1];
    }
    let best = { gain: -1, feature: -1, bin: -1, missingGoLeft: false };
    const score = (g: number, h: number) => (g * g) / (h + 1e-15);
    for (let f = 0; f < p; f++) {
      const at = (b: number, k: number) => hist[(f * binsPerFeature + b) * STRIDE + k];
      const nnm = arrays.nBins[f];
      const missing = arrays.hasMissing[f] === 1;
      for (const missingGoLeft of missing ? [false, true] : [false]) {
        for (let t = 0; t < nnm - (missing ? 0 : 1); t++) {
          let g = 0;
          let h = 0;
          let c = 0;
          for (let b = 0; b <= t; b++) [g, h, c] = [g + at(b, 0), h + at(b, 1), c + at(b, 2)];
          const m = binsPerFeature - 1; // the missing-value bin
          if (missingGoLeft) [g, h, c] = [g + at(m, 0), h + at(m, 1), c + at(m, 2)];
          if (c < 5 || n - c < 5 || (missingGoLeft && t === nnm - 1)) continue;
          const gain = score(g, h) + score(G - g, H - h) - score(G, H);
          if (gain > best.gain + 1e-9) best = { gain, feature: f, bin: t, missingGoLeft };
        }
      }
    }
    const split = new SplitInfo();
    expect(splitter.findBestSplit(hist, G, H, n, split)).toBe(true);
    expect([split.feature, split.bin]).toEqual([best.feature, best.bin]);
    // where training had no missing values, missing values at prediction time follow the larger child
    const expectedSide = arrays.hasMissing[best.feature] ? best.missingGoLeft : split.nLeft > split.nRight;
    expect(split.missingGoLeft).toBe(expectedSide);
    expect(split.gain).toBeCloseTo(best.gain, 6);
  });

  it('grows the same tree when a short histogram pool forces rebuilding instead of subtracting', () => {
    const shape = (node: GrowerNode): unknown =>
      node.left && node.right
        ? [node.split.feature, node.split.bin, node.split.missingGoLeft, shape(node.left), shape(node.right)]
        : Math.round(node.value * 1e9);
    const roomy = setup(3000, 6, histogramPoolCapacity(16, 1000), 15);
    const tight = setup(3000, 6, histogramPoolCapacity(1, 1), 15);
    const a = roomy.grower.grow(roomy.arrays.gh);
    const b = tight.grower.grow(tight.arrays.gh);
    expect(a.leaves.length).toBe(16);
    expect(shape(b.root)).toEqual(shape(a.root));
  });
});

describe('BinMapper (shared with the random forests)', () => {
  it('bins like a binary search over the cuts, missing values in their own bin', () => {
    const random = new Random(16);
    const n = 3000;
    const X = createMatrix(n, 4);
    for (let i = 0; i < n; i++) {
      X.data[i * 4] = random.normal();
      X.data[i * 4 + 1] = Math.round(4 * random.normal()) / 2; // few distinct values: midpoint cuts
      X.data[i * 4 + 2] = random.float() < 0.1 ? NaN : Math.exp(4 * random.normal()); // skewed, with NaN
      X.data[i * 4 + 3] = 7; // constant
    }
    const mapper = new BinMapper(255).fit(X);
    const codes = mapper.transform(X);
    expect(mapper.nBins(3)).toBe(1);
    let mismatches = 0;
    let missing = 0;
    for (let j = 0; j < 4; j++) {
      for (let i = 0; i < n; i++) {
        if (codes[j * n + i] !== mapper.binOf(mapper.cuts[j], X.data[i * 4 + j])) mismatches++;
        if (Number.isNaN(X.data[i * 4 + j]) && codes[j * n + i] === 255) missing++;
      }
    }
    expect(mismatches).toBe(0);
    expect(missing).toBeGreaterThan(200);
  });

  it("places quantile cuts like scikit-learn's averaged inverted CDF", () => {
    const n = 1020; // 4 values per bin for 255 bins
    const X = createMatrix(
      n,
      1,
      Float64Array.from({ length: n }, (_, i) => i),
    );
    const cuts = new BinMapper(255).fit(X).cuts[0];
    expect(cuts.length).toBe(254);
    expect(Array.from(cuts.subarray(0, 3))).toEqual([3.5, 7.5, 11.5]); // ranks 4, 8, 12 fall between two values
    const odd = new BinMapper(4).fit(
      createMatrix(
        10,
        1,
        Float64Array.from({ length: 10 }, (_, i) => i),
      ),
    ).cuts[0];
    expect(Array.from(odd)).toEqual([2, 4.5, 7]); // ranks 2.5, 5, 7.5: as numpy.percentile gives
  });

  it('learns bins from the given rows only', () => {
    const X = createMatrix(6, 1, Float64Array.of(0, 1, 2, 100, 200, 300));
    const cuts = new BinMapper(255).fit(X, { rows: Int32Array.of(0, 1, 2) }).cuts[0];
    expect(Array.from(cuts)).toEqual([0.5, 1.5]);
  });
});

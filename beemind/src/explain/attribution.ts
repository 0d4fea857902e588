/**
 * This module contains attributions for one fitted model over its own input columns: the raw output each
 * family is explained on (class probabilities for tree ensembles and the model-agnostic families, log-odds
 * for boosting and logistic regression, the value for regressors), and the exact methods — TreeSHAP for
 * decision trees, forests, extra trees and histogram gradient boosting, coefficients for linear models.
 * Families without an exact method return null and are explained by sampling (sampling.ts).
 */
import { ConfigurationError } from '../core/errors.js';
import { createMatrix, type Matrix } from '../core/matrix.js';
import type { Estimator } from '../models/estimator.js';
import { HistGradientBoosting } from '../models/hist_gradient_boosting/gradient_boosting.js';
import type { TreeEnsemble as BoostedTrees } from '../models/hist_gradient_boosting/predictor.js';
import { LinearRegression, Lasso, Ridge } from '../models/linear/linear_regression.js';
import { LogisticRegression } from '../models/linear/logistic_regression.js';
import type { FlatTree } from '../models/tree/flat_tree.js';
import { TreeEnsembleEstimator } from '../models/tree/tree_estimator.js';
import { coverFromRows, fractionsFromCover, treeShap, type ShapTree } from './tree_shap.js';

/** What a raw output and its attributions are measured in. */
export type Scale = 'log-odds' | 'probability' | 'value';

/** Attributions of some rows over some columns (p), for K outputs. */
export interface Attribution {
  /** Expected output per output (K). */
  base: Float64Array;
  /** Per row: K × p, output-major (values[row][k·p + j]). */
  values: Float64Array[];
  method: string;
  /** 0 for exact methods; the largest standard error of an estimate for sampling. */
  maxError: number;
}

/** Number of outputs explained: one per class for a classifier, one value for a regressor. */
export function outputCount(model: Estimator): number {
  return model.task === 'classification' ? model.nClasses : 1;
}

function isBoosting(model: Estimator): model is HistGradientBoosting {
  return model instanceof HistGradientBoosting;
}

function isTreeEnsemble(model: Estimator): model is TreeEnsembleEstimator<never> {
  return model instanceof TreeEnsembleEstimator;
}

function isLinearRegressor(model: Estimator): model is LinearRegression | Ridge | Lasso {
  return model instanceof LinearRegression || model instanceof Ridge || model instanceof Lasso;
}

/** The scale a family's raw output is on: log-odds for boosting and logistic classifiers, else natural. */
export function nativeScale(model: Estimator): Scale {
  if (model.task === 'regression') return 'value';
  return isBoosting(model) || model instanceof LogisticRegression ? 'log-odds' : 'probability';
}

/**
 * Spreads `z` (rows × outputs raw scores; one score for two classes) to one column per class: for two classes
 * the log-odds of class 1 is z and of class 0 is −z.
 */
function perClass(z: Float64Array, rows: number, outputs: number, nClasses: number): Float64Array {
  if (outputs === nClasses) return z;
  const out = new Float64Array(rows * 2);
  for (let i = 0; i < rows; i++) {
    out[2 * i] = -z[i];
    out[2 * i + 1] = z[i];
  }
  return out;
}

/** The model's raw output on `scale` for every row of X: rows × outputCount, row-major. */
export function rawOutput(model: Estimator, X: Matrix, scale: Scale): Float64Array {
  if (model.task === 'regression') return model.predict(X);
  if (scale === 'probability') return model.predictProba!(X).data;
  if (isBoosting(model)) {
    const z = model.boosted.predictRaw(X);
    return perClass(z, X.rows, z.length / Math.max(1, X.rows), model.nClasses);
  }
  if (model instanceof LogisticRegression) {
    return perClass(
      linearScores(X, model.coef, model.intercept, model.outputs),
      X.rows,
      model.outputs,
      model.nClasses,
    );
  }
  throw new ConfigurationError(
    'explain.no_log_odds',
    `${model.family} has no log-odds output; explain it on probabilities.`,
  );
}

/** intercept[k] + Σ_j X[i, j] · coef[k·p + j], rows × outputs. */
function linearScores(X: Matrix, coef: Float64Array, intercept: Float64Array, outputs: number): Float64Array {
  const out = new Float64Array(X.rows * outputs);
  const p = X.cols;
  for (let i = 0; i < X.rows; i++) {
    for (let k = 0; k < outputs; k++) {
      let s = intercept[k];
      for (let j = 0; j < p; j++) s += X.data[i * p + j] * coef[k * p + j];
      out[i * outputs + k] = s;
    }
  }
  return out;
}

/**
 * Exact attributions over the model's input columns when the family has an exact method on `scale`, else
 * null. `background` (the model's inputs for background rows) gives tree covers and linear means.
 */
export function exactAttribution(
  model: Estimator,
  X: Matrix,
  background: Matrix,
  scale: Scale,
): Attribution | null {
  if (scale !== nativeScale(model)) return null;
  if (isTreeEnsemble(model)) {
    const trees = model.trees.map((t) => fromFlatTree(t, 1 / model.trees.length, background));
    return withMethod(treeShap(trees, X, outputCount(model)), 'tree-shap (path-dependent)');
  }
  if (isBoosting(model)) return boostingShap(model, X, background);
  if (model instanceof LogisticRegression) {
    return linearShap(
      model.coef,
      model.intercept,
      model.nClasses,
      X,
      background,
      'linear (log-odds, interventional)',
    );
  }
  if (isLinearRegressor(model)) {
    return linearShap(
      model.coef,
      Float64Array.of(model.intercept),
      1,
      X,
      background,
      'linear (interventional)',
    );
  }
  return null;
}

function withMethod(result: { base: Float64Array; phi: Float64Array[] }, method: string): Attribution {
  return { base: result.base, values: result.phi, method, maxError: 0 };
}

/** A FlatTree (decision tree / forest member) as a ShapTree, its leaf values scaled by `weight`. */
export function fromFlatTree(tree: FlatTree, weight: number, background: Matrix): ShapTree {
  const n = tree.nodeCount;
  const width = tree.nOutputs;
  const values = new Float64Array(n * width);
  for (let node = 0; node < n; node++) {
    if (tree.feature[node] >= 0) continue;
    const row = tree.left[node] * width;
    for (let c = 0; c < width; c++) values[node * width + c] = weight * tree.value[row + c];
  }
  const shape = {
    feature: tree.feature,
    threshold: tree.threshold,
    left: tree.left,
    right: tree.right,
    missingLeft: tree.missingLeft,
  };
  const cover = coverFromRows(shape, background);
  return {
    ...shape,
    values,
    width,
    outputs: Int32Array.from({ length: width }, (_, c) => c),
    fraction: fractionsFromCover(shape, cover),
  };
}

/** Tree t of a boosting model (nodes roots[t] … next root − 1) as a ShapTree adding to output t mod K. */
export function fromBoostedTree(trees: BoostedTrees, t: number, background: Matrix): ShapTree {
  const start = trees.roots[t];
  const end = t + 1 < trees.nTrees ? trees.roots[t + 1] : trees.nNodes;
  const n = end - start;
  const feature = new Int32Array(n);
  const left = new Int32Array(n);
  const right = new Int32Array(n);
  const values = new Float64Array(n);
  for (let node = 0; node < n; node++) {
    const leaf = trees.left[start + node] < 0;
    feature[node] = leaf ? -1 : trees.feature[start + node];
    left[node] = leaf ? -1 : trees.left[start + node] - start;
    right[node] = leaf ? -1 : trees.right[start + node] - start;
    values[node] = leaf ? trees.value[start + node] : 0;
  }
  const categories = trees.categories;
  const shape = {
    feature,
    threshold: trees.threshold.subarray(start, end),
    left,
    right,
    missingLeft: trees.missingGoLeft.subarray(start, end),
    // node-local views; the codes' pool is shared by every tree
    categories: categories && {
      start: categories.start.subarray(start, end),
      count: categories.count.subarray(start, end),
      codes: categories.codes,
    },
  };
  const cover = coverFromRows(shape, background);
  return {
    ...shape,
    values,
    width: 1,
    outputs: Int32Array.of(t % trees.nOutputs),
    fraction: fractionsFromCover(shape, cover),
  };
}

/** TreeSHAP over a boosting model's trees on its raw (log-odds or value) scale, baseline included. */
function boostingShap(model: HistGradientBoosting, X: Matrix, background: Matrix): Attribution {
  const boosted = model.boosted;
  const K = boosted.trees.nOutputs;
  const trees: ShapTree[] = [];
  for (let t = 0; t < boosted.trees.nTrees; t++) trees.push(fromBoostedTree(boosted.trees, t, background));
  const { base, phi } = treeShap(trees, X, K);
  for (let k = 0; k < K; k++) base[k] += boosted.baseline[k];
  const attribution = { base, values: phi, method: 'tree-shap (path-dependent)', maxError: 0 };
  return model.task === 'classification' && K === 1 ? twoClasses(attribution, X.cols) : attribution;
}

/** A one-output log-odds attribution of a binary classifier as two classes: class 0 is the negation. */
function twoClasses(attribution: Attribution, p: number): Attribution {
  const { base } = attribution;
  return {
    ...attribution,
    base: Float64Array.of(-base[0], base[0]),
    values: attribution.values.map((row) => {
      const out = new Float64Array(2 * p);
      for (let j = 0; j < p; j++) {
        out[j] = -row[j];
        out[p + j] = row[j];
      }
      return out;
    }),
  };
}

/**
 * φ_j = w_j (x_j − mean_j) with the background means (the interventional Shapley values of a linear
 * function); base = the output at the mean, per output, spread to one output per class for two classes.
 */
function linearShap(
  coef: Float64Array,
  intercept: Float64Array,
  nClasses: number,
  X: Matrix,
  background: Matrix,
  method: string,
): Attribution {
  const p = X.cols;
  const outputs = intercept.length;
  const mean = new Float64Array(p);
  for (let i = 0; i < background.rows; i++) for (let j = 0; j < p; j++) mean[j] += background.data[i * p + j];
  for (let j = 0; j < p; j++) mean[j] /= background.rows;
  const base = linearScores(createMatrix(1, p, mean), coef, intercept, outputs);
  const values = [];
  for (let i = 0; i < X.rows; i++) {
    const phi = new Float64Array(outputs * p);
    for (let k = 0; k < outputs; k++) {
      for (let j = 0; j < p; j++) phi[k * p + j] = coef[k * p + j] * (X.data[i * p + j] - mean[j]);
    }
    values.push(phi);
  }
  const attribution: Attribution = { base, values, method, maxError: 0 };
  return outputs === 1 && nClasses === 2 ? twoClasses(attribution, p) : attribution;
}

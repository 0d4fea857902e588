// Shared by the exported-module tests: small trained models on the bundled datasets, their test rows as plain
// row objects, and loading a generated module in Node from a temporary file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import '../../src/models/families.js';
import { fitStack } from '../../src/automl/stacking.js';
import { TrainedModel } from '../../src/trained/trained_model.js';
import { toDataset, type Dataset } from '../../src/data/dataset.js';
import { DataFrame } from '../../src/data/data_frame.js';
import { loadDatasetAsDataset } from '../../src/data/datasets.js';
import { splitDataset } from '../../src/data/split.js';
import { defaultScorer } from '../../src/metrics/scorers.js';
import { type PipelineSpecInput } from '../../src/pipeline/spec.js';
import { pipelineFromSpec } from '../../src/pipeline/pipeline.js';
import { reviewTable, shopTable } from '../helpers/synthetic.js';

/** Not a bundled dataset: the seeded free-text table of test/helpers/synthetic.ts. */
export const REVIEWS = 'synthetic_reviews';
/** Not a bundled dataset: the seeded 60-shop table of test/helpers/synthetic.ts (two classes). */
export const SHOPS = 'synthetic_shops';

/** A model trained on the train part of a bundled dataset (or REVIEWS), and its test part. */
export interface Trained {
  model: TrainedModel;
  train: Dataset;
  test: Dataset;
}

/**
 * Fits each pipeline on 75% of `dataset` (seeded split) and combines them as a TrainedModel with equal weights,
 * the way a run's champion is built; `stacked`: as a stack, its level-2 model fit on the members' predictions on
 * the training rows (a run fits it on out-of-fold predictions; the arithmetic of predicting is the same).
 */
export async function trainOn(
  dataset: string,
  specs: PipelineSpecInput[],
  options: { stacked?: boolean } = {},
): Promise<Trained> {
  const data =
    dataset === REVIEWS
      ? toDataset(reviewTable(), { target: 'stars', name: REVIEWS })
      : dataset === SHOPS
        ? toDataset(shopTable(), { target: 'returned', name: SHOPS })
        : await loadDatasetAsDataset(dataset);
  const { train, test } = splitDataset(data, { seed: 0 });
  const members = [];
  for (const [m, spec] of specs.entries()) {
    const pipeline = await pipelineFromSpec(spec, data.task).fit(train.features, train.target.values, {
      nClasses: data.task === 'classification' ? data.nClasses : undefined,
    });
    members.push({ droneId: `d${m}`, weight: 1 / specs.length, pipeline });
  }
  let level2 = null;
  if (options.stacked) {
    const classification = data.task === 'classification';
    const candidates = members.map((m) => ({
      id: m.droneId,
      oof: classification ? m.pipeline.predictProba(train.features) : m.pipeline.predict(train.features),
    }));
    const shape = { task: data.task, nClasses: classification ? data.nClasses : 1 };
    const stack = (await fitStack(candidates, train.target.values, defaultScorer(data.task), shape, {
      seed: 0,
      msAvailable: () => Infinity,
    }))!;
    stack.members.forEach((s, m) => (members[m].weight = s.weight));
    level2 = stack.level2;
  }
  const model = new TrainedModel(
    data.task,
    level2 ? 'stack' : members.length > 1 ? 'ensemble' : 'd0',
    members,
    train.featureNames,
    data.target.classes,
    () => Promise.reject(new Error('no importance in these tests')),
    level2,
  );
  return { model, train, test };
}

/** The rows of a dataset's features as plain objects (missing values null, booleans true/false). */
export function rowObjects(data: Dataset): Record<string, unknown>[] {
  return DataFrame.fromFrame(data.features).toObjects();
}

/** A folder for one test's generated files, removed by `cleanup`. */
export function tempFolder(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'beemind-export-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true, maxRetries: 5 }) };
}

/** What a generated module exports. */
export interface LoadedModule {
  task: string;
  classes: readonly string[] | null;
  inputColumns: readonly { name: string; kind: string }[];
  predict(rows: unknown[]): (string | number)[];
  predictProba?(rows: unknown[]): number[][];
}

/** Writes module text to `dir/name.mjs` and imports it in this Node process. */
export async function importModule(dir: string, name: string, text: string): Promise<LoadedModule> {
  const file = path.join(dir, `${name}.mjs`);
  writeFileSync(file, text);
  return (await import(file)) as LoadedModule;
}

/** The library's class probabilities as one array per row (the module's predictProba shape). */
export function probabilityRows(model: TrainedModel, data: Dataset): number[][] {
  const p = model.predictProba(data);
  return Array.from({ length: p.rows }, (_, i) => Array.from(p.data.subarray(i * p.cols, (i + 1) * p.cols)));
}

/** The pipelines every family test uses: one per family and task, on a dataset that suits it. */
export interface FamilyCase {
  name: string;
  dataset: string;
  specs: PipelineSpecInput[];
  /**
   * The prediction uses only + − × ÷ and √ (IEEE-exact everywhere), so any JavaScript engine gives the same
   * bits. Otherwise it calls Math.exp, log, log1p, tanh or ** (which engines may round differently in the
   * last bit: Chromium's and Node's differ), and another engine agrees to about 1e-14 relative.
   */
  engineExact: boolean;
  /** Combined as a stack (a level-2 model over the members' outputs) rather than a weighted average. */
  stacked?: boolean;
}

const encode = { kind: 'one_hot_encoder' };

export const FAMILY_CASES: FamilyCase[] = [
  {
    name: 'decision_tree on penguins (missing values kept as NaN)',
    engineExact: true,
    dataset: 'penguins',
    specs: [{ steps: [encode], model: { family: 'decision_tree' } }],
  },
  {
    name: 'decision_tree regression on diabetes',
    engineExact: true,
    dataset: 'diabetes',
    specs: [{ model: { family: 'decision_tree', params: { maxDepth: 6 } } }],
  },
  {
    name: 'random_forest on wine',
    engineExact: true,
    dataset: 'wine',
    specs: [{ model: { family: 'random_forest', params: { nEstimators: 20 } } }],
  },
  {
    name: 'random_forest regression on diabetes',
    engineExact: true,
    dataset: 'diabetes',
    specs: [{ model: { family: 'random_forest', params: { nEstimators: 15 } } }],
  },
  {
    name: 'extra_trees on breast_cancer',
    engineExact: true,
    dataset: 'breast_cancer',
    specs: [{ model: { family: 'extra_trees', params: { nEstimators: 20 } } }],
  },
  {
    name: 'extra_trees on penguins',
    engineExact: true,
    dataset: 'penguins',
    specs: [{ steps: [encode], model: { family: 'extra_trees', params: { nEstimators: 10 } } }],
  },
  {
    name: 'hist_gradient_boosting binary on credit_default',
    engineExact: false,
    dataset: 'credit_default',
    specs: [{ model: { family: 'hist_gradient_boosting', params: { maxIter: 30 } } }],
  },
  {
    name: 'hist_gradient_boosting multiclass on penguins',
    engineExact: false,
    dataset: 'penguins',
    specs: [
      {
        steps: [{ kind: 'ordinal_encoder' }],
        model: { family: 'hist_gradient_boosting', params: { maxIter: 20, minSamplesLeaf: 5 } },
      },
    ],
  },
  {
    name: 'hist_gradient_boosting regression on diabetes',
    engineExact: true,
    dataset: 'diabetes',
    specs: [{ model: { family: 'hist_gradient_boosting', params: { maxIter: 40 } } }],
  },
  {
    name: 'logistic_regression binary on breast_cancer',
    engineExact: false,
    dataset: 'breast_cancer',
    specs: [{ steps: [{ kind: 'standard_scaler' }], model: { family: 'logistic_regression' } }],
  },
  {
    name: 'logistic_regression on iris',
    engineExact: false,
    dataset: 'iris',
    specs: [{ model: { family: 'logistic_regression', params: { penalty: 'l1', C: 0.5 } } }],
  },
  {
    name: 'logistic_regression with 10 classes on digits',
    engineExact: false,
    dataset: 'digits',
    specs: [{ model: { family: 'logistic_regression', params: { maxIter: 30 } } }],
  },
  {
    name: 'linear_regression on diabetes',
    engineExact: true,
    dataset: 'diabetes',
    specs: [{ model: { family: 'linear_regression' } }],
  },
  {
    name: 'ridge on diabetes',
    engineExact: true,
    dataset: 'diabetes',
    specs: [{ steps: [{ kind: 'standard_scaler' }], model: { family: 'ridge', params: { alpha: 3 } } }],
  },
  {
    name: 'lasso on diabetes',
    engineExact: true,
    dataset: 'diabetes',
    specs: [{ model: { family: 'lasso', params: { alpha: 0.5 } } }],
  },
  {
    name: 'knn (distance weights) on wine',
    engineExact: true,
    dataset: 'wine',
    specs: [
      {
        steps: [{ kind: 'standard_scaler' }],
        model: { family: 'knn', params: { nNeighbors: 7, weights: 'distance' } },
      },
    ],
  },
  {
    name: 'knn regression (Manhattan) on diabetes',
    engineExact: true,
    dataset: 'diabetes',
    specs: [{ model: { family: 'knn', params: { nNeighbors: 4, p: 1 } } }],
  },
  {
    name: 'knn (Minkowski 3) on iris',
    engineExact: false,
    dataset: 'iris',
    specs: [{ model: { family: 'knn', params: { p: 3 } } }],
  },
  {
    name: 'gaussian_nb on iris',
    engineExact: false,
    dataset: 'iris',
    specs: [{ model: { family: 'gaussian_nb' } }],
  },
  {
    name: 'gaussian_nb on credit_default (boolean column)',
    engineExact: false,
    dataset: 'credit_default',
    specs: [{ model: { family: 'gaussian_nb' } }],
  },
  {
    name: 'svm on iris (three classes: pairwise machines coupled)',
    engineExact: false,
    dataset: 'iris',
    specs: [{ model: { family: 'svm', params: { C: 3 } } }],
  },
  {
    name: 'svm binary on breast_cancer',
    engineExact: false,
    dataset: 'breast_cancer',
    specs: [{ model: { family: 'svm', params: { gammaFactor: 0.5 } } }],
  },
  {
    name: 'svm regression on diabetes',
    engineExact: false,
    dataset: 'diabetes',
    specs: [{ model: { family: 'svm', params: { C: 2, epsilon: 0.2 } } }],
  },
  {
    name: 'mlp on iris',
    engineExact: false,
    dataset: 'iris',
    specs: [
      {
        steps: [{ kind: 'standard_scaler' }],
        model: { family: 'mlp', params: { hiddenLayerSizes: [8], maxIter: 40, activation: 'tanh' } },
      },
    ],
  },
  {
    name: 'mlp binary on breast_cancer',
    engineExact: false,
    dataset: 'breast_cancer',
    specs: [
      {
        steps: [{ kind: 'min_max_scaler' }],
        model: { family: 'mlp', params: { hiddenLayerSizes: [6, 4], maxIter: 20 } },
      },
    ],
  },
  {
    name: 'mlp regression on diabetes',
    engineExact: false,
    dataset: 'diabetes',
    specs: [
      {
        steps: [{ kind: 'standard_scaler' }],
        model: { family: 'mlp', params: { hiddenLayerSizes: [5], maxIter: 30, activation: 'logistic' } },
      },
    ],
  },
];

/** Ensembles of pipelines that together use every preprocessing step kind. */
export const ENSEMBLE_CASES: FamilyCase[] = [
  {
    name: 'penguins: imputers, encoders, scaler, products, selection; logistic + boosting + knn',
    dataset: 'penguins',
    engineExact: false,
    specs: [
      {
        steps: [
          { kind: 'simple_imputer', params: { strategy: 'median', addIndicator: true } },
          encode,
          { kind: 'standard_scaler' },
        ],
        model: { family: 'logistic_regression' },
      },
      {
        steps: [{ kind: 'ordinal_encoder' }],
        model: { family: 'hist_gradient_boosting', params: { maxIter: 15, minSamplesLeaf: 5 } },
      },
      {
        steps: [
          { kind: 'simple_imputer' },
          { kind: 'one_hot_encoder', params: { minFrequency: 0.2 } },
          { kind: 'pairwise_products', params: { maxFeatures: 6 } },
          { kind: 'variance_threshold' },
          { kind: 'robust_scaler' },
        ],
        model: { family: 'knn' },
      },
    ],
  },
  {
    name: 'wine: log1p, binning, selection, clipped min-max; naive Bayes + logistic + mlp',
    dataset: 'wine',
    engineExact: false,
    specs: [
      {
        steps: [
          { kind: 'log1p' },
          { kind: 'robust_scaler' },
          { kind: 'mutual_info_select', params: { k: 6 } },
        ],
        model: { family: 'gaussian_nb' },
      },
      {
        steps: [
          { kind: 'quantile_binning', params: { nBins: 4, encode: 'onehot' } },
          { kind: 'model_select', params: { k: 20 } },
        ],
        model: { family: 'logistic_regression' },
      },
      {
        steps: [
          { kind: 'quantile_binning', params: { nBins: 6 } },
          { kind: 'min_max_scaler', params: { clip: true } },
        ],
        model: { family: 'mlp', params: { hiddenLayerSizes: [6], maxIter: 20 } },
      },
    ],
  },
  {
    name: 'seattle_weather: date parts, or the elapsed days alone; boosting + random forest',
    dataset: 'seattle_weather',
    engineExact: false,
    specs: [
      {
        steps: [{ kind: 'date_features' }],
        model: { family: 'hist_gradient_boosting', params: { maxIter: 20 } },
      },
      {
        steps: [{ kind: 'date_features' }, { kind: 'simple_imputer' }],
        model: { family: 'random_forest', params: { nEstimators: 10 } },
      },
      {
        steps: [{ kind: 'date_features', params: { parts: 'elapsed' } }],
        model: { family: 'hist_gradient_boosting', params: { maxIter: 20 } },
      },
    ],
  },
  {
    name: 'penguins: target means and frequencies of categories, gaps filled by regression; logistic + boosting + knn',
    dataset: 'penguins',
    engineExact: false,
    specs: [
      {
        steps: [
          { kind: 'simple_imputer', params: { strategy: 'most_frequent' } },
          { kind: 'target_encoder' },
          { kind: 'standard_scaler' },
        ],
        model: { family: 'logistic_regression' },
      },
      {
        steps: [{ kind: 'target_encoder', params: { smoothing: 3, frequency: false } }],
        model: { family: 'hist_gradient_boosting', params: { maxIter: 15 } },
      },
      {
        // rows 3 and 271 lack every measurement: the regressions fill them from island, sex and year
        steps: [
          { kind: 'simple_imputer', params: { strategy: 'iterative', addIndicator: true } },
          { kind: 'one_hot_encoder' },
          { kind: 'standard_scaler' },
        ],
        model: { family: 'knn', params: { nNeighbors: 5 } },
      },
    ],
  },
  {
    name: 'shops: boosting split on sets of the 60 shops (their codes in name order), unseen shops included',
    dataset: SHOPS,
    engineExact: false,
    specs: [
      {
        steps: [{ kind: 'ordinal_encoder' }],
        model: { family: 'hist_gradient_boosting', params: { maxIter: 15, minSamplesLeaf: 5 } },
      },
    ],
  },
  {
    name: 'shops: 60 categories in the order of their return rate, the rare ones sharing a code; boosting + forest',
    dataset: SHOPS,
    engineExact: false,
    specs: [
      {
        steps: [{ kind: 'ordinal_encoder', params: { order: 'target', minCount: 12 } }],
        model: { family: 'hist_gradient_boosting', params: { maxIter: 15 } },
      },
      {
        steps: [{ kind: 'ordinal_encoder', params: { order: 'target', smoothing: 0 } }],
        model: { family: 'random_forest', params: { nEstimators: 10 } },
      },
    ],
  },
  {
    name: 'breast_cancer stack: logistic regression on the log-odds of boosting and naive Bayes',
    dataset: 'breast_cancer',
    engineExact: false,
    stacked: true,
    specs: [
      { model: { family: 'hist_gradient_boosting', params: { maxIter: 10 } } },
      { model: { family: 'gaussian_nb' } },
    ],
  },
  {
    name: 'penguins stack: logistic regression on the log-probabilities of a forest and kNN',
    dataset: 'penguins',
    engineExact: false,
    stacked: true,
    specs: [
      {
        steps: [{ kind: 'simple_imputer' }, encode],
        model: { family: 'random_forest', params: { nEstimators: 10 } },
      },
      { steps: [{ kind: 'simple_imputer' }, encode, { kind: 'standard_scaler' }], model: { family: 'knn' } },
    ],
  },
  {
    name: 'diabetes stack: ridge on the values of boosting and kNN',
    dataset: 'diabetes',
    engineExact: false,
    stacked: true,
    specs: [
      { model: { family: 'hist_gradient_boosting', params: { maxIter: 10 } } },
      { model: { family: 'knn' } },
    ],
  },
  {
    name: 'reviews: hashed TF-IDF of free text, or the text left out; logistic + boosting',
    dataset: REVIEWS,
    engineExact: false,
    specs: [
      {
        steps: [{ kind: 'text_tfidf', params: { buckets: 32 } }, { kind: 'simple_imputer' }],
        model: { family: 'logistic_regression' },
      },
      {
        steps: [{ kind: 'text_tfidf', params: { buckets: 16, ngrams: 1 } }],
        model: { family: 'hist_gradient_boosting', params: { maxIter: 15 } },
      },
      {
        steps: [{ kind: 'drop_text' }],
        model: { family: 'hist_gradient_boosting', params: { maxIter: 10 } },
      },
    ],
  },
];

/** Lines of module text that import or require anything (static or dynamic import, require, export … from). */
export function importLines(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => /^\s*import\b|\bimport\s*\(|\brequire\s*\(|^\s*export\b[^;]*\bfrom\s*['"]/.test(line));
}

// Small fitted models of every family (with most preprocessing steps in front of them), as TrainedModel JSON
// and as model files: the material of the model-file validation and property tests.
import '../../src/models/families.js';
import { TrainedModel, type TrainedModelJSON } from '../../src/trained/trained_model.js';
import { loadDatasetAsDataset } from '../../src/data/datasets.js';
import type { Dataset } from '../../src/data/dataset.js';
import { takeFrameRows, type Frame } from '../../src/data/frame.js';
import {
  pack,
  unpackF32,
  unpackF64,
  unpackI32,
  unpackU8,
  type PackedArray,
} from '../../src/core/serialize.js';
import type { PipelineSpecInput } from '../../src/pipeline/spec.js';
import { pipelineFromSpec } from '../../src/pipeline/pipeline.js';
import { modelChecksum, type ModelFile } from '../../src/store/model_file.js';

export interface ModelCase {
  name: string;
  /** penguins (classification: missing values, categorical columns) or diabetes (regression). */
  dataset: 'penguins' | 'diabetes';
  spec: PipelineSpecInput;
}

const impute = { kind: 'simple_imputer', params: { addIndicator: true } };
const oneHot = { kind: 'one_hot_encoder', params: {} };
const ordinal = { kind: 'ordinal_encoder', params: {} };

export const MODEL_CASES: ModelCase[] = [
  {
    name: 'decision_tree',
    dataset: 'penguins',
    spec: { steps: [ordinal], model: { family: 'decision_tree', params: { maxDepth: 4 } } },
  },
  {
    name: 'random_forest',
    dataset: 'penguins',
    spec: {
      steps: [impute, oneHot],
      model: { family: 'random_forest', params: { nEstimators: 3, maxDepth: 3 } },
    },
  },
  {
    name: 'extra_trees',
    dataset: 'diabetes',
    spec: { steps: [], model: { family: 'extra_trees', params: { nEstimators: 3, maxDepth: 3 } } },
  },
  {
    name: 'hist_gradient_boosting',
    dataset: 'penguins',
    spec: {
      steps: [ordinal],
      model: { family: 'hist_gradient_boosting', params: { maxIter: 3, maxLeafNodes: 4 } },
    },
  },
  {
    name: 'hist_gradient_boosting regression',
    dataset: 'diabetes',
    spec: {
      steps: [{ kind: 'quantile_binning', params: { nBins: 4 } }],
      model: { family: 'hist_gradient_boosting', params: { maxIter: 2, maxLeafNodes: 3 } },
    },
  },
  {
    name: 'logistic_regression',
    dataset: 'penguins',
    spec: {
      steps: [impute, oneHot, { kind: 'standard_scaler', params: {} }],
      model: { family: 'logistic_regression', params: {} },
    },
  },
  {
    name: 'ridge',
    dataset: 'diabetes',
    spec: {
      steps: [
        { kind: 'log1p', params: {} },
        { kind: 'pairwise_products', params: { maxFeatures: 3 } },
      ],
      model: { family: 'ridge', params: {} },
    },
  },
  {
    name: 'knn',
    dataset: 'penguins',
    spec: {
      steps: [
        impute,
        oneHot,
        { kind: 'min_max_scaler', params: {} },
        { kind: 'variance_threshold', params: {} },
      ],
      model: { family: 'knn', params: { nNeighbors: 3 } },
    },
  },
  {
    name: 'gaussian_nb',
    dataset: 'penguins',
    spec: {
      steps: [
        impute,
        ordinal,
        { kind: 'robust_scaler', params: {} },
        { kind: 'mutual_info_select', params: { k: 4 } },
      ],
      model: { family: 'gaussian_nb', params: {} },
    },
  },
  {
    name: 'svm',
    dataset: 'diabetes',
    spec: { steps: [], model: { family: 'svm', params: { C: 2 } } },
  },
  {
    name: 'svm classification',
    dataset: 'penguins',
    spec: { steps: [impute, oneHot], model: { family: 'svm', params: {} } },
  },
  {
    name: 'mlp',
    dataset: 'diabetes',
    spec: {
      steps: [
        { kind: 'standard_scaler', params: {} },
        { kind: 'model_select', params: { k: 5, modelParams: { nEstimators: 3 } } },
      ],
      model: { family: 'mlp', params: { hiddenLayerSizes: [3], maxIter: 3 } },
    },
  },
  {
    name: 'mlp classification',
    dataset: 'penguins',
    spec: {
      steps: [impute, oneHot],
      model: { family: 'mlp', params: { hiddenLayerSizes: [4], maxIter: 3 } },
    },
  },
];

const datasets = new Map<string, Promise<Dataset>>();

/** The (cached) dataset of a case, cut to its first rows of every class so fits stay quick. */
export function caseData(name: ModelCase['dataset']): Promise<Dataset> {
  if (!datasets.has(name)) datasets.set(name, loadDatasetAsDataset(name));
  return datasets.get(name)!;
}

/** Rows to predict in the tests: a few of every kind (penguins rows with missing values included). */
export async function predictRows(name: ModelCase['dataset']) {
  const data = await caseData(name);
  return takeFrameRows(
    data.features,
    [0, 3, 50, 150, 200, 300].filter((i) => i < data.rows),
  );
}

/** Fits the case's pipeline and wraps it as a one-member TrainedModel. */
export async function fitCase(c: ModelCase): Promise<TrainedModel> {
  const data = await caseData(c.dataset);
  const pipeline = await pipelineFromSpec(c.spec, data.task).fit(data.features, data.target.values, {
    nClasses: data.nClasses || undefined,
  });
  return new TrainedModel(
    data.task,
    'd1',
    [{ droneId: 'd1', weight: 1, pipeline }],
    data.featureNames,
    data.target.classes,
    () => Promise.reject(new Error('no importance in these tests')),
  );
}

export interface FittedCase {
  name: string;
  /** The fitted model's JSON, as it travels in a file. */
  json: TrainedModelJSON;
  /** A few rows of the case's dataset to predict. */
  rows: Frame;
}

/** Every case of MODEL_CASES fitted, with rows to predict. */
export async function fitCases(): Promise<FittedCase[]> {
  const out: FittedCase[] = [];
  for (const c of MODEL_CASES) {
    out.push({ name: c.name, json: modelJSON(await fitCase(c)), rows: await predictRows(c.dataset) });
  }
  return out;
}

/** The model's JSON as it travels in a file (a deep copy). */
export function modelJSON(model: TrainedModel): TrainedModelJSON {
  return JSON.parse(JSON.stringify(model.toJSON()));
}

/** A model file holding `model` (JSON form), with a checksum that matches it. */
export function modelFile(model: TrainedModelJSON, name = 'm'): ModelFile {
  return {
    format: 'beemind.model-file',
    version: 1,
    name,
    modelVersion: 1,
    stage: 'none',
    tags: {},
    description: '',
    createdAt: '2024-01-01T00:00:00.000Z',
    source: { runId: null, droneId: null, metric: null, score: null, testScore: null, dataset: null },
    sha256: modelChecksum(model),
    model,
  };
}

const packed = {
  f64: [unpackF64, Float64Array],
  i32: [unpackI32, Int32Array],
  u8: [unpackU8, Uint8Array],
  f32: [unpackF32, Float32Array],
} as const;

/**
 * Rewrites the packed array at `obj[key]` in place, keeping its dtype: `change` edits its values (or returns
 * new ones).
 */
export function editPacked(
  obj: Record<string | number, unknown>,
  key: string | number,
  change: (values: number[]) => number[] | void,
): void {
  const dtype = (obj[key] as PackedArray).dtype as keyof typeof packed;
  const [unpack, Typed] = packed[dtype];
  const values = Array.from(unpack(obj[key] as PackedArray));
  obj[key] = pack(Typed.from(change(values) ?? values));
}

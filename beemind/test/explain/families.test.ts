// Attributions over every model family and several pipelines (imputer with indicators, one-hot, ordinal,
// binning, scalers, selectors, pairwise products): base + Σ attributions reproduces the model's raw output
// (probabilities, log-odds whose softmax is predictProba, or the value) within 1e-9 relative; exact methods
// where the family has one; plain row objects explain as the frame does.
import '../../src/models/families.js';
import type { TrainedModel } from '../../src/trained/trained_model.js';
import type { Explanation } from '../../src/explain/explanation.js';
import { rowObject } from '../../src/explain/rows.js';
import { caseData, fitCase, MODEL_CASES, predictRows } from '../helpers/model_files.js';

/** The model's output the attributions must add up to, per row and output, on the explanation's scale. */
function check(
  model: TrainedModel,
  explanation: Explanation,
  rows: Parameters<TrainedModel['predict']>[0],
): void {
  const n = explanation.values.length;
  const K = explanation.outputs.length;
  const p = explanation.columns.length;
  expect(explanation.columns).toEqual([...model.featureNames]);
  for (const row of explanation.values) {
    expect(row).toHaveLength(K);
    for (const v of row) expect(v).toHaveLength(p);
  }
  if (model.task === 'regression') {
    const predicted = model.predictRaw(rows);
    for (let i = 0; i < n; i++) expect(explanation.output(i, 0)).toBeCloseTo(predicted[i], 9);
    for (let i = 0; i < n; i++)
      expect(Math.abs(explanation.output(i, 0) - predicted[i])).toBeLessThanOrEqual(
        1e-9 * (1 + Math.abs(predicted[i])),
      );
    return;
  }
  const proba = model.predictProba(rows);
  for (let i = 0; i < n; i++) {
    const out = Array.from({ length: K }, (_, k) => explanation.output(i, k));
    let expected = out;
    if (explanation.scale === 'log-odds') {
      // softmax of the per-class log-odds (for two classes: ±z, whose softmax is the sigmoid of 2z… so use z)
      const logits = K === 2 ? [0, out[1]] : out;
      const max = Math.max(...logits);
      const e = logits.map((z) => Math.exp(z - max));
      const sum = e.reduce((a, b) => a + b, 0);
      expected = e.map((v) => v / sum);
    }
    for (let k = 0; k < K; k++)
      expect(Math.abs(expected[k] - proba.data[i * K + k])).toBeLessThanOrEqual(1e-9);
  }
}

const EXACT: Record<string, RegExp> = {
  decision_tree: /^tree-shap/,
  random_forest: /^tree-shap/,
  extra_trees: /^tree-shap/,
  hist_gradient_boosting: /^tree-shap/,
  'hist_gradient_boosting regression': /^tree-shap/,
  logistic_regression: /^linear/,
  // pairwise products mix columns: the whole pipeline is explained over the user's 10 columns, exactly
  ridge: /^exact Shapley over 10 columns/,
  knn: /^exact Shapley/,
  gaussian_nb: /^exact Shapley/,
  svm: /^exact Shapley/,
  'svm classification': /^exact Shapley/,
  mlp: /^exact Shapley/,
  'mlp classification': /^exact Shapley/,
};

describe.each(MODEL_CASES.map((c) => [c.name, c] as const))('%s', (name, c) => {
  let model: TrainedModel;
  beforeAll(async () => {
    model = await fitCase(c);
  });

  test('base + Σ attributions = the raw output on every row (rows with missing values included)', async () => {
    const data = await caseData(c.dataset);
    const rows = await predictRows(c.dataset);
    const explanation = await model.explain(rows, { background: data, backgroundSize: 40 });
    expect(explanation.method).toMatch(EXACT[name]);
    expect(explanation.maxError).toBe(0);
    expect(explanation.base).toHaveLength(explanation.outputs.length);
    check(model, explanation, rows);
  });

  test('plain row objects explain exactly as the frame does', async () => {
    const data = await caseData(c.dataset);
    const rows = await predictRows(c.dataset);
    const objects = Array.from({ length: rows.rows }, (_, i) => rowObject(rows, i));
    const options = { background: data, backgroundSize: 20 };
    const fromFrame = await model.explain(rows, options);
    const fromObjects = await model.explain(objects, options);
    expect(fromObjects.toJSON()).toEqual(fromFrame.toJSON());
  });
});

describe('sampling for many columns', () => {
  test('permutation Shapley on 30 columns: seeded, exact local accuracy, a stated standard error', async () => {
    const { loadDatasetAsDataset } = await import('../../src/data/datasets.js');
    const { pipelineFromSpec } = await import('../../src/pipeline/pipeline.js');
    const { TrainedModel } = await import('../../src/trained/trained_model.js');
    const { takeFrameRows } = await import('../../src/data/frame.js');
    const data = await loadDatasetAsDataset('breast_cancer');
    const pipeline = await pipelineFromSpec(
      {
        steps: [{ kind: 'standard_scaler', params: {} }],
        model: { family: 'knn', params: { nNeighbors: 5 } },
      },
      data.task,
    ).fit(data.features, data.target.values, { nClasses: data.nClasses });
    const model = new TrainedModel(
      data.task,
      'k',
      [{ droneId: 'k', weight: 1, pipeline }],
      data.featureNames,
      data.target.classes,
      () => Promise.reject(new Error('unused')),
    );
    const rows = takeFrameRows(data.features, [0, 100, 400]);
    const options = { background: data, backgroundSize: 20, permutations: 40, seed: 5 };
    const explanation = await model.explain(rows, options);
    expect(explanation.method).toMatch(/^permutation \(n=80, antithetic, 20 background rows, seed=5\)/);
    expect(explanation.maxError).toBeGreaterThan(0);
    expect(explanation.maxError).toBeLessThan(0.2);
    check(model, explanation, rows);
    // the same seed gives the same attributions; another seed other ones
    expect((await model.explain(rows, options)).toJSON()).toEqual(explanation.toJSON());
    expect((await model.explain(rows, { ...options, seed: 6 })).toJSON().values).not.toEqual(
      explanation.toJSON().values,
    );
  });
});

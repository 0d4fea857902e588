// Property: for a pipeline drawn at random (imputer, encoder, optional scaler / binning / pairwise products /
// selector, any family for the task) fitted on seeded data with missing values and a categorical column,
// base + Σ attributions equals the model's raw output on every explained row, within 1e-9 relative; exact
// methods report 0 error, sampling a positive one.
import fc from 'fast-check';
import '../../src/models/families.js';
import { TrainedModel } from '../../src/trained/trained_model.js';
import { Random } from '../../src/core/random.js';
import { createFrame, takeFrameRows, type Frame } from '../../src/data/frame.js';
import type { Task } from '../../src/core/task.js';
import { pipelineFromSpec } from '../../src/pipeline/pipeline.js';

function data(task: Task, seed: number): { frame: Frame; y: Float64Array } {
  const rng = new Random(seed);
  const n = 120;
  const cols = Array.from({ length: 4 }, () => new Float64Array(n));
  const kind: (string | null)[] = [];
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (const c of cols) c[i] = rng.normal();
    kind.push(rng.float() < 0.1 ? null : rng.choice(['u', 'v', 'w']));
    const s = cols[0][i] - cols[1][i] * cols[2][i] + (kind[i] === 'u' ? 1 : 0);
    y[i] = task === 'regression' ? s : s > 0 ? 1 : i % 3 === 0 ? 2 : 0;
    if (rng.float() < 0.15) cols[rng.int(4)][i] = NaN;
  }
  const frame = createFrame([
    ...cols.map((values, j) => ({ name: `x${j}`, kind: 'numeric' as const, values })),
    { name: 'kind', kind: 'categorical' as const, values: kind },
  ]);
  return { frame, y };
}

const FAMILIES: Record<Task, string[]> = {
  classification: [
    'decision_tree',
    'random_forest',
    'extra_trees',
    'hist_gradient_boosting',
    'logistic_regression',
    'knn',
    'gaussian_nb',
  ],
  regression: [
    'decision_tree',
    'random_forest',
    'extra_trees',
    'hist_gradient_boosting',
    'linear_regression',
    'ridge',
    'lasso',
    'knn',
  ],
};
const SMALL: Record<string, Record<string, unknown>> = {
  random_forest: { nEstimators: 4 },
  extra_trees: { nEstimators: 4 },
  hist_gradient_boosting: { maxIter: 8 },
};

const specArb = fc.record({
  task: fc.constantFrom<Task>('classification', 'regression'),
  familyIndex: fc.nat(),
  encoder: fc.constantFrom('one_hot_encoder', 'ordinal_encoder'),
  extra: fc.subarray(['standard_scaler', 'quantile_binning', 'pairwise_products', 'variance_threshold'], {
    maxLength: 2,
  }),
  seed: fc.nat(1000),
  rows: fc.uniqueArray(fc.nat(119), { minLength: 1, maxLength: 4 }),
});

test('base + Σ attributions = the raw output for random pipelines of every family', async () => {
  await fc.assert(
    fc.asyncProperty(specArb, async ({ task, familyIndex, encoder, extra, seed, rows }) => {
      const family = FAMILIES[task][familyIndex % FAMILIES[task].length];
      const { frame, y } = data(task, seed);
      const steps = [
        { kind: 'simple_imputer', params: { addIndicator: true } },
        { kind: encoder, params: {} },
        ...extra.map((kind) => ({ kind, params: kind === 'pairwise_products' ? { maxFeatures: 3 } : {} })),
      ];
      const nClasses = task === 'classification' ? 3 : undefined;
      const pipeline = await pipelineFromSpec(
        { steps, model: { family, params: SMALL[family] ?? {} } },
        task,
      ).fit(frame, y, { nClasses });
      const classes = task === 'classification' ? ['a', 'b', 'c'] : null;
      const names = frame.columns.map((c) => c.name);
      const model = new TrainedModel(task, 'd', [{ droneId: 'd', weight: 1, pipeline }], names, classes, () =>
        Promise.reject(new Error('unused')),
      );
      const explained = takeFrameRows(frame, rows);
      const explanation = await model.explain(explained, { background: frame, backgroundSize: 12, seed });
      expect(explanation.columns).toEqual(names);
      const K = explanation.outputs.length;
      if (task === 'regression') {
        const predicted = model.predictRaw(explained);
        rows.forEach((_, i) =>
          expect(Math.abs(explanation.output(i, 0) - predicted[i])).toBeLessThanOrEqual(
            1e-9 * (1 + Math.abs(predicted[i])),
          ),
        );
      } else {
        const proba = model.predictProba(explained).data;
        rows.forEach((_, i) => {
          const out = Array.from({ length: K }, (__, k) => explanation.output(i, k));
          let p = out;
          if (explanation.scale === 'log-odds') {
            const max = Math.max(...out);
            const e = out.map((z) => Math.exp(z - max));
            const total = e.reduce((a, b) => a + b, 0);
            p = e.map((v) => v / total);
          }
          for (let k = 0; k < K; k++) expect(Math.abs(p[k] - proba[i * K + k])).toBeLessThanOrEqual(1e-9);
        });
      }
      // 5 user columns: pipelines that mix columns are explained by exact enumeration, the rest exactly too
      expect(explanation.maxError).toBe(0);
      if (extra.includes('pairwise_products'))
        expect(explanation.method).toMatch(/^exact Shapley over 5 columns/);
    }),
    { numRuns: 40, seed: 21 },
  );
}, 120_000);

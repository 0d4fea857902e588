// Properties of attributions on synthetic data: a column the trees never split on gets exactly zero; symmetric
// columns get equal attributions; histogram gradient boosting follows missing-value branches exactly; binary
// classifiers on log-odds; weighted ensembles (probabilities for classifiers, values for regressors); the
// background a model keeps; errors that say what to do.
import fc from 'fast-check';
import '../../src/models/families.js';
import { TrainedModel } from '../../src/trained/trained_model.js';
import { BeeMindError, DataError } from '../../src/core/errors.js';
import { Random } from '../../src/core/random.js';
import { createFrame, takeFrameRows, type Column, type Frame } from '../../src/data/frame.js';
import type { Task } from '../../src/core/task.js';
import { Pipeline } from '../../src/pipeline/pipeline.js';
import { type PipelineSpecInput } from '../../src/pipeline/spec.js';
import { pipelineFromSpec } from '../../src/pipeline/pipeline.js';

interface Synthetic {
  frame: Frame;
  y: Float64Array;
  classes: string[] | null;
}

/**
 * `rows` rows of columns a, b, c (numeric), d (a copy of c: symmetric with it), noise (unused by the target),
 * colour (categorical); the target depends on a, b, c + d and colour. Some a values are missing.
 */
function synthetic(task: Task, rows = 300, seed = 1, missing = 0.1): Synthetic {
  const rng = new Random(seed);
  const a = new Float64Array(rows);
  const b = new Float64Array(rows);
  const c = new Float64Array(rows);
  const noise = new Float64Array(rows);
  const colour: string[] = [];
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    a[i] = rng.normal();
    b[i] = rng.normal();
    c[i] = rng.normal();
    noise[i] = rng.normal();
    colour.push(rng.choice(['red', 'green', 'blue']));
    const signal = (Number.isNaN(a[i]) ? 1 : a[i]) + 2 * b[i] - c[i] + (colour[i] === 'red' ? 1.5 : 0);
    if (rng.float() < missing) a[i] = NaN;
    y[i] = task === 'regression' ? signal + 0.1 * rng.normal() : signal > 0.5 ? 1 : 0;
  }
  const columns: Column[] = [
    { name: 'a', kind: 'numeric', values: a },
    { name: 'b', kind: 'numeric', values: b },
    { name: 'c', kind: 'numeric', values: c },
    { name: 'd', kind: 'numeric', values: c.slice() },
    { name: 'noise', kind: 'numeric', values: noise },
    { name: 'colour', kind: 'categorical', values: colour },
  ];
  return { frame: createFrame(columns), y, classes: task === 'classification' ? ['no', 'yes'] : null };
}

async function model(
  task: Task,
  specs: PipelineSpecInput[],
  data: Synthetic,
  weights?: number[],
): Promise<TrainedModel> {
  const members = [];
  for (const [m, spec] of specs.entries()) {
    const pipeline = await pipelineFromSpec(spec, task).fit(data.frame, data.y, {
      nClasses: data.classes ? 2 : undefined,
    });
    members.push({ droneId: `d${m}`, weight: weights?.[m] ?? 1 / specs.length, pipeline });
  }
  return new TrainedModel(
    task,
    members.length > 1 ? 'ensemble' : 'd0',
    members,
    data.frame.columns.map((c) => c.name),
    data.classes,
    () => Promise.reject(new Error('unused')),
  );
}

const withoutColour = (f: Frame): Frame => createFrame(f.columns.filter((c) => c.name !== 'colour'));
const oneHot = { kind: 'one_hot_encoder', params: {} };
const impute = { kind: 'simple_imputer', params: { addIndicator: true } };

/** |base + Σ − expected| within 1e-9 relative for every row and output. */
function expectOutputs(
  explanation: Awaited<ReturnType<TrainedModel['explain']>>,
  expected: (i: number, k: number) => number,
): void {
  explanation.values.forEach((_, i) => {
    explanation.outputs.forEach((__, k) => {
      const want = expected(i, k);
      expect(Math.abs(explanation.output(i, k) - want)).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(want)));
    });
  });
}

describe('attribution properties', () => {
  test('a column no tree splits on gets exactly zero; one-hot columns sum back to their column', async () => {
    const data = synthetic('regression');
    const m = await model(
      'regression',
      [{ steps: [oneHot], model: { family: 'decision_tree', params: { maxDepth: 3 } } }],
      data,
    );
    const pipeline = m.members[0].pipeline;
    const used = new Set<string>();
    const names = pipeline.featureNames();
    const tree = (pipeline.model as unknown as { trees: { feature: Int32Array }[] }).trees[0];
    for (const f of tree.feature) if (f >= 0) used.add(names[f].split('=')[0]);
    const explanation = await m.explain(takeFrameRows(data.frame, [0, 1, 2, 3, 4, 5]), {
      background: data.frame,
    });
    expect(used.has('noise')).toBe(false);
    expect(used.size).toBeLessThan(6);
    explanation.columns.forEach((column, j) => {
      for (const row of explanation.values) if (!used.has(column)) expect(row[0][j]).toBe(0);
    });
    expectOutputs(explanation, (i) => m.predictRaw(takeFrameRows(data.frame, [i]))[0]);
  });

  test('symmetric columns (d is a copy of c) get equal attributions: exactly for sampling, closely for ridge', async () => {
    const data = synthetic('regression', 200, 2, 0);
    const frame = withoutColour(data.frame);
    const numeric = { ...data, frame };
    const knn = await model(
      'regression',
      [{ steps: [], model: { family: 'knn', params: { nNeighbors: 5 } } }],
      numeric,
    );
    const ridge = await model(
      'regression',
      [{ steps: [], model: { family: 'ridge', params: { alpha: 1 } } }],
      numeric,
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 199 }), async (i) => {
        const rows = takeFrameRows(frame, [i]);
        const byKnn = await knn.explain(rows, { background: frame, backgroundSize: 30 });
        expect(byKnn.values[0][0][2]).toBe(byKnn.values[0][0][3]);
        const byRidge = await ridge.explain(rows, { background: frame });
        expect(byRidge.values[0][0][2]).toBeCloseTo(byRidge.values[0][0][3], 6);
      }),
      { numRuns: 8, seed: 4 },
    );
  });

  test('histogram gradient boosting: rows with missing values follow the missing branch, exactly', async () => {
    const data = synthetic('regression', 400, 3, 0.3);
    const m = await model(
      'regression',
      [
        {
          steps: [oneHot],
          model: { family: 'hist_gradient_boosting', params: { maxIter: 20, minSamplesLeaf: 5 } },
        },
      ],
      data,
    );
    const missingRows = Array.from({ length: data.frame.rows }, (_, i) => i).filter((i) =>
      Number.isNaN(data.frame.columns[0].values[i] as number),
    );
    expect(missingRows.length).toBeGreaterThan(50);
    const rows = takeFrameRows(data.frame, missingRows.slice(0, 20));
    const explanation = await m.explain(rows, { background: data.frame });
    expect(explanation.method).toMatch(/^tree-shap/);
    const predicted = m.predictRaw(rows);
    expectOutputs(explanation, (i) => predicted[i]);
    // a itself is missing in these rows, yet it still carries an attribution: the missing branch differs from
    // where the background goes
    expect(explanation.values.some((row) => row[0][0] !== 0)).toBe(true);
  });

  test('histogram gradient boosting split on category sets: TreeSHAP adds up to the output exactly', async () => {
    const data = synthetic('regression', 400, 12);
    const m = await model(
      'regression',
      [
        {
          steps: [{ kind: 'ordinal_encoder' }],
          model: { family: 'hist_gradient_boosting', params: { maxIter: 20, minSamplesLeaf: 5 } },
        },
      ],
      data,
    );
    const boosting = m.members[0].pipeline.model as unknown as {
      boosted: { trees: { nCategoryCodes: number } };
    };
    expect(boosting.boosted.trees.nCategoryCodes).toBeGreaterThan(0);
    // a colour the model never saw takes the ordinal encoder's unseen code and the right branch of set splits
    const unseen = createFrame(
      data.frame.columns.map((c) =>
        c.kind === 'categorical' ? { ...c, values: c.values.map((v, i) => (i % 4 === 0 ? 'violet' : v)) } : c,
      ),
    );
    const rows = takeFrameRows(
      unseen,
      Array.from({ length: 30 }, (_, i) => i),
    );
    const explanation = await m.explain(rows, { background: data.frame });
    expect(explanation.method).toMatch(/^tree-shap/);
    const predicted = m.predictRaw(rows);
    expectOutputs(explanation, (i) => predicted[i]);
  });

  test.each([
    ['hist_gradient_boosting', /^tree-shap/],
    ['logistic_regression', /^linear \(log-odds/],
  ])(
    'binary %s on log-odds: class 0 is the negation of class 1, and the sigmoid gives predictProba',
    async (family, method) => {
      const data = synthetic('classification', 300, 5);
      const steps =
        family === 'logistic_regression'
          ? [impute, oneHot, { kind: 'standard_scaler', params: {} }]
          : [oneHot];
      const m = await model('classification', [{ steps, model: { family, params: {} } }], data);
      const rows = takeFrameRows(data.frame, [0, 7, 9, 20]);
      const explanation = await m.explain(rows, { background: data.frame });
      expect(explanation.scale).toBe('log-odds');
      expect(explanation.method).toMatch(method);
      expect(explanation.outputs).toEqual(['no', 'yes']);
      const proba = m.predictProba(rows);
      explanation.values.forEach((row, i) => {
        row[0].forEach((v, j) => expect(v + row[1][j]).toBe(0));
        expect(1 / (1 + Math.exp(-explanation.output(i, 1)))).toBeCloseTo(proba.data[2 * i + 1], 12);
      });
    },
  );

  test('a classifier ensemble is explained on probabilities: weighted sum of its members', async () => {
    const data = synthetic('classification', 300, 6);
    const specs = [
      { steps: [oneHot], model: { family: 'random_forest', params: { nEstimators: 5, maxDepth: 4 } } },
      { steps: [oneHot], model: { family: 'hist_gradient_boosting', params: { maxIter: 10 } } },
      { steps: [impute, oneHot], model: { family: 'gaussian_nb', params: {} } },
    ];
    const m = await model('classification', specs, data, [0.5, 0.3, 0.2]);
    expect(m.isEnsemble).toBe(true);
    const rows = takeFrameRows(data.frame, [1, 2, 3]);
    const explanation = await m.explain(rows, { background: data.frame, backgroundSize: 25 });
    expect(explanation.scale).toBe('probability');
    expect(explanation.method).toMatch(/^weighted sum over 3 members: tree-shap.*exact Shapley/);
    const proba = m.predictProba(rows);
    expectOutputs(explanation, (i, k) => proba.data[i * 2 + k]);
    // the members' attributions add up across classes to 0 (probabilities sum to 1 in every coalition)
    for (const row of explanation.values) row[0].forEach((v, j) => expect(v + row[1][j]).toBeCloseTo(0, 12));
  });

  test('a regressor ensemble is explained on values: weighted sum of its members', async () => {
    const data = synthetic('regression', 300, 7);
    const specs = [
      { steps: [oneHot], model: { family: 'extra_trees', params: { nEstimators: 4 } } },
      { steps: [impute, oneHot], model: { family: 'ridge', params: {} } },
    ];
    const m = await model('regression', specs, data, [0.7, 0.3]);
    const rows = takeFrameRows(data.frame, [4, 5, 6, 8]);
    const explanation = await m.explain(rows, { background: data.frame });
    expect(explanation.scale).toBe('value');
    expect(explanation.maxError).toBe(0);
    const predicted = m.predictRaw(rows);
    expectOutputs(explanation, (i) => predicted[i]);
  });

  test('background: the model keeps one, or the explained rows serve; one row alone is refused with the fix', async () => {
    const data = synthetic('regression', 200, 8);
    const m = await model(
      'regression',
      [{ steps: [oneHot], model: { family: 'decision_tree', params: { maxDepth: 4 } } }],
      data,
    );
    const one = takeFrameRows(data.frame, [3]);
    await expect(m.explain(one)).rejects.toThrow(DataError);
    await expect(m.explain(one)).rejects.toThrow(/pass \{ background: trainingRows \}/);
    m.background = data.frame;
    const kept = await m.explain(one);
    const given = await m.explain(one, { background: data.frame });
    expect(kept.toJSON()).toEqual(given.toJSON());
    const many = await m.explain(takeFrameRows(data.frame, [0, 1, 2, 3, 4]), {
      background: takeFrameRows(data.frame, [0, 1, 2, 3, 4]),
    });
    m.background = null;
    expect((await m.explain(takeFrameRows(data.frame, [0, 1, 2, 3, 4]))).toJSON()).toEqual(many.toJSON());
  });

  test('bad input is refused with a BeeMindError that names the problem', async () => {
    const data = synthetic('regression', 100, 9);
    const m = await model(
      'regression',
      [{ steps: [oneHot], model: { family: 'decision_tree', params: {} } }],
      data,
    );
    await expect(m.explain(data.frame, { permutations: 0 })).rejects.toThrow(
      /permutations must be a positive integer/,
    );
    await expect(m.explain([{ a: 'x', b: 1, c: 1, d: 1, noise: 0, colour: 'red' }])).rejects.toThrow(
      /column "a": expected a number/,
    );
    await expect(m.explain([7 as unknown as Record<string, unknown>, {}])).rejects.toThrow(
      /row 0 is not an object/,
    );
    await expect(m.explain([])).rejects.toThrow(BeeMindError);
    const explanation = await m.explain(data.frame);
    expect(() => explanation.waterfall(100)).toThrow(/row 100 is not one of the 100 explained rows/);
    expect(() => explanation.output(0, 3)).toThrow(/output 3 does not exist/);
  });

  test.each(['linear_regression', 'lasso'])(
    '%s is explained exactly from its coefficients: φ = w (x − mean)',
    async (family) => {
      const data = synthetic('regression', 200, 11);
      const m = await model('regression', [{ steps: [impute, oneHot], model: { family, params: {} } }], data);
      const rows = takeFrameRows(data.frame, [0, 1, 2, 3]);
      const explanation = await m.explain(rows, { background: data.frame });
      expect(explanation.method).toBe('linear (interventional)');
      const predicted = m.predictRaw(rows);
      expectOutputs(explanation, (i) => predicted[i]);
      // b enters the model through one coefficient: its attribution is w_b (x_b − mean b)
      const pipeline = m.members[0].pipeline;
      const w = (pipeline.model as unknown as { coef: Float64Array }).coef[
        pipeline.featureNames().indexOf('b')
      ];
      const b = data.frame.columns[1].values as Float64Array;
      const mean = b.reduce((s, v) => s + v, 0) / b.length;
      explanation.values.forEach((row, i) => expect(row[0][1]).toBeCloseTo(w * (b[i] - mean), 10));
    },
  );

  test('a pipeline without steps on numeric columns explains its model directly', async () => {
    const data = synthetic('regression', 150, 10);
    const frame = withoutColour(data.frame);
    const pipeline = await new Pipeline(
      [],
      (await import('../../src/models/registry.js')).createModel('random_forest', 'regression', {
        nEstimators: 3,
      }),
    ).fit(frame, data.y);
    const m = new TrainedModel(
      'regression',
      'rf',
      [{ droneId: 'rf', weight: 1, pipeline }],
      frame.columns.map((c) => c.name),
      null,
      () => Promise.reject(new Error('unused')),
    );
    const rows = takeFrameRows(frame, [0, 1]);
    const explanation = await m.explain(rows, { background: frame });
    const predicted = m.predictRaw(rows);
    expectOutputs(explanation, (i) => predicted[i]);
  });
});

// Stacking: the level-2 inputs, a level-2 model that learns what a weighted average cannot, its own
// out-of-fold score, and a run whose champion is a stack (predictions, model files, explanations).
import '../../src/models/families.js';
import { selectEnsemble } from '../../src/automl/ensemble.js';
import { evolve } from '../../src/automl/evolve.js';
import { fitStack } from '../../src/automl/stacking.js';
import { TrainedModel } from '../../src/trained/trained_model.js';
import { createMatrix } from '../../src/core/matrix.js';
import { loadDatasetAsDataset } from '../../src/data/datasets.js';
import { getScorer } from '../../src/metrics/scorers.js';
import { stackColumnNames, stackInputs } from '../../src/pipeline/stack.js';

describe('stack inputs', () => {
  it('are the log-odds of two classes, the log-probabilities of more, and values for regression', () => {
    const binary = stackInputs([Float64Array.of(0.5, 0.5, 0.1, 0.9), Float64Array.of(1, 0, 0, 1)], 2, {
      task: 'classification',
      nClasses: 2,
    });
    expect(binary.columns.map((c) => c.name)).toEqual(['m0', 'm1']);
    expect(Array.from(binary.columns[0].values as Float64Array)).toEqual(
      [0, Math.log(9)].map((v) => expect.closeTo(v, 12)),
    );
    // certain probabilities are clipped, so the log-odds stay finite
    expect(Array.from(binary.columns[1].values as Float64Array).every(Number.isFinite)).toBe(true);

    const three = stackInputs([Float64Array.of(0.2, 0.3, 0.5)], 1, { task: 'classification', nClasses: 3 });
    expect(three.columns.map((c) => c.name)).toEqual(['m0.c0', 'm0.c1', 'm0.c2']);
    expect(three.columns.map((c) => c.values[0])).toEqual(
      [0.2, 0.3, 0.5].map((p) => expect.closeTo(Math.log(p), 12)),
    );

    const values = stackInputs([Float64Array.of(1.5, -2)], 2, { task: 'regression', nClasses: 1 });
    expect(Array.from(values.columns[0].values as Float64Array)).toEqual([1.5, -2]);
    expect(stackColumnNames(2, { task: 'regression', nClasses: 1 })).toEqual(['m0', 'm1']);
  });
});

describe('fitStack', () => {
  const n = 200;
  const y = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 10);

  it('rescales members where any weighted average is stuck with their scale (regression)', async () => {
    const doubled = y.map((v) => 2 * v + 3);
    const noisy = y.map((v, i) => v + 8 * Math.cos(i * 1.3));
    const candidates = [
      { id: 'doubled', oof: doubled },
      { id: 'noisy', oof: noisy },
    ];
    const r2 = getScorer('r2', 'regression');
    const stack = (await fitStack(
      candidates,
      y,
      r2,
      { task: 'regression', nClasses: 1 },
      { seed: 0, msAvailable: () => Infinity },
    ))!;
    const average = selectEnsemble(candidates, y, r2)!;
    expect(stack.score).toBeGreaterThan(0.99);
    expect(stack.score).toBeGreaterThan(average.score + 0.3);
    expect(stack.members.map((m) => m.id)).toEqual(['doubled', 'noisy']);
    expect(stack.members[0].weight).toBeGreaterThan(stack.members[1].weight);
    expect(stack.members.reduce((s, m) => s + m.weight, 0)).toBeCloseTo(1, 12);
    // the out-of-fold output is the level-2 model's own cross-validation, not its fit on every row
    const fitted = stack.level2.predict(
      stackInputs([doubled, noisy], n, { task: 'regression', nClasses: 1 }),
    );
    expect(Array.from(stack.oof)).not.toEqual(Array.from(fitted));
  });

  it('learns to reverse a member that ranks the classes backwards (classification)', async () => {
    const labels = Float64Array.from({ length: n }, (_, i) => (Math.sin(i * 0.91) > 0 ? 1 : 0));
    const backwards = new Float64Array(n * 2);
    const unsure = new Float64Array(n * 2).fill(0.5);
    labels.forEach((c, i) => {
      const p1 = c === 1 ? 0.3 - 0.1 * Math.abs(Math.cos(i)) : 0.7 + 0.1 * Math.abs(Math.sin(i));
      backwards[i * 2] = 1 - p1;
      backwards[i * 2 + 1] = p1;
    });
    const candidates = [
      { id: 'backwards', oof: createMatrix(n, 2, backwards) },
      { id: 'unsure', oof: createMatrix(n, 2, unsure) },
    ];
    const accuracy = getScorer('accuracy', 'classification');
    const shape = { task: 'classification' as const, nClasses: 2 };
    const stack = (await fitStack(candidates, labels, accuracy, shape, {
      seed: 0,
      msAvailable: () => Infinity,
    }))!;
    expect(selectEnsemble(candidates, labels, accuracy)!.score).toBeLessThan(0.5);
    expect(stack.score).toBe(1);
    expect(stack.oof).toHaveLength(n * 2);
  });

  it('gives up when its cross-validation would not fit in the time available, or with one member', async () => {
    const r2 = getScorer('r2', 'regression');
    const shape = { task: 'regression' as const, nClasses: 1 };
    const two = [
      { id: 'a', oof: y },
      { id: 'b', oof: y.map((v) => v + 1) },
    ];
    expect(await fitStack(two, y, r2, shape, { seed: 0, msAvailable: () => 0 })).toBeNull();
    expect(
      await fitStack(two.slice(0, 1), y, r2, shape, { seed: 0, msAvailable: () => Infinity }),
    ).toBeNull();
  });

  it('does not even try a first level-2 fit that its cost estimate says cannot fit (many classes, many rows)', async () => {
    const rows = 3000;
    const classes = 27;
    const labels = Float64Array.from({ length: rows }, (_, i) => i % classes);
    const uniform = () => createMatrix(rows, classes, new Float64Array(rows * classes).fill(1 / classes));
    const candidates = Array.from({ length: 8 }, (_, m) => ({ id: `d${m}`, oof: uniform() }));
    const accuracy = getScorer('accuracy', 'classification');
    let asked = 0;
    const stack = await fitStack(
      candidates,
      labels,
      accuracy,
      { task: 'classification', nClasses: classes },
      {
        seed: 0,
        msAvailable: () => (asked++, 1000),
      },
    );
    expect(stack).toBeNull();
    // asked once, before any fit: a first fit would have been timed and the time available asked again
    expect(asked).toBe(1);
  });
});

describe('a run whose champion is a stack', () => {
  // Naive Bayes and decision trees are badly calibrated, so under log loss a logistic regression on their log-odds
  // beats both the best drone and their greedy average (seed 9 with this budget; fixed evaluations make it repeatable).
  const options = {
    budget: { evaluations: 12 },
    seed: 9,
    metric: 'log_loss',
    families: ['gaussian_nb', 'decision_tree'],
    workers: 0,
    store: false as const,
    importance: false,
  };

  it('is chosen by its out-of-fold score, predicts through its level-2 model, and survives a model file', async () => {
    const data = await loadDatasetAsDataset('breast_cancer');
    const run = await evolve(data, options);
    const finished = run.finished;
    expect(finished.championId).toBe('stack');
    expect(finished.ensemble?.kind).toBe('stack');
    expect(finished.ensemble!.score).toBeLessThan(finished.leaderboard[0].score); // log loss: lower is better
    // the summary names the stack apart from the best drone, whose score it is not
    expect(String(run)).toMatch(
      /best drone d\d+ \w+ log_loss=[\d.]+ \(always "\w+": [\d.]+\), champion a stack of \d+ drones log_loss=[\d.]+ out of fold/,
    );
    expect(finished.ensemble!.members.reduce((s, m) => s + m.weight, 0)).toBeCloseTo(1, 12);
    expect(finished.testScore).not.toBeNull();

    const model = run.champion;
    expect(model.id).toBe('stack');
    expect(model.level2?.model.family).toBe('logistic_regression');
    expect(model.members.map((m) => m.droneId)).toEqual(finished.ensemble!.members.map((m) => m.id));
    const proba = model.predictProba(data);
    for (let i = 0; i < proba.rows; i++) expect(proba.data[i * 2] + proba.data[i * 2 + 1]).toBeCloseTo(1, 12);
    // not the weighted average of the members: the level-2 model decides
    const average = new Float64Array(proba.data.length);
    for (const m of model.members)
      m.pipeline.predictProba(data.features).data.forEach((p, i) => (average[i] += m.weight * p));
    expect(Array.from(proba.data)).not.toEqual(Array.from(average));

    const loaded = TrainedModel.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    expect(loaded.id).toBe('stack');
    expect(Array.from(loaded.predictProba(data).data)).toEqual(Array.from(proba.data));
    expect(loaded.predict(data)).toEqual(model.predict(data));

    // a damaged file is refused, naming what is wrong
    const json = model.toJSON();
    expect(() => TrainedModel.fromJSON({ ...json, members: json.members.slice(0, 1) })).toThrow(
      /level2 combines several members/,
    );
    expect(() => TrainedModel.fromJSON({ ...json, members: [...json.members, json.members[0]] })).toThrow(
      /level2.* takes the columns/,
    );

    // explained as a whole by sampling: the attributions add up to the stack's probabilities
    const rows = data.subset(Int32Array.of(0, 1));
    const why = await model.explain(rows, {
      background: data.subset(Int32Array.from({ length: 20 }, (_, i) => i * 7)),
      permutations: 8,
    });
    expect(why.method).toMatch(/^stack of \d+ members by logistic_regression/);
    const p = model.predictProba(rows);
    why.values.forEach((perClass, i) =>
      perClass.forEach((phi, k) =>
        expect(why.base[k] + phi.reduce((a, b) => a + b, 0)).toBeCloseTo(p.data[i * 2 + k], 9),
      ),
    );
  }, 120_000);

  it('is not built when stacking is off', async () => {
    const run = await evolve(await loadDatasetAsDataset('breast_cancer'), { ...options, stacking: false });
    expect(run.finished.championId).not.toBe('stack');
    expect(run.finished.ensemble?.kind ?? 'greedy').toBe('greedy');
    expect(run.champion.level2).toBeNull();
  }, 120_000);
});

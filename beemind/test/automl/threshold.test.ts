// Decision thresholds: for a binary task under a metric that weighs both classes alike, evolve tunes the
// threshold on the champion's out-of-fold probabilities when it beats predicting the more probable class; the
// model applies it in predict (not in predictProba), keeps it in its model file, and an exported module too.
import { evolve } from '../../src/automl/evolve.js';
import { tuneThreshold } from '../../src/automl/threshold.js';
import { TrainedModel } from '../../src/trained/trained_model.js';
import { ProtocolError } from '../../src/core/errors.js';
import { DataFrame } from '../../src/data/data_frame.js';
import { loadDataset } from '../../src/data/datasets.js';
import { exportModule } from '../../src/export/module.js';
import { getScorer } from '../../src/metrics/scorers.js';
import { importModule, tempFolder } from '../export/helpers.js';

const balanced = getScorer('balanced_accuracy', 'classification');

describe('tuning a threshold', () => {
  it('finds the threshold that separates a rare class predicted with low probabilities', () => {
    // class 1 (10 of 100 rows) gets probabilities 0.30–0.39, class 0 gets 0.00–0.29
    const y = Float64Array.from({ length: 100 }, (_, i) => (i < 10 ? 1 : 0));
    const p = Float64Array.from({ length: 100 }, (_, i) => (i < 10 ? 0.3 + i / 100 : ((i - 10) % 30) / 100));
    const tuned = tuneThreshold(p, y, balanced)!;
    expect(tuned.untuned).toBe(0.5); // every row predicted 0
    expect(tuned.score).toBe(1);
    expect(tuned.threshold).toBe(0.3);
  });

  it('keeps the more probable class when no threshold does better', () => {
    const y = Float64Array.of(0, 0, 1, 1);
    expect(tuneThreshold(Float64Array.of(0.1, 0.2, 0.8, 0.9), y, balanced)).toBeNull();
  });
});

describe('a tuned champion', () => {
  const folder = tempFolder();
  afterAll(() => folder.cleanup());

  it('predicts with its threshold, round-trips it through JSON and an exported module', async () => {
    const data = await loadDataset('credit_default');
    const families = ['hist_gradient_boosting', 'logistic_regression', 'random_forest'];
    const run = await evolve(data, {
      target: 'default',
      metric: 'balanced_accuracy',
      families,
      budget: { evaluations: 6 },
      seed: 0,
      store: false,
      workers: 0,
    });
    const model = run.champion;
    const threshold = model.decisionThreshold!;
    expect(threshold).toBeGreaterThan(0);
    expect(threshold).toBeLessThan(0.5);
    const rows = data.head(400);
    const p = model.predictProba(rows);
    const expected = Array.from(
      { length: p.rows },
      (_, i) => model.classes![p.data[i * 2 + 1] >= threshold ? 1 : 0],
    );
    expect(model.predict(rows)).toEqual(expected);
    expect(expected).toContain(model.classes![1]);

    const loaded = TrainedModel.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    expect(loaded.decisionThreshold).toBe(threshold);
    expect(loaded.predict(rows)).toEqual(expected);
    const module = await importModule(folder.dir, 'tuned', exportModule(model));
    expect(module.predict(DataFrame.fromFrame(rows.drop(['default'])).toObjects())).toEqual(expected);
  }, 180_000);

  it('is refused from a model file with a threshold outside [0, 1] or on more than two classes', async () => {
    const run = await evolve(await loadDataset('iris'), {
      target: 'species',
      budget: { evaluations: 2 },
      seed: 0,
      store: false,
      workers: 0,
    });
    const json = run.champion.toJSON();
    expect(() => TrainedModel.fromJSON({ ...json, decisionThreshold: 0.3 })).toThrow(
      /decisionThreshold is for binary classifiers only/,
    );
    const binary = (
      await evolve(await loadDataset('breast_cancer'), {
        target: 'diagnosis',
        budget: { evaluations: 2 },
        seed: 0,
        store: false,
        workers: 0,
      })
    ).champion.toJSON();
    expect(() => TrainedModel.fromJSON({ ...binary, decisionThreshold: 1.5 })).toThrow(ProtocolError);
    expect(TrainedModel.fromJSON({ ...binary, decisionThreshold: 0.25 }).decisionThreshold).toBe(0.25);
  }, 120_000);
});

// Many categories: the default space offers out-of-fold target encoding (with frequencies) when a categorical
// column has 16 or more categories, the portfolio tries it early, and the search learns the category's effect.
import { evolve } from '../../src/automl/evolve.js';
import { toDataset } from '../../src/data/dataset.js';
import { splitDataset } from '../../src/data/split.js';
import { accuracy } from '../../src/metrics/classification.js';
import { loadDataset } from '../../src/data/datasets.js';
import { shopTable } from '../helpers/synthetic.js';
import { dataTraits } from '../../src/automl/parts.js';
import { getScorer } from '../../src/metrics/scorers.js';
import { cat, frame, num } from '../helpers/frames.js';

const quick = { workers: 0, seed: 2, importance: false, store: false, testSize: 0 } as const;

describe('high-cardinality categories', () => {
  it('are target-encoded by some drones, and the champion learns the shops\' return rates', async () => {
    const data = toDataset(shopTable(), { target: 'returned' });
    const { train, test } = splitDataset(data, { seed: 0 });
    const run = await evolve(train, { ...quick, budget: { evaluations: 12 }, families: ['hist_gradient_boosting', 'logistic_regression'] });
    const encoded = run.drones.filter((d) => d.genome.steps.some((s) => s.kind === 'target_encoder'));
    expect(encoded.length).toBeGreaterThan(0);
    expect(encoded.some((d) => d.status === 'ok')).toBe(true);
    // two classes have one target order: the portfolio also numbers the shops by their return rate
    const ordered = run.drones.filter((d) => d.genome.steps.some((s) => s.kind === 'ordinal_encoder' && s.params.order === 'target'));
    expect(ordered.some((d) => d.status === 'ok')).toBe(true);
    // the shop decides the return rate (0.1 or 0.8): knowing it gives about 0.85 accuracy, the majority class 0.55
    expect(accuracy(test.target.values, run.champion.predictRaw(test))).toBeGreaterThan(0.75);
  });

  it('are not offered target encoding when every category column is small', async () => {
    const penguins = toDataset(await loadDataset('penguins'), { target: 'species' });
    // the space's preprocessing is what is looked at: the quick families offer it as the slow ones would
    const run = await evolve(penguins, {
      ...quick,
      budget: { evaluations: 16 },
      families: ['hist_gradient_boosting', 'logistic_regression', 'knn', 'random_forest'],
    });
    expect(run.drones.some((d) => d.genome.steps.some((s) => s.kind === 'target_encoder'))).toBe(false);
  });

  it('are offered in target order for regression and two classes, not for more classes', () => {
    const cities = Array.from({ length: 80 }, (_, i) => `city ${i % 20}`);
    const traits = (y: number[], task: 'regression' | 'classification') =>
      dataTraits(toDataset(frame(cat('city', cities), num('y', y)), { target: 'y', task }), getScorer(task === 'regression' ? 'r2' : 'accuracy'));
    expect(traits(cities.map((_, i) => i), 'regression')).toMatchObject({ manyCategories: true, orderedCategories: true });
    expect(traits(cities.map((_, i) => i % 2), 'classification')).toMatchObject({ manyCategories: true, orderedCategories: true });
    expect(traits(cities.map((_, i) => i % 3), 'classification')).toMatchObject({ manyCategories: true, orderedCategories: false });
  });
});

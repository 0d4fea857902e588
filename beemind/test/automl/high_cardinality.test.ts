// Many categories: the default space offers out-of-fold target encoding (with frequencies) when a categorical
// column has 16 or more categories, the portfolio tries it early, and the search learns the category's effect.
// Without missing values or categories, the imputer's and the encoder's settings are not searched at all.
import { evolve } from '../../src/automl/evolve.js';
import { toDataset } from '../../src/data/dataset.js';
import { splitDataset } from '../../src/data/split.js';
import { accuracy } from '../../src/metrics/classification.js';
import { loadDataset, loadDatasetAsDataset } from '../../src/data/datasets.js';
import { shopTable } from '../helpers/synthetic.js';
import { defaultStepSlots } from '../../src/search/default_space.js';
import { hp } from '../../src/search/space/types.js';
import { dataTraits } from '../../src/automl/parts.js';
import { getScorer } from '../../src/metrics/scorers.js';
import { cat, frame, num } from '../helpers/frames.js';

const quick = { workers: 0, seed: 2, importance: false, store: false, testSize: 0 } as const;

describe('high-cardinality categories', () => {
  it("are target-encoded by some drones, and the champion learns the shops' return rates", async () => {
    const data = toDataset(shopTable(), { target: 'returned' });
    const { train, test } = splitDataset(data, { seed: 0 });
    const run = await evolve(train, {
      ...quick,
      budget: { evaluations: 12 },
      families: ['hist_gradient_boosting', 'logistic_regression'],
    });
    const encoded = run.drones.filter((d) => d.genome.steps.some((s) => s.kind === 'target_encoder'));
    expect(encoded.length).toBeGreaterThan(0);
    expect(encoded.some((d) => d.status === 'ok')).toBe(true);
    // two classes have one target order: the portfolio also numbers the shops by their return rate
    const ordered = run.drones.filter((d) =>
      d.genome.steps.some((s) => s.kind === 'ordinal_encoder' && s.params.order === 'target'),
    );
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
      dataTraits(
        toDataset(frame(cat('city', cities), num('y', y)), { target: 'y', task }),
        getScorer(task === 'regression' ? 'r2' : 'accuracy'),
      );
    expect(
      traits(
        cities.map((_, i) => i),
        'regression',
      ),
    ).toMatchObject({ manyCategories: true, orderedCategories: true });
    expect(
      traits(
        cities.map((_, i) => i % 2),
        'classification',
      ),
    ).toMatchObject({ manyCategories: true, orderedCategories: true });
    expect(
      traits(
        cities.map((_, i) => i % 3),
        'classification',
      ),
    ).toMatchObject({ manyCategories: true, orderedCategories: false });
  });
});

describe('settings that would change nothing are not searched', () => {
  const traitsOf = (f: ReturnType<typeof frame>) =>
    dataTraits(toDataset(f, { target: 'y', task: 'regression' }), getScorer('r2'));
  const y = num('y', [1, 2, 3, 4, 5, 6]);

  it('reads whether a value is missing and whether a category column reaches the encoder', () => {
    expect(traitsOf(frame(num('a', [1, 2, 3, 4, 5, 6]), y))).toMatchObject({
      missing: false,
      categories: false,
    });
    expect(traitsOf(frame(num('a', [1, NaN, 3, 4, 5, 6]), y))).toMatchObject({
      missing: true,
      categories: false,
    });
    expect(traitsOf(frame(cat('c', ['u', 'v', null, 'u', 'v', 'u']), y))).toMatchObject({
      missing: true,
      categories: true,
    });
    // dates have a slot of their own, which turns them into numbers before the encoder
    expect(
      traitsOf(
        frame(
          cat('d', ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-06']),
          y,
        ),
      ),
    ).toMatchObject({
      dates: true,
      categories: false,
      // nor are they free text, though an ISO date has three words
      text: false,
    });
    const notes = cat('note', [
      'a quiet room',
      'a noisy room',
      'clean and quiet',
      'a room with a view',
      'far too loud',
      'quiet at night',
    ]);
    expect(traitsOf(frame(notes, num('a', [1, 2, 3, 4, 5, 6]), y))).toMatchObject({ text: true });
    // with nothing but text, it cannot be left out
    expect(traitsOf(frame(notes, y))).toMatchObject({ text: 'only' });
  });

  it('fixes the imputer without missing values and the encoder without categories', () => {
    const slots = (options: { missing?: boolean; categories?: boolean }) =>
      Object.fromEntries(defaultStepSlots(options).map((slot) => [slot.name, slot.choices]));
    const plain = slots({ missing: false, categories: false });
    expect(plain.imputer).toEqual({
      simple_imputer: { strategy: hp.constant('median'), addIndicator: hp.constant(false) },
    });
    expect(plain.encoder).toEqual({ ordinal_encoder: {} });
    // by default (traits unknown), both are searched
    const full = slots({});
    expect(Object.keys(full.encoder)).toEqual(['one_hot_encoder', 'ordinal_encoder']);
    expect(full.imputer.simple_imputer).toMatchObject({ strategy: { type: 'categorical' } });
  });

  it('so a run on numbers without gaps evaluates each model once, not once per imputer and encoder', async () => {
    const data = await loadDatasetAsDataset('diabetes');
    const run = await evolve(data, {
      workers: 0,
      seed: 0,
      importance: false,
      store: false,
      budget: { evaluations: 30 },
    });
    for (const d of run.drones) {
      expect(d.genome.steps.find((s) => s.kind === 'simple_imputer')?.params).toEqual({
        strategy: 'median',
        addIndicator: false,
      });
      expect(d.genome.steps.some((s) => s.kind === 'one_hot_encoder' || s.kind === 'target_encoder')).toBe(
        false,
      );
    }
  });
});

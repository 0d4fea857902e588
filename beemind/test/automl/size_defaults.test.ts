// Cost-aware defaults: validation and successive halving follow the number of search rows unless the caller
// chooses them, and the run records what it used (so a resume keeps it).
import { evolve } from '../../src/automl/evolve.js';
import { DEFAULT_HALVING, halvingFor, validationFor } from '../../src/automl/options.js';
import { loadDataset } from '../../src/data/datasets.js';
import { toDataset, type Dataset } from '../../src/data/dataset.js';

describe('size-dependent defaults', () => {
  it('use 5 folds on small data, 3 folds from 5,000 rows and a 20% holdout from 50,000', () => {
    expect(validationFor(150)).toEqual({ folds: 5 });
    expect(validationFor(4_999)).toEqual({ folds: 5 });
    expect(validationFor(5_000)).toEqual({ folds: 3 });
    expect(validationFor(49_999)).toEqual({ folds: 3 });
    expect(validationFor(50_000)).toEqual({ holdout: 0.2 });
  });

  it('turn successive halving on from 2,000 search rows', () => {
    expect(halvingFor(1_999)).toBe(false);
    expect(halvingFor(2_000)).toEqual(DEFAULT_HALVING);
  });
});

describe('evolve() with the defaults', () => {
  let credit: Dataset;
  let iris: Dataset;
  beforeAll(async () => {
    credit = toDataset(await loadDataset('credit_default'), { target: 'default' });
    iris = toDataset(await loadDataset('iris'), { target: 'species' });
  });
  const quick = {
    families: ['decision_tree'],
    workers: 0,
    seed: 1,
    ensemble: false,
    importance: false,
    store: false,
  } as const;

  it('prunes on data fractions and scores on 3 folds for 8,000 search rows, and records both', async () => {
    const run = await evolve(credit, { ...quick, budget: { evaluations: 6 } });
    expect(run.started.config.validation).toEqual({ folds: 3 });
    expect(run.started.config.successiveHalving).toEqual(DEFAULT_HALVING);
    const fractions = new Set(run.drones.map((d) => d.fraction));
    expect(Math.min(...fractions)).toBeCloseTo(1 / 9);
    expect(run.drones.some((d) => d.status === 'pruned')).toBe(true);
    for (const d of run.drones.filter((d) => d.status === 'ok')) {
      expect(d.fraction).toBe(1);
      expect(d.foldScores).toHaveLength(3);
    }
  });

  it('keeps what the caller chose, and the plain defaults on small data', async () => {
    const chosen = await evolve(credit, {
      ...quick,
      budget: { evaluations: 2 },
      validation: { folds: 4 },
      successiveHalving: false,
    });
    expect(chosen.started.config.validation).toEqual({ folds: 4 });
    expect(chosen.started.config.successiveHalving).toBe(false);
    expect(chosen.drones.every((d) => d.fraction === 1 && d.foldScores.length === 4)).toBe(true);

    const small = await evolve(iris, { ...quick, budget: { evaluations: 2 } });
    expect(small.started.config.validation).toEqual({ folds: 5 });
    expect(small.started.config.successiveHalving).toBe(false);
  });

  it("repeats cross-validation on new shuffles when asked, averaging each row's out-of-fold predictions", async () => {
    const once = await evolve(iris, {
      ...quick,
      budget: { evaluations: 1 },
      testSize: 0,
      validation: { folds: 3 },
    });
    const twice = await evolve(iris, {
      ...quick,
      budget: { evaluations: 1 },
      testSize: 0,
      validation: { folds: 3, repeats: 2 },
    });
    expect(twice.started.config.validation).toEqual({ folds: 3, repeats: 2 });
    const [a, b] = [once.drones[0], twice.drones[0]];
    expect(b.genome).toEqual(a.genome);
    // the first repeat is the split of a run without repeats; the second shuffles the rows anew
    expect(b.foldScores).toHaveLength(6);
    expect(b.foldScores.slice(0, 3)).toEqual(a.foldScores);
    expect(b.foldScores.slice(3)).not.toEqual(a.foldScores);
    // one averaged prediction per row: the confusion matrix counts every search row once
    const { matrix } = await twice.confusionMatrix(b.id);
    expect(matrix.flat().reduce((s, n) => s + n, 0)).toBe(iris.rows);
  });

  it('reads out-of-fold predictions on the holdout rows alone when validating on a holdout', async () => {
    const run = await evolve(iris, {
      ...quick,
      budget: { evaluations: 2 },
      testSize: 0,
      validation: { holdout: 0.2 },
    });
    const { matrix } = await run.confusionMatrix(run.drones[0].id);
    // 30 holdout rows of 150: the other rows were never predicted out of fold
    expect(matrix.flat().reduce((s, n) => s + n, 0)).toBe(30);
    expect(matrix.flat().reduce((s, n) => s + n, 0) - matrix.reduce((s, row, i) => s + row[i], 0)).toBe(
      Math.round(30 * (1 - run.drones[0].score!)),
    );
  });
});

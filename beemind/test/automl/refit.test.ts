// The delivered champion learns from every row given to evolve: it is scored on the test rows as fit on the
// search rows (run.testScore), then refit on all rows, as scikit-learn refits after a held-out check.
import { evolve } from '../../src/automl/evolve.js';
import { loadDataset } from '../../src/data/datasets.js';
import { toDataset, type Dataset } from '../../src/data/dataset.js';
import { pipelineFromSpec } from '../../src/pipeline/pipeline.js';
import { accuracy } from '../../src/metrics/classification.js';
import { trainTestSplit } from '../../src/data/split.js';

let wine: Dataset;
beforeAll(async () => {
  wine = toDataset(await loadDataset('wine'), { target: 'cultivar' });
});

const options = {
  families: ['decision_tree', 'gaussian_nb'],
  budget: { evaluations: 4 },
  workers: 0,
  seed: 3,
  ensemble: false,
  importance: false,
} as const;

describe('the champion', () => {
  it('is refit on every row given to evolve; its test score is that of the fit on the search rows', async () => {
    const run = await evolve(wine, { ...options, testSize: 0.25 });
    const drone = run.drones.find((d) => d.id === run.champion.id)!;
    const fitOn = (rows: Dataset) =>
      pipelineFromSpec(drone.genome, 'classification').fit(rows.features, rows.target.values, {
        nClasses: wine.nClasses,
        seed: 3,
      });
    const onAllRows = await fitOn(wine);
    expect(Array.from(run.champion.predictProba(wine).data)).toEqual(
      Array.from(onAllRows.predictProba(wine.features).data),
    );

    // the test score belongs to the model that has not seen the test rows: the champion fit on the search rows
    const split = trainTestSplit(wine.rows, 0.25, { seed: 3, stratify: wine.target.values });
    const [search, test] = [wine.subset(split.train), wine.subset(split.test)];
    const onSearchRows = await fitOn(search);
    expect(run.testScore).toBe(accuracy(test.target.values, onSearchRows.predict(test.features)));
    expect(Array.from(onSearchRows.predictProba(wine.features).data)).not.toEqual(
      Array.from(run.champion.predictProba(wine).data),
    );
  });

  it('with testSize 0 has no test score and is fit once, on all rows, which are the search rows', async () => {
    const run = await evolve(wine, { ...options, testSize: 0 });
    expect(run.testScore).toBeNull();
    const drone = run.drones.find((d) => d.id === run.champion.id)!;
    const onAllRows = await pipelineFromSpec(drone.genome, 'classification').fit(
      wine.features,
      wine.target.values,
      {
        nClasses: wine.nClasses,
        seed: 3,
      },
    );
    expect(Array.from(run.champion.predictProba(wine).data)).toEqual(
      Array.from(onAllRows.predictProba(wine.features).data),
    );
  });
});

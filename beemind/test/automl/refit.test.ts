// The delivered champion learns from every row given to evolve: it is scored on the test rows as fit on the
// search rows (run.testScore), then refit on all rows, as scikit-learn refits after a held-out check.
import { evolve } from '../../src/automl/evolve.js';
import { loadDataset } from '../../src/data/datasets.js';
import { toDataset, type Dataset } from '../../src/data/dataset.js';
import { pipelineFromSpec } from '../../src/pipeline/pipeline.js';
import { accuracy } from '../../src/metrics/classification.js';
import { trainTestSplit } from '../../src/data/split.js';
import { Run } from '../../src/automl/run.js';
import { estimatedRefitMs, finishRefitMs, type RunContext } from '../../src/automl/context.js';

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
    expect(run.championRows).toBe(wine.rows);
    expect(String(run)).not.toMatch(/search rows/);
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

describe('the run summary', () => {
  it('names the champion’s rows: all of them, or the search rows only with a warning when no time was left', async () => {
    const run = await evolve(wine, { ...options, testSize: 0.25 });
    expect(run.championRows).toBe(wine.rows);
    expect(String(run)).toMatch(
      new RegExp(
        `test accuracy=[\\d.]+ \\(scored before the champion saw the test rows, then refit on all ${wine.rows} rows\\)$`,
      ),
    );

    // the same run as the finish reports it when the refit on every row did not fit in the budget
    const searchRows = wine.rows - Math.round(wine.rows * 0.25);
    const short = new Run({
      started: run.started,
      finished: { ...run.finished, championRows: searchRows },
      drones: [...run.drones],
      events: [...run.events],
      greaterIsBetter: true,
      refitter: undefined as never, // the summary reads the events only
    });
    expect(short.championRows).toBe(searchRows);
    expect(String(short)).toContain(
      `(scored before the champion saw the test rows); the champion learned the ${searchRows} search rows only: no time was left to refit it on all ${wine.rows} rows`,
    );
  });
});

describe('the finish’s refit estimate', () => {
  const context = (rows: number, searchRows: number, test: boolean) =>
    ({ dataset: { rows }, search: { rows: searchRows }, test: test ? {} : null }) as unknown as RunContext;

  it('counts the refit on every row after the one on the search rows when the run kept test rows', () => {
    const once = estimatedRefitMs([0.2, 0.1, 0.3], 2);
    expect(finishRefitMs(context(100, 100, false), [0.2, 0.1, 0.3], 2)).toBeCloseTo(once);
    expect(finishRefitMs(context(100, 80, true), [0.2, 0.1, 0.3], 2)).toBeCloseTo(once * (1 + 100 / 80));
  });
});

// A run's finish refits its champion's members side by side on the evaluation workers (they sit idle once the
// search stops): on the search rows, then on every row when the run kept test rows (which replace the search
// rows in the workers). The pipelines a worker fits predict exactly as those fit on the run's own thread; a
// refit a worker cannot do is done here instead.
import { jest } from '@jest/globals';
import { logger } from '../../src/core/logger.js';
import { loadDatasetAsDataset } from '../../src/data/datasets.js';
import type { Dataset } from '../../src/data/dataset.js';
import { trainTestSplit } from '../../src/data/split.js';
import { ThreadBackend } from '../../src/evaluation/backends.js';
import type { RunContext } from '../../src/automl/context.js';
import { Refitter, WorkerFits, refitWorkers } from '../../src/automl/refitter.js';
import type { Pipeline } from '../../src/pipeline/pipeline.js';
import type { Drone, Genome } from '../../src/protocol/events.js';

const genomes: Genome[] = [
  { steps: [{ kind: 'simple_imputer' }], model: { family: 'random_forest', params: { nEstimators: 20 } } },
  { steps: [{ kind: 'standard_scaler' }], model: { family: 'logistic_regression', params: { C: 1 } } },
  { steps: [], model: { family: 'hist_gradient_boosting', params: { maxIter: 20 } } },
];

function drone(id: string, genome: Genome, fitSeconds: number): Drone {
  return {
    id,
    generation: 0,
    parents: [],
    operator: 'init',
    genome,
    family: genome.model.family,
    status: 'ok',
    foldScores: [0.9],
    score: 0.9,
    objectives: [0.9],
    fitSeconds,
    predictSeconds: 0.001,
    fraction: 1,
  };
}

/** The parts of a run's context the refits read. */
function runContext(dataset: Dataset, search: Dataset, test: Dataset | null, drones: Drone[]): RunContext {
  return {
    runId: 'r',
    dataKey: 'search-rows',
    dataset,
    search,
    test,
    drones,
    options: { seed: 3 },
  } as unknown as RunContext;
}

const probabilities = (p: Pipeline, rows: Dataset) => Array.from(p.predictProba(rows.features).data);

describe('refitting the champion on the evaluation workers', () => {
  let dataset: Dataset;
  let search: Dataset;
  let test: Dataset;
  let backend: ThreadBackend;
  const drones = genomes.map((g, i) => drone(`d${i + 1}`, g, [0.5, 0.1, 0.3][i]));

  beforeAll(async () => {
    dataset = await loadDatasetAsDataset('iris');
    const split = trainTestSplit(dataset.rows, 0.2, { seed: 0, stratify: dataset.target.values });
    search = dataset.subset(split.train);
    test = dataset.subset(split.test);
  });

  beforeEach(() => {
    backend = new ThreadBackend(2, 256);
    backend.prepare('search-rows', {
      features: { rows: search.rows, columns: search.features.columns },
      y: search.target.values,
      task: dataset.task,
      nClasses: dataset.nClasses,
      folds: [],
    });
  });
  afterEach(() => backend.close());

  it('fits on the search rows and on every row exactly as the run’s own thread does, in the members’ order', async () => {
    const ctx = runContext(dataset, search, test, drones);
    const workers = WorkerFits.on(backend, ctx);
    expect(workers?.count).toBe(2);
    expect(refitWorkers(backend)).toBe(2);
    for (const rows of [search, dataset]) {
      const side = await new Refitter(ctx).fitAll(drones, rows, workers);
      const here = await new Refitter(ctx).fitAll(drones, rows, null);
      expect(side.map((p) => p.toJSON().model)).toEqual(here.map((p) => p.toJSON().model));
      side.forEach((p, k) => expect(probabilities(p, test)).toEqual(probabilities(here[k], test)));
      expect(side.map((p) => p.toJSON().model.family)).toEqual(genomes.map((g) => g.model.family));
    }
  });

  it('keeps a member fit on the search rows for later (run.model), and fits every row anew', async () => {
    const ctx = runContext(dataset, search, test, drones);
    const refitter = new Refitter(ctx);
    const workers = WorkerFits.on(backend, ctx);
    const [first] = await refitter.fitAll(drones.slice(0, 1), search, workers);
    expect(await refitter.fit(drones[0])).toBe(first);
    const [everyRow] = await refitter.fitAll(drones.slice(0, 1), dataset, workers);
    expect(everyRow).not.toBe(first);
  });

  it('replaces the search rows by every row in the workers, and refits on the search rows here after that', async () => {
    const ctx = runContext(dataset, search, test, drones);
    const workers = WorkerFits.on(backend, ctx);
    await new Refitter(ctx).fitAll(drones.slice(0, 1), dataset, workers);
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    try {
      const [late] = await new Refitter(ctx).fitAll(drones.slice(1, 2), search, workers);
      const [here] = await new Refitter(ctx).fitAll(drones.slice(1, 2), search, null);
      expect(probabilities(late, test)).toEqual(probabilities(here, test));
      expect(warn.mock.calls.map((call) => String(call[1]))).toEqual(['refitting d2 here instead']);
    } finally {
      warn.mockRestore();
    }
  });

  it('refits here when a worker cannot, losing no member', async () => {
    const ctx = runContext(dataset, search, test, drones);
    const workers = WorkerFits.on(backend, ctx);
    await backend.close(); // every worker refit now fails
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    try {
      const side = await new Refitter(ctx).fitAll(drones, search, workers);
      const here = await new Refitter(ctx).fitAll(drones, search, null);
      side.forEach((p, k) => expect(probabilities(p, test)).toEqual(probabilities(here[k], test)));
      const said = warn.mock.calls.map((call) => String(call[1]));
      expect(said.sort()).toEqual([
        'refitting d1 here instead',
        'refitting d2 here instead',
        'refitting d3 here instead',
      ]);
    } finally {
      warn.mockRestore();
    }
  });

  it('is not offered by a backend that cannot fit, or with a single worker', async () => {
    const ctx = runContext(dataset, search, test, drones);
    const one = new ThreadBackend(1, 256);
    expect(WorkerFits.on(one, ctx)).toBeNull();
    expect(refitWorkers(one)).toBe(1);
    await one.close();
    const { InlineBackend } = await import('../../src/evaluation/backends.js');
    expect(WorkerFits.on(new InlineBackend(), ctx)).toBeNull();
    expect(refitWorkers(new InlineBackend())).toBe(1);
  });
});

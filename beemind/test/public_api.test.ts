/**
 * The package as its users import it: by name, through package.json's exports (the built dist/). The main
 * entry has what a notebook needs and none of the infrastructure, which the named entries carry.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as beemind from 'beemind';
import * as evaluation from 'beemind/evaluation';
import * as events from 'beemind/events';
import * as search from 'beemind/search';
import * as store from 'beemind/store';

/** Names a notebook or script uses, by area. */
const USER_API = [
  ...['loadDataset', 'datasetNames', 'readCSV', 'toDataset', 'DataFrame', 'trainTestSplit', 'kFold'],
  ...['createModel', 'createTransformer', 'pipelineFromSpec', 'Pipeline', 'accuracy', 'r2', 'getScorer'],
  'SupportVectorMachine',
  ...[
    'evolve',
    'Run',
    'getRun',
    'hp',
    'defaultPipelineSpace',
    'createStrategy',
    'HalvingLadder',
    'noPruning',
  ],
  ...['TrainedModel', 'explainModel', 'exportModule', 'permutationImportance'],
  ...['openStore', 'saveModel', 'loadModel', 'storedRunSnapshots', 'serve', 'ApiKeys', 'monitor'],
  ...['subscribeRunEvents', 'runSnapshots', 'publishRunEvent', 'RunEventSchema', 'DISPLAY', 'BeeMindError'],
];

/** Infrastructure: each lives in a named entry only. */
const INFRASTRUCTURE: [string, Record<string, unknown>][] = [
  ['WorkerPool', evaluation],
  ['serveTasks', evaluation],
  ['evaluationCache', evaluation],
  ['evaluateGenome', evaluation],
  ['ThreadBackend', evaluation],
  ['ExperimentStore', store],
  ['ModelRegistry', store],
  ['closeStores', store],
  ['resolveStoreLocation', store],
  ['paretoFront', search],
  ['genomeKey', search],
  ['mutate', search],
];

describe('the beemind package', () => {
  it('exports the user API from its main entry and keeps infrastructure in named entries', () => {
    const main = beemind as unknown as Record<string, unknown>;
    expect(USER_API.filter((name) => main[name] === undefined)).toEqual([]);
    for (const [name, entry] of INFRASTRUCTURE) {
      expect([name, name in main]).toEqual([name, false]);
      expect([name, typeof entry[name]]).toEqual([name, expect.stringMatching(/function|object/)]);
    }
    expect(typeof events.RunEventSchema.parse).toBe('function');
  });

  it('loads the Redis entry without loading it into the main entry', async () => {
    const distributed = await import('beemind/distributed');
    expect(typeof distributed.startWorker).toBe('function');
    expect('RedisBackend' in beemind).toBe(false);
  });

  it('searches, keeps, loads and predicts through the main entry alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'beemind-public-'));
    try {
      const data = beemind.toDataset(await beemind.loadDataset('iris'), { target: 'species' });
      const path = join(dir, 'experiments.db');
      const run = await beemind.evolve(data, {
        seed: 0,
        workers: 0,
        store: path,
        families: ['decision_tree', 'gaussian_nb'],
        budget: { evaluations: 6 },
      });
      expect(run).toBeInstanceOf(beemind.Run);
      expect(run.drones).toHaveLength(6);
      const version = await beemind.saveModel(run, 'iris', { store: path });
      const model = await beemind.loadModel('iris', version.version, { store: path });
      expect(model).toBeInstanceOf(beemind.TrainedModel);
      expect(model.predict(data.features.head(5))).toEqual(run.champion.predict(data.features.head(5)));
      // the store's objects come from their named entry, over the same file
      expect(
        store
          .openStore(path)
          .listRuns()
          .map((r) => r.id),
      ).toContain(run.id);
    } finally {
      store.closeStores();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

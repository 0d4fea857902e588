// The store contract, run over both backends: what a run records (runs, drones, events, out-of-fold
// predictions), the queries (list with its filters, show, compare, export, snapshots), people and projects,
// dataset versions, the model registry and API keys, a resume on other data refused, and backups restored
// into either backend. The same test body runs against a SQLite file and a real PostgreSQL server.
import { existsSync, readFileSync } from 'node:fs';
import { evolve } from '../../src/automl/evolve.js';
import type { Run } from '../../src/automl/run.js';
import { loadDataset } from '../../src/data/datasets.js';
import { toDataset, type Dataset } from '../../src/data/dataset.js';
import { ApiKeys } from '../../src/store/api_keys.js';
import { ExperimentStore, closeStores } from '../../src/store/experiment_store.js';
import { loadModel, saveModel } from '../../src/store/api.js';
import { copyStore } from '../../src/store/transfer.js';
import { SCHEMA_VERSION } from '../../src/store/migrations.js';
import { usePostgres } from '../helpers/postgres.js';
import { FAST_FAMILIES, tempStore } from './helpers.js';

const postgres = usePostgres();
let iris: Dataset;

beforeAll(async () => {
  iris = toDataset(await loadDataset('iris'), { target: 'species' });
}, 60_000);

afterAll(() => closeStores());

const BACKENDS: [string, () => string][] = [
  ['SQLite', () => tempStore()],
  ['PostgreSQL', () => postgres.server.freshDatabase()],
];

function search(store: string, extra: Record<string, unknown> = {}): Promise<Run> {
  return evolve(iris, {
    store,
    workers: 0,
    families: FAST_FAMILIES,
    populationSize: 4,
    budget: { evaluations: 8 },
    importance: false,
    seed: 5,
    ...extra,
  });
}

describe.each(BACKENDS)('the %s store', (backend, newStore) => {
  let location: string;
  let store: ExperimentStore;
  let first: Run;
  let second: Run;
  const env = { ...process.env };

  beforeAll(async () => {
    location = newStore();
    process.env.BEEMIND_USER = 'ada';
    first = await search(location, { project: 'churn' });
    process.env.BEEMIND_USER = 'grace';
    second = await search(location, { project: 'pricing', seed: 6 });
    process.env = env;
    store = ExperimentStore.open(location);
  }, 120_000);

  it('opens at the current schema version, and names itself without a password', () => {
    expect(store.backend).toBe(backend === 'SQLite' ? 'sqlite' : 'postgres');
    expect(store.schemaVersion).toBe(SCHEMA_VERSION);
    expect(store.path).not.toContain('secret');
    expect(ExperimentStore.open(location)).toBe(store);
  });

  it('records every drone, event and out-of-fold prediction of a run', () => {
    const record = store.run(first.id);
    expect(record.status).toBe('completed');
    expect(record.evaluated).toBe(first.drones.length);
    expect(store.drones(first.id)).toEqual(first.drones);
    const events = store.events(first.id);
    expect(events[0]).toEqual(first.started);
    expect(events.filter((e) => e.type === 'drone.evaluated')).toHaveLength(first.drones.length);
    expect(events.at(-1)!.type).toBe('run.finished');
    const predictions = store.predictions(first.id);
    const ok = first.drones.filter((d) => d.status === 'ok' && d.fraction === 1);
    expect(predictions.size).toBe(ok.length);
    for (const values of predictions.values()) expect(values.every(Number.isFinite)).toBe(true);
    expect(record.leaderboard[0].id).toBe(first.finished.leaderboard[0].id);
    expect(record.config).toMatchObject({ project: 'churn', seed: 5 });
  });

  it('lists runs newest first, by user and by project, and resolves id prefixes', () => {
    expect(store.listRuns().map((r) => r.id)).toEqual([second.id, first.id]);
    expect(store.listRuns({ user: 'ada' }).map((r) => r.id)).toEqual([first.id]);
    expect(store.listRuns({ project: 'pricing' }).map((r) => [r.user, r.project])).toEqual([
      ['grace', 'pricing'],
    ]);
    expect(store.listRuns({ project: 'nobody' })).toEqual([]);
    expect(store.listRuns({ limit: 1 })).toHaveLength(1);
    expect(store.run(first.id.slice(0, 6)).id).toBe(first.id);
    expect(() => store.run('zzzz')).toThrow(expect.objectContaining({ code: 'store.no_run' }));
  });

  it('compares runs, exports drones and gives the panels their snapshots', () => {
    const comparison = store.compare([first.id, second.id], 3);
    expect(comparison.runs.map((r) => r.id)).toEqual([first.id, second.id]);
    expect(comparison.rows[0].entries.every((e) => e !== null)).toBe(true);
    const csv = store.exportDrones(first.id, 'csv').trim().split('\n');
    expect(csv).toHaveLength(first.drones.length + 1);
    const snapshots = store.snapshots(5);
    expect(snapshots.map((s) => s.runId)).toEqual([first.id, second.id]);
  });

  it('lists the dataset version both runs searched, with the model trained on it', async () => {
    const saved = await saveModel(first, 'iris-model', { store: location });
    expect(saved).toMatchObject({
      version: 1,
      project: 'churn',
      datasetFingerprint: first.started.dataset.fingerprint,
    });
    const [version] = store.datasets();
    expect(version).toMatchObject({
      fingerprint: first.started.dataset.fingerprint,
      rows: 150,
      target: 'species',
      runs: [first.id, second.id],
      models: [{ name: 'iris-model', version: 1 }],
    });
  });

  it('registers, stages, tags and loads model versions by name from any project', async () => {
    const v2 = await saveModel(second, 'iris-model', { store: location, tags: { team: 'b' } });
    expect(v2).toMatchObject({ version: 2, project: 'pricing', tags: { team: 'b' } });
    store.models.setStage('iris-model', 2, 'production');
    store.models.setTags('iris-model', 2, { team: null, owner: 'grace' });
    expect(store.models.get('iris-model', 'production')).toMatchObject({
      version: 2,
      tags: { owner: 'grace' },
    });
    const model = await loadModel('iris-model', 'production', { store: location });
    expect(model.predict(iris)).toEqual((await second.model()).predict(iris));
    expect(store.models.list().map((m) => m.version)).toEqual([2, 1]);
    const file = store.models.exportModel('iris-model', 1);
    expect(store.models.importModel(file, { name: 'copied' })).toMatchObject({ name: 'copied', version: 1 });
  });

  it('keeps API keys', () => {
    const keys = ApiKeys.of(store);
    const created = keys.create({ name: 'dashboard', models: ['iris-model'] });
    expect(keys.verify(created.secret)).toMatchObject({
      id: created.id,
      models: ['iris-model'],
      admin: false,
    });
    keys.revoke(created.id);
    expect(keys.verify(created.secret)).toBeNull();
  });

  it('refuses to resume a run on other data, saying which data it was searched on', async () => {
    // the same columns, a newer version of the data (its first 120 rows)
    const other = toDataset((await loadDataset('iris')).take(Array.from({ length: 120 }, (_, i) => i)), {
      target: 'species',
    });
    await expect(
      evolve(other, { store: location, resume: first.id, workers: 0, importance: false }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/was searched on other data.*fingerprint/) });
  });

  it.each(BACKENDS)(
    'backs up and restores into a %s store, and copies into it without duplicates',
    async (_to, target) => {
      const backup = `${tempStore('backup')}`;
      const written = await store.backup(backup);
      expect(written).toMatchObject({ runs: 2, models: 3 });
      expect(existsSync(backup)).toBe(true);
      const into = target();
      expect(await ExperimentStore.restore(backup, into)).toMatchObject({ runs: 2, models: 3 });
      const restored = ExperimentStore.open(into);
      expect(restored.drones(first.id)).toEqual(first.drones);
      expect(restored.events(second.id)).toEqual(store.events(second.id));
      expect(restored.models.load('iris-model', 2).predict(iris)).toEqual(
        store.models.load('iris-model', 2).predict(iris),
      );
      // a restore never silently replaces a store that holds runs
      await expect(ExperimentStore.restore(backup, into)).rejects.toMatchObject({
        code: 'store.restore_not_empty',
      });

      const merged = target();
      expect(copyStore(location, merged)).toMatchObject({ runs: 2, models: 3, skippedRuns: 0 });
      expect(copyStore(location, merged)).toMatchObject({
        runs: 0,
        models: 0,
        skippedRuns: 2,
        skippedModels: 3,
      });
      const copy = ExperimentStore.open(merged);
      expect(copy.listRuns().map((r) => r.id)).toEqual([second.id, first.id]);
      expect(copy.drones(first.id)).toEqual(first.drones);
      expect(copy.events(first.id)).toHaveLength(store.events(first.id).length);
      if (existsSync(backup) && readFileSync(backup).subarray(0, 6).toString() !== 'SQLite')
        expect(readFileSync(backup, 'utf8').split('\n')[0]).toMatch(/"format":"beemind.store-export"/);
    },
    60_000,
  );
});

// The experiment store: opening, migrating, refusing corrupt/foreign/newer files untouched; recording runs
// as they go; the queries (list, show, compare, export); warm start and the rules of resume.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { evolve } from '../../src/automl/evolve.js';
import { loadDataset } from '../../src/data/datasets.js';
import { toDataset, type Dataset } from '../../src/data/dataset.js';
import { genomeKey } from '../../src/search/genome.js';
import { ExperimentStore, closeStores } from '../../src/store/experiment_store.js';
import { resolveStoreLocation } from '../../src/store/location.js';
import { APPLICATION_ID, SCHEMA_VERSION, migrate } from '../../src/store/migrations.js';
import { SqliteStoreDatabase } from '../../src/store/sqlite.js';
import { FAST_FAMILIES, tempStore } from './helpers.js';

let iris: Dataset;
let diabetes: Dataset;
const small = {
  workers: 0,
  families: FAST_FAMILIES,
  populationSize: 4,
  budget: { evaluations: 8 },
  importance: false,
};

beforeAll(async () => {
  iris = toDataset(await loadDataset('iris'), { target: 'species' });
  diabetes = toDataset(await loadDataset('diabetes'), { target: 'progression' });
});

afterAll(() => closeStores());

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('opening a store', () => {
  it('resolves its location from the option, then BEEMIND_STORE, then .beemind/ here', () => {
    expect(resolveStoreLocation('/tmp/a.db', { BEEMIND_STORE: '/tmp/b.db' })).toEqual({
      path: '/tmp/a.db',
      explicit: true,
    });
    expect(resolveStoreLocation(undefined, { BEEMIND_STORE: '/tmp/b.db' })).toEqual({
      path: '/tmp/b.db',
      explicit: true,
    });
    expect(resolveStoreLocation(undefined, { BEEMIND_STORE: 'off' }).path).toBeNull();
    expect(resolveStoreLocation(false, {}).path).toBeNull();
    // a file: URL is its path; a URL of another kind of database is refused, naming what a store can be
    expect(resolveStoreLocation('file:///tmp/c.db', {}).path).toBe('/tmp/c.db');
    expect(() => resolveStoreLocation('mysql://x@y/z', {})).toThrow(
      /^mysql:\/\/ is not a kind of experiment store BeeMind knows; give a SQLite file path .* or a postgres:\/\/ URL\.$/,
    );
    expect(resolveStoreLocation(undefined, {})).toEqual({
      path: `${process.cwd()}/.beemind/experiments.db`,
      explicit: false,
    });
  });

  it('creates a new store in WAL mode at the current schema version', () => {
    const file = tempStore();
    const store = ExperimentStore.open(file);
    expect(store.schemaVersion).toBe(SCHEMA_VERSION);
    const raw = (store.db as SqliteStoreDatabase).raw;
    expect(store.backend).toBe('sqlite');
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    expect(raw.pragma('busy_timeout', { simple: true })).toBeGreaterThanOrEqual(5000);
    expect(ExperimentStore.open(file)).toBe(store); // one connection per file and process
    expect(() => ExperimentStore.open(tempStore(), { mustExist: true })).toThrow(
      expect.objectContaining({ code: 'store.missing' }),
    );
  });

  it('migrates a store written by schema version 1, keeping its runs', () => {
    const file = tempStore();
    const old = new Database(file);
    expect(migrate(new SqliteStoreDatabase(old), 1)).toBe(1);
    const time = '2026-01-02T03:04:05.000Z';
    old
      .prepare(
        `INSERT INTO runs (id, name, status, reason, task, target, metric, seed, config, objectives, dataset_name, dataset_rows,
         dataset_fingerprint, dataset_schema, started_at, updated_at, finished_at, evaluated, best_score)
       VALUES ('old1', 'iris', 'completed', 'evaluations', 'classification', 'species', 'accuracy', 0, '{}',
         '[{"name":"accuracy","direction":"maximize"}]', 'iris', 150, 'abc', '{"features":[],"classes":["a","b"]}', ?, ?, ?, 2, 0.9)`,
      )
      .run(time, time, time);
    const drone = old.prepare(
      `INSERT INTO drones (run_id, id, generation, operator, parents, family, genome, genome_key, status, score, fold_scores,
         objectives, fit_seconds, predict_seconds, fraction, evaluated_at)
       VALUES ('old1', ?, 0, 'portfolio', '[]', 'knn', '{"steps":[],"model":{"family":"knn","params":{}}}', ?, 'ok', ?, ?, ?, 0.1, 0.01, 1, ?)`,
    );
    drone.run('d1', 'k1', 0.8, '[0.8,0.8]', '[0.8]', time);
    drone.run('d2', 'k2', 0.9, '[0.85,0.95]', '[0.9]', time);
    old.close();

    const store = ExperimentStore.open(file);
    expect(store.schemaVersion).toBe(SCHEMA_VERSION);
    const [run] = store.listRuns();
    expect(run).toMatchObject({
      id: 'old1',
      status: 'completed',
      evaluated: 2,
      bestScore: 0.9,
      sessions: 1,
      greaterIsBetter: true,
    });
    expect(store.run('old1').leaderboard.map((r) => [r.id, r.score])).toEqual([
      ['d2', 0.9],
      ['d1', 0.8],
    ]);
    expect(store.drones('old1').map((d) => d.foldScores)).toEqual([
      [0.8, 0.8],
      [0.85, 0.95],
    ]);
    expect(store.models.list()).toEqual([]); // the registry table came with version 2
    const history = (
      store.db.prepare('SELECT version FROM beemind_schema ORDER BY version').all() as { version: number }[]
    ).map((r) => r.version);
    expect(history).toEqual([1, 2, 3, 4]);
  });

  it('refuses a file that is not a database, and leaves it untouched', () => {
    const file = tempStore();
    writeFileSync(file, 'name,value\nthis is a CSV file, not a database\n');
    const before = sha(file);
    expect(() => ExperimentStore.open(file)).toThrow(
      expect.objectContaining({
        name: 'DataError',
        code: 'store.corrupt',
        message: expect.stringMatching(/does not start with the SQLite header.*left untouched/),
      }),
    );
    expect(sha(file)).toBe(before);
  });

  it('refuses a damaged store, and leaves it untouched', async () => {
    const file = tempStore();
    await evolve(iris, { ...small, store: file });
    closeStores(); // checkpoints the write-ahead log into the file
    const bytes = readFileSync(file);
    for (let i = 100; i < 4096; i++) bytes[i] = (i * 7919) & 0xff; // scramble page 1 after the header: the schema
    writeFileSync(file, bytes);
    const before = sha(file);
    expect(() => ExperimentStore.open(file)).toThrow(
      expect.objectContaining({
        name: 'DataError',
        code: 'store.corrupt',
        message: expect.stringMatching(/not a readable BeeMind experiment store/),
      }),
    );
    expect(sha(file)).toBe(before);
    // evolve() with that store says so instead of overwriting it
    await expect(evolve(iris, { ...small, store: file })).rejects.toMatchObject({ code: 'store.corrupt' });
    expect(sha(file)).toBe(before);
  });

  it("refuses another application's SQLite database, and leaves it untouched", () => {
    const file = tempStore();
    const foreign = new Database(file);
    foreign.exec(
      "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT); INSERT INTO users (email) VALUES ('a@b.c')",
    );
    foreign.close();
    const before = sha(file);
    expect(() => ExperimentStore.open(file)).toThrow(
      expect.objectContaining({
        name: 'ConfigurationError',
        code: 'store.foreign',
        message: expect.stringMatching(/another application \(tables: users\)/),
      }),
    );
    expect(sha(file)).toBe(before);
  });

  it('refuses a store written by a newer BeeMind', () => {
    const file = tempStore();
    ExperimentStore.open(file)
      .db.prepare("INSERT INTO beemind_schema VALUES (99, 'from the future', '2030-01-01')")
      .run();
    closeStores();
    expect(() => ExperimentStore.open(file)).toThrow(
      expect.objectContaining({
        code: 'store.too_new',
        message: expect.stringMatching(
          /schema version 99, newer than this BeeMind understands \(\d+\); upgrade beemind/,
        ),
      }),
    );
  });
});

describe('recording and querying runs', () => {
  let file: string;
  let first: Awaited<ReturnType<typeof evolve>>;
  let second: Awaited<ReturnType<typeof evolve>>;

  beforeAll(async () => {
    file = tempStore();
    first = await evolve(iris, { ...small, store: file, seed: 1, name: 'first' });
    second = await evolve(iris, {
      ...small,
      store: file,
      seed: 2,
      name: 'second',
      budget: { evaluations: 6 },
    });
  });

  it('lists runs newest first, and shows one with its settings, data and leaderboard', () => {
    const store = ExperimentStore.open(file);
    expect(store.listRuns().map((r) => [r.id, r.name, r.status, r.evaluated])).toEqual([
      [second.id, 'second', 'completed', 6],
      [first.id, 'first', 'completed', 8],
    ]);
    expect(store.listRuns({ limit: 1 }).map((r) => r.id)).toEqual([second.id]);
    const shown = store.run(first.id.slice(0, 6));
    expect(shown).toMatchObject({
      id: first.id,
      reason: 'evaluations',
      task: 'classification',
      target: 'species',
      metric: 'accuracy',
      seed: 1,
      dataset: { rows: 150, fingerprint: iris.fingerprint },
      classes: ['setosa', 'versicolor', 'virginica'],
      championId: first.finished.championId,
      testScore: first.testScore,
      bestScore: first.finished.leaderboard[0].score,
    });
    expect(shown.features.map((f) => f.name)).toEqual(iris.featureNames);
    expect(shown.config).toMatchObject({ populationSize: 4, budget: { evaluations: 8 } });
    expect(shown.leaderboard).toEqual(first.finished.leaderboard);
    expect(store.drones(first.id)).toEqual(first.drones);
    expect(store.events(first.id)).toEqual(JSON.parse(JSON.stringify(first.events)));
    expect(() => store.run('nope')).toThrow(expect.objectContaining({ code: 'store.no_run' }));
  });

  it('compares leaderboards side by side', () => {
    const comparison = ExperimentStore.open(file).compare([first.id, second.id], 3);
    expect(comparison.runs.map((r) => r.id)).toEqual([first.id, second.id]);
    expect(comparison.rows).toHaveLength(3);
    comparison.rows.forEach((row, k) => {
      expect(row.entries.map((e) => e?.droneId)).toEqual([
        first.finished.leaderboard[k].id,
        second.finished.leaderboard[k].id,
      ]);
      expect(row.entries[0]!.pipeline).toMatch(/ → /);
    });
  });

  it("exports a run's drones to CSV and JSON", () => {
    const store = ExperimentStore.open(file);
    const csv = store.exportDrones(second.id, 'csv').trimEnd().split('\n');
    expect(csv).toHaveLength(7);
    expect(csv[0]).toBe(
      'id,generation,operator,parents,family,status,accuracy,fold_1,fold_2,fold_3,fold_4,fold_5,objective_accuracy,fit_seconds,predict_seconds,fraction,pipeline,genome,error',
    );
    const d1 = second.drones[0];
    expect(
      csv[1].startsWith(`d1,0,${d1.operator},,${d1.family},ok,${d1.score},${d1.foldScores.join(',')},`),
    ).toBe(true);
    const bred = second.drones.find((d) => d.parents.length === 2);
    if (bred) expect(csv[second.drones.indexOf(bred) + 1]).toContain(`,${bred.parents.join(' ')},`);
    const json = JSON.parse(store.exportDrones(second.id, 'json'));
    expect(json.format).toBe('beemind.run-drones');
    expect(json.run.id).toBe(second.id);
    expect(json.drones).toEqual(second.drones);
  });

  it('gives the events of stored runs to a reopened notebook', () => {
    const snapshots = ExperimentStore.open(file).snapshots();
    expect(snapshots.map((s) => s.runId)).toEqual([first.id, second.id]);
    expect(snapshots[1].events.at(-1)!.type).toBe('run.finished');
  });
});

describe('warm start and resume', () => {
  it('warm starts a new run from the best drones of an earlier one', async () => {
    const file = tempStore();
    const earlier = await evolve(iris, { ...small, store: file, seed: 1 });
    const warm = await evolve(iris, { ...small, store: file, seed: 5, warmStart: earlier.id });
    const best = earlier.finished.leaderboard.slice(0, 4).map((r) => genomeKey(earlier.drone(r.id)!.genome));
    expect(warm.drones.slice(0, 4).map((d) => [d.operator, d.generation])).toEqual(
      Array(4).fill(['warm_start', 0]),
    );
    expect(warm.drones.slice(0, 4).map((d) => genomeKey(d.genome))).toEqual(best);
    expect(warm.drones).toHaveLength(8);
    expect(new Set(warm.drones.map((d) => genomeKey(d.genome))).size).toBe(8);
    await expect(
      evolve(diabetes, { ...small, families: ['ridge'], store: file, warmStart: earlier.id }),
    ).rejects.toMatchObject({ code: 'store.warm_start_task' });
  });

  it('resumes an interrupted run in the same process, and refuses changes that make scores incomparable', async () => {
    const file = tempStore();
    const controller = new AbortController();
    let heard = 0;
    const stopped = await evolve(
      iris,
      { ...small, store: file, budget: { evaluations: 12 } },
      {
        signal: controller.signal,
        onEvent: (e) => e.type === 'drone.evaluated' && ++heard === 4 && controller.abort(),
      },
    );
    expect(stopped.status).toBe('interrupted');
    const store = ExperimentStore.open(file);
    expect(store.run(stopped.id).status).toBe('interrupted');

    await expect(evolve(iris, { store: file, resume: stopped.id, metric: 'f1_macro' })).rejects.toMatchObject(
      {
        code: 'store.resume_changed',
        message: expect.stringMatching(
          /was searched with metric="accuracy"; a resumed run keeps it \(you passed "f1_macro"\)/,
        ),
      },
    );
    await expect(
      evolve(iris.subset([...Array(100).keys()]), { store: file, resume: stopped.id }),
    ).rejects.toMatchObject({ code: 'store.resume_data_changed' });
    await expect(evolve(iris, { store: file, resume: 'nope' })).rejects.toMatchObject({
      code: 'store.no_run',
    });
    await expect(evolve(iris, { store: false, resume: stopped.id })).rejects.toMatchObject({
      code: 'store.off',
    });

    const resumed = await evolve(iris, { store: file, resume: stopped.id });
    expect(resumed.id).toBe(stopped.id);
    expect(resumed.status).toBe('completed');
    expect(resumed.drones).toHaveLength(12);
    expect(resumed.drones.slice(0, stopped.drones.length)).toEqual(stopped.drones);
    expect(store.run(stopped.id)).toMatchObject({ status: 'completed', sessions: 2, evaluated: 12 });
  });

  it('keeps searching when the store fails mid-run, and never blocks on a reader', async () => {
    const file = tempStore();
    ExperimentStore.open(file);
    // a reader holding a snapshot open for the whole run
    const reader = new Database(file, { readonly: true });
    reader.exec('BEGIN');
    expect(reader.prepare('SELECT COUNT(*) FROM drones').pluck().get()).toBe(0);
    const run = await evolve(iris, { ...small, store: file });
    expect(ExperimentStore.open(file).drones(run.id)).toHaveLength(8);
    expect(reader.prepare('SELECT COUNT(*) FROM drones').pluck().get()).toBe(0); // its snapshot
    reader.exec('COMMIT');
    reader.close();

    // the connection goes away after the first drone: the run carries on unrecorded
    const broken = await evolve(
      iris,
      { ...small, store: file },
      { onEvent: (e) => e.type === 'drone.evaluated' && e.drone.id === 'd1' && closeStores() },
    );
    expect(broken.status).toBe('completed');
    expect(broken.drones).toHaveLength(8);
    expect(
      ExperimentStore.open(file)
        .drones(broken.id)
        .map((d) => d.id),
    ).toEqual(['d1']);
  });
});

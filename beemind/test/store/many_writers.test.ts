// Eight processes write 500 drones each into one PostgreSQL store at once, as kernels, command lines and
// workers of a team would, while this process keeps listing runs: every drone is there exactly once, no
// writer reports an error, and no read fails or waits for the writers.
import { ExperimentStore, closeStores } from '../../src/store/experiment_store.js';
import { usePostgres } from '../helpers/postgres.js';
import { fixture, runNode } from './helpers.js';

const WRITERS = 8;
const DRONES = 500;
const postgres = usePostgres();

afterAll(() => closeStores());

it(`${WRITERS} processes × ${DRONES} drones into one PostgreSQL store, with readers throughout`, async () => {
  const store = postgres.server.freshDatabase();
  ExperimentStore.open(store); // created (and migrated) before the writers start, as a team's store would be
  const writers = Promise.all(
    Array.from({ length: WRITERS }, (_, w) =>
      runNode([fixture('write_drones.mjs'), store, `writer-${w}`, String(DRONES)]),
    ),
  );
  let done = false;
  void writers.then(() => (done = true));
  const reader = ExperimentStore.open(store);
  let reads = 0;
  let slowest = 0;
  let lastTotal = 0;
  while (!done) {
    const start = performance.now();
    const runs = reader.listRuns({ project: 'load' });
    slowest = Math.max(slowest, performance.now() - start);
    const total = runs.reduce((n, r) => n + r.evaluated, 0);
    expect(total).toBeGreaterThanOrEqual(lastTotal); // committed drones never disappear
    lastTotal = total;
    reads++;
    await new Promise((r) => setTimeout(r, 20));
  }
  const results = await writers;
  for (const r of results) {
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  }
  expect(reads).toBeGreaterThan(3);
  expect(slowest).toBeLessThan(5_000); // a read never waits for the writers' transactions

  const runs = reader.listRuns({ project: 'load' });
  expect(runs).toHaveLength(WRITERS);
  for (const run of runs) {
    expect(run).toMatchObject({ status: 'completed', evaluated: DRONES, user: 'ci' });
    const drones = reader.drones(run.id);
    expect(drones).toHaveLength(DRONES);
    expect(new Set(drones.map((d) => d.id)).size).toBe(DRONES);
    expect(reader.events(run.id).filter((e) => e.type === 'drone.evaluated')).toHaveLength(DRONES);
    expect(reader.predictions(run.id).size).toBe(DRONES);
  }
}, 240_000);

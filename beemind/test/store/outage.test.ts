// The PostgreSQL store goes away in the middle of a search and comes back: the run goes on, keeps the events
// it could not write in memory, and records them once the server is back, so the store ends up with every
// drone once. A store that cannot be reached at all is named in the error with its password hidden.
import { evolve } from '../../src/automl/evolve.js';
import { loadDataset } from '../../src/data/datasets.js';
import { toDataset } from '../../src/data/dataset.js';
import { ExperimentStore, closeStores } from '../../src/store/experiment_store.js';
import { usePostgres } from '../helpers/postgres.js';
import { FAST_FAMILIES } from './helpers.js';

const postgres = usePostgres();

afterAll(() => closeStores());

it('keeps the events of a run while the server is down and writes them when it is back', async () => {
  const store = postgres.server.freshDatabase();
  const iris = toDataset(await loadDataset('iris'), { target: 'species' });
  let seen = 0;
  const run = await evolve(
    iris,
    {
      store,
      workers: 0,
      families: FAST_FAMILIES,
      populationSize: 4,
      budget: { evaluations: 16 },
      importance: false,
      seed: 1,
    },
    {
      onEvent: (e) => {
        if (e.type !== 'drone.evaluated') return;
        seen++;
        if (seen === 4) postgres.server.stop(); // drones 5… are evaluated while the store is away
        if (seen === 10) postgres.server.start();
      },
    },
  );
  expect(run.status).toBe('completed');
  expect(run.drones).toHaveLength(16);
  const db = ExperimentStore.open(store);
  expect(db.drones(run.id)).toEqual(run.drones);
  expect(db.run(run.id)).toMatchObject({ status: 'completed', evaluated: 16 });
  const events = db.events(run.id);
  expect(events.filter((e) => e.type === 'drone.evaluated')).toHaveLength(16);
  expect(events.at(-1)!.type).toBe('run.finished');
}, 120_000);

it('names an unreachable store by its URL, password hidden', () => {
  const url = `postgres://beemind:hunter2@127.0.0.1:${postgres.server.port + 1}/beemind`;
  let error: unknown;
  try {
    ExperimentStore.open(url);
  } catch (e) {
    error = e;
  }
  expect(error).toMatchObject({ code: 'store.unreachable' });
  const message = (error as Error).message;
  expect(message).toContain(`postgres://beemind:****@127.0.0.1:${postgres.server.port + 1}/beemind`);
  expect(message).not.toContain('hunter2');
  expect(message).toMatch(/check that the server is running/);
});

it('says when the password is wrong', () => {
  const url = postgres.server.url.replace(':secret@', ':wrong@');
  expect(() => ExperimentStore.open(url)).toThrow(
    expect.objectContaining({ code: 'store.auth', message: expect.not.stringContaining('wrong') }),
  );
});

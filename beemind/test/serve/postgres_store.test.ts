// `beemind serve` on a team's PostgreSQL store: the same registry, API keys and predictions as on a SQLite file
// (the routes' own tests run on SQLite; this proves the server reads the other backend the same way).
import './require_esm.js';
import type { FastifyInstance } from 'fastify';
import { createServer } from '../../src/serve/server.js';
import { closeStores } from '../../src/store/experiment_store.js';
import { storedRunSnapshots } from '../../src/store/api.js';
import { usePostgres } from '../helpers/postgres.js';
import { bearer, buildFixture, jsonRows, type Fixture } from './helpers.js';

const postgres = usePostgres();
let fixture: Fixture;
let app: FastifyInstance;

beforeAll(async () => {
  fixture = await buildFixture(postgres.server.freshDatabase());
  app = (await createServer({ store: fixture.store, logLevel: 'silent', rateLimit: 0 })).app;
  await app.ready();
}, 120_000);

afterAll(async () => {
  await app?.close();
  closeStores();
});

it('lists, authorises and predicts with the models of a PostgreSQL store', async () => {
  const models = await app.inject({ url: '/v1/models', headers: bearer(fixture.keys.reader) });
  expect(models.statusCode).toBe(200);
  expect(models.json().models.map((m: { name: string }) => m.name)).toEqual(['diabetes', 'iris']);
  const rows = jsonRows(fixture.iris, 3);
  const predicted = await app.inject({
    method: 'POST',
    url: '/v1/models/iris/predict',
    payload: { rows },
    headers: bearer(fixture.keys.reader),
  });
  expect(predicted.statusCode).toBe(200);
  expect(predicted.json()).toMatchObject({ model: 'iris', version: 2, selectedBy: 'production' });
  expect(predicted.json().predictions).toEqual(
    fixture.irisRun.champion.predict(fixture.iris.features).slice(0, 3),
  );
  const refused = await app.inject({
    method: 'POST',
    url: '/v1/models/iris/predict',
    payload: { rows },
    headers: bearer(fixture.keys.diabetesOnly),
  });
  expect(refused.statusCode).toBe(403);
  const revoked = await app.inject({ url: '/v1/models', headers: bearer(fixture.keys.revoked) });
  expect(revoked.statusCode).toBe(401);
});

it("gives a kernel's panels the runs recorded in it (the comm snapshot's stored runs)", () => {
  const snapshots = storedRunSnapshots({ store: fixture.store });
  expect(snapshots).toHaveLength(2);
  expect(snapshots[0].runId).toBe(fixture.irisRun.id);
  expect(snapshots[0].events[0]).toMatchObject({ type: 'run.started', runId: fixture.irisRun.id });
  expect(snapshots[0].events.at(-1)!.type).toBe('run.finished');
});

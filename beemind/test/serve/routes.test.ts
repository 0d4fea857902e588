// The server's routes through fastify's inject (no socket): model listing and details, predictions by default,
// version and stage (JSON and CSV, probabilities, input order), input validation with problem bodies naming
// each wrong field, API keys (missing, wrong, revoked, out of scope, read-only), the admin stage route, a
// stage change from another process taking effect without a restart, OpenAPI and docs, health and metrics,
// and secrets kept out of the logs.
import type { FastifyInstance } from 'fastify';
import { createServer, type ServerParts } from '../../src/serve/server.js';
import { ApiKeys } from '../../src/store/api_keys.js';
import { ExperimentStore, closeStores } from '../../src/store/experiment_store.js';
import { TrainedModel } from '../../src/trained/trained_model.js';
import { runCLI, ok } from '../helpers/cli.js';
import { bearer, buildFixture, jsonRows, logCollector, type Fixture } from './helpers.js';

let fixture: Fixture;
let parts: ServerParts;
let app: FastifyInstance;
const logs = logCollector();

beforeAll(async () => {
  fixture = await buildFixture();
  parts = await createServer({
    store: fixture.store,
    logLevel: 'info',
    logStream: logs.stream,
    rateLimit: 0,
  });
  app = parts.app;
  await app.ready();
});

afterAll(async () => {
  await app.close();
  closeStores();
});

const as = (key: { secret: string }) => bearer(key);
const predict = (path: string, payload: unknown, headers: Record<string, string> = as(fixture.keys.reader)) =>
  app.inject({ method: 'POST', url: path, payload: payload as object, headers });

/** Asserts a problem response: status, media type, RFC 9457 members, no stack trace. */
function expectProblem(
  response: { statusCode: number; headers: Record<string, unknown>; body: string },
  status: number,
) {
  expect(response.statusCode).toBe(status);
  expect(String(response.headers['content-type'])).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(response.body);
  expect(body).toMatchObject({
    status,
    type: expect.stringMatching(/^https:\/\//),
    title: expect.any(String),
    detail: expect.any(String),
  });
  expect(response.body).not.toMatch(/\s+at \S+ \(|\.ts:\d+|node_modules/);
  return body;
}

describe('health, readiness, docs', () => {
  it('answers /healthz and /readyz without a key, and /readyz counts the loaded models', async () => {
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', models: 2 });
    expect(ready.json().loaded).toBeGreaterThanOrEqual(2);
  });

  it("publishes an OpenAPI 3 document with the routes and each model's row schema from its training data", async () => {
    const response = await app.inject('/openapi.json');
    expect(response.statusCode).toBe(200);
    const doc = response.json();
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of [
      '/v1/models',
      '/v1/models/{name}',
      '/v1/models/{name}/predict',
      '/v1/models/{name}/versions/{version}/predict',
      '/v1/models/{name}/stages/{stage}/predict',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    const irisRow = doc.components.schemas['iris.row'];
    expect(irisRow.required).toEqual(fixture.iris.featureNames);
    expect(irisRow.properties.sepal_length.type).toBe('number');
    expect(
      doc.paths['/v1/models/iris/predict'].post.requestBody.content['application/json'].schema.properties.rows
        .items,
    ).toEqual({ $ref: '#/components/schemas/iris.row' });
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(
      doc.paths['/v1/models/{name}/predict'].post.responses['400'].content['application/problem+json'].schema,
    ).toEqual({ $ref: '#/components/schemas/Problem' });
    // the predict route's body schema is the one fastify validates with
    const body = doc.paths['/v1/models/{name}/predict'].post.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(['rows']);
    expect(body.properties.rows.maxItems).toBe(parts.config.maxRows);
  });

  it('serves the interactive docs at /docs with security headers', async () => {
    const page = await app.inject('/docs/');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toMatch(/swagger/i);
    const json = await app.inject('/docs/json');
    expect(json.json().paths['/v1/models/iris/predict']).toBeDefined();
    const api = await app.inject('/healthz');
    expect(api.headers['x-content-type-options']).toBe('nosniff');
    expect(api.headers['x-frame-options']).toBeDefined();
    expect(api.headers['x-request-id']).toEqual(expect.any(String));
  });
});

describe('models', () => {
  it('lists every model with its default version and stages', async () => {
    const response = await app.inject({ url: '/v1/models', headers: as(fixture.keys.reader) });
    expect(response.statusCode).toBe(200);
    const { models } = response.json();
    expect(models).toEqual([
      {
        name: 'diabetes',
        task: 'regression',
        versions: 1,
        defaultVersion: 1,
        selectedBy: 'latest',
        stages: {},
      },
      {
        name: 'iris',
        task: 'classification',
        versions: 2,
        defaultVersion: 2,
        selectedBy: 'production',
        stages: { production: 2 },
      },
    ]);
  });

  it('lists only the models a scoped key may use', async () => {
    const response = await app.inject({ url: '/v1/models', headers: as(fixture.keys.diabetesOnly) });
    expect(response.json().models.map((m: { name: string }) => m.name)).toEqual(['diabetes']);
  });

  it('describes a model: versions, stages, run metrics, input schema', async () => {
    const response = await app.inject({ url: '/v1/models/iris', headers: as(fixture.keys.reader) });
    expect(response.statusCode).toBe(200);
    const model = response.json();
    expect(model).toMatchObject({
      name: 'iris',
      task: 'classification',
      target: 'species',
      defaultVersion: 2,
      selectedBy: 'production',
      split: null,
    });
    expect(model.classes).toEqual([...fixture.irisRun.champion.classes!]);
    expect(model.versions.map((v: { version: number; stage: string }) => [v.version, v.stage])).toEqual([
      [2, 'production'],
      [1, 'none'],
    ]);
    expect(model.versions[0]).toMatchObject({
      metric: fixture.irisRun.metric,
      runId: fixture.irisRun.id,
      score: expect.any(Number),
    });
    expect(model.input.columns.map((c: { name: string }) => c.name)).toEqual(fixture.iris.featureNames);
    expect(model.input.columns[0]).toMatchObject({
      kind: 'numeric',
      nullable: false,
      min: expect.any(Number),
      max: expect.any(Number),
    });
    expect(model.input.rowSchema.required).toEqual(fixture.iris.featureNames);
  });

  it('answers 404 with a problem for an unknown model', async () => {
    const body = expectProblem(
      await app.inject({ url: '/v1/models/nope', headers: as(fixture.keys.admin) }),
      404,
    );
    expect(body.detail).toMatch(/no model named "nope"/);
  });
});

describe('predictions', () => {
  const champion = () => fixture.irisRun.champion as TrainedModel;

  it('predicts rows in input order with the production version, naming it in the body and a header', async () => {
    const rows = jsonRows(fixture.iris, 150).reverse();
    const response = await predict('/v1/models/iris/predict', { rows });
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-beemind-model-version']).toBe('2');
    expect(response.headers['x-beemind-selected-by']).toBe('production');
    const body = response.json();
    expect(body).toMatchObject({ model: 'iris', version: 2, selectedBy: 'production', target: 'species' });
    const expected = champion().predict(fixture.iris.features).reverse();
    expect(body.predictions).toEqual(expected);
    expect(body.probabilities).toBeUndefined();
  });

  it('returns class probabilities on request, one row per input row, summing to 1', async () => {
    const rows = jsonRows(fixture.iris, 5);
    const body = (await predict('/v1/models/iris/predict', { rows, probabilities: true })).json();
    expect(body.classes).toEqual([...champion().classes!]);
    expect(body.probabilities).toHaveLength(5);
    const proba = champion().predictProba(fixture.iris.features);
    body.probabilities.forEach((p: number[], i: number) => {
      expect(p).toHaveLength(body.classes.length);
      expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
      p.forEach((value, j) => expect(value).toBeCloseTo(proba.data[i * proba.cols + j], 12));
    });
  });

  it('predicts with a given version or the newest version in a stage', async () => {
    const rows = jsonRows(fixture.iris, 3);
    const v1 = await predict('/v1/models/iris/versions/1/predict', { rows });
    expect(v1.json()).toMatchObject({ version: 1, selectedBy: 'version' });
    const staged = await predict('/v1/models/iris/stages/production/predict', { rows });
    expect(staged.json()).toMatchObject({ version: 2, selectedBy: 'stage' });
    expectProblem(await predict('/v1/models/iris/versions/9/predict', { rows }), 404);
    const noStaging = expectProblem(await predict('/v1/models/iris/stages/staging/predict', { rows }), 404);
    expect(noStaging.detail).toMatch(/no version in stage staging.*2 \(production\), 1 \(none\)/);
    const gold = expectProblem(await predict('/v1/models/iris/stages/gold/predict', { rows }), 400);
    expect(gold.detail).toMatch(
      /\/params\/stage must be equal to one of the allowed values \(none, staging, production, archived\)/,
    );
  });

  it('falls back to the latest version when none is in production, and says so', async () => {
    const rows = jsonRows(fixture.diabetes, 4);
    const response = await predict('/v1/models/diabetes/predict', { rows });
    expect(response.json()).toMatchObject({
      model: 'diabetes',
      version: 1,
      selectedBy: 'latest',
      target: 'progression',
    });
    expect(response.json().predictions).toHaveLength(4);
    expect(response.json().predictions.every((p: unknown) => typeof p === 'number')).toBe(true);
    expect(response.headers['x-beemind-selected-by']).toBe('latest');
  });

  it('takes CSV bodies (header row, then rows), with probabilities from the query', async () => {
    const names = fixture.iris.featureNames;
    const rows = jsonRows(fixture.iris, 10);
    const csv = `${['id', ...names].join(',')}\n${rows.map((r, i) => [i, ...names.map((n) => r[n])].join(',')).join('\n')}\n`;
    const response = await app.inject({
      method: 'POST',
      url: '/v1/models/iris/predict?probabilities=true',
      payload: csv,
      headers: { ...as(fixture.keys.reader), 'content-type': 'text/csv' },
    });
    expect(response.statusCode).toBe(200);
    const json = await predict('/v1/models/iris/predict', { rows, probabilities: true });
    expect(response.json().predictions).toEqual(json.json().predictions);
    expect(response.json().probabilities).toEqual(json.json().probabilities);
  });

  it('refuses probabilities for a regression model', async () => {
    const body = expectProblem(
      await predict('/v1/models/diabetes/predict', {
        rows: jsonRows(fixture.diabetes, 1),
        probabilities: true,
      }),
      400,
    );
    expect(body.detail).toMatch(/regression/);
  });
});

describe('input validation', () => {
  it('names each wrong field: absent, null where no value may be missing, wrong types; extra fields are ignored', async () => {
    const rows = jsonRows(fixture.iris, 3);
    delete rows[0].petal_width;
    rows[1].sepal_length = null;
    rows[2].petal_length = 'long';
    rows[2].comment = 'extra fields are ignored';
    const body = expectProblem(await predict('/v1/models/iris/predict', { rows }), 400);
    expect(body.type).toMatch(/invalid-rows$/);
    expect(body.errorCount).toBe(3);
    expect(body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          pointer: '/rows/0/petal_width',
          field: 'petal_width',
          row: 0,
          detail: expect.stringMatching(/required/),
        }),
        expect.objectContaining({
          pointer: '/rows/1/sepal_length',
          field: 'sepal_length',
          row: 1,
          detail: expect.stringMatching(/must not be null/),
        }),
        expect.objectContaining({
          pointer: '/rows/2/petal_length',
          field: 'petal_length',
          row: 2,
          detail: expect.stringMatching(/must be a number.*not string "long"/),
        }),
      ]),
    );
    expect(body.detail).toMatch(/3 fields do not fit the input schema of "iris" version 2/);
    expect(body.instance).toEqual(expect.any(String));
  });

  it('checks CSV values against the same schema', async () => {
    const names = fixture.iris.featureNames;
    const csv = `${names.join(',')}\n${names.map((_, j) => (j === 1 ? 'abc' : '1.5')).join(',')}\n${names.map((_, j) => (j === 0 ? 'NA' : '2')).join(',')}\n`;
    const body = expectProblem(
      await app.inject({
        method: 'POST',
        url: '/v1/models/iris/predict',
        payload: csv,
        headers: { ...as(fixture.keys.reader), 'content-type': 'text/csv' },
      }),
      400,
    );
    expect(body.errors).toEqual([
      expect.objectContaining({
        field: names[0],
        row: 1,
        detail: expect.stringMatching(/must not be missing/),
      }),
      expect.objectContaining({
        field: names[1],
        row: 0,
        detail: expect.stringMatching(/must be a number, not "abc"/),
      }),
    ]);
    const lacking = expectProblem(
      await app.inject({
        method: 'POST',
        url: '/v1/models/iris/predict',
        payload: 'a,b\n1,2\n',
        headers: { ...as(fixture.keys.reader), 'content-type': 'text/csv' },
      }),
      400,
    );
    expect(lacking.errors.map((e: { field: string }) => e.field)).toEqual(names);
  });

  it('refuses malformed bodies with the schema problem: no rows, empty rows, non-objects, unknown members, bad JSON', async () => {
    const noRows = expectProblem(await predict('/v1/models/iris/predict', { data: [] }), 400);
    expect(noRows.errors.map((e: { pointer: string }) => e.pointer)).toEqual(
      expect.arrayContaining(['/rows', '/data']),
    );
    expectProblem(await predict('/v1/models/iris/predict', { rows: [] }), 400);
    const notObjects = expectProblem(await predict('/v1/models/iris/predict', { rows: [1, 'x'] }), 400);
    expect(notObjects.errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/rows/0', '/rows/1']);
    const badJson = await app.inject({
      method: 'POST',
      url: '/v1/models/iris/predict',
      payload: '{"rows": [',
      headers: { ...as(fixture.keys.reader), 'content-type': 'application/json' },
    });
    expectProblem(badJson, 400);
    const plain = await app.inject({
      method: 'POST',
      url: '/v1/models/iris/predict',
      payload: 'hello',
      headers: { ...as(fixture.keys.reader), 'content-type': 'text/plain' },
    });
    expect(expectProblem(plain, 415).type).toMatch(/unsupported-media-type$/);
  });

  it('treats a field named constructor as data, and refuses a body with a __proto__ key', async () => {
    const rows = jsonRows(fixture.iris, 1);
    const renamed = JSON.stringify({ rows: [rows[0]] }).replace('"sepal_length"', '"constructor"');
    const body = expectProblem(
      await app.inject({
        method: 'POST',
        url: '/v1/models/iris/predict',
        payload: renamed,
        headers: { ...as(fixture.keys.reader), 'content-type': 'application/json' },
      }),
      400,
    );
    expect(body.errors).toEqual([
      expect.objectContaining({ field: 'sepal_length', detail: expect.stringMatching(/required/) }),
    ]);
    const poisoned = `{"rows":[{"__proto__":{"sepal_length":1},${JSON.stringify(rows[0]).slice(1, -1)}}]}`;
    const refused = expectProblem(
      await app.inject({
        method: 'POST',
        url: '/v1/models/iris/predict',
        payload: poisoned,
        headers: { ...as(fixture.keys.reader), 'content-type': 'application/json' },
      }),
      400,
    );
    expect(refused.type).toMatch(/invalid-body$/);
  });
});

describe('API keys', () => {
  const rows = () => ({ rows: jsonRows(fixture.iris, 1) });

  it('refuses a request without a key, with a wrong key, and with a revoked key (401)', async () => {
    const missing = expectProblem(await predict('/v1/models/iris/predict', rows(), {}), 401);
    expect(missing.detail).toMatch(/needs an API key/);
    expectProblem(
      await predict('/v1/models/iris/predict', rows(), { authorization: 'Bearer bmk_not-a-real-key' }),
      401,
    );
    expectProblem(await predict('/v1/models/iris/predict', rows(), { 'x-api-key': 'nonsense' }), 401);
    const revoked = expectProblem(
      await predict('/v1/models/iris/predict', rows(), as(fixture.keys.revoked)),
      401,
    );
    expect(revoked.detail).toMatch(/unknown or was revoked/);
    expectProblem(await app.inject('/v1/models'), 401);
  });

  it('accepts the X-API-Key header as well as a bearer token', async () => {
    const response = await predict('/v1/models/iris/predict', rows(), {
      'x-api-key': fixture.keys.reader.secret,
    });
    expect(response.statusCode).toBe(200);
  });

  it('refuses a key outside its model scope (403), and a read-only key on admin routes', async () => {
    const scoped = expectProblem(
      await predict('/v1/models/iris/predict', rows(), as(fixture.keys.diabetesOnly)),
      403,
    );
    expect(scoped.detail).toMatch(/may not use the model "iris"/);
    expectProblem(await app.inject({ url: '/v1/models/iris', headers: as(fixture.keys.diabetesOnly) }), 403);
    expect(
      (
        await predict(
          '/v1/models/diabetes/predict',
          { rows: jsonRows(fixture.diabetes, 1) },
          as(fixture.keys.diabetesOnly),
        )
      ).statusCode,
    ).toBe(200);
    expectProblem(await app.inject({ url: '/metrics', headers: as(fixture.keys.reader) }), 403);
    expectProblem(
      await app.inject({
        method: 'PUT',
        url: '/v1/models/iris/versions/1/stage',
        payload: { stage: 'staging' },
        headers: as(fixture.keys.reader),
      }),
      403,
    );
  });

  it('stops accepting a key revoked while the server runs, from the next request on', async () => {
    const keys = ApiKeys.of(ExperimentStore.open(fixture.store));
    const temporary = keys.create({ name: 'temporary' });
    expect((await predict('/v1/models/iris/predict', rows(), as(temporary))).statusCode).toBe(200);
    keys.revoke(temporary.id);
    expectProblem(await predict('/v1/models/iris/predict', rows(), as(temporary)), 401);
  });

  it('never writes a secret into the log; request logs carry request ids', () => {
    const text = logs.text();
    expect(text).toMatch(/"reqId":"[^"]+"/);
    expect(text).toMatch(/request completed/);
    for (const key of Object.values(fixture.keys)) expect(text).not.toContain(key.secret);
  });
});

describe('stages without a restart', () => {
  it('serves the new production version as soon as another process moves it, and an admin key can move it too', async () => {
    const rows = { rows: jsonRows(fixture.iris, 2) };
    expect((await predict('/v1/models/iris/predict', rows)).json().version).toBe(2);
    // another process: the command line
    ok(
      await runCLI(process.cwd(), [
        'models',
        'stage',
        'iris',
        '1',
        'production',
        '--archive-others',
        '--store',
        fixture.store,
      ]),
    );
    const after = await predict('/v1/models/iris/predict', rows);
    expect(after.json()).toMatchObject({ version: 1, selectedBy: 'production' });
    expect((await predict('/v1/models/iris/stages/archived/predict', rows)).json().version).toBe(2);
    // and back through the API with an admin key
    const moved = await app.inject({
      method: 'PUT',
      url: '/v1/models/iris/versions/2/stage',
      payload: { stage: 'production', archiveOthers: true },
      headers: as(fixture.keys.admin),
    });
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toEqual({ name: 'iris', version: 2, stage: 'production' });
    expect((await predict('/v1/models/iris/predict', rows)).json().version).toBe(2);
    expectProblem(
      await app.inject({
        method: 'PUT',
        url: '/v1/models/iris/versions/7/stage',
        payload: { stage: 'production' },
        headers: as(fixture.keys.admin),
      }),
      404,
    );
  });
});

describe('metrics', () => {
  it('exposes Prometheus metrics to admin keys: requests, latency, errors, predictions per version, rows', async () => {
    await predict('/v1/models/iris/versions/1/predict', { rows: jsonRows(fixture.iris, 7) });
    const response = await app.inject({ url: '/metrics', headers: as(fixture.keys.admin) });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/text\/plain/);
    const text = response.body;
    expect(text).toMatch(
      /beemind_http_requests_total\{method="POST",route="\/v1\/models\/:name\/versions\/:version\/predict",status="200"\} \d+/,
    );
    expect(text).toMatch(
      /beemind_http_request_duration_seconds_bucket\{le="0.005",method="POST",route="\/v1\/models\/:name\/predict"\}/,
    );
    expect(text).toMatch(/beemind_http_errors_total\{status="401",type="unauthenticated"\} [1-9]/);
    expect(text).toMatch(/beemind_http_errors_total\{status="400",type="invalid-rows"\} [1-9]/);
    expect(text).toMatch(
      /beemind_predictions_total\{model="iris",version="1",selected_by="version"\} ([7-9]|\d\d+)/,
    );
    expect(text).toMatch(/beemind_prediction_rows_bucket\{le="10",model="iris"\} [1-9]/);
  });
});

// The server over real HTTP on a loopback port: predictions with fetch, the per-key rate limit (429 with
// Retry-After), the CORS allow-list, the body size limit, traffic splits (shares within tolerance, sticky per
// caller), start-up refusals of bad settings, and a graceful shutdown that answers every request in flight.
import type { FastifyInstance } from 'fastify';
import { serve, type RunningServer } from '../../src/serve/server.js';
import { ExperimentStore, closeStores } from '../../src/store/experiment_store.js';
import { bearer, buildFixture, jsonRows, type Fixture } from './helpers.js';

let fixture: Fixture;
const running: RunningServer[] = [];

beforeAll(async () => {
  fixture = await buildFixture();
});

afterAll(async () => {
  await Promise.all(running.map((s) => s.close()));
  closeStores();
});

async function start(options: Parameters<typeof serve>[0] = {}): Promise<RunningServer> {
  const server = await serve({
    store: fixture.store,
    port: 0,
    host: '127.0.0.1',
    logLevel: 'silent',
    ...options,
  });
  running.push(server);
  return server;
}

const post = (server: RunningServer, path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...bearer(fixture.keys.reader), ...headers },
    body: JSON.stringify(body),
  });

describe('over HTTP', () => {
  it('starts on a free loopback port and says where, which models, and where the docs are', async () => {
    const server = await start();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.port).toBeGreaterThan(0);
    expect(server.models).toEqual(['diabetes', 'iris']);
    const banner = server.toString();
    expect(banner).toContain(server.url);
    expect(banner).toContain(`${server.url}/docs`);
    expect(banner).toMatch(/iris: POST .*\/v1\/models\/iris\/predict/);
    const response = await post(server, '/v1/models/iris/predict', { rows: jsonRows(fixture.iris, 20) });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-beemind-model-version')).toBe('2');
    const body = await response.json();
    expect(body.predictions).toEqual(fixture.irisRun.champion.predict(fixture.iris.features).slice(0, 20));
    const unauthorised = await post(
      server,
      '/v1/models/iris/predict',
      { rows: jsonRows(fixture.iris, 1) },
      { authorization: '' },
    );
    expect(unauthorised.status).toBe(401);
    expect(unauthorised.headers.get('content-type')).toMatch(/application\/problem\+json/);
  });

  it('limits requests per API key with 429 and Retry-After, counting each key apart', async () => {
    const server = await start({ rateLimit: 3, rateLimitWindowSeconds: 60 });
    const rows = { rows: jsonRows(fixture.iris, 1) };
    for (let i = 0; i < 3; i++)
      expect((await post(server, '/v1/models/iris/predict', rows)).status).toBe(200);
    const limited = await post(server, '/v1/models/iris/predict', rows);
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const problem = await limited.json();
    expect(problem).toMatchObject({
      status: 429,
      type: expect.stringMatching(/rate-limited$/),
      detail: expect.stringMatching(/more than 3 requests in 60 s/),
    });
    // another key has its own budget; health checks are never limited
    expect((await post(server, '/v1/models/iris/predict', rows, bearer(fixture.keys.admin))).status).toBe(
      200,
    );
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('answers browsers only from allowed origins (CORS), preflight included', async () => {
    const server = await start({ corsOrigins: ['https://app.example.com'] });
    const allowed = await fetch(`${server.url}/v1/models`, {
      headers: { origin: 'https://app.example.com', ...bearer(fixture.keys.reader) },
    });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(allowed.headers.get('access-control-expose-headers')).toMatch(/X-BeeMind-Model-Version/);
    const other = await fetch(`${server.url}/v1/models`, {
      headers: { origin: 'https://evil.example.com', ...bearer(fixture.keys.reader) },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${server.url}/v1/models/iris/predict`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    // without an allow-list no origin is allowed
    const closed = await start();
    const refused = await fetch(`${closed.url}/v1/models`, {
      headers: { origin: 'https://app.example.com', ...bearer(fixture.keys.reader) },
    });
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses bodies over the size limit (413) and more rows than allowed (400)', async () => {
    const server = await start({ bodyLimitBytes: 4096, maxRows: 30 });
    const big = await post(server, '/v1/models/iris/predict', { rows: jsonRows(fixture.iris, 150) });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ status: 413, type: expect.stringMatching(/body-too-large$/) });
    const many = await post(server, '/v1/models/iris/predict', {
      rows: jsonRows(fixture.iris, 31).map((r) => ({
        sepal_length: r.sepal_length,
        sepal_width: r.sepal_width,
        petal_length: r.petal_length,
        petal_width: r.petal_width,
      })),
    });
    expect(many.status).toBe(400);
    expect((await many.json()).errors).toEqual([
      expect.objectContaining({ pointer: '/rows', detail: expect.stringMatching(/30/) }),
    ]);
  });

  it('refuses bad settings and a bad split before listening', async () => {
    await expect(serve({ store: fixture.store, port: 0, rateLimit: -1 })).rejects.toMatchObject({
      code: 'serve.bad_setting',
    });
    await expect(serve({ store: fixture.store, port: 0, splits: ['iris=1:90'] })).rejects.toMatchObject({
      code: 'serve.bad_split',
    });
    await expect(serve({ store: fixture.store, port: 0, splits: ['iris=1:90,7:10'] })).rejects.toMatchObject({
      code: 'serve.bad_split',
      message: expect.stringMatching(/version 7, which the registry does not have \(it has 2, 1\)/),
    });
  });
});

describe('traffic splits', () => {
  it('sends the configured share to each version (within 2.5 points over 2,000 callers), sticky per caller', async () => {
    const server = await start({ splits: ['iris=2:90,1:10'], rateLimit: 0 });
    const app: FastifyInstance = server.app;
    const rows = { rows: jsonRows(fixture.iris, 1) };
    const versionFor = async (caller: string) => {
      const response = await app.inject({
        method: 'POST',
        url: '/v1/models/iris/predict',
        payload: rows,
        headers: { ...bearer(fixture.keys.reader), 'x-beemind-caller': caller },
      });
      expect(response.json().selectedBy).toBe('split');
      return response.json().version as number;
    };
    const counts = new Map<number, number>();
    for (let i = 0; i < 2000; i++) {
      const version = await versionFor(`caller-${i}`);
      counts.set(version, (counts.get(version) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([1, 2]);
    expect(Math.abs(counts.get(1)! / 2000 - 0.1)).toBeLessThan(0.025);
    // sticky: the same caller always gets the same version
    for (const caller of ['caller-1', 'caller-77', 'caller-1234']) {
      const first = await versionFor(caller);
      for (let k = 0; k < 5; k++) expect(await versionFor(caller)).toBe(first);
    }
    // without a caller header the key decides: the same key, the same version
    const byKey = await post(server, '/v1/models/iris/predict', rows);
    const again = await post(server, '/v1/models/iris/predict', rows);
    expect((await byKey.json()).version).toBe((await again.json()).version);
    // explicit versions and stages ignore the split
    const staged = await app.inject({
      method: 'POST',
      url: '/v1/models/iris/stages/production/predict',
      payload: rows,
      headers: bearer(fixture.keys.reader),
    });
    expect(staged.json()).toMatchObject({ version: 2, selectedBy: 'stage' });
    const described = await app.inject({ url: '/v1/models/iris', headers: bearer(fixture.keys.reader) });
    expect(described.json().split).toEqual([
      { version: 2, weight: 90 },
      { version: 1, weight: 10 },
    ]);
  });

  it('spreads anonymous requests (no key, no caller) by exact weighted rotation', async () => {
    const server = await start({ splits: ['iris=1:3,2:1'], auth: false, rateLimit: 0 });
    const counts = new Map<number, number>();
    for (let i = 0; i < 400; i++) {
      const response = await server.app.inject({
        method: 'POST',
        url: '/v1/models/iris/predict',
        payload: { rows: jsonRows(fixture.iris, 1) },
      });
      const { version } = response.json();
      counts.set(version, (counts.get(version) ?? 0) + 1);
    }
    expect(counts.get(1)! / 400).toBeCloseTo(0.75, 1);
    expect(Math.abs(counts.get(2)! - 100)).toBeLessThanOrEqual(4);
  });
});

describe('graceful shutdown', () => {
  it('answers every request received before close(), then refuses new connections', async () => {
    let arrived = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const arrivals: (() => void)[] = [];
    const server = await start({
      rateLimit: 0,
      // holds prediction requests until the test has started the shutdown
      configure: (app) => {
        app.addHook('preHandler', async (request) => {
          if (!request.url.endsWith('/predict')) return;
          arrived++;
          arrivals.splice(0).forEach((notify) => notify());
          await gate;
        });
      },
    });
    const inFlight = Array.from({ length: 5 }, (_, i) =>
      post(server, '/v1/models/iris/predict', { rows: jsonRows(fixture.iris, 10 + i) }),
    );
    while (arrived < 5) await new Promise<void>((resolve) => arrivals.push(resolve));
    const closing = server.close();
    release();
    const responses = await Promise.all(inFlight);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const bodies = await Promise.all(responses.map((r) => r.json()));
    expect(bodies.map((b) => b.predictions.length)).toEqual([10, 11, 12, 13, 14]);
    await closing;
    await server.closed;
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });
});

describe('readiness', () => {
  // last in this file: it closes the store connection the servers of this process share
  it('reports not ready (503) once the store cannot be read, while /healthz still answers', async () => {
    const server = await start();
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    ExperimentStore.open(fixture.store).close();
    const response = await fetch(`${server.url}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      status: 503,
      type: expect.stringMatching(/not-ready$/),
      detail: expect.stringMatching(/store cannot be read/),
    });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});

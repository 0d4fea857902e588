// Drift monitoring: PSI per feature and of the predictions over each version's sliding window against the
// reference data (--reference NAME=CSV): no drift on rows drawn like the reference, drift on shifted rows,
// nothing computed below the minimum rows or without reference data, the share of missing values and unseen
// categories, and the PSI gauges in /metrics.
import { fileURLToPath } from 'node:url';
import { createFrame } from '../../src/data/frame.js';
import { DriftMonitor, Reference, psi } from '../../src/serve/monitoring.js';
import { createServer, serve, type RunningServer } from '../../src/serve/server.js';
import { monitor } from '../../src/serve/monitor.js';
import { DISPLAY } from '../../src/display.js';
import { compile } from 'vega-lite';
import { closeStores } from '../../src/store/experiment_store.js';
import { Random } from '../../src/core/random.js';
import { bearer, buildFixture, jsonRows, type Fixture } from './helpers.js';

const IRIS_CSV = fileURLToPath(new URL('../../datasets/iris.csv', import.meta.url));
let fixture: Fixture;
let parts: RunningServer;

beforeAll(async () => {
  fixture = await buildFixture();
  parts = await serve({
    store: fixture.store,
    port: 0,
    logLevel: 'silent',
    rateLimit: 0,
    references: [`iris=${IRIS_CSV}`],
    monitorWindow: 300,
  });
});

afterAll(async () => {
  await parts.close();
  closeStores();
});

/** `count` iris rows drawn with replacement (seeded), optionally changed by `shift`. */
function irisSample(count: number, seed: number, shift?: (row: Record<string, unknown>) => void) {
  const all = jsonRows(fixture.iris, 150);
  const random = new Random(seed);
  return Array.from({ length: count }, () => {
    const row = { ...all[random.int(all.length)] };
    shift?.(row);
    return row;
  });
}

const send = (version: number, rows: unknown[]) =>
  parts.app.inject({
    method: 'POST',
    url: `/v1/models/iris/versions/${version}/predict`,
    payload: { rows },
    headers: bearer(fixture.keys.reader),
  });
const monitoring = async (model: string) => {
  const response = await parts.app.inject({
    url: `/v1/models/${model}/monitoring`,
    headers: bearer(fixture.keys.reader),
  });
  expect(response.statusCode).toBe(200);
  return response.json();
};

describe('drift monitoring', () => {
  it('computes nothing until the window has enough rows', async () => {
    expect((await send(1, irisSample(50, 1))).statusCode).toBe(200);
    const report = await monitoring('iris');
    expect(report).toMatchObject({
      model: 'iris',
      reference: { source: IRIS_CSV, rows: 150 },
      windowRows: 300,
      minRows: 100,
      threshold: 0.2,
    });
    const v1 = report.versions.find((v: { version: number }) => v.version === 1);
    expect(v1.rows).toBe(50);
    expect(v1.features.every((f: { psi: number | null }) => f.psi === null)).toBe(true);
    expect(v1.prediction.psi).toBeNull();
  });

  it('finds no drift in rows drawn like the reference data', async () => {
    for (let i = 0; i < 5; i++) await send(1, irisSample(50, 10 + i));
    const v1 = (await monitoring('iris')).versions.find((v: { version: number }) => v.version === 1);
    expect(v1.rows).toBe(300);
    expect(v1.features.map((f: { feature: string }) => f.feature)).toEqual(fixture.iris.featureNames);
    for (const f of v1.features) {
      expect(f.psi).toBeLessThan(0.1);
      expect(f.drifted).toBe(false);
      expect(f.missingShare).toBe(0);
    }
    expect(v1.driftedFeatures).toEqual([]);
    expect(v1.prediction.psi).toBeLessThan(0.1);
  });

  it('flags the shifted features and the predictions when the inputs move', async () => {
    const shifted = irisSample(300, 99, (row) => {
      row.petal_length = (row.petal_length as number) + 3;
      row.petal_width = (row.petal_width as number) + 1.5;
    });
    expect((await send(2, shifted)).statusCode).toBe(200);
    const report = await monitoring('iris');
    const v2 = report.versions.find((v: { version: number }) => v.version === 2);
    expect(v2.driftedFeatures.sort()).toEqual(['petal_length', 'petal_width']);
    const byName = new Map(v2.features.map((f: { feature: string }) => [f.feature, f]));
    expect((byName.get('petal_length') as { psi: number }).psi).toBeGreaterThan(1);
    expect((byName.get('sepal_length') as { psi: number }).psi).toBeLessThan(0.1);
    expect(v2.prediction).toMatchObject({ drifted: true });
    // versions keep their own windows
    expect(report.versions.find((v: { version: number }) => v.version === 1).driftedFeatures).toEqual([]);
    const metrics = await parts.app.inject({ url: '/metrics', headers: bearer(fixture.keys.admin) });
    expect(metrics.body).toMatch(/beemind_feature_psi\{model="iris",version="2",feature="petal_length"\} \d/);
    expect(metrics.body).toMatch(/beemind_prediction_psi\{model="iris",version="1"\} 0\.0/);
  });

  it('monitor(name) fetches the report from the server and displays it as a chart with the threshold', async () => {
    const report = await monitor('iris', { url: parts.url, key: fixture.keys.reader.secret });
    expect(report.drifted).toEqual([2]);
    const chart = report.chart();
    const values = (
      chart.data as { values: { version: number; feature: string; psi: number; drifted: string }[] }
    ).values;
    expect(
      values
        .filter((v) => v.drifted === 'drifted')
        .map((v) => `${v.version} ${v.feature}`)
        .sort(),
    ).toEqual(['2 (predictions)', '2 petal_length', '2 petal_width']);
    expect(JSON.stringify(chart.layer)).toContain('"datum":0.2');
    // a valid Vega-Lite spec: it compiles without warnings
    const warnings: string[] = [];
    const logger = {
      level: () => logger,
      warn: (...m: unknown[]) => (warnings.push(m.join(' ')), logger),
      error: (...m: unknown[]) => (warnings.push(m.join(' ')), logger),
      info: () => logger,
      debug: () => logger,
    };
    expect(compile(JSON.parse(JSON.stringify(chart)), { logger: logger as never }).spec).toBeDefined();
    expect(warnings).toEqual([]);
    const bundle = report[DISPLAY]();
    expect(bundle['application/vnd.vegalite.v5+json']).toEqual(chart);
    expect(bundle['text/plain']).toMatch(/petal_length/);
    await expect(monitor('iris', { url: parts.url })).rejects.toMatchObject({
      code: 'monitor.failed',
      message: expect.stringMatching(/HTTP 401.*pass \{ key \}/),
    });
    await expect(monitor('iris', { url: 'http://127.0.0.1:9', key: 'x' })).rejects.toMatchObject({
      code: 'monitor.unreachable',
    });
  });

  it('reports the window without PSI for a model without reference data', async () => {
    const rows = jsonRows(fixture.diabetes, 120);
    await parts.app.inject({
      method: 'POST',
      url: '/v1/models/diabetes/predict',
      payload: { rows },
      headers: bearer(fixture.keys.reader),
    });
    const report = await monitoring('diabetes');
    expect(report.reference).toBeNull();
    expect(report.versions[0]).toMatchObject({
      version: 1,
      rows: 120,
      driftedFeatures: [],
      prediction: { psi: null, drifted: false },
    });
    expect(report.versions[0].features.every((f: { psi: number | null }) => f.psi === null)).toBe(true);
  });

  it('refuses a reference for an unknown model or lacking a feature column', async () => {
    await expect(
      createServer({ store: fixture.store, references: [`nope=${IRIS_CSV}`] }),
    ).rejects.toMatchObject({ code: 'serve.bad_reference' });
    const diabetesCsv = fileURLToPath(new URL('../../datasets/diabetes.csv', import.meta.url));
    await expect(
      createServer({ store: fixture.store, references: [`iris=${diabetesCsv}`] }),
    ).rejects.toMatchObject({ code: 'data.missing_columns' });
  });
});

describe('PSI and the window', () => {
  it('is 0 for identical shares and grows with the difference', () => {
    const same = Float64Array.from([0.25, 0.25, 0.5]);
    expect(psi(same, same)).toBe(0);
    expect(psi(same, Float64Array.from([0.2, 0.3, 0.5]))).toBeGreaterThan(0);
    expect(psi(same, Float64Array.from([0.7, 0.1, 0.2]))).toBeGreaterThan(
      psi(same, Float64Array.from([0.2, 0.3, 0.5])),
    );
  });

  it('counts missing values and categories the reference never had, over the last rows only', () => {
    const reference = new Reference(
      'test',
      createFrame([{ name: 'colour', kind: 'categorical', values: ['red', 'blue', 'red', 'blue'] }]),
    );
    const monitor = new DriftMonitor(new Map([['m', reference]]), {
      windowRows: 4,
      minRows: 2,
      threshold: 0.2,
    });
    const frame = (values: (string | null)[]) =>
      createFrame([{ name: 'colour', kind: 'categorical', values }]);
    monitor.record('m', 1, frame(['red', 'blue', 'red', 'blue']), ['a', 'b', 'a', 'b']);
    monitor.record('m', 1, frame(['green', null]), ['a', 'b']);
    const [v1] = monitor.report('m', () => ['a', 'b', 'a', 'b']);
    expect(v1.rows).toBe(4);
    expect(v1.features[0]).toMatchObject({
      feature: 'colour',
      missingShare: 0.25,
      unseenShare: 0.25,
      drifted: true,
    });
    expect(v1.prediction.psi).toBeCloseTo(0, 10);
  });
});

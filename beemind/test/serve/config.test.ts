// The server's settings: options over environment variables over defaults, every value checked with an error
// that names the setting or variable; and the traffic split syntax.
import { resolveServeConfig, SERVE_DEFAULTS, SERVE_ENVIRONMENT } from '../../src/serve/config.js';
import { parseSplit, parseSplits, SplitRouter } from '../../src/serve/split.js';
import { canRequireEsm } from '../../src/serve/server.js';

describe('settings', () => {
  it('takes defaults, then environment variables, then options', () => {
    expect(resolveServeConfig({}, {})).toEqual({ store: undefined, ...SERVE_DEFAULTS });
    const env = {
      BEEMIND_SERVE_PORT: '9000',
      BEEMIND_SERVE_HOST: '0.0.0.0',
      BEEMIND_SERVE_AUTH: 'off',
      BEEMIND_SERVE_CORS_ORIGINS: 'https://a.example.com, https://b.example.com:8443',
      BEEMIND_SERVE_RATE_LIMIT: '50',
      BEEMIND_SERVE_SPLIT: 'iris=1:90,2:10;wine=3:1,4:1',
      BEEMIND_SERVE_REFERENCE: 'iris=iris.csv',
      BEEMIND_SERVE_DRIFT_THRESHOLD: '0.25',
      BEEMIND_SERVE_LOG_LEVEL: 'warn',
    };
    const config = resolveServeConfig({}, env);
    expect(config).toMatchObject({
      port: 9000,
      host: '0.0.0.0',
      auth: false,
      corsOrigins: ['https://a.example.com', 'https://b.example.com:8443'],
      rateLimit: 50,
      splits: ['iris=1:90,2:10', 'wine=3:1,4:1'],
      references: ['iris=iris.csv'],
      driftThreshold: 0.25,
      logLevel: 'warn',
      maxRows: SERVE_DEFAULTS.maxRows,
    });
    expect(resolveServeConfig({ port: 7000, auth: true }, env)).toMatchObject({
      port: 7000,
      auth: true,
      host: '0.0.0.0',
    });
  });

  it('names every setting in the environment table', () => {
    expect(Object.values(SERVE_ENVIRONMENT).every((v) => v.startsWith('BEEMIND_SERVE_'))).toBe(true);
    expect(Object.keys(SERVE_ENVIRONMENT).sort()).toEqual(Object.keys(SERVE_DEFAULTS).sort());
  });

  it('refuses bad values, naming the setting or the variable', () => {
    expect(() => resolveServeConfig({}, { BEEMIND_SERVE_PORT: '80000' })).toThrow(
      /environment variable BEEMIND_SERVE_PORT has the invalid value "80000"/,
    );
    expect(() => resolveServeConfig({}, { BEEMIND_SERVE_AUTH: 'maybe' })).toThrow(/BEEMIND_SERVE_AUTH/);
    expect(() => resolveServeConfig({ corsOrigins: ['app.example.com'] }, {})).toThrow(
      /the corsOrigins setting .*scheme and host/,
    );
    expect(() => resolveServeConfig({ maxRows: 0 }, {})).toThrow(
      expect.objectContaining({ code: 'serve.bad_setting' }),
    );
    expect(() => resolveServeConfig({ references: ['iris'] }, {})).toThrow(/NAME=PATH\.csv/);
  });
});

describe('traffic split syntax', () => {
  it('reads NAME=VERSION:WEIGHT,…', () => {
    expect(parseSplit('churn=3:90, 4:10')).toEqual({
      model: 'churn',
      shares: [
        { version: 3, weight: 90 },
        { version: 4, weight: 10 },
      ],
    });
    expect([...parseSplits(['a=1:1,2:1;b=1:3,2:1']).keys()]).toEqual(['a', 'b']);
  });

  it('refuses malformed splits with the form to use', () => {
    for (const bad of [
      'churn',
      'churn=3',
      'churn=3:90,3:10',
      'churn=0:1,1:1',
      'churn=1:0,2:1',
      'churn=a:1,b:2',
      'bad name=1:1,2:1',
    ]) {
      expect(() => parseSplit(bad)).toThrow(
        expect.objectContaining({ code: expect.stringMatching(/^(serve\.bad_split|registry\.bad_name)$/) }),
      );
    }
    expect(() => parseSplits(['a=1:1,2:1', 'a=1:2,2:1'])).toThrow(/two splits/);
  });

  it('sends one caller to one version, and anonymous requests in the exact shares', () => {
    const router = new SplitRouter(parseSplits(['m=1:1,2:3']));
    expect(router.choose('other', 'x')).toBeNull();
    const first = router.choose('m', 'caller-a');
    for (let i = 0; i < 10; i++) expect(router.choose('m', 'caller-a')).toBe(first);
    const counts = [0, 0, 0];
    for (let i = 0; i < 1000; i++) counts[router.choose('m', null)!]++;
    expect(counts[1]).toBe(250);
    expect(counts[2]).toBe(750);
  });
});

describe('interactive docs', () => {
  it('are served on the Node.js versions that can require() ES modules', () => {
    expect(['20.18.3', '21.7.0', '22.11.0'].map(canRequireEsm)).toEqual([false, false, false]);
    expect(['20.19.0', '20.20.2', '22.12.0', '24.1.0'].map(canRequireEsm)).toEqual([true, true, true, true]);
  });
});

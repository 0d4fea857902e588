// The `beemind serve` and `beemind keys` commands of the built CLI (beemind/dist/cli/bin.js): create a key
// (its secret printed once), list it, serve the store on a free port (the start-up lines name the address, the
// models and the docs), answer with the key, refuse it once revoked, stop on SIGTERM with exit 0; --no-auth;
// clean failures for a missing store and bad settings.
import { closeStores } from '../../src/store/experiment_store.js';
import { expectCleanFailure, ok, runCLI, startCLI, type StartedCLI } from '../helpers/cli.js';
import { buildFixture, jsonRows, type Fixture } from './helpers.js';
import { tempStore } from '../store/helpers.js';

let fixture: Fixture;
const started: StartedCLI[] = [];

beforeAll(async () => {
  fixture = await buildFixture();
  closeStores();
});

afterAll(() => {
  for (const s of started)
    if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
});

describe('beemind keys and beemind serve', () => {
  it('creates, lists and revokes keys, and serves the registry with them until SIGTERM', async () => {
    const created = ok(
      await runCLI(process.cwd(), [
        'keys',
        'create',
        '--name',
        'cli test',
        '--models',
        'iris',
        '--store',
        fixture.store,
      ]),
    );
    const id = /created API key (key_[0-9a-f]+) \(cli test; read-only; models: iris\)/.exec(created)?.[1];
    const secret = /^(bmk_\S+)$/m.exec(created)?.[1];
    expect(id).toBeDefined();
    expect(secret).toBeDefined();
    const listed = ok(await runCLI(process.cwd(), ['keys', 'list', '--store', fixture.store]));
    expect(listed).toMatch(new RegExp(`${id}.*cli test.*read-only.*iris.*live`));
    expect(listed).toMatch(/revoked \d{4}-/);
    expect(listed).not.toContain(secret!);
    const asJson = JSON.parse(
      ok(await runCLI(process.cwd(), ['keys', 'list', '--json', '--store', fixture.store])),
    );
    expect(asJson.find((k: { id: string }) => k.id === id)).toMatchObject({
      name: 'cli test',
      models: ['iris'],
      admin: false,
      revokedAt: null,
    });

    const cli = startCLI(process.cwd(), [
      'serve',
      '--store',
      fixture.store,
      '--port',
      '0',
      '--log-level',
      'warn',
    ]);
    started.push(cli);
    let stdout = '';
    cli.child.stdout!.on('data', (chunk: string) => (stdout += chunk));
    await cli.waitFor(/^docs: http:\/\/\S+\/docs/m, 60_000);
    const url = /BeeMind is serving 2 models at (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
    expect(url).toBeDefined();
    expect(stdout).toMatch(/iris: POST http:\/\/127\.0\.0\.1:\d+\/v1\/models\/iris\/predict/);
    expect(stdout).toMatch(/diabetes: POST/);
    expect(stdout).toMatch(/API keys required/);

    const predict = (model: string, rows: unknown[]) =>
      fetch(`${url}/v1/models/${model}/predict`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: JSON.stringify({ rows }),
      });
    const answered = await predict('iris', jsonRows(fixture.iris, 3));
    expect(answered.status).toBe(200);
    expect(await answered.json()).toMatchObject({
      model: 'iris',
      version: 2,
      predictions: fixture.irisRun.champion.predict(fixture.iris.features).slice(0, 3),
    });
    expect((await predict('diabetes', jsonRows(fixture.diabetes, 1))).status).toBe(403);
    expect((await fetch(`${url}/openapi.json`)).status).toBe(200);
    const docs = await fetch(`${url}/docs/`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toMatch(/swagger/i);

    ok(await runCLI(process.cwd(), ['keys', 'revoke', id!, '--store', fixture.store]));
    expect((await predict('iris', jsonRows(fixture.iris, 1))).status).toBe(401);

    cli.child.kill('SIGTERM');
    const finished = await cli.finished;
    expect(finished.code).toBe(0);
    expect(finished.stdout).toMatch(/stopped: every request received was answered/);
    expect(finished.stderr).not.toContain(secret!);
  });

  it('serves without keys only with --no-auth, and says so', async () => {
    const cli = startCLI(process.cwd(), [
      'serve',
      '--store',
      fixture.store,
      '--port',
      '0',
      '--no-auth',
      '--log-level',
      'silent',
    ]);
    started.push(cli);
    let stdout = '';
    cli.child.stdout!.on('data', (chunk: string) => (stdout += chunk));
    await cli.waitFor(/^docs: /m, 60_000);
    expect(stdout).toMatch(/authentication is OFF \(--no-auth\)/);
    const url = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)![1];
    const response = await fetch(`${url}/v1/models/diabetes/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rows: jsonRows(fixture.diabetes, 2) }),
    });
    expect(response.status).toBe(200);
    expect((await response.json()).selectedBy).toBe('latest');
    cli.child.kill('SIGINT');
    expect((await cli.finished).code).toBe(0);
  });

  it('fails cleanly for a missing store, a bad setting and a bad split', async () => {
    expectCleanFailure(
      await runCLI(process.cwd(), ['serve', '--store', tempStore(), '--port', '0']),
      /no experiment store at/,
    );
    expectCleanFailure(
      await runCLI(process.cwd(), ['serve', '--store', fixture.store, '--port', '0', '--log-level', 'loud']),
      /logLevel setting has the invalid value "loud"/,
    );
    expectCleanFailure(
      await runCLI(process.cwd(), [
        'serve',
        '--store',
        fixture.store,
        '--port',
        '0',
        '--split',
        'iris=1:50,9:50',
      ]),
      /version 9, which the registry does not have/,
    );
    expectCleanFailure(
      await runCLI(process.cwd(), ['keys', 'revoke', 'key_nope', '--store', fixture.store]),
      /no API key with id "key_nope"/,
    );
  });
});

// GET /v1/runs/{id}/events over real HTTP: a finished run's stored events as server-sent events ending with
// `end`, resuming after Last-Event-ID; a run that another process is still recording, followed live until it
// ends; unknown runs (404) and keys scoped to models (403).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type RunningServer } from '../../src/serve/server.js';
import { ExperimentStore, closeStores } from '../../src/store/experiment_store.js';
import { ApiKeys } from '../../src/store/api_keys.js';
import { startLongRun } from '../helpers/cli.js';
import { bearer, buildFixture, type Fixture } from './helpers.js';

let fixture: Fixture;
let server: RunningServer;

beforeAll(async () => {
  fixture = await buildFixture();
  server = await serve({ store: fixture.store, port: 0, logLevel: 'silent' });
});

afterAll(async () => {
  await server.close();
  closeStores();
});

interface SseEvent {
  id?: string;
  event?: string;
  data: string;
}

/** Parses a server-sent events stream body into its events (comments skipped). */
function parseSse(text: string): SseEvent[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim() && !block.startsWith(':'))
    .map((block) => {
      const event: SseEvent = { data: '' };
      for (const line of block.split('\n')) {
        const at = line.indexOf(': ');
        const field = line.slice(0, at);
        const value = line.slice(at + 2);
        if (field === 'id') event.id = value;
        else if (field === 'event') event.event = value;
        else if (field === 'data') event.data = value;
      }
      return event;
    });
}

describe('run events', () => {
  it("streams a finished run's stored events, then ends", async () => {
    const response = await fetch(`${server.url}/v1/runs/${fixture.irisRun.id}/events`, {
      headers: bearer(fixture.keys.reader),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = parseSse(await response.text());
    const stored = ExperimentStore.open(fixture.store).events(fixture.irisRun.id);
    expect(events.slice(0, -1).map((e) => e.event)).toEqual(stored.map((e) => e.type));
    expect(events.slice(0, -1).map((e) => JSON.parse(e.data))).toEqual(stored);
    expect(events.at(-1)).toMatchObject({
      event: 'end',
      data: JSON.stringify({ runId: fixture.irisRun.id, reason: 'finished' }),
    });
    // resuming after the third event sends the rest
    const resumed = parseSse(
      await (
        await fetch(`${server.url}/v1/runs/${fixture.irisRun.id}/events`, {
          headers: { ...bearer(fixture.keys.reader), 'last-event-id': events[2].id! },
        })
      ).text(),
    );
    expect(resumed.slice(0, -1).map((e) => e.id)).toEqual(events.slice(3, -1).map((e) => e.id));
  });

  it('refuses unknown runs and keys scoped to models', async () => {
    const missing = await fetch(`${server.url}/v1/runs/zzzz/events`, {
      headers: bearer(fixture.keys.reader),
    });
    expect(missing.status).toBe(404);
    const problem = await missing.json();
    expect(problem.type).toMatch(/no-run$/);
    // the store's file on the server is not named to clients
    expect(problem.detail).toBe(
      'there is no run "zzzz" in the served store; `beemind runs list` lists its runs.',
    );
    const scoped = await fetch(`${server.url}/v1/runs/${fixture.irisRun.id}/events`, {
      headers: bearer(fixture.keys.diabetesOnly),
    });
    expect(scoped.status).toBe(403);
    expect((await fetch(`${server.url}/v1/runs/${fixture.irisRun.id}/events`)).status).toBe(401);
  });

  it('follows a run another process is recording until it ends', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'beemind-serve-live-'));
    const run = await startLongRun(cwd, '-w', '0');
    try {
      const store = join(cwd, '.beemind', 'experiments.db');
      const key = ApiKeys.of(ExperimentStore.open(store)).create({ name: 'dashboard' });
      const live = await serve({ store, port: 0, logLevel: 'silent' });
      try {
        const [running] = ExperimentStore.open(store).listRuns({ status: 'running' });
        expect(running).toBeDefined();
        const response = await fetch(`${live.url}/v1/runs/${running.id}/events`, { headers: bearer(key) });
        expect(response.status).toBe(200);
        const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
        let text = '';
        let stopped = false;
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          text += value;
          // once drones stream in live, stop the run: its last events and the end must follow
          if (!stopped && (text.match(/event: drone\.evaluated/g) ?? []).length >= 3) {
            stopped = true;
            run.child.kill('SIGINT');
          }
        }
        const events = parseSse(text);
        expect(events[0].event).toBe('run.started');
        expect(events.filter((e) => e.event === 'drone.evaluated').length).toBeGreaterThanOrEqual(3);
        expect(events.at(-2)?.event).toBe('run.finished');
        expect(events.at(-1)).toMatchObject({ event: 'end' });
        expect(JSON.parse(events.at(-2)!.data)).toMatchObject({ runId: running.id });
      } finally {
        await live.close();
      }
    } finally {
      run.child.kill('SIGKILL');
      await run.finished;
    }
  });
});

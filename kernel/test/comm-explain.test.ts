// The comm's `explain` request (the panels' "why" view): validated, forwarded to the library's
// Run.explainRow, answered with exactly the attributions model.explain returns for that row.
import { BeeMindBridge } from '../src/comm/beemind-bridge.js';
import { CommManager } from '../src/comm/comms.js';
import { loadLibrarySource, type RunEventSource } from '../src/comm/run-source.js';
import type { Output } from '../src/protocol/messages.js';
import { FakeSource } from './fakes.js';
import * as beemind from '../../beemind/src/index.js';

/** A fake library that explains rows, recording what it was asked. */
class ExplainingSource extends FakeSource {
  readonly asked: [string, string, number, string][] = [];
  async explain(runId: string, droneId: string, row: number, source: 'test' | 'sent') {
    this.asked.push([runId, droneId, row, source]);
    return { runId, droneId, row, source, values: [[0.25, -0.5]] };
  }
}

async function openBridge(source: RunEventSource) {
  const sent: Output[] = [];
  const comms = new CommManager({ emit: (o) => sent.push(o), reportError: () => undefined });
  new BeeMindBridge(async () => source).register(comms);
  await comms.handleOpen('c1', 'beemind', {
    data: { protocol: 'beemind', version: 1 },
    metadata: {},
    buffers: [],
  });
  const send = (data: unknown) =>
    comms.handleMsg('c1', { data: data as Record<string, unknown>, metadata: {}, buffers: [] });
  const messages = () =>
    sent
      .filter((s) => s.msgType === 'comm_msg')
      .map((s) => (s.content as { data: Record<string, unknown> }).data); // short arrays travel as JSON
  const response = (id: string) => messages().find((m) => m.id === id || m.requestId === id);
  return { send, response };
}

const request = (id: string, params: Record<string, unknown>) => ({
  type: 'request',
  id,
  method: 'explain',
  params,
});

describe('the explain request', () => {
  it('asks the library for a row of the test rows (the default) or of the rows sent from a cell', async () => {
    const source = new ExplainingSource();
    source.publish({ type: 'run.started', runId: 'r1' });
    const { send, response } = await openBridge(source);
    await send(request('q1', { runId: 'r1', droneId: 'd3', row: 4 }));
    await send(request('q2', { runId: 'r1', droneId: 'd3', row: 0, source: 'sent' }));
    expect(source.asked).toEqual([
      ['r1', 'd3', 4, 'test'],
      ['r1', 'd3', 0, 'sent'],
    ]);
    expect(response('q1')).toMatchObject({ ok: true, result: { row: 4, values: [[0.25, -0.5]] } });
    expect(response('q2')).toMatchObject({ ok: true, result: { source: 'sent' } });
  });

  it('rejects a malformed row or source, and an unknown run, with an error saying so', async () => {
    const source = new ExplainingSource();
    source.publish({ type: 'run.started', runId: 'r1' });
    const { send, response } = await openBridge(source);
    await send(request('bad-row', { runId: 'r1', droneId: 'd1', row: -1 }));
    await send(request('fraction', { runId: 'r1', droneId: 'd1', row: 1.5 }));
    await send(request('bad-source', { runId: 'r1', droneId: 'd1', row: 0, source: 'train' }));
    await send(request('extra', { runId: 'r1', droneId: 'd1', row: 0, code: 'alert(1)' }));
    await send(request('no-run', { runId: 'r9', droneId: 'd1', row: 0 }));
    for (const id of ['bad-row', 'fraction', 'bad-source', 'extra']) {
      expect(response(id)).toMatchObject({ type: 'error', code: 'invalid_message', requestId: id });
    }
    expect(String(response('bad-row')!.message)).toContain('row');
    expect(response('no-run')).toMatchObject({ ok: false, error: { code: 'unknown_run' } });
    expect(source.asked).toEqual([]);
  });

  it('says so when the library cannot explain', async () => {
    const source = new FakeSource();
    source.publish({ type: 'run.started', runId: 'r1' });
    const { send, response } = await openBridge(source);
    await send(request('q1', { runId: 'r1', droneId: 'd1', row: 0 }));
    expect(response('q1')).toMatchObject({ ok: false, error: { code: 'unsupported' } });
  });
});

describe('the explain request against the library', () => {
  let run: beemind.Run;
  let source: RunEventSource;
  beforeAll(async () => {
    const data = await beemind.loadDataset('iris');
    run = await beemind.evolve(data, {
      target: 'species',
      budget: { evaluations: 4 },
      populationSize: 2,
      families: ['decision_tree'],
      seed: 3,
      workers: 0,
    });
    source = await loadLibrarySource({ import: async () => beemind });
  }, 120_000);

  it("answers with the library's attributions of the chosen test row, unchanged through the comm, base + Σ = output", async () => {
    const { send, response } = await openBridge(source);
    const droneId = run.leaderboard.rows[0].id;
    await send(request('q1', { runId: run.id, droneId, row: 2 }));
    const answer = response('q1') as { ok: boolean; result: beemind.RowExplanation };
    expect(answer.ok).toBe(true);
    const result = answer.result;
    expect(result).toMatchObject({ runId: run.id, droneId, source: 'test', row: 2 });
    expect(result.rowCount).toBe(run.explainableRows().test);
    // the same row asked of the library directly
    const direct = await run.explainRow(droneId, 2);
    expect(result.values).toEqual(direct.values);
    expect(result.base).toEqual(direct.base);
    // local accuracy holds for what the panel receives
    result.outputs.forEach((_, o) => {
      const sum = result.values[o].reduce((a, b) => a + b, result.base[o]);
      expect(sum).toBeCloseTo(result.output[o], 9);
    });
    expect(result.columns).toEqual(['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
    expect(result.input).toHaveLength(4);
    expect(result.input.every((v) => typeof v === 'number')).toBe(true);
  });

  it('explains the rows a cell sent with run.explain, and says which rows exist', async () => {
    const data = await beemind.loadDataset('iris');
    const rows = data.drop(['species']).take([10, 60, 120]);
    const explanation = await run.explain(rows);
    const { send, response } = await openBridge(source);
    await send(request('q1', { runId: run.id, droneId: run.champion.id, row: 1, source: 'sent' }));
    await send(request('q2', { runId: run.id, droneId: run.champion.id, row: 3, source: 'sent' }));
    const result = (response('q1') as { result: beemind.RowExplanation }).result;
    expect(result.rowCount).toBe(3);
    result.outputs.forEach((_, o) => expect(result.values[o]).toEqual(Array.from(explanation.values[1][o])));
    expect(result.base).toEqual(explanation.base);
    expect(response('q2')).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('pick 0 to 2') },
    });
  });

  it('names a run after its data, and shows its fit times in readable units', () => {
    expect(run.started.name).toBe('iris');
    const table = run.leaderboard[beemind.DISPLAY]()['text/plain'];
    expect(table).toMatch(/\d ms|\d s\b/);
    expect(table).not.toMatch(/\de-\d/);
  });
});

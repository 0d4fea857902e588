// The comm manager and the `beemind` comm bridge (with a fake run event source, no library, no ZeroMQ).
import { BeeMindBridge } from '../src/comm/beemind-bridge.js';
import { BINARY_THRESHOLD, packBuffers } from 'beemind/protocol';
import { CommManager } from '../src/comm/comms.js';
import type { RunEventSource } from '../src/comm/run-source.js';
import { FakeSource, type RunEventLike } from './fakes.js';
import type { Output } from '../src/protocol/messages.js';

function manager() {
  const sent: Output[] = [];
  const errors: string[] = [];
  const comms = new CommManager({
    emit: (o) => sent.push(o),
    reportError: (context, e) => errors.push(`${context}: ${(e as Error).message}`),
  });
  return { comms, sent, errors };
}

const empty = { data: {}, metadata: {}, buffers: [] };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('CommManager', () => {
  it('closes a comm opened on an unknown target', async () => {
    const { comms, sent } = manager();
    await comms.handleOpen('c1', 'nobody', empty);
    expect(sent).toEqual([{ msgType: 'comm_close', content: { comm_id: 'c1', data: {} } }]);
    expect(comms.info()).toEqual({});
  });

  it('dispatches messages to the target, lists comms by target and forgets closed ones', async () => {
    const { comms, sent } = manager();
    const seen: unknown[] = [];
    comms.registerTarget('echo', (comm) =>
      comm.onMsg((m) => comm.send({ echo: m.data }, {}, [new Uint16Array([1, 2])])),
    );
    await comms.handleOpen('c1', 'echo', empty);
    await comms.handleMsg('c1', { data: { x: 1 }, metadata: {}, buffers: [] });
    expect(sent[0].content).toEqual({ comm_id: 'c1', data: { echo: { x: 1 } } });
    expect([...sent[0].buffers![0]]).toEqual([1, 0, 2, 0]);
    expect(comms.info('echo')).toEqual({ c1: { target_name: 'echo' } });
    expect(comms.info('other')).toEqual({});
    comms.list()[0].onClose((m) => seen.push(m.data));
    comms.handleClose('c1', { data: { bye: true }, metadata: {}, buffers: [] });
    expect(seen).toEqual([{ bye: true }]);
    expect(comms.info()).toEqual({});
  });

  it('reports a throwing handler instead of failing', async () => {
    const { comms, errors } = manager();
    comms.registerTarget('bad', () => {
      throw new Error('handler broke');
    });
    await comms.handleOpen('c1', 'bad', empty);
    expect(errors).toEqual(['the comm target bad: handler broke']);
  });

  it('lists a comm whose id is __proto__ as an own entry', async () => {
    const { comms } = manager();
    comms.registerTarget('t', () => undefined);
    await comms.handleOpen('__proto__', 't', empty);
    const info = comms.info();
    expect(Object.hasOwn(info, '__proto__')).toBe(true);
    expect(JSON.parse(JSON.stringify({ comms: info }))).toEqual({
      comms: JSON.parse('{"__proto__": {"target_name": "t"}}'),
    });
    expect(Object.getPrototypeOf(info)).toBe(Object.prototype);
  });

  it('opens comms from the kernel side', () => {
    const { comms, sent } = manager();
    const comm = comms.open('frontend', { hello: 1 });
    expect(sent[0]).toMatchObject({
      msgType: 'comm_open',
      content: { comm_id: comm.id, target_name: 'frontend', data: { hello: 1 } },
    });
    comm.close();
    comm.send({ ignored: true });
    expect(sent.map((s) => s.msgType)).toEqual(['comm_open', 'comm_close']);
  });
});

describe('packBuffers', () => {
  it('moves typed arrays and long number arrays into buffers', () => {
    const long = Array.from({ length: BINARY_THRESHOLD }, (_, i) => i / 2);
    const { json, buffers } = packBuffers({
      a: new Float32Array([1, 2]),
      b: { c: long },
      d: [1, 2, 3],
      e: 'x',
    });
    expect(json).toEqual({
      a: { $buffer: 0, dtype: 'float32', length: 2 },
      b: { c: { $buffer: 1, dtype: 'float64', length: long.length } },
      d: [1, 2, 3],
      e: 'x',
    });
    expect([...new Float32Array(buffers[0].buffer)]).toEqual([1, 2]);
    expect([...new Float64Array(buffers[1].buffer)]).toEqual(long);
  });
});

const drone = (runId: string, id: string) => ({
  type: 'drone.evaluated',
  runId,
  drone: { id, status: 'ok', score: 0.9, family: 'tree', generation: 0 },
});

async function openBridge(
  source: RunEventSource | Error,
  data: Record<string, unknown> = { protocol: 'beemind', version: 1, throttleMs: 30 },
) {
  const { comms, sent } = manager();
  new BeeMindBridge(async () => {
    if (source instanceof Error) throw source;
    return source;
  }).register(comms);
  await comms.handleOpen('b1', 'beemind', { data, metadata: {}, buffers: [] });
  const messages = () =>
    sent
      .filter((s) => s.msgType === 'comm_msg')
      .map((s) => (s.content as { data: Record<string, unknown> }).data);
  const send = (d: unknown) =>
    comms.handleMsg('b1', { data: d as Record<string, unknown>, metadata: {}, buffers: [] });
  return { comms, sent, messages, send };
}

describe('BeeMindBridge', () => {
  it('sends a snapshot of every run on open', async () => {
    const source = new FakeSource();
    source.publish({ type: 'run.started', runId: 'r1' });
    source.publish(drone('r1', 'd1'));
    const { messages } = await openBridge(source);
    expect(messages()[0]).toEqual({
      type: 'snapshot',
      version: 1,
      library: { available: true },
      runs: [{ runId: 'r1', events: [{ type: 'run.started', runId: 'r1' }, drone('r1', 'd1')] }],
    });
  });

  it('streams events in throttled batches, with run start and end sent at once', async () => {
    const source = new FakeSource();
    const { messages } = await openBridge(source);
    source.publish({ type: 'run.started', runId: 'r2' });
    expect(messages()[1]).toEqual({
      type: 'events',
      version: 1,
      events: [{ type: 'run.started', runId: 'r2' }],
    });
    for (let i = 0; i < 5; i++) source.publish(drone('r2', `d${i}`));
    expect(messages().length).toBe(2);
    await sleep(60);
    expect(messages().length).toBe(3);
    expect((messages()[2].events as unknown[]).length).toBe(5);
    source.publish(drone('r2', 'd5'));
    source.publish({ type: 'run.finished', runId: 'r2', status: 'completed' });
    expect((messages()[3].events as RunEventLike[]).map((e) => e.type)).toEqual([
      'drone.evaluated',
      'run.finished',
    ]);
  });

  it('answers requests: snapshot, a drone, importance, and errors for unknown runs and drones', async () => {
    const source = new FakeSource();
    source.publish({ type: 'run.started', runId: 'r1' });
    source.publish(drone('r1', 'd1'));
    const { messages, send } = await openBridge(source);
    await send({ type: 'request', id: 'q1', method: 'drone', params: { runId: 'r1', droneId: 'd1' } });
    await send({ type: 'request', id: 'q2', method: 'importance', params: { runId: 'r1', droneId: 'd1' } });
    await send({ type: 'request', id: 'q3', method: 'drone', params: { runId: 'r1', droneId: 'nope' } });
    await send({ type: 'request', id: 'q4', method: 'importance', params: { runId: 'r9', droneId: 'd1' } });
    await send({ type: 'request', id: 'q5', method: 'snapshot' });
    const responses = messages().filter((m) => m.type === 'response');
    expect(responses[0]).toEqual({
      type: 'response',
      version: 1,
      id: 'q1',
      ok: true,
      result: drone('r1', 'd1').drone,
    });
    expect(responses[1]).toMatchObject({ id: 'q2', ok: true, result: { droneId: 'd1' } });
    expect(responses[2]).toMatchObject({ id: 'q3', ok: false, error: { code: 'unknown_drone' } });
    expect(responses[3]).toMatchObject({ id: 'q4', ok: false, error: { code: 'unknown_run' } });
    expect(responses[4]).toMatchObject({ id: 'q5', ok: true, result: { runs: [{ runId: 'r1' }] } });
  });

  it('answers malformed messages with an error and keeps working', async () => {
    const { messages, send } = await openBridge(new FakeSource());
    await send({ type: 'request', id: 'q1', method: 'explode' });
    await send({ nonsense: true });
    await send({ type: 'request', id: 'q2', method: 'drone', params: { runId: 5 } });
    await send({ type: 'configure', throttleMs: 1 });
    await send({ type: 'request', id: 'q3', method: 'snapshot' });
    const out = messages().slice(1);
    expect(out.slice(0, 4).map((m) => [m.type, m.code, m.requestId])).toEqual([
      ['error', 'invalid_message', 'q1'],
      ['error', 'invalid_message', undefined],
      ['error', 'invalid_message', 'q2'],
      ['error', 'invalid_message', undefined],
    ]);
    expect(out[4]).toMatchObject({ type: 'response', id: 'q3', ok: true });
  });

  it('rejects an open with an unsupported protocol version and closes the comm', async () => {
    const { sent, comms } = await openBridge(new FakeSource(), { protocol: 'beemind', version: 2 });
    expect(sent.map((s) => s.msgType)).toEqual(['comm_msg', 'comm_close']);
    expect((sent[0].content as { data: { code: string } }).data.code).toBe('invalid_open');
    expect(comms.info()).toEqual({});
  });

  it('reports a missing library in the snapshot and in responses', async () => {
    const { messages, send } = await openBridge(new Error('Cannot find package beemind'));
    expect(messages()[0]).toMatchObject({
      type: 'snapshot',
      runs: [],
      library: { available: false, reason: expect.stringContaining('Cannot find package') },
    });
    await send({ type: 'request', id: 'q', method: 'snapshot' });
    expect(messages()[1]).toMatchObject({ id: 'q', ok: false, error: { code: 'library_unavailable' } });
  });

  it('unsubscribes when the frontend closes the comm', async () => {
    const source = new FakeSource();
    const { comms } = await openBridge(source);
    expect(source.subscribers).toBe(1);
    comms.handleClose('b1', empty);
    expect(source.subscribers).toBe(0);
  });

  it('disposes the old comm when a comm_open reuses its id (as ipykernel, the new open wins)', async () => {
    const source = new FakeSource();
    const { comms, sent, messages } = await openBridge(source);
    await comms.handleOpen('b1', 'beemind', {
      data: { protocol: 'beemind', version: 1 },
      metadata: {},
      buffers: [],
    });
    expect(source.subscribers).toBe(1);
    expect(comms.info()).toEqual({ b1: { target_name: 'beemind' } });
    // the frontend's comm b1 is the new one: no comm_close goes out for the old
    expect(sent.map((s) => s.msgType)).toEqual(['comm_msg', 'comm_msg']);
    source.publish({ type: 'run.started', runId: 'r1' });
    expect(messages().filter((m) => m.type === 'events')).toHaveLength(1);
    comms.handleClose('b1', empty);
    expect(source.subscribers).toBe(0);
  });

  it('echoes at most 200 characters of an input in an error (a 20 MB id comes back clipped)', async () => {
    const { messages, send } = await openBridge(new FakeSource());
    await send({ type: 'request', id: 'i'.repeat(20_000_000), method: 'nope' });
    await send({ type: 'configure', throttleMs: 100, ['k'.repeat(1_000_000)]: 1 });
    await send({
      type: 'request',
      id: 'q',
      method: 'drone',
      params: { runId: 'r'.repeat(1_000_000), droneId: 'd' },
    });
    const errors = messages().slice(1);
    expect(errors.map((m) => m.type)).toEqual(['error', 'error', 'error']);
    // lengths only: a failing comparison must not print 20 MB
    expect(String(errors[0].requestId).length).toBe(201);
    expect(String(errors[0].requestId).endsWith('i…')).toBe(true);
    expect(errors.map((error) => JSON.stringify(error).length < 2_000)).toEqual([true, true, true]);
  });
});

describe('BeeMindBridge, library loaded later', () => {
  it('tells the comms opened before a cell loaded the library: a new snapshot, then its events', async () => {
    const { comms, sent } = manager();
    const bridge = new BeeMindBridge(async () => {
      throw new Error('it is loaded when a cell imports it');
    });
    bridge.register(comms);
    const open = { data: { protocol: 'beemind', version: 1, throttleMs: 10 }, metadata: {}, buffers: [] };
    await comms.handleOpen('early', 'beemind', open);
    const data = () => sent.map((s) => (s.content as { data: Record<string, unknown> }).data);
    expect(data()[0]).toMatchObject({
      type: 'snapshot',
      library: { available: false, reason: expect.stringContaining('when a cell imports it') },
    });
    const source = new FakeSource();
    source.publish({ type: 'run.started', runId: 'r0' });
    bridge.libraryLoaded(source);
    expect(data()[1]).toEqual({
      type: 'snapshot',
      version: 1,
      library: { available: true },
      runs: [{ runId: 'r0', events: [{ type: 'run.started', runId: 'r0' }] }],
    });
    source.publish({ type: 'run.finished', runId: 'r0' });
    expect(data()[2]).toMatchObject({ type: 'events', events: [{ type: 'run.finished', runId: 'r0' }] });
    await comms.handleMsg('early', {
      data: { type: 'request', id: 'q', method: 'snapshot' },
      metadata: {},
      buffers: [],
    });
    expect(data()[3]).toMatchObject({ type: 'response', id: 'q', ok: true });
    // a comm opened afterwards gets the library at once; a closed one is not told again
    comms.handleClose('early', empty);
    await comms.handleOpen('late', 'beemind', open);
    expect(data()[4]).toMatchObject({ type: 'snapshot', library: { available: true } });
    bridge.libraryLoaded(source);
    expect(sent).toHaveLength(5);
    expect(source.subscribers).toBe(1);
  });
});

describe('CommManager, comm ids reused', () => {
  it('runs the close handlers of a replaced comm and forgets it, without a comm_close to the frontend', async () => {
    const { comms, sent } = manager();
    const closed: string[] = [];
    let opened = 0;
    comms.registerTarget('t', (comm) => {
      const n = ++opened;
      comm.onClose(() => closed.push(`comm ${n}`));
      comm.onMsg(() => comm.send({ from: n }));
    });
    await comms.handleOpen('c1', 't', empty);
    await comms.handleOpen('c1', 't', empty);
    expect(closed).toEqual(['comm 1']);
    await comms.handleMsg('c1', empty);
    expect(sent.map((s) => [s.msgType, s.content])).toEqual([
      ['comm_msg', { comm_id: 'c1', data: { from: 2 } }],
    ]);
    expect(comms.list()).toHaveLength(1);
  });
});

// Properties of the comm path, with random and mutated messages (random JSON, wrong types, huge strings, deep
// nesting, `__proto__` keys, random buffers):
//  - kernel side: through the protocol handler, the structured clone into the executor thread, the comm
//    manager and the `beemind` bridge, every message gets a reply or a logged drop, nothing throws or fails
//    into the handler's safety net, no subscription leaks, and a valid request is still answered afterwards;
//  - frontend side: the extension's parseKernelMessage never throws and never reads inherited fields.
import fc from 'fast-check';
import { parseKernelMessage, unpackBuffers } from '../../../extension/src/protocol.js';
import { syntheticRun } from '../../../extension/test/synthetic.js';
import { BeeMindBridge } from '../../src/comm/beemind-bridge.js';
import { CommManager } from '../../src/comm/comms.js';
import { ConfigureSchema } from 'beemind/protocol';
import type { Executor } from '../../src/executor/executor.js';
import { JupyterHandler } from '../../src/protocol/handler.js';
import type { JsonObject, OutputSink } from '../../src/protocol/messages.js';
import { FakeSource, request } from '../fakes.js';
import { captureLogs, type LogCall } from '../log-capture.js';
import {
  SEED,
  deepValue,
  hostileJson,
  hugeString,
  mutate,
  mutation,
  nest,
  protoKeyed,
  randomBuffers,
} from './hostile.js';

const settle = () => new Promise((resolve) => setImmediate(resolve));

interface Published {
  parent: string;
  msgType: string;
  content: JsonObject;
}

/** The kernel from the handler to the bridge, with what crosses to the executor thread structured-cloned. */
function kernelSide() {
  const published: Published[] = [];
  const errors: string[] = [];
  let sink: OutputSink = () => undefined;
  const comms = new CommManager({
    emit: (output) => sink(output),
    reportError: (context, error) => errors.push(`${context}: ${String(error)}`),
  });
  const source = new FakeSource();
  source.publish({ type: 'run.started', runId: 'r1' });
  new BeeMindBridge(async () => source).register(comms);
  const cross = <T>(value: T): T => structuredClone(value); // what postMessage does
  const executor: Partial<Executor> = {
    async commOpen(r, s) {
      const c = cross(r);
      sink = s;
      await comms.handleOpen(c.commId, c.targetName, c);
    },
    async commMsg(m, s) {
      const c = cross(m);
      sink = s;
      await comms.handleMsg(c.commId, c);
    },
    async commClose(m, s) {
      const c = cross(m);
      sink = s;
      comms.handleClose(c.commId, c);
    },
  };
  const handler = new JupyterHandler(
    {
      reply: (_channel, r, msgType, content) => published.push({ parent: r.header.msg_id, msgType, content }),
      publish: (parent, msgType, content) =>
        published.push({ parent: parent?.header.msg_id ?? '', msgType, content }),
    },
    executor as Executor,
  );
  /** Sends one message; resolves with the comm traffic it caused. */
  const send = async (
    msgType: string,
    content: JsonObject,
    metadata: JsonObject = {},
    buffers: Uint8Array[] = [],
  ) => {
    const message = request(msgType, content, { metadata, buffers });
    handler.handle('shell', message);
    await settle();
    return published.filter((p) => p.parent === message.header.msg_id && p.msgType.startsWith('comm_'));
  };
  return { send, comms, source, errors };
}

const OPEN = { protocol: 'beemind', version: 1, throttleMs: 10 };

const validRequest = fc.oneof(
  fc.constant({ type: 'request', id: 'q', method: 'snapshot' }),
  fc
    .tuple(
      fc.constantFrom('drone', 'importance', 'confusion'),
      fc.constantFrom('r1', 'r9'),
      fc.constantFrom('d1', 'x'),
    )
    .map(([method, runId, droneId]) => ({ type: 'request', id: 'q', method, params: { runId, droneId } })),
  fc.integer({ min: 10, max: 10_000 }).map((throttleMs) => ({ type: 'configure', throttleMs })),
);

const withMutations = <T>(valid: fc.Arbitrary<T>) =>
  fc.tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([v, m]) => mutate(v, m));

const commData = fc.oneof(validRequest, withMutations(validRequest), hostileJson);
const commId = fc.oneof(
  { weight: 6, arbitrary: fc.constant('b') },
  { weight: 2, arbitrary: fc.string({ maxLength: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString') },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: hostileJson },
);
const metadata = fc.oneof(
  { weight: 4, arbitrary: fc.constant({}) },
  { weight: 1, arbitrary: protoKeyed },
  { weight: 1, arbitrary: fc.constantFrom(2, 200, 100_000).map((depth) => nest(depth) as JsonObject) },
);

type Message = { msgType: string; content: JsonObject; metadata: JsonObject; buffers: Uint8Array[] };

const message: fc.Arbitrary<Message> = fc.record({
  msgType: fc.constantFrom('comm_msg', 'comm_msg', 'comm_msg', 'comm_open', 'comm_close'),
  content: fc.oneof(
    {
      weight: 8,
      arbitrary: fc.record({
        comm_id: commId,
        target_name: fc.oneof(fc.constant('beemind'), hostileJson),
        data: fc.oneof(fc.constant(OPEN), withMutations(fc.constant(OPEN)), commData),
      }),
    },
    { weight: 1, arbitrary: protoKeyed },
    { weight: 1, arbitrary: deepValue.filter((v) => !Array.isArray(v)) },
  ) as fc.Arbitrary<JsonObject>,
  metadata,
  buffers: randomBuffers,
});

describe('comm messages, random and mutated', () => {
  it('get a reply or a logged drop, never an exception, and a valid request is answered afterwards', async () => {
    const logs = captureLogs();
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(message, { maxLength: 6 }), async (messages) => {
          logs.calls.length = 0;
          const { send, comms, source, errors } = kernelSide();
          await send('comm_open', { comm_id: 'b', target_name: 'beemind', data: OPEN });
          for (const m of messages) {
            const open = comms.info();
            const logged = logs.calls.length;
            const replies = await send(m.msgType, m.content, m.metadata, m.buffers);
            const drops = logs.calls.slice(logged).filter((l: LogCall) => l.level === 'warn');
            const id = m.content.comm_id;
            const known = typeof id === 'string' && Object.hasOwn(open, id);
            const silentlyAccepted =
              (m.msgType === 'comm_msg' && known && ConfigureSchema.safeParse(m.content.data).success) ||
              (m.msgType === 'comm_close' && known);
            if (!silentlyAccepted) expect(replies.length + drops.length).toBeGreaterThan(0);
          }
          // a fresh comm still gets its snapshot and its answers
          const opened = await send('comm_open', { comm_id: 'check', target_name: 'beemind', data: OPEN });
          expect(opened.map((p) => (p.content.data as { type?: string }).type)).toEqual(['snapshot']);
          const answered = await send('comm_msg', {
            comm_id: 'check',
            data: { type: 'request', id: 'last', method: 'snapshot' },
          });
          expect(answered.map((p) => p.content.data)).toEqual([
            expect.objectContaining({ type: 'response', id: 'last', ok: true }),
          ]);
          // nothing failed into a safety net, and every live subscription belongs to an open comm
          expect(errors).toEqual([]);
          expect(logs.calls.filter((l) => l.level === 'error').map((l) => l.message)).toEqual([]);
          const beemindComms = Object.values(comms.info()).filter((c) => c.target_name === 'beemind');
          expect(source.subscribers).toBe(beemindComms.length);
        }),
        { seed: SEED, numRuns: 400 },
      );
    } finally {
      logs.restore();
    }
  });
});

// --- the frontend's side -------------------------------------------------------------------------------------

const placeholder = fc.record({
  $buffer: fc.oneof(fc.integer({ min: -2, max: 4 }), fc.double(), hostileJson),
  dtype: fc.oneof(
    fc.constantFrom(
      'float64',
      'float32',
      'int32',
      'uint16',
      'int8',
      'uint8',
      '__proto__',
      'constructor',
      'toString',
    ),
    fc.string({ maxLength: 6 }),
  ),
  length: fc.oneof(
    fc.integer({ min: -5, max: 1_000_000 }),
    fc.double(),
    fc.constantFrom(NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER),
  ),
});

const events = syntheticRun({ drones: 3, runId: 'r' });
const validKernelMessage = fc.constantFrom<unknown>(
  { type: 'snapshot', version: 1, library: { available: true }, runs: [{ runId: 'r', events }] },
  { type: 'snapshot', version: 1, library: { available: false, reason: 'no library' }, runs: [] },
  { type: 'events', version: 1, events },
  { type: 'response', version: 1, id: 'r1', ok: true, result: { labels: ['a'], matrix: [[1]] } },
  { type: 'response', version: 1, id: 'r2', ok: false, error: { code: 'unknown_run', message: 'no run' } },
  { type: 'error', version: 1, code: 'invalid_message', message: 'rejected', requestId: 'r3' },
);

const kernelBuffers = fc.array(
  fc.oneof(
    fc.uint8Array({ maxLength: 64 }),
    fc.uint8Array({ minLength: 1, maxLength: 64 }).map((u) => new Uint8Array(u.buffer, 1)),
    fc.uint8Array({ maxLength: 64 }).map((u) => u.buffer),
    fc.float64Array({ maxLength: 8 }),
  ),
  { maxLength: 3 },
);

describe("the extension's parseKernelMessage", () => {
  const mutatedWithPlaceholders = fc
    .tuple(
      validKernelMessage,
      fc.array(mutation, { maxLength: 3 }),
      fc.array(fc.tuple(fc.array(fc.nat(), { maxLength: 4 }), placeholder), { maxLength: 2 }),
    )
    .map(([valid, mutations, refs]) =>
      mutate(valid, [
        ...mutations,
        ...refs.map(([steps, ref]) => ({ steps, kind: 'replace' as const, key: '', value: ref })),
      ]),
    );
  const anyMessage = fc.oneof(mutatedWithPlaceholders, hostileJson, placeholder);

  it('unpacks buffer placeholders without throwing, every key of the input an own key of the output', () => {
    fc.assert(
      fc.property(anyMessage, kernelBuffers, (raw, buffers) => {
        const out = unpackBuffers(raw, buffers);
        if (typeof raw === 'object' && raw !== null && !Array.isArray(raw) && !Object.hasOwn(raw, '$buffer'))
          expect(Object.keys(out as object)).toEqual(Object.keys(raw));
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('reads any message, random, mutated or with hostile buffer placeholders, without throwing', () => {
    const TYPES = ['snapshot', 'events', 'response', 'error', 'invalid'];
    fc.assert(
      fc.property(anyMessage, kernelBuffers, (raw, buffers) => {
        const message = parseKernelMessage(raw, buffers);
        expect(TYPES).toContain(message.type);
        // nothing leaked into the shared prototype
        expect(Object.keys(Object.prototype)).toEqual([]);
      }),
      { seed: SEED, numRuns: 600 },
    );
  });
});

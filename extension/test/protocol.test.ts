// The frontend side of the beemind comm protocol: validation of every kernel message, buffers, requests.
import {
  parseConfusion,
  parseImportance,
  parseKernelMessage,
  requestData,
  unpackBuffers,
} from '../src/protocol.js';
import { syntheticRun } from './synthetic.js';

describe('parseKernelMessage', () => {
  it('reads a snapshot and drops malformed events one by one', () => {
    const events = syntheticRun({ drones: 5, generations: 1 });
    const message = parseKernelMessage({
      type: 'snapshot',
      version: 1,
      library: { available: true },
      runs: [{ runId: 'run-0', events: [...events, { type: 'drone.evaluated', runId: 'run-0' }] }],
    });
    expect(message.type).toBe('snapshot');
    if (message.type !== 'snapshot') return;
    expect(message.runs[0].events).toHaveLength(events.length);
    expect(message.dropped).toBe(1);
    expect(message.libraryProblem).toBeNull();
  });

  it('reports a kernel whose library is missing', () => {
    const message = parseKernelMessage({
      type: 'snapshot',
      version: 1,
      library: { available: false, reason: 'not installed' },
      runs: [],
    });
    expect(message).toMatchObject({ type: 'snapshot', libraryProblem: 'not installed' });
  });

  it('refuses another protocol version with a sentence saying what to do', () => {
    const message = parseKernelMessage({ type: 'snapshot', version: 2, runs: [] });
    expect(message.type).toBe('invalid');
    if (message.type === 'invalid') expect(message.reason).toMatch(/protocol v2.*install matching versions/);
  });

  it('maps responses: ok to a result, not ok to an error with its code', () => {
    expect(
      parseKernelMessage({ type: 'response', version: 1, id: 'r1', ok: true, result: { a: 1 } }),
    ).toEqual({ type: 'response', requestId: 'r1', result: { a: 1 } });
    expect(
      parseKernelMessage({
        type: 'response',
        version: 1,
        id: 'r2',
        ok: false,
        error: { code: 'unknown_run', message: 'no run x' },
      }),
    ).toEqual({
      type: 'error',
      requestId: 'r2',
      code: 'unknown_run',
      message: 'no run x',
    });
  });

  it('never throws on garbage', () => {
    for (const garbage of [
      null,
      42,
      'x',
      [],
      { type: 'events' },
      { type: 'snapshot', runs: 'no' },
      { type: 'nope' },
      { type: 'response', id: 3 },
    ]) {
      expect(parseKernelMessage(garbage).type).toBe('invalid');
    }
  });
});

describe('binary buffers', () => {
  it('replaces placeholders by the numbers of the buffer (unaligned views too)', () => {
    const values = Float64Array.from({ length: 300 }, (_, i) => i / 3);
    const bytes = new Uint8Array(values.byteLength + 3);
    bytes.set(new Uint8Array(values.buffer), 3);
    const view = new Uint8Array(bytes.buffer, 3, values.byteLength);
    const out = unpackBuffers({ a: [{ $buffer: 0, dtype: 'float64', length: 300 }], b: 'x' }, [view]) as {
      a: number[][];
      b: string;
    };
    expect(out.a[0]).toHaveLength(300);
    expect(out.a[0][299]).toBeCloseTo(299 / 3);
    expect(out.b).toBe('x');
  });

  it('leaves a reference to a missing buffer for the schema to reject', () => {
    const message = parseKernelMessage(
      {
        type: 'response',
        version: 1,
        id: 'r1',
        ok: true,
        result: { matrix: { $buffer: 5, dtype: 'int32', length: 4 } },
      },
      [new Uint8Array(4)],
    );
    expect(message.type).toBe('response');
    if (message.type === 'response') expect(parseConfusion(message.result)).toBeNull();
  });
});

describe('requests and results', () => {
  it('writes requests as the kernel validates them (id, method, params only when needed)', () => {
    expect(requestData('r1', { method: 'snapshot' })).toEqual({
      type: 'request',
      id: 'r1',
      method: 'snapshot',
    });
    expect(requestData('r2', { method: 'importance', params: { runId: 'a', droneId: 'd1' } })).toEqual({
      type: 'request',
      id: 'r2',
      method: 'importance',
      params: { runId: 'a', droneId: 'd1' },
    });
  });

  it('reads an importance result as the library reports it', () => {
    const parsed = parseImportance(
      { droneId: 'd3', metric: 'accuracy', features: [{ feature: '<i>x</i>', importance: 0.2, std: 0.01 }] },
      'run',
      'd3',
    );
    expect(parsed).toMatchObject({
      type: 'importance.computed',
      runId: 'run',
      droneId: 'd3',
      metric: 'accuracy',
    });
    expect(parseImportance({ features: 'nope' }, 'run', 'd3')).toBeNull();
  });

  it('accepts only square confusion matrices', () => {
    expect(
      parseConfusion({
        labels: ['a', 'b'],
        matrix: [
          [1, 2],
          [3, 4],
        ],
      }),
    ).not.toBeNull();
    expect(parseConfusion({ labels: ['a', 'b'], matrix: [[1, 2]] })).toBeNull();
  });
});

describe('hostile messages', () => {
  const placeholder = (ref: Record<string, unknown>) => ({
    type: 'response',
    version: 1,
    id: 'r1',
    ok: true,
    result: { values: ref },
  });

  it('never throws on a buffer placeholder with a negative, fractional or huge length', () => {
    for (const length of [-1, -1e9, 1.5, Number.MAX_SAFE_INTEGER, Infinity, NaN]) {
      const message = parseKernelMessage(placeholder({ $buffer: 0, dtype: 'float64', length }), [
        new Float64Array([1, 2]),
      ]);
      expect(message.type).toBe('response');
      if (message.type === 'response') {
        const values = (message.result as { values: unknown }).values;
        expect(Array.isArray(values) ? values.length : 0).toBeLessThanOrEqual(2);
      }
    }
  });

  it('reads dtypes as own entries only: __proto__, constructor and toString are no dtypes', () => {
    for (const dtype of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      const ref = { $buffer: 0, dtype, length: 2 };
      const message = parseKernelMessage(placeholder(ref), [new Float64Array([1, 2])]);
      expect(message).toEqual({ type: 'response', requestId: 'r1', result: { values: ref } });
    }
  });

  it('never lets a __proto__ key supply inherited fields to the schemas', () => {
    const inherited = JSON.parse(
      '{"__proto__": {"type": "error", "message": "from the prototype"}, "x": {"$buffer": 0, "dtype": "uint8", "length": 1}}',
    ) as unknown;
    for (const buffers of [[], [new Uint8Array([7])]]) {
      const message = parseKernelMessage(inherited, buffers);
      expect(message.type).toBe('invalid');
    }
    const nested = JSON.parse(
      '{"type": "response", "version": 1, "id": "r1", "ok": true, "result": {"__proto__": {"polluted": true}}}',
    ) as unknown;
    const message = parseKernelMessage(nested, [new Uint8Array([1])]);
    expect(message.type).toBe('response');
    if (message.type === 'response') {
      const result = message.result as Record<string, unknown>;
      expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
      expect(result.polluted).toBeUndefined();
    }
  });

  it('turns anything that throws while reading into an invalid message', () => {
    const hostile = {
      get type(): string {
        throw new Error('getter bomb');
      },
    };
    expect(parseKernelMessage(hostile)).toMatchObject({
      type: 'invalid',
      reason: expect.stringContaining('getter bomb'),
    });
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    expect(parseKernelMessage({ type: 'events', events: [revoked.proxy] }, [new Uint8Array(1)]).type).toBe(
      'invalid',
    );
  });
});

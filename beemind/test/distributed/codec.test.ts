import {
  decodeDataset,
  decodeOutcome,
  encodeDataset,
  encodeOutcome,
  contentKey,
} from '../../src/distributed/codec.js';
import { decodeEnvelope, encodeEnvelope } from '../../src/distributed/envelope.js';
import { parseJobPayload } from '../../src/distributed/protocol.js';
import { checkRedisUrl, redactRedisUrl, redactSecrets } from '../../src/distributed/redis_url.js';
import type { EvaluationData } from '../../src/evaluation/evaluate.js';
import { ConfigurationError, ProtocolError } from '../../src/core/errors.js';
import { bool, cat, frame, num } from '../helpers/frames.js';

const data: EvaluationData = {
  features: frame(
    num('x', [1.5, NaN, -Infinity, 4, 0.1 + 0.2]),
    bool('flag', [0, 1, 1, 0, 1]),
    cat('colour', ['red', null, 'blue', 'red', 'ünïcødé']),
  ),
  y: Float64Array.from([0, 1, 1, 0, 1]),
  task: 'classification',
  nClasses: 2,
  folds: [
    { train: Int32Array.from([0, 1, 2]), test: Int32Array.from([3, 4]) },
    { train: Int32Array.from([2, 3, 4]), test: Int32Array.from([0, 1]) },
  ],
};

const genome = {
  steps: [{ kind: 'standard_scaler', params: {} }],
  model: { family: 'knn', params: { k: 3 } },
};
const payload = {
  v: 1,
  data: 'a'.repeat(64),
  job: { genome, fraction: 0.5, metric: 'accuracy', seed: 0, wantPredictions: true, measureSize: false },
  timeoutMs: 2000,
};

describe('the binary envelope', () => {
  it('carries JSON and typed arrays exactly, NaN, ±Infinity and -0 included, in shared memory on request', () => {
    const f = Float64Array.from([NaN, Infinity, -Infinity, -0, 1e-300, 0.1 + 0.2]);
    const i = Int32Array.from([-1, 2 ** 31 - 1]);
    const u = Uint8Array.from([1, 2, 3]); // odd length: the next array still starts aligned
    const g = Float32Array.from([1.5]);
    const bytes = encodeEnvelope({ hello: 'wörld' }, [f, u, i, g]);
    for (const shared of [false, true]) {
      const { meta, arrays } = decodeEnvelope(bytes, { shared });
      expect(meta).toEqual({ hello: 'wörld' });
      expect(arrays.map((a) => a.constructor.name)).toEqual([
        'Float64Array',
        'Uint8Array',
        'Int32Array',
        'Float32Array',
      ]);
      expect(Object.is(arrays[0][3], -0)).toBe(true);
      expect(Buffer.from(arrays[0].buffer).equals(Buffer.from(f.buffer))).toBe(true);
      expect([...arrays[2]]).toEqual([...i]);
      expect(Object.prototype.toString.call(arrays[0].buffer)).toBe(
        shared ? '[object SharedArrayBuffer]' : '[object ArrayBuffer]',
      );
    }
  });

  it('refuses truncated or foreign bytes with a ProtocolError', () => {
    const bytes = encodeEnvelope({}, [Float64Array.from([1, 2, 3])]);
    expect(() => decodeEnvelope(bytes.subarray(0, bytes.length - 8))).toThrow(/array past the end/);
    expect(() => decodeEnvelope(Buffer.from('not an envelope at all'))).toThrow(ProtocolError);
    expect(() => decodeEnvelope(new Uint8Array(3))).toThrow(/too short/);
  });
});

describe('the wire forms of data and outcomes', () => {
  it('round-trips search data, numeric, boolean and categorical columns and folds, under a content key', () => {
    const bytes = encodeDataset(data);
    const back = decodeDataset(bytes);
    expect(back.task).toBe('classification');
    expect(back.nClasses).toBe(2);
    expect(back.features.rows).toBe(5);
    expect(back.features.columns.map((c) => [c.name, c.kind])).toEqual([
      ['x', 'numeric'],
      ['flag', 'boolean'],
      ['colour', 'categorical'],
    ]);
    expect(Array.from(back.features.columns[0].values as Float64Array)).toEqual([
      1.5,
      NaN,
      -Infinity,
      4,
      0.1 + 0.2,
    ]);
    expect(back.features.columns[2].values).toEqual(['red', null, 'blue', 'red', 'ünïcødé']);
    expect(back.folds.map((f) => [Array.from(f.train), Array.from(f.test)])).toEqual([
      [
        [0, 1, 2],
        [3, 4],
      ],
      [
        [2, 3, 4],
        [0, 1],
      ],
    ]);
    expect(Array.from(back.y)).toEqual([0, 1, 1, 0, 1]);
    expect(contentKey(bytes)).toMatch(/^[0-9a-f]{64}$/);
    expect(contentKey(encodeDataset(data))).toBe(contentKey(bytes)); // same data, same key
    const changed = { ...data, y: Float64Array.from([1, 1, 1, 0, 1]) };
    expect(contentKey(encodeDataset(changed))).not.toBe(contentKey(bytes));
  });

  it('round-trips every kind of outcome; scores and predictions bit for bit', () => {
    const ok = {
      status: 'ok' as const,
      seconds: 0.25,
      value: {
        foldScores: [0.9, NaN, 1 / 3],
        predictions: Float64Array.from([0.1, 0.9, 1 / 7, 6 / 7]),
        predictionColumns: 2,
        fitSeconds: 0.01,
        predictSeconds: 0.002,
        modelSize: 1234,
      },
    };
    const back = decodeOutcome(encodeOutcome(ok));
    expect(back).toEqual(ok);
    const noPredictions = { ...ok, value: { ...ok.value, predictions: null } };
    expect(decodeOutcome(encodeOutcome(noPredictions))).toEqual(noPredictions);
    const others = [
      {
        status: 'failed' as const,
        error: { name: 'Error', message: 'refuses to fit', code: 'x.y' },
        seconds: 0.1,
      },
      { status: 'crashed' as const, error: { name: 'WorkerExit', message: 'exited' }, seconds: 2 },
      { status: 'timeout' as const, seconds: 3 },
      { status: 'cancelled' as const },
    ];
    for (const o of others) expect(decodeOutcome(encodeOutcome(o))).toEqual(o);
    expect(() => decodeOutcome(encodeEnvelope({ status: 'ok' }, []))).toThrow(
      /does not have the expected shape/,
    );
  });
});

describe('job payloads', () => {
  it('accepts a BeeMind evaluation and refuses anything else, naming the field', () => {
    expect(parseJobPayload(payload).job.genome).toEqual(genome);
    expect(() => parseJobPayload({ ...payload, code: 'process.exit(1)' })).toThrow(
      /not a BeeMind evaluation/,
    );
    expect(() => parseJobPayload({ ...payload, data: '../../etc/passwd' })).toThrow(/data/);
    expect(() => parseJobPayload({ ...payload, job: { ...payload.job, fraction: 2 } })).toThrow(
      /job\.fraction/,
    );
    expect(() => parseJobPayload({ ...payload, v: 2 })).toThrow(ProtocolError);
    expect(() => parseJobPayload('{"v":1}')).toThrow(ProtocolError);
  });
});

describe('Redis URLs', () => {
  it('hides the password wherever the URL is shown, even in malformed URLs', () => {
    expect(redactRedisUrl('redis://:s3cret@example.com:6380/2')).toBe('redis://:***@example.com:6380/2');
    expect(redactRedisUrl('rediss://alice:s3cret@example.com')).toBe('rediss://alice:***@example.com');
    expect(redactRedisUrl('redis://example.com:6379')).toBe('redis://example.com:6379');
    expect(redactRedisUrl('redis://bob:s3cret@exa mple')).not.toContain('s3cret');
    expect(JSON.stringify({ backend: { redis: 'redis://:pw@h:1', queue: 'q' } }, redactSecrets)).toBe(
      '{"backend":{"redis":"redis://:***@h:1","queue":"q"}}',
    );
  });

  it('accepts redis:// and rediss:// URLs and explains what is wrong with others', () => {
    expect(checkRedisUrl('rediss://user:pw@cache.example.com:6380/0')).toBe(
      'rediss://user:pw@cache.example.com:6380/0',
    );
    expect(() => checkRedisUrl('http://:pw@localhost:6379')).toThrow(/not a Redis URL \(scheme http:\)/);
    expect(() => checkRedisUrl('localhost:6379')).toThrow(ConfigurationError);
    expect(() => checkRedisUrl('redis://localhost:6379/zero')).toThrow(/database number/);
    expect(() => checkRedisUrl('')).toThrow(/a Redis URL is needed/);
    let message = '';
    try {
      checkRedisUrl('http://:topsecret@localhost');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/not a Redis URL/);
    expect(message).not.toContain('topsecret');
  });
});

import type { Redis } from 'ioredis';
import type { EvaluationData } from '../../src/evaluation/evaluate.js';
import type { WorkerPool } from '../../src/evaluation/pool/worker_pool.js';
import { contentKey, encodeDataset } from '../../src/distributed/codec.js';
import { DatasetCache } from '../../src/distributed/dataset_cache.js';
import { queueKeys } from '../../src/distributed/protocol.js';
import { frame, num } from '../helpers/frames.js';

/** Packed data sets, distinct by their first value. */
function packed(seed: number): { key: string; bytes: Buffer } {
  const data: EvaluationData = {
    features: frame(num('x', [seed, 1, 2, 3])),
    y: Float64Array.from([0, 1, 0, 1]),
    task: 'classification',
    nClasses: 2,
    folds: [{ train: Int32Array.from([0, 1]), test: Int32Array.from([2, 3]) }],
  };
  const bytes = encodeDataset(data);
  return { key: contentKey(bytes), bytes };
}

/** Redis holding `stored` under the data keys of queue "q" (only getBuffer is used), counting fetches. */
function fakeRedis(stored: Map<string, Buffer>) {
  const fetched: string[] = [];
  const client = {
    async getBuffer(key: string) {
      fetched.push(key);
      return stored.get(key) ?? null;
    },
  };
  return { client: client as unknown as Redis, fetched };
}

function fakePool() {
  const shared = new Map<string, EvaluationData>();
  const pool = {
    closed: false,
    share: (key: string, value: EvaluationData) => shared.set(key, value),
    unshare: (key: string) => shared.delete(key),
  };
  return { pool: pool as unknown as WorkerPool, shared };
}

describe('a worker’s dataset cache', () => {
  const sets = [1, 2, 3].map(packed);
  const stored = new Map(sets.map((s) => [queueKeys('q').data(s.key), s.bytes]));

  it('fetches each dataset once, shares it in shared memory, and drops the least recently used one not in use', async () => {
    const { client, fetched } = fakeRedis(stored);
    const { pool, shared } = fakePool();
    const cache = new DatasetCache(client, 'q', pool, 2);
    const [a, b, c] = sets.map((s) => s.key);

    const releaseA = await cache.acquire(a);
    (await cache.acquire(a))(); // again: no second fetch
    (await cache.acquire(b))();
    expect(fetched).toHaveLength(2);
    const column = shared.get(a)!.features.columns[0].values as Float64Array;
    expect(Object.prototype.toString.call(column.buffer)).toBe('[object SharedArrayBuffer]');
    expect(column[0]).toBe(1);

    (await cache.acquire(c))(); // a is in use: b goes
    expect([...shared.keys()].sort()).toEqual([a, c].sort());
    releaseA();
    (await cache.acquire(b))(); // now a is the least recently used one not in use
    expect([...shared.keys()].sort()).toEqual([b, c].sort());
    expect(cache.loads).toBe(4);
  });

  it('reports missing data, fetches again next time, and refuses bytes that do not match their key', async () => {
    const partial = new Map(stored);
    partial.delete(queueKeys('q').data(sets[0].key));
    partial.set(queueKeys('q').data(sets[1].key), sets[2].bytes); // wrong content under b's key
    const { client, fetched } = fakeRedis(partial);
    const cache = new DatasetCache(client, 'q', fakePool().pool);
    await expect(cache.acquire(sets[0].key)).rejects.toThrow(/is not in Redis/);
    await expect(cache.acquire(sets[0].key)).rejects.toThrow(/is not in Redis/);
    expect(fetched).toHaveLength(2);
    await expect(cache.acquire(sets[1].key)).rejects.toThrow(/does not match its content key/);
    expect(cache.size).toBe(0);
  });
});

/**
 * This module contains a worker's cache of search data: each dataset is fetched from Redis once by its content
 * key, checked against that key, unpacked into shared memory and shared with the evaluation threads; the
 * least recently used one not in use is dropped when more than `capacity` are held.
 */
import type { Redis } from 'ioredis';
import type { EvaluationData } from '../evaluation/evaluate.js';
import { EvaluationError, ProtocolError } from '../core/errors.js';
import type { WorkerPool } from '../evaluation/pool/worker_pool.js';
import { contentKey, decodeDataset } from './codec.js';
import { queueKeys } from './protocol.js';

interface Entry {
  ready: Promise<void>;
  /** Jobs using it now; an entry in use is never dropped. */
  users: number;
}

export class DatasetCache {
  private readonly entries = new Map<string, Entry>();
  /** Datasets fetched from Redis so far. */
  loads = 0;

  constructor(
    private readonly client: Redis,
    private readonly queue: string,
    private readonly pool: WorkerPool,
    private readonly capacity = 4,
  ) {}

  /**
   * Makes the data under `key` available to the evaluation threads (shared under `key`) and holds it until
   * the returned release function is called.
   */
  async acquire(key: string): Promise<() => void> {
    let entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key); // most recently used last
      this.entries.set(key, entry);
    } else {
      entry = { ready: this.load(key), users: 0 };
      this.entries.set(key, entry);
    }
    entry.users++;
    const held = entry;
    try {
      await held.ready;
    } catch (error) {
      held.users--;
      if (this.entries.get(key) === held) this.entries.delete(key); // retry the fetch next time
      throw error;
    }
    this.evict();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      held.users--;
      this.evict();
    };
  }

  private async load(key: string): Promise<void> {
    const bytes = await this.client.getBuffer(queueKeys(this.queue).data(key));
    if (bytes === null) {
      throw new EvaluationError(
        'distributed.data_missing',
        `the search data ${key.slice(0, 12)}… is not in Redis (it expires an hour after its run last touched it, or Redis lost it in a restart); the run re-uploads it when it reconnects.`,
      );
    }
    if (contentKey(bytes) !== key) {
      throw new ProtocolError(
        'distributed.data_corrupt',
        `the search data stored under ${key.slice(0, 12)}… does not match its content key.`,
      );
    }
    const data: EvaluationData = decodeDataset(bytes, { shared: true });
    this.pool.share(key, data);
    this.loads++;
  }

  private evict(): void {
    if (this.entries.size <= this.capacity) return;
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.capacity) return;
      if (entry.users > 0) continue;
      // users reach 0 only after the load settled, and failed loads are gone: this one is shared
      this.entries.delete(key);
      if (!this.pool.closed) this.pool.unshare(key);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

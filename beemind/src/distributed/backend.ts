/**
 * This module contains `RedisBackend`: the evaluation backend that sends a run's evaluations as BullMQ jobs to
 * `beemind worker` processes on any number of machines.
 *
 * - The search data travels once: packed, named by its SHA-256 and stored in Redis; workers cache it.
 * - A job is data only (genome, fraction, metric, seed, data key, timeout) with the id `<run>.<drone>.r<rung>`,
 *   so adding it twice, or a worker finishing it twice, still gives one result; each evaluate() resolves once.
 * - Outcomes come back in the queue's completion events (big ones under a result key); a sweep every few
 *   seconds, and right after a reconnection, re-reads jobs whose event went missing and re-submits jobs Redis
 *   lost (e.g. a restart without persistence), re-uploading the data first.
 * - cancelAll() (the run's deadline or an interrupt) resolves every unanswered job as cancelled at once,
 *   whether or not workers or Redis are there, and asks workers to stop those evaluations.
 */
import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { EvaluationBackend } from '../evaluation/backends.js';
import type { EvaluationData, EvaluationJob, EvaluationResult } from '../evaluation/evaluate.js';
import { logger } from '../core/logger.js';
import type { Outcome } from '../evaluation/pool/outcome.js';
import { parseParams } from '../models/estimator.js';
import { contentKey, decodeOutcome, encodeDataset } from './codec.js';
import { closeClient, ConnectionState, createClient, probeRedis, withTimeout } from './connection.js';
import {
  DEFAULT_QUEUE,
  jobPayload,
  QueueNameSchema,
  queueKeys,
  TIMING,
  type JobPayload,
  type JobReturn,
} from './protocol.js';
import { liveWorkers, type WorkerInfo } from './registry.js';
import { redactRedisUrl } from './redis_url.js';

export const RedisBackendOptionsSchema = z
  .object({
    /** redis:// or rediss:// URL, with user and password if the server needs them. */
    redis: z.string(),
    queue: QueueNameSchema.default(DEFAULT_QUEUE),
    /** Names the run's jobs (default: random). */
    runId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/)
      .optional(),
    /** Plugin modules the run uses: workers lacking one of the same file name are reported. */
    plugins: z.array(z.string()).default([]),
    /** How often unanswered jobs are re-checked (a safety net under the completion events). */
    sweepMs: z.number().int().min(50).default(TIMING.sweepMs),
  })
  .strict();

export type RedisBackendOptionsInput = z.input<typeof RedisBackendOptionsSchema>;

/** Counters of one backend, for reports and tests. */
export interface RedisBackendStats {
  /** Jobs added to the queue, re-submissions included. */
  submitted: number;
  /** Jobs submitted again because Redis lost them or their result. */
  resubmitted: number;
  /** Outcomes received. */
  answered: number;
  /** Times the connection to Redis was lost and found again. */
  reconnects: number;
}

interface Pending {
  jobId: string;
  payload: JobPayload;
  resolve: (outcome: Outcome<EvaluationResult>) => void;
  promise: Promise<Outcome<EvaluationResult>>;
  /** In the queue (added at least once). */
  submitted: boolean;
  /** Its outcome is being read: the sweep leaves it alone. */
  reading: boolean;
  resubmissions: number;
}

interface Upload {
  key: string;
  bytes: Buffer;
  /** Resolves once the data is in Redis. */
  ready: Promise<void>;
}

/** A job whose result Redis keeps losing is given up after this many re-submissions (a failed drone). */
const MAX_RESUBMISSIONS = 5;
/** Warn at most this often that jobs wait and no worker is connected. */
const NO_WORKER_WARN_EVERY_MS = 10_000;

const safeId = (id: string) => id.replace(/[^A-Za-z0-9_.-]/g, '_');

export class RedisBackend implements EvaluationBackend {
  readonly name = 'redis';
  readonly runId: string;
  readonly queueName: string;
  private readonly counts = { submitted: 0, resubmitted: 0, answered: 0 };
  private readonly keys: ReturnType<typeof queueKeys>;
  private readonly pending = new Map<string, Pending>();
  private readonly uploads = new Map<string, Upload>();
  private outbox: Pending[] = [];
  private flushScheduled = false;
  private counter = 0;
  private closed = false;
  private sweeping: Promise<void> | null = null;
  private readonly sweepTimer: NodeJS.Timeout;
  private lastNoWorkerWarning = 0;
  private workers: WorkerInfo[] = [];
  private readonly warnedPluginsFor = new Set<string>();
  /** Background work (cancellations, clean-ups) close() waits for, briefly. */
  private readonly chores = new Set<Promise<unknown>>();

  private constructor(
    private readonly url: string,
    private readonly options: z.output<typeof RedisBackendOptionsSchema>,
    private readonly state: ConnectionState,
    private readonly client: Redis,
    private readonly queue: Queue,
    private readonly events: QueueEvents,
  ) {
    this.runId = options.runId ?? randomUUID().slice(0, 8);
    this.queueName = options.queue;
    this.keys = queueKeys(options.queue);
    events.on('completed', ({ jobId, returnvalue }) => this.onCompleted(jobId, returnvalue));
    events.on('failed', ({ jobId, failedReason }) => this.onFailed(jobId, failedReason));
    state.onReconnect(() => this.chore(this.sweep()));
    this.sweepTimer = setInterval(() => {
      if (this.pending.size > 0) this.chore(this.sweep());
    }, options.sweepMs);
    this.sweepTimer.unref();
  }

  /**
   * Checks the URL, reaches Redis (a clear error when it cannot: the URL is shown without its password) and
   * opens the queue. Workers may join at any time after.
   */
  static async connect(input: RedisBackendOptionsInput): Promise<RedisBackend> {
    const options = parseParams(RedisBackendOptionsSchema, input, 'the Redis backend', 'options');
    await probeRedis(options.redis, 'the run');
    const state = new ConnectionState(options.redis, 'run');
    const client = createClient(state);
    const queue = new Queue(options.queue, {
      connection: client,
      defaultJobOptions: {
        // Only infrastructure problems throw in a worker (evaluation errors are outcomes): retry those.
        attempts: 3,
        backoff: { type: 'exponential', delay: 500 },
        // completed jobs hold their (small) outcomes: kept a while, for a run that missed the event
        removeOnComplete: { age: TIMING.keepCompletedSeconds, count: TIMING.keepCompleted },
        removeOnFail: { age: 24 * 3600, count: 1000 },
      },
      // Completion events carry outcomes up to 8 KB (bigger ones live under their own keys): keep the stream short.
      streams: { events: { maxLen: 2000 } },
    });
    queue.on('error', (error: Error) => logger.debug({ err: error }, 'queue error'));
    try {
      await queue.waitUntilReady();
      // Listen from the newest event on: nothing of this run can be missed, nothing older is replayed.
      const newest = await client.xrevrange(queue.keys.events, '+', '-', 'COUNT', 1);
      const events = new QueueEvents(options.queue, {
        connection: client,
        lastEventId: newest[0]?.[0] ?? '0-0',
      });
      events.on('error', (error: Error) => logger.debug({ err: error }, 'queue events error'));
      await events.waitUntilReady();
      const backend = new RedisBackend(options.redis, options, state, client, queue, events);
      await backend.refreshWorkers();
      return backend;
    } catch (error) {
      state.shutdown();
      await withTimeout(queue.close(), 1000);
      await closeClient(client);
      throw error;
    }
  }

  /** Evaluation slots of the workers connected now (at least 1, so callers can size batches). */
  get concurrency(): number {
    return Math.max(
      1,
      this.workers.reduce((n, w) => n + w.concurrency, 0),
    );
  }

  get stats(): RedisBackendStats {
    return { ...this.counts, reconnects: this.state.reconnects };
  }

  /** The workers seen at the last check (every few seconds while jobs wait). */
  get connectedWorkers(): readonly WorkerInfo[] {
    return this.workers;
  }

  /** Asks Redis which workers are connected now. */
  async listWorkers(): Promise<readonly WorkerInfo[]> {
    await this.refreshWorkers();
    return this.workers;
  }

  prepare(key: string, data: EvaluationData): void {
    const bytes = encodeDataset(data);
    const upload: Upload = { key: contentKey(bytes), bytes, ready: Promise.resolve() };
    upload.ready = this.upload(upload, false);
    upload.ready.catch(() => undefined); // reported through the evaluations that need it
    this.uploads.set(key, upload);
  }

  evaluate(
    key: string,
    job: EvaluationJob,
    options: { timeoutMs?: number; id?: string } = {},
  ): Promise<Outcome<EvaluationResult>> {
    if (this.closed) return Promise.resolve({ status: 'cancelled' });
    const upload = this.uploads.get(key);
    if (!upload) {
      return Promise.resolve(
        failure('RedisBackend.prepare(key, data) was not called for this data before evaluate().'),
      );
    }
    if (!isJsonSafe(job.genome)) {
      return Promise.resolve(
        failure(
          'the genome holds values JSON cannot carry (NaN, Infinity, undefined or functions); a distributed job must be plain data.',
        ),
      );
    }
    const jobId = `${this.runId}.${safeId(options.id ?? `e${++this.counter}`)}`;
    const existing = this.pending.get(jobId);
    if (existing) return existing.promise; // the same evaluation asked twice: one job, one outcome
    let resolve!: (outcome: Outcome<EvaluationResult>) => void;
    const promise = new Promise<Outcome<EvaluationResult>>((r) => (resolve = r));
    const entry: Pending = {
      jobId,
      payload: jobPayload(upload.key, job, options.timeoutMs),
      resolve,
      promise,
      submitted: false,
      reading: false,
      resubmissions: 0,
    };
    this.pending.set(jobId, entry);
    this.outbox.push(entry);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(() => this.chore(this.flush()));
    }
    return promise;
  }

  cancelAll(): void {
    const entries = [...this.pending.values()];
    this.pending.clear();
    this.outbox = [];
    for (const e of entries) e.resolve({ status: 'cancelled' });
    const submitted = entries.filter((e) => e.submitted).map((e) => e.jobId);
    if (submitted.length > 0) this.withdraw(submitted);
  }

  /** Best effort, in the background: workers stop these evaluations, and waiting ones leave the queue. */
  private withdraw(jobIds: string[]): void {
    if (this.state.down) return; // nobody to tell; their results expire unread
    this.chore(
      (async () => {
        await this.client.publish(this.keys.cancel, JSON.stringify(jobIds));
        await Promise.all(jobIds.map((id) => this.queue.remove(id).catch(() => 0)));
      })(),
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.cancelAll();
    this.closed = true;
    clearInterval(this.sweepTimer);
    // Redis being down must not hold the end of the run (its time budget includes this).
    const grace = this.state.down ? 0 : 1000;
    await withTimeout(Promise.allSettled([...this.chores]), grace);
    this.state.shutdown();
    await withTimeout(Promise.allSettled([this.events.close(), this.queue.close()]), grace);
    await closeClient(this.client, grace);
  }

  // ---- submission ----

  /** Puts the data in Redis unless it is there (refreshing its expiry either way). */
  private async upload(upload: Upload, force: boolean): Promise<void> {
    const key = this.keys.data(upload.key);
    if (!force && (await this.client.expire(key, TIMING.dataTtlSeconds)) === 1) return;
    await this.client.set(key, upload.bytes, 'EX', TIMING.dataTtlSeconds);
    logger.info({ data: upload.key.slice(0, 12), bytes: upload.bytes.length }, 'search data uploaded');
  }

  /** Adds every job of the outbox in one round trip (a rung's evaluations arrive together). */
  private async flush(): Promise<void> {
    this.flushScheduled = false;
    const batch = this.outbox.filter((e) => this.pending.get(e.jobId) === e);
    this.outbox = [];
    if (batch.length === 0) return;
    await this.submit(batch);
  }

  private async submit(batch: Pending[]): Promise<void> {
    try {
      const dataKeys = new Set(batch.map((e) => e.payload.data));
      await Promise.all([...this.uploads.values()].filter((u) => dataKeys.has(u.key)).map((u) => u.ready));
      await this.queue.addBulk(
        batch.map((e) => ({ name: 'evaluate', data: e.payload, opts: { jobId: e.jobId } })),
      );
      for (const e of batch) e.submitted = true;
      this.counts.submitted += batch.length;
      // cancelled while being added: take them out again
      const cancelled = batch.filter((e) => this.pending.get(e.jobId) !== e).map((e) => e.jobId);
      if (cancelled.length > 0) this.withdraw(cancelled);
    } catch (error) {
      // Left unsubmitted, they are submitted again by the next sweep.
      for (const e of batch) e.submitted = true;
      logger.warn(
        { err: error, jobs: batch.length },
        'adding evaluation jobs to the queue failed; retrying at the next check',
      );
    }
  }

  // ---- answers ----

  private settle(entry: Pending, outcome: Outcome<EvaluationResult>): void {
    if (this.pending.get(entry.jobId) !== entry) return;
    this.pending.delete(entry.jobId);
    this.counts.answered++;
    entry.resolve(outcome);
  }

  private onCompleted(jobId: string, returned: unknown): void {
    const entry = this.pending.get(jobId);
    if (!entry || entry.reading) return;
    const inline = (returned as JobReturn | null)?.outcome;
    if (typeof inline === 'string') this.settle(entry, unpack(Buffer.from(inline, 'base64')));
    else this.chore(this.readResult(entry));
  }

  private onFailed(jobId: string, reason: string): void {
    const entry = this.pending.get(jobId);
    if (!entry || entry.reading) return;
    this.settle(entry, {
      status: 'crashed',
      error: { name: 'WorkerError', message: `no worker could evaluate it: ${reason}` },
      seconds: 0,
    });
  }

  /** Takes a stored outcome (reading deletes it); a completed job without one is submitted again. */
  private async readResult(entry: Pending): Promise<void> {
    if (this.pending.get(entry.jobId) !== entry) return;
    entry.reading = true;
    try {
      const key = this.keys.result(entry.jobId);
      const replies = await this.client.multi().getBuffer(key).del(key).exec();
      const bytes = replies?.[0]?.[1] as Buffer | null | undefined;
      if (bytes) {
        this.settle(entry, unpack(bytes));
        return;
      }
      await this.resubmit(entry, 'its worker finished but the result is gone');
    } catch (error) {
      logger.debug({ err: error, job: entry.jobId }, 'reading a result failed; the next check retries');
    } finally {
      entry.reading = false;
    }
  }

  private async resubmit(entry: Pending, why: string): Promise<void> {
    if (this.pending.get(entry.jobId) !== entry) return;
    if (++entry.resubmissions > MAX_RESUBMISSIONS) {
      this.settle(entry, failure(`gave up after ${MAX_RESUBMISSIONS} re-submissions: ${why}.`, 'crashed'));
      return;
    }
    logger.info({ job: entry.jobId, why }, 're-submitting an evaluation');
    this.counts.resubmitted++;
    // Remove a finished copy first: a job id still present would make the add a no-op.
    await this.queue.remove(entry.jobId).catch(() => 0);
    await this.submit([entry]);
  }

  // ---- the safety net ----

  private sweep(): Promise<void> {
    const run = async () => {
      if (this.closed) return;
      // Refreshes the data's expiry, and puts it back if Redis lost it (a restart without persistence)
      // before any lost job is submitted again.
      await Promise.all([...this.uploads.values()].map((u) => (u.ready = this.upload(u, false))));
      const entries = [...this.pending.values()].filter((e) => e.submitted && !e.reading);
      await Promise.all(entries.map((e) => this.check(e)));
      await this.refreshWorkers();
      this.warnIfNobodyListens();
    };
    // One sweep at a time: a reconnection during one runs a fresh one after it.
    const next = (this.sweeping ?? Promise.resolve()).then(run, run).catch((error: Error) => {
      logger.debug({ err: error }, 'checking unanswered jobs failed; retrying at the next check');
    });
    this.sweeping = next;
    void next.finally(() => {
      if (this.sweeping === next) this.sweeping = null;
    });
    return next;
  }

  /** One unanswered job: answered after all (event missed), lost (re-submit), failed, or still on its way. */
  private async check(entry: Pending): Promise<void> {
    // State first, result second: a worker stores the result before its job completes and disappears.
    const state = await this.queue.getJobState(entry.jobId);
    if (state === 'failed') {
      const job = await this.queue.getJob(entry.jobId);
      this.onFailed(entry.jobId, job?.failedReason ?? 'failed');
      return;
    }
    if (state === 'completed') {
      const job = await this.queue.getJob(entry.jobId);
      this.onCompleted(entry.jobId, job?.returnvalue);
      return;
    }
    if (state === 'unknown') {
      if ((await this.client.exists(this.keys.result(entry.jobId))) === 1) await this.readResult(entry);
      else await this.resubmit(entry, 'Redis lost the job');
    }
  }

  private async refreshWorkers(): Promise<void> {
    this.workers = await liveWorkers(this.client, this.queueName);
    for (const w of this.workers) {
      if (this.warnedPluginsFor.has(w.id)) continue;
      const missing = this.options.plugins
        .map((p) => p.split(/[\\/]/).pop()!)
        .filter((p) => !w.plugins.includes(p));
      if (missing.length === 0) continue;
      this.warnedPluginsFor.add(w.id);
      logger.warn(
        { worker: w.id, missing },
        `worker ${w.id} was started without the plugin(s) ${missing.join(', ')} this run uses; its evaluations of those model families will fail (start it with --plugin <module>)`,
      );
    }
  }

  private warnIfNobodyListens(): void {
    const now = Date.now();
    if (
      this.workers.length > 0 ||
      this.pending.size === 0 ||
      now - this.lastNoWorkerWarning < NO_WORKER_WARN_EVERY_MS
    )
      return;
    this.lastNoWorkerWarning = now;
    logger.warn(
      { queue: this.queueName, waiting: this.pending.size },
      `${this.pending.size} evaluation(s) wait in queue "${this.queueName}" at ${redactRedisUrl(this.url)} and no worker is connected; start one with: npx beemind worker --redis <url> --queue ${this.queueName}`,
    );
  }

  /** Tracks background work so close() can let it finish. */
  private chore(work: Promise<unknown>): void {
    const tracked = work.catch((error: Error) =>
      logger.debug({ err: error }, 'background Redis work failed'),
    );
    this.chores.add(tracked);
    void tracked.finally(() => this.chores.delete(tracked));
  }
}

/** An outcome from its packed bytes; bytes that do not decode make a crashed outcome that says so. */
function unpack(bytes: Uint8Array): Outcome<EvaluationResult> {
  try {
    return decodeOutcome(bytes);
  } catch (error) {
    return {
      status: 'crashed',
      error: { name: 'ProtocolError', message: (error as Error).message },
      seconds: 0,
    };
  }
}

function failure(message: string, status: 'failed' | 'crashed' = 'failed'): Outcome<EvaluationResult> {
  return { status, error: { name: 'EvaluationError', message }, seconds: 0 };
}

/** Whether JSON carries `value` unchanged (no NaN, ±Infinity, undefined, functions, class instances). */
function isJsonSafe(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object':
      if (value === null) return true;
      if (Array.isArray(value)) return value.every(isJsonSafe);
      if (Object.getPrototypeOf(value) !== Object.prototype) return false;
      return Object.values(value).every(isJsonSafe);
    default:
      return false;
  }
}

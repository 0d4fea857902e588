/**
 * This module contains the queue worker behind `beemind worker`: it takes evaluation jobs from a BullMQ queue,
 * evaluates each in a worker-thread slot (so a hanging drone is stopped at its timeout, a crashing one costs
 * only its thread, and job locks keep being renewed) and completes the job with the packed outcome (a big
 * one is stored under the job's result key first). Evaluation errors are outcomes, never retried; only a worker that dies mid-job (its lock
 * expires, another worker's stalled-job check puts the job back) or a missing dataset makes a job run again.
 * Every job is held to the worker's own limits (time, memory, hyperparameter bounds: see limits.ts); a job
 * outside them is answered at once as a failed evaluation.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { z } from 'zod';
import type { EvaluationResult } from '../evaluation/evaluate.js';
import { loadPlugins, pluginUrl } from '../evaluation/plugins.js';
import { EvaluationError, ProtocolError } from '../core/errors.js';
import { logger } from '../core/logger.js';
import { parseParams } from '../models/estimator.js';
import { serializeError, type Outcome } from '../evaluation/pool/outcome.js';
import { WorkerPool } from '../evaluation/pool/worker_pool.js';
import { encodeOutcome } from './codec.js';
import { closeClient, ConnectionState, createClient, probeRedis, withTimeout } from './connection.js';
import { DatasetCache } from './dataset_cache.js';
import type { ThreadTask } from './evaluation_thread.js';
import { explainLimitOutcome, validateJob, type ValidJob } from './limits.js';
import {
  DEFAULT_QUEUE,
  DEFAULT_WORKER_LIMITS,
  INLINE_OUTCOME_BYTES,
  MAX_JOB_SECONDS,
  QueueNameSchema,
  queueKeys,
  TIMING,
  type JobReturn,
  type WorkerLimits,
} from './protocol.js';
import { heartbeat, leave, type WorkerInfo } from './registry.js';
import { redactRedisUrl } from './redis_url.js';

export const WorkerOptionsSchema = z
  .object({
    /** redis:// or rediss:// URL, with user and password if the server needs them. */
    redis: z.string(),
    queue: QueueNameSchema.default(DEFAULT_QUEUE),
    /** Evaluations at once (one worker thread each). */
    concurrency: z.number().int().min(1).max(256).default(Math.max(1, os.availableParallelism())),
    /** Modules imported by every evaluation thread (custom model families, steps). Never taken from jobs. */
    plugins: z.array(z.string()).default([]),
    /** Longest one evaluation may run, whatever its job says (a job's own timeout can only lower it). */
    maxJobSeconds: z.number().positive().max(MAX_JOB_SECONDS).default(DEFAULT_WORKER_LIMITS.maxJobSeconds),
    /** JS heap limit of each evaluation thread (typed arrays are outside it: hyperparameter bounds keep those in check). */
    maxJobMemoryMb: z.number().int().min(64).default(DEFAULT_WORKER_LIMITS.maxJobMemoryMb),
    /** How long a job stays locked without renewal; a killed worker's job goes back to the queue after it. */
    lockMs: z.number().int().min(200).default(TIMING.lockMs),
    /** How often this worker looks for jobs whose worker died. */
    stalledCheckMs: z.number().int().min(100).default(TIMING.stalledCheckMs),
    /** Datasets kept in memory. */
    cacheSize: z.number().int().min(1).default(4),
  })
  .strict();

export type WorkerOptionsInput = z.input<typeof WorkerOptionsSchema>;
export type WorkerOptions = z.output<typeof WorkerOptionsSchema>;

export interface WorkerStats {
  /** Jobs finished with an outcome (ok or not). */
  evaluated: number;
  /** Of those, the ones whose outcome was not ok (failed, timeout, crashed). */
  unsuccessful: number;
  /** Of those, the ones refused before evaluation: outside this worker's limits. */
  refused: number;
  cancelled: number;
  /** Datasets fetched from Redis. */
  datasetsLoaded: number;
}

/** A running worker. */
export interface RedisWorker {
  readonly id: string;
  readonly queue: string;
  readonly concurrency: number;
  /** The limits it holds every job to. */
  readonly limits: Readonly<WorkerLimits>;
  readonly stats: Readonly<WorkerStats>;
  /** Stops taking jobs, lets running ones finish (or stops them at once with `force`), and disconnects. */
  close(options?: { force?: boolean }): Promise<void>;
}

/** The compiled thread entry; src/distributed and dist/distributed sit at the same depth. */
function threadEntry(): URL {
  const entry = new URL('../../dist/distributed/evaluation_thread.js', import.meta.url);
  if (!existsSync(fileURLToPath(entry))) {
    throw new EvaluationError(
      'worker.not_built',
      `the evaluation thread ${fileURLToPath(entry)} is missing; build the library (npx tsc -b).`,
    );
  }
  return entry;
}

/** Ids of jobs cancelled by their run, remembered for a while so a job taken later is skipped. */
class CancelledJobs {
  private readonly ids = new Set<string>();
  add(id: string): void {
    this.ids.add(id);
    if (this.ids.size > 10_000) this.ids.delete(this.ids.values().next().value!);
  }
  has(id: string): boolean {
    return this.ids.has(id);
  }
}

/** Connects to Redis and starts taking evaluation jobs from the queue. */
export async function startWorker(input: WorkerOptionsInput): Promise<RedisWorker> {
  const options = parseParams(WorkerOptionsSchema, input, 'startWorker()', 'options');
  await probeRedis(options.redis, 'the worker');
  await loadPlugins(options.plugins); // fail now, with the path, rather than in every evaluation
  const id = `${os.hostname()}-${process.pid}-${randomUUID().slice(0, 4)}`;
  const keys = queueKeys(options.queue);
  const state = new ConnectionState(options.redis, `worker ${id}`);
  const client = createClient(state);
  const subscriber = createClient(state);
  const pool = new WorkerPool<ThreadTask, EvaluationResult>({
    size: options.concurrency,
    entry: threadEntry(),
    resourceLimits: { maxOldGenerationSizeMb: options.maxJobMemoryMb },
    workerData: { plugins: options.plugins.map(pluginUrl) },
  });
  const cache = new DatasetCache(client, options.queue, pool, options.cacheSize);
  const running = new Map<string, AbortController>();
  const cancelled = new CancelledJobs();
  const stats: WorkerStats = { evaluated: 0, unsuccessful: 0, refused: 0, cancelled: 0, datasetsLoaded: 0 };
  const info: WorkerInfo = {
    id,
    host: os.hostname(),
    pid: process.pid,
    concurrency: options.concurrency,
    plugins: options.plugins.map((p) => basename(p)),
  };

  const evaluateJob = async (job: Job): Promise<JobReturn> => {
    const jobId = job.id!;
    let valid: ValidJob;
    try {
      valid = validateJob(job.data, options);
    } catch (error) {
      if (error instanceof ProtocolError) throw new UnrecoverableError(error.message); // never gets better
      // Well-formed but outside this worker's limits: answered at once, as the failed drone it is.
      stats.refused++;
      logger.warn(
        { job: jobId, error: (error as Error).message },
        "refused a job outside this worker's limits",
      );
      return complete(jobId, { status: 'failed', error: serializeError(error), seconds: 0 });
    }
    const { payload } = valid;
    let outcome: Outcome<EvaluationResult>;
    if (cancelled.has(jobId)) {
      outcome = { status: 'cancelled' };
    } else {
      const release = await cache.acquire(payload.data); // throws if the data is missing: BullMQ retries
      const controller = new AbortController();
      running.set(jobId, controller);
      try {
        outcome = await pool.run(
          { key: payload.data, job: payload.job },
          { timeoutMs: valid.timeoutMs, signal: controller.signal },
        );
      } finally {
        running.delete(jobId);
        release();
      }
    }
    return complete(jobId, explainLimitOutcome(outcome, valid, options));
  };

  /** Counts an outcome and hands it to BullMQ (a big one stored under the job's result key first). */
  const complete = async (jobId: string, outcome: Outcome<EvaluationResult>): Promise<JobReturn> => {
    if (outcome.status === 'cancelled') {
      stats.cancelled++;
      return { status: outcome.status }; // its run stopped waiting: nobody reads a result
    }
    stats.evaluated++;
    if (outcome.status !== 'ok') stats.unsuccessful++;
    logger.debug({ job: jobId, status: outcome.status }, 'evaluated');
    const packed = encodeOutcome(outcome);
    if (packed.length <= INLINE_OUTCOME_BYTES)
      return { status: outcome.status, outcome: packed.toString('base64') };
    // A big one is stored before the job completes, so a run that misses the completion still finds it.
    await client.set(keys.result(jobId), packed, 'EX', TIMING.resultTtlSeconds);
    return { status: outcome.status };
  };

  const worker = new Worker(options.queue, evaluateJob, {
    connection: client,
    concurrency: options.concurrency,
    lockDuration: options.lockMs,
    stalledInterval: options.stalledCheckMs,
    maxStalledCount: TIMING.maxStalls,
    // after a connection error, try again soon (BullMQ's default waits 15 s)
    runRetryDelay: 1000,
    name: id,
    autorun: false,
  });
  worker.on('error', (error) => logger.debug({ err: error }, 'queue worker error'));
  worker.on('failed', (job, error) => {
    if (job)
      logger.warn(
        { job: job.id, error: error.message },
        'a job failed on this worker (infrastructure, not the drone)',
      );
  });

  await subscriber.subscribe(keys.cancel);
  subscriber.on('message', (channel: string, message: string) => {
    if (channel !== keys.cancel) return;
    let ids: unknown;
    try {
      ids = JSON.parse(message);
    } catch {
      return;
    }
    if (!Array.isArray(ids)) return;
    for (const jobId of ids) {
      if (typeof jobId !== 'string') continue;
      cancelled.add(jobId);
      running.get(jobId)?.abort();
    }
  });

  const beat = () =>
    heartbeat(client, options.queue, info).catch((error: Error) =>
      logger.debug({ err: error }, 'heartbeat failed'),
    );
  await beat();
  const heartbeatTimer = setInterval(beat, TIMING.heartbeatMs);
  heartbeatTimer.unref();
  state.onReconnect(() => void beat());

  void worker.run().catch((error: Error) => logger.error({ err: error }, 'the queue worker stopped'));
  await worker.waitUntilReady();
  logger.info(
    {
      id,
      queue: options.queue,
      redis: redactRedisUrl(options.redis),
      concurrency: options.concurrency,
      maxJobSeconds: options.maxJobSeconds,
      maxJobMemoryMb: options.maxJobMemoryMb,
    },
    'worker ready',
  );

  let closing: Promise<void> | null = null;
  return {
    id,
    queue: options.queue,
    concurrency: options.concurrency,
    limits: { maxJobSeconds: options.maxJobSeconds, maxJobMemoryMb: options.maxJobMemoryMb },
    get stats() {
      return { ...stats, datasetsLoaded: cache.loads };
    },
    close({ force = false } = {}) {
      closing ??= (async () => {
        clearInterval(heartbeatTimer);
        if (force) for (const controller of running.values()) controller.abort();
        // Running jobs may take as long as they need; a Redis that is down must not hold the shutdown.
        const closed = worker
          .close(force)
          .catch((error: Error) => logger.debug({ err: error }, 'closing the queue worker'));
        await (state.down ? withTimeout(closed, 1000) : closed);
        await withTimeout(leave(client, options.queue, id), 1000).catch(() => undefined);
        state.shutdown();
        await pool.close();
        await Promise.all([closeClient(subscriber), closeClient(client)]);
      })();
      return closing;
    },
  };
}

/**
 * This module contains the contract between a run and the workers on a queue: the job payload (data only —
 * a genome and how to score it, never code), the Redis keys beside the BullMQ queue, and the timing defaults.
 * Workers validate every payload with the schema before touching it.
 */
import { z } from 'zod';
import { ProtocolError } from '../core/errors.js';
import { GenomeSchema } from '../events/events.js';

export const PROTOCOL_VERSION = 1;
export const DEFAULT_QUEUE = 'beemind';

/** One evaluation: which data (by content key), the genome and how to evaluate it. */
export const JobPayloadSchema = z
  .object({
    v: z.literal(PROTOCOL_VERSION),
    /** Content key of the search data (SHA-256 of its packed bytes). */
    data: z.string().regex(/^[0-9a-f]{64}$/),
    job: z
      .object({
        genome: GenomeSchema,
        fraction: z.number().gt(0).lte(1),
        metric: z.string(),
        seed: z.number().int(),
        wantPredictions: z.boolean(),
        measureSize: z.boolean(),
      })
      .strict(),
    /** The per-evaluation limit; the worker terminates the evaluation thread past it. */
    timeoutMs: z.number().positive().nullable(),
  })
  .strict();

export type JobPayload = z.infer<typeof JobPayloadSchema>;

export function parseJobPayload(data: unknown): JobPayload {
  const parsed = JobPayloadSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ProtocolError(
      'distributed.bad_job',
      `a queued job is not a BeeMind evaluation (${issue?.path.join('.') || 'payload'}: ${issue?.message ?? 'invalid'}); is another program using this queue, or do the run and the worker run different BeeMind versions?`,
    );
  }
  return parsed.data;
}

/**
 * What a worker returns to BullMQ (it travels in the completion event): the status, and the packed outcome in
 * base64 when it is small; a larger one (big out-of-fold predictions) is stored under the job's result key.
 */
export interface JobReturn {
  status: string;
  outcome?: string;
}

/** Outcomes up to this many packed bytes travel in the completion event itself. */
export const INLINE_OUTCOME_BYTES = 8192;

/** Queue names become part of Redis keys: keep them plain. */
export const QueueNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'a queue name is 1–64 letters, digits, "_", "." or "-"');

/** The Redis keys BeeMind keeps beside a BullMQ queue (which uses `bull:<queue>:…`). */
export function queueKeys(queue: string) {
  const base = `beemind:${queue}`;
  return {
    /** Packed search data by content key. */
    data: (key: string) => `${base}:data:${key}`,
    /** A finished evaluation's packed outcome when too big to travel inline (written before the job completes). */
    result: (jobId: string) => `${base}:result:${jobId}`,
    /** Hash of live workers: id → JSON { host, pid, concurrency, seen }. */
    workers: `${base}:workers`,
    /** Pub/sub channel: job ids whose evaluation should stop (the run was cancelled or hit its deadline). */
    cancel: `${base}:cancel`,
  } as const;
}

export const TIMING = {
  /** How long packed search data stays in Redis after the last run using it touched it. */
  dataTtlSeconds: 3600,
  /** How long an unread stored result stays (results are deleted when read). */
  resultTtlSeconds: 3600,
  /** Completed jobs (and the outcomes in them) are kept this long, at most `keepCompleted` of them. */
  keepCompletedSeconds: 3600,
  keepCompleted: 2000,
  /** A worker refreshes its entry in the worker registry this often… */
  heartbeatMs: 2000,
  /** …and counts as gone when it has not for this long. */
  workerGoneMs: 10_000,
  /** The run re-checks its unanswered jobs this often (a safety net under the completion events). */
  sweepMs: 2000,
  /** Default lock of a running job; a worker that stops renewing it (killed) loses the job after this. */
  lockMs: 10_000,
  /** Default interval at which workers look for jobs of dead workers. */
  stalledCheckMs: 5000,
  /** A job whose worker died this many times is given up (recorded as a failed drone). */
  maxStalls: 2,
} as const;

/**
 * This module contains the contract between a run and the workers on a queue: the job payload (data only —
 * a genome and how to score it, never code), the Redis keys beside the BullMQ queue, and the timing defaults.
 * Workers validate every payload with the schema before touching it.
 */
import { z } from 'zod';
import type { EvaluationJob } from '../evaluation/evaluate.js';
import { ProtocolError } from '../core/errors.js';
import { ownData } from '../core/untrusted.js';
import { GenomeSchema } from '../protocol/events.js';
import { describeIssues } from '../protocol/issues.js';

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
    /**
     * The run's per-evaluation limit (null: none); the worker terminates the evaluation thread past it, or past
     * its own limit per job if that is lower (see limits.ts).
     */
    timeoutMs: z.number().positive().nullable(),
  })
  .strict();

export type JobPayload = z.infer<typeof JobPayloadSchema>;

/** The job a run adds to the queue for one evaluation of the data stored under `dataKey`. */
export function jobPayload(dataKey: string, job: EvaluationJob, timeoutMs?: number): JobPayload {
  return { v: PROTOCOL_VERSION, data: dataKey, job: { ...job }, timeoutMs: timeoutMs ?? null };
}

/** Object keys no job may hold: copied into an object, they would reach its prototype. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** What a job's plain data may hold at most: a run's jobs hold a few hundred short values. */
export const JOB_DATA_LIMITS = { nesting: 32, values: 10_000, stringLength: 10_000 } as const;

/** The first problem of a job's data that its schema does not see (keys reaching prototypes, sheer size), or null. */
function plainDataProblem(data: unknown): string | null {
  const { nesting, values, stringLength } = JOB_DATA_LIMITS;
  const stack: [unknown, string, number][] = [[data, 'payload', 0]];
  let count = 1;
  while (stack.length > 0) {
    const [value, path, depth] = stack.pop()!;
    if (typeof value === 'string' && value.length > stringLength)
      return `${path}: a string longer than ${stringLength} characters`;
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= nesting) return `${path}: nested deeper than ${nesting} levels`;
    const keys = Object.keys(value);
    count += keys.length;
    if (count > values) return `payload: more than ${values} values`;
    for (const key of keys) {
      if (FORBIDDEN_KEYS.has(key)) return `${path}: the key "${key}" is not allowed`;
      stack.push([(value as Record<string, unknown>)[key], `${path}.${key}`, depth + 1]);
    }
  }
  return null;
}

export function parseJobPayload(data: unknown): JobPayload {
  const problem = plainDataProblem(data);
  if (problem !== null) {
    throw new ProtocolError(
      'distributed.bad_job',
      `a queued job was refused (${problem}); a BeeMind run never sends such a job: is someone else writing to this queue?`,
    );
  }
  // own fields only: a `__proto__` key cannot supply the fields a job lacks
  const parsed = JobPayloadSchema.safeParse(ownData(data));
  if (!parsed.success) {
    throw new ProtocolError(
      'distributed.bad_job',
      `a queued job is not a BeeMind evaluation (${describeIssues(parsed.error, 'payload', 1)}); is another program using this queue, or do the run and the worker run different BeeMind versions?`,
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

/** A worker's own limits per job (`beemind worker --max-job-seconds`, `--max-job-memory-mb`; see limits.ts). */
export interface WorkerLimits {
  /** Longest an evaluation may run, in seconds. */
  maxJobSeconds: number;
  /** Largest JS heap of an evaluation thread, in MB. */
  maxJobMemoryMb: number;
}

export const DEFAULT_WORKER_LIMITS: WorkerLimits = { maxJobSeconds: 600, maxJobMemoryMb: 2048 };

/** Longest `maxJobSeconds` may be: Node fires longer timers at once (they would mean no limit). */
export const MAX_JOB_SECONDS = 7 * 24 * 3600;

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

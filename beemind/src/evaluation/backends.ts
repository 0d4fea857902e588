/**
 * This module contains the evaluation backends behind one interface: `threads` (a worker_threads pool with
 * per-drone timeouts and crash isolation, the default) and `inline` (the calling thread; no timeouts); the
 * `redis` backend (workers on other machines) lives in ../distributed/backend.ts. A
 * backend receives the search data once and then evaluates jobs; results are identical across backends. The
 * `threads` backend also fits pipelines on every row, so a run refits its champion's members side by side.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EvaluationError } from '../core/errors.js';
import { serializeError, type Outcome } from './pool/outcome.js';
import { WorkerPool } from './pool/worker_pool.js';
import { pluginUrl } from './plugins.js';
import type { PipelineJSON } from '../pipeline/pipeline.js';
import {
  evaluateGenome,
  type EvaluationData,
  type EvaluationJob,
  type EvaluationResult,
  type FitJob,
} from './evaluate.js';

export interface EvaluationBackend {
  readonly name: string;
  /** Parallel evaluations it can run at once. */
  readonly concurrency: number;
  /** Hands the search data to the backend (once per run). */
  prepare(key: string, data: EvaluationData): void;
  /**
   * `id` names the evaluation within the run (drone and rung, e.g. `d7.r0`): a distributed backend makes it
   * the job id, so a job added or finished twice still counts once.
   */
  evaluate(
    key: string,
    job: EvaluationJob,
    options?: { timeoutMs?: number; id?: string },
  ): Promise<Outcome<EvaluationResult>>;
  /**
   * Fits a pipeline on every row of the data prepared under `key` (its folds unused), serialised. Optional:
   * without it, a run refits its champion's members on its own thread, one after the other.
   */
  fit?(key: string, job: FitJob): Promise<Outcome<PipelineJSON>>;
  /** Stops every running evaluation (they resolve as cancelled). */
  cancelAll(): void;
  close(): Promise<void>;
}

/** The task a worker receives: which shared data, and the evaluation or the fit to do on it. */
export type WorkerTask = { key: string; job: EvaluationJob } | { key: string; fit: FitJob };

/** Evaluates in the calling thread: no parallelism and no timeouts, but nothing to start. */
export class InlineBackend implements EvaluationBackend {
  readonly name = 'inline';
  readonly concurrency = 1;
  private readonly data = new Map<string, EvaluationData>();
  private cancelled = false;

  prepare(key: string, data: EvaluationData): void {
    this.data.set(key, data);
  }

  async evaluate(key: string, job: EvaluationJob): Promise<Outcome<EvaluationResult>> {
    // let the event loop run between evaluations: timers, I/O and signals (Ctrl-C stops the run) are served
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (this.cancelled) return { status: 'cancelled' };
    const start = performance.now();
    try {
      const value = await evaluateGenome(this.data.get(key)!, job);
      return { status: 'ok', value, seconds: (performance.now() - start) / 1000 };
    } catch (error) {
      return { status: 'failed', error: serializeError(error), seconds: (performance.now() - start) / 1000 };
    }
  }

  cancelAll(): void {
    this.cancelled = true;
  }

  async close(): Promise<void> {
    this.data.clear();
  }
}

/** The compiled worker entry; src/evaluation and dist/evaluation sit at the same depth, so this works from both. */
function workerEntry(): URL {
  const entry = new URL('../../dist/evaluation/thread_worker.js', import.meta.url);
  if (!existsSync(fileURLToPath(entry))) {
    throw new EvaluationError(
      'backend.not_built',
      `the evaluation worker ${fileURLToPath(entry)} is missing; build the library (npx tsc -b) or use workers: 0.`,
    );
  }
  return entry;
}

/** Evaluates on a pool of worker threads; a drone that hangs or crashes costs only its worker. */
export class ThreadBackend implements EvaluationBackend {
  readonly name = 'threads';
  readonly concurrency: number;
  private readonly pool: WorkerPool<WorkerTask, EvaluationResult | PipelineJSON>;

  /** `plugins`: module URLs every worker imports first (custom model families and steps). */
  constructor(workers: number, memoryMb: number, plugins: readonly string[] = []) {
    this.concurrency = workers;
    this.pool = new WorkerPool<WorkerTask, EvaluationResult | PipelineJSON>({
      size: workers,
      entry: workerEntry(),
      resourceLimits: { maxOldGenerationSizeMb: memoryMb },
      workerData: { plugins: plugins.map(pluginUrl) },
    });
  }

  prepare(key: string, data: EvaluationData): void {
    this.pool.share(key, data);
  }

  evaluate(
    key: string,
    job: EvaluationJob,
    options: { timeoutMs?: number } = {},
  ): Promise<Outcome<EvaluationResult>> {
    return this.pool.run({ key, job }, { timeoutMs: options.timeoutMs }) as Promise<
      Outcome<EvaluationResult>
    >;
  }

  fit(key: string, job: FitJob): Promise<Outcome<PipelineJSON>> {
    return this.pool.run({ key, fit: job }) as Promise<Outcome<PipelineJSON>>;
  }

  cancelAll(): void {
    this.pool.cancelAll();
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}

/**
 * WorkerPool: runs tasks on a fixed number of worker_threads, isolating each task's failures.
 *
 * Guarantees: a task that throws is `failed` and its worker lives on; one that outlives its timeout or is
 * cancelled has its worker terminated; a worker that dies (out of memory, process.exit) makes its task
 * `crashed`. Dead workers are replaced on demand, with every shared value replayed to the newcomer. Tasks wait
 * in FIFO order for a free worker; each run() resolves with its own task's outcome and never rejects once
 * accepted. Idle workers are unref'd, so a forgotten pool does not keep node alive.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { extname, resolve as resolvePath } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MessageChannel, Worker, type ResourceLimits, type Transferable } from 'node:worker_threads';
import { ConfigurationError, EvaluationError } from '../../core/errors.js';
import { logger } from '../../core/logger.js';
import { serializeError, type Outcome, type SerializedError } from './outcome.js';
import { isFromWorker, type ToWorker } from './protocol.js';

export interface WorkerPoolOptions {
  /** Number of worker threads (default: `os.availableParallelism()`). */
  size?: number;
  /** The worker entry module that calls serveTasks(): a compiled `.js`/`.mjs` file (path or file: URL) or a data: URL. */
  entry: string | URL;
  /**
   * Per-worker limits, e.g. `{ maxOldGenerationSizeMb: 512 }`: a task that exhausts them kills only its own
   * worker (outcome `crashed`). Typed-array memory is outside the JS heap and not counted.
   */
  resourceLimits?: ResourceLimits;
  /** Passed to every worker as `workerData` (from node:worker_threads). */
  workerData?: unknown;
}

export interface RunOptions {
  /** Terminate the worker and report `timeout` if the task runs longer than this (default: no limit). */
  timeoutMs?: number;
  /** Aborting cancels the task: dropped if still queued, its worker terminated if running. */
  signal?: AbortSignal;
  /** Buffers in the task to move to the worker instead of copying (they become unusable here). */
  transfer?: Transferable[];
}

interface Slot {
  worker: Worker;
  job: Job | null;
  retired: boolean;
}

interface Job {
  id: number;
  task: unknown;
  timeoutMs: number | undefined;
  signal: AbortSignal | undefined;
  transfer: Transferable[];
  resolve: (outcome: Outcome<unknown>) => void;
  slot: Slot | null;
  startedAt: number;
  timer: NodeJS.Timeout | undefined;
  settled: boolean;
}

/** setTimeout fires immediately above this; longer timeouts mean "no limit" in practice. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class WorkerPool<Task = unknown, Result = unknown> {
  readonly #size: number;
  /** file: or data: URL of the worker entry module. */
  readonly #entry: string;
  readonly #resourceLimits: ResourceLimits | undefined;
  readonly #workerData: unknown;
  readonly #slots = new Set<Slot>();
  readonly #queue: Job[] = [];
  readonly #shares = new Map<string, unknown>();
  /** One abort listener per distinct signal, however many tasks use it (avoids listener-leak warnings). */
  readonly #signalJobs = new Map<AbortSignal, { jobs: Set<Job>; onAbort: () => void }>();
  /** terminate() promises of workers still shutting down, awaited by close(). */
  readonly #exiting = new Set<Promise<unknown>>();
  #nextId = 1;
  #spawned = 0;
  #closed = false;

  constructor(options: WorkerPoolOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new ConfigurationError(
        'pool.bad_options',
        'new WorkerPool(options) needs an options object with at least { entry }.',
      );
    }
    const size = options.size ?? os.availableParallelism();
    if (!Number.isInteger(size) || size < 1) {
      throw new ConfigurationError(
        'pool.bad_size',
        `WorkerPool size must be a whole number ≥ 1, got ${String(size)}.`,
      );
    }
    this.#size = size;
    this.#entry = checkEntry(options.entry);
    this.#resourceLimits = options.resourceLimits;
    this.#workerData = options.workerData;
  }

  /** The number of worker threads the pool runs at most. */
  get size(): number {
    return this.#size;
  }
  /** Tasks running on a worker now. */
  get busy(): number {
    let n = 0;
    for (const s of this.#slots) if (s.job) n++;
    return n;
  }
  /** Tasks waiting for a free worker. */
  get queued(): number {
    return this.#queue.length;
  }
  /** Live worker threads (workers start on demand, up to `size`). */
  get workers(): number {
    return this.#slots.size;
  }
  /** Worker threads started so far, replacements included. */
  get spawned(): number {
    return this.#spawned;
  }
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Runs `task` on a free worker (queued FIFO while all are busy). Resolves with the task's outcome; it never
   * rejects, except immediately when the pool is closed or the options are invalid.
   */
  run(task: Task, options: RunOptions = {}): Promise<Outcome<Result>> {
    if (this.#closed) {
      return Promise.reject(
        new EvaluationError(
          'pool.closed',
          'this WorkerPool is closed; create a new WorkerPool to run more tasks.',
        ),
      );
    }
    const { timeoutMs, signal, transfer = [] } = options;
    if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && timeoutMs > 0)) {
      return Promise.reject(
        new ConfigurationError(
          'pool.bad_timeout',
          `timeoutMs must be a positive number of milliseconds, got ${String(timeoutMs)}.`,
        ),
      );
    }
    if (signal?.aborted) return Promise.resolve({ status: 'cancelled' });
    return new Promise<Outcome<Result>>((resolve) => {
      const job: Job = {
        id: this.#nextId++,
        task,
        timeoutMs: timeoutMs !== undefined && timeoutMs <= MAX_TIMER_MS ? timeoutMs : undefined,
        signal,
        transfer,
        resolve: resolve as (outcome: Outcome<unknown>) => void,
        slot: null,
        startedAt: 0,
        timer: undefined,
        settled: false,
      };
      this.#queue.push(job);
      if (signal) this.#watch(signal, job);
      this.#pump();
    });
  }

  /**
   * Sends `value` to every worker once, under `key`; workers read it with `context.shared(key)`, and workers
   * started later (replacements) receive it before their first task. Typed arrays backed by a SharedArrayBuffer
   * (see toShared) are shared, not copied; anything else is structured-cloned once per worker.
   * Sharing again under the same key replaces the value.
   */
  share(key: string, value: unknown): void {
    this.#assertOpen('share');
    if (typeof key !== 'string' || key.length === 0) {
      throw new ConfigurationError(
        'pool.bad_share_key',
        'pool.share(key, value) needs a non-empty string key.',
      );
    }
    const msg: ToWorker = { type: 'share', key, value };
    try {
      if (this.#slots.size === 0) {
        // No worker to receive it yet: check now that it can be cloned, rather than at the first spawn.
        const { port1, port2 } = new MessageChannel();
        try {
          port1.postMessage(msg);
        } finally {
          port1.close();
          port2.close();
        }
      }
      for (const slot of this.#slots) slot.worker.postMessage(msg);
    } catch (e) {
      throw new ConfigurationError(
        'pool.share_not_cloneable',
        `pool.share("${key}", …) got a value that cannot be sent to a worker (${serializeError(e).message}); share plain data: objects, arrays, typed arrays, Map, Set.`,
        { cause: e },
      );
    }
    this.#shares.set(key, value);
  }

  /** Forgets the value shared under `key`, in the pool and in every worker. Returns whether there was one. */
  unshare(key: string): boolean {
    this.#assertOpen('unshare');
    if (!this.#shares.delete(key)) return false;
    const msg: ToWorker = { type: 'unshare', key };
    for (const slot of this.#slots) slot.worker.postMessage(msg);
    return true;
  }

  /**
   * Cancels every queued and running task (running ones have their worker terminated); their outcomes are
   * `cancelled`. Finished tasks keep their outcomes, and the pool stays usable.
   */
  cancelAll(): void {
    for (const job of this.#queue.slice()) this.#cancel(job);
    for (const slot of [...this.#slots]) if (slot.job) this.#cancel(slot.job);
  }

  /**
   * Cancels all tasks (they resolve as `cancelled`), terminates every worker and resolves once all threads
   * have exited. Safe to call more than once.
   */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.cancelAll();
      for (const slot of [...this.#slots]) this.#retire(slot);
      this.#shares.clear();
    }
    await Promise.all([...this.#exiting]);
  }

  // ---- scheduling ----

  /** Starts queued tasks while there are free workers or room to start one. */
  #pump(): void {
    while (this.#queue.length > 0 && !this.#closed) {
      const slot = this.#idleSlot() ?? (this.#slots.size < this.#size ? this.#spawnOrFail() : null);
      if (slot === null) return;
      const job = this.#queue.shift()!;
      this.#start(slot, job);
    }
  }

  #idleSlot(): Slot | null {
    for (const s of this.#slots) if (s.job === null) return s;
    return null;
  }

  #start(slot: Slot, job: Job): void {
    job.slot = slot;
    job.startedAt = performance.now();
    slot.job = job;
    slot.worker.ref(); // a running task keeps the process alive until it settles
    try {
      slot.worker.postMessage({ type: 'task', id: job.id, task: job.task } satisfies ToWorker, job.transfer);
    } catch (e) {
      // The task could not be cloned: the worker never saw it and stays idle.
      this.#release(slot);
      this.#settle(job, {
        status: 'failed',
        error: serializeError(
          e,
          'the task could not be sent to a worker (tasks must be structured-cloneable)',
        ),
        seconds: 0,
      });
      return;
    }
    if (job.timeoutMs !== undefined) {
      job.timer = setTimeout(() => this.#onTimeout(job), job.timeoutMs);
      job.timer.unref();
    }
  }

  /** Marks a slot idle again. */
  #release(slot: Slot): void {
    if (slot.job) slot.job.slot = null;
    slot.job = null;
    slot.worker.unref();
  }

  #settle(job: Job, outcome: Outcome<unknown>): void {
    if (job.settled) return;
    job.settled = true;
    if (job.timer) clearTimeout(job.timer);
    if (job.signal) this.#unwatch(job.signal, job);
    job.resolve(outcome);
  }

  #seconds(job: Job): number {
    return (performance.now() - job.startedAt) / 1000;
  }

  // ---- worker lifecycle ----

  /** Starts a worker; if even that fails, fails the next queued task rather than throwing from an event. */
  #spawnOrFail(): Slot | null {
    try {
      return this.#spawn();
    } catch (e) {
      const job = this.#queue.shift();
      if (job)
        this.#settle(job, {
          status: 'crashed',
          error: serializeError(e, 'could not start a worker'),
          seconds: 0,
        });
      return this.#queue.length > 0 ? this.#spawnOrFail() : null;
    }
  }

  #spawn(): Slot {
    // Boot through a one-line eval that imports the entry: a worker started from a file inherits the parent's
    // node flags and refuses to load its file under `--input-type` (as in `node --input-type=module -e …`).
    const worker = new Worker(`import(${JSON.stringify(this.#entry)});`, {
      eval: true,
      workerData: this.#workerData,
      resourceLimits: this.#resourceLimits,
    });
    this.#spawned++;
    const slot: Slot = { worker, job: null, retired: false };
    this.#slots.add(slot);
    worker.unref();
    worker.on('message', (msg: unknown) => this.#onMessage(slot, msg));
    worker.on('messageerror', (err: Error) => this.#onMessageError(slot, err));
    worker.on('error', (err: Error) => this.#onDeath(slot, serializeError(err)));
    worker.on('exit', (code: number) =>
      this.#onDeath(slot, {
        name: 'WorkerExit',
        message:
          code === 0
            ? 'the worker exited (code 0) without answering; does its entry module call serveTasks()?'
            : `the worker exited with code ${code} (process.exit or a native crash)`,
      }),
    );
    // Replay shared data first: the port delivers in order, so it arrives before any task.
    for (const [key, value] of this.#shares)
      worker.postMessage({ type: 'share', key, value } satisfies ToWorker);
    return slot;
  }

  #onMessage(slot: Slot, msg: unknown): void {
    const job = slot.job;
    if (slot.retired || job === null || !isFromWorker(msg) || msg.id !== job.id) return;
    const seconds = this.#seconds(job);
    this.#release(slot);
    this.#settle(
      job,
      msg.type === 'result'
        ? { status: 'ok', value: msg.value, seconds }
        : { status: 'failed', error: msg.error, seconds },
    );
    this.#pump();
  }

  #onMessageError(slot: Slot, err: Error): void {
    const job = slot.job;
    if (slot.retired || job === null) return;
    const seconds = this.#seconds(job);
    this.#release(slot);
    this.#settle(job, {
      status: 'failed',
      error: serializeError(err, 'the task result could not be received'),
      seconds,
    });
    this.#pump();
  }

  /** 'error' (uncaught in the worker, out of memory) or 'exit': the worker is gone or going. */
  #onDeath(slot: Slot, error: SerializedError): void {
    if (slot.retired) return;
    const job = slot.job;
    this.#retire(slot);
    if (job) {
      this.#settle(job, { status: 'crashed', error, seconds: this.#seconds(job) });
    } else if (!this.#closed) {
      logger.warn({ error }, 'an idle pool worker died; it will be replaced when a task needs it');
    }
    this.#pump();
  }

  #onTimeout(job: Job): void {
    const slot = job.slot;
    if (job.settled || slot === null) return;
    const seconds = this.#seconds(job);
    this.#retire(slot);
    this.#settle(job, { status: 'timeout', seconds });
    this.#pump();
  }

  /** Takes a worker out of service and terminates it (a replacement starts when a task needs one). */
  #retire(slot: Slot): void {
    slot.retired = true;
    this.#slots.delete(slot);
    if (slot.job) slot.job.slot = null;
    slot.job = null;
    const exited = slot.worker.terminate().catch(() => undefined);
    this.#exiting.add(exited);
    void exited.then(() => this.#exiting.delete(exited));
  }

  // ---- cancellation ----

  #cancel(job: Job): void {
    if (job.settled) return;
    if (job.slot) {
      this.#retire(job.slot);
    } else {
      const at = this.#queue.indexOf(job);
      if (at >= 0) this.#queue.splice(at, 1);
    }
    this.#settle(job, { status: 'cancelled' });
    this.#pump();
  }

  #watch(signal: AbortSignal, job: Job): void {
    let group = this.#signalJobs.get(signal);
    if (!group) {
      const jobs = new Set<Job>();
      const onAbort = (): void => {
        for (const j of [...jobs]) this.#cancel(j);
      };
      group = { jobs, onAbort };
      this.#signalJobs.set(signal, group);
      signal.addEventListener('abort', onAbort, { once: true });
    }
    group.jobs.add(job);
  }

  #unwatch(signal: AbortSignal, job: Job): void {
    const group = this.#signalJobs.get(signal);
    if (!group) return;
    group.jobs.delete(job);
    if (group.jobs.size === 0) {
      signal.removeEventListener('abort', group.onAbort);
      this.#signalJobs.delete(signal);
    }
  }

  #assertOpen(what: string): void {
    if (this.#closed) {
      throw new EvaluationError(
        'pool.closed',
        `cannot ${what}: this WorkerPool is closed; create a new one.`,
      );
    }
  }
}

/** Resolves the entry to the URL a worker imports, failing early with a clear message. */
function checkEntry(entry: unknown): string {
  let href: string;
  if (typeof entry === 'string') {
    href = /^(file|data):/.test(entry) ? entry : pathToFileURL(resolvePath(entry)).href;
  } else if (typeof entry === 'object' && entry !== null && typeof (entry as URL).href === 'string') {
    href = (entry as URL).href; // duck-typed: URLs from another realm (vm context) count too
  } else {
    throw new ConfigurationError(
      'pool.bad_entry',
      'WorkerPool needs { entry }: the path or file URL of a worker module.',
    );
  }
  if (href.startsWith('data:')) return href;
  if (!href.startsWith('file:')) {
    throw new ConfigurationError(
      'pool.bad_entry',
      `a worker entry URL must be a file: or data: URL, got ${href}.`,
    );
  }
  const path = fileURLToPath(href);
  if (['.ts', '.mts', '.cts', '.tsx'].includes(extname(path))) {
    throw new ConfigurationError(
      'pool.bad_entry',
      `worker threads cannot load TypeScript (${path}); build with \`npx tsc -b\` and point entry at the compiled .js file.`,
    );
  }
  if (!existsSync(path)) {
    throw new ConfigurationError(
      'pool.bad_entry',
      `the worker entry ${path} does not exist; build with \`npx tsc -b\` or fix the path.`,
    );
  }
  return pathToFileURL(path).href;
}

/**
 * The worker side of WorkerPool: `serveTasks(handler)` answers the pool's tasks inside a worker entry module.
 *
 * Kept free of heavy imports: every worker thread loads it.
 */
import { isMainThread, parentPort } from 'node:worker_threads';
import { ConfigurationError, EvaluationError } from '../../core/errors.js';
import { serializeError } from './outcome.js';
import { isToWorker, type FromWorker } from './protocol.js';

/** What a task handler gets besides its task. */
export interface TaskContext {
  /** The value the pool shared under `key` (`pool.share(key, value)`); throws if none was shared. */
  shared(key: string): unknown;
  /** Whether a value is shared under `key`. */
  hasShared(key: string): boolean;
  /**
   * Moves these buffers to the pool with the result instead of copying them. Only for buffers the worker
   * no longer needs: they become unusable (detached) here. Shared buffers are never copied anyway.
   */
  transfer(...buffers: ArrayBuffer[]): void;
}

/** Computes one task's result: any structured-cloneable value (plain objects, arrays, typed arrays, Map, …). */
export type TaskHandler<Task, Result> = (task: Task, context: TaskContext) => Promise<Result> | Result;

let serving = false;

/**
 * Makes this worker answer the pool's tasks with `handler`, one task at a time. Call it once, at the top level
 * of the worker entry module given to `new WorkerPool({ entry })`. A handler that throws (or rejects) gives the
 * task a `failed` outcome and the worker keeps serving.
 */
export function serveTasks<Task = unknown, Result = unknown>(handler: TaskHandler<Task, Result>): void {
  const port = parentPort;
  if (isMainThread || port === null) {
    throw new ConfigurationError(
      'pool.not_in_worker',
      'serveTasks() runs inside a worker thread: call it from the entry module passed to new WorkerPool({ entry }), not from the main thread.',
    );
  }
  if (serving) {
    throw new ConfigurationError(
      'pool.serving_twice',
      'serveTasks() was called twice in one worker; call it once per entry module.',
    );
  }
  if (typeof handler !== 'function') {
    throw new ConfigurationError(
      'pool.bad_handler',
      'serveTasks(handler) needs a function (task, context) => result.',
    );
  }
  serving = true;
  const shared = new Map<string, unknown>();

  const reply = (msg: FromWorker, transfer: ArrayBuffer[] = []): void => {
    try {
      port.postMessage(msg, transfer);
    } catch (e) {
      const error = serializeError(
        e,
        'the task result could not be sent back to the pool (results must be structured-cloneable: plain objects, arrays, typed arrays, Map, Set; no functions or class instances)',
      );
      port.postMessage({ type: 'error', id: msg.id, error } satisfies FromWorker);
    }
  };

  const answer = async (id: number, task: Task): Promise<void> => {
    const transfers = new Set<ArrayBuffer>();
    const context: TaskContext = {
      shared(key) {
        if (!shared.has(key)) {
          const known = [...shared.keys()].join(', ') || 'none';
          throw new EvaluationError(
            'pool.share_missing',
            `no value is shared under "${key}" (shared keys: ${known}); call pool.share("${key}", value) before running tasks that read it.`,
          );
        }
        return shared.get(key);
      },
      hasShared: (key) => shared.has(key),
      transfer(...buffers) {
        for (const b of buffers) transfers.add(b);
      },
    };
    let value: Result;
    try {
      value = await handler(task, context);
    } catch (e) {
      reply({ type: 'error', id, error: serializeError(e) });
      return;
    }
    reply({ type: 'result', id, value }, [...transfers]);
  };

  port.on('message', (msg: unknown) => {
    if (!isToWorker(msg)) return; // not ours: another listener on this port may own it
    switch (msg.type) {
      case 'share':
        shared.set(msg.key, msg.value);
        break;
      case 'unshare':
        shared.delete(msg.key);
        break;
      case 'task':
        void answer(msg.id, msg.task as Task);
        break;
    }
  });
}

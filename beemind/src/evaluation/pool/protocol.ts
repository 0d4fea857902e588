/**
 * The messages exchanged between a WorkerPool and the workers running serveTasks(). Private to this folder.
 */
import type { SerializedError } from './outcome.js';

/** Pool → worker. Shares arrive before any task that may need them (same port, in order). */
export type ToWorker =
  | { type: 'share'; key: string; value: unknown }
  | { type: 'unshare'; key: string }
  | { type: 'task'; id: number; task: unknown };

/** Worker → pool: the answer to the task with the same id. */
export type FromWorker =
  { type: 'result'; id: number; value: unknown } | { type: 'error'; id: number; error: SerializedError };

export function isFromWorker(msg: unknown): msg is FromWorker {
  if (typeof msg !== 'object' || msg === null) return false;
  const m = msg as { type?: unknown; id?: unknown };
  return (m.type === 'result' || m.type === 'error') && typeof m.id === 'number';
}

export function isToWorker(msg: unknown): msg is ToWorker {
  if (typeof msg !== 'object' || msg === null) return false;
  const m = msg as { type?: unknown; id?: unknown; key?: unknown };
  if (m.type === 'task') return typeof m.id === 'number';
  return (m.type === 'share' || m.type === 'unshare') && typeof m.key === 'string';
}

/**
 * What a pool task ends as: its value, or how it failed (threw, timed out, crashed its worker, was cancelled).
 */

/** An error as it crosses a thread boundary: plain data, so it survives structured cloning. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  /** The `code` of a BeeMindError or a Node error (e.g. `ERR_WORKER_OUT_OF_MEMORY`), when it had one. */
  code?: string;
}

/**
 * The outcome of one `WorkerPool.run()`. `seconds` is the wall time the task held a worker, measured on the
 * calling thread from dispatch to settlement (time spent queued is not included).
 */
export type Outcome<Result> =
  | { status: 'ok'; value: Result; seconds: number }
  /** The task threw (or its result could not be sent back); the worker lives on. */
  | { status: 'failed'; error: SerializedError; seconds: number }
  /** The task ran past its timeout; its worker was terminated and will be replaced. */
  | { status: 'timeout'; seconds: number }
  /** The worker died under the task: out of memory, process.exit, an uncaught async error, a native crash. */
  | { status: 'crashed'; error: SerializedError; seconds: number }
  /** Cancelled by an AbortSignal, `cancelAll()` or `close()` before it finished. */
  | { status: 'cancelled' };

export type OutcomeStatus = Outcome<unknown>['status'];

/** Turns anything thrown into a SerializedError; `context` is prefixed to the message when given. */
export function serializeError(thrown: unknown, context?: string): SerializedError {
  const prefix = context ? `${context}: ` : '';
  if (thrown instanceof Error || isErrorLike(thrown)) {
    const e = thrown as Error & { code?: unknown };
    const out: SerializedError = { name: String(e.name || 'Error'), message: prefix + String(e.message) };
    if (typeof e.stack === 'string') out.stack = e.stack;
    if (typeof e.code === 'string') out.code = e.code;
    return out;
  }
  return { name: 'Error', message: prefix + describeThrown(thrown) };
}

// Errors from another realm (a vm context, a worker) fail `instanceof Error` but keep their shape.
function isErrorLike(x: unknown): boolean {
  return (
    typeof x === 'object' && x !== null && typeof (x as Error).message === 'string' && 'name' in (x as object)
  );
}

function describeThrown(x: unknown): string {
  if (typeof x === 'string') return x;
  try {
    const json = JSON.stringify(x);
    if (json !== undefined) return `a non-Error value was thrown: ${json}`;
  } catch {
    // circular or BigInt: fall through
  }
  return `a non-Error value was thrown: ${String(x)}`;
}

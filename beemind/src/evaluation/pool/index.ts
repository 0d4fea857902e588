/**
 * The evaluation pool: run tasks on worker threads with timeouts, crash isolation and data shared once.
 */
export { WorkerPool, type WorkerPoolOptions, type RunOptions } from './worker_pool.js';
export { serveTasks, type TaskContext, type TaskHandler } from './serve.js';
export { serializeError, type Outcome, type OutcomeStatus, type SerializedError } from './outcome.js';
export { toShared, isShared, type SharedTypedArray } from './shared_memory.js';

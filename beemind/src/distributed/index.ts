/**
 * Distributed evaluation on Redis (BullMQ): the backend a run sends its evaluations through, and the worker
 * that evaluates them on any machine. Kept out of the main barrel so local runs never load the queue library;
 * evolve() loads it when `backend: { redis }` is given.
 */
export {
  RedisBackend,
  RedisBackendOptionsSchema,
  type RedisBackendOptionsInput,
  type RedisBackendStats,
} from './backend.js';
export {
  startWorker,
  WorkerOptionsSchema,
  type RedisWorker,
  type WorkerOptionsInput,
  type WorkerStats,
} from './worker.js';
export type { WorkerInfo } from './registry.js';
export { checkRedisUrl, redactRedisUrl } from './redis_url.js';
export { DEFAULT_QUEUE, DEFAULT_WORKER_LIMITS, type WorkerLimits } from './protocol.js';

/**
 * The `beemind/evaluation` entry: the evaluation core for those who build on it (a backend of their own, a
 * benchmark, a worker). Scoring one genome on the folds, the inline and thread backends, the evaluation cache,
 * plugin loading and the worker-thread pool.
 */
export {
  evaluateGenome,
  fitGenome,
  evaluationDataOf,
  type FitJob,
  type EvaluationData,
  type EvaluationJob,
  type EvaluationResult,
} from './evaluate.js';
export { InlineBackend, ThreadBackend, type EvaluationBackend } from './backends.js';
export { evaluationCache } from './cache.js';
export { loadPlugins } from './plugins.js';
export * from './pool/index.js';

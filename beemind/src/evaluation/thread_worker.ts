/**
 * The worker-thread entry of the `threads` backend: evaluates genomes on data shared once per run.
 */
import '../models/families.js';
import { serveTasks } from './pool/serve.js';
import { evaluateGenome, type EvaluationData, type EvaluationResult } from './evaluate.js';
import type { WorkerTask } from './backends.js';
import { workerData } from 'node:worker_threads';
import { loadPlugins } from './plugins.js';

await loadPlugins((workerData as { plugins?: string[] } | null)?.plugins ?? []);

serveTasks<WorkerTask, EvaluationResult>(async ({ key, job }, context) => {
  const result = await evaluateGenome(context.shared(key) as EvaluationData, job);
  if (result.predictions) context.transfer(result.predictions.buffer as ArrayBuffer);
  return result;
});

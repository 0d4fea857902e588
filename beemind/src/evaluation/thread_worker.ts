/**
 * The worker-thread entry of the `threads` backend: evaluates genomes on data shared once per run, and fits
 * them on every row of shared data when the run's finish refits its champion's members.
 */
import '../models/families.js';
import { serveTasks } from './pool/serve.js';
import { evaluateGenome, fitGenome, type EvaluationData, type EvaluationResult } from './evaluate.js';
import type { PipelineJSON } from '../pipeline/pipeline.js';
import type { WorkerTask } from './backends.js';
import { workerData } from 'node:worker_threads';
import { loadPlugins } from './plugins.js';

await loadPlugins((workerData as { plugins?: string[] } | null)?.plugins ?? []);

serveTasks<WorkerTask, EvaluationResult | PipelineJSON>(async (task, context) => {
  const data = context.shared(task.key) as EvaluationData;
  if ('fit' in task) return fitGenome(data, task.fit);
  const result = await evaluateGenome(data, task.job);
  if (result.predictions) context.transfer(result.predictions.buffer as ArrayBuffer);
  return result;
});

/**
 * The worker-thread entry of a queue worker: evaluates one genome at a time on search data the worker
 * process shared under its content key. Running in a thread lets the process stop a drone that hangs
 * (its thread is terminated at the timeout) while it keeps renewing its job locks.
 */
import '../models/families.js';
import { workerData } from 'node:worker_threads';
import {
  evaluateGenome,
  type EvaluationData,
  type EvaluationJob,
  type EvaluationResult,
} from '../evaluation/evaluate.js';
import { loadPlugins } from '../evaluation/plugins.js';
import { EvaluationError } from '../core/errors.js';
import { serveTasks } from '../evaluation/pool/serve.js';

export interface ThreadTask {
  /** Content key the search data was shared under. */
  key: string;
  job: EvaluationJob;
}

await loadPlugins((workerData as { plugins?: string[] } | null)?.plugins ?? []);

serveTasks<ThreadTask, EvaluationResult>(async ({ key, job }, context) => {
  let result: EvaluationResult;
  try {
    result = await evaluateGenome(context.shared(key) as EvaluationData, job);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'model.unknown_family') {
      throw new EvaluationError(
        'distributed.unknown_family',
        `${(error as Error).message} This worker lacks the plugin that registers "${job.genome.model.family}": start it with \`beemind worker --plugin <module>\`.`,
      );
    }
    throw error;
  }
  if (result.predictions) context.transfer(result.predictions.buffer as ArrayBuffer);
  return result;
});

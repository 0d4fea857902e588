/**
 * This module contains the limits a `beemind worker` holds every job to, whatever the job says, and
 * `validateJob`, the worker's job parser. Anyone who can write to the queue can write a job, so a job never
 * decides how long, or how big, its evaluation may be:
 *
 * - time: a job runs at most the worker's `maxJobSeconds`; its own `timeoutMs` (the run's
 *   `budget.evaluationSeconds`) can only lower that, and null means the worker's limit;
 * - memory: each evaluation thread has a JS heap of at most `maxJobMemoryMb` (set on the thread pool);
 * - hyperparameters: every step and the model are created, as the evaluation would, before the job takes a
 *   thread, so the bounds declared in the families' and steps' schemas (models/limits.ts) refuse a genome such
 *   as 10⁹ trees with an error naming the parameter and its limit;
 *   (a family or step only the threads know, from a plugin, is checked there by its own schema);
 * - shape: at most `JOB_LIMITS.steps` preprocessing steps, plus the plain-data limits of protocol.ts.
 */
import '../models/families.js';
import { EvaluationError } from '../core/errors.js';
import type { SerializedError, Outcome } from '../evaluation/pool/outcome.js';
import type { Genome } from '../protocol/events.js';
import type { Task } from '../core/task.js';
import { createModel, modelFamilies } from '../models/registry.js';
import { createTransformer, transformerKinds } from '../preprocessing/registry.js';
import { parseJobPayload, type JobPayload, type WorkerLimits } from './protocol.js';

/** Limits on a job's pipeline itself (its hyperparameters are bounded by their schemas). */
export const JOB_LIMITS = {
  /** Preprocessing steps in one genome (the default search space has five slots). */
  steps: 32,
} as const;

/** A job the worker runs, and the time limit it runs under. */
export interface ValidJob {
  payload: JobPayload;
  /** The lower of the job's own `timeoutMs` and the worker's `maxJobSeconds`. */
  timeoutMs: number;
  /** The worker's limit, not the job's own, set `timeoutMs`. */
  cappedByWorker: boolean;
}

/**
 * The worker's job parser. A job that is not a BeeMind evaluation throws a ProtocolError (BullMQ fails it
 * without retries); a well-formed job outside the limits throws the error its drone fails with (the model's
 * ConfigurationError naming the parameter and its bound, or an EvaluationError); otherwise the job is returned
 * with the time limit to apply.
 */
export function validateJob(data: unknown, limits: Pick<WorkerLimits, 'maxJobSeconds'>): ValidJob {
  const payload = parseJobPayload(data);
  checkGenome(payload.job.genome);
  const workerMs = limits.maxJobSeconds * 1000;
  const own = payload.timeoutMs;
  return own !== null && own <= workerMs
    ? { payload, timeoutMs: own, cappedByWorker: false }
    : { payload, timeoutMs: workerMs, cappedByWorker: true };
}

/**
 * Creates the genome's steps and model (nothing is fitted), so each schema checks its hyperparameters. The
 * job does not say its task (its data does): a genome passes when it is valid for one of its family's tasks,
 * and the evaluation checks it again for the data's task. A family or step this process does not know
 * (registered by a plugin only the evaluation threads see) is left to the evaluation, which fails it at once.
 */
function checkGenome(genome: Genome): void {
  if (genome.steps.length > JOB_LIMITS.steps) {
    throw new EvaluationError(
      'distributed.too_many_steps',
      `the pipeline has ${genome.steps.length} preprocessing steps; a worker takes at most ${JOB_LIMITS.steps}.`,
    );
  }
  const tasks = modelFamilies().find((f) => f.family === genome.model.family)?.tasks ?? ANY_TASK;
  let first: unknown = null;
  for (const task of tasks) {
    try {
      checkPipeline(genome, task);
      return;
    } catch (error) {
      first ??= error;
    }
  }
  throw first;
}

const ANY_TASK: readonly Task[] = ['classification', 'regression'];
const knownFamily = (id: string) => modelFamilies().some((f) => f.family === id);
const knownKind = (kind: string) => transformerKinds().some((k) => k.kind === kind);

function checkPipeline(genome: Genome, task: Task): void {
  for (const step of genome.steps) {
    if (!knownKind(step.kind)) continue;
    // A step that wraps a model (model_select) creates it only when fitted: check that model's parameters now.
    const { family, modelParams } = createTransformer(step.kind, step.params).getParams();
    if (
      typeof family === 'string' &&
      knownFamily(family) &&
      typeof modelParams === 'object' &&
      modelParams !== null
    )
      createModel(family, task, modelParams as Record<string, unknown>);
  }
  if (knownFamily(genome.model.family)) createModel(genome.model.family, task, genome.model.params);
}

/**
 * An outcome stopped by one of the worker's own limits, made to say which: a timeout at the worker's time
 * limit (not the run's) becomes a failure naming `--max-job-seconds`; a thread killed at its heap limit names
 * `--max-job-memory-mb`.
 */
export function explainLimitOutcome<R>(outcome: Outcome<R>, job: ValidJob, limits: WorkerLimits): Outcome<R> {
  if (outcome.status === 'timeout' && job.cappedByWorker) {
    const error: SerializedError = {
      name: 'EvaluationError',
      code: 'distributed.job_time_limit',
      message: `stopped after ${limits.maxJobSeconds} s, this worker's limit per job (beemind worker --max-job-seconds).`,
    };
    return { status: 'failed', error, seconds: outcome.seconds };
  }
  if (outcome.status === 'crashed' && outcome.error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    const message = `the evaluation used more than ${limits.maxJobMemoryMb} MB, this worker's memory limit per job (beemind worker --max-job-memory-mb): ${outcome.error.message}`;
    return { ...outcome, error: { ...outcome.error, message } };
  }
  return outcome;
}

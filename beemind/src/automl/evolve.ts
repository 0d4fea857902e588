/**
 * This module contains `evolve()`, the entry of a search: it reads the options (and the stored run to resume
 * or warm start from), prepares the data and its validation folds, builds the run's context and parts (see
 * parts.ts: strategy, pruner, backend), runs the search loop (search_loop.ts) and finishes the run: the
 * champion, its ensemble or stack, and its explanation (finish.ts). Events are committed to the experiment
 * store as they happen, so a run can resume (or warm start another) from it.
 */
import { currentProject, currentUser } from '../core/identity.js';
import { randomUUID } from 'node:crypto';
import { ConfigurationError, DataError } from '../core/errors.js';
import { quote } from '../core/text.js';
import { logger } from '../core/logger.js';
import { createMatrix } from '../core/matrix.js';
import { Dataset, toDataset } from '../data/dataset.js';
import { checkIsTable, type Frame } from '../data/frame.js';
import { describeDropped, uselessColumns } from '../data/screen.js';
import { kFold, trainTestSplit, type Split } from '../data/split.js';
import type { Objective, RunEvent, RunStarted } from '../protocol/events.js';
import { EVENT_PROTOCOL_VERSION } from '../protocol/events.js';
import { INTERRUPT_SIGNAL } from '../protocol/display.js';
import { publishRunEvent, runSnapshots } from '../events/hub.js';
import { redactSecrets } from '../distributed/redis_url.js';
import { evaluationDataOf } from '../evaluation/evaluate.js';
import { loadPlugins } from '../evaluation/plugins.js';
import { defaultScorer, getScorer, type Scorer } from '../metrics/scorers.js';
import { Budget, type StopReason } from './budget.js';
import { now, type RunContext } from './context.js';
import { finishRun } from './finish.js';
import {
  sizeOptions,
  type EvolveOptionsInput,
  type ObjectiveName,
  type SizedEvolveOptions,
} from './options.js';
import { evaluationBackend, searchedSpace, searchParts, type CustomParts } from './parts.js';
import { WorkerFits } from './refitter.js';
import { openRunHistory } from './resume.js';
import type { Run } from './run.js';
import { searchLoop } from './search_loop.js';

export interface EvolveControls extends CustomParts {
  /** Called with every event as it happens (also published to the process-wide event hub). */
  onEvent?: (event: RunEvent) => void;
  /** Aborting stops the run within a second, keeping every drone already evaluated. */
  signal?: AbortSignal;
}

function asDataset(data: Dataset | Frame, options: EvolveOptionsInput): Dataset {
  checkIsTable(data, 'evolve()');
  if (data instanceof Dataset) {
    if (options.target && options.target !== data.target.name) {
      throw new ConfigurationError(
        'evolve.target_mismatch',
        `the dataset's target is ${quote(data.target.name)} but options.target is ${quote(options.target)}; drop one of them.`,
      );
    }
    if (options.task && options.task !== data.task) {
      throw new ConfigurationError(
        'evolve.task_mismatch',
        `the dataset is a ${data.task} dataset but options.task is ${quote(options.task)}; choose the task when building it: toDataset(frame, { target, task }).`,
      );
    }
    return data;
  }
  if (!options.target) {
    throw new ConfigurationError(
      'evolve.no_target',
      'evolve() needs to know the target column: pass { target: "name" }.',
    );
  }
  return toDataset(data, {
    target: options.target,
    task: options.task,
    name: options.name,
    dropMissingTarget: options.dropMissingTarget,
  });
}

/**
 * The score of always predicting the most frequent class of `search` (the class shares as its probabilities):
 * what accuracy rewards a model that never predicts a rare class, shown beside the run's best score.
 */
function majorityBaseline(search: Dataset, scorer: Scorer): { predicts: string; score: number } {
  const classes = search.target.classes!;
  const y = search.target.values;
  const counts = new Float64Array(classes.length);
  for (const v of y) counts[v]++;
  const majority = counts.indexOf(Math.max(...counts));
  const predicted = scorer.needsProba
    ? createMatrix(
        y.length,
        classes.length,
        Float64Array.from(
          { length: y.length * classes.length },
          (_, i) => counts[i % classes.length] / y.length,
        ),
      )
    : new Float64Array(y.length).fill(majority);
  return { predicts: classes[majority], score: scorer.score(y, predicted) };
}

function objectiveList(names: readonly ObjectiveName[], scorer: Scorer): Objective[] {
  return names.map((name) =>
    name === 'score'
      ? { name: scorer.name, direction: scorer.greaterIsBetter ? 'maximize' : 'minimize' }
      : { name, direction: 'minimize' },
  );
}

/** Distance between the seeds of repeated cross-validation's shuffles (far from the other seeds of a run). */
const REPEAT_SEED_STEP = 7919;

function searchSplits(search: Dataset, options: SizedEvolveOptions): Split[] {
  const stratify = search.task === 'classification' ? search.target.values : null;
  if ('holdout' in options.validation) {
    return [trainTestSplit(search.rows, options.validation.holdout, { seed: options.seed + 1, stratify })];
  }
  const { folds, repeats = 1 } = options.validation;
  // each repeat shuffles the rows anew; the first is the split of a run without repeats
  return Array.from({ length: repeats }, (_, r) =>
    kFold(search.rows, folds, { seed: options.seed + 1 + r * REPEAT_SEED_STEP, stratify }),
  ).flat();
}

/**
 * Breeds and evaluates candidate pipelines on `data` within the budget and returns the run. With a
 * maximum-evaluations budget (and no time limit) the same seed gives the same leaderboard, whatever the
 * number of workers; time limits make the number of drones depend on the machine.
 */
export async function evolve(
  data: Dataset | Frame,
  input: EvolveOptionsInput = {},
  controls: EvolveControls = {},
): Promise<Run> {
  // In a notebook, the kernel publishes each cell's interrupt signal here, so an interrupt stops the run
  // (keeping its drones) even when the cell did not pass one.
  const cellSignal = (globalThis as Record<symbol, AbortSignal | undefined>)[INTERRUPT_SIGNAL];
  if (!controls.signal && cellSignal) controls = { ...controls, signal: cellSignal };
  // the experiment store: the run to resume (its options come back from it), a warm start, the recorder
  const history = openRunHistory(input);
  const given = asDataset(data, history.options);
  history.checkData(given);
  const dropped = history.options.screenColumns ? uselessColumns(given.features) : [];
  const dataset =
    dropped.length > 0
      ? new Dataset(given.features.drop(dropped.map((d) => d.column)), given.target, given.name)
      : given;
  if (dropped.length > 0) logger.info(`columns set aside before the search: ${describeDropped(dropped)}`);
  const { metric, objectives: objectiveNames, testSize, seed } = history.options;
  const scorer = metric ? getScorer(metric, dataset.task) : defaultScorer(dataset.task);
  const objectives = objectiveList(objectiveNames, scorer);
  if (dataset.rows < 10) {
    throw new DataError(
      'data.too_small',
      `evolve() needs at least 10 rows to validate candidates; the data has ${dataset.rows}.`,
    );
  }

  let search = dataset;
  let test: Dataset | null = null;
  if (testSize > 0) {
    const split = trainTestSplit(dataset.rows, testSize, {
      seed,
      stratify: dataset.task === 'classification' ? dataset.target.values : null,
    });
    search = dataset.subset(split.train);
    test = dataset.subset(split.test);
  }
  // validation and successive halving follow the size of the data unless the caller chose them
  const options = sizeOptions(history.options, search.rows);
  // plugins may add the families asked for; a space that cannot be searched fails here, before the run is recorded
  await loadPlugins(options.plugins);
  const searched = searchedSpace(options, dataset, scorer);
  const folds = searchSplits(search, options);
  const evaluationData = evaluationDataOf(search, folds);
  const dataKey = `${search.fingerprint}|${JSON.stringify(options.validation)}|${options.seed}|${options.testSize}`;
  const resumed = history.resumed;
  const runId = resumed?.runId ?? randomUUID().slice(0, 8);
  const events: RunEvent[] = [];
  const predictions = new Map<string, Float64Array>(resumed?.predictions);
  const recorder = controls.recorder ?? history.recorder(predictions);
  // a resumed run's history goes to the caller again, and to the hub unless this process saw it already
  const hubKnowsRun = resumed !== null && runSnapshots().some((s) => s.runId === runId);
  const announce = (event: RunEvent, replayed = false) => {
    events.push(event);
    if (!(replayed && hubKnowsRun)) publishRunEvent(event);
    try {
      controls.onEvent?.(event);
    } catch (error) {
      logger.warn({ err: error }, 'an onEvent callback threw; the run goes on');
    }
  };
  // the store first: a drone is committed before anyone hears of it, so a kill loses only drones in flight
  const emit = (event: RunEvent) => {
    recorder?.record(event);
    announce(event);
  };
  const budget = new Budget(options.budget, scorer.greaterIsBetter);
  const started: RunStarted = resumed?.started ?? {
    type: 'run.started',
    version: EVENT_PROTOCOL_VERSION,
    runId,
    time: now(),
    name: options.name ?? dataset.name,
    user: currentUser(),
    project: currentProject(options.project),
    seed: options.seed,
    config: JSON.parse(JSON.stringify(options, redactSecrets)),
    metric: scorer.name,
    objectives,
    dataset: {
      name: dataset.name,
      rows: dataset.rows,
      fingerprint: given.fingerprint, // of the data as given, which a resume is checked against
      task: dataset.task,
      target: dataset.target.name,
      classes: dataset.target.classes,
      ...(dataset.task === 'classification' ? { baseline: majorityBaseline(search, scorer) } : {}),
      features: dataset.schema,
      ...(dropped.length > 0 ? { dropped } : {}),
    },
  };
  if (resumed) resumed.events.forEach((e) => announce(e, true));
  else emit(started);
  // the evaluations budget counts the drones a resumed run already has
  budget.countEvaluations(resumed?.drones.length ?? 0);

  const context: RunContext = {
    runId,
    options,
    dataset,
    search,
    test,
    data: evaluationData,
    dataKey,
    scorer,
    objectives,
    drones: [...(resumed?.drones ?? [])],
    predictions,
    events,
    emit,
    budget,
    started,
  };

  const backend = await evaluationBackend(options, runId, controls);
  let reason: StopReason;
  let failure: unknown = null;
  try {
    backend.prepare(dataKey, evaluationData);
    const minTrainRows = Math.min(...folds.map((f) => f.train.length));
    const parts = searchParts(options, { dataset, scorer, minTrainRows, searched }, backend, controls);
    reason = await searchLoop(context, parts, controls.signal, history.warmStart);
  } catch (error) {
    failure = error;
    reason = 'interrupted';
  }
  // the workers stay open through the finish: they refit the champion's members side by side
  try {
    return await finishRun(
      context,
      reason,
      failure,
      controls.signal,
      failure ? null : WorkerFits.on(backend, context),
    );
  } finally {
    await backend.close();
  }
}

// What the distributed tests compare between a run on workers and a local run, and the spaces they search.
import { loadDataset } from '../../../src/data/datasets.js';
import { toDataset, type Dataset } from '../../../src/data/dataset.js';
import { createMatrix } from '../../../src/core/matrix.js';
import { BaseClassifier } from '../../../src/models/estimator.js';
import { registerModelFamily } from '../../../src/models/registry.js';
import type { EvaluationData, EvaluationJob } from '../../../src/evaluation/evaluate.js';
import type { Run } from '../../../src/automl/run.js';
import { kFold } from '../../../src/data/split.js';
import { droneNumber, type RunEvent } from '../../../src/protocol/events.js';
import type { PipelineSpace } from '../../../src/search/genome.js';
import { hp } from '../../../src/search/space/types.js';
// @ts-expect-error: a plain ES module fixture (the plugin the worker processes import)
import { defineSleepyCentroid } from '../fixtures/sleepy_model.mjs';

export const FAST_FAMILIES = ['gaussian_nb', 'decision_tree', 'knn'];

export async function loadIris(): Promise<Dataset> {
  return toDataset(await loadDataset('iris'), { target: 'species' });
}

/** Iris as a run shares it with its evaluations: every row, three stratified folds. */
export async function irisEvaluationData(): Promise<EvaluationData> {
  const iris = await loadIris();
  return {
    features: { rows: iris.rows, columns: iris.features.columns },
    y: iris.target.values,
    task: iris.task,
    nClasses: iris.nClasses,
    folds: kFold(iris.rows, 3, { seed: 1, stratify: iris.target.values }),
  };
}

/** One evaluation of a model (after `steps`) on all training rows, scored by accuracy. */
export function evaluationJob(
  family: string,
  params: Record<string, unknown> = {},
  steps: EvaluationJob['genome']['steps'] = [],
): EvaluationJob {
  return {
    genome: { steps, model: { family, params } },
    fraction: 1,
    metric: 'accuracy',
    seed: 0,
    wantPredictions: false,
    measureSize: false,
  };
}

/** Registers the sleepy test family in this thread too (the run refits its champion here). */
export function registerSleepyHere(): void {
  defineSleepyCentroid({ BaseClassifier, createMatrix, registerModelFamily });
}

/** Nearest centroids that sleep `ms` per fit, and naive Bayes. */
export function sleepySpace(ms: number): PipelineSpace {
  return {
    slots: [],
    models: {
      sleepy_centroid: { ms: hp.constant(ms), temperature: hp.float(0.05, 20, { log: true }) },
      gaussian_nb: {},
    },
  };
}

/** Everything about a drone except its timings. */
export function droneSummary(run: Run) {
  return run.drones.map((d) => [
    d.id,
    d.generation,
    d.operator,
    d.parents.join('+'),
    d.family,
    JSON.stringify(d.genome),
    d.status,
    d.fraction,
    d.foldScores,
    d.score,
  ]);
}

/**
 * The event stream without times, timings, run id and the run's config (which names the backend). A batch's
 * drones are announced as each finishes, in an order that varies from run to run: each stretch of drone events
 * is compared in the order the drones were proposed.
 */
export function eventSummary(events: readonly RunEvent[]) {
  return inProposalOrder(events).map((e) => {
    switch (e.type) {
      case 'drone.evaluated':
        return [e.type, droneSummary({ drones: [e.drone] } as Run)[0]];
      case 'generation.completed':
        return [e.type, e.generation, e.bestId, e.bestScore, e.paretoIds, e.diversity, e.evaluated];
      case 'run.finished':
        return [
          e.type,
          e.status,
          e.reason,
          e.championId,
          e.ensemble,
          e.leaderboard.map((r) => [r.id, r.score]),
          e.testScore,
          e.evaluated,
        ];
      default:
        return [e.type];
    }
  });
}

/** The parts of two runs that must be equal when only the backend differs. */
export function expectSameRun(
  remote: { run: Run; events: RunEvent[] },
  local: { run: Run; events: RunEvent[] },
): void {
  expect(droneSummary(remote.run)).toEqual(droneSummary(local.run));
  expect(eventSummary(remote.events)).toEqual(eventSummary(local.events));
  expect(remote.run.finished.leaderboard.map((r) => [r.id, r.score])).toEqual(
    local.run.finished.leaderboard.map((r) => [r.id, r.score]),
  );
  expect(remote.run.testScore).toBe(local.run.testScore);
}

/** `events` with each stretch of consecutive drone.evaluated events sorted by drone number (d1, d2, …). */
export function inProposalOrder(events: readonly RunEvent[]): RunEvent[] {
  const out: RunEvent[] = [];
  let stretch: Extract<RunEvent, { type: 'drone.evaluated' }>[] = [];
  const flush = () => {
    out.push(...stretch.sort((a, b) => droneNumber(a.drone.id) - droneNumber(b.drone.id)));
    stretch = [];
  };
  for (const e of events) {
    if (e.type === 'drone.evaluated') stretch.push(e);
    else {
      flush();
      out.push(e);
    }
  }
  flush();
  return out;
}

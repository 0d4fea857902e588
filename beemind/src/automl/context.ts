/**
 * This module contains what the search loop and the finishing steps share about one run: the run's context
 * (its data, scorer, drones, event emitter and budget) and the small readings of its drones that both make
 * (the leader, the Pareto front, a drone's full-rows fit time).
 */
import type { Dataset } from '../data/dataset.js';
import type { Drone, Objective, RunEvent, RunStarted } from '../protocol/events.js';
import type { EvaluationData } from '../evaluation/evaluate.js';
import type { Scorer } from '../metrics/scorers.js';
import { paretoFront } from '../search/nsga2.js';
import type { Budget } from './budget.js';
import type { SizedEvolveOptions } from './options.js';

/** Everything the loop and the finishing steps share about one run. */
export interface RunContext {
  runId: string;
  options: SizedEvolveOptions;
  dataset: Dataset;
  search: Dataset;
  test: Dataset | null;
  data: EvaluationData;
  dataKey: string;
  scorer: Scorer;
  objectives: Objective[];
  drones: Drone[];
  /** Out-of-fold predictions of ok drones evaluated on all rows, for ensembles and confusion matrices. */
  predictions: Map<string, Float64Array>;
  events: RunEvent[];
  emit(event: RunEvent): void;
  budget: Budget;
  started: RunStarted;
}

export const now = () => new Date().toISOString();

/** The ok drone with the best score (earliest on ties). */
export function bestDrone(drones: readonly Drone[], greaterIsBetter: boolean): Drone | null {
  let best: Drone | null = null;
  for (const d of drones) {
    if (d.status !== 'ok' || d.score === null) continue;
    if (!best || (greaterIsBetter ? d.score > best.score! : d.score < best.score!)) best = d;
  }
  return best;
}

/** Ids of the Pareto-optimal ok drones over the run's objectives. */
export function paretoIds(ctx: RunContext): string[] {
  const ok = ctx.drones.filter((d) => d.status === 'ok' && d.objectives.every((v) => v !== null));
  const points = ok.map((d) =>
    d.objectives.map((v, j) => (ctx.objectives[j].direction === 'maximize' ? v! : -v!)),
  );
  return paretoFront(points).map((i) => ok[i].id);
}

/**
 * A drone's mean fold fit time scaled to its folds' full training rows: a drone that successive halving stopped
 * at a fraction of the rows was timed on that fraction only.
 */
export function fullFoldFitSeconds(drone: Drone): number {
  return drone.fitSeconds / drone.fraction;
}

/**
 * Refitting a drone on the search rows is estimated at this multiple of its mean fold fit time: the folds fit
 * fewer rows, and a refit's time must not be underestimated (it runs after the search, inside the budget).
 */
const REFIT_MARGIN = 1.5;

/**
 * What refitting the workers side by side costs first: a worker that a cancelled evaluation took down starts
 * again and loads the library (TensorFlow.js among it), 0.2 to 0.5 s on this project's 2-core machine.
 */
const WORKER_START_MS = 500;

/** How a finish refits drones: the estimated milliseconds, and whether on the evaluation workers. */
export interface RefitPlan {
  ms: number;
  onWorkers: boolean;
}

/**
 * How to refit drones whose mean fold fit times are `foldFitSeconds` on the search rows, with `workers`
 * evaluation workers that can fit: one after the other on the run's own thread, or side by side on the workers
 * when that is sooner, their start included. Side by side, each refit, slowest first, goes to the least loaded
 * worker, and the longest queue decides. The search keeps this time before its deadline, and the finish
 * follows the plan.
 */
export function refitPlan(foldFitSeconds: readonly number[], workers = 1): RefitPlan {
  const oneByOne = foldFitSeconds.reduce((a, b) => a + b, 0) * REFIT_MARGIN * 1000;
  if (workers < 2 || foldFitSeconds.length < 2) return { ms: oneByOne, onWorkers: false };
  const queues = new Array<number>(workers).fill(0);
  for (const seconds of [...foldFitSeconds].sort((a, b) => b - a)) {
    queues[queues.indexOf(Math.min(...queues))] += seconds;
  }
  const sideBySide = Math.max(...queues) * REFIT_MARGIN * 1000 + WORKER_START_MS;
  return sideBySide < oneByOne ? { ms: sideBySide, onWorkers: true } : { ms: oneByOne, onWorkers: false };
}

/** The estimated milliseconds of refitPlan. */
export function estimatedRefitMs(foldFitSeconds: readonly number[], workers = 1): number {
  return refitPlan(foldFitSeconds, workers).ms;
}

/**
 * The estimated milliseconds of all the finish's refits of drones whose mean fold fit times are `foldFitSeconds`,
 * on `workers`: on the search rows and, when the run kept test rows, again on every row (the delivered model,
 * rows / search rows as long). The search stops in time for them, and the finish chooses its champion by them,
 * so the model it delivers is the one fit on every row.
 */
export function finishRefitMs(ctx: RunContext, foldFitSeconds: readonly number[], workers: number): number {
  const rounds = ctx.test ? 1 + ctx.dataset.rows / ctx.search.rows : 1;
  return estimatedRefitMs(foldFitSeconds, workers) * rounds;
}

export function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

export function standardDeviation(values: readonly number[]): number {
  const m = mean(values);
  return Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / values.length);
}

/** The drones' out-of-fold predictions on the search rows that have them. */
export interface OutOfFold {
  /** The rows predicted out of fold: every search row with k folds, the holdout rows with a holdout. */
  rows: Int32Array | null;
  /** The target on those rows. */
  y: Float64Array;
  /** Values per row: the classes' probabilities, or 1 for regression. */
  width: number;
  /** A drone's predictions on those rows (rows × width, flat); undefined when it has none. */
  of(droneId: string): Float64Array | undefined;
}

/**
 * The out-of-fold predictions as ensembles, stacks, thresholds and confusion matrices read them. With a holdout
 * a drone predicts the holdout rows only (the other rows hold zeros), so they are scored on those rows alone.
 */
export function outOfFold(ctx: RunContext): OutOfFold {
  const width = ctx.dataset.task === 'classification' ? ctx.dataset.nClasses : 1;
  const scored = new Uint8Array(ctx.search.rows);
  for (const fold of ctx.data.folds) for (const row of fold.test) scored[row] = 1;
  const all = scored.every((v) => v === 1);
  const rows = all ? null : Int32Array.from(scored.keys()).filter((i) => scored[i] === 1);
  const target = ctx.search.target.values;
  return {
    rows,
    width,
    y: rows ? Float64Array.from(rows, (i) => target[i]) : target,
    of(droneId) {
      const p = ctx.predictions.get(droneId);
      if (!p || !rows) return p;
      const out = new Float64Array(rows.length * width);
      rows.forEach((row, k) => out.set(p.subarray(row * width, (row + 1) * width), k * width));
      return out;
    },
  };
}

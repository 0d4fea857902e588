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
  const points = ok.map((d) => d.objectives.map((v, j) => (ctx.objectives[j].direction === 'maximize' ? v! : -v!)));
  return paretoFront(points).map((i) => ok[i].id);
}

/**
 * A drone's mean fold fit time scaled to its folds' full training rows: a drone that successive halving stopped
 * at a fraction of the rows was timed on that fraction only.
 */
export function fullFoldFitSeconds(drone: Drone): number {
  return drone.fitSeconds / drone.fraction;
}

export function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

export function standardDeviation(values: readonly number[]): number {
  const m = mean(values);
  return Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / values.length);
}

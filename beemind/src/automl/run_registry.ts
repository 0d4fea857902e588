/**
 * This module contains the in-process registry of finished runs, so a notebook frontend can ask for any
 * run's drone importance or confusion matrix by id. Only the most recent runs are kept in memory; the
 * experiment store keeps all of them.
 */
import type { Run } from './run.js';

const MAX_RUNS = 20;
const runs = new Map<string, Run>();

export function registerRun(run: Run): void {
  runs.delete(run.id);
  runs.set(run.id, run);
  if (runs.size > MAX_RUNS) runs.delete(runs.keys().next().value!);
}

/** A run of this process by id (undefined when unknown or evicted). */
export function getRun(runId: string): Run | undefined {
  return runs.get(runId);
}

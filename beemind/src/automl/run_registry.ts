/**
 * This module contains the in-process registry of finished runs, so a notebook frontend can ask for any
 * run's drone importance or confusion matrix by id. Only the most recently finished runs are kept in memory;
 * the experiment store keeps all of them.
 */
import { LRUCache } from 'lru-cache';
import type { Run } from './run.js';

const MAX_RUNS = 20;
const runs = new LRUCache<string, Run>({ max: MAX_RUNS });

export function registerRun(run: Run): void {
  runs.set(run.id, run);
}

/** A run of this process by id (undefined when unknown or evicted). */
export function getRun(runId: string): Run | undefined {
  return runs.peek(runId);
}

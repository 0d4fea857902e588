/**
 * This module contains the in-process event hub: every run publishes its events here, and the kernel's comm
 * bridge (or any listener) subscribes, or asks for a snapshot of every run so far.
 */
import { logger } from '../core/logger.js';
import type { RunEvent } from '../protocol/events.js';

export type RunEventListener = (event: RunEvent) => void;

const history = new Map<string, RunEvent[]>();
const listeners = new Set<RunEventListener>();

/** Records an event and hands it to every listener; a throwing listener never breaks the run. */
export function publishRunEvent(event: RunEvent): void {
  let events = history.get(event.runId);
  if (!events) history.set(event.runId, (events = []));
  events.push(event);
  for (const listener of listeners) {
    try {
      listener(event);
    } catch (error) {
      logger.warn({ err: error }, 'a run event listener threw; the run goes on');
    }
  }
}

/** Calls `listener` for every future event; returns the unsubscribe function. */
export function subscribeRunEvents(listener: RunEventListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Every event of every run in this process so far, run by run in start order. */
export function runSnapshots(): { runId: string; events: RunEvent[] }[] {
  return [...history.entries()].map(([runId, events]) => ({ runId, events: events.slice() }));
}

/** Forgets the recorded history (listeners stay). */
export function clearRunHistory(): void {
  history.clear();
}

/**
 * This module contains RunRecorder: the listener that writes a run's events into the experiment store as
 * they are emitted (a drone is committed before its drone.evaluated event reaches anyone else). A store
 * that fails never breaks the search: the recorder warns once and stops recording that run.
 */
import { logger } from '../core/logger.js';
import type { RunEvent } from '../protocol/events.js';
import type { ExperimentStore } from './experiment_store.js';
import { reopenRun, writeEvent } from './run_writer.js';

export class RunRecorder {
  private stopped = false;

  constructor(
    private readonly store: ExperimentStore,
    /** The run's out-of-fold predictions by drone id, stored with each drone so a resumed run can ensemble. */
    private readonly predictions: ReadonlyMap<string, Float64Array>,
  ) {}

  /** Whether recording stopped after a failure. */
  get failed(): boolean {
    return this.stopped;
  }

  record(event: RunEvent): void {
    this.attempt(event.runId, () =>
      writeEvent(
        this.store.db,
        event,
        event.type === 'drone.evaluated' ? this.predictions.get(event.drone.id) : undefined,
      ),
    );
  }

  /** Marks a stored run as running again in this process, before a resumed session records into it. */
  reopen(runId: string, config: unknown): void {
    this.attempt(runId, () => reopenRun(this.store.db, runId, config));
  }

  private attempt(runId: string, write: () => void): void {
    if (this.stopped) return;
    try {
      write();
    } catch (error) {
      this.stopped = true;
      logger.warn(
        { err: error, store: this.store.path, runId },
        `could not record run ${runId} in the experiment store ${this.store.path} (${(error as Error).message}); the run goes on unrecorded`,
      );
    }
  }
}

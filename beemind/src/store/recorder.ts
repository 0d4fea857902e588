/**
 * This module contains RunRecorder: the listener that writes a run's events into the experiment store as
 * they are emitted (a drone is committed before its drone.evaluated event reaches anyone else). A store
 * that fails never breaks the search. A PostgreSQL server that cannot be reached (a network or server outage)
 * may come back: the events are kept in memory, in order, and written when it does — tried again with a
 * growing pause as the run goes on, and a last few times when the run finishes. Any other failure makes the
 * recorder warn once and stop recording that run.
 */
import { logger } from '../core/logger.js';
import type { RunEvent } from '../protocol/events.js';
import type { ExperimentStore } from './experiment_store.js';
import { isUnreachable } from './postgres.js';
import { reopenRun, writeEvent } from './run_writer.js';
import { pauseSync } from './sql.js';

/** The first pause before trying an unreachable store again, and the longest. */
const FIRST_RETRY_MS = 250;
const LONGEST_RETRY_MS = 30_000;
/** When the run finishes with events still waiting: this many last attempts, over about this long. */
const FINAL_ATTEMPTS = 6;
const FINAL_PAUSE_MS = 500;

type Write = () => void;

export class RunRecorder {
  private stopped = false;
  /** Writes waiting for an unreachable store to come back, oldest first. */
  private readonly pending: Write[] = [];
  private retryAt = 0;
  private retryPause = FIRST_RETRY_MS;

  constructor(
    private readonly store: ExperimentStore,
    /** The run's out-of-fold predictions by drone id, stored with each drone so a resumed run can ensemble. */
    private readonly predictions: ReadonlyMap<string, Float64Array>,
  ) {}

  /** Whether recording stopped after a failure. */
  get failed(): boolean {
    return this.stopped;
  }

  /** Events kept in memory while the store is unreachable. */
  get waiting(): number {
    return this.pending.length;
  }

  record(event: RunEvent): void {
    const predictions = event.type === 'drone.evaluated' ? this.predictions.get(event.drone.id) : undefined;
    this.attempt(event.runId, () => writeEvent(this.store.db, event, predictions));
    if (event.type === 'run.finished') this.finish(event.runId);
  }

  /** Marks a stored run as running again in this process, before a resumed session records into it. */
  reopen(runId: string, config: unknown): void {
    this.attempt(runId, () => reopenRun(this.store.db, runId, config));
  }

  private attempt(runId: string, write: Write): void {
    if (this.stopped) return;
    this.pending.push(write);
    if (this.pending.length > 1 && Date.now() < this.retryAt) return; // the store is away: keep it for later
    this.flush(runId);
  }

  /** Writes what is waiting, in order; stops at the first failure. */
  private flush(runId: string): boolean {
    const waited = this.pending.length;
    while (this.pending.length > 0) {
      try {
        this.pending[0]();
        this.pending.shift();
      } catch (error) {
        this.failure(runId, error);
        return false;
      }
    }
    if (waited > 1) {
      logger.info(
        { store: this.store.path, runId, events: waited },
        `the experiment store ${this.store.path} is back: ${waited} waiting events of run ${runId} were recorded`,
      );
    }
    this.retryPause = FIRST_RETRY_MS;
    return true;
  }

  private failure(runId: string, error: unknown): void {
    if (isUnreachable(error)) {
      if (this.retryPause === FIRST_RETRY_MS) {
        logger.warn(
          { err: error, store: this.store.path, runId },
          `the experiment store ${this.store.path} cannot be reached (${(error as Error).message}); run ${runId} goes on and keeps its events in memory until the store is back`,
        );
      }
      this.retryAt = Date.now() + this.retryPause;
      this.retryPause = Math.min(LONGEST_RETRY_MS, this.retryPause * 2);
      return;
    }
    this.stopped = true;
    this.pending.length = 0;
    logger.warn(
      { err: error, store: this.store.path, runId },
      `could not record run ${runId} in the experiment store ${this.store.path} (${(error as Error).message}); the run goes on unrecorded`,
    );
  }

  /** At the end of the run: a last few attempts for events still waiting, then a warning naming what was not recorded. */
  private finish(runId: string): void {
    for (let attempt = 0; attempt < FINAL_ATTEMPTS && this.pending.length > 0 && !this.stopped; attempt++) {
      if (attempt > 0) pauseSync(FINAL_PAUSE_MS);
      if (this.flush(runId)) return;
    }
    if (this.pending.length > 0 && !this.stopped) {
      logger.warn(
        { store: this.store.path, runId, events: this.pending.length },
        `the experiment store ${this.store.path} stayed unreachable: ${this.pending.length} events of run ${runId} were not recorded; ` +
          'the run itself is complete in memory (save its model with saveModel once the store is back)',
      );
    }
  }
}

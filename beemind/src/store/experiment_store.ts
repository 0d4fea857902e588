/**
 * This module contains ExperimentStore, the facade over one SQLite experiment store: run queries
 * (list, show, compare, export), the model registry, and the connection shared by every run of this
 * process that records into the same file.
 */
import type { Drone, RunEvent } from '../events/events.js';
import { openDatabase, explainStoreError, type Database, type OpenOptions } from './database.js';
import { exportDrones, type DroneExportFormat } from './export.js';
import { resolveStoreLocation } from './location.js';
import { SCHEMA_VERSION, schemaVersion } from './migrations.js';
import {
  compareRuns,
  getRun,
  listRuns,
  resolveRunId,
  runDrones,
  runEvents,
  runPredictions,
  runSnapshotsFromStore,
  type ListRunsOptions,
  type RunComparison,
  type RunRecord,
  type RunSummary,
} from './queries.js';
import { ModelRegistry } from './registry.js';

/** One open connection per database file in this process. */
const open = new Map<string, ExperimentStore>();

export class ExperimentStore {
  readonly models: ModelRegistry;

  private constructor(
    /** Absolute path of the database file. */
    readonly path: string,
    /** @internal the connection; the run recorder writes through it. */
    readonly db: Database,
  ) {
    this.models = new ModelRegistry(db);
  }

  /**
   * The store at `path` (default: BEEMIND_STORE, else `.beemind/experiments.db` under the working
   * directory), created and migrated when needed. Connections are shared within the process.
   */
  static open(path?: string, options: OpenOptions = {}): ExperimentStore {
    const location = resolveStoreLocation(path);
    const file = location.path ?? resolveStoreLocation(undefined, {}).path!;
    const cached = open.get(file);
    if (cached?.db.open) return cached;
    const store = new ExperimentStore(file, openDatabase(file, options));
    open.set(file, store);
    return store;
  }

  get schemaVersion(): number {
    return schemaVersion(this.db);
  }

  static readonly SCHEMA_VERSION = SCHEMA_VERSION;

  /** Runs, newest first. */
  listRuns(options?: ListRunsOptions): RunSummary[] {
    return this.read(() => listRuns(this.db, options));
  }

  /** One run with its config, dataset schema and leaderboard; `id` may be a unique prefix. */
  run(id: string): RunRecord {
    return this.read(() => getRun(this.db, id));
  }

  /** A run's drones in evaluation order. */
  drones(runId: string): Drone[] {
    return this.read(() => runDrones(this.db, resolveRunId(this.db, runId)));
  }

  /** A run's events as recorded (the history a resumed run replays). */
  events(runId: string): RunEvent[] {
    return this.read(() => runEvents(this.db, resolveRunId(this.db, runId)));
  }

  /** Out-of-fold predictions of a run's drones (used to rebuild ensembles when a run resumes). */
  predictions(runId: string): Map<string, Float64Array> {
    return this.read(() => runPredictions(this.db, resolveRunId(this.db, runId)));
  }

  /** The leaderboards of several runs side by side. */
  compare(ids: readonly string[], top?: number): RunComparison {
    return this.read(() => compareRuns(this.db, ids, top));
  }

  /** A run's drones as CSV or JSON text. */
  exportDrones(runId: string, format: DroneExportFormat = 'csv'): string {
    return this.read(() => {
      const run = getRun(this.db, runId);
      return exportDrones(run, runDrones(this.db, run.id), format);
    });
  }

  /** The events of the newest `limit` runs, oldest first, so a reopened notebook's panels can show them. */
  snapshots(limit?: number): { runId: string; events: RunEvent[] }[] {
    return this.read(() => runSnapshotsFromStore(this.db, limit));
  }

  /** Closes the connection (the next ExperimentStore.open reopens it). */
  close(): void {
    if (open.get(this.path) === this) open.delete(this.path);
    if (this.db.open) this.db.close();
  }

  private read<T>(fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      throw explainStoreError(this.path, error);
    }
  }
}

/** Closes every store this process opened (tests; a process exiting closes them anyway). */
export function closeStores(): void {
  for (const store of [...open.values()]) store.close();
}

/**
 * This module contains ExperimentStore, the facade over one SQLite experiment store: run queries
 * (list, show, compare, export), the model registry, backups, and the connection shared by every run of
 * this process that records into the same file. Every SQLite failure behind it surfaces as a BeeMind error
 * (explainingErrors), and the connections are closed — their write-ahead log checkpointed into the store
 * file — when the process exits.
 */
import type { Drone, RunEvent } from '../protocol/events.js';
import { backupDatabase, restoreDatabase, type BackupResult } from './backup.js';
import {
  explainingErrors,
  explainStoreError,
  openDatabase,
  type Database,
  type OpenOptions,
} from './database.js';
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

/** The absolute store file of the `store` option (default: BEEMIND_STORE, else .beemind/ here). */
function storeFile(path?: string): string {
  return resolveStoreLocation(path).path ?? resolveStoreLocation(undefined, {}).path!;
}

let closingOnExit = false;
/** Closes (and so checkpoints) every store when the process exits, however it exits normally (process.exit too). */
function closeOnExit(): void {
  if (closingOnExit) return;
  closingOnExit = true;
  process.on('exit', () => closeStores());
}

export class ExperimentStore {
  readonly models: ModelRegistry;

  private constructor(
    /** Absolute path of the database file. */
    readonly path: string,
    /** @internal the connection; the run recorder writes through it. */
    readonly db: Database,
  ) {
    this.models = explainingErrors(new ModelRegistry(db), path);
  }

  /**
   * The store at `path` (default: BEEMIND_STORE, else `.beemind/experiments.db` under the working
   * directory), created and migrated when needed. Connections are shared within the process.
   */
  static open(path?: string, options: OpenOptions = {}): ExperimentStore {
    const file = storeFile(path);
    const cached = open.get(file);
    if (cached?.db.open) return cached;
    const store = explainingErrors(new ExperimentStore(file, openDatabase(file, options)), file);
    open.set(file, store);
    closeOnExit();
    return store;
  }

  /**
   * Restores the backup `file` (from backup() or `beemind store backup`) into the store at `path` (default
   * as open()): checks it is a BeeMind store of a known schema version, refuses to replace a store holding
   * runs or models unless `force`, and migrates an older backup. This process's connection to that store is
   * closed first (the next ExperimentStore.open reopens it).
   */
  static async restore(
    file: string,
    path?: string,
    options: { force?: boolean } = {},
  ): Promise<BackupResult> {
    const target = storeFile(path);
    open.get(target)?.close();
    try {
      return await restoreDatabase(file, target, options);
    } catch (error) {
      throw explainStoreError(target, error, { fileSystem: true }); // the backup's own problems are explained already
    }
  }

  get schemaVersion(): number {
    return schemaVersion(this.db);
  }

  static readonly SCHEMA_VERSION = SCHEMA_VERSION;

  /** Runs, newest first. */
  listRuns(options?: ListRunsOptions): RunSummary[] {
    return listRuns(this.db, options);
  }

  /** One run with its config, dataset schema and leaderboard; `id` may be a unique prefix. */
  run(id: string): RunRecord {
    return getRun(this.db, id);
  }

  /** A run's drones in evaluation order. */
  drones(runId: string): Drone[] {
    return runDrones(this.db, resolveRunId(this.db, runId));
  }

  /** A run's events as recorded (the history a resumed run replays). */
  events(runId: string): RunEvent[] {
    return runEvents(this.db, resolveRunId(this.db, runId));
  }

  /** Out-of-fold predictions of a run's drones (used to rebuild ensembles when a run resumes). */
  predictions(runId: string): Map<string, Float64Array> {
    return runPredictions(this.db, resolveRunId(this.db, runId));
  }

  /** The leaderboards of several runs side by side. */
  compare(ids: readonly string[], top?: number): RunComparison {
    return compareRuns(this.db, ids, top);
  }

  /** A run's drones as CSV or JSON text. */
  exportDrones(runId: string, format: DroneExportFormat = 'csv'): string {
    const run = getRun(this.db, runId);
    return exportDrones(run, runDrones(this.db, run.id), format);
  }

  /** The events of the newest `limit` runs, oldest first, so a reopened notebook's panels can show them. */
  snapshots(limit?: number): { runId: string; events: RunEvent[] }[] {
    return runSnapshotsFromStore(this.db, limit);
  }

  /**
   * Writes a consistent copy of the whole store to `file`, one self-contained file (no write-ahead log), with
   * SQLite's online backup: other processes may go on recording meanwhile. Refuses to replace an existing file
   * unless `force`. Restore it with ExperimentStore.restore() or `beemind store restore`.
   */
  backup(file: string, options: { force?: boolean } = {}): Promise<BackupResult> {
    return backupDatabase(this.db, this.path, file, options);
  }

  /**
   * Closes the connection after checkpointing its write-ahead log into the store file, so that file alone
   * holds every run (the next ExperimentStore.open reopens it).
   */
  close(): void {
    if (open.get(this.path)?.db === this.db) open.delete(this.path);
    if (!this.db.open) return;
    try {
      this.db.pragma('wal_checkpoint(PASSIVE)'); // as far as other processes' readers allow; closing the last connection completes it
    } catch {
      // a damaged or locked store: closing still checkpoints what it can
    }
    this.db.close();
  }
}

/**
 * Closes every store this process opened, checkpointing their write-ahead logs. Runs by itself when the
 * process exits; the command line also runs it on Ctrl-C / SIGTERM.
 */
export function closeStores(): void {
  for (const store of [...open.values()]) {
    try {
      store.close();
    } catch {
      // closing the others matters more than one failure here (the store's data is safe in its WAL)
    }
  }
}

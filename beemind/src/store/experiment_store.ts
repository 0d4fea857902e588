/**
 * This module contains ExperimentStore, the facade over one experiment store, a SQLite file or a PostgreSQL
 * server (the same queries run on both, see sql.ts): run queries (list, show, compare, export), the model
 * registry, datasets, backups, and the connection shared by every run of this process that records into the
 * same store. Every driver failure behind it surfaces as a BeeMind error (explainingErrors), and the
 * connections are closed — a SQLite file's write-ahead log checkpointed into it — when the process exits.
 */
import type { Drone, RunEvent } from '../protocol/events.js';
import { backupDatabase, type BackupResult } from './backup.js';
import { SqliteStoreDatabase, type OpenOptions } from './sqlite.js';
import { openStoreDatabase } from './backends.js';
import { explainingErrors, type StoreDatabase } from './sql.js';
import { datasetVersions, type DatasetVersion } from './datasets.js';
import { exportStoreFile, restoreStore } from './transfer.js';
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

/** One open connection per store (file or URL) in this process. */
const open = new Map<string, ExperimentStore>();

/** The absolute store file or PostgreSQL URL of the `store` option (default: BEEMIND_STORE, else .beemind/ here). */
export function storeFile(path?: string): string {
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
    /** The file path or URL it was opened by, password included (so never printed): reopen it with this. */
    readonly location: string,
    /** @internal the connection; the run recorder writes through it. */
    readonly db: StoreDatabase,
  ) {
    this.models = explainingErrors(new ModelRegistry(db), db);
  }

  /** Where the store is: the database file's absolute path, or the PostgreSQL URL with its password hidden. */
  get path(): string {
    return this.db.name;
  }

  /** Which backend holds it. */
  get backend(): 'sqlite' | 'postgres' {
    return this.db.dialect;
  }

  /**
   * The store at `path` — a file, or a `postgres://user:password@host/database` URL (default: BEEMIND_STORE,
   * else `.beemind/experiments.db` under the working directory) — created and migrated when needed.
   * Connections are shared within the process.
   */
  static open(path?: string, options: OpenOptions = {}): ExperimentStore {
    const location = storeFile(path);
    const cached = open.get(location);
    if (cached?.db.open) return cached;
    const db = openStoreDatabase(location, options);
    const store = explainingErrors(new ExperimentStore(location, db), db);
    open.set(location, store);
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
    return restoreStore(file, target, options);
  }

  get schemaVersion(): number {
    return schemaVersion(this.db);
  }

  static readonly SCHEMA_VERSION = SCHEMA_VERSION;

  /** The dataset versions runs were searched on (by fingerprint), with the runs and model versions of each. */
  datasets(): DatasetVersion[] {
    return datasetVersions(this.db);
  }

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
    return this.db instanceof SqliteStoreDatabase
      ? backupDatabase(this.db.raw, this.path, file, options)
      : exportStoreFile(this.db, file, options);
  }

  /**
   * Closes the connection after checkpointing its write-ahead log into the store file, so that file alone
   * holds every run (the next ExperimentStore.open reopens it).
   */
  close(): void {
    if (open.get(this.location)?.db === this.db) open.delete(this.location);
    if (!this.db.open) return;
    if (this.db instanceof SqliteStoreDatabase) {
      try {
        this.db.raw.pragma('wal_checkpoint(PASSIVE)'); // as far as other processes' readers allow; closing the last connection completes it
      } catch {
        // a damaged or locked store: closing still checkpoints what it can
      }
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

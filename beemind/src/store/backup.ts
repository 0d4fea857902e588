/**
 * This module contains backups of the experiment store: a consistent copy of the whole store in one
 * self-contained file, taken with SQLite's online backup (other processes may go on writing meanwhile), and
 * restoring such a file into a store after checking it is a BeeMind store of a schema this version knows.
 */
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { BeeMindError, ConfigurationError, DataError } from '../core/errors.js';
import { checkOutputFile } from '../core/output_file.js';
import { plural } from '../core/text.js';
import {
  databaseOwner,
  isCorruption,
  isSQLiteHeader,
  openDatabase,
  openFile,
  readHeader,
  type Database,
  SqliteStoreDatabase,
} from './sqlite.js';
import { SCHEMA_VERSION, hasTable, schemaVersion } from './migrations.js';
import type { StoreDatabase } from './sql.js';

/** What a backup or a restore wrote. */
export interface BackupResult {
  /** Absolute path of the file written (the backup, or the restored store). */
  file: string;
  runs: number;
  /** Model versions in the registry. */
  models: number;
}

/** The pages copied per step of the online backup: all of them, so the copy is one snapshot of the store. */
const ALL_PAGES = 0x7fffffff;
const SIDE_FILES = ['-wal', '-shm', '-journal'];

/** How many runs and registered model versions a store holds. */
export function storeCounts(db: StoreDatabase): { runs: number; models: number } {
  const count = (table: string) =>
    hasTable(db, table) ? (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n : 0;
  return { runs: count('runs'), models: count('models') };
}

/**
 * Writes a copy of the store open as `db` (at `storePath`) to `file`: one step of SQLite's online backup (a
 * consistent snapshot even while other processes write), into a temporary file that is checked, switched
 * out of WAL mode (so the file alone is the whole store) and then renamed into place.
 */
export async function backupDatabase(
  db: Database,
  storePath: string,
  file: string,
  options: { force?: boolean } = {},
): Promise<BackupResult> {
  const target = path.resolve(file);
  if (target === storePath) {
    throw new ConfigurationError(
      'store.backup_self',
      `${target} is the experiment store itself; choose another file for its backup.`,
    );
  }
  checkBackupTarget(target, options.force ?? false);
  const partial = `${target}.partial-${process.pid}`;
  removeDatabaseFiles(partial);
  try {
    await db.backup(partial, { progress: () => ALL_PAGES });
    const copy = openFile(partial, { readonly: false });
    let counts: { runs: number; models: number };
    try {
      copy.pragma('journal_mode = DELETE');
      const check = copy.pragma('quick_check', { simple: true });
      if (check !== 'ok')
        throw new DataError('store.backup_damaged', `the copy failed its integrity check (${check})`);
      counts = storeCounts(new SqliteStoreDatabase(copy));
    } finally {
      copy.close();
    }
    removeDatabaseFiles(target, { sideFilesOnly: true });
    renameSync(partial, target);
    return { file: target, ...counts };
  } catch (error) {
    // damage found in the store while reading it is the store's error (explained by the caller)
    if (isCorruption(error)) throw error;
    throw backupFailed(target, error);
  } finally {
    removeDatabaseFiles(partial);
  }
}

/** Refuses a backup file that cannot be written, or that exists already unless `force`. */
export function checkBackupTarget(target: string, force: boolean): void {
  checkOutputFile(target, 'the backup');
  if (existsSync(target) && !force) {
    throw new ConfigurationError(
      'store.backup_exists',
      `${target} already exists; pass --force to replace it, or choose another file.`,
    );
  }
}

/** The error of a backup that could not be written to `target`. */
export function backupFailed(target: string, error: unknown): ConfigurationError {
  return new ConfigurationError(
    'store.backup_failed',
    `could not write the backup ${target} (${(error as Error).message}); check the free space and the folder's permissions, or choose another file.`,
    { cause: error },
  );
}

/** Why `file` cannot be restored, as the error to throw. */
export function cannotRestore(file: string, why: string, cause?: unknown): ConfigurationError {
  return new ConfigurationError('store.bad_backup', `cannot restore ${file}: ${why}.`, { cause });
}

export const FROM_BACKUP = 'give a file written by `beemind store backup` (or store.backup())';

/**
 * Opens `file` read-only after checking it is a BeeMind store of a schema version this BeeMind knows and that
 * it is not damaged. Side files SQLite creates to read a WAL-mode file are removed again by `close`.
 */
export function openBackup(file: string): { db: Database; close(): void } {
  let stat;
  try {
    stat = statSync(file, { throwIfNoEntry: false });
  } catch (error) {
    throw cannotRestore(file, `${(error as Error).message}; ${FROM_BACKUP}`, error); // e.g. a file on its path
  }
  if (!stat) throw cannotRestore(file, `there is no such file; ${FROM_BACKUP}`);
  if (stat.isDirectory()) throw cannotRestore(file, `it is a folder; ${FROM_BACKUP}`);
  const header = readHeader(file);
  if (header === null)
    throw cannotRestore(file, `it is an empty file, not a BeeMind experiment store; ${FROM_BACKUP}`);
  if (!isSQLiteHeader(header))
    throw cannotRestore(
      file,
      `it is not a BeeMind experiment store (it does not start with the SQLite header); ${FROM_BACKUP}`,
    );
  const existing = new Set(SIDE_FILES.filter((s) => existsSync(file + s)));
  let db: Database;
  try {
    db = openFile(file);
  } catch (error) {
    throw cannotRestore(
      file,
      `it is damaged or unreadable (${(error as Error).message}); restore another backup`,
      error,
    );
  }
  const close = () => {
    if (db.open) db.close();
    for (const side of SIDE_FILES) if (!existing.has(side)) rmSync(file + side, { force: true });
  };
  try {
    const owner = databaseOwner(db);
    if (owner === 'empty')
      throw cannotRestore(file, `it is an empty database, not a BeeMind experiment store; ${FROM_BACKUP}`);
    if (owner !== 'beemind')
      throw cannotRestore(
        file,
        `it is a SQLite database of another application (${owner.foreign}); ${FROM_BACKUP}`,
      );
    const version = schemaVersion(new SqliteStoreDatabase(db));
    if (version > SCHEMA_VERSION)
      throw cannotRestore(
        file,
        `it has schema version ${version}, newer than this BeeMind understands (${SCHEMA_VERSION}); upgrade beemind to restore it`,
      );
    if (version < 1)
      throw cannotRestore(
        file,
        `it has no recorded schema version, so it is not a complete BeeMind store; ${FROM_BACKUP}`,
      );
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw cannotRestore(file, `it is damaged (${check}); restore another backup`);
    return { db, close };
  } catch (error) {
    close();
    if (error instanceof BeeMindError) throw error;
    throw cannotRestore(file, `it is damaged (${(error as Error).message}); restore another backup`, error);
  }
}

/**
 * Makes way for a restore into `target`: a missing or empty store is fine; one holding runs or models is
 * replaced only with `force`, as is a damaged store or one of a newer BeeMind; another application's database
 * never is.
 */
function prepareTarget(target: string, source: string, force: boolean): void {
  const stat = statSync(target, { throwIfNoEntry: false });
  if (!stat || (stat.isFile() && stat.size === 0)) return;
  let db: SqliteStoreDatabase;
  try {
    db = openDatabase(target, { mustExist: true });
  } catch (error) {
    const code = (error as BeeMindError).code;
    if (code !== 'store.corrupt' && code !== 'store.too_new') throw error;
    if (!force)
      throw new DataError(code, `${(error as Error).message} Pass --force to replace it with ${source}.`, {
        cause: error,
      });
    removeDatabaseFiles(target);
    return;
  }
  try {
    refuseToReplace(db, source, force);
  } finally {
    db.close();
  }
}

/** Refuses to restore `source` over the runs or models of the store `db`, unless `force`. */
export function refuseToReplace(db: StoreDatabase, source: string, force: boolean): void {
  const { runs, models } = storeCounts(db);
  if ((runs > 0 || models > 0) && !force) {
    throw new ConfigurationError(
      'store.restore_not_empty',
      `the experiment store ${db.name} already holds ${plural(runs, 'run')} and ${plural(models, 'model version')}; ` +
        `restoring ${source} would replace them: pass --force, after \`beemind store backup\` if you may need them, ` +
        'or restore into another --store.',
    );
  }
}

/**
 * Restores the backup `file` into the store at `target` (created when missing): checks the file first,
 * copies it in with SQLite's backup (so a process holding the store open sees the restored store, never a
 * half-written file), then migrates it to the current schema. The caller closes its own connection first.
 */
export async function restoreDatabase(
  file: string,
  target: string,
  options: { force?: boolean } = {},
): Promise<BackupResult> {
  const source = path.resolve(file);
  if (source === target) {
    throw new ConfigurationError(
      'store.restore_self',
      `${source} is the experiment store itself; nothing to restore.`,
    );
  }
  const backup = openBackup(source);
  try {
    prepareTarget(target, source, options.force ?? false);
    mkdirSync(path.dirname(target), { recursive: true });
    await backup.db.backup(target, { progress: () => ALL_PAGES });
  } finally {
    backup.close();
  }
  const restored = openDatabase(target); // WAL mode, and migrated when the backup is of an older schema
  try {
    return { file: target, ...storeCounts(restored) };
  } finally {
    restored.close();
  }
}

/** Deletes a database file and its side files (or only those). */
function removeDatabaseFiles(file: string, options: { sideFilesOnly?: boolean } = {}): void {
  if (!options.sideFilesOnly) rmSync(file, { force: true });
  for (const side of SIDE_FILES) rmSync(file + side, { force: true });
}

/**
 * This module moves a store's contents between backends: the portable export of BeeMind's tables (one JSON
 * object per line, so a PostgreSQL store is backed up without PostgreSQL's own tools and restored into either
 * backend), restoring a backup of either kind into either backend, and copying one store into another (a
 * laptop's SQLite store into the team's PostgreSQL store). Copying merges: a run or model version the target
 * already holds is left as it is and counted as skipped, so copying twice adds nothing twice.
 */
import {
  appendFileSync,
  createReadStream,
  mkdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { BeeMindError } from '../core/errors.js';
import {
  backupFailed,
  cannotRestore,
  checkBackupTarget,
  FROM_BACKUP,
  openBackup,
  refuseToReplace,
  restoreDatabase,
  storeCounts,
  type BackupResult,
} from './backup.js';
import { SCHEMA_VERSION } from './migrations.js';
import { isPostgresUrl } from './postgres.js';
import { explainStoreError, isSQLiteHeader, readHeader, SqliteStoreDatabase } from './sqlite.js';
import { openStoreDatabase } from './backends.js';
import type { SqlValue, StoreDatabase } from './sql.js';

type Row = Record<string, SqlValue>;

/** BeeMind's tables, parents first, each read in the order its rows were written. */
const TABLES = [
  { name: 'runs', order: 'rowid' },
  { name: 'drones', order: 'rowid' },
  { name: 'events', order: 'id' },
  { name: 'models', order: 'name, version' },
  { name: 'api_keys', order: 'created_at, id' },
] as const;
type TableName = (typeof TABLES)[number]['name'];
export type StoreTables = Record<TableName, Row[]>;

const EXPORT_FORMAT = 'beemind.store-export';

/** Every row of BeeMind's tables, read in one transaction (a consistent snapshot while others write). */
export function readTables(db: StoreDatabase): StoreTables {
  return db.writeTransaction(() => {
    const tables = {} as StoreTables;
    for (const t of TABLES) {
      const rows = db.prepare(`SELECT * FROM ${t.name} ORDER BY ${t.order}`).all() as Row[];
      // PostgreSQL's numbering column stands in for SQLite's implicit rowid: the target numbers rows itself
      for (const row of rows) delete row.rowid;
      tables[t.name] = rows;
    }
    return tables;
  });
}

function insert(db: StoreDatabase, table: string, row: Row, skip: string | null): void {
  const columns = Object.keys(row).filter((c) => c !== skip);
  db.prepare(
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
  ).run(...columns.map((c) => row[c]));
}

export interface MergeResult {
  runs: number;
  models: number;
  skippedRuns: number;
  skippedModels: number;
}

/**
 * Adds `tables` to the store `db`: each run with its drones and events in one transaction (so a copy cut short
 * leaves whole runs), then model versions and API keys. What the store already holds is skipped.
 */
export function mergeTables(db: StoreDatabase, tables: StoreTables): MergeResult {
  const result: MergeResult = { runs: 0, models: 0, skippedRuns: 0, skippedModels: 0 };
  const byRun = (rows: Row[]) => {
    const map = new Map<string, Row[]>();
    for (const row of rows) {
      const list = map.get(row.run_id as string) ?? [];
      list.push(row);
      map.set(row.run_id as string, list);
    }
    return map;
  };
  const drones = byRun(tables.drones);
  const events = byRun(tables.events);
  for (const run of tables.runs) {
    const copied = db.writeTransaction(() => {
      if (db.prepare('SELECT 1 AS found FROM runs WHERE id = ?').get(run.id)) return false;
      insert(db, 'runs', run, null);
      for (const d of drones.get(run.id as string) ?? []) insert(db, 'drones', d, null);
      // the target numbers events itself (its own may already use these ids), in the order they come
      for (const e of events.get(run.id as string) ?? []) insert(db, 'events', e, 'id');
      return true;
    });
    if (copied) result.runs++;
    else result.skippedRuns++;
  }
  db.writeTransaction(() => {
    for (const m of tables.models) {
      if (db.prepare('SELECT 1 AS found FROM models WHERE name = ? AND version = ?').get(m.name, m.version)) {
        result.skippedModels++;
        continue;
      }
      insert(db, 'models', m, null);
      result.models++;
    }
    for (const k of tables.api_keys) {
      if (!db.prepare('SELECT 1 AS found FROM api_keys WHERE id = ?').get(k.id))
        insert(db, 'api_keys', k, null);
    }
  });
  return result;
}

/** Bytes as `{ "$bytes": base64 }` in the export, everything else as JSON has it. */
function encode(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
  if (value && typeof value === 'object' && (value as { type?: string }).type === 'Buffer')
    return { $bytes: Buffer.from((value as { data: number[] }).data).toString('base64') };
  return value;
}

function decode(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && typeof (value as { $bytes?: unknown }).$bytes === 'string')
    return Buffer.from((value as { $bytes: string }).$bytes, 'base64');
  return value;
}

/**
 * Writes the portable export of the store `db` to `file` (a header line, then one line per row): the
 * PostgreSQL store's backup. Refuses to replace an existing file unless `force`.
 */
export async function exportStoreFile(
  db: StoreDatabase,
  file: string,
  options: { force?: boolean } = {},
): Promise<BackupResult> {
  const target = path.resolve(file);
  checkBackupTarget(target, options.force ?? false);
  const tables = readTables(db);
  const partial = `${target}.partial-${process.pid}`;
  try {
    mkdirSync(path.dirname(target), { recursive: true });
    const header = {
      format: EXPORT_FORMAT,
      version: 1,
      schemaVersion: SCHEMA_VERSION,
      source: db.name,
      exportedAt: new Date().toISOString(),
    };
    writeFileSync(partial, JSON.stringify(header) + '\n');
    for (const t of TABLES) {
      const lines = tables[t.name].map((row) => JSON.stringify({ table: t.name, row }, encode));
      for (let i = 0; i < lines.length; i += 1000)
        appendFileSync(partial, lines.slice(i, i + 1000).join('\n') + '\n');
    }
    renameSync(partial, target);
  } catch (error) {
    rmSync(partial, { force: true });
    throw backupFailed(target, error);
  }
  return { file: target, runs: tables.runs.length, models: tables.models.length };
}

const NOT_A_STORE =
  'it is not a BeeMind experiment store (it does not start with the SQLite header) nor a store export (its first line is not an export header)';

/** Reads a portable export back, checking its header and every line. */
export async function readExportFile(file: string): Promise<StoreTables> {
  const tables: StoreTables = { runs: [], drones: [], events: [], models: [], api_keys: [] };
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (!line.trim()) continue;
    let parsed: { format?: unknown; schemaVersion?: unknown; table?: unknown; row?: unknown };
    try {
      parsed = JSON.parse(line, decode);
    } catch (error) {
      throw badExport(file, n === 1 ? NOT_A_STORE : `line ${n} is not JSON (${(error as Error).message})`);
    }
    if (n === 1) {
      if (parsed?.format !== EXPORT_FORMAT) throw badExport(file, NOT_A_STORE);
      if (typeof parsed.schemaVersion !== 'number' || parsed.schemaVersion > SCHEMA_VERSION)
        throw badExport(
          file,
          `it has schema version ${String(parsed.schemaVersion)}, newer than this BeeMind understands (${SCHEMA_VERSION}); upgrade beemind to restore it`,
        );
      continue;
    }
    const table = parsed.table as TableName;
    if (!(table in tables) || !parsed.row || typeof parsed.row !== 'object')
      throw badExport(file, `line ${n} is not a row of one of BeeMind's tables`);
    tables[table].push(parsed.row as Row);
  }
  if (n === 0) throw badExport(file, 'it is empty');
  return tables;
}

function badExport(file: string, why: string): BeeMindError {
  return cannotRestore(file, `${why}; ${FROM_BACKUP}`);
}

/** The first bytes of `file` when it is a file with some (null for a missing, empty or other kind of path). */
function headerOf(file: string): Buffer | null {
  return statSync(file, { throwIfNoEntry: false })?.isFile() ? readHeader(file) : null;
}

/** The tables of a backup of either kind: a SQLite store file, or a portable export. */
async function readBackup(file: string): Promise<StoreTables> {
  const stat = statSync(file, { throwIfNoEntry: false });
  if (!stat) throw badExport(file, 'there is no such file');
  if (!stat.isFile()) throw badExport(file, 'it is a folder');
  const header = headerOf(file);
  if (header !== null && isSQLiteHeader(header)) {
    const backup = openBackup(file);
    try {
      const db = new SqliteStoreDatabase(backup.db);
      return readTables(db);
    } finally {
      backup.close();
    }
  }
  return readExportFile(file);
}

/**
 * Restores a backup (a SQLite store file, or a portable export) into the store at `target` (a file or a
 * PostgreSQL URL). A store that holds runs or models is replaced only with `force`.
 */
export async function restoreStore(
  file: string,
  target: string,
  options: { force?: boolean } = {},
): Promise<BackupResult> {
  const source = path.resolve(file);
  const header = headerOf(source);
  if (!isPostgresUrl(target) && (header === null || isSQLiteHeader(header))) {
    try {
      return await restoreDatabase(source, target, options); // a file into a file: SQLite's own backup
    } catch (error) {
      throw explainStoreError(target, error, { fileSystem: true }); // the backup's own problems are explained already
    }
  }
  const tables = await readBackup(source);
  const db = openStoreDatabase(target);
  try {
    refuseToReplace(db, source, options.force ?? false);
    db.writeTransaction(() => {
      for (const t of [...TABLES].reverse()) db.prepare(`DELETE FROM ${t.name}`).run();
    });
    mergeTables(db, tables);
    return { file: db.name, ...storeCounts(db) };
  } catch (error) {
    throw error instanceof BeeMindError ? error : db.explain(error);
  } finally {
    db.close();
  }
}

/** Copies every run and model version of the store `from` into the store `to` (see mergeTables). */
export function copyStore(from: string, to: string): MergeResult & { from: string; to: string } {
  const source = openStoreDatabase(from, { mustExist: true });
  try {
    const tables = readTables(source);
    const target = openStoreDatabase(to);
    try {
      return { from: source.name, to: target.name, ...mergeTables(target, tables) };
    } catch (error) {
      throw error instanceof BeeMindError ? error : target.explain(error);
    } finally {
      target.close();
    }
  } finally {
    source.close();
  }
}

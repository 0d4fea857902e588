/**
 * This module contains the SQLite backend of the experiment store (the embedded default, one file): loading
 * better-sqlite3, refusing corrupt and foreign files before anything is written to them, WAL mode and the busy
 * timeout, schema migration on open, and short write transactions retried while another process holds the lock.
 */
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { ConfigurationError, DataError } from '../core/errors.js';
import { logger } from '../core/logger.js';
import { APPLICATION_ID, SCHEMA_VERSION, migrate, schemaVersion, tooNew } from './migrations.js';
import { retrySync, type SqlStatement, type StoreDatabase } from './sql.js';

/** A better-sqlite3 connection (backups and checks use it directly). */
export type Database = BetterSqlite3.Database;

/** The SQLite store behind the StoreDatabase interface; `raw` is the better-sqlite3 connection. */
export class SqliteStoreDatabase implements StoreDatabase {
  readonly dialect = 'sqlite';
  /** Statements compiled once per connection (the same few run for every drone). */
  private readonly statements = new Map<string, SqlStatement>();

  constructor(readonly raw: Database) {}

  get name(): string {
    return this.raw.name;
  }

  get open(): boolean {
    return this.raw.open;
  }

  prepare(sql: string): SqlStatement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.raw.prepare(sql) as SqlStatement;
      this.statements.set(sql, statement);
    }
    return statement;
  }

  exec(sql: string): void {
    this.raw.exec(sql);
  }

  writeTransaction<T>(fn: () => T): T {
    return withBusyRetry(() => this.raw.transaction(fn).immediate());
  }

  explain(error: unknown): unknown {
    return explainStoreError(this.name, error);
  }

  close(): void {
    this.statements.clear();
    this.raw.close();
  }
}

/** How long a statement waits for another process's lock before SQLite reports it busy. */
const BUSY_TIMEOUT_MS = 10_000;
/** Further attempts after SQLite gave up waiting (each after a growing pause). */
const BUSY_RETRIES = 5;
const SQLITE_HEADER = 'SQLite format 3\u0000';

let driver: typeof BetterSqlite3 | null = null;

/** better-sqlite3, loaded on first use so the library works (without a store) when its native build is missing. */
function loadDriver(): typeof BetterSqlite3 {
  if (driver) return driver;
  try {
    driver = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
    return driver;
  } catch (error) {
    throw new ConfigurationError(
      'store.driver_missing',
      `the experiment store needs the better-sqlite3 native module, which did not load (${(error as Error).message}); ` +
        'run `npm rebuild better-sqlite3` (allow its install script), or switch the store off with store: false / BEEMIND_STORE=off.',
      { cause: error },
    );
  }
}

/** Reads the first bytes of an existing file: null for a missing or empty file (a new store). */
export function readHeader(file: string): Buffer | null {
  if (!existsSync(file)) return null;
  if (!statSync(file).isFile()) {
    throw new ConfigurationError(
      'store.not_a_file',
      `the experiment store path ${file} is not a file; point the store option / BEEMIND_STORE at a file path.`,
    );
  }
  const fd = openSync(file, 'r');
  try {
    const header = Buffer.alloc(100);
    const n = readSync(fd, header, 0, 100, 0);
    return n === 0 ? null : header.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

function corrupt(file: string, detail: string, cause?: unknown): DataError {
  return new DataError(
    'store.corrupt',
    `${file} is not a readable BeeMind experiment store (${detail}); it was left untouched: ` +
      'move it away (or restore a backup), or point the store option / BEEMIND_STORE at another file.',
    { cause },
  );
}

/** True for SQLite errors meaning the file is damaged or not a database. */
export function isCorruption(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return (
    code === 'SQLITE_CORRUPT' ||
    code === 'SQLITE_NOTADB' ||
    (typeof code === 'string' && code.startsWith('SQLITE_CORRUPT'))
  );
}

/** Whose database this is: BeeMind's, nobody's yet (no tables), or another application's (its tables). */
export function databaseOwner(db: Database): 'beemind' | 'empty' | { foreign: string } {
  const appId = db.pragma('application_id', { simple: true }) as number;
  if (appId === APPLICATION_ID) return 'beemind';
  const tables = (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as {
      name: string;
    }[]
  ).map((t) => t.name);
  if (appId === 0 && tables.length === 0) return 'empty';
  if (appId === 0 && tables.includes('beemind_schema')) return 'beemind';
  return { foreign: tables.length ? `tables: ${tables.slice(0, 6).join(', ')}` : `application id ${appId}` };
}

/** Refuses a database that belongs to another application: its tables are left alone. */
function checkOwnership(db: Database, file: string): void {
  const owner = databaseOwner(db);
  if (typeof owner === 'string') return; // ours, or an empty database: ours to initialise
  throw new ConfigurationError(
    'store.foreign',
    `${file} is a SQLite database of another application (${owner.foreign}); ` +
      'BeeMind will not write to it: point the store option / BEEMIND_STORE at another file.',
  );
}

export interface OpenOptions {
  /** Fail when the file does not exist instead of creating it (read-only commands). */
  mustExist?: boolean;
}

/**
 * Opens (creating when needed) the store at `file`: checks it is a BeeMind store, switches it to WAL,
 * and migrates an older schema. Throws DataError for a corrupt file and ConfigurationError for a foreign
 * or newer one, or one that cannot be opened; neither is modified.
 */
export function openDatabase(file: string, options: OpenOptions = {}): SqliteStoreDatabase {
  try {
    return open(file, options);
  } catch (error) {
    // here a file-system error (creating the folder, reading the header) is about the store's path too
    throw explainStoreError(file, error, { fileSystem: true });
  }
}

function open(file: string, options: OpenOptions): SqliteStoreDatabase {
  const header = readHeader(file);
  if (header === null && options.mustExist) {
    throw new ConfigurationError(
      'store.missing',
      `there is no experiment store at ${file} yet; run evolve() with a store first, or pass the right --store path.`,
    );
  }
  if (header !== null && !isSQLiteHeader(header)) {
    throw corrupt(file, 'it does not start with the SQLite header');
  }
  const Driver = loadDriver();
  if (header === null) mkdirSync(path.dirname(file), { recursive: true });
  const db = new Driver(file, { timeout: BUSY_TIMEOUT_MS });
  const store = new SqliteStoreDatabase(db);
  try {
    checkOwnership(db, file);
    const version = schemaVersion(store);
    if (version > SCHEMA_VERSION) throw tooNew(file, version);
    withBusyRetry(() => db.pragma('journal_mode = WAL'));
    // NORMAL is durable across a crash of the process (WAL); only a power cut may lose the last commits
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    if (version < SCHEMA_VERSION) {
      const migrated = migrate(store);
      if (version > 0 && migrated > version)
        logger.info({ file, from: version, to: migrated }, 'migrated the experiment store');
    }
    return store;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Whether the first bytes of a file are SQLite's header. */
export function isSQLiteHeader(header: Buffer): boolean {
  return header.subarray(0, 16).toString('latin1') === SQLITE_HEADER;
}

/**
 * Opens an existing SQLite file as it is (read-only unless told otherwise), without checking whose it is
 * (see databaseOwner), switching its journal or migrating it: for checking backups. Throws what
 * better-sqlite3 throws.
 */
export function openFile(file: string, options: { readonly?: boolean } = {}): Database {
  return new (loadDriver())(file, {
    readonly: options.readonly ?? true,
    fileMustExist: true,
    timeout: BUSY_TIMEOUT_MS,
  });
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/**
 * Runs `fn`, trying again while another process holds the database lock past the busy timeout. The
 * pause is synchronous, like SQLite's own busy wait, so a transaction is never interleaved with other
 * work of this thread.
 */
export function withBusyRetry<T>(fn: () => T): T {
  return retrySync(fn, isBusy, BUSY_RETRIES, (attempt) => 50 * 2 ** attempt + Math.random() * 50);
}

const SQLITE_CODE = /^SQLITE_[A-Z]+/;

/**
 * The store's BeeMind error for a failure of SQLite with the store `file` (with `fileSystem`, of the file
 * system too, e.g. ENOTDIR): DataError for a damaged file, ConfigurationError for one that cannot be opened or
 * written or stays locked. Other errors (BeeMind's own among them) pass through.
 */
export function explainStoreError(
  file: string,
  error: unknown,
  options: { fileSystem?: boolean } = {},
): unknown {
  const code = (error as { code?: unknown })?.code;
  if (typeof code !== 'string') return error;
  const detail = (error as Error).message;
  if (isCorruption(error)) return corrupt(file, detail, error);
  const sqlite = SQLITE_CODE.exec(code)?.[0];
  if (sqlite === undefined && !(options.fileSystem && /^E[A-Z]+$/.test(code))) return error;
  switch (sqlite ?? code) {
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return new ConfigurationError(
        'store.busy',
        `the experiment store ${file} stayed locked by another process (${detail}); try again once that process has finished writing.`,
        { cause: error },
      );
    case 'SQLITE_FULL':
    case 'ENOSPC':
      return new ConfigurationError(
        'store.full',
        `the disk of the experiment store ${file} is full (${detail}); free some space, or point --store / BEEMIND_STORE at another disk.`,
        { cause: error },
      );
    case 'SQLITE_READONLY':
      return new ConfigurationError(
        'store.read_only',
        `the experiment store ${file} cannot be written (${detail}); make it and its folder writable, or point --store / BEEMIND_STORE at another file.`,
        { cause: error },
      );
    case 'SQLITE_CANTOPEN':
    case 'SQLITE_PERM':
    case 'SQLITE_AUTH':
    case 'SQLITE_IOERR':
    default:
      return new ConfigurationError(
        'store.cannot_open',
        `cannot open the experiment store ${file} (${detail}); check that its folder can be created and written, ` +
          'or point --store / BEEMIND_STORE at another file.',
        { cause: error },
      );
  }
}

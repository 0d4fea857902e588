/**
 * This module contains the store's schema history, one list for both backends: numbered migrations applied
 * in order inside one write transaction, each recorded in the `beemind_schema` table, so a store written by an
 * older BeeMind is brought up to date when it is opened (and two processes opening it at once migrate it once).
 * A migration's `sql` is SQLite's; `postgres` gives PostgreSQL's where the two differ (types, auto-numbering).
 */
import { ConfigurationError } from '../core/errors.js';
import type { StoreDatabase } from './sql.js';

/** Stamped into the SQLite header (PRAGMA application_id) so a BeeMind store is recognisable: 'BeeM'. */
export const APPLICATION_ID = 0x4265654d;

export interface Migration {
  version: number;
  description: string;
  sql: string;
  /** PostgreSQL's statements, when they differ from SQLite's. */
  postgres?: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'runs, drones and events',
    sql: `
      CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        status TEXT NOT NULL,
        reason TEXT,
        task TEXT NOT NULL,
        target TEXT NOT NULL,
        metric TEXT NOT NULL,
        seed INTEGER NOT NULL,
        config TEXT NOT NULL,
        objectives TEXT NOT NULL,
        dataset_name TEXT NOT NULL,
        dataset_rows INTEGER NOT NULL,
        dataset_fingerprint TEXT NOT NULL,
        dataset_schema TEXT NOT NULL,
        started_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        finished_at TEXT,
        evaluated INTEGER NOT NULL DEFAULT 0,
        best_score REAL,
        champion_id TEXT,
        test_score REAL,
        error TEXT
      );
      CREATE INDEX runs_by_start ON runs (started_at);
      CREATE TABLE drones (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        id TEXT NOT NULL,
        generation INTEGER NOT NULL,
        operator TEXT NOT NULL,
        parents TEXT NOT NULL,
        family TEXT NOT NULL,
        genome TEXT NOT NULL,
        genome_key TEXT NOT NULL,
        status TEXT NOT NULL,
        score REAL,
        fold_scores TEXT NOT NULL,
        objectives TEXT NOT NULL,
        fit_seconds REAL NOT NULL,
        predict_seconds REAL NOT NULL,
        fraction REAL NOT NULL,
        error TEXT,
        evaluated_at TEXT NOT NULL,
        PRIMARY KEY (run_id, id)
      );
      CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        type TEXT NOT NULL,
        time TEXT NOT NULL,
        payload TEXT NOT NULL
      );
      CREATE INDEX events_by_run ON events (run_id, id);
    `,
    postgres: `
      CREATE TABLE runs (
        rowid BIGSERIAL UNIQUE,
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        status TEXT NOT NULL,
        reason TEXT,
        task TEXT NOT NULL,
        target TEXT NOT NULL,
        metric TEXT NOT NULL,
        seed BIGINT NOT NULL,
        config JSONB NOT NULL,
        objectives TEXT NOT NULL,
        dataset_name TEXT NOT NULL,
        dataset_rows INTEGER NOT NULL,
        dataset_fingerprint TEXT NOT NULL,
        dataset_schema TEXT NOT NULL,
        started_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        finished_at TEXT,
        evaluated INTEGER NOT NULL DEFAULT 0,
        best_score DOUBLE PRECISION,
        champion_id TEXT,
        test_score DOUBLE PRECISION,
        error TEXT
      );
      CREATE INDEX runs_by_start ON runs (started_at);
      CREATE TABLE drones (
        rowid BIGSERIAL UNIQUE,
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        id TEXT NOT NULL,
        generation INTEGER NOT NULL,
        operator TEXT NOT NULL,
        parents TEXT NOT NULL,
        family TEXT NOT NULL,
        genome TEXT NOT NULL,
        genome_key TEXT NOT NULL,
        status TEXT NOT NULL,
        score DOUBLE PRECISION,
        fold_scores TEXT NOT NULL,
        objectives TEXT NOT NULL,
        fit_seconds DOUBLE PRECISION NOT NULL,
        predict_seconds DOUBLE PRECISION NOT NULL,
        fraction DOUBLE PRECISION NOT NULL,
        error TEXT,
        evaluated_at TEXT NOT NULL,
        PRIMARY KEY (run_id, id)
      );
      CREATE TABLE events (
        id BIGSERIAL PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        type TEXT NOT NULL,
        time TEXT NOT NULL,
        payload TEXT NOT NULL
      );
      CREATE INDEX events_by_run ON events (run_id, id);
    `,
  },
  {
    version: 2,
    description: 'model registry; resumable runs (out-of-fold predictions, owning process, sessions)',
    sql: `
      ALTER TABLE drones ADD COLUMN predictions BLOB;
      ALTER TABLE runs ADD COLUMN pid INTEGER;
      ALTER TABLE runs ADD COLUMN host TEXT;
      ALTER TABLE runs ADD COLUMN sessions INTEGER NOT NULL DEFAULT 1;
      CREATE TABLE models (
        name TEXT NOT NULL,
        version INTEGER NOT NULL,
        stage TEXT NOT NULL DEFAULT 'none' CHECK (stage IN ('none', 'staging', 'production', 'archived')),
        tags TEXT NOT NULL DEFAULT '{}',
        description TEXT NOT NULL DEFAULT '',
        task TEXT NOT NULL,
        run_id TEXT,
        drone_id TEXT,
        metric TEXT,
        score REAL,
        test_score REAL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        artifact TEXT NOT NULL,
        PRIMARY KEY (name, version)
      );
    `,
    postgres: `
      ALTER TABLE drones ADD COLUMN predictions BYTEA;
      ALTER TABLE runs ADD COLUMN pid INTEGER;
      ALTER TABLE runs ADD COLUMN host TEXT;
      ALTER TABLE runs ADD COLUMN sessions INTEGER NOT NULL DEFAULT 1;
      CREATE TABLE models (
        name TEXT NOT NULL,
        version INTEGER NOT NULL,
        stage TEXT NOT NULL DEFAULT 'none' CHECK (stage IN ('none', 'staging', 'production', 'archived')),
        tags JSONB NOT NULL DEFAULT '{}',
        description TEXT NOT NULL DEFAULT '',
        task TEXT NOT NULL,
        run_id TEXT,
        drone_id TEXT,
        metric TEXT,
        score DOUBLE PRECISION,
        test_score DOUBLE PRECISION,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        artifact TEXT NOT NULL,
        PRIMARY KEY (name, version)
      );
    `,
  },
  {
    version: 3,
    description: 'API keys of `beemind serve` (hashed secrets, model scopes, revocation)',
    sql: `
      CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        secret_sha256 TEXT NOT NULL UNIQUE,
        models TEXT,
        admin INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        revoked_at TEXT
      );
    `,
  },
  {
    version: 4,
    description:
      'people and projects (who made each run and model version, in which project); the dataset version of each model',
    sql: `
      ALTER TABLE runs ADD COLUMN user_name TEXT;
      ALTER TABLE runs ADD COLUMN project TEXT;
      ALTER TABLE models ADD COLUMN user_name TEXT;
      ALTER TABLE models ADD COLUMN project TEXT;
      ALTER TABLE models ADD COLUMN dataset_fingerprint TEXT;
      CREATE INDEX runs_by_project ON runs (project, started_at);
      CREATE INDEX runs_by_dataset ON runs (dataset_fingerprint);
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

const SCHEMA_TABLE = `CREATE TABLE IF NOT EXISTS beemind_schema (
  version INTEGER PRIMARY KEY,
  description TEXT NOT NULL,
  applied_at TEXT NOT NULL
)`;

/** Whether the store has the table `name` (in BeeMind's schema, on PostgreSQL). */
export function hasTable(db: StoreDatabase, name: string): boolean {
  const query =
    db.dialect === 'sqlite'
      ? "SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = ?"
      : 'SELECT 1 AS found WHERE to_regclass(?) IS NOT NULL';
  return db.prepare(query).get(name) !== undefined;
}

/** The schema version recorded in the store (0 for a store without the schema table). */
export function schemaVersion(db: StoreDatabase): number {
  if (!hasTable(db, 'beemind_schema')) return 0;
  const row = db.prepare('SELECT MAX(version) AS v FROM beemind_schema').get() as { v: number | null };
  return row.v ?? 0;
}

/**
 * Applies every migration after the store's version up to `target` (default: the newest) in one write
 * transaction: the version is read again under the write lock (SQLite's, or an advisory lock on PostgreSQL), so
 * concurrent openers migrate only once. Returns the version the store is at afterwards.
 */
export function migrate(db: StoreDatabase, target = SCHEMA_VERSION): number {
  return db.writeTransaction(() => {
    if (db.dialect === 'postgres') db.prepare('SELECT pg_advisory_xact_lock(?)').get(APPLICATION_ID);
    const current = schemaVersion(db);
    if (current > SCHEMA_VERSION) throw tooNew(db.name, current);
    if (current >= target) return current;
    db.exec(SCHEMA_TABLE);
    if (db.dialect === 'sqlite') db.exec(`PRAGMA application_id = ${APPLICATION_ID}`);
    const record = db.prepare(
      'INSERT INTO beemind_schema (version, description, applied_at) VALUES (?, ?, ?)',
    );
    for (const m of MIGRATIONS) {
      if (m.version <= current || m.version > target) continue;
      db.exec(db.dialect === 'postgres' ? (m.postgres ?? m.sql) : m.sql);
      record.run(m.version, m.description, new Date().toISOString());
    }
    return target;
  });
}

export function tooNew(file: string, version: number): ConfigurationError {
  return new ConfigurationError(
    'store.too_new',
    `the experiment store ${file} has schema version ${version}, newer than this BeeMind understands (${SCHEMA_VERSION}); ` +
      'upgrade beemind, or point the store option / BEEMIND_STORE at another store.',
  );
}

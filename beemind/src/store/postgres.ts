/**
 * This module contains the PostgreSQL backend of the experiment store, for a team: many kernels, command
 * lines, workers and servers share one store over the network. Its tables live in their own schema
 * (`beemind`, or `?schema=` in the URL) so they never meet another application's. The `pg` driver runs in a
 * worker thread (postgres_worker.ts) that this thread waits on, so every query of the store runs the same
 * synchronous way as on SQLite; write transactions are serializable and tried again when PostgreSQL reports a
 * conflict with another writer.
 */
import { fileURLToPath } from 'node:url';
import { createSyncFn } from 'synckit';
import { ConfigurationError } from '../core/errors.js';
import { SCHEMA_VERSION, migrate, schemaVersion, tooNew } from './migrations.js';
import {
  retrySync,
  type SqlStatement,
  type SqlValue,
  type StoreDatabase,
  type TransactionOptions,
} from './sql.js';

/** What the worker thread is asked. */
export type PostgresRequest =
  | { op: 'open'; id: number; url: string; schema: string }
  | { op: 'query'; id: number; sql: string; params: SqlValue[] }
  | { op: 'exec'; id: number; sql: string }
  | { op: 'close'; id: number };

export interface PostgresResult {
  rows: Record<string, unknown>[];
  changes: number;
}

/** Whether a store location names a PostgreSQL server rather than a file. */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/** The URL with its password replaced by `****`, for messages and listings. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '****';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:****@');
  }
}

/** Serialization failures and deadlocks: the transaction is tried again. */
const CONFLICTS = new Set(['40001', '40P01']);
const CONFLICT_RETRIES = 12;

let call: ((request: PostgresRequest) => PostgresResult) | null = null;
let nextId = 1;

function worker(): (request: PostgresRequest) => PostgresResult {
  // the compiled worker (tests run this module from its TypeScript source, after the build)
  call ??= createSyncFn<(request: PostgresRequest) => Promise<PostgresResult>>(
    fileURLToPath(new URL('../../dist/store/postgres_worker.js', import.meta.url)),
    { timeout: 120_000 },
  );
  return call;
}

/** `?` placeholders as PostgreSQL's `$1, $2, …` (the store's SQL has no `?` inside string literals). */
function numberedPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

export class PostgresStoreDatabase implements StoreDatabase {
  readonly dialect = 'postgres';
  readonly name: string;
  private readonly id = nextId++;
  private closed = false;
  private transactionDepth = 0;
  private readonly statements = new Map<string, SqlStatement>();

  private constructor(readonly url: string) {
    this.name = redactUrl(url);
  }

  /** Connects to the server at `url`, creating BeeMind's schema and tables there when needed. */
  static open(url: string): PostgresStoreDatabase {
    const { connection, schema } = splitSchema(url);
    const db = new PostgresStoreDatabase(url);
    try {
      worker()({ op: 'open', id: db.id, url: connection, schema });
      const version = schemaVersion(db);
      if (version > SCHEMA_VERSION) throw tooNew(db.name, version);
      if (version < SCHEMA_VERSION) migrate(db);
    } catch (error) {
      db.close();
      throw db.explain(error);
    }
    return db;
  }

  get open(): boolean {
    return !this.closed;
  }

  private send(request: PostgresRequest): PostgresResult {
    if (this.closed)
      throw new ConfigurationError('store.closed', `the experiment store ${this.name} is closed.`);
    return worker()(request);
  }

  private query(sql: string, params: SqlValue[]): PostgresResult {
    return this.send({ op: 'query', id: this.id, sql, params });
  }

  prepare(sql: string): SqlStatement {
    let statement = this.statements.get(sql);
    if (!statement) {
      const text = numberedPlaceholders(sql);
      statement = {
        get: (...params) => this.query(text, params).rows[0],
        all: (...params) => this.query(text, params).rows,
        run: (...params) => ({ changes: this.query(text, params).changes }),
      };
      this.statements.set(sql, statement);
    }
    return statement;
  }

  exec(sql: string): void {
    this.send({ op: 'exec', id: this.id, sql });
  }

  writeTransaction<T>(fn: () => T, options: TransactionOptions = {}): T {
    if (this.transactionDepth > 0) return fn(); // already inside one: its commit covers this too
    const begin = `BEGIN ISOLATION LEVEL ${options.appendOnly ? 'READ COMMITTED' : 'SERIALIZABLE'}`;
    const once = () => {
      this.query(begin, []);
      this.transactionDepth++;
      try {
        const result = fn();
        this.query('COMMIT', []);
        return result;
      } catch (error) {
        try {
          this.query('ROLLBACK', []);
        } catch {
          // the connection is gone: the server rolled the transaction back itself
        }
        throw error;
      } finally {
        this.transactionDepth--;
      }
    };
    const conflict = (error: unknown) => CONFLICTS.has((error as { code?: string }).code ?? '');
    return retrySync(
      once,
      conflict,
      CONFLICT_RETRIES,
      (attempt) => Math.min(200, 2 * 2 ** attempt) * (0.5 + Math.random()),
    );
  }

  explain(error: unknown): unknown {
    return explainPostgresError(this.name, error);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.statements.clear();
    try {
      worker()({ op: 'close', id: this.id });
    } catch {
      // closing a connection the server already dropped
    }
  }
}

/** The connection URL without BeeMind's own `schema` parameter, and that schema (default `beemind`). */
function splitSchema(url: string): { connection: string; schema: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigurationError(
      'store.bad_url',
      `${redactUrl(url)} is not a valid PostgreSQL URL; write it as postgres://user:password@host:5432/database.`,
    );
  }
  const schema = parsed.searchParams.get('schema') ?? 'beemind';
  parsed.searchParams.delete('schema');
  return { connection: parsed.toString(), schema };
}

/** Driver codes of a server that cannot be reached, or went away: the store may come back. */
export function isUnreachable(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  if (typeof code !== 'string') return false;
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'EPIPE'].includes(
      code,
    ) ||
    code.startsWith('08') ||
    code === '57P01' ||
    code === '57P02' ||
    code === '57P03' ||
    code === 'store.unreachable'
  );
}

/**
 * The store's BeeMind error for a failure of PostgreSQL with the store `name` (its URL, password hidden). Errors
 * that are not the driver's (BeeMind's own among them) pass through.
 */
export function explainPostgresError(name: string, error: unknown): unknown {
  const code = (error as { code?: unknown })?.code;
  if (typeof code !== 'string' || code.includes('.')) return error;
  const detail = (error as Error).message || code;
  if (isUnreachable(error)) {
    return new ConfigurationError(
      'store.unreachable',
      `cannot reach the PostgreSQL experiment store ${name} (${detail}); check that the server is running and ` +
        'the URL is right, or point --store / BEEMIND_STORE at a local file.',
      { cause: error },
    );
  }
  switch (code) {
    case '28P01':
    case '28000':
      return new ConfigurationError(
        'store.auth',
        `PostgreSQL refused the login to the experiment store ${name} (${detail}); check the user and password in the URL.`,
        { cause: error },
      );
    case '3D000':
      return new ConfigurationError(
        'store.no_database',
        `the database of the experiment store ${name} does not exist (${detail}); create it (createdb) or fix the URL.`,
        { cause: error },
      );
    case '42501':
      return new ConfigurationError(
        'store.read_only',
        `the PostgreSQL user of ${name} may not write BeeMind's tables (${detail}); grant it the rights on its schema, or use another user.`,
        { cause: error },
      );
    case '53100':
      return new ConfigurationError(
        'store.full',
        `the disk of the PostgreSQL experiment store ${name} is full (${detail}); free some space on the server.`,
        { cause: error },
      );
    default:
      return error;
  }
}

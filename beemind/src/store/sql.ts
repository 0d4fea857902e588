/**
 * This module contains the one interface both experiment-store backends implement: SQLite (a file, the
 * embedded default) and PostgreSQL (a team's server). Queries are written once, in the SQL both understand,
 * with `?` placeholders, and run synchronously on either: better-sqlite3 is synchronous, and the PostgreSQL
 * connection answers through a worker thread (see postgres.ts), so the search, the registry and the command
 * line read and write either store the same way.
 */

export type SqlValue = string | number | bigint | null | Uint8Array;

/** A prepared statement, in better-sqlite3's shape. Rows are plain objects keyed by column name. */
export interface SqlStatement {
  get(...params: SqlValue[]): unknown;
  all(...params: SqlValue[]): unknown[];
  run(...params: SqlValue[]): { changes: number };
}

export type SqlDialect = 'sqlite' | 'postgres';

export interface TransactionOptions {
  appendOnly?: boolean;
}

export interface StoreDatabase {
  readonly dialect: SqlDialect;
  /** Where the store is, for messages: the file's path, or the server's URL without its password. */
  readonly name: string;
  readonly open: boolean;
  prepare(sql: string): SqlStatement;
  /** Runs statements without results (the schema's migrations). */
  exec(sql: string): void;
  /**
   * Runs `fn` as one transaction that sees and writes a consistent store: SQLite takes its write lock up front,
   * PostgreSQL runs it serializable. Either tries it again while another writer is in the way. With `appendOnly`
   * (`fn` only inserts rows, skipping those already there, and bumps counters in place), PostgreSQL runs it at
   * read committed: it cannot conflict with other writers, and serializable checks would only slow them down.
   */
  writeTransaction<T>(fn: () => T, options?: TransactionOptions): T;
  /** This backend's BeeMind error for a failure of its driver (other errors pass through). */
  explain(error: unknown): unknown;
  close(): void;
}

/**
 * `target` (a store or its registry) with every method and getter explaining its driver's failures through
 * `db.explain`: the one place where queries' errors become BeeMind errors. Promises are covered too.
 */
export function explainingErrors<T extends object>(target: T, db: Pick<StoreDatabase, 'explain'>): T {
  const explain = (error: unknown) => db.explain(error);
  return new Proxy(target, {
    get(object, key) {
      let value: unknown;
      try {
        value = Reflect.get(object, key, object);
      } catch (error) {
        throw explain(error);
      }
      if (typeof value !== 'function' || key === 'constructor') return value;
      const method = value as (...args: unknown[]) => unknown;
      return (...args: unknown[]) => {
        try {
          const result = method.apply(object, args);
          return result instanceof Promise
            ? result.catch((error: unknown) => Promise.reject(explain(error)))
            : result;
        } catch (error) {
          throw explain(error);
        }
      };
    },
  });
}

/** A short synchronous pause (a retry's backoff inside a transaction, which must not interleave with other work). */
const pauseCell = new Int32Array(new SharedArrayBuffer(4));
export function pauseSync(ms: number): void {
  Atomics.wait(pauseCell, 0, 0, ms);
}

/**
 * Runs `fn`, trying it again up to `retries` times while it fails with an error `retryable` accepts, after a
 * synchronous pause of `pauseMs(attempt)`: both backends' answer to another writer being in the way.
 */
export function retrySync<T>(
  fn: () => T,
  retryable: (error: unknown) => boolean,
  retries: number,
  pauseMs: (attempt: number) => number,
): T {
  for (let attempt = 0; ; attempt++) {
    try {
      return fn();
    } catch (error) {
      if (!retryable(error) || attempt >= retries) throw error;
      pauseSync(pauseMs(attempt));
    }
  }
}

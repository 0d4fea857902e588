/**
 * This module is the worker thread that holds a process's PostgreSQL connections (the `pg` driver is
 * asynchronous; postgres.ts waits on this thread so the store's queries stay synchronous, as with SQLite).
 * A connection lost to an outage is opened again by the next query, so a store that comes back is used again.
 */
import pg from 'pg';
import { runAsWorker } from 'synckit';
import type { PostgresRequest, PostgresResult } from './postgres.js';

// BeeMind's columns hold counts and seeds well inside 2^53, and JSON is parsed by the store's own code: so
// int8 and numeric come back as numbers, and json/jsonb as the text that was written, as SQLite returns them.
const INT8 = 20;
const NUMERIC = 1700;
const JSON_OID = 114;
const JSONB_OID = 3802;
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8 || oid === NUMERIC) return (value: string) => Number(value);
    if (oid === JSON_OID || oid === JSONB_OID) return (value: string) => value;
    return pg.types.getTypeParser(oid, format);
  },
};

interface Connection {
  client: pg.Client | null;
  url: string;
  schema: string;
  /** Between BEGIN and COMMIT / ROLLBACK: a connection lost then must not be replaced mid-transaction. */
  inTransaction: boolean;
}

const connections = new Map<number, Connection>();

async function connect(connection: Connection): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: connection.url,
    types,
    connectionTimeoutMillis: 5_000,
    application_name: 'beemind',
  });
  // a connection dropped between queries is reported here; the next query connects again
  client.on('error', () => {
    if (connection.client === client) connection.client = null;
  });
  try {
    await client.connect();
    const schema = pg.escapeIdentifier(connection.schema);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}; SET search_path TO ${schema}`);
  } catch (error) {
    client.end().catch(() => undefined);
    throw error;
  }
  connection.client = client;
  return client;
}

/** Whether the connection is gone (the server went away), so the next query should open a new one. */
function connectionLost(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? '';
  return !/^[0-9A-Z]{5}$/.test(code) || code.startsWith('08') || code.startsWith('57P');
}

/** Bytes come back from the main thread as Uint8Array; the driver sends a Buffer as bytea. */
function toDriver(params: unknown[]): unknown[] {
  return params.map((p) => (p instanceof Uint8Array && !Buffer.isBuffer(p) ? Buffer.from(p) : p));
}

async function handle(request: PostgresRequest): Promise<PostgresResult> {
  if (request.op === 'open') {
    const connection: Connection = {
      client: null,
      url: request.url,
      schema: request.schema,
      inTransaction: false,
    };
    await connect(connection);
    connections.set(request.id, connection);
    return { rows: [], changes: 0 };
  }
  const connection = connections.get(request.id);
  if (!connection) throw new Error(`the PostgreSQL connection ${request.id} is closed`);
  if (request.op === 'close') {
    connections.delete(request.id);
    await connection.client?.end().catch(() => undefined);
    return { rows: [], changes: 0 };
  }
  const statement = request.op === 'query' ? request.sql.trimStart().slice(0, 8).toUpperCase() : '';
  const ends = statement.startsWith('COMMIT') || statement.startsWith('ROLLBACK');
  if (!connection.client && connection.inTransaction) {
    // the transaction died with its connection: only its rollback may go on (and nothing of it was committed)
    if (ends) {
      connection.inTransaction = false;
      return { rows: [], changes: 0 };
    }
    throw Object.assign(new Error('the connection to PostgreSQL was lost during the transaction'), {
      code: '08006',
    });
  }
  const client = connection.client ?? (await connect(connection));
  if (statement.startsWith('BEGIN')) connection.inTransaction = true;
  if (ends) connection.inTransaction = false;
  try {
    const result =
      request.op === 'exec'
        ? await client.query(request.sql)
        : await client.query(request.sql, toDriver(request.params));
    const last = Array.isArray(result) ? result[result.length - 1] : result;
    return { rows: last?.rows ?? [], changes: last?.rowCount ?? 0 };
  } catch (error) {
    if (connectionLost(error) && connection.client === client) {
      connection.client = null;
      client.end().catch(() => undefined);
    }
    throw error;
  }
}

runAsWorker(handle);

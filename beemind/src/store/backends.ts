/**
 * This module contains which backend a store location names: a `postgres://` URL is a PostgreSQL server, anything
 * else a SQLite file. Every place that opens a store's database goes through openStoreDatabase.
 */
import { PostgresStoreDatabase, isPostgresUrl } from './postgres.js';
import type { StoreDatabase } from './sql.js';
import { openDatabase, type OpenOptions } from './sqlite.js';

/** Opens the store at a file path or PostgreSQL URL, created and migrated when needed (`mustExist`: a file store only). */
export function openStoreDatabase(location: string, options: OpenOptions = {}): StoreDatabase {
  return isPostgresUrl(location) ? PostgresStoreDatabase.open(location) : openDatabase(location, options);
}

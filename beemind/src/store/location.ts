/**
 * This module contains where the experiment store lives: the `store` option, else the BEEMIND_STORE
 * environment variable, else `.beemind/experiments.db` under the current working directory (beside the
 * notebook, for a kernel started in the notebook's folder). A `postgres://` URL names a team's PostgreSQL store.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigurationError } from '../core/errors.js';
import { isPostgresUrl } from './postgres.js';

export const DEFAULT_STORE_PATH = path.join('.beemind', 'experiments.db');

/** Values of BEEMIND_STORE that switch the store off. */
const OFF = new Set(['', '0', 'false', 'off', 'none', 'no']);

export interface StoreLocation {
  /** Absolute path of the database file, or a `postgres://` URL, or null when the store is switched off. */
  path: string | null;
  /** Whether the user chose it (option or environment); a default store that cannot open only warns. */
  explicit: boolean;
}

/** Resolves the store location from the `store` option (a path, or false for none) and the environment. */
export function resolveStoreLocation(
  option?: string | false,
  env: NodeJS.ProcessEnv = process.env,
): StoreLocation {
  if (option === false) return { path: null, explicit: true };
  if (typeof option === 'string') return { path: where(option), explicit: true };
  const fromEnv = env.BEEMIND_STORE;
  if (fromEnv !== undefined) {
    return OFF.has(fromEnv.trim().toLowerCase())
      ? { path: null, explicit: true }
      : { path: where(fromEnv.trim()), explicit: true };
  }
  return { path: path.resolve(DEFAULT_STORE_PATH), explicit: false };
}

/** A file path made absolute; a PostgreSQL URL as it is; any other URL refused, naming what a store can be. */
function where(location: string): string {
  if (isPostgresUrl(location)) return location;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(location)?.[1];
  if (scheme && scheme.toLowerCase() !== 'file') {
    throw new ConfigurationError(
      'store.unsupported_url',
      `${scheme}:// is not a kind of experiment store BeeMind knows; give a SQLite file path (e.g. .beemind/experiments.db) or a postgres:// URL.`,
    );
  }
  return path.resolve(scheme ? fileURLToPath(location) : location);
}

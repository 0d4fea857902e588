/**
 * This module contains the API keys of `beemind serve`, kept in the experiment store's `api_keys` table: each
 * key is a random 32-byte secret shown once at creation and stored only as its SHA-256, with a name, the
 * models it may use (all when unscoped), whether it is an admin key, and when it was revoked.
 */
import { createHash, randomBytes } from 'node:crypto';
import { ConfigurationError } from '../core/errors.js';
import { quote } from '../core/text.js';
import { explainingErrors, type StoreDatabase as Database } from './sql.js';
import type { ExperimentStore } from './experiment_store.js';
import { checkName } from './registry.js';

/** What is stored about a key (never its secret). */
export interface ApiKey {
  id: string;
  name: string;
  /** The model names it may use, or null for every model. */
  models: string[] | null;
  /** Admin keys may also change stages and read /metrics. */
  admin: boolean;
  createdAt: string;
  revokedAt: string | null;
}

/** A key just created: its record and the secret, which is shown this once and never stored. */
export interface CreatedApiKey extends ApiKey {
  secret: string;
}

export interface CreateApiKeyOptions {
  name: string;
  models?: readonly string[] | null;
  admin?: boolean;
}

interface KeyRow {
  id: string;
  name: string;
  models: string | null;
  admin: number;
  created_at: string;
  revoked_at: string | null;
}

const COLUMNS = 'id, name, models, admin, created_at, revoked_at';
/** Secrets start with this, so a leaked one is recognisable (e.g. by secret scanners). */
const SECRET_PREFIX = 'bmk_';
const KEY_NAME = /^[\x20-\x7e]{1,100}$/;

/** The SHA-256 (hex) under which a secret is stored and looked up. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

function toKey(row: KeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    models: row.models === null ? null : (JSON.parse(row.models) as string[]),
    admin: row.admin === 1,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}

/** Whether `key` may use the model `name` (unscoped and admin keys may use every model). */
export function keyAllowsModel(key: ApiKey, name: string): boolean {
  return key.admin || key.models === null || key.models.includes(name);
}

export class ApiKeys {
  constructor(private readonly db: Database) {}

  /** The keys of `store`, with its SQLite failures explained as BeeMind errors. */
  static of(store: ExperimentStore): ApiKeys {
    return explainingErrors(new ApiKeys(store.db), store.db);
  }

  /** Creates a key; the returned secret is the only copy. */
  create(options: CreateApiKeyOptions): CreatedApiKey {
    if (!KEY_NAME.test(options.name)) {
      throw new ConfigurationError(
        'keys.bad_name',
        `${quote(options.name)} is not a valid key name: give 1 to 100 printable ASCII characters (e.g. "dashboard").`,
      );
    }
    const models = options.models ? [...new Set(options.models)] : null;
    if (models) {
      if (models.length === 0)
        throw new ConfigurationError(
          'keys.no_models',
          'a scoped key needs at least one model name; leave --models out for every model.',
        );
      models.forEach(checkName);
    }
    const id = `key_${randomBytes(6).toString('hex')}`;
    const secret = `${SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
    const createdAt = new Date().toISOString();
    this.db.writeTransaction(() =>
      this.db
        .prepare(
          'INSERT INTO api_keys (id, name, secret_sha256, models, admin, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(
          id,
          options.name,
          hashSecret(secret),
          models ? JSON.stringify(models) : null,
          options.admin ? 1 : 0,
          createdAt,
        ),
    );
    return {
      id,
      name: options.name,
      models,
      admin: options.admin ?? false,
      createdAt,
      revokedAt: null,
      secret,
    };
  }

  /** Every key, oldest first (revoked ones included, marked). */
  list(): ApiKey[] {
    return (this.db.prepare(`SELECT ${COLUMNS} FROM api_keys ORDER BY created_at, id`).all() as KeyRow[]).map(
      toKey,
    );
  }

  /** Revokes a key by id; it stops working at once, in every server reading this store. */
  revoke(id: string): ApiKey {
    const time = new Date().toISOString();
    const changed = this.db.writeTransaction(() =>
      this.db.prepare('UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?').run(time, id),
    );
    if (changed.changes === 0) {
      throw new ConfigurationError(
        'keys.unknown',
        `there is no API key with id ${quote(id)}; list the keys with \`beemind keys list\`.`,
      );
    }
    return toKey(this.db.prepare(`SELECT ${COLUMNS} FROM api_keys WHERE id = ?`).get(id) as KeyRow);
  }

  /** The live (not revoked) key whose secret this is, or null. One indexed lookup by the secret's hash. */
  verify(secret: string): ApiKey | null {
    if (!secret.startsWith(SECRET_PREFIX) || secret.length > 200) return null;
    const row = this.db
      .prepare(`SELECT ${COLUMNS} FROM api_keys WHERE secret_sha256 = ? AND revoked_at IS NULL`)
      .get(hashSecret(secret)) as KeyRow | undefined;
    return row ? toKey(row) : null;
  }
}

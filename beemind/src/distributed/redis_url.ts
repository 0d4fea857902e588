/**
 * This module contains the checks on a Redis URL and its printable form: `redis://` or `rediss://` (TLS), the
 * password replaced by `***` wherever the URL appears in a message, a log line or a run's recorded config.
 * It has no heavy imports, so evolve() and the CLI can use it without loading the queue library.
 */
import { ConfigurationError } from '../core/errors.js';

const SCHEMES = new Set(['redis:', 'rediss:']);

/** The URL with its password (if any) replaced by `***`; never throws, whatever the input. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.href;
  } catch {
    // Not a URL: still hide anything between `//user:` and `@`.
    return url.replace(/\/\/([^/@:]*):[^/@]*@/, '//$1:***@');
  }
}

/** Checks that `url` is a redis:// or rediss:// URL with a host; returns it unchanged (ioredis parses it). */
export function checkRedisUrl(url: unknown): string {
  const hint = 'use redis://[user:password@]host[:port][/db], or rediss://… for TLS';
  if (typeof url !== 'string' || url.length === 0) {
    throw new ConfigurationError('redis.bad_url', `a Redis URL is needed (${hint}).`);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigurationError('redis.bad_url', `"${redactRedisUrl(url)}" is not a URL; ${hint}.`);
  }
  if (!SCHEMES.has(parsed.protocol)) {
    throw new ConfigurationError(
      'redis.bad_url',
      `"${redactRedisUrl(url)}" is not a Redis URL (scheme ${parsed.protocol}); ${hint}.`,
    );
  }
  if (!parsed.hostname) {
    throw new ConfigurationError('redis.bad_url', `"${redactRedisUrl(url)}" names no host; ${hint}.`);
  }
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) {
    throw new ConfigurationError(
      'redis.bad_url',
      `"${redactRedisUrl(url)}" has "/${db}" as database; the path of a Redis URL is a database number such as /0.`,
    );
  }
  return url;
}

/** A JSON.stringify replacer that redacts Redis URLs held under a `redis` key (for recorded configs). */
export function redactSecrets(key: string, value: unknown): unknown {
  return key === 'redis' && typeof value === 'string' ? redactRedisUrl(value) : value;
}

/**
 * This module contains the Redis connections of runs and workers: a start-up probe that turns a wrong URL,
 * a server that is down or rejected credentials into one clear error, and long-lived ioredis clients that,
 * when Redis goes away mid-run, wait and reconnect with exponential backoff and say so in the log.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { ConfigurationError, EvaluationError } from '../core/errors.js';
import { logger } from '../core/logger.js';
import { checkRedisUrl, redactRedisUrl } from './redis_url.js';

/** Exponential backoff between reconnection attempts: 50 ms doubling, at most 2 s. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(50 * 2 ** Math.min(attempt, 16), 2000);
}

/** How often, at most, a continuing outage is logged again. */
const OUTAGE_LOG_EVERY_MS = 10_000;

/** What the clients of one run or worker know about their connection. */
export class ConnectionState {
  /** Outages survived so far (connection lost, then ready again). */
  reconnects = 0;
  private downSince: number | null = null;
  private lastLogged = 0;
  private attempts = 0;
  private lastError = '';
  private closing = false;
  private readonly readyListeners = new Set<() => void>();

  constructor(
    readonly url: string,
    readonly who: string,
  ) {}

  get down(): boolean {
    return this.downSince !== null;
  }

  /** Marks the clients as closing on purpose: their disconnections are no outage. */
  shutdown(): void {
    this.closing = true;
    this.readyListeners.clear();
  }

  /** Called after every reconnection (e.g. to re-submit what a restarted Redis lost). */
  onReconnect(listener: () => void): () => void {
    this.readyListeners.add(listener);
    return () => this.readyListeners.delete(listener);
  }

  /** Follows one client's events; every client of the run or worker is watched, the state is shared. */
  watch(client: Redis): Redis {
    client.on('error', (error: Error) => {
      this.lastError = error.message || String(error);
    });
    client.on('close', () => this.lost());
    client.on('reconnecting', (delay: number) => {
      this.attempts++;
      const now = Date.now();
      if (this.downSince !== null && now - this.lastLogged >= OUTAGE_LOG_EVERY_MS) {
        this.lastLogged = now;
        logger.warn(
          {
            redis: redactRedisUrl(this.url),
            downSeconds: Math.round((now - this.downSince) / 1000),
            attempt: this.attempts,
            nextMs: delay,
            error: this.lastError,
          },
          `${this.who}: still waiting for Redis at ${redactRedisUrl(this.url)}; retrying with backoff`,
        );
      }
    });
    client.on('ready', () => this.back());
    return client;
  }

  private lost(): void {
    if (this.downSince !== null || this.closing) return;
    this.downSince = Date.now();
    this.lastLogged = this.downSince;
    this.attempts = 0;
    logger.warn(
      { redis: redactRedisUrl(this.url), error: this.lastError || undefined },
      `${this.who}: lost the connection to Redis at ${redactRedisUrl(this.url)}; waiting and reconnecting with backoff`,
    );
  }

  private back(): void {
    if (this.downSince === null) return;
    const seconds = (Date.now() - this.downSince) / 1000;
    this.downSince = null;
    this.reconnects++;
    logger.warn(
      { redis: redactRedisUrl(this.url), downSeconds: Number(seconds.toFixed(1)) },
      `${this.who}: reconnected to Redis at ${redactRedisUrl(this.url)} after ${seconds.toFixed(1)} s`,
    );
    for (const listener of this.readyListeners) {
      try {
        listener();
      } catch (error) {
        logger.error({ err: error }, `${this.who}: a reconnection step failed`);
      }
    }
  }
}

/**
 * A long-lived client: commands wait through outages (BullMQ needs `maxRetriesPerRequest: null`) and the
 * client reconnects with backoff forever; `state` watches it.
 */
export function createClient(state: ConnectionState, extra: RedisOptions = {}): Redis {
  const client = new Redis(state.url, {
    maxRetriesPerRequest: null,
    retryStrategy: reconnectDelayMs,
    connectTimeout: 5000,
    ...extra,
  });
  return state.watch(client);
}

/** `promise`, or undefined once `ms` have passed (it keeps running): for clean-ups that must not hang. */
export async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), ms);
        timer.unref();
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Closes a client politely, or at once if Redis does not answer within `ms`. */
export async function closeClient(client: Redis, ms = 1000): Promise<void> {
  if (client.status === 'end') return;
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  await withTimeout(
    client.quit().catch(() => undefined),
    ms,
  );
  client.disconnect();
}

const AUTH_FAILURE = /WRONGPASS|NOAUTH|invalid (username-)?password|AUTH <password>|NOPERM/i;

/**
 * Connects once without retrying and pings: throws ConfigurationError for a malformed URL or rejected
 * credentials and EvaluationError when Redis cannot be reached, naming the URL without its password.
 */
export async function probeRedis(url: string, who: string): Promise<void> {
  checkRedisUrl(url);
  const shown = redactRedisUrl(url);
  const probe = new Redis(url, {
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    connectTimeout: 5000,
  });
  let lastError: Error | null = null;
  probe.on('error', (error: Error) => {
    lastError = error;
  });
  try {
    await probe.connect();
    await probe.ping();
  } catch (thrown) {
    const error = (lastError ?? thrown) as Error & { code?: string };
    const detail =
      error.code && !error.message.includes(error.code) ? `${error.code}: ${error.message}` : error.message;
    if (AUTH_FAILURE.test(detail) || AUTH_FAILURE.test((thrown as Error).message)) {
      throw new ConfigurationError(
        'redis.auth',
        `Redis at ${shown} refused ${who}'s credentials (${(thrown as Error).message}); put the right user and password in the URL: redis://user:password@host:port.`,
        { cause: thrown },
      );
    }
    const tls = url.startsWith('rediss:')
      ? ' The URL asks for TLS (rediss://): does the server accept TLS on that port, and does Node trust its certificate (NODE_EXTRA_CA_CERTS)?'
      : '';
    throw new EvaluationError(
      'redis.unreachable',
      `${who} cannot reach Redis at ${shown} (${detail || 'no answer'}). Is redis-server running there, and is the URL right?${tls}`,
      { cause: thrown },
    );
  } finally {
    probe.disconnect();
  }
}

/**
 * This module contains the configuration of `beemind serve` / serve(): the options, their environment
 * variables (BEEMIND_SERVE_*), their defaults, and the check of each value. An option given explicitly wins over
 * its environment variable, which wins over the default. docs/serve.md documents the same table.
 */
import { z } from 'zod';
import { ConfigurationError } from '../core/errors.js';

/** The settings a server runs with, every one resolved. */
export interface ServeConfig {
  /** Experiment store file (undefined: BEEMIND_STORE, else .beemind/experiments.db here). */
  store: string | undefined;
  port: number;
  host: string;
  /** API keys required (false only when switched off explicitly). */
  auth: boolean;
  /** Origins allowed to call from a browser (exact matches); empty: no cross-origin access. */
  corsOrigins: string[];
  /** Requests per key (or client address without auth) per window; 0 switches rate limiting off. */
  rateLimit: number;
  rateLimitWindowSeconds: number;
  /** Largest request body in bytes. */
  bodyLimitBytes: number;
  /** Most rows in one prediction request. */
  maxRows: number;
  /** Traffic splits, `name=VERSION:WEIGHT,…` each. */
  splits: string[];
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Reference data for drift monitoring, `name=path.csv` each (the model's training table). */
  references: string[];
  /** Rows per model version in the monitoring window. */
  monitorWindow: number;
  /** PSI at or above which a feature (or the predictions) counts as drifted. */
  driftThreshold: number;
  /** How long shutdown waits for in-flight requests before closing their connections. */
  shutdownSeconds: number;
}

export type ServeSettings = Partial<ServeConfig>;

/** Each setting's environment variable (the table in docs/serve.md). */
export const SERVE_ENVIRONMENT: Readonly<Record<Exclude<keyof ServeConfig, 'store'>, string>> = {
  port: 'BEEMIND_SERVE_PORT',
  host: 'BEEMIND_SERVE_HOST',
  auth: 'BEEMIND_SERVE_AUTH',
  corsOrigins: 'BEEMIND_SERVE_CORS_ORIGINS',
  rateLimit: 'BEEMIND_SERVE_RATE_LIMIT',
  rateLimitWindowSeconds: 'BEEMIND_SERVE_RATE_LIMIT_WINDOW',
  bodyLimitBytes: 'BEEMIND_SERVE_BODY_LIMIT',
  maxRows: 'BEEMIND_SERVE_MAX_ROWS',
  splits: 'BEEMIND_SERVE_SPLIT',
  logLevel: 'BEEMIND_SERVE_LOG_LEVEL',
  references: 'BEEMIND_SERVE_REFERENCE',
  monitorWindow: 'BEEMIND_SERVE_MONITOR_WINDOW',
  driftThreshold: 'BEEMIND_SERVE_DRIFT_THRESHOLD',
  shutdownSeconds: 'BEEMIND_SERVE_SHUTDOWN_SECONDS',
};

export const SERVE_DEFAULTS: Omit<ServeConfig, 'store'> = {
  port: 8080,
  host: '127.0.0.1',
  auth: true,
  corsOrigins: [],
  rateLimit: 6000,
  rateLimitWindowSeconds: 60,
  bodyLimitBytes: 5 * 1024 * 1024,
  maxRows: 10_000,
  splits: [],
  logLevel: 'info',
  references: [],
  monitorWindow: 1000,
  driftThreshold: 0.2,
  shutdownSeconds: 10,
};

const wholeNumber = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const list = z.preprocess(
  (v) => (typeof v === 'string' ? v.split(/[,\s]+/).filter(Boolean) : v),
  z.array(z.string().min(1)),
);
const flag = z.preprocess((v) => {
  if (typeof v !== 'string') return v;
  const t = v.trim().toLowerCase();
  return ['1', 'true', 'yes', 'on'].includes(t) ? true : ['0', 'false', 'no', 'off'].includes(t) ? false : v;
}, z.boolean());

const FIELDS = {
  port: wholeNumber(0, 65535),
  host: z.string().min(1),
  auth: flag,
  corsOrigins: list.pipe(
    z.array(
      z
        .string()
        .regex(
          /^https?:\/\/[^\s/]+$/,
          'origins look like https://app.example.com (scheme and host, no path)',
        ),
    ),
  ),
  rateLimit: wholeNumber(0, 10_000_000),
  rateLimitWindowSeconds: wholeNumber(1, 86_400),
  bodyLimitBytes: wholeNumber(1024, 1024 * 1024 * 1024),
  maxRows: wholeNumber(1, 1_000_000),
  // splits and references are separated by ';' in the environment (a split itself holds commas)
  splits: z.preprocess(
    (v) => (typeof v === 'string' ? v.split(';').filter((s) => s.trim()) : v),
    z.array(z.string()),
  ),
  references: z.preprocess(
    (v) => (typeof v === 'string' ? v.split(';').filter((s) => s.trim()) : v),
    z.array(
      z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}=.+$/, 'write NAME=PATH.csv, e.g. iris=iris.csv'),
    ),
  ),
  monitorWindow: wholeNumber(10, 1_000_000),
  driftThreshold: z.coerce.number().positive().max(100),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  shutdownSeconds: z.coerce.number().min(0).max(3600),
} satisfies Record<keyof typeof SERVE_ENVIRONMENT, z.ZodType>;

/**
 * The full configuration: each setting from `settings` when given, else from its environment variable, else its
 * default. A bad value is a ConfigurationError naming the setting, where it came from, and what is allowed.
 */
export function resolveServeConfig(
  settings: ServeSettings = {},
  env: NodeJS.ProcessEnv = process.env,
): ServeConfig {
  const config: Record<string, unknown> = { store: settings.store };
  for (const key of Object.keys(FIELDS) as (keyof typeof FIELDS)[]) {
    const variable = SERVE_ENVIRONMENT[key];
    const given = settings[key];
    const raw =
      given !== undefined
        ? given
        : env[variable] !== undefined && env[variable] !== ''
          ? env[variable]
          : undefined;
    if (raw === undefined) {
      config[key] = SERVE_DEFAULTS[key];
      continue;
    }
    const parsed = FIELDS[key].safeParse(raw);
    if (!parsed.success) {
      const where = given !== undefined ? `the ${key} setting` : `the environment variable ${variable}`;
      throw new ConfigurationError(
        'serve.bad_setting',
        `${where} has the invalid value ${JSON.stringify(raw)} (${parsed.error.issues[0]?.message ?? 'invalid'}); \`beemind serve --help\` lists every setting with its environment variable.`,
      );
    }
    config[key] = parsed.data;
  }
  return config as unknown as ServeConfig;
}

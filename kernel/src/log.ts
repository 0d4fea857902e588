/**
 * The kernel's one structured logger: pino on the kernel process's own stderr (never a cell's output), level
 * from BEEMIND_LOG_LEVEL (default `warn`). pino is loaded on the first message that passes the level, so a
 * quiet kernel does not pay for it at startup.
 */
import { createRequire } from 'node:module';
import type { Logger } from 'pino';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
type Level = (typeof LEVELS)[number];

const configured = (process.env.BEEMIND_LOG_LEVEL ?? 'warn') as Level | 'silent';
const threshold = configured === 'silent' ? LEVELS.length : Math.max(0, LEVELS.indexOf(configured));
let instance: Logger | undefined;

function pinoLogger(): Logger {
  if (!instance) {
    const { pino } = createRequire(import.meta.url)('pino') as typeof import('pino');
    instance = pino(
      { name: 'beemind-kernel', level: configured === 'silent' ? 'silent' : LEVELS[threshold] },
      pino.destination({ fd: 2, sync: true }),
    );
  }
  return instance;
}

type LogFn = (fields: Record<string, unknown> | string, message?: string) => void;

function at(level: Level): LogFn {
  const rank = LEVELS.indexOf(level);
  return (fields, message) => {
    if (rank < threshold) return;
    const log = pinoLogger();
    if (typeof fields === 'string') log[level](fields);
    else log[level](fields, message);
  };
}

export const logger = {
  trace: at('trace'),
  debug: at('debug'),
  info: at('info'),
  warn: at('warn'),
  error: at('error'),
  fatal: at('fatal'),
};

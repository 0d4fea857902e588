/**
 * The one structured logger. Level from BEEMIND_LOG_LEVEL (default `warn`); writes to stderr so it never
 * mixes with a notebook cell's stdout.
 */
import { pino } from 'pino';

export const logger = pino(
  { name: 'beemind', level: process.env.BEEMIND_LOG_LEVEL ?? 'warn' },
  pino.destination({ fd: 2, sync: true }),
);

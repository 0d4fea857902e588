/**
 * The one structured logger. Level from BEEMIND_LOG_LEVEL (default `warn`); writes to stderr so it never
 * mixes with a notebook cell's stdout: JSON lines, unless a program for people (the command line) sets a
 * format with setLogFormat.
 */
import { pino } from 'pino';

const stderr = pino.destination({ fd: 2, sync: true });
let format: ((record: string) => string) | null = null;

/**
 * Writes each log record as `format(jsonLine)` returns it (an empty string drops it), or as JSON lines again
 * with null. The command line prints `beemind: warning: …` lines this way.
 */
export function setLogFormat(formatter: ((record: string) => string) | null): void {
  format = formatter;
}

export const logger = pino(
  { name: 'beemind', level: process.env.BEEMIND_LOG_LEVEL ?? 'warn' },
  {
    write(record: string) {
      const line = format ? format(record) : record;
      if (line) stderr.write(line);
    },
  },
);

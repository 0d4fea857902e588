// Test helper: records what the kernel's logger is asked to log, instead of writing it to stderr.
import { logger } from '../src/log.js';

export interface LogCall {
  level: string;
  fields: unknown;
  message: string;
}

/** Replaces the kernel logger's methods to record (and silence) what is logged; `restore()` puts them back. */
export function captureLogs(): {
  calls: LogCall[];
  some(p: (l: LogCall) => boolean): boolean;
  restore(): void;
} {
  const calls: LogCall[] = [];
  const log = logger as unknown as Record<string, (fields: unknown, message?: string) => void>;
  const originals = { ...log };
  for (const level of Object.keys(originals)) {
    log[level] = (fields, message) =>
      calls.push({ level, fields, message: message ?? (typeof fields === 'string' ? fields : '') });
  }
  return {
    calls,
    some: (p) => calls.some(p),
    restore: () => Object.assign(log, originals),
  };
}

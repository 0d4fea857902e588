/**
 * This module contains the kernel's bounds on what its peers send: the size of a ZeroMQ frame, how many
 * signatures are remembered to refuse replays, how deep comm data may nest, how long an id may be, and how
 * much of an input an error message quotes back.
 */
import { logger } from './log.js';

/** The largest frame the sockets read, unless BEEMIND_KERNEL_MAX_MESSAGE_BYTES says otherwise (256 MiB). */
export const DEFAULT_MAX_MESSAGE_BYTES = 256 * 1024 * 1024;
export const MAX_MESSAGE_BYTES_VARIABLE = 'BEEMIND_KERNEL_MAX_MESSAGE_BYTES';

/** How many signatures of received messages are remembered: a message whose signature was seen is a replay. */
export const SIGNATURE_HISTORY = 10_000;

/** How deep comm data and metadata may nest (structured cloning to the executor overflows a few thousand deep). */
export const MAX_COMM_DEPTH = 128;

/** The longest comm id accepted (Jupyter frontends use 32-character UUIDs). */
export const MAX_ID_CHARS = 200;

/** How much of an input an error message or log line quotes back. */
export const MAX_ECHO_CHARS = 200;

/**
 * The largest frame the kernel reads, from BEEMIND_KERNEL_MAX_MESSAGE_BYTES (a positive whole number of
 * bytes); unset or empty means the default, anything else is logged and replaced by the default.
 */
export function maxMessageBytes(env: Record<string, string | undefined> = process.env): number {
  const raw = env[MAX_MESSAGE_BYTES_VARIABLE]?.trim();
  if (raw === undefined || raw === '') return DEFAULT_MAX_MESSAGE_BYTES;
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (Number.isSafeInteger(value) && value > 0) return value;
  logger.warn(
    { [MAX_MESSAGE_BYTES_VARIABLE]: clip(raw), default: DEFAULT_MAX_MESSAGE_BYTES },
    `${MAX_MESSAGE_BYTES_VARIABLE} must be a positive whole number of bytes; using the default`,
  );
  return DEFAULT_MAX_MESSAGE_BYTES;
}

/** `text` cut to `max` characters, with an ellipsis when cut: what an error may quote of an input. */
export function clip(text: string, max = MAX_ECHO_CHARS): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Whether a JSON-like value nests deeper than `max` objects/arrays (checked without recursion). */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [v, depth] = next;
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}

/**
 * This module contains the `beemind` comm protocol, version 1 (documented in docs/protocol.md): zod schemas of
 * what a frontend may send, and the shapes of what the kernel sends back. Types derive from the schemas.
 */
import { z } from 'zod';
import { clip } from '../limits.js';

export const COMM_TARGET = 'beemind';
export const PROTOCOL_VERSION = 1;

/** Batching of streamed events: at most one `events` message per interval. */
export const DEFAULT_THROTTLE_MS = 100;
const throttle = z.number().int().min(10).max(10_000);
const id = z.string().min(1).max(200);

/** Data of the frontend's comm_open. */
export const OpenSchema = z.object({
  protocol: z.literal(COMM_TARGET).optional(),
  version: z.literal(PROTOCOL_VERSION).optional(),
  throttleMs: throttle.optional(),
});

const runDrone = z.object({ runId: id, droneId: id }).strict();

/** Which rows the "why" view explains: the run's test rows, or the rows last sent with `run.explain` from a cell. */
export const EXPLAIN_SOURCES = ['test', 'sent'] as const;
const explainRow = z
  .object({
    runId: id,
    droneId: id,
    row: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    source: z.enum(EXPLAIN_SOURCES).optional(),
  })
  .strict();

export const RequestSchema = z.discriminatedUnion('method', [
  z.object({ type: z.literal('request'), id, method: z.literal('snapshot') }).strict(),
  z.object({ type: z.literal('request'), id, method: z.literal('drone'), params: runDrone }).strict(),
  z.object({ type: z.literal('request'), id, method: z.literal('importance'), params: runDrone }).strict(),
  z.object({ type: z.literal('request'), id, method: z.literal('confusion'), params: runDrone }).strict(),
  z.object({ type: z.literal('request'), id, method: z.literal('explain'), params: explainRow }).strict(),
]);

export const ConfigureSchema = z.object({ type: z.literal('configure'), throttleMs: throttle }).strict();

export const IncomingSchema = z.union([RequestSchema, ConfigureSchema]);

export type OpenData = z.infer<typeof OpenSchema>;
export type Request = z.infer<typeof RequestSchema>;
export type Incoming = z.infer<typeof IncomingSchema>;

/** One run as the snapshot carries it: every event so far, in order. */
export interface RunSnapshot {
  runId: string;
  events: unknown[];
}

export type Outgoing =
  | { type: 'snapshot'; version: 1; library: LibraryStatus; runs: RunSnapshot[] }
  | { type: 'events'; version: 1; events: unknown[] }
  | { type: 'response'; version: 1; id: string; ok: true; result: unknown }
  | { type: 'response'; version: 1; id: string; ok: false; error: { code: string; message: string } }
  | { type: 'error'; version: 1; code: string; message: string; requestId?: string };

export interface LibraryStatus {
  available: boolean;
  /** Why the library's events are not available (not installed, failed to load). */
  reason?: string;
}

/** A readable one-line summary of zod issues for an error message (each clipped: paths and keys are input). */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => clip(`${i.path.length > 0 ? i.path.map(String).join('.') : 'message'}: ${i.message}`))
    .join('; ');
}

/**
 * This module contains the `beemind` comm protocol, version 1 (documented in docs/protocol.md), both ways:
 * the schemas of what the panels send (open, requests, configure), which the kernel validates, and the
 * schemas of what the kernel sends (snapshot, events, responses and their results), which the panels validate.
 * Types derive from the schemas. Run events inside messages are validated by the event schemas (events.ts).
 */
import { z } from 'zod';
import { ImportanceComputedSchema } from './events.js';

export const COMM_TARGET = 'beemind';
export const PROTOCOL_VERSION = 1;

/** Batching of streamed events: at most one `events` message per interval. */
export const DEFAULT_THROTTLE_MS = 100;
export const THROTTLE_RANGE = { min: 10, max: 10_000 } as const;
const throttle = z.number().int().min(THROTTLE_RANGE.min).max(THROTTLE_RANGE.max);
const id = z.string().min(1).max(200);

// ---------------------------------------------------------------------------------- panels → kernel

/** Data of the panels' comm_open. */
export const OpenSchema = z.object({
  protocol: z.literal(COMM_TARGET).optional(),
  version: z.literal(PROTOCOL_VERSION).optional(),
  throttleMs: throttle.optional(),
});

const runDrone = z.object({ runId: id, droneId: id }).strict();

/** Which rows the "why" view explains: the run's test rows, or the rows last sent with `run.explain` from a cell. */
export const EXPLAIN_SOURCES = ['test', 'sent'] as const;
export type ExplainSource = (typeof EXPLAIN_SOURCES)[number];

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

type WithoutEnvelope<R> = R extends unknown ? Omit<R, 'type' | 'id'> : never;
/** A request as the panels make it: its method and params (the envelope's type and id are added on sending). */
export type PanelRequest = WithoutEnvelope<Request>;

/** Data of the panels' comm_open; `throttleMs` asks for at most one event batch per interval (clamped to range). */
export function openData(throttleMs?: number): OpenData {
  const data: OpenData = { protocol: COMM_TARGET, version: PROTOCOL_VERSION };
  if (throttleMs !== undefined) {
    data.throttleMs = Math.round(Math.min(THROTTLE_RANGE.max, Math.max(THROTTLE_RANGE.min, throttleMs)));
  }
  return data;
}

/** The comm_msg data of a request. */
export function requestData(requestId: string, request: PanelRequest): Request {
  return { type: 'request', id: requestId, ...request } as Request;
}

// ---------------------------------------------------------------------------------- kernel → panels

/** Whether the kernel could load the library's event hub, and why not. */
export const LibraryStatusSchema = z.object({ available: z.boolean(), reason: z.string().optional() });
export type LibraryStatus = z.infer<typeof LibraryStatusSchema>;

/** One run as the snapshot carries it: every event so far, in order (each validated on its own). */
const RunSnapshotSchema = z.object({ runId: z.string(), events: z.array(z.unknown()) });
export type RunSnapshot = z.infer<typeof RunSnapshotSchema>;

export const SnapshotSchema = z.object({
  type: z.literal('snapshot'),
  version: z.number(),
  library: LibraryStatusSchema.optional(),
  runs: z.array(RunSnapshotSchema),
});

export const EventsSchema = z.object({ type: z.literal('events'), events: z.array(z.unknown()) });

export const ResponseSchema = z.union([
  z.object({ type: z.literal('response'), id: z.string(), ok: z.literal(true), result: z.unknown() }),
  z.object({
    type: z.literal('response'),
    id: z.string(),
    ok: z.literal(false),
    error: z.object({ code: z.string(), message: z.string() }),
  }),
]);

export const ErrorSchema = z.object({
  type: z.literal('error'),
  requestId: z.string().optional(),
  code: z.string().optional(),
  message: z.string(),
});

/** What the kernel sends (the version field is the protocol's). */
export type Outgoing =
  | { type: 'snapshot'; version: typeof PROTOCOL_VERSION; library: LibraryStatus; runs: RunSnapshot[] }
  | { type: 'events'; version: typeof PROTOCOL_VERSION; events: unknown[] }
  | { type: 'response'; version: typeof PROTOCOL_VERSION; id: string; ok: true; result: unknown }
  | {
      type: 'response';
      version: typeof PROTOCOL_VERSION;
      id: string;
      ok: false;
      error: { code: string; message: string };
    }
  | { type: 'error'; version: typeof PROTOCOL_VERSION; code: string; message: string; requestId?: string };

// ---------------------------------------------------------------------------------- results of requests

/** A `confusion` result: the library's Run.confusionMatrix. */
export const ConfusionSchema = z.object({
  labels: z.array(z.string()),
  matrix: z.array(z.array(z.number())),
});
export type ConfusionMatrix = z.infer<typeof ConfusionSchema>;

/** An `importance` result: the library's ImportanceReport (droneId, metric, features). */
export const ImportanceReportSchema = z.object({
  droneId: z.string().optional(),
  metric: z.string().optional(),
  method: z.enum(['permutation', 'model']).optional(),
  features: ImportanceComputedSchema.shape.features,
});

/** An `explain` result: one row's attributions for one drone (the library's Run.explainRow). */
export const RowExplanationSchema = z
  .object({
    runId: z.string(),
    droneId: z.string(),
    source: z.enum(EXPLAIN_SOURCES),
    row: z.number().int().min(0),
    rowCount: z.number().int().min(0),
    columns: z.array(z.string()),
    outputs: z.array(z.string()).min(1),
    scale: z.string(),
    base: z.array(z.number()),
    /** values[output][column] */
    values: z.array(z.array(z.number())),
    /** The model's raw output per output: base + Σ values. */
    output: z.array(z.number()),
    method: z.string(),
    maxError: z.number(),
    /** The row's input values, one per column. */
    input: z.array(z.unknown()),
  })
  .refine(
    (e) =>
      e.base.length === e.outputs.length &&
      e.output.length === e.outputs.length &&
      e.values.length === e.outputs.length &&
      e.values.every((v) => v.length === e.columns.length) &&
      e.input.length === e.columns.length,
    { message: 'base, output, values and input must have one entry per output and column' },
  );
export type RowExplanation = z.infer<typeof RowExplanationSchema>;

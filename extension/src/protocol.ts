/**
 * This module contains the frontend side of the `beemind` comm protocol v1 (docs/protocol.md, served by
 * kernel/src/comm/beemind-bridge.ts): the schemas of what the kernel sends, the requests the panels send,
 * binary-buffer unpacking, and `parseKernelMessage`, which validates every incoming message and never throws.
 * Run events themselves are validated by the library's own event schema (beemind/events).
 */
import {
  ImportanceComputedSchema,
  RunEventSchema,
  type ImportanceComputed,
  type RunEvent,
} from 'beemind/events';
import { z } from 'zod';

export const COMM_TARGET = 'beemind';
export const PROTOCOL_VERSION = 1;

/** Data of our comm_open; `throttleMs` asks for at most one event batch per interval (10–10000 ms). */
export function openData(throttleMs?: number): Record<string, unknown> {
  const data: Record<string, unknown> = { protocol: COMM_TARGET, version: PROTOCOL_VERSION };
  if (throttleMs !== undefined) data.throttleMs = Math.round(Math.min(10_000, Math.max(10, throttleMs)));
  return data;
}

const RunEventsSchema = z.object({ runId: z.string(), events: z.array(z.unknown()) });

const SnapshotSchema = z.object({
  type: z.literal('snapshot'),
  version: z.number(),
  library: z.object({ available: z.boolean(), reason: z.string().optional() }).optional(),
  runs: z.array(RunEventsSchema),
});

const EventsSchema = z.object({ type: z.literal('events'), events: z.array(z.unknown()) });

const ResponseSchema = z.union([
  z.object({ type: z.literal('response'), id: z.string(), ok: z.literal(true), result: z.unknown() }),
  z.object({
    type: z.literal('response'),
    id: z.string(),
    ok: z.literal(false),
    error: z.object({ code: z.string(), message: z.string() }),
  }),
]);

const ErrorSchema = z.object({
  type: z.literal('error'),
  requestId: z.string().optional(),
  code: z.string().optional(),
  message: z.string(),
});

const ConfusionSchema = z.object({ labels: z.array(z.string()), matrix: z.array(z.array(z.number())) });

/** What a run's `importance` request resolves to: the library's report (droneId, metric, features). */
const ImportanceReportSchema = z.object({
  droneId: z.string().optional(),
  metric: z.string().optional(),
  method: z.enum(['permutation', 'model']).optional(),
  features: ImportanceComputedSchema.shape.features,
});

export type ConfusionMatrix = z.infer<typeof ConfusionSchema>;

/** Which rows the "why" view explains: the run's test rows, or the rows last sent with `run.explain` from a cell. */
export type ExplainSource = 'test' | 'sent';

/** What an `explain` response carries: one row's attributions for one drone (the library's Run.explainRow). */
const RowExplanationSchema = z
  .object({
    runId: z.string(),
    droneId: z.string(),
    source: z.enum(['test', 'sent']),
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

/** A request from the panels; the kernel answers with a `response` carrying the same id. */
export type Request =
  | { method: 'importance'; params: { runId: string; droneId: string } }
  | { method: 'confusion'; params: { runId: string; droneId: string } }
  | { method: 'drone'; params: { runId: string; droneId: string } }
  | { method: 'explain'; params: { runId: string; droneId: string; row: number; source: ExplainSource } }
  | { method: 'snapshot' };

export type KernelMessage =
  | {
      type: 'snapshot';
      runs: { runId: string; events: RunEvent[] }[];
      dropped: number;
      libraryProblem: string | null;
    }
  | { type: 'events'; events: RunEvent[]; dropped: number }
  | { type: 'response'; requestId: string; result: unknown }
  | { type: 'error'; requestId?: string; code?: string; message: string }
  /** Anything this frontend cannot read; `reason` says why (shown in the panels' status line). */
  | { type: 'invalid'; reason: string };

/** The comm_msg data of a request. */
export function requestData(id: string, request: Request): Record<string, unknown> {
  return 'params' in request
    ? { type: 'request', id, method: request.method, params: request.params }
    : { type: 'request', id, method: request.method };
}

/**
 * Validates a comm message from the kernel; `buffers` are the message's binary buffers, which replace the
 * `{ "$buffer": i, "dtype", "length" }` placeholders. Malformed run events are dropped one by one and counted.
 * Never throws: whatever cannot be read is an `invalid` message saying why.
 */
export function parseKernelMessage(
  raw: unknown,
  buffers: readonly (ArrayBuffer | ArrayBufferView)[] = [],
): KernelMessage {
  try {
    return parse(buffers.length > 0 ? unpackBuffers(raw, buffers) : raw);
  } catch (error) {
    return { type: 'invalid', reason: `unreadable message: ${clip(String(error))}` };
  }
}

function parse(data: unknown): KernelMessage {
  const type = ownField(data, 'type');
  switch (type) {
    case 'snapshot': {
      const parsed = SnapshotSchema.safeParse(data);
      if (!parsed.success) return invalid('snapshot', parsed.error);
      if (parsed.data.version !== PROTOCOL_VERSION) {
        return {
          type: 'invalid',
          reason: `the kernel speaks beemind protocol v${parsed.data.version}, these panels v${PROTOCOL_VERSION}: install matching versions of beemind-kernel and beemind-jupyterlab`,
        };
      }
      let dropped = 0;
      const runs = parsed.data.runs.map(({ runId, events }) => {
        const valid = parseEvents(events);
        dropped += valid.dropped;
        return { runId, events: valid.events };
      });
      const library = parsed.data.library;
      const libraryProblem =
        library && !library.available
          ? (library.reason ?? 'the beemind library is not available in this kernel')
          : null;
      return { type: 'snapshot', runs, dropped, libraryProblem };
    }
    case 'events': {
      const parsed = EventsSchema.safeParse(data);
      if (!parsed.success) return invalid('events', parsed.error);
      return { type: 'events', ...parseEvents(parsed.data.events) };
    }
    case 'response': {
      const parsed = ResponseSchema.safeParse(data);
      if (!parsed.success) return invalid('response', parsed.error);
      const r = parsed.data;
      return r.ok
        ? { type: 'response', requestId: r.id, result: r.result }
        : { type: 'error', requestId: r.id, code: r.error.code, message: r.error.message };
    }
    case 'error': {
      const parsed = ErrorSchema.safeParse(data);
      return parsed.success ? parsed.data : invalid('error', parsed.error);
    }
    default:
      return { type: 'invalid', reason: `unknown message type ${clip(JSON.stringify(type ?? null))}` };
  }
}

/** A field the object itself has (never one inherited, e.g. through a `__proto__` key). */
function ownField(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && Object.hasOwn(value, key)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

/** How much of a kernel's text a status line quotes. */
function clip(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Reads the result of a `confusion` response; null when it does not have the documented shape. */
export function parseConfusion(result: unknown): ConfusionMatrix | null {
  const parsed = ConfusionSchema.safeParse(result);
  if (!parsed.success) return null;
  const { labels, matrix } = parsed.data;
  const square = matrix.length === labels.length && matrix.every((row) => row.length === labels.length);
  return square ? parsed.data : null;
}

/** Reads the result of an `explain` response; null when it does not have the documented shape. */
export function parseRowExplanation(result: unknown): RowExplanation | null {
  const parsed = RowExplanationSchema.safeParse(result);
  return parsed.success ? parsed.data : null;
}

/** Reads the result of an `importance` response as an importance.computed event of `runId`/`droneId`. */
export function parseImportance(result: unknown, runId: string, droneId: string): ImportanceComputed | null {
  const asEvent = ImportanceComputedSchema.safeParse(result);
  if (asEvent.success) return asEvent.data;
  const report = ImportanceReportSchema.safeParse(result);
  if (!report.success) return null;
  return {
    type: 'importance.computed',
    runId,
    time: new Date().toISOString(),
    droneId: report.data.droneId ?? droneId,
    method: report.data.method ?? 'permutation',
    metric: report.data.metric ?? 'score',
    features: report.data.features,
  };
}

interface TypedArrayOf {
  new (buffer: ArrayBuffer, offset: number, length: number): ArrayLike<number>;
  readonly BYTES_PER_ELEMENT: number;
}

/** The dtypes of buffer placeholders (a Map: a dtype such as `__proto__` finds nothing). */
const DTYPES = new Map<string, TypedArrayOf>([
  ['float64', Float64Array],
  ['float32', Float32Array],
  ['int32', Int32Array],
  ['uint32', Uint32Array],
  ['int16', Int16Array],
  ['uint16', Uint16Array],
  ['int8', Int8Array],
  ['uint8', Uint8Array],
]);

/**
 * Replaces buffer placeholders by plain number arrays (so the JSON schemas apply unchanged). A placeholder
 * with an unknown dtype, a missing buffer or a length that is not a whole number ≥ 0 is left as is, for the
 * schema check to report; object keys are copied as own fields, so `__proto__` stays a plain key.
 */
export function unpackBuffers(value: unknown, buffers: readonly (ArrayBuffer | ArrayBufferView)[]): unknown {
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v !== 'object' || v === null || depth > 64) return v;
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
    const [index, dtype, length] = ['$buffer', 'dtype', 'length'].map((k) => ownField(v, k));
    if (typeof index === 'number' && typeof dtype === 'string' && typeof length === 'number') {
      const source = Number.isSafeInteger(index) && index >= 0 ? buffers[index] : undefined;
      const make = DTYPES.get(dtype);
      if (!source || !make || !Number.isSafeInteger(length) || length < 0) return v;
      const bytes = ArrayBuffer.isView(source) ? source : new Uint8Array(source);
      // Copy to an aligned buffer: a view's byteOffset need not be a multiple of the element size.
      const copy = new Uint8Array(bytes.byteLength);
      copy.set(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      const count = Math.min(length, Math.floor(copy.byteLength / make.BYTES_PER_ELEMENT));
      return Array.from(new make(copy.buffer, 0, count));
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      Object.defineProperty(out, k, {
        value: walk(x, depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  };
  return walk(value, 0);
}

function parseEvents(events: unknown[]): { events: RunEvent[]; dropped: number } {
  const out: RunEvent[] = [];
  let dropped = 0;
  for (const event of events) {
    const parsed = RunEventSchema.safeParse(event);
    if (parsed.success) out.push(parsed.data);
    else dropped++;
  }
  return { events: out, dropped };
}

function invalid(what: string, error: z.ZodError): KernelMessage {
  const issue = error.issues[0];
  return {
    type: 'invalid',
    reason: `malformed ${what} message: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}`,
  };
}

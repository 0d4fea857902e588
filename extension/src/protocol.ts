/**
 * This module contains how the panels read the kernel's side of the `beemind` comm protocol v1 (docs/protocol.md,
 * served by kernel/src/comm/beemind-bridge.ts). The messages, both ways, and the binary-buffer codec are defined
 * once in the library's `beemind/protocol`; here `parseKernelMessage` validates every incoming message and never
 * throws, and the parse functions read the results of the panels' requests.
 */
import {
  ConfusionSchema,
  ErrorSchema,
  EventsSchema,
  ImportanceComputedSchema,
  ImportanceReportSchema,
  PROTOCOL_VERSION,
  ResponseSchema,
  RowExplanationSchema,
  describeIssues,
  RunEventSchema,
  SnapshotSchema,
  ownField,
  unpackBuffers,
  type ConfusionMatrix,
  type ImportanceComputed,
  type PanelRequest,
  type RowExplanation,
  type RunEvent,
} from 'beemind/protocol';
import type { z } from 'zod';

export {
  COMM_TARGET,
  PROTOCOL_VERSION,
  openData,
  requestData,
  unpackBuffers,
  type ConfusionMatrix,
  type ExplainSource,
  type RowExplanation,
} from 'beemind/protocol';

/** A request from the panels; the kernel answers with a `response` carrying the same id. */
export type Request = PanelRequest;

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
  return {
    type: 'invalid',
    reason: `malformed ${what} message: ${clip(describeIssues(error, '(root)', 1))}`,
  };
}

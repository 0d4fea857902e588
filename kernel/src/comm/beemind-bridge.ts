/**
 * This module contains the `beemind` comm target: when a frontend opens it, the kernel sends a snapshot of
 * every run in this kernel, then streams the library's run events in throttled batches (large numeric
 * arrays as binary buffers), and answers requests (a drone's record, importance, confusion matrix, one row's
 * attributions for the "why" view). Every incoming
 * message is validated; a malformed one gets an error message, never an exception, quoting at most
 * MAX_ECHO_CHARS of it. When the library is not loaded yet at open (a notebook-folder copy waits for a cell to
 * import it), the comm gets a fresh snapshot once a cell has loaded it. Protocol: docs/protocol.md.
 */
import { clip } from '../limits.js';
import type { Comm, CommData, CommManager } from './comms.js';
import {
  COMM_TARGET,
  DEFAULT_THROTTLE_MS,
  IncomingSchema,
  OpenSchema,
  PROTOCOL_VERSION,
  describeIssues,
  packBuffers,
  type LibraryStatus,
  type Outgoing,
  type Request,
  type RunEvent,
} from 'beemind/protocol';
import type { RunEventSource } from './run-source.js';

/** Largest batch: a flood of events is cut into messages of at most this many. */
const MAX_BATCH = 500;

/** Resolves the library's event source (or why there is none). */
export type SourceLoader = () => Promise<RunEventSource>;

export class BeeMindBridge {
  private source: Promise<RunEventSource | { error: string }> | undefined;
  /** The library once a cell loaded it (read synchronously: it may arrive while a comm opens). */
  private loaded: RunEventSource | undefined;
  /** Open comms, so that a library loaded later reaches those opened without it. */
  private readonly connections = new Set<Connection>();

  constructor(private readonly load: SourceLoader) {}

  /** A cell loaded the library: comms opened without it get a snapshot and its events from now on. */
  libraryLoaded(source: RunEventSource): void {
    this.loaded = source;
    this.source = Promise.resolve(source);
    for (const connection of this.connections) connection.attach(source);
  }

  /** Registers the `beemind` target on a comm manager. */
  register(comms: CommManager): void {
    comms.registerTarget(COMM_TARGET, (comm, message) => this.open(comm, message));
  }

  private loadSource(): Promise<RunEventSource | { error: string }> {
    return (this.source ??= this.load().catch((error: unknown) => ({
      error: `the beemind library is not available: ${error instanceof Error ? error.message : String(error)}`,
    })));
  }

  private async open(comm: Comm, message: CommData): Promise<void> {
    const opened = OpenSchema.safeParse(message.data ?? {});
    if (!opened.success) {
      send(comm, {
        type: 'error',
        version: PROTOCOL_VERSION,
        code: 'invalid_open',
        message: `comm_open rejected: ${clip(describeIssues(opened.error, 'message'))}`,
      });
      comm.close({ reason: 'invalid_open' });
      return;
    }
    const loaded = await this.loadSource();
    if (comm.isClosed) return;
    const connection = new Connection(comm, opened.data.throttleMs ?? DEFAULT_THROTTLE_MS, () =>
      this.connections.delete(connection),
    );
    this.connections.add(connection);
    if ('error' in loaded) connection.attach(this.loaded, loaded.error);
    else connection.attach(loaded);
  }
}

/** One open comm: its event subscription, batch buffer and request handling. */
class Connection {
  private pending: unknown[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastFlush = 0;
  private source: RunEventSource | undefined;
  private unsubscribe: () => void = () => undefined;

  constructor(
    private readonly comm: Comm,
    private throttleMs: number,
    private readonly onDispose: () => void,
  ) {
    comm.onMsg((m) => this.onMessage(m));
    comm.onClose(() => this.dispose());
  }

  /** Sends a snapshot of `source` (or why there is no library) and streams its events; once with a source. */
  attach(source: RunEventSource | undefined, reason = 'the beemind library is not available'): void {
    if (this.source || this.comm.isClosed) return;
    this.source = source;
    // Subscribe before taking the snapshot (both synchronous): no event can fall between them.
    if (source) this.unsubscribe = source.subscribe((event) => this.enqueue(event));
    const library: LibraryStatus = source ? { available: true } : { available: false, reason };
    send(this.comm, {
      type: 'snapshot',
      version: PROTOCOL_VERSION,
      library,
      runs: source ? source.snapshot() : [],
    });
  }

  private enqueue(event: RunEvent): void {
    if (this.comm.isClosed) return this.dispose();
    this.pending.push(event);
    // A run's start and end are shown at once; everything else is batched.
    const urgent = event.type === 'run.started' || event.type === 'run.finished';
    if (urgent || this.pending.length >= MAX_BATCH) this.flush();
    else
      this.timer ??= setTimeout(
        () => this.flush(),
        Math.max(0, this.throttleMs - (Date.now() - this.lastFlush)),
      );
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.lastFlush = Date.now();
    if (this.pending.length === 0 || this.comm.isClosed) return;
    const events = this.pending;
    this.pending = [];
    send(this.comm, { type: 'events', version: PROTOCOL_VERSION, events });
  }

  private async onMessage(message: CommData): Promise<void> {
    const parsed = IncomingSchema.safeParse(message.data);
    if (!parsed.success) {
      const raw = message.data as { id?: unknown } | undefined;
      send(this.comm, {
        type: 'error',
        version: PROTOCOL_VERSION,
        code: 'invalid_message',
        message: `comm message rejected: ${clip(describeIssues(parsed.error, 'message'))}`,
        ...(typeof raw?.id === 'string' ? { requestId: clip(raw.id) } : {}),
      });
      return;
    }
    const m = parsed.data;
    if (m.type === 'configure') {
      this.throttleMs = m.throttleMs;
      return;
    }
    try {
      send(this.comm, {
        type: 'response',
        version: PROTOCOL_VERSION,
        id: m.id,
        ok: true,
        result: await this.answer(m),
      });
    } catch (error) {
      const code = error instanceof RequestError ? error.code : 'request_failed';
      const text = error instanceof Error ? error.message : String(error);
      send(this.comm, {
        type: 'response',
        version: PROTOCOL_VERSION,
        id: m.id,
        ok: false,
        error: { code, message: text },
      });
    }
  }

  private async answer(request: Request): Promise<unknown> {
    const source = this.source;
    if (!source)
      throw new RequestError('library_unavailable', 'the beemind library is not loaded in this kernel');
    if (request.method === 'snapshot') return { runs: source.snapshot() };
    const { runId, droneId } = request.params;
    const run = source.snapshot().find((r) => r.runId === runId);
    if (!run) throw new RequestError('unknown_run', `no run ${runId} in this kernel`);
    if (request.method === 'drone') {
      const event = run.events.find(
        (e) =>
          (e as { type?: string; drone?: { id?: string } }).type === 'drone.evaluated' &&
          (e as { drone: { id: string } }).drone.id === droneId,
      );
      if (!event) throw new RequestError('unknown_drone', `run ${runId} has no drone ${droneId}`);
      return (event as { drone: unknown }).drone;
    }
    if (request.method === 'explain') {
      if (!source.explain)
        throw new RequestError(
          'unsupported',
          'this version of the beemind library cannot explain predictions on request',
        );
      const { row, source: rows = 'test' } = request.params;
      return source.explain(runId, droneId, row, rows);
    }
    const compute = request.method === 'importance' ? source.importance : source.confusion;
    if (!compute)
      throw new RequestError(
        'unsupported',
        `this version of the beemind library cannot compute ${request.method === 'importance' ? 'importance' : 'confusion matrices'} on request`,
      );
    return compute(runId, droneId);
  }

  private dispose(): void {
    this.onDispose();
    this.unsubscribe();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
  }
}

class RequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function send(comm: Comm, message: Outgoing): void {
  const { json, buffers } = packBuffers(message);
  comm.send(json as Record<string, unknown>, {}, buffers);
}

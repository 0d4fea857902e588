// Test doubles shared by the kernel's tests: a run event source like the library's hub, and Jupyter requests.
import { randomUUID } from 'node:crypto';
import type { RunEvent } from 'beemind/protocol';
import type { RunEventSource } from '../src/comm/run-source.js';
import type { JsonObject, JupyterMessage } from '../src/protocol/messages.js';

/** An event as a test writes it: a type and a run id, whatever else it carries (the bridge forwards it whole). */
export type RunEventLike = { type: string; runId: string; [field: string]: unknown };

/** A run event source that records what is published, as the library's event hub does. */
export class FakeSource implements RunEventSource {
  readonly history: { runId: string; events: RunEventLike[] }[] = [];
  private readonly listeners = new Set<(e: RunEvent) => void>();
  subscribe(listener: (e: RunEvent) => void) {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
  snapshot() {
    return this.history.map((r) => ({ runId: r.runId, events: r.events.slice() }));
  }
  async importance(runId: string, droneId: string) {
    return { runId, droneId, features: [{ feature: 'f1', importance: 0.5, std: 0.1 }] };
  }
  publish(event: RunEventLike) {
    let run = this.history.find((r) => r.runId === event.runId);
    if (!run) this.history.push((run = { runId: event.runId, events: [] }));
    run.events.push(event);
    for (const l of this.listeners) l(event as unknown as RunEvent);
  }
  get subscribers() {
    return this.listeners.size;
  }
}

/** A request as the transport hands it to the handler. */
export function request(
  msgType: string,
  content: JsonObject = {},
  parts: { metadata?: JsonObject; buffers?: Uint8Array[] } = {},
): JupyterMessage {
  return {
    identities: [],
    header: {
      msg_id: randomUUID(),
      session: 's',
      username: 'u',
      date: new Date().toISOString(),
      msg_type: msgType,
      version: '5.3',
    },
    parent_header: {},
    metadata: parts.metadata ?? {},
    content,
    buffers: parts.buffers ?? [],
  };
}

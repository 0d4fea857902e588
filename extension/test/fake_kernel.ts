// A fake kernel connection speaking the beemind comm protocol v1 like kernel/src/comm/beemind-bridge.ts, for
// testing the extension's KernelBridge without a Jupyter server.
import { Signal } from '@lumino/signaling';
import type { RunEvent } from 'beemind/events';

type Data = Record<string, unknown>;

export class FakeComm {
  isDisposed = false;
  onMsg:
    | ((msg: {
        content: { comm_id: string; data: Data };
        buffers?: (ArrayBuffer | ArrayBufferView)[];
      }) => void)
    | null = null;
  onClose: ((msg: unknown) => void) | null = null;
  readonly sent: Data[] = [];

  constructor(
    readonly commId: string,
    readonly targetName: string,
    private readonly kernel: FakeKernel,
  ) {}

  open(data: Data): void {
    this.kernel.opened(this, data);
  }

  send(data: Data): void {
    this.sent.push(data);
    this.kernel.received(this, data);
  }

  close(): void {
    this.isDisposed = true;
  }

  /** The kernel sends a comm_msg. */
  deliver(data: Data, buffers: (ArrayBuffer | ArrayBufferView)[] = []): void {
    if (!this.isDisposed) this.onMsg?.({ content: { comm_id: this.commId, data }, buffers });
  }

  /** The kernel sends a comm_close. */
  deliverClose(): void {
    this.onClose?.({});
    this.isDisposed = true;
  }
}

export class FakeKernel {
  status = 'idle';
  connectionStatus = 'connected';
  isDisposed = false;
  readonly statusChanged = new Signal<this, string>(this);
  readonly connectionStatusChanged = new Signal<this, string>(this);
  readonly comms: FakeComm[] = [];
  readonly targets = new Map<string, unknown>();
  /** Runs "in this kernel process"; requests answer from here. */
  runs: { runId: string; events: RunEvent[] }[] = [];
  /** False: behave like a kernel without the beemind target (it closes the comm). */
  speaksBeeMind = true;
  /** Hold responses to requests until `answer()` is called. */
  holdResponses = false;
  private held: (() => void)[] = [];
  private restarting = false;
  private next = 0;

  createComm(target: string): FakeComm {
    const comm = new FakeComm(`c${this.next++}`, target, this);
    this.comms.push(comm);
    return comm;
  }

  registerCommTarget(name: string, cb: unknown): void {
    this.targets.set(name, cb);
  }

  removeCommTarget(name: string): void {
    this.targets.delete(name);
  }

  opened(comm: FakeComm, data: Data): void {
    // JupyterLab queues messages sent during a restart and drops them with the old session.
    if (this.restarting) return;
    if (!this.speaksBeeMind || data.protocol !== 'beemind') {
      comm.deliverClose();
      return;
    }
    comm.deliver({ type: 'snapshot', version: 1, library: { available: true }, runs: this.runs });
  }

  received(comm: FakeComm, data: Data): void {
    const reply = () => {
      if (data.type !== 'request' || typeof data.id !== 'string') {
        comm.deliver({
          type: 'error',
          version: 1,
          code: 'invalid_message',
          message: 'comm message rejected',
        });
        return;
      }
      const params = data.params as { runId: string; droneId: string } | undefined;
      if (data.method === 'importance' && params) {
        comm.deliver({
          type: 'response',
          version: 1,
          id: data.id,
          ok: true,
          result: {
            droneId: params.droneId,
            metric: 'accuracy',
            features: [{ feature: 'f', importance: 0.5, std: 0.1 }],
          },
        });
      } else if (data.method === 'snapshot') {
        comm.deliver({ type: 'response', version: 1, id: data.id, ok: true, result: { runs: this.runs } });
      } else {
        comm.deliver({
          type: 'error',
          version: 1,
          code: 'invalid_message',
          message: `comm message rejected: method ${String(data.method)}`,
          requestId: data.id,
        });
      }
    };
    if (this.holdResponses) this.held.push(reply);
    else reply();
  }

  answer(): void {
    for (const reply of this.held.splice(0)) reply();
  }

  /** Streams events to every open beemind comm, as the kernel's batches do. */
  stream(events: RunEvent[]): void {
    for (const event of events) {
      let run = this.runs.find((r) => r.runId === event.runId);
      if (!run) this.runs.push((run = { runId: event.runId, events: [] }));
      run.events.push(event);
    }
    for (const comm of this.comms) comm.deliver({ type: 'events', version: 1, events });
  }

  setStatus(status: string): void {
    this.status = status;
    this.statusChanged.emit(status);
  }

  /** What JupyterLab's kernel connection does on restart: status restarting, comms disposed, new process. */
  restart(): void {
    this.restarting = true;
    this.setStatus('restarting');
    for (const comm of this.comms) comm.isDisposed = true;
    this.comms.length = 0;
    this.runs = [];
    // Late statuses of the old process arrive before the reconnection; a comm opened on them would be lost.
    this.setStatus('busy');
    this.setStatus('idle');
    this.connectionStatus = 'connecting';
    this.connectionStatusChanged.emit('connecting');
    this.restarting = false;
    this.connectionStatus = 'connected';
    this.connectionStatusChanged.emit('connected');
    this.setStatus('idle');
  }
}

/** A notebook's session context around a fake kernel. */
export class FakeSessionContext {
  readonly kernelChanged = new Signal<this, unknown>(this);
  session: { kernel: FakeKernel | null } | null;

  constructor(kernel: FakeKernel | null) {
    this.session = { kernel };
  }

  changeKernel(kernel: FakeKernel | null): void {
    this.session = { kernel };
    this.kernelChanged.emit(kernel);
  }
}

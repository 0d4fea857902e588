/**
 * This module contains KernelBridge: it keeps one notebook's model fed by the `beemind` comm of that
 * notebook's kernel. It opens the comm when a kernel is ready, folds the snapshot and event batches into the
 * model, matches request replies, and starts over on kernel restart or change. It never executes code.
 */
import type { IDisposable } from '@lumino/disposable';
import type { ISignal } from '@lumino/signaling';
import type { Kernel, KernelMessage } from '@jupyterlab/services';
import type { NotebookModel, RequestPort } from './model/notebook.js';
import {
  COMM_TARGET,
  PROTOCOL_VERSION,
  openData,
  parseKernelMessage,
  requestData,
  type KernelMessage as BeeMindMessage,
  type Request,
} from './protocol.js';

/** Where the bridge finds the notebook's current kernel (a notebook's ISessionContext fits). */
export interface KernelSource {
  readonly session: { readonly kernel: Kernel.IKernelConnection | null } | null;
  readonly kernelChanged: ISignal<unknown, unknown>;
}

export interface BridgeOptions {
  /** How long a request may wait for its reply (importance on a big dataset can take a while). */
  requestTimeoutMs: number;
  /** The kernel sends at most one batch of events per interval (the panels redraw no faster anyway). */
  throttleMs: number;
}

/** A kernel error reply, with the kernel's code when it sent one. */
export class KernelRequestError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'KernelRequestError';
  }
}

interface Pending {
  resolve(result: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

export class KernelBridge implements IDisposable, RequestPort {
  private kernel: Kernel.IKernelConnection | null = null;
  private comm: Kernel.IComm | null = null;
  private readonly pending = new Map<string, Pending>();
  private nextRequest = 0;
  /** Set when the kernel closed our comm: it does not speak the protocol, so we wait for a restart or change. */
  private refused = false;
  /**
   * Between `restarting` and the reconnection: late status messages of the old process still arrive then, and
   * a comm opened on them would be queued and then lost with the restart.
   */
  private restarting = false;
  private _isDisposed = false;

  constructor(
    private readonly model: NotebookModel,
    private readonly source: KernelSource,
    /** Read at each use, so changed settings apply to open notebooks. */
    private readonly options: () => BridgeOptions,
  ) {
    source.kernelChanged.connect(this.onKernelChanged, this);
    this.attach(source.session?.kernel ?? null);
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  dispose(): void {
    if (this._isDisposed) return;
    this._isDisposed = true;
    this.source.kernelChanged.disconnect(this.onKernelChanged, this);
    this.detach('The notebook was closed.');
  }

  /** Asks for a fresh snapshot (the palette's reconnect command); reopens the comm when there is none. */
  reconnect(): void {
    this.refused = false;
    if (this.comm) {
      this.request({ method: 'snapshot' }).then(
        (result) => this.onData({ ...(result as object), type: 'snapshot', version: PROTOCOL_VERSION }),
        (error: Error) =>
          this.model.setStatus({ status: 'connected', message: `Could not refresh: ${error.message}` }),
      );
    } else {
      this.openComm();
    }
  }

  request(request: Request): Promise<unknown> {
    const comm = this.comm;
    if (!comm || comm.isDisposed)
      return Promise.reject(new KernelRequestError('Not connected to a BeeMind kernel.'));
    const requestId = `r${++this.nextRequest}`;
    const { requestTimeoutMs } = this.options();
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(
          new KernelRequestError(
            `The kernel did not answer the ${request.method} request within ${Math.round(requestTimeoutMs / 1000)} s.`,
          ),
        );
      }, requestTimeoutMs);
      this.pending.set(requestId, { resolve, reject, timer });
      comm.send(requestData(requestId, request) as KernelMessage.ICommMsgMsg['content']['data']);
    });
  }

  private onKernelChanged(): void {
    this.detach('The kernel was changed; waiting for it to start.');
    // Runs live in the kernel process: a different kernel has different runs.
    this.model.reset({ status: 'connecting', message: 'The kernel was changed; waiting for it to start.' });
    this.attach(this.source.session?.kernel ?? null);
  }

  private attach(kernel: Kernel.IKernelConnection | null): void {
    this.kernel = kernel;
    this.refused = false;
    this.restarting = false;
    if (!kernel) {
      this.model.reset({ status: 'disconnected', message: 'No kernel: start one to see BeeMind runs.' });
      return;
    }
    kernel.statusChanged.connect(this.onKernelStatus, this);
    kernel.connectionStatusChanged.connect(this.onConnectionStatus, this);
    kernel.registerCommTarget(COMM_TARGET, this.onKernelOpenedComm);
    this.openComm();
  }

  private detach(message: string): void {
    const kernel = this.kernel;
    if (kernel && !kernel.isDisposed) {
      kernel.statusChanged.disconnect(this.onKernelStatus, this);
      kernel.connectionStatusChanged.disconnect(this.onConnectionStatus, this);
      kernel.removeCommTarget(COMM_TARGET, this.onKernelOpenedComm);
    }
    this.kernel = null;
    this.dropComm(message);
  }

  private onKernelStatus(_: Kernel.IKernelConnection, status: Kernel.Status): void {
    if (status === 'restarting' || status === 'autorestarting') {
      // The kernel disposes its comms on restart; the new kernel process has no runs yet.
      this.dropComm('The kernel is restarting; the panels refill when a new run starts.');
      this.model.reset({
        status: 'restarting',
        message: 'The kernel is restarting; the panels refill when a new run starts.',
      });
      this.refused = false;
      this.restarting = true;
    } else if (status === 'dead') {
      this.dropComm('The kernel died: restart it to see BeeMind runs.');
    } else if ((status === 'idle' || status === 'busy') && !this.comm && !this.restarting) {
      this.openComm();
    }
  }

  private onConnectionStatus(_: Kernel.IKernelConnection, status: Kernel.ConnectionStatus): void {
    if (status !== 'connected') return;
    this.restarting = false;
    if (!this.comm) this.openComm();
  }

  private openComm(): void {
    const kernel = this.kernel;
    if (!kernel || kernel.isDisposed || this.comm || this.refused || this.restarting || this._isDisposed)
      return;
    if (kernel.connectionStatus !== 'connected' || !['idle', 'busy'].includes(kernel.status)) {
      this.model.setStatus({ status: 'connecting', message: 'Waiting for the kernel to start…' });
      return; // onKernelStatus / onConnectionStatus try again
    }
    let comm: Kernel.IComm;
    try {
      comm = kernel.createComm(COMM_TARGET);
    } catch (error) {
      this.model.setStatus({
        status: 'disconnected',
        message: `Cannot open the beemind comm: ${String(error)}`,
      });
      return;
    }
    this.adopt(comm);
    // A kernel that has just started loads the BeeMind library before it answers (seconds on a busy machine).
    this.model.setStatus({ status: 'connecting', message: 'Asking the kernel for its runs…' });
    comm.open(openData(this.options().throttleMs) as KernelMessage.ICommOpenMsg['content']['data']);
  }

  /** The kernel opened a comm on our target (e.g. at its start); use it unless we already have one. */
  private readonly onKernelOpenedComm = (comm: Kernel.IComm, msg: KernelMessage.ICommOpenMsg): void => {
    if (this.comm && !this.comm.isDisposed) {
      comm.close();
      return;
    }
    this.refused = false;
    this.adopt(comm);
    if (msg.content.data && Object.keys(msg.content.data).length > 0)
      this.onData(msg.content.data, msg.buffers);
  };

  private adopt(comm: Kernel.IComm): void {
    this.comm = comm;
    comm.onMsg = (msg) => {
      if (this.comm === comm) this.onData(msg.content.data, msg.buffers);
    };
    comm.onClose = () => {
      if (this.comm !== comm) return;
      const wasConnected = this.model.status.status === 'connected';
      this.refused = !wasConnected;
      this.dropComm(
        wasConnected
          ? 'The kernel closed the beemind comm.'
          : 'This kernel does not offer BeeMind panels: choose the BeeMind (TypeScript) kernel.',
      );
    };
    this.model.setPort(this);
  }

  private dropComm(message: string): void {
    const comm = this.comm;
    this.comm = null;
    this.model.setPort(null);
    for (const [, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new KernelRequestError(message));
    }
    this.pending.clear();
    if (comm && !comm.isDisposed) {
      try {
        comm.close();
      } catch {
        // The kernel is gone; nothing to tell it.
      }
    }
    this.model.setStatus({ status: 'disconnected', message });
  }

  /** Folds one kernel message into the model; nothing a kernel sends may throw out of the comm callback. */
  private onData(data: unknown, buffers: readonly (ArrayBuffer | ArrayBufferView)[] = []): void {
    try {
      this.apply(parseKernelMessage(data, buffers));
    } catch (error) {
      console.warn('BeeMind: ignored a message from the kernel that could not be applied', error);
      this.model.setStatus({
        status: this.model.status.status,
        message: `Ignored a message from the kernel: ${String(error).slice(0, 200)}`,
      });
    }
  }

  private apply(message: BeeMindMessage): void {
    switch (message.type) {
      case 'snapshot':
        this.model.droppedEvents += message.dropped;
        this.model.applySnapshot(message.runs);
        this.model.setStatus({
          status: 'connected',
          message: message.libraryProblem
            ? `Connected, but ${message.libraryProblem}.`
            : this.connectedMessage(),
        });
        break;
      case 'events':
        this.model.droppedEvents += message.dropped;
        this.model.applyEvents(message.events);
        if (message.dropped > 0 || this.model.status.status !== 'connected') {
          this.model.setStatus({ status: 'connected', message: this.connectedMessage() });
        }
        break;
      case 'response': {
        const pending = this.pending.get(message.requestId);
        if (!pending) return;
        this.pending.delete(message.requestId);
        clearTimeout(pending.timer);
        pending.resolve(message.result);
        break;
      }
      case 'error': {
        const pending = message.requestId === undefined ? undefined : this.pending.get(message.requestId);
        if (pending && message.requestId !== undefined) {
          this.pending.delete(message.requestId);
          clearTimeout(pending.timer);
          pending.reject(new KernelRequestError(message.message, message.code));
        } else {
          this.model.setStatus({ status: this.model.status.status, message: `Kernel: ${message.message}` });
        }
        break;
      }
      case 'invalid':
        this.model.setStatus({
          status: this.model.status.status,
          message: `Ignored a message from the kernel: ${message.reason}`,
        });
        break;
    }
  }

  private connectedMessage(): string {
    const dropped = this.model.droppedEvents;
    return dropped > 0 ? `Connected; ${dropped} malformed event(s) ignored.` : 'Connected to the kernel.';
  }
}

/**
 * This module contains the comm manager of the executor: targets that frontends can open comms on, comms
 * opened from either side, and message dispatch. A comm_open to an unknown target is answered with a
 * comm_close; a comm_open reusing the id of an open comm replaces it, as in ipykernel, and the old comm is
 * disposed (its close handlers run) without a comm_close to the frontend, whose id now names the new comm. A
 * throwing handler is reported on stderr and never stops the kernel.
 */
import { randomUUID } from 'node:crypto';
import { clip } from '../limits.js';
import { logger } from '../log.js';
import type { Output } from '../protocol/messages.js';

export interface CommData {
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  buffers: Uint8Array[];
}

export type CommTargetHandler = (comm: Comm, message: CommData) => void | Promise<void>;

/** How the manager sends messages and reports handler failures. */
export interface CommPort {
  emit(output: Output): void;
  reportError(context: string, error: unknown): void;
}

export class Comm {
  private readonly msgHandlers: ((message: CommData) => void | Promise<void>)[] = [];
  private readonly closeHandlers: ((message: CommData) => void)[] = [];
  private closed = false;

  constructor(
    readonly id: string,
    readonly targetName: string,
    private readonly manager: CommManager,
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  send(
    data: Record<string, unknown>,
    metadata: Record<string, unknown> = {},
    buffers: ArrayBufferView[] = [],
  ): void {
    if (this.closed) return;
    this.manager.port.emit({
      msgType: 'comm_msg',
      content: { comm_id: this.id, data },
      metadata,
      buffers: buffers.map(toBytes),
    });
  }

  close(data: Record<string, unknown> = {}): void {
    if (this.closed) return;
    this.manager.port.emit({ msgType: 'comm_close', content: { comm_id: this.id, data } });
    this.dispatchClose({ data, metadata: {}, buffers: [] });
  }

  onMsg(handler: (message: CommData) => void | Promise<void>): void {
    this.msgHandlers.push(handler);
  }

  onClose(handler: (message: CommData) => void): void {
    this.closeHandlers.push(handler);
  }

  /** @internal */
  async dispatchMsg(message: CommData): Promise<void> {
    for (const handler of this.msgHandlers) {
      try {
        await handler(message);
      } catch (error) {
        this.manager.port.reportError(`the handler of comm ${this.targetName}/${this.id}`, error);
      }
    }
  }

  /** @internal */
  dispatchClose(message: CommData): void {
    if (this.closed) return;
    this.closed = true;
    this.manager.forget(this);
    for (const handler of this.closeHandlers) {
      try {
        handler(message);
      } catch (error) {
        this.manager.port.reportError(`the close handler of comm ${this.targetName}/${this.id}`, error);
      }
    }
  }
}

export class CommManager {
  private readonly targets = new Map<string, CommTargetHandler>();
  private readonly comms = new Map<string, Comm>();

  constructor(readonly port: CommPort) {}

  registerTarget(targetName: string, handler: CommTargetHandler): void {
    this.targets.set(targetName, handler);
  }

  unregisterTarget(targetName: string): void {
    this.targets.delete(targetName);
  }

  /** Opens a comm from the kernel side. */
  open(
    targetName: string,
    data: Record<string, unknown> = {},
    metadata: Record<string, unknown> = {},
    buffers: ArrayBufferView[] = [],
  ): Comm {
    const comm = new Comm(randomUUID(), targetName, this);
    this.comms.set(comm.id, comm);
    this.port.emit({
      msgType: 'comm_open',
      content: { comm_id: comm.id, target_name: targetName, data },
      metadata,
      buffers: buffers.map(toBytes),
    });
    return comm;
  }

  list(): Comm[] {
    return [...this.comms.values()];
  }

  info(targetName?: string): Record<string, { target_name: string }> {
    const out: Record<string, { target_name: string }> = {};
    for (const comm of this.comms.values()) {
      // defined, not assigned: a comm id such as `__proto__` is a key like any other
      if (targetName === undefined || comm.targetName === targetName)
        Object.defineProperty(out, comm.id, {
          value: { target_name: comm.targetName },
          enumerable: true,
          writable: true,
          configurable: true,
        });
    }
    return out;
  }

  /** A frontend opened a comm. */
  async handleOpen(commId: string, targetName: string, message: CommData): Promise<void> {
    this.comms.get(commId)?.dispatchClose({ data: {}, metadata: {}, buffers: [] });
    const handler = this.targets.get(targetName);
    if (!handler || commId === '') {
      this.port.emit({ msgType: 'comm_close', content: { comm_id: commId, data: {} } });
      return;
    }
    const comm = new Comm(commId, targetName, this);
    this.comms.set(commId, comm);
    try {
      await handler(comm, message);
    } catch (error) {
      this.port.reportError(`the comm target ${targetName}`, error);
    }
  }

  async handleMsg(commId: string, message: CommData): Promise<void> {
    const comm = this.comms.get(commId);
    if (comm) await comm.dispatchMsg(message);
    else unknownComm('comm_msg', commId);
  }

  handleClose(commId: string, message: CommData): void {
    const comm = this.comms.get(commId);
    if (comm) comm.dispatchClose(message);
    else unknownComm('comm_close', commId);
  }

  /** @internal */
  forget(comm: Comm): void {
    if (this.comms.get(comm.id) === comm) this.comms.delete(comm.id);
  }
}

/** A message for a comm that is not open (closed meanwhile, or never opened) is dropped, as in ipykernel. */
function unknownComm(type: string, commId: string): void {
  logger.warn({ msg_type: type, comm_id: clip(commId, 40) }, 'dropped a message to a comm that is not open');
}

function toBytes(view: ArrayBufferView): Uint8Array {
  return view instanceof Uint8Array ? view : new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

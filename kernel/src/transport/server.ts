/**
 * This module contains the ZeroMQ transport: it binds the five Jupyter sockets, echoes heartbeats, decodes and
 * verifies incoming messages (a message with a bad signature, or a replay of one already received, is dropped
 * and logged, never answered) and sends signed messages through one ordered queue per socket. The sockets
 * read no frame larger than BEEMIND_KERNEL_MAX_MESSAGE_BYTES (256 MiB by default): ZeroMQ disconnects a peer
 * that sends one, before the kernel buffers or hashes it.
 */
import { Publisher, Reply, Router } from 'zeromq';
import { maxMessageBytes } from '../limits.js';
import { logger } from '../log.js';
import type { JupyterMessage } from '../protocol/messages.js';
import { endpoint, type ConnectionInfo, type SocketName } from './connection.js';
import { SignatureHistory, Signer } from './signer.js';
import { decode, encode } from './wire.js';

type Socket = Router | Publisher | Reply;

export type IncomingChannel = 'shell' | 'control' | 'stdin';
export type MessageListener = (channel: IncomingChannel, message: JupyterMessage) => void;

export interface TransportOptions {
  /** The largest frame read (ZeroMQ's maxMessageSize); from BEEMIND_KERNEL_MAX_MESSAGE_BYTES by default. */
  maxMessageBytes?: number;
}

/** Enough for a flood of outputs to queue rather than be dropped by ZeroMQ's default of 1000 messages. */
const IOPUB_HIGH_WATER_MARK = 100_000;

export class ZmqTransport {
  private readonly queues = new Map<SocketName, Promise<void>>();
  /** Signatures of the messages received on any channel, to refuse replays. */
  private readonly history = new SignatureHistory();
  private closed = false;

  private constructor(
    private readonly sockets: Record<SocketName, Socket>,
    private readonly signer: Signer,
  ) {}

  /** Binds every socket of the connection info; resolves once all are listening. */
  static async bind(info: ConnectionInfo, options: TransportOptions = {}): Promise<ZmqTransport> {
    const signer = new Signer(info.key, info.signature_scheme);
    const common = { linger: 0, maxMessageSize: options.maxMessageBytes ?? maxMessageBytes() };
    const sockets: Record<SocketName, Socket> = {
      shell: new Router(common),
      control: new Router(common),
      stdin: new Router(common),
      iopub: new Publisher({ ...common, sendHighWaterMark: IOPUB_HIGH_WATER_MARK }),
      hb: new Reply(common),
    };
    await Promise.all(
      (Object.keys(sockets) as SocketName[]).map((name) => sockets[name].bind(endpoint(info, name))),
    );
    return new ZmqTransport(sockets, signer);
  }

  /** The endpoint each socket is bound to (useful when ports were 0). */
  endpoints(): Record<SocketName, string> {
    const out = {} as Record<SocketName, string>;
    for (const [name, socket] of Object.entries(this.sockets))
      out[name as SocketName] = socket.lastEndpoint ?? '';
    return out;
  }

  /** Starts the receive loops; `listener` gets every verified message. */
  listen(listener: MessageListener): void {
    void this.heartbeat();
    for (const channel of ['shell', 'control', 'stdin'] as const) void this.receive(channel, listener);
  }

  /** Signs and queues a message on a socket; sends on one socket keep their order. */
  send(name: SocketName, message: JupyterMessage): Promise<void> {
    if (this.closed) return Promise.resolve();
    let frames: Uint8Array[];
    try {
      frames = encode(message, this.signer);
    } catch (error) {
      // e.g. a cyclic comm payload from a cell: that one message is lost, the kernel goes on
      logger.error(
        { err: error, socket: name, msg_type: message.header.msg_type },
        'a message could not be encoded',
      );
      return Promise.resolve();
    }
    const socket = this.sockets[name];
    const previous = this.queues.get(name) ?? Promise.resolve();
    const next = previous.then(() =>
      socket.send(frames).catch((error: unknown) => {
        if (!this.closed) logger.error({ err: error, socket: name }, 'sending a message failed');
      }),
    );
    this.queues.set(name, next);
    return next;
  }

  /** Waits for queued messages, then closes every socket. */
  async close(): Promise<void> {
    await Promise.all(this.queues.values());
    this.closed = true;
    for (const socket of Object.values(this.sockets)) socket.close();
  }

  private async heartbeat(): Promise<void> {
    const hb = this.sockets.hb as Reply;
    try {
      for await (const frames of hb) await hb.send(frames);
    } catch (error) {
      if (!this.closed) logger.error({ err: error }, 'heartbeat loop stopped');
    }
  }

  private async receive(channel: IncomingChannel, listener: MessageListener): Promise<void> {
    const socket = this.sockets[channel] as Router;
    try {
      for await (const frames of socket) {
        const decoded = decode(frames, this.signer, this.history);
        if (!decoded.ok) {
          // Logged without the frames: a forged message must not learn anything, not even the expected digest.
          logger.warn({ channel, reason: decoded.reason }, 'dropped an invalid message');
          continue;
        }
        try {
          listener(channel, decoded.message);
        } catch (error) {
          logger.error({ err: error, channel }, 'handling a message failed');
        }
      }
    } catch (error) {
      if (!this.closed) logger.error({ err: error, channel }, 'receive loop stopped');
    }
  }
}

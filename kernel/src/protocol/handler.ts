/**
 * This module contains the protocol handler: it turns Jupyter requests into Executor calls and answers them,
 * with the ordering the protocol promises (busy → execute_input → outputs → reply → idle), execution counts,
 * history, stop-on-error aborts and shutdown. Every request gets its reply, an error reply if serving it
 * failed; comm data too deep to hand to the executor is dropped here. It knows nothing of ZeroMQ: it talks
 * to a KernelPort.
 */
import type { CommMessage, ExecuteOutcome, Executor } from '../executor/executor.js';
import { MAX_COMM_DEPTH, MAX_ID_CHARS, clip, nestsDeeperThan } from '../limits.js';
import { logger } from '../log.js';
import { History } from './history.js';
import { kernelInfo } from './kernel-info.js';
import type {
  IopubType,
  JsonObject,
  JupyterMessage,
  OutgoingParts,
  Output,
  OutputSink,
  ReplyChannel,
} from './messages.js';

/** What the handler needs from the transport. */
export interface KernelPort {
  reply(
    channel: ReplyChannel,
    request: JupyterMessage,
    msgType: string,
    content: JsonObject,
    parts?: OutgoingParts,
  ): void;
  publish(
    parent: JupyterMessage | null,
    msgType: IopubType,
    content: JsonObject,
    parts?: OutgoingParts,
  ): void;
}

export interface HandlerOptions {
  /** Called after the shutdown_reply has been handed to the port. */
  onShutdown?: (restart: boolean) => void;
}

const COMM_TYPES = new Set<IopubType>(['comm_open', 'comm_msg', 'comm_close']);

/** Request types whose failure can be answered: `<name>_request` → `<name>_reply`. */
const REQUEST_TYPE = /^([a-z][a-z0-9_]{0,63})_request$/;

export class JupyterHandler {
  readonly history = new History();
  private executionCount = 0;
  private readonly queue: JupyterMessage[] = [];
  private executing = false;
  private shuttingDown = false;
  /** Requests already answered: a failure after the reply must not send a second one. */
  private readonly answered = new WeakSet<JupyterMessage>();

  constructor(
    private readonly port: KernelPort,
    private readonly executor: Executor,
    private readonly options: HandlerOptions = {},
  ) {}

  /** Entry point for every verified message from the shell and control channels. */
  handle(channel: 'shell' | 'control' | 'stdin', message: JupyterMessage): void {
    if (this.shuttingDown || channel === 'stdin') return;
    const type = message.header.msg_type;
    if (type === 'execute_request' && channel === 'shell') {
      this.queue.push(message);
      void this.pump();
      return;
    }
    void this.dispatch(channel, message);
  }

  /** Sends the reply to a request (every reply goes through here, so a failure never answers twice). */
  private reply(
    channel: ReplyChannel,
    request: JupyterMessage,
    msgType: string,
    content: JsonObject,
    parts?: OutgoingParts,
  ): void {
    this.answered.add(request);
    this.port.reply(channel, request, msgType, content, parts);
  }

  /**
   * The guarantee that every request is answered: a request whose handling failed before its reply gets an
   * error reply (status 'error', ename, evalue); anything else is logged.
   */
  private fail(channel: ReplyChannel, message: JupyterMessage, error: unknown): void {
    const type = message.header.msg_type;
    if (error instanceof UnsupportedMessage) logger.warn({ msg_type: clip(type) }, 'unsupported message');
    else logger.error({ err: error, msg_type: clip(type) }, 'request handler failed');
    const request = REQUEST_TYPE.exec(type);
    if (!request || this.answered.has(message)) return;
    const e = error instanceof Error ? error : new Error(String(error));
    const [ename, evalue] = [clip(e.name), clip(e.message)];
    try {
      this.reply(channel, message, `${request[1]}_reply`, {
        status: 'error',
        ename,
        evalue,
        traceback: [`${ename}: ${evalue}`],
        ...(request[1] === 'execute'
          ? { execution_count: this.executionCount, payload: [], user_expressions: {} }
          : {}),
      });
    } catch (replyError) {
      logger.error({ err: replyError, msg_type: type }, 'the error reply could not be sent');
    }
  }

  /** Publishes a status message. */
  private status(parent: JupyterMessage, state: 'busy' | 'idle'): void {
    this.port.publish(parent, 'status', { execution_state: state });
  }

  private sinkFor(parent: JupyterMessage, silent = false): OutputSink {
    return (output: Output) => {
      // A silent execution shows nothing, but comms are not output: widgets must still talk.
      if (silent && !COMM_TYPES.has(output.msgType)) return;
      this.port.publish(parent, output.msgType, output.content, output);
    };
  }

  /** Serves one message; never rejects (see `fail`). */
  private async dispatch(channel: ReplyChannel, message: JupyterMessage): Promise<void> {
    if (channel === 'control') {
      try {
        await this.control(message);
      } catch (error) {
        this.fail(channel, message, error);
      }
      return;
    }
    // Requests that arrive while a cell runs are served at once (so comms and completion stay live), without
    // status messages that would flip the frontend to "idle" in the middle of the cell.
    const withStatus = !this.executing;
    try {
      if (withStatus) this.status(message, 'busy');
      await this.serve(message);
    } catch (error) {
      this.fail('shell', message, error);
    } finally {
      if (withStatus) this.idle(message);
    }
  }

  /** The idle status after a request, which a failing port must not turn into an unhandled rejection. */
  private idle(message: JupyterMessage): void {
    try {
      this.status(message, 'idle');
    } catch (error) {
      logger.error({ err: error }, 'publishing a status failed');
    }
  }

  private async control(message: JupyterMessage): Promise<void> {
    const type = message.header.msg_type;
    if (type === 'interrupt_request') return this.interrupt(message);
    if (type === 'shutdown_request') return this.shutdown('control', message);
    if (type === 'kernel_info_request')
      return this.reply('control', message, 'kernel_info_reply', kernelInfo());
    throw new UnsupportedMessage(type);
  }

  private async serve(message: JupyterMessage): Promise<void> {
    const c = message.content;
    const reply = (msgType: string, content: JsonObject) => this.reply('shell', message, msgType, content);
    switch (message.header.msg_type) {
      case 'kernel_info_request':
        return reply('kernel_info_reply', kernelInfo());
      case 'complete_request': {
        const code = str(c.code);
        const result = await this.executor.complete(code, cursor(c.cursor_pos, code));
        const [start, end] = [codePoints(code, result.cursor_start), codePoints(code, result.cursor_end)];
        return reply('complete_reply', { status: 'ok', ...result, cursor_start: start, cursor_end: end });
      }
      case 'inspect_request': {
        const code = str(c.code);
        const result = await this.executor.inspect(
          code,
          cursor(c.cursor_pos, code),
          c.detail_level === 1 ? 1 : 0,
        );
        return reply('inspect_reply', { status: 'ok', ...result });
      }
      case 'is_complete_request':
        return reply('is_complete_reply', { ...(await this.executor.isComplete(str(c.code))) });
      case 'history_request':
        return reply('history_reply', { status: 'ok', history: this.history.query(c) });
      case 'comm_info_request': {
        const target = typeof c.target_name === 'string' ? c.target_name : undefined;
        return reply('comm_info_reply', { status: 'ok', comms: await this.executor.commInfo(target) });
      }
      case 'comm_open':
      case 'comm_msg':
      case 'comm_close':
        return this.comm(message);
      case 'shutdown_request':
        return this.shutdown('shell', message);
      default:
        throw new UnsupportedMessage(message.header.msg_type);
    }
  }

  /**
   * Hands a comm message to the executor, unless its id is too long or its data or metadata nest too deep to
   * cross to the executor's thread: such a message is dropped with a log line (a comm_open is answered with
   * a comm_close, as for an unknown target; a comm_close still closes the comm, without its data).
   */
  private async comm(message: JupyterMessage): Promise<void> {
    const c = message.content;
    const type = message.header.msg_type;
    const comm: CommMessage = {
      commId: str(c.comm_id),
      data: obj(c.data),
      metadata: message.metadata,
      buffers: message.buffers,
    };
    const sink = this.sinkFor(message);
    if (comm.commId.length > MAX_ID_CHARS) {
      logger.warn(
        { msg_type: type, comm_id: clip(comm.commId, 40) },
        'dropped a comm message: comm id too long',
      );
      return;
    }
    if (nestsDeeperThan(comm.data, MAX_COMM_DEPTH) || nestsDeeperThan(comm.metadata, MAX_COMM_DEPTH)) {
      logger.warn(
        { msg_type: type, comm_id: comm.commId, max_depth: MAX_COMM_DEPTH },
        'dropped a comm message: its data or metadata nest too deep',
      );
      if (type === 'comm_open') sink({ msgType: 'comm_close', content: { comm_id: comm.commId, data: {} } });
      if (type !== 'comm_close') return;
      comm.data = {};
      comm.metadata = {};
    }
    if (type === 'comm_open')
      return this.executor.commOpen({ ...comm, targetName: str(c.target_name) }, sink);
    return type === 'comm_msg' ? this.executor.commMsg(comm, sink) : this.executor.commClose(comm, sink);
  }

  /** Runs queued execute requests one at a time, in arrival order. */
  private async pump(): Promise<void> {
    if (this.executing) return;
    this.executing = true;
    try {
      for (let next = this.queue.shift(); next; next = this.queue.shift()) {
        if (this.shuttingDown) break;
        const request = next;
        await this.execute(request).catch((error: unknown) => this.fail('shell', request, error));
      }
    } finally {
      this.executing = false;
    }
  }

  /** busy → the cell → its reply (an error reply if anything failed) → idle; then stop-on-error. */
  private async execute(message: JupyterMessage): Promise<void> {
    let ok = false;
    try {
      this.status(message, 'busy');
      ok = await this.runCell(message);
    } catch (error) {
      this.fail('shell', message, error);
    } finally {
      this.idle(message);
    }
    if (!ok && message.content.stop_on_error !== false) this.abortQueued();
  }

  /** Runs one cell and replies; resolves with whether it succeeded. */
  private async runCell(message: JupyterMessage): Promise<boolean> {
    const c = message.content;
    const code = str(c.code);
    const silent = c.silent === true;
    const storeHistory = silent ? false : c.store_history !== false;
    const started = new Date().toISOString();
    if (storeHistory) this.executionCount += 1;
    const count = this.executionCount;
    if (!silent) this.port.publish(message, 'execute_input', { code, execution_count: count });

    let outcome: ExecuteOutcome;
    try {
      outcome = await this.executor.execute(
        {
          code,
          silent,
          storeHistory,
          executionCount: count,
          userExpressions: expressions(c.user_expressions),
        },
        this.sinkFor(message, silent),
      );
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      outcome = {
        status: 'error',
        interrupted: false,
        ename: e.name,
        evalue: e.message,
        traceback: [e.stack ?? e.message],
      };
    }

    if (storeHistory)
      this.history.add(count, code, outcome.status === 'ok' ? (outcome.resultText ?? null) : null);
    if (outcome.status === 'ok') {
      this.reply(
        'shell',
        message,
        'execute_reply',
        {
          status: 'ok',
          execution_count: count,
          payload: outcome.payload,
          user_expressions: outcome.userExpressions,
        },
        { metadata: { started, status: 'ok' } },
      );
    } else {
      const { ename, evalue, traceback } = outcome;
      if (!silent) this.port.publish(message, 'error', { ename, evalue, traceback });
      this.reply(
        'shell',
        message,
        'execute_reply',
        {
          status: 'error',
          execution_count: count,
          ename,
          evalue,
          traceback,
          payload: [],
          user_expressions: {},
        },
        { metadata: { started, status: 'error' } },
      );
    }
    return outcome.status === 'ok';
  }

  /** After a failed cell, the cells queued behind it are not run (as ipykernel does). */
  private abortQueued(): void {
    for (const queued of this.queue.splice(0)) {
      this.status(queued, 'busy');
      this.reply(
        'shell',
        queued,
        'execute_reply',
        { status: 'aborted', execution_count: this.executionCount },
        { metadata: { status: 'aborted' } },
      );
      this.status(queued, 'idle');
    }
  }

  private async interrupt(message: JupyterMessage): Promise<void> {
    await this.executor.interrupt();
    this.reply('control', message, 'interrupt_reply', { status: 'ok' });
  }

  private async shutdown(channel: ReplyChannel, message: JupyterMessage): Promise<void> {
    const restart = message.content.restart === true;
    this.shuttingDown = true;
    this.reply(channel, message, 'shutdown_reply', { status: 'ok', restart });
    await this.executor
      .shutdown()
      .catch((error: unknown) => logger.error({ err: error }, 'executor shutdown failed'));
    this.options.onShutdown?.(restart);
  }
}

/** A message type this kernel does not serve: answered with an error reply when it is a request. */
class UnsupportedMessage extends Error {
  constructor(type: string) {
    super(`unsupported message type ${JSON.stringify(clip(type, 60))}`);
    this.name = 'UnsupportedMessage';
  }
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function obj(value: unknown): JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : {};
}

/** Cursor positions are counted in unicode code points by the protocol; JS strings index UTF-16 units. */
function cursor(value: unknown, code: string): number {
  if (typeof value !== 'number' || value < 0) return code.length;
  let units = 0;
  let points = 0;
  for (const ch of code) {
    if (points === value) break;
    units += ch.length;
    points += 1;
  }
  return units;
}

/** The inverse of `cursor`: a UTF-16 offset as a code point count. */
function codePoints(code: string, units: number): number {
  let points = 0;
  for (let i = 0; i < units && i < code.length; i++) {
    const unit = code.charCodeAt(i);
    if (unit < 0xdc00 || unit > 0xdfff) points += 1; // a low surrogate belongs to the previous point
  }
  return points;
}

function expressions(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(value))) if (typeof v === 'string') out[k] = v;
  return out;
}

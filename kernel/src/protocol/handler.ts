/**
 * This module contains the protocol handler: it turns Jupyter requests into Executor calls and answers them,
 * with the ordering the protocol promises (busy → execute_input → outputs → reply → idle), execution counts,
 * history, stop-on-error aborts and shutdown. It knows nothing of ZeroMQ: it talks to a KernelPort.
 */
import type { ExecuteOutcome, Executor } from '../executor/executor.js';
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

export class JupyterHandler {
  readonly history = new History();
  private executionCount = 0;
  private readonly queue: JupyterMessage[] = [];
  private executing = false;
  private shuttingDown = false;

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
    void this.dispatch(channel, message).catch((error: unknown) =>
      logger.error({ err: error, msg_type: type }, 'request handler failed'),
    );
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

  private async dispatch(channel: ReplyChannel, message: JupyterMessage): Promise<void> {
    const type = message.header.msg_type;
    if (channel === 'control') {
      if (type === 'interrupt_request') return this.interrupt(message);
      if (type === 'shutdown_request') return this.shutdown(channel, message);
      if (type === 'kernel_info_request')
        return this.port.reply(channel, message, 'kernel_info_reply', kernelInfo());
      logger.warn({ msg_type: type }, 'unsupported control message');
      return;
    }
    // Requests that arrive while a cell runs are served at once (so comms and completion stay live), without
    // status messages that would flip the frontend to "idle" in the middle of the cell.
    const withStatus = !this.executing;
    if (withStatus) this.status(message, 'busy');
    try {
      await this.serve(message);
    } finally {
      if (withStatus) this.status(message, 'idle');
    }
  }

  private async serve(message: JupyterMessage): Promise<void> {
    const c = message.content;
    const reply = (msgType: string, content: JsonObject) =>
      this.port.reply('shell', message, msgType, content);
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
        return this.executor.commOpen(
          {
            commId: str(c.comm_id),
            targetName: str(c.target_name),
            data: obj(c.data),
            metadata: message.metadata,
            buffers: message.buffers,
          },
          this.sinkFor(message),
        );
      case 'comm_msg':
      case 'comm_close': {
        const comm = {
          commId: str(c.comm_id),
          data: obj(c.data),
          metadata: message.metadata,
          buffers: message.buffers,
        };
        const sink = this.sinkFor(message);
        return message.header.msg_type === 'comm_msg'
          ? this.executor.commMsg(comm, sink)
          : this.executor.commClose(comm, sink);
      }
      case 'shutdown_request':
        return this.shutdown('shell', message);
      default:
        logger.warn({ msg_type: message.header.msg_type }, 'unsupported shell message');
    }
  }

  /** Runs queued execute requests one at a time, in arrival order. */
  private async pump(): Promise<void> {
    if (this.executing) return;
    this.executing = true;
    try {
      for (let next = this.queue.shift(); next; next = this.queue.shift()) {
        if (this.shuttingDown) break;
        await this.execute(next).catch((error: unknown) => logger.error({ err: error }, 'execute failed'));
      }
    } finally {
      this.executing = false;
    }
  }

  private async execute(message: JupyterMessage): Promise<void> {
    const c = message.content;
    const code = str(c.code);
    const silent = c.silent === true;
    const storeHistory = silent ? false : c.store_history !== false;
    const stopOnError = c.stop_on_error !== false;
    const started = new Date().toISOString();
    this.status(message, 'busy');
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
      this.port.reply(
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
      this.port.reply(
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
    this.status(message, 'idle');
    if (outcome.status === 'error' && stopOnError) this.abortQueued();
  }

  /** After a failed cell, the cells queued behind it are not run (as ipykernel does). */
  private abortQueued(): void {
    for (const queued of this.queue.splice(0)) {
      this.status(queued, 'busy');
      this.port.reply(
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
    this.port.reply('control', message, 'interrupt_reply', { status: 'ok' });
  }

  private async shutdown(channel: ReplyChannel, message: JupyterMessage): Promise<void> {
    const restart = message.content.restart === true;
    this.shuttingDown = true;
    this.port.reply(channel, message, 'shutdown_reply', { status: 'ok', restart });
    await this.executor
      .shutdown()
      .catch((error: unknown) => logger.error({ err: error }, 'executor shutdown failed'));
    this.options.onShutdown?.(restart);
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

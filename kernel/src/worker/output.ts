/**
 * This module contains the executor's output channel: every iopub output of the worker goes through it to the
 * main thread, tagged with the parent token. stdout/stderr writes are coalesced into few large stream messages
 * (flushed by size, by age, on a timer, and before any other output) so a flood of lines arrives whole and
 * in order. A comm handler runs `within` its message's token: everything it outputs, after its awaits and in
 * its timers too, keeps that token (as ipykernel keeps the parent in a context variable).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Output } from '../protocol/messages.js';
import type { FromWorker } from '../executor/worker-protocol.js';

export type StreamName = 'stdout' | 'stderr';

const MAX_CHUNK = 64 * 1024;
const MAX_AGE_MS = 50;

export class OutputChannel {
  /** The token outputs are attributed to outside comm handlers: the running cell, or the last one when idle. */
  token = 0;
  /** The token of the comm message whose handler is running, through its asynchronous continuations. */
  private readonly scope = new AsyncLocalStorage<number>();
  /** When set, nothing but comm messages is sent (a silent execution). */
  muted = false;
  private pending: { name: StreamName; text: string; token: number } | undefined;
  private lastFlush = Date.now();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly post: (message: FromWorker) => void) {}

  /** The token of the output made now: the comm message being handled, else `token`. */
  get current(): number {
    return this.scope.getStore() ?? this.token;
  }

  /** Runs `fn` (a comm handler) with its outputs attributed to `token` for its whole life. */
  within<T>(token: number, fn: () => T): T {
    return this.scope.run(token, fn);
  }

  write(name: StreamName, text: string): void {
    if (this.muted || text.length === 0) return;
    const token = this.current;
    if (this.pending && (this.pending.name !== name || this.pending.token !== token)) this.flush();
    if (this.pending) this.pending.text += text;
    else this.pending = { name, text, token };
    // Synchronous loops never let a timer run, so size and age are checked on every write.
    if (this.pending.text.length >= MAX_CHUNK || Date.now() - this.lastFlush >= MAX_AGE_MS) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), MAX_AGE_MS);
  }

  /** Sends an output after any pending stream text; comm messages pass even when muted. */
  emit(output: Output, token = this.current): void {
    if (this.muted && !output.msgType.startsWith('comm_')) return;
    this.flush();
    this.post({ kind: 'output', token, output });
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.lastFlush = Date.now();
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    this.post({
      kind: 'output',
      token: pending.token,
      output: { msgType: 'stream', content: { name: pending.name, text: pending.text } },
    });
  }
}

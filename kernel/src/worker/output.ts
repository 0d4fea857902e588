/**
 * This module contains the executor's output channel: every iopub output of the worker goes through it to the
 * main thread, tagged with the parent token. stdout/stderr writes are coalesced into few large stream messages
 * (flushed by size, by age, on a timer, and before any other output) so a flood of lines arrives whole and
 * in order.
 */
import type { Output } from '../protocol/messages.js';
import type { FromWorker } from '../executor/worker-protocol.js';

export type StreamName = 'stdout' | 'stderr';

const MAX_CHUNK = 64 * 1024;
const MAX_AGE_MS = 50;

export class OutputChannel {
  /** The token outputs are attributed to: the running cell, or the last one when idle. */
  token = 0;
  /** When set, nothing but comm messages is sent (a silent execution). */
  muted = false;
  private pending: { name: StreamName; text: string; token: number } | undefined;
  private lastFlush = Date.now();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly post: (message: FromWorker) => void) {}

  write(name: StreamName, text: string): void {
    if (this.muted || text.length === 0) return;
    if (this.pending && (this.pending.name !== name || this.pending.token !== this.token)) this.flush();
    if (this.pending) this.pending.text += text;
    else this.pending = { name, text, token: this.token };
    // Synchronous loops never let a timer run, so size and age are checked on every write.
    if (this.pending.text.length >= MAX_CHUNK || Date.now() - this.lastFlush >= MAX_AGE_MS) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), MAX_AGE_MS);
  }

  /** Sends an output after any pending stream text; comm messages pass even when muted. */
  emit(output: Output, token = this.token): void {
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

/**
 * This module contains the messages between the kernel's main thread (ZeroMQ, protocol) and its executor
 * worker thread (compiler, user code, comms). Outputs carry the token of the request they belong to, so the
 * main thread can publish them with the right parent header.
 */
import type { Output } from '../protocol/messages.js';
import type { CommMessage, CommOpenRequest, ExecuteRequest } from './executor.js';

export type WorkerCall =
  | { kind: 'execute'; token: number; request: ExecuteRequest }
  | { kind: 'complete'; code: string; cursorPos: number }
  | { kind: 'inspect'; code: string; cursorPos: number; detailLevel: number }
  | { kind: 'isComplete'; code: string }
  | { kind: 'commOpen'; token: number; request: CommOpenRequest }
  | { kind: 'commMsg'; token: number; message: CommMessage }
  | { kind: 'commClose'; token: number; message: CommMessage }
  | { kind: 'commInfo'; targetName?: string };

export type ToWorker =
  | { kind: 'call'; id: number; call: WorkerCall }
  /** `hard` follows a forced termination of the worker's JavaScript: finish the running cell at once. */
  | { kind: 'interrupt'; hard: boolean };

export type FromWorker =
  | { kind: 'ready' }
  | { kind: 'output'; token: number; output: Output }
  | { kind: 'reply'; id: number; ok: true; value: unknown }
  | { kind: 'reply'; id: number; ok: false; message: string }
  | { kind: 'interrupt-ack' }
  /** How many AutoML runs are in flight: while one is, an interrupt gives the run longer to stop itself. */
  | { kind: 'runs'; active: number }
  /**
   * Whether the worker is in kernel code that an interrupt must not terminate (compiler warm-up, compiling a
   * cell, loading the library): terminating it half-way would break the session.
   */
  | { kind: 'protected'; on: boolean };

/** Data handed to the worker at start. */
export interface WorkerData {
  /** The notebook's directory: module resolution and relative paths start here. */
  directory: string;
}

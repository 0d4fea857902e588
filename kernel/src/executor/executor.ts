/**
 * This module contains the Executor contract: everything the protocol handler asks of the side that holds the
 * session (compiler, user state, comms). The real one runs cells in a worker thread; tests use a stub.
 */
import type { ErrorContent, JsonObject, OutputSink } from '../protocol/messages.js';

export interface ExecuteRequest {
  code: string;
  silent: boolean;
  storeHistory: boolean;
  /** The execution count this cell is shown with. */
  executionCount: number;
  /** Expressions to evaluate after the cell (protocol `user_expressions`), by name. */
  userExpressions: Record<string, string>;
}

export type ExecuteOutcome =
  | {
      status: 'ok';
      /** Protocol payloads, e.g. `{ source: 'page', data, start }`. */
      payload: JsonObject[];
      userExpressions: JsonObject;
      /** The text/plain of the execute_result, kept in the history. */
      resultText?: string;
    }
  | ({ status: 'error'; interrupted: boolean } & ErrorContent);

export interface CompleteResult {
  matches: string[];
  cursor_start: number;
  cursor_end: number;
  metadata: JsonObject;
}

export interface InspectResult {
  found: boolean;
  data: JsonObject;
  metadata: JsonObject;
}

export interface IsCompleteResult {
  status: 'complete' | 'incomplete' | 'invalid' | 'unknown';
  indent?: string;
}

export interface CommOpenRequest {
  commId: string;
  targetName: string;
  data: JsonObject;
  metadata: JsonObject;
  buffers: Uint8Array[];
}

export interface CommMessage {
  commId: string;
  data: JsonObject;
  metadata: JsonObject;
  buffers: Uint8Array[];
}

export interface Executor {
  /** Runs one cell; its outputs (streams, displays, execute_result) go to `sink` before this resolves. */
  execute(request: ExecuteRequest, sink: OutputSink): Promise<ExecuteOutcome>;
  complete(code: string, cursorPos: number): Promise<CompleteResult>;
  inspect(code: string, cursorPos: number, detailLevel: number): Promise<InspectResult>;
  isComplete(code: string): Promise<IsCompleteResult>;
  /** Opens a comm from the frontend; an unknown target answers with a comm_close on `sink`. */
  commOpen(request: CommOpenRequest, sink: OutputSink): Promise<void>;
  commMsg(message: CommMessage, sink: OutputSink): Promise<void>;
  commClose(message: CommMessage, sink: OutputSink): Promise<void>;
  /** Open comms, optionally only those of one target: comm id → target name. */
  commInfo(targetName?: string): Promise<Record<string, { target_name: string }>>;
  /** Stops the running cell (and a running AutoML search) as soon as possible. */
  interrupt(): Promise<void>;
  shutdown(): Promise<void>;
}

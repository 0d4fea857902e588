/**
 * This module contains the shapes of Jupyter messages (protocol 5.3) as the kernel sees them, independent of
 * the wire: header, full message, and the few content types the handler builds.
 */
export const PROTOCOL_VERSION = '5.3';

export interface Header {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
  [extra: string]: unknown;
}

export type JsonObject = Record<string, unknown>;

export interface JupyterMessage<C extends JsonObject = JsonObject> {
  /** ZeroMQ routing identities of the sender (shell/control/stdin), empty on iopub. */
  identities: Uint8Array[];
  header: Header;
  parent_header: Partial<Header>;
  metadata: JsonObject;
  content: C;
  buffers: Uint8Array[];
}

export type ReplyChannel = 'shell' | 'control';

/** Extra parts of an outgoing message besides its content. */
export interface OutgoingParts {
  metadata?: JsonObject;
  buffers?: Uint8Array[];
}

/** The messages a kernel publishes on iopub. */
export type IopubType =
  | 'status'
  | 'execute_input'
  | 'stream'
  | 'display_data'
  | 'update_display_data'
  | 'execute_result'
  | 'error'
  | 'clear_output'
  | 'comm_open'
  | 'comm_msg'
  | 'comm_close';

/** One iopub output produced while serving a request (the parent is added by whoever publishes it). */
export interface Output {
  msgType: IopubType;
  content: JsonObject;
  metadata?: JsonObject;
  buffers?: Uint8Array[];
}

/** Where a request's outputs go: published on iopub with the request as parent. */
export type OutputSink = (output: Output) => void;

export interface ErrorContent {
  ename: string;
  evalue: string;
  traceback: string[];
}

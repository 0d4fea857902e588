/**
 * This module contains the Jupyter wire format: ZeroMQ frames ↔ messages, with signing, and the factory that
 * stamps headers for outgoing messages of this kernel session.
 */
import { randomUUID } from 'node:crypto';
import {
  PROTOCOL_VERSION,
  type Header,
  type JsonObject,
  type JupyterMessage,
  type OutgoingParts,
} from '../protocol/messages.js';
import type { SignatureHistory, Signer } from './signer.js';

export const DELIMITER = '<IDS|MSG>';
const DELIMITER_BYTES = Buffer.from(DELIMITER);
const encoder = new TextEncoder();

/** The outcome of decoding: a message, or why the frames were rejected. */
export type Decoded = { ok: true; message: JupyterMessage } | { ok: false; reason: string };

/**
 * Parses and verifies the frames of one received message; with a `history`, a message whose (valid) signature
 * was seen before is rejected as a replay. Never throws on hostile input.
 */
export function decode(frames: readonly Uint8Array[], signer: Signer, history?: SignatureHistory): Decoded {
  const at = frames.findIndex((f) => f.length === DELIMITER_BYTES.length && DELIMITER_BYTES.equals(f));
  if (at < 0 || frames.length < at + 6) return { ok: false, reason: 'missing delimiter or frames' };
  const signature = Buffer.from(frames[at + 1]).toString('latin1');
  const parts = frames.slice(at + 2, at + 6);
  if (!signer.verify(signature, parts)) return { ok: false, reason: 'bad signature' };
  // Only verified signatures enter the history: a forger cannot make a genuine message look replayed.
  if (signer.enabled && history && !history.remember(signature))
    return { ok: false, reason: 'replayed signature' };
  try {
    const [header, parent, metadata, content] = parts.map((p) => JSON.parse(Buffer.from(p).toString('utf8')));
    if (!isObject(header) || typeof header.msg_type !== 'string' || typeof header.msg_id !== 'string') {
      return { ok: false, reason: 'header without msg_type/msg_id' };
    }
    return {
      ok: true,
      message: {
        identities: frames.slice(0, at),
        header: header as Header,
        parent_header: isObject(parent) ? parent : {},
        metadata: isObject(metadata) ? metadata : {},
        content: isObject(content) ? content : {},
        buffers: frames.slice(at + 6),
      },
    };
  } catch (error) {
    return { ok: false, reason: `invalid JSON (${(error as Error).message})` };
  }
}

/** Serialises and signs a message into ZeroMQ frames. */
export function encode(message: JupyterMessage, signer: Signer): Uint8Array[] {
  const parts = [message.header, message.parent_header, message.metadata, message.content].map((part) =>
    encoder.encode(toJson(part)),
  );
  return [
    ...message.identities,
    DELIMITER_BYTES,
    encoder.encode(signer.sign(parts)),
    ...parts,
    ...message.buffers,
  ];
}

/** Stamps headers of outgoing messages with this kernel's session id. */
export class MessageFactory {
  readonly session = randomUUID();

  constructor(private readonly username = 'kernel') {}

  create(
    msgType: string,
    content: JsonObject,
    parent: JupyterMessage | null,
    parts: OutgoingParts = {},
    identities: Uint8Array[] = [],
  ): JupyterMessage {
    return {
      identities,
      header: {
        msg_id: randomUUID(),
        session: this.session,
        username: this.username,
        date: new Date().toISOString(),
        msg_type: msgType,
        version: PROTOCOL_VERSION,
      },
      parent_header: parent ? parent.header : {},
      metadata: parts.metadata ?? {},
      content,
      buffers: parts.buffers ?? [],
    };
  }
}

/** JSON that survives values JSON.stringify rejects or mangles (bigint, cycles are reported as errors). */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

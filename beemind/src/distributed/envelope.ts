/**
 * This module contains the binary envelope that datasets and results travel in through Redis: a JSON header
 * plus raw typed arrays, so numbers cross the wire exactly (NaN and ±Infinity included) and big arrays cost
 * their bytes, not a text encoding of them.
 *
 * Layout: "BMEV" · u32 LE header length · UTF-8 JSON header · padding to 8 · each array, padded to 8.
 */
import { ProtocolError } from '../core/errors.js';
import { kindOfArray, kindOfShort, type ShortDtype } from '../protocol/dtypes.js';

export type EnvelopeArray = Float64Array | Float32Array | Int32Array | Uint32Array | Uint16Array | Uint8Array;

const MAGIC = 0x56454d42; // "BMEV" read as a little-endian u32
type DType = ShortDtype;

interface ArrayEntry {
  dtype: DType;
  offset: number;
  length: number;
}

interface Header {
  meta: unknown;
  arrays: ArrayEntry[];
}

function dtypeOf(a: EnvelopeArray): DType {
  const kind = kindOfArray(a);
  if (!kind)
    throw new ProtocolError('envelope.bad_array', `cannot pack a ${Object.prototype.toString.call(a)}.`);
  return kind.short;
}

const pad8 = (n: number) => (n + 7) & ~7;

/** Packs `meta` (plain JSON: refer to arrays by their index in `arrays`) and the arrays into one buffer. */
export function encodeEnvelope(meta: unknown, arrays: readonly EnvelopeArray[]): Buffer {
  const entries: ArrayEntry[] = [];
  let offset = 0;
  for (const a of arrays) {
    entries.push({ dtype: dtypeOf(a), offset, length: a.length });
    offset = pad8(offset + a.byteLength);
  }
  const header = Buffer.from(JSON.stringify({ meta, arrays: entries } satisfies Header), 'utf8');
  const body = pad8(8 + header.length);
  const out = Buffer.alloc(body + offset);
  out.writeUInt32LE(MAGIC, 0);
  out.writeUInt32LE(header.length, 4);
  header.copy(out, 8);
  arrays.forEach((a, k) => {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), body + entries[k].offset);
  });
  return out;
}

export interface DecodeOptions {
  /** Put the arrays in SharedArrayBuffer memory (to share them with worker threads without copies). */
  shared?: boolean;
}

/** Unpacks an envelope; each array gets its own aligned (optionally shared) memory. */
export function decodeEnvelope(
  bytes: Uint8Array,
  options: DecodeOptions = {},
): { meta: unknown; arrays: EnvelopeArray[] } {
  const bad = (why: string) =>
    new ProtocolError('envelope.malformed', `a packed dataset or result is malformed (${why}).`);
  if (bytes.length < 8) throw bad('too short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw bad('wrong magic number');
  const headerLength = view.getUint32(4, true);
  if (8 + headerLength > bytes.length) throw bad('header past the end');
  let header: Header;
  try {
    header = JSON.parse(
      Buffer.from(bytes.buffer, bytes.byteOffset + 8, headerLength).toString('utf8'),
    ) as Header;
  } catch {
    throw bad('header is not JSON');
  }
  if (!header || !Array.isArray(header.arrays)) throw bad('no array table');
  const body = pad8(8 + headerLength);
  const arrays = header.arrays.map((entry) => {
    const Ctor = typeof entry?.dtype === 'string' ? kindOfShort(entry.dtype)?.array : undefined;
    if (!Ctor || !Number.isInteger(entry.offset) || !Number.isInteger(entry.length) || entry.length < 0) {
      throw bad('bad array entry');
    }
    const byteLength = entry.length * Ctor.BYTES_PER_ELEMENT;
    const start = body + entry.offset;
    if (entry.offset < 0 || start + byteLength > bytes.length) throw bad('array past the end');
    const memory = options.shared ? new SharedArrayBuffer(byteLength) : new ArrayBuffer(byteLength);
    new Uint8Array(memory).set(bytes.subarray(start, start + byteLength));
    return new (Ctor as unknown as new (buffer: ArrayBufferLike) => EnvelopeArray)(memory);
  });
  return { meta: header.meta, arrays };
}

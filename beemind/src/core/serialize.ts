/**
 * Lossless JSON encoding of typed arrays (NaN and ±Infinity survive, unlike plain JSON numbers).
 * Used by every estimator's and transformer's toJSON/fromJSON.
 */
import { ProtocolError } from './errors.js';

export interface PackedArray {
  dtype: 'f64' | 'i32' | 'u8' | 'u16' | 'f32';
  base64: string;
}

type Typed = Float64Array | Int32Array | Uint8Array | Uint16Array | Float32Array;

const constructors = {
  f64: Float64Array,
  i32: Int32Array,
  u8: Uint8Array,
  u16: Uint16Array,
  f32: Float32Array,
} as const;

function dtypeOf(a: Typed): PackedArray['dtype'] {
  if (a instanceof Float64Array) return 'f64';
  if (a instanceof Int32Array) return 'i32';
  if (a instanceof Uint8Array) return 'u8';
  if (a instanceof Uint16Array) return 'u16';
  return 'f32';
}

export function pack(a: Typed): PackedArray {
  return { dtype: dtypeOf(a), base64: Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64') };
}

function unpackAny(p: PackedArray): Typed {
  // a fresh ArrayBuffer (never shared), so callers get Float64Array<ArrayBuffer> etc.
  const Ctor = constructors[p?.dtype];
  if (!Ctor || typeof p.base64 !== 'string') {
    throw new ProtocolError('serialize.bad_array', 'a serialised array is malformed (expected {dtype, base64}).');
  }
  const bytes = Buffer.from(p.base64, 'base64');
  // copy into a fresh, aligned buffer
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Ctor(copy.buffer, 0, bytes.byteLength / Ctor.BYTES_PER_ELEMENT);
}

export function unpackF64(p: PackedArray): Float64Array<ArrayBuffer> {
  return unpackAny(p) as Float64Array<ArrayBuffer>;
}
export function unpackI32(p: PackedArray): Int32Array<ArrayBuffer> {
  return unpackAny(p) as Int32Array<ArrayBuffer>;
}
export function unpackU8(p: PackedArray): Uint8Array<ArrayBuffer> {
  return unpackAny(p) as Uint8Array<ArrayBuffer>;
}
export function unpackU16(p: PackedArray): Uint16Array<ArrayBuffer> {
  return unpackAny(p) as Uint16Array<ArrayBuffer>;
}
export function unpackF32(p: PackedArray): Float32Array<ArrayBuffer> {
  return unpackAny(p) as Float32Array<ArrayBuffer>;
}

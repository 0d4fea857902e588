/**
 * Lossless JSON encoding of typed arrays (NaN and ±Infinity survive, unlike plain JSON numbers).
 * Used by every estimator's and transformer's toJSON/fromJSON.
 */
import { kindOfArray, kindOfShort } from '../protocol/dtypes.js';
import { ProtocolError } from './errors.js';

export interface PackedArray {
  dtype: 'f64' | 'i32' | 'u8' | 'u16' | 'f32';
  base64: string;
}

type Typed = Float64Array | Int32Array | Uint8Array | Uint16Array | Float32Array;

/** The dtypes a model file may hold. */
const STORED = new Set<string>(['f64', 'i32', 'u8', 'u16', 'f32'] satisfies PackedArray['dtype'][]);

function dtypeOf(a: Typed): PackedArray['dtype'] {
  return kindOfArray(a)!.short as PackedArray['dtype'];
}

export function pack(a: Typed): PackedArray {
  return { dtype: dtypeOf(a), base64: Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64') };
}

function malformed(problem: string): ProtocolError {
  return new ProtocolError(
    'serialize.bad_array',
    `a serialised array is malformed: ${problem}; save or export the model again.`,
  );
}

/** Unpacks `p`, which must have exactly `dtype` and a whole number of elements. */
function unpackAs(p: PackedArray, dtype: PackedArray['dtype']): Typed {
  const found: unknown = isObject(p) && Object.hasOwn(p, 'dtype') ? p.dtype : undefined;
  const base64: unknown = isObject(p) && Object.hasOwn(p, 'base64') ? p.base64 : undefined;
  if (typeof found !== 'string' || typeof base64 !== 'string' || !STORED.has(found)) {
    throw malformed('expected {dtype, base64} with dtype one of f64, i32, u8, u16, f32');
  }
  if (found !== dtype) throw malformed(`it holds ${found} values where ${dtype} values belong`);
  // one of the stored dtypes (checked above), so one of the Typed arrays
  const Ctor = kindOfShort(dtype)!.array as unknown as {
    new (b: ArrayBuffer, o: number, n: number): Typed;
    BYTES_PER_ELEMENT: number;
  };
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.byteLength % Ctor.BYTES_PER_ELEMENT !== 0) {
    throw malformed(`${bytes.byteLength} bytes are not a whole number of ${dtype} values`);
  }
  // a fresh, aligned ArrayBuffer (never shared), so callers get Float64Array<ArrayBuffer> etc.
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Ctor(copy.buffer, 0, bytes.byteLength / Ctor.BYTES_PER_ELEMENT);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export function unpackF64(p: PackedArray): Float64Array<ArrayBuffer> {
  return unpackAs(p, 'f64') as Float64Array<ArrayBuffer>;
}
export function unpackI32(p: PackedArray): Int32Array<ArrayBuffer> {
  return unpackAs(p, 'i32') as Int32Array<ArrayBuffer>;
}
export function unpackU8(p: PackedArray): Uint8Array<ArrayBuffer> {
  return unpackAs(p, 'u8') as Uint8Array<ArrayBuffer>;
}
export function unpackU16(p: PackedArray): Uint16Array<ArrayBuffer> {
  return unpackAs(p, 'u16') as Uint16Array<ArrayBuffer>;
}
export function unpackF32(p: PackedArray): Float32Array<ArrayBuffer> {
  return unpackAs(p, 'f32') as Float32Array<ArrayBuffer>;
}

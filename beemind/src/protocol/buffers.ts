/**
 * This module contains how large numeric arrays travel in comm messages (docs/protocol.md). The kernel packs:
 * typed arrays, and number arrays of at least BINARY_THRESHOLD elements, move into binary buffers and are
 * replaced in the JSON by `{ "$buffer": index, "dtype": "float64" | …, "length": n }`. The panels unpack:
 * each placeholder becomes a plain number array again, so the JSON schemas apply unchanged.
 */
import { kindOfArray, kindOfName } from './dtypes.js';

export const BINARY_THRESHOLD = 256;

export interface Packed {
  json: unknown;
  buffers: Uint8Array[];
}

/** Replaces large numeric arrays by buffer references; other values are copied as JSON would see them. */
export function packBuffers(value: unknown): Packed {
  const buffers: Uint8Array[] = [];
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v !== 'object' || v === null || depth > 64) return v;
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      const dtype = kindOfArray(v)?.name;
      if (dtype) {
        buffers.push(new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength)));
        return { $buffer: buffers.length - 1, dtype, length: (v as unknown as { length: number }).length };
      }
    }
    if (Array.isArray(v)) {
      if (v.length >= BINARY_THRESHOLD && v.every((x) => typeof x === 'number')) {
        const array = Float64Array.from(v as number[]);
        buffers.push(new Uint8Array(array.buffer));
        return { $buffer: buffers.length - 1, dtype: 'float64', length: array.length };
      }
      return v.map((x) => walk(x, depth + 1));
    }
    if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = walk(x, depth + 1);
    return out;
  };
  return { json: walk(value, 0), buffers };
}

/** A field the object itself has (never one inherited, e.g. through a `__proto__` key). */
export function ownField(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && Object.hasOwn(value, key)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

/**
 * Replaces buffer placeholders by plain number arrays. A placeholder with an unknown dtype, a missing buffer or
 * a length that is not a whole number ≥ 0 is left as is, for the schema check to report; object keys are
 * copied as own fields, so `__proto__` stays a plain key.
 */
export function unpackBuffers(value: unknown, buffers: readonly (ArrayBuffer | ArrayBufferView)[]): unknown {
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v !== 'object' || v === null || depth > 64) return v;
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
    const [index, dtype, length] = ['$buffer', 'dtype', 'length'].map((k) => ownField(v, k));
    if (typeof index === 'number' && typeof dtype === 'string' && typeof length === 'number') {
      const source = Number.isSafeInteger(index) && index >= 0 ? buffers[index] : undefined;
      const make = kindOfName(dtype)?.array;
      if (!source || !make || !Number.isSafeInteger(length) || length < 0) return v;
      const bytes = ArrayBuffer.isView(source) ? source : new Uint8Array(source);
      // Copy to an aligned buffer: a view's byteOffset need not be a multiple of the element size.
      const copy = new Uint8Array(bytes.byteLength);
      copy.set(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      const count = Math.min(length, Math.floor(copy.byteLength / make.BYTES_PER_ELEMENT));
      return Array.from(new make(copy.buffer, 0, count));
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      Object.defineProperty(out, k, {
        value: walk(x, depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  };
  return walk(value, 0);
}

/**
 * This module contains how large numeric arrays travel in comm messages: typed arrays, and number arrays of
 * at least BINARY_THRESHOLD elements, are moved into binary buffers and replaced in the JSON by
 * `{ "$buffer": index, "dtype": "float64" | …, "length": n }` (see docs/protocol.md).
 */
export const BINARY_THRESHOLD = 256;

const DTYPES = new Map<string, string>([
  ['Float64Array', 'float64'],
  ['Float32Array', 'float32'],
  ['Int32Array', 'int32'],
  ['Uint32Array', 'uint32'],
  ['Int16Array', 'int16'],
  ['Uint16Array', 'uint16'],
  ['Int8Array', 'int8'],
  ['Uint8Array', 'uint8'],
  ['Uint8ClampedArray', 'uint8'],
]);

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
      const dtype = DTYPES.get(v.constructor.name);
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

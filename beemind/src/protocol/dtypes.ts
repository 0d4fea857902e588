/**
 * This module contains the one table of the typed arrays BeeMind stores and moves, with the two names each goes
 * by on the wire: the short name of model files and the Redis envelope (`f64`), and the long name of comm
 * messages (`float64`, docs/protocol.md). Both are parts of saved or documented formats, so both stay; the
 * table says once which array each means.
 */

export const TYPED_ARRAYS = [
  { short: 'f64', name: 'float64', array: Float64Array },
  { short: 'f32', name: 'float32', array: Float32Array },
  { short: 'i32', name: 'int32', array: Int32Array },
  { short: 'u32', name: 'uint32', array: Uint32Array },
  { short: 'i16', name: 'int16', array: Int16Array },
  { short: 'u16', name: 'uint16', array: Uint16Array },
  { short: 'i8', name: 'int8', array: Int8Array },
  { short: 'u8', name: 'uint8', array: Uint8Array },
] as const;

export type TypedArrayKind = (typeof TYPED_ARRAYS)[number];
export type ShortDtype = TypedArrayKind['short'];

// Maps, not objects: a dtype read from a file or a message, such as `__proto__`, must find nothing
const byShort = new Map<string, TypedArrayKind>(TYPED_ARRAYS.map((k) => [k.short, k]));
const byName = new Map<string, TypedArrayKind>(TYPED_ARRAYS.map((k) => [k.name, k]));
const byTag = new Map<string, TypedArrayKind>([
  ...TYPED_ARRAYS.map((k) => [`[object ${k.array.name}]`, k] as const),
  ['[object Uint8ClampedArray]', byShort.get('u8')!], // travels as plain bytes
]);

/** The kind a short dtype (`f64`) names, if any. */
export function kindOfShort(short: string): TypedArrayKind | undefined {
  return byShort.get(short);
}

/** The kind a long dtype (`float64`) names, if any. */
export function kindOfName(name: string): TypedArrayKind | undefined {
  return byName.get(name);
}

/**
 * The kind of a typed array, if it is one of the table's. By its tag rather than instanceof, so that arrays
 * made in another realm (a worker thread, a vm context, a notebook cell) count too.
 */
export function kindOfArray(view: unknown): TypedArrayKind | undefined {
  return byTag.get(Object.prototype.toString.call(view));
}

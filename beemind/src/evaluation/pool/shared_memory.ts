/**
 * Copies typed arrays into SharedArrayBuffer memory so pool workers read one copy instead of one each.
 */

export type SharedTypedArray =
  | Float64Array
  | Float32Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray;

/** True when the array's memory is a SharedArrayBuffer (structured cloning then shares instead of copying). */
export function isShared(a: ArrayBufferView): boolean {
  // toString rather than instanceof: arrays made in another realm (vm context, worker) still count
  return Object.prototype.toString.call(a.buffer) === '[object SharedArrayBuffer]';
}

/**
 * Returns `a` itself if it already lives in shared memory, otherwise a copy of it in a new SharedArrayBuffer.
 * Hand the result to `WorkerPool.share()` and every worker sees the same memory (no copy per worker).
 * Workers must treat shared arrays as read-only: writes are visible to every thread.
 */
export function toShared<T extends SharedTypedArray>(a: T): T {
  if (isShared(a)) return a;
  const Ctor = a.constructor as new (buffer: SharedArrayBuffer, byteOffset: number, length: number) => T;
  const copy = new Ctor(new SharedArrayBuffer(a.byteLength), 0, a.length);
  copy.set(a as never);
  return copy;
}

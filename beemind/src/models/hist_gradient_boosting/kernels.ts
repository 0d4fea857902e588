/**
 * This module contains the bridge to the WebAssembly kernels of kernels.wat: it compiles them once per
 * process and allocates a Workspace per fit, one linear memory that holds every array the kernels touch
 * (bin codes, gradients, sample indices, histograms) and exposes each as a typed-array view. Kernels take
 * byte offsets, so any view on the workspace can be handed to them through its `byteOffset`.
 */
import { DataError } from '../../core/errors.js';
import { wasmBase64 } from './kernels_wasm.js';

/** The exported kernels; every pointer is a byte offset into the workspace memory. */
export interface Kernels {
  histogramRoot(
    bins: number,
    n: number,
    nFeatures: number,
    featureBytes: number,
    gh: number,
    hist: number,
  ): void;
  histogramIndexed(
    bins: number,
    n: number,
    nFeatures: number,
    featureBytes: number,
    idx: number,
    m: number,
    gh: number,
    ogh: number,
    hist: number,
  ): void;
  subtract(parent: number, child: number, bytes: number): void;
  bestSplit(
    hist: number,
    nFeatures: number,
    featureBytes: number,
    nBins: number,
    hasMissing: number,
    allowed: number,
    sumG: number,
    sumH: number,
    n: number,
    l2: number,
    minSamples: number,
    minHessian: number,
    minGain: number,
    out: number,
  ): number;
  logisticGradients(raw: number, y: number, gh: number, n: number): void;
  softmaxGradients(raw: number, y: number, gh: number, n: number, K: number, scratch: number): void;
  addAt(values: number, idx: number, m: number, value: number): void;
  partition(
    col: number,
    idx: number,
    m: number,
    threshold: number,
    missingBin: number,
    missingGoLeft: number,
    buffer: number,
  ): number;
}

const arrayTypes = { u8: Uint8Array, i32: Int32Array, f32: Float32Array, f64: Float64Array } as const;
type ArrayTypes = typeof arrayTypes;
export type ArrayKind = keyof ArrayTypes;
/** Requested arrays: name → [element type, length]. */
export type WorkspaceSpec = Record<string, readonly [ArrayKind, number]>;
export type WorkspaceArrays<S extends WorkspaceSpec> = { [K in keyof S]: InstanceType<ArrayTypes[S[K][0]]> };

// The compiler's lib (ES2023, no DOM) has no WebAssembly types: declare the little used here.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmModule {
  readonly __wasmModule?: never;
}
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (
    module: WasmModule,
    imports: Record<string, Record<string, unknown>>,
  ) => { exports: unknown };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
};

const PAGE_BYTES = 65536;
const MAX_PAGES = 65536; // 4 GiB: the 32-bit address space of WebAssembly
const ALIGN = 16;

let compiled: WasmModule | null = null;

function kernelModule(): WasmModule {
  compiled ??= new WebAssembly.Module(Buffer.from(wasmBase64, 'base64'));
  return compiled;
}

export interface Workspace<S extends WorkspaceSpec> {
  kernels: Kernels;
  arrays: WorkspaceArrays<S>;
}

/** Allocates the named arrays (zero-filled, 16-byte aligned) in a fresh kernel memory. */
export function allocateWorkspace<S extends WorkspaceSpec>(spec: S): Workspace<S> {
  let bytes = 0;
  for (const [kind, length] of Object.values(spec))
    bytes += alignUp(length * arrayTypes[kind].BYTES_PER_ELEMENT);
  const pages = Math.max(1, Math.ceil(bytes / PAGE_BYTES));
  if (pages > MAX_PAGES) {
    throw new DataError(
      'data.too_large',
      `hist_gradient_boosting needs ${(bytes / 2 ** 30).toFixed(1)} GiB of working memory for this data, over the ` +
        '4 GiB limit of its WebAssembly kernels; fit on fewer rows or features, or lower maxBins/maxLeafNodes.',
    );
  }
  const memory = new WebAssembly.Memory({ initial: pages });
  const kernels = new WebAssembly.Instance(kernelModule(), { env: { memory } }).exports as Kernels;
  const arrays: Record<string, ArrayBufferView> = {};
  let offset = 0;
  for (const [name, [kind, length]] of Object.entries(spec)) {
    const Ctor = arrayTypes[kind];
    arrays[name] = new Ctor(memory.buffer, offset, length);
    offset += alignUp(length * Ctor.BYTES_PER_ELEMENT);
  }
  return { kernels, arrays: arrays as WorkspaceArrays<S> };
}

function alignUp(bytes: number): number {
  return Math.ceil(bytes / ALIGN) * ALIGN;
}

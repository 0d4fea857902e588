/**
 * This module contains the choice of TensorFlow.js backend for the neural models, made once per process:
 * native TensorFlow (`@tensorflow/tfjs-node-gpu` or `@tensorflow/tfjs-node`, optional: used when the user
 * installed one), else `@tensorflow/tfjs` on the WebAssembly backend, else its pure-JavaScript `cpu`
 * backend. `BEEMIND_TF_BACKEND=tensorflow|wasm|cpu` forces a choice.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import { ConfigurationError } from '../../core/errors.js';
import { logger } from '../../core/logger.js';

export type TensorFlow = typeof TF;

export interface TensorflowBackend {
  /** 'tensorflow' (native, tfjs-node), 'wasm' or 'cpu'. */
  name: string;
  /** Which package provides it, e.g. '@tensorflow/tfjs-node'. */
  provider: string;
  tf: TensorFlow;
}

const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'];
const CHOICES = ['tensorflow', 'wasm', 'cpu'] as const;

// The TensorFlow.js packages are CommonJS bundles: require() loads them about 3× faster than import(),
// which first scans the whole bundle for its named exports. Loading happens on first use only.
const require = createRequire(import.meta.url);

let selected: Promise<TensorflowBackend> | undefined;
let active: TensorflowBackend | undefined;

/** The TensorFlow.js instance with the best available backend, initialised on first call. */
export function tensorflowBackend(): Promise<TensorflowBackend> {
  selected ??= selectBackend().then(
    (b) => {
      active = b;
      logger.info({ backend: b.name, provider: b.provider }, 'TensorFlow.js backend ready');
      return b;
    },
    (error: unknown) => {
      selected = undefined; // let a corrected configuration try again
      throw error;
    },
  );
  return selected;
}

/** Name and provider of the backend in use, or null before any neural model has been trained. */
export function activeTensorflowBackend(): { name: string; provider: string } | null {
  return active ? { name: active.name, provider: active.provider } : null;
}

async function selectBackend(): Promise<TensorflowBackend> {
  const forced = process.env.BEEMIND_TF_BACKEND?.trim().toLowerCase() || undefined;
  if (forced && !(CHOICES as readonly string[]).includes(forced)) {
    throw new ConfigurationError(
      'tf.unknown_backend',
      `BEEMIND_TF_BACKEND="${forced}" is not a backend BeeMind knows; use one of ${CHOICES.join(', ')} or unset it.`,
    );
  }
  if (!forced || forced === 'tensorflow') {
    for (const pkg of NATIVE_PACKAGES) {
      const tf = tryRequire(pkg);
      if (tf) {
        await tf.ready();
        return { name: tf.getBackend(), provider: pkg, tf };
      }
    }
    if (forced) {
      throw new ConfigurationError(
        'tf.native_missing',
        'BEEMIND_TF_BACKEND=tensorflow but neither @tensorflow/tfjs-node nor @tensorflow/tfjs-node-gpu can be loaded; install one (npm install @tensorflow/tfjs-node) or unset the variable.',
      );
    }
  }
  const tf = require('@tensorflow/tfjs') as TensorFlow;
  if (!forced || forced === 'wasm') {
    try {
      const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
      // the .wasm binaries ship next to the package's entry point; point the loader at that directory
      wasm.setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep);
      if (await tf.setBackend('wasm')) {
        await tf.ready();
        return { name: 'wasm', provider: '@tensorflow/tfjs-backend-wasm', tf };
      }
    } catch (error) {
      logger.warn(
        { err: error },
        'the TensorFlow.js WebAssembly backend failed to start; falling back to cpu',
      );
    }
  }
  await tf.setBackend('cpu');
  await tf.ready();
  // the cpu backend would otherwise print a "install tfjs-node" banner into the user's output
  tf.env().set('PROD', true);
  return { name: 'cpu', provider: '@tensorflow/tfjs-backend-cpu', tf };
}

/** Loads an optional package by name; null when it is not installed or fails to load. */
function tryRequire(pkg: string): TensorFlow | null {
  try {
    const mod = require(pkg) as TensorFlow;
    return typeof mod.tensor === 'function' ? mod : null;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') {
      logger.warn({ err: error, pkg }, `${pkg} is installed but failed to load; using another backend`);
    }
    return null;
  }
}

/**
 * This module contains model-agnostic Shapley values against a background sample (interventional: a column
 * outside the coalition takes a background row's value): exact enumeration of every coalition for a few
 * columns, else seeded permutation sampling with antithetic pairs (each permutation and its reverse), whose
 * standard error is reported. Both give base + Σ attributions = the output for every row. The pairs walk from
 * every background row equally often, so the estimate's error comes from the permutations alone; the
 * reported standard error also counts the spread over background rows, so it errs on the safe side.
 */
import { Random } from '../core/random.js';
import type { Frame } from '../data/frame.js';
import { popcount, shapleyWeights } from './combinatorics.js';
import { hybridFrame } from './rows.js';
import type { Attribution } from './attribution.js';

/** The function explained: the raw output of every row of a frame, rows × outputs, row-major. */
export type OutputFunction = (frame: Frame) => Float64Array;

export interface SamplingOptions {
  /** Exact enumeration when the frame has at most this many columns (default 10). */
  exactColumns?: number;
  /** Antithetic permutation pairs per row for sampling (default 64; rounded up to use every background row equally). */
  permutations?: number;
  seed?: number;
}

/** Hybrid rows evaluated per explained row by exact enumeration (bounds the background it uses). */
const EXACT_EVALUATIONS = 65_536;

/**
 * Shapley values of every row of `explained` for `f` against `background` (same columns, same order):
 * values over the frame's columns, output-major per row.
 */
export function agnosticShapley(
  f: OutputFunction,
  nOutputs: number,
  explained: Frame,
  background: Frame,
  options: SamplingOptions = {},
): Attribution {
  const p = explained.columns.length;
  if (p <= (options.exactColumns ?? 10)) return exactShapley(f, nOutputs, explained, background);
  return permutationShapley(f, nOutputs, explained, background, options);
}

/** Enumerates all 2^p coalitions against (at most EXACT_EVALUATIONS / 2^p of) the background rows. */
function exactShapley(f: OutputFunction, K: number, explained: Frame, background: Frame): Attribution {
  const p = explained.columns.length;
  const nMasks = 1 << p;
  const nb = Math.max(1, Math.min(background.rows, Math.floor(EXACT_EVALUATIONS / nMasks)));
  const bg: Frame =
    nb === background.rows
      ? background
      : {
          rows: nb,
          columns: background.columns.map((c) => ({ ...c, values: c.values.slice(0, nb) }) as typeof c),
        };
  const masks: Uint8Array[] = [];
  for (let m = 0; m < nMasks; m++) {
    const mask = new Uint8Array(p);
    for (let j = 0; j < p; j++) mask[j] = (m >> j) & 1;
    masks.push(mask);
  }
  const weights = shapleyWeights(p);
  const values: Float64Array[] = [];
  let base: Float64Array | null = null;
  for (let i = 0; i < explained.rows; i++) {
    const out = f(hybridFrame(explained, i, bg, masks));
    // v[m·K + k]: mean output k over the background with coalition m taken from the row
    const v = new Float64Array(nMasks * K);
    for (let m = 0; m < nMasks; m++) {
      for (let b = 0; b < nb; b++) {
        const o = (m * nb + b) * K;
        for (let k = 0; k < K; k++) v[m * K + k] += out[o + k];
      }
    }
    for (let q = 0; q < v.length; q++) v[q] /= nb;
    if (!base) base = v.slice(0, K);
    const phi = new Float64Array(K * p);
    for (let m = 0; m < nMasks; m++) {
      const w = weights.length > 0 ? weights[popcount(m)] : 0;
      for (let j = 0; j < p; j++) {
        if ((m >> j) & 1) continue;
        const withJ = m | (1 << j);
        for (let k = 0; k < K; k++) phi[k * p + j] += w * (v[withJ * K + k] - v[m * K + k]);
      }
    }
    values.push(phi);
  }
  return {
    base: base ?? new Float64Array(K),
    values,
    method: `exact Shapley over ${p} columns (interventional, ${nb} background rows)`,
    maxError: 0,
  };
}

/**
 * Antithetic permutation sampling: pair m draws a permutation, walks it and its reverse from background row
 * m mod nb to the explained row, and credits each column with the mean of its two marginal contributions.
 */
function permutationShapley(
  f: OutputFunction,
  K: number,
  explained: Frame,
  background: Frame,
  options: SamplingOptions,
): Attribution {
  const p = explained.columns.length;
  const nb = background.rows;
  const requested = Math.max(1, options.permutations ?? 64);
  const nPairs = Math.ceil(requested / nb) * nb;
  const seed = options.seed ?? 0;
  const rng = new Random(seed);
  const values: Float64Array[] = [];
  let base: Float64Array | null = null;
  let maxError = 0;
  // per pair: 2 walks of p + 1 hybrid rows each
  const stepsPerWalk = p + 1;
  const masks: Uint8Array[] = [];
  const pairs = new Int32Array(nPairs * 2 * stepsPerWalk);
  for (let i = 0; i < explained.rows; i++) {
    masks.length = 0;
    const orders: Int32Array[] = [];
    for (let pair = 0; pair < nPairs; pair++) {
      const order = rng.permutation(p);
      const reverse = order.slice().reverse();
      for (const walk of [order, reverse]) {
        orders.push(walk);
        const mask = new Uint8Array(p);
        masks.push(mask.slice());
        for (let t = 0; t < p; t++) {
          mask[walk[t]] = 1;
          masks.push(mask.slice());
        }
      }
      pairs.fill(pair % nb, pair * 2 * stepsPerWalk, (pair + 1) * 2 * stepsPerWalk);
    }
    const out = f(hybridFrame(explained, i, background, masks, pairs));
    const sum = new Float64Array(K * p);
    const sumSquares = new Float64Array(K * p);
    const sample = new Float64Array(K * p);
    const rowBase = new Float64Array(K);
    for (let pair = 0; pair < nPairs; pair++) {
      sample.fill(0);
      for (let w = 0; w < 2; w++) {
        const walk = orders[pair * 2 + w];
        const start = (pair * 2 + w) * stepsPerWalk;
        if (w === 0) for (let k = 0; k < K; k++) rowBase[k] += out[start * K + k];
        for (let t = 0; t < p; t++) {
          const before = (start + t) * K;
          const after = before + K;
          for (let k = 0; k < K; k++) sample[k * p + walk[t]] += 0.5 * (out[after + k] - out[before + k]);
        }
      }
      for (let q = 0; q < sample.length; q++) {
        sum[q] += sample[q];
        sumSquares[q] += sample[q] * sample[q];
      }
    }
    const phi = new Float64Array(K * p);
    for (let q = 0; q < phi.length; q++) {
      const mean = sum[q] / nPairs;
      phi[q] = mean;
      if (nPairs > 1) {
        const variance = Math.max(0, (sumSquares[q] - nPairs * mean * mean) / (nPairs - 1));
        maxError = Math.max(maxError, Math.sqrt(variance / nPairs));
      }
    }
    for (let k = 0; k < K; k++) rowBase[k] /= nPairs;
    if (!base) base = rowBase.slice();
    // every row walks from the same background rows in the same order, so its base equals the first row's;
    // a model whose output depends on the batch (float32 kernels) may differ in the last digits, which goes
    // into the first column so that base + Σ attributions stays the output
    for (let k = 0; k < K; k++) phi[k * p] += rowBase[k] - base[k];
    values.push(phi);
  }
  return {
    base: base ?? new Float64Array(K),
    values,
    method: `permutation (n=${nPairs * 2}, antithetic, ${nb} background rows, seed=${seed})`,
    maxError,
  };
}

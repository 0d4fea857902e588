/**
 * This module contains greedy ensemble selection (Caruana et al., 2004) over the drones' out-of-fold
 * predictions: repeatedly add, with replacement, the member that most improves the averaged prediction.
 */
import { createMatrix, valuesOf, type Matrix } from '../core/matrix.js';
import { argmaxRows } from '../models/estimator.js';
import { r2 } from '../metrics/regression.js';
import type { Scorer } from '../metrics/scorers.js';

export interface EnsembleCandidate {
  id: string;
  /** Out-of-fold predictions on the search rows: class probabilities (rows × classes) or values. */
  oof: Matrix | Float64Array;
}

/** Matrix or vector, tested by shape: typed arrays from a worker thread may come from another realm. */
function isMatrix(p: Matrix | Float64Array): p is Matrix {
  return !ArrayBuffer.isView(p);
}

/** The largest root mean square difference between near copies, as a share of the predictions' spread. */
const NEAR_COPY = 0.05;

/**
 * Whether predictions `a` are a near copy of `b`: their root mean square difference is within 5% of `b`'s
 * standard deviation (a correlation of about 0.999), so averaging the two would move the predictions by a
 * fortieth of their spread. That is R² of `a` against `b` of at least 1 − 0.05². Scale-free: the same verdict for
 * values in dollars or in thousands of dollars, and for class probabilities (flattened rows × classes).
 */
export function nearCopy(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  return r2(b, a) >= 1 - NEAR_COPY ** 2;
}

export interface EnsembleSelection {
  members: { id: string; weight: number }[];
  score: number;
}

/** Scores an averaged prediction with a scorer that may want probabilities or class indices. */
export function scoreAverage(scorer: Scorer, y: Float64Array, average: Matrix | Float64Array): number {
  if (!isMatrix(average)) return scorer.score(y, average);
  return scorer.score(y, scorer.needsProba ? average : argmaxRows(average));
}

/**
 * Chooses ensemble weights. Returns null when no candidate has predictions. `size` is the number of
 * greedy additions; the best prefix of the sequence is kept.
 */
export function selectEnsemble(
  candidates: readonly EnsembleCandidate[],
  y: Float64Array,
  scorer: Scorer,
  size = 25,
): EnsembleSelection | null {
  if (candidates.length === 0) return null;
  const sign = scorer.greaterIsBetter ? 1 : -1;
  const first = candidates[0].oof;
  const length = valuesOf(first).length;
  const sum = new Float64Array(length);
  const counts = new Map<string, number>();
  let bestScore = -Infinity;
  let bestCounts = new Map<string, number>();
  const trial = new Float64Array(length);
  const wrap = (data: Float64Array): Matrix | Float64Array =>
    isMatrix(first) ? createMatrix(first.rows, first.cols, data) : data;

  for (let step = 1; step <= size; step++) {
    let chosen = -1;
    let chosenScore = -Infinity;
    candidates.forEach((c, k) => {
      const values = valuesOf(c.oof);
      for (let i = 0; i < length; i++) trial[i] = (sum[i] + values[i]) / step;
      const s = sign * scoreAverage(scorer, y, wrap(trial));
      if (s > chosenScore) {
        chosenScore = s;
        chosen = k;
      }
    });
    const c = candidates[chosen];
    const values = valuesOf(c.oof);
    for (let i = 0; i < length; i++) sum[i] += values[i];
    counts.set(c.id, (counts.get(c.id) ?? 0) + 1);
    // on a tie the larger ensemble is kept: the same score out of fold from more models averaged
    if (chosenScore >= bestScore) {
      bestScore = chosenScore;
      bestCounts = new Map(counts);
    }
  }
  const total = [...bestCounts.values()].reduce((a, b) => a + b, 0);
  return {
    members: [...bestCounts.entries()]
      .map(([id, n]) => ({ id, weight: n / total }))
      .sort((a, b) => b.weight - a.weight || (a.id < b.id ? -1 : 1)),
    score: sign * bestScore,
  };
}

/**
 * The greedy ensemble over `candidates` whose members can be refit in the `msLeft()` left once it is chosen,
 * refitting drones `ids` taking `refitMs(ids)`: while the chosen members cannot, the slowest of them leaves the
 * candidates and the selection runs again, as an ensemble of quicker drones beats none. Null when no ensemble of
 * two or more fits. The time left is read after each selection, which itself takes time on large tables.
 */
export function affordableEnsemble(
  candidates: readonly EnsembleCandidate[],
  y: Float64Array,
  scorer: Scorer,
  refitMs: (ids: readonly string[]) => number,
  msLeft: () => number,
): EnsembleSelection | null {
  let pool = [...candidates];
  for (;;) {
    const selection = selectEnsemble(pool, y, scorer);
    if (!selection || selection.members.length < 2) return null;
    const ids = selection.members.map((m) => m.id);
    if (refitMs(ids) < msLeft()) return selection;
    const slowest = ids.reduce((a, b) => (refitMs([b]) > refitMs([a]) ? b : a));
    pool = pool.filter((c) => c.id !== slowest);
  }
}

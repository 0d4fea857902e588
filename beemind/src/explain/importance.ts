/**
 * This module contains permutation feature importance: how much the score drops when one input column is
 * shuffled, averaged over seeded repeats, with its spread. Works on the user's original columns.
 */
import { Random } from '../core/random.js';
import type { Column, Frame } from '../data/frame.js';
import type { Scorer } from '../metrics/scorers.js';

export interface FeatureImportance {
  feature: string;
  /** Mean score drop (positive = the model relies on the feature). */
  importance: number;
  /** Standard deviation of the drop over repeats. */
  std: number;
}

/** Scores predictions of a fitted model on a frame (probabilities or labels, whatever the scorer needs). */
export type FrameScorer = (frame: Frame) => number;

function permuted(column: Column, order: Int32Array): Column {
  if (column.kind === 'categorical') {
    return { ...column, values: Array.from(order, (i) => column.values[i]) };
  }
  return { ...column, values: Float64Array.from(order, (i) => column.values[i]) };
}

export function permutationImportance(
  score: FrameScorer,
  frame: Frame,
  scorer: Pick<Scorer, 'greaterIsBetter'>,
  { repeats = 5, seed = 0 }: { repeats?: number; seed?: number } = {},
): FeatureImportance[] {
  const baseline = score(frame);
  const sign = scorer.greaterIsBetter ? 1 : -1;
  const rng = new Random(seed);
  return frame.columns.map((column, j) => {
    const drops: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const order = rng.permutation(frame.rows);
      const columns = frame.columns.slice();
      columns[j] = permuted(column, order);
      drops.push(sign * (baseline - score({ rows: frame.rows, columns })));
    }
    const mean = drops.reduce((a, b) => a + b, 0) / repeats;
    const std = Math.sqrt(drops.reduce((a, d) => a + (d - mean) ** 2, 0) / repeats);
    return { feature: column.name, importance: mean, std };
  });
}

/**
 * This module contains the small statistics the charts need: five-number summaries for box plots and the
 * two-objective Pareto front (best score for the least fit time).
 */

export interface BoxStats {
  count: number;
  min: number;
  q1: number;
  median: number;
  q3: number;
  max: number;
}

/** Quantile of sorted values by linear interpolation (as numpy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function boxStats(values: readonly number[]): BoxStats | null {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  return {
    count: sorted.length,
    min: sorted[0],
    q1: quantile(sorted, 0.25),
    median: quantile(sorted, 0.5),
    q3: quantile(sorted, 0.75),
    max: sorted[sorted.length - 1],
  };
}

/**
 * Indices of the points not dominated in (score, cost): no other point has a score at least as good and a
 * cost at least as low with one of them strictly better. Returned in increasing cost. O(n log n).
 */
export function paretoFront(
  score: ArrayLike<number>,
  cost: ArrayLike<number>,
  greaterIsBetter: boolean,
): number[] {
  const idx: number[] = [];
  for (let i = 0; i < score.length; i++)
    if (Number.isFinite(score[i]) && Number.isFinite(cost[i])) idx.push(i);
  const s = (i: number) => (greaterIsBetter ? score[i] : -score[i]);
  idx.sort((a, b) => cost[a] - cost[b] || s(b) - s(a));
  const front: number[] = [];
  let best = -Infinity;
  for (const i of idx) {
    if (s(i) > best) {
      front.push(i);
      best = s(i);
    }
  }
  return front;
}

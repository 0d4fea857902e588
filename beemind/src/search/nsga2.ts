/**
 * This module contains NSGA-II's ranking for several objectives, all MAXIMISED: Pareto dominance, fast
 * non-dominated sorting into fronts, crowding distance within a front, the Pareto front, and the selection
 * of the best k points (by front, then by crowding distance). NaN objectives count as -Infinity (worst).
 */

/** Objective vectors, one per point, every objective to maximise. */
export type Points = readonly (readonly number[])[];

function val(x: number): number {
  return Number.isNaN(x) ? -Infinity : x;
}

/** Whether `a` Pareto-dominates `b`: at least as good on every objective and better on one. */
export function dominates(a: readonly number[], b: readonly number[]): boolean {
  let better = false;
  for (let m = 0; m < a.length; m++) {
    const x = val(a[m]);
    const y = val(b[m]);
    if (x < y) return false;
    if (x > y) better = true;
  }
  return better;
}

/** Fronts of point indices: front 0 is non-dominated, front 1 is dominated only by front 0, and so on. */
export function nonDominatedSort(points: Points): number[][] {
  const n = points.length;
  const dominatedBy = new Int32Array(n); // how many points dominate i
  const dominating: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (dominates(points[i], points[j])) {
        dominating[i].push(j);
        dominatedBy[j]++;
      } else if (dominates(points[j], points[i])) {
        dominating[j].push(i);
        dominatedBy[i]++;
      }
    }
  }
  const fronts: number[][] = [];
  let current: number[] = [];
  for (let i = 0; i < n; i++) if (dominatedBy[i] === 0) current.push(i);
  while (current.length > 0) {
    fronts.push(current);
    const next: number[] = [];
    for (const i of current) {
      for (const j of dominating[i]) if (--dominatedBy[j] === 0) next.push(j);
    }
    next.sort((a, b) => a - b);
    current = next;
  }
  return fronts;
}

/** Indices of the non-dominated points (the Pareto front), in increasing order. */
export function paretoFront(points: Points): number[] {
  return points.length === 0 ? [] : nonDominatedSort(points)[0];
}

/**
 * Crowding distance of each point of `front` (same order): the sum over objectives of the normalised gap
 * between its two neighbours; the extreme points of every objective get Infinity.
 */
export function crowdingDistance(points: Points, front: readonly number[]): Float64Array {
  const k = front.length;
  const dist = new Float64Array(k);
  if (k === 0) return dist;
  if (k <= 2) return dist.fill(Infinity);
  const nObj = points[front[0]].length;
  const order = Array.from({ length: k }, (_, i) => i);
  for (let m = 0; m < nObj; m++) {
    const v = (i: number): number => val(points[front[i]][m]);
    order.sort((a, b) => v(a) - v(b) || a - b);
    const lo = v(order[0]);
    const hi = v(order[k - 1]);
    dist[order[0]] = Infinity;
    dist[order[k - 1]] = Infinity;
    const range = hi - lo;
    if (!(range > 0) || !Number.isFinite(range)) continue;
    for (let r = 1; r < k - 1; r++) dist[order[r]] += (v(order[r + 1]) - v(order[r - 1])) / range;
  }
  return dist;
}

export interface Nsga2Ranking {
  /** Front index of each point (0 = Pareto front). */
  rank: Int32Array;
  /** Crowding distance of each point within its front. */
  crowding: Float64Array;
  /** All indices from best to worst: by front, then by decreasing crowding distance, then by index. */
  order: number[];
}

/** Front rank and crowding distance of every point, and the resulting best-first order. */
export function nsga2Rank(points: Points): Nsga2Ranking {
  const n = points.length;
  const rank = new Int32Array(n);
  const crowding = new Float64Array(n);
  const order: number[] = [];
  nonDominatedSort(points).forEach((front, r) => {
    const d = crowdingDistance(points, front);
    front.forEach((i, k) => {
      rank[i] = r;
      crowding[i] = d[k];
    });
    const sorted = front.map((i, k) => ({ i, d: d[k] }));
    sorted.sort((a, b) => (b.d === a.d ? a.i - b.i : b.d - a.d));
    for (const s of sorted) order.push(s.i);
  });
  return { rank, crowding, order };
}

/** The `k` best point indices under NSGA-II's crowded comparison (whole fronts first, then the least crowded). */
export function nsga2Select(points: Points, k: number): number[] {
  return nsga2Rank(points).order.slice(0, Math.max(0, k));
}

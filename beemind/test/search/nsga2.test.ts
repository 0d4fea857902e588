import { Random } from '../../src/core/random.js';
import {
  crowdingDistance,
  dominates,
  nonDominatedSort,
  nsga2Rank,
  nsga2Select,
  paretoFront,
} from '../../src/search/nsga2.js';

// both objectives maximised
const points = [
  [1, 5], // 0 front 0
  [2, 4], // 1 front 0
  [3, 3], // 2 front 0
  [4, 1], // 3 front 0
  [1, 3], // 4 front 1 (dominated by 1 and 2)
  [2, 2], // 5 front 1
  [0, 0], // 6 front 2
  [3, 1], // 7 front 1 (dominated by 2 and 3)
  [1, 5], // 8 front 0 (equal to 0: neither dominates)
];

describe('NSGA-II', () => {
  it('decides dominance for maximised objectives', () => {
    expect(dominates([2, 4], [1, 3])).toBe(true);
    expect(dominates([1, 3], [2, 4])).toBe(false);
    expect(dominates([1, 5], [1, 5])).toBe(false);
    expect(dominates([1, 5], [2, 2])).toBe(false);
    expect(dominates([0, 0], [NaN, 0])).toBe(true);
    expect(dominates([-1e9, 0], [-Infinity, 0])).toBe(true);
  });

  it('sorts a known set into its fronts', () => {
    expect(nonDominatedSort(points)).toEqual([[0, 1, 2, 3, 8], [4, 5, 7], [6]]);
    expect(paretoFront(points)).toEqual([0, 1, 2, 3, 8]);
    expect(paretoFront([])).toEqual([]);
  });

  it('computes crowding distances', () => {
    const d = crowdingDistance(points, [0, 1, 2, 3]);
    expect(Array.from(d)).toEqual([
      Infinity,
      expect.closeTo(7 / 6, 12),
      expect.closeTo(17 / 12, 12),
      Infinity,
    ]);
    expect(Array.from(crowdingDistance(points, [4, 5, 7]))).toEqual([Infinity, 2, Infinity]);
    expect(Array.from(crowdingDistance(points, [6]))).toEqual([Infinity]);
  });

  it('ranks and selects by front, then by crowding distance', () => {
    const { rank, order } = nsga2Rank(points);
    expect(Array.from(rank)).toEqual([0, 0, 0, 0, 1, 1, 2, 1, 0]);
    expect(order).toEqual([0, 3, 8, 2, 1, 4, 7, 5, 6]);
    expect(nsga2Select(points, 6)).toEqual([0, 3, 8, 2, 1, 4]);
  });

  it('produces fronts with the defining property on random points', () => {
    const rng = new Random(0);
    const pts = Array.from({ length: 200 }, () => [rng.float(), rng.float(), rng.int(5)]);
    const fronts = nonDominatedSort(pts);
    expect(fronts.flat().sort((a, b) => a - b)).toEqual(pts.map((_, i) => i));
    expect(fronts.length).toBeGreaterThan(3);
    const violations: string[] = [];
    fronts.forEach((front, f) => {
      for (const i of front) {
        if (front.some((j) => dominates(pts[j], pts[i])))
          violations.push(`${i} is dominated within front ${f}`);
        if (f > 0 && !fronts[f - 1].some((j) => dominates(pts[j], pts[i]))) {
          violations.push(`${i} is not dominated by front ${f - 1}`);
        }
      }
    });
    expect(violations).toEqual([]);
  });

  it('puts failed points (-Infinity, NaN) in the last front', () => {
    const fronts = nonDominatedSort([
      [1, 1],
      [-Infinity, -Infinity],
      [NaN, NaN],
      [0, 2],
    ]);
    expect(fronts).toEqual([
      [0, 3],
      [1, 2],
    ]);
  });
});

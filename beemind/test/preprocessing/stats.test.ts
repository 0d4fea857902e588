import { Random } from '../../src/core/random.js';
import { moments } from '../../src/core/moments.js';
import { binOf, quantileCuts, quantiles } from '../../src/preprocessing/stats.js';

/** The reference definition: linear interpolation at position q·(n−1) of the sorted present values. */
function sortedQuantile(values: Float64Array, q: number): number {
  const s = values.filter((v) => !Number.isNaN(v)).sort();
  if (s.length === 0) return NaN;
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo] + (pos - lo) * (s[hi] - s[lo]);
}

describe('column statistics', () => {
  it('computes the mean and population variance ignoring NaN', () => {
    expect(moments(Float64Array.from([1, NaN, 3]))).toEqual({ count: 2, mean: 2, variance: 1 });
    const none = moments(Float64Array.from([NaN]));
    expect(none.count).toBe(0);
    expect(none.mean).toBeNaN();
  });

  it('finds quantiles by quickselect exactly as a full sort would, ties and NaN included', () => {
    const rng = new Random(0);
    const qs = [0.9, 0, 0.25, 0.5, 0.5, 0.75, 1, 0.01, 0.333];
    for (const n of [1, 2, 3, 10, 101, 1000]) {
      for (const distinct of [2, 7, 1000]) {
        const v = Float64Array.from({ length: n }, () =>
          rng.float() < 0.1 ? NaN : rng.int(distinct) - distinct / 2,
        );
        const expected = qs.map((q) => sortedQuantile(v, q));
        const copy = v.slice();
        expect(Array.from(quantiles(v, qs))).toEqual(expected);
        expect(v).toEqual(copy);
      }
    }
    expect(Array.from(quantiles(Float64Array.from([NaN, NaN]), [0.5]))).toEqual([NaN]);
  });

  it('learns quantile cuts without duplicates or an empty first bin, and bins values by them', () => {
    const cuts = quantileCuts(Float64Array.from([1, 2, 3, 4, 5]), 5);
    expect(Array.from(cuts)).toEqual([1.8, 2.6, 3.4, 4.2]);
    expect([0, 1, 2, 3, 4, 5, 99].map((v) => binOf(cuts, v))).toEqual([0, 0, 1, 2, 3, 4, 4]);
    expect(Array.from(quantileCuts(Float64Array.from([0, 0, 0, 0, 1, 1]), 4))).toEqual([0.75]);
    expect(quantileCuts(Float64Array.from([5, 5, 5]), 4)).toHaveLength(0);
    expect(quantileCuts(new Float64Array(0), 4)).toHaveLength(0);
  });
});

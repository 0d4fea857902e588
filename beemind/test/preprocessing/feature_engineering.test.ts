import { columnNames } from '../../src/data/frame.js';
import { Log1p } from '../../src/preprocessing/log1p.js';
import { columnsForPairs, PairwiseProducts } from '../../src/preprocessing/pairwise_products.js';
import { QuantileBinning } from '../../src/preprocessing/quantile_binning.js';
import { cat, frame, num, values } from '../helpers/frames.js';

describe('log1p', () => {
  it('applies sign(x)·log(1+|x|), safe for negatives and zero, NaN passing through', async () => {
    const f = frame(num('a', [0, Math.E - 1, -(Math.E - 1), NaN]));
    const out = (await new Log1p().fit(f)).transform(f);
    const v = values(out, 'a') as number[];
    expect(v[0]).toBe(0);
    expect(v[1]).toBeCloseTo(1, 12);
    expect(v[2]).toBeCloseTo(-1, 12);
    expect(v[3]).toBeNaN();
  });

  it('rejects categorical columns', async () => {
    await expect(new Log1p().fit(frame(cat('c', ['x'])))).rejects.toThrow(/before log1p/);
  });
});

describe('pairwise_products', () => {
  it('appends the product of every pair, named a*b, after the original columns', async () => {
    const f = frame(num('a', [1, 2, 3]), num('b', [2, 0, -1]), num('c', [1, NaN, 2]));
    const out = (await new PairwiseProducts().fit(f)).transform(f);
    expect(columnNames(out)).toEqual(['a', 'b', 'c', 'a*b', 'a*c', 'b*c']);
    expect(values(out, 'a*b')).toEqual([2, 0, -3]);
    expect(values(out, 'b*c')).toEqual([2, NaN, -2]);
  });

  it('bounds growth by using only the highest-variance columns', async () => {
    expect(columnsForPairs(1)).toBe(2);
    expect(columnsForPairs(3)).toBe(3);
    expect(columnsForPairs(5)).toBe(3);
    expect(columnsForPairs(45)).toBe(10);
    const f = frame(
      num('small', [1, 1.1, 0.9]),
      num('big', [0, 100, -100]),
      num('mid', [0, 10, -10]),
      num('tiny', [0, 0.01, 0]),
    );
    const fitted = await new PairwiseProducts({ maxFeatures: 2 }).fit(f);
    // at most 2 products: only the 2 highest-variance columns (big, mid) are multiplied
    expect(columnNames(fitted.transform(f))).toEqual(['small', 'big', 'mid', 'tiny', 'big*mid']);
    // the choice is learned at fit, not redone at transform
    const other = frame(
      num('small', [1e6, -1e6]),
      num('big', [1, 1]),
      num('mid', [2, 2]),
      num('tiny', [0, 0]),
    );
    expect(values(fitted.transform(other), 'big*mid')).toEqual([2, 2]);
  });
});

describe('quantile_binning', () => {
  const train = frame(num('a', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));

  it('learns quantile edges at fit and outputs bin indices in place', async () => {
    const binning = await new QuantileBinning().fit(train);
    expect(values(binning.transform(train), 'a')).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4]);
    // outside the training range: first and last bins; NaN stays NaN
    expect(values(binning.transform(frame(num('a', [-50, 50, NaN]))), 'a')).toEqual([0, 4, NaN]);
  });

  it('outputs one-hot bins on request, missing values as all zeros', async () => {
    const binning = await new QuantileBinning({ nBins: 2, encode: 'onehot' }).fit(train);
    const out = binning.transform(frame(num('a', [1, 10, NaN])));
    expect(columnNames(out)).toEqual(['a=bin0', 'a=bin1']);
    expect(values(out, 'a=bin0')).toEqual([1, 0, 0]);
    expect(values(out, 'a=bin1')).toEqual([0, 1, 0]);
  });

  it('merges bins when tied values make edges coincide', async () => {
    const f = frame(num('b', [0, 0, 0, 0, 0, 0, 0, 0, 1, 1]));
    const binning = await new QuantileBinning({ nBins: 5 }).fit(f);
    expect(binning.binsOf(0)).toBe(2);
    expect(values(binning.transform(f), 'b')).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
  });
});

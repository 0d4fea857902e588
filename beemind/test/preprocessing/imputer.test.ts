import { ConfigurationError, DataError } from '../../src/core/errors.js';
import { columnNames } from '../../src/data/frame.js';
import { SimpleImputer } from '../../src/preprocessing/imputer.js';
import { bool, cat, frame, num, values } from '../helpers/frames.js';

const train = frame(
  num('a', [1, NaN, 3, 8, 3]),
  bool('flag', [1, 1, NaN, 0, 1]),
  cat('color', ['red', null, 'blue', 'red', 'blue']),
  num('full', [1, 2, 3, 4, 5]),
);

describe('simple_imputer', () => {
  it('fills numeric columns with the training mean', async () => {
    const out = (await new SimpleImputer().fit(train)).transform(train);
    expect(values(out, 'a')).toEqual([1, 3.75, 3, 8, 3]);
    expect(values(out, 'full')).toEqual([1, 2, 3, 4, 5]);
  });

  it('fills with the median or the most frequent value (smallest among ties)', async () => {
    const median = (await new SimpleImputer({ strategy: 'median' }).fit(train)).transform(train);
    expect(values(median, 'a')[1]).toBe(3);
    const modal = await new SimpleImputer({ strategy: 'most_frequent' }).fit(
      frame(num('a', [5, 2, 5, 2, NaN])),
    );
    expect(values(modal.transform(frame(num('a', [NaN]))), 'a')).toEqual([2]);
  });

  it('fills categorical columns with the most frequent category (alphabetically first on ties)', async () => {
    const out = (await new SimpleImputer({ strategy: 'mean' }).fit(train)).transform(train);
    // red and blue both appear twice: blue wins the tie
    expect(values(out, 'color')).toEqual(['red', 'blue', 'blue', 'red', 'blue']);
  });

  it('keeps boolean columns 0/1 by using their most frequent value', async () => {
    const out = (await new SimpleImputer().fit(train)).transform(train);
    expect(values(out, 'flag')).toEqual([1, 1, 1, 0, 1]);
    expect(out.columns.find((c) => c.name === 'flag')!.kind).toBe('boolean');
  });

  it('uses statistics from the training rows only', async () => {
    const imputer = await new SimpleImputer().fit(frame(num('a', [2, 4, NaN])));
    expect(values(imputer.transform(frame(num('a', [NaN, 100, NaN]))), 'a')).toEqual([3, 100, 3]);
  });

  it('adds <col>__missing indicators for the columns that had missing values at fit', async () => {
    const out = (await new SimpleImputer({ addIndicator: true }).fit(train)).transform(train);
    expect(columnNames(out)).toEqual([
      'a',
      'flag',
      'color',
      'full',
      'a__missing',
      'flag__missing',
      'color__missing',
    ]);
    expect(values(out, 'a__missing')).toEqual([0, 1, 0, 0, 0]);
    expect(values(out, 'color__missing')).toEqual([0, 1, 0, 0, 0]);
    expect(out.columns.find((c) => c.name === 'a__missing')!.kind).toBe('boolean');
  });

  it('rejects a column that is entirely missing at fit, naming it and the fix', async () => {
    const f = frame(num('ok', [1, 2]), cat('empty', [null, null]));
    await expect(new SimpleImputer().fit(f)).rejects.toThrow(DataError);
    await expect(new SimpleImputer().fit(f)).rejects.toThrow(/column "empty" has no values.*drop the column/);
  });

  it('rejects infinite values', async () => {
    await expect(new SimpleImputer().fit(frame(num('a', [1, Infinity])))).rejects.toThrow(/infinite value/);
  });

  it('validates its params', () => {
    expect(() => new SimpleImputer({ strategy: 'constant' as 'mean' })).toThrow(ConfigurationError);
    expect(() => new SimpleImputer({ fill: 0 } as object)).toThrow(
      /invalid hyperparameters for simple_imputer/,
    );
  });
});

import { DataError } from '../../src/core/errors.js';
import { columnNames } from '../../src/data/frame.js';
import { OneHotEncoder } from '../../src/preprocessing/one_hot_encoder.js';
import { OrdinalEncoder } from '../../src/preprocessing/ordinal_encoder.js';
import { transformerFromJSON } from '../../src/preprocessing/registry.js';
import { ProtocolError } from '../../src/core/errors.js';
import { cat, frame, num, values } from '../helpers/frames.js';

const train = frame(
  num('x', [1, 2, 3, 4, 5, 6]),
  cat('color', ['red', 'blue', 'red', 'green', 'red', null]),
  cat('size', ['s', 'm', 's', 'm', 'l', 's']),
);

describe('one_hot_encoder', () => {
  it('replaces each categorical column in place by <col>=<category> 0/1 columns; numbers pass through', async () => {
    const out = (await new OneHotEncoder().fit(train)).transform(train);
    expect(columnNames(out)).toEqual([
      'x',
      'color=blue',
      'color=green',
      'color=red',
      'color=__missing__',
      'size=l',
      'size=m',
      'size=s',
    ]);
    expect(values(out, 'x')).toEqual([1, 2, 3, 4, 5, 6]);
    expect(values(out, 'color=red')).toEqual([1, 0, 1, 0, 1, 0]);
    expect(values(out, 'color=__missing__')).toEqual([0, 0, 0, 0, 0, 1]);
    expect(values(out, 'size=m')).toEqual([0, 1, 0, 1, 0, 0]);
    expect(out.columns.slice(1).every((c) => c.kind === 'boolean')).toBe(true);
  });

  it('encodes unseen categories as all zeros, and missing values unseen at fit as all zeros', async () => {
    const enc = await new OneHotEncoder().fit(frame(cat('size', ['s', 'm', 's'])));
    const out = enc.transform(frame(cat('size', ['xl', null, 'm'])));
    expect(columnNames(out)).toEqual(['size=m', 'size=s']);
    expect(values(out, 'size=m')).toEqual([0, 0, 1]);
    expect(values(out, 'size=s')).toEqual([0, 0, 0]);
  });

  it("raises a DataError on unseen categories with handleUnknown 'error'", async () => {
    const enc = await new OneHotEncoder({ handleUnknown: 'error' }).fit(frame(cat('size', ['s', 'm'])));
    expect(() => enc.transform(frame(cat('size', ['m', 'xl'])))).toThrow(DataError);
    expect(() => enc.transform(frame(cat('size', ['m', 'xl'])))).toThrow(
      /category "xl".*handleUnknown: 'ignore'/,
    );
  });

  it('groups categories rarer than minFrequency (a count) into <col>=__rare__', async () => {
    const enc = await new OneHotEncoder({ minFrequency: 2 }).fit(train);
    const out = enc.transform(train);
    expect(columnNames(out)).toEqual([
      'x',
      'color=red',
      'color=__rare__',
      'color=__missing__',
      'size=m',
      'size=s',
      'size=__rare__',
    ]);
    expect(values(out, 'color=__rare__')).toEqual([0, 1, 0, 1, 0, 0]);
    expect(values(out, 'size=__rare__')).toEqual([0, 0, 0, 0, 1, 0]);
    // a category unseen at fit is unknown, not rare
    const unseen = enc.transform(frame(num('x', [0]), cat('color', ['purple']), cat('size', ['l'])));
    expect(values(unseen, 'color=__rare__')).toEqual([0]);
    expect(values(unseen, 'size=__rare__')).toEqual([1]);
  });

  it('reads minFrequency below 1 as a fraction of the rows, and caps categories with maxCategories', async () => {
    const byFraction = (await new OneHotEncoder({ minFrequency: 0.4 }).fit(train)).transform(train);
    // 6 rows × 0.4 = 2.4: only red (3) and s (3) are kept
    expect(columnNames(byFraction)).toEqual([
      'x',
      'color=red',
      'color=__rare__',
      'color=__missing__',
      'size=s',
      'size=__rare__',
    ]);
    const capped = (await new OneHotEncoder({ maxCategories: 1 }).fit(train)).transform(train);
    expect(columnNames(capped)).toEqual([
      'x',
      'color=red',
      'color=__rare__',
      'color=__missing__',
      'size=s',
      'size=__rare__',
    ]);
  });
});

describe('ordinal_encoder', () => {
  it('maps categories to codes in code-point order, keeping name and position; numbers pass through', async () => {
    const out = (await new OrdinalEncoder().fit(train)).transform(train);
    expect(columnNames(out)).toEqual(['x', 'color', 'size']);
    expect(values(out, 'color')).toEqual([2, 0, 2, 1, 2, NaN]);
    expect(values(out, 'size')).toEqual([2, 1, 2, 1, 0, 2]);
    expect(out.columns.every((c) => c.kind === 'numeric')).toBe(true);
  });

  it('encodes unseen categories as -1 and missing values as NaN', async () => {
    const enc = await new OrdinalEncoder().fit(frame(cat('size', ['s', 'm'])));
    expect(values(enc.transform(frame(cat('size', ['xl', null, 's']))), 'size')).toEqual([-1, NaN, 1]);
  });

  it("raises a DataError on unseen categories with handleUnknown 'error'", async () => {
    const enc = await new OrdinalEncoder({ handleUnknown: 'error' }).fit(frame(cat('size', ['s', 'm'])));
    expect(() => enc.transform(frame(cat('size', ['xl'])))).toThrow(
      /category "xl" \(row 0\) that was not in the training data/,
    );
  });

  describe("order: 'target'", () => {
    // city b has the lowest mean, a the highest; z and y have one row each (rare with minCount 2)
    const cities = frame(cat('city', ['a', 'b', 'c', 'a', 'b', 'c', 'z', 'y', null]));
    const price = Float64Array.from([10, 1, 5, 12, 2, 6, 100, -50, 7]);
    const fitted = () =>
      new OrdinalEncoder({ order: 'target', minCount: 2, smoothing: 0 }).fit(cities, price, {
        task: 'regression',
      });

    it('numbers categories by their target mean, and gives rare and unseen ones one code at the mean of all rows', async () => {
      const enc = await fitted();
      // means b 1.5 < c 5.5 < a 11; the mean of all rows, 10.33, lies between c and a: the shared code is 1.5
      expect(values(enc.transform(cities), 'city')).toEqual([2, 0, 1, 2, 0, 1, 1.5, 1.5, NaN]);
      expect(values(enc.transform(frame(cat('city', ['new', 'c']))), 'city')).toEqual([1.5, 1]);
    });

    it('orders two classes by the share of the second, and keeps code-point order with more classes', async () => {
      const colors = frame(cat('color', ['red', 'red', 'blue', 'blue', 'green', 'green']));
      const binary = await new OrdinalEncoder({ order: 'target', minCount: 1, smoothing: 0 }).fit(
        colors,
        Float64Array.from([1, 1, 0, 0, 1, 0]),
        {
          task: 'classification',
          nClasses: 2,
        },
      );
      expect(values(binary.transform(colors), 'color')).toEqual([2, 2, 0, 0, 1, 1]);
      const three = await new OrdinalEncoder({ order: 'target', minCount: 1 }).fit(
        colors,
        Float64Array.from([2, 2, 0, 0, 1, 1]),
        {
          task: 'classification',
          nClasses: 3,
        },
      );
      expect(values(three.transform(colors), 'color')).toEqual([2, 2, 0, 0, 1, 1]);
    });

    it('saves and restores its codes, refuses damaged ones, and reads models saved before target order', async () => {
      const enc = await fitted();
      const json = JSON.parse(JSON.stringify(enc.toJSON()));
      expect(values(transformerFromJSON(json).transform(cities), 'city')).toEqual(
        values(enc.transform(cities), 'city'),
      );
      const lexical = JSON.parse(JSON.stringify((await new OrdinalEncoder().fit(cities)).toJSON()));
      delete lexical.state.step.codes;
      delete lexical.state.step.unseenCodes;
      expect(
        values(transformerFromJSON(lexical).transform(frame(cat('city', ['b', 'new']))), 'city'),
      ).toEqual([1, -1]);
      json.state.step.codes[0] = [1];
      expect(() => transformerFromJSON(json)).toThrow(ProtocolError);
    });
  });
});

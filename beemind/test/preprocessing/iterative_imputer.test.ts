import { ProtocolError } from '../../src/core/errors.js';
import { pack } from '../../src/core/serialize.js';
import { SimpleImputer } from '../../src/preprocessing/imputer.js';
import { transformerFromJSON } from '../../src/preprocessing/registry.js';
import { cat, cloneFrame, frame, num, values } from '../helpers/frames.js';

const range = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

/** Columns a = 0, 1, …, n − 1 and b = b(a) (NaN where b is missing). */
const aAndB = (n: number, b: (a: number) => number) =>
  frame(
    num(
      'a',
      range(n, (i) => i),
    ),
    num('b', range(n, b)),
  );

/** b = 3a − 5, with every tenth b missing. */
const linear = aAndB(200, (i) => (i % 10 === 3 ? NaN : 3 * i - 5));

const fitIterative = async (f: Parameters<SimpleImputer['fit']>[0], params = {}) =>
  new SimpleImputer({ strategy: 'iterative', ...params }).fit(f);

describe("simple_imputer's iterative strategy", () => {
  it('predicts a missing value from the other columns, where the mean would miss by far', async () => {
    const out = (await fitIterative(linear)).transform(linear);
    const mean = (await new SimpleImputer({ strategy: 'mean' }).fit(linear)).transform(linear);
    const errors = { iterative: [] as number[], mean: [] as number[] };
    for (let i = 3; i < 200; i += 10) {
      errors.iterative.push(Math.abs((values(out, 'b')[i] as number) - (3 * i - 5)));
      errors.mean.push(Math.abs((values(mean, 'b')[i] as number) - (3 * i - 5)));
    }
    // within 1% of the column's range (600): the ridge shrinks the slope a little
    expect(Math.max(...errors.iterative)).toBeLessThan(6);
    expect(Math.max(...errors.mean)).toBeGreaterThan(250);
    // present values are kept
    expect(values(out, 'b')[4]).toBe(7);
  });

  it('reads categories: a row with only its group known gets its group’s values', async () => {
    const group = range(60, (i) => (i % 2 === 0 ? 'low' : 'high'));
    const x = range(60, (i) => (i % 6 < 2 ? NaN : (i % 2 === 0 ? 10 : 50) + (i % 3) * 0.1));
    const f = frame(
      cat('group', group),
      num('x', x),
      num(
        'y',
        range(60, (i) => (i % 6 < 2 ? NaN : x[i] * 2)),
      ),
    );
    const out = (await fitIterative(f)).transform(f);
    for (let i = 0; i < 60; i += 6) {
      expect(values(out, 'x')[i]).toBeCloseTo(10, 0);
      expect(values(out, 'x')[i + 1]).toBeCloseTo(50, 0);
      expect(values(out, 'y')[i + 1]).toBeCloseTo(100, -1);
    }
  });

  it('fills new rows with the fitted regressions, keeps predictions in the range seen at fit, and leaves its input alone', async () => {
    const imputer = await fitIterative(linear);
    const rows = frame(num('a', [50, 1000, NaN]), num('b', [NaN, NaN, 40]));
    const before = cloneFrame(rows);
    const out = imputer.transform(rows);
    expect(out.columns[1].values[0]).toBeCloseTo(145, -1);
    // 3 · 1000 − 5 lies beyond the largest b seen at fit (3 · 199 − 5)
    expect(out.columns[1].values[1]).toBe(592);
    // a had no gap at fit: it keeps the first fill, its mean
    expect(out.columns[0].values[2]).toBe(99.5);
    expect(rows).toEqual(before);
  });

  it('keeps the first fill for a column missing in most rows, whose gaps may be the signal', async () => {
    const sparse = aAndB(100, (i) => (i % 5 < 3 ? NaN : 2 * i));
    const out = (await fitIterative(sparse)).transform(sparse);
    const mean = (await new SimpleImputer({ strategy: 'mean' }).fit(sparse)).transform(sparse);
    expect(values(out, 'b')).toEqual(values(mean, 'b'));
  });

  it('falls back to the first fill when there is nothing to learn from, and fits on a handful of rows', async () => {
    const alone = frame(num('a', [1, NaN, 3, 10]));
    expect(values((await fitIterative(alone)).transform(alone), 'a')).toEqual([1, 14 / 3, 3, 10]);
    const tiny = frame(num('a', [1, 2, 3]), num('b', [NaN, 20, 30]));
    expect(values((await fitIterative(tiny)).transform(tiny), 'b')[0]).toBeGreaterThanOrEqual(20);
  });

  it('is deterministic and survives a save and a load bit for bit', async () => {
    const first = await fitIterative(linear, { addIndicator: true });
    const second = await fitIterative(linear, { addIndicator: true });
    expect(second.toJSON()).toEqual(first.toJSON());
    const restored = transformerFromJSON(JSON.parse(JSON.stringify(first.toJSON())));
    expect(restored.transform(linear)).toEqual(first.transform(linear));
    expect(values(restored.transform(linear), 'b__missing')[3]).toBe(1);
  });

  it('saves nothing new for the other strategies', async () => {
    const state = (await new SimpleImputer({ strategy: 'median' }).fit(linear)).toJSON().state as {
      step: object;
    };
    expect(Object.keys(state.step).sort()).toEqual(['categoricalFill', 'indicated', 'numericFill']);
  });

  it('refuses a damaged state, naming the field', async () => {
    const json = (await fitIterative(linear)).toJSON();
    type Damaged = { step: { iterative: { targets: number[]; coef: unknown } } };
    const withTargets = structuredClone(json);
    (withTargets.state as Damaged).step.iterative.targets = [0, 1, 1];
    expect(() => transformerFromJSON(withTargets)).toThrow(ProtocolError);
    expect(() => transformerFromJSON(withTargets)).toThrow(/iterative\.targets/);
    const shortCoef = structuredClone(json);
    (shortCoef.state as Damaged).step.iterative.coef = pack(new Float64Array(4 * 3));
    expect(() => transformerFromJSON(shortCoef)).toThrow(/iterative\.coef must hold up to 3 rounds/);
  });
});

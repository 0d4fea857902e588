// The transformer contract, run over every registered preprocessing step (scikit-learn's estimator_checks
// for transformers, in jest form).
import { DataError, NotFittedError } from '../../src/core/errors.js';
import { Random } from '../../src/core/random.js';
import { columnNames, type Column, type Frame } from '../../src/data/frame.js';
import {
  createTransformer,
  transformerFromJSON,
  transformerKinds,
} from '../../src/preprocessing/registry.js';
import type { TransformerFitContext } from '../../src/preprocessing/transformer.js';
import { bool, cat, cloneFrame, frame, num } from '../helpers/frames.js';

/** Per-kind settings that differ from what the registry entry implies. */
const overrides: Record<
  string,
  { params?: Record<string, unknown>; allMissingIsError?: boolean; rejectsInfinity?: boolean }
> = {
  simple_imputer: { allMissingIsError: true, rejectsInfinity: true },
  model_select: { params: { modelParams: { nEstimators: 10 } } },
};

const ROWS = 40;

/** Seeded data: numeric columns (one with NaN), plus a boolean and a categorical one when `mixed`. */
function makeFrame(mixed: boolean, rows = ROWS, seed = 11): Frame {
  const rng = new Random(seed);
  const normal = () => Array.from({ length: rows }, () => rng.normal());
  const columns: Column[] = [
    num('x0', normal()),
    num(
      'x1',
      normal().map((v, i) => (i % 7 === 3 ? NaN : v)),
    ),
    num(
      'x2',
      normal().map((v, i) => v + (i % 2) * 2),
    ),
  ];
  if (mixed) {
    columns.push(
      bool(
        'flag',
        Array.from({ length: rows }, (_, i) => (i % 3 === 0 ? 1 : 0)),
      ),
    );
    columns.push(
      cat(
        'color',
        Array.from({ length: rows }, (_, i) => (i % 9 === 4 ? null : ['red', 'green', 'blue'][i % 3])),
      ),
    );
  } else {
    columns.push(num('x3', normal()));
  }
  return frame(...columns);
}

const target = (rows = ROWS) => Float64Array.from({ length: rows }, (_, i) => i % 2);

/** Replaces (or adds) one column of a frame. */
function withColumn(f: Frame, column: Column): Frame {
  const others = f.columns.filter((c) => c.name !== column.name);
  return frame(...others, column);
}

describe.each(transformerKinds().map((k) => [k.kind, k] as const))(
  '%s follows the transformer contract',
  (kind, info) => {
    const o = overrides[kind] ?? {};
    const make = () => createTransformer(kind, o.params ?? {});
    const numeric = info.numericInput;
    const train = makeFrame(!numeric);
    const test = makeFrame(!numeric, 13, 99);
    const y = target();
    const context = (seed = 0): TransformerFitContext => ({ task: 'classification', nClasses: 2, seed });
    const fitted = () => make().fit(train, y, context());

    it('fit returns the step itself, and its params read back into an equal step', async () => {
      const step = make();
      await expect(step.fit(train, y, context())).resolves.toBe(step);
      expect(step.kind).toBe(kind);
      expect(createTransformer(kind, step.getParams()).getParams()).toEqual(step.getParams());
    });

    it('outputs one row per input row, on the training frame and on new rows', async () => {
      const step = await fitted();
      const out = step.transform(train);
      expect(out.rows).toBe(ROWS);
      expect(out.columns.length).toBeGreaterThan(0);
      for (const c of out.columns) expect(c.values.length).toBe(ROWS);
      expect(step.transform(test).rows).toBe(13);
      expect(columnNames(step.transform(test))).toEqual(columnNames(out));
    });

    it('is deterministic for a seed', async () => {
      for (const seed of [0, 7]) {
        const a = await make().fit(train, y, context(seed));
        const b = await make().fit(train, y, context(seed));
        expect(b.toJSON()).toEqual(a.toJSON());
        expect(b.transform(test)).toEqual(a.transform(test));
      }
    });

    it('round-trips through plain JSON and transforms identically', async () => {
      const step = await fitted();
      const json = step.toJSON();
      expect(json).toMatchObject({ format: 'beemind.transformer', version: 1, kind });
      const text = JSON.stringify(json);
      expect(JSON.parse(text)).toEqual(json);
      const restored = transformerFromJSON(JSON.parse(text));
      expect(restored.transform(test)).toEqual(step.transform(test));
      expect(restored.toJSON()).toEqual(json);
      // an unfitted step round-trips too, and still refuses to transform
      const blank = transformerFromJSON(JSON.parse(JSON.stringify(make().toJSON())));
      expect(blank.getParams()).toEqual(make().getParams());
      expect(() => blank.transform(test)).toThrow(NotFittedError);
    });

    it('never writes into its input frames', async () => {
      const trainCopy = cloneFrame(train);
      const testCopy = cloneFrame(test);
      const step = await make().fit(train, y, context());
      step.transform(train);
      step.transform(test);
      expect(train).toEqual(trainCopy);
      expect(test).toEqual(testCopy);
    });

    it('refuses to transform before fit', () => {
      expect(() => make().transform(test)).toThrow(NotFittedError);
    });

    it('rejects an empty training frame with a DataError', async () => {
      const empty = frame(
        ...train.columns.map((c) =>
          c.kind === 'categorical' ? { ...c, values: [] } : { ...c, values: new Float64Array(0) },
        ),
      );
      await expect(make().fit(empty, new Float64Array(0), context())).rejects.toThrow(DataError);
      await expect(make().fit(frame(), new Float64Array(0), context())).rejects.toThrow(DataError);
    });

    it(
      o.allMissingIsError
        ? 'rejects an all-missing column at fit, naming it'
        : 'accepts an all-missing column',
      async () => {
        const f = withColumn(train, num('void', Array(ROWS).fill(NaN)));
        if (o.allMissingIsError) {
          await expect(make().fit(f, y, context())).rejects.toThrow(DataError);
          await expect(make().fit(f, y, context())).rejects.toThrow(/"void"/);
        } else {
          const step = await make().fit(f, y, context());
          expect(step.transform(f).rows).toBe(ROWS);
        }
      },
    );

    it(
      numeric ? 'rejects a categorical column, naming it and the fix' : 'accepts categorical columns',
      async () => {
        const f = withColumn(
          train,
          cat(
            'city',
            Array.from({ length: ROWS }, (_, i) => (i % 2 ? 'Oslo' : 'Lima')),
          ),
        );
        if (numeric) {
          await expect(make().fit(f, y, context())).rejects.toThrow(DataError);
          await expect(make().fit(f, y, context())).rejects.toThrow(
            `column "city" is categorical; add a one-hot or ordinal encoder before ${kind}`,
          );
        } else {
          expect((await make().fit(f, y, context())).transform(f).rows).toBe(ROWS);
        }
      },
    );

    const rejectsInfinity = o.rejectsInfinity ?? numeric;
    it(
      rejectsInfinity ? 'rejects infinite values at fit and at transform' : 'passes infinite numbers through',
      async () => {
        const x0 = train.columns.find((c) => c.name === 'x0')!;
        const inf = withColumn(
          train,
          num(
            'x0',
            Array.from(x0.values as Float64Array, (v, i) => (i === 5 ? Infinity : v)),
          ),
        );
        if (rejectsInfinity) {
          await expect(make().fit(inf, y, context())).rejects.toThrow(/infinite value/);
          const step = await fitted();
          expect(() => step.transform(inf)).toThrow(DataError);
        } else {
          const out = (await fitted()).transform(inf);
          expect(out.columns.find((c) => c.name === 'x0')!.values[5]).toBe(Infinity);
        }
      },
    );

    it('rejects a frame whose columns differ from fit, listing every difference', async () => {
      const step = await fitted();
      const missing = frame(...test.columns.filter((c) => c.name !== 'x1'));
      expect(() => step.transform(missing)).toThrow(DataError);
      expect(() => step.transform(missing)).toThrow(/missing "x1"/);
      const extra = withColumn(test, num('surprise', Array(13).fill(1)));
      expect(() => step.transform(extra)).toThrow(/unexpected "surprise"/);
      const retyped = withColumn(test, cat('x0', Array(13).fill('a')));
      expect(() => step.transform(retyped)).toThrow(/changed kind "x0" \(numeric at fit, categorical now\)/);
      const all = frame(
        ...test.columns.filter((c) => c.name !== 'x1' && c.name !== 'x0'),
        cat('x0', Array(13).fill('a')),
        num('surprise', Array(13).fill(1)),
      );
      expect(() => step.transform(all)).toThrow(/missing "x1"; unexpected "surprise"; changed kind "x0"/);
    });

    it('matches columns by name, whatever their order', async () => {
      const step = await fitted();
      const reversed = frame(...[...test.columns].reverse());
      expect(step.transform(reversed)).toEqual(step.transform(test));
    });
  },
);

describe('the transformer registry', () => {
  it('lists the built-in steps', () => {
    expect(transformerKinds().map((k) => k.kind)).toEqual(
      expect.arrayContaining([
        'simple_imputer',
        'one_hot_encoder',
        'ordinal_encoder',
        'standard_scaler',
        'robust_scaler',
        'min_max_scaler',
        'pairwise_products',
        'log1p',
        'quantile_binning',
        'variance_threshold',
        'mutual_info_select',
        'model_select',
      ]),
    );
  });

  it('reports unknown kinds, bad params and foreign JSON clearly', () => {
    expect(() => createTransformer('pca')).toThrow(
      /unknown preprocessing step "pca"; known steps: date_features, text_tfidf, drop_text, simple_imputer/,
    );
    expect(() => createTransformer('standard_scaler', { withMean: 'yes' })).toThrow(
      /invalid hyperparameters for standard_scaler: withMean/,
    );
    expect(() => transformerFromJSON({ format: 'beemind.estimator' } as never)).toThrow(
      /not a serialised BeeMind preprocessing step/,
    );
  });
});

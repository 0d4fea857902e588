// Property: for any batch of row objects — values anywhere from tiny to huge, -0, every spelling of a missing
// value, categories never seen at fit, absent keys — an exported module predicts exactly what the library
// predicts for the same rows read as a frame, or both refuse the batch (e.g. a product that overflows).
import fc from 'fast-check';
import { createFrame, type Column } from '../../src/data/frame.js';
import { exportModule } from '../../src/export/module.js';
import {
  ENSEMBLE_CASES,
  importModule,
  tempFolder,
  trainOn,
  type LoadedModule,
  type Trained,
} from './helpers.js';

const folder = tempFolder();
afterAll(() => folder.cleanup());

const MISSING = [null, undefined, NaN, ''] as const;

/** The rows as the library reads them: missing spellings as NaN or null, like the module. */
function frameOf(trained: Trained, rows: Record<string, unknown>[]) {
  const columns = trained.test.features.columns.map((c): Column => {
    const values = rows.map((row) => (Object.hasOwn(row, c.name) ? row[c.name] : undefined));
    const missing = (v: unknown) => v === null || v === undefined || v === '' || Number.isNaN(v);
    return c.kind === 'categorical'
      ? { name: c.name, kind: c.kind, values: values.map((v) => (missing(v) ? null : String(v))) }
      : { ...c, values: Float64Array.from(values, (v) => (missing(v) ? NaN : Number(v))) };
  });
  return createFrame(columns);
}

/** Arbitrary row objects for the model's columns; `allowMissing` adds every missing spelling and absent keys. */
function rowsFor(trained: Trained, allowMissing: boolean) {
  const value = (c: Column) => {
    const known =
      c.kind === 'categorical'
        ? fc.constantFrom(...new Set(c.values.filter((v): v is string => v !== null)))
        : fc.constantFrom(...Array.from(c.values as Float64Array).filter((v) => !Number.isNaN(v)));
    const odd =
      c.kind === 'categorical'
        ? fc.oneof(
            fc.string({ maxLength: 6 }).filter((s) => s !== ''),
            // near-dates: real and impossible days, times, offsets, other separators
            fc
              .tuple(
                fc.integer({ min: 0, max: 9999 }),
                fc.integer({ min: 0, max: 13 }),
                fc.integer({ min: 0, max: 32 }),
              )
              .chain(([y, m, d]) =>
                fc
                  .constantFrom('', 'T23:59:60.5', ' 24:00', 'T07:05Z', '+05:30', 'T12:00:00.123456789-0800')
                  .map(
                    (tail) =>
                      `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}${tail}`,
                  ),
              ),
          )
        : fc.oneof(
            fc.double({ noNaN: true, noDefaultInfinity: true }),
            fc.constant(-0),
            fc.integer({ min: -5, max: 5 }),
          );
    const options = [known, known, odd];
    return allowMissing ? fc.oneof(...options, fc.constantFrom(...MISSING)) : fc.oneof(...options);
  };
  const row = fc.record(
    Object.fromEntries(trained.test.features.columns.map((c) => [c.name, value(c)])),
    allowMissing ? { requiredKeys: [] } : undefined,
  );
  return fc.array(row, { minLength: 1, maxLength: 12 });
}

/** The outcome of `fn`: its result, or that it threw. */
function outcome<T>(fn: () => T): { value: T } | { threw: true } {
  try {
    return { value: fn() };
  } catch {
    return { threw: true };
  }
}

describe.each([
  {
    label: 'penguins ensemble (missing values and categories)',
    name: 'penguins: imputers',
    allowMissing: true,
  },
  { label: 'wine ensemble (finite numbers)', name: 'wine:', allowMissing: false },
  {
    label: 'seattle_weather ensemble (date text, odd and missing)',
    name: 'seattle_weather:',
    allowMissing: true,
    // a value that is not a date is refused on both sides: a batch holding one does not predict
    minPredicted: 50,
  },
  { label: 'reviews ensemble (free text, odd and missing)', name: 'reviews:', allowMissing: true },
  { label: 'penguins stack (missing values and categories)', name: 'penguins stack:', allowMissing: true },
])('exported module on arbitrary rows: $label', ({ name, allowMissing, minPredicted = 75 }) => {
  let trained: Trained;
  let module: LoadedModule;

  beforeAll(async () => {
    const c = ENSEMBLE_CASES.find((e) => e.name.startsWith(name))!;
    trained = await trainOn(c.dataset, c.specs, { stacked: c.stacked });
    module = await importModule(
      folder.dir,
      `property_${name.replace(/\W+/g, '_')}`,
      exportModule(trained.model),
    );
  }, 120_000);

  it('predicts what the library predicts, or refuses what the library refuses', () => {
    let predicted = 0;
    fc.assert(
      fc.property(rowsFor(trained, allowMissing), (rows) => {
        // all keys absent: the module names the missing columns, the library gets an all-missing frame
        fc.pre(trained.test.features.columns.every((c) => rows.some((row) => Object.hasOwn(row, c.name))));
        const library = outcome(() => {
          const p = trained.model.predictProba(frameOf(trained, rows));
          return Array.from({ length: p.rows }, (_, i) =>
            Array.from(p.data.subarray(i * p.cols, (i + 1) * p.cols)),
          );
        });
        const exported = outcome(() => module.predictProba!(rows));
        expect(exported).toEqual(library);
        if ('value' in library) predicted++;
      }),
      { numRuns: 150, seed: 7 },
    );
    // most batches predict (a refusal on both sides proves less)
    expect(predicted).toBeGreaterThan(minPredicted);
  });
});

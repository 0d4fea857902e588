// What an export refuses and what an exported module refuses: a step kind without a portable runtime (never
// a module that would predict differently), a bad format; rows that are not row objects, text in a numeric
// column, a column no row has, values the library also refuses (NaN for a model without missing-value
// support, ±Infinity, an unseen category with handleUnknown 'error'). Untrusted column names and labels
// (`__proto__`, a comment terminator, `</script>`, a line separator) stay data. writeModule picks the format
// from the file's extension.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import '../../src/models/families.js';
import { TrainedModel } from '../../src/trained/trained_model.js';
import { ConfigurationError } from '../../src/core/errors.js';
import { exportModule, writeModule } from '../../src/export/module.js';
import { createFrame, type Column } from '../../src/data/frame.js';
import { DataFrame } from '../../src/data/data_frame.js';
import { createModel } from '../../src/models/registry.js';
import { Pipeline } from '../../src/pipeline/pipeline.js';
import { BaseTransformer } from '../../src/preprocessing/base.js';
import { createTransformer, registerTransformer } from '../../src/preprocessing/registry.js';
import { cat, frame, num } from '../helpers/frames.js';
import {
  ENSEMBLE_CASES,
  importModule,
  rowObjects,
  tempFolder,
  trainOn,
  type LoadedModule,
} from './helpers.js';

const folder = tempFolder();
afterAll(() => folder.cleanup());

/** A step the portable runtime does not know: doubles every numeric column. */
class Doubler extends BaseTransformer<Record<string, never>> {
  readonly kind = 'doubler';
  constructor(params: Record<string, unknown> = {}) {
    super(z.strictObject({}), params, 'doubler');
  }
  protected fitColumns(): void {}
  protected transformColumns(columns: readonly Column[]): Column[] {
    return columns.map((c) => (c.kind === 'categorical' ? c : { ...c, values: c.values.map((v) => 2 * v) }));
  }
  protected getState(): unknown {
    return {};
  }
  protected setState(): void {}
}

function single(pipeline: Pipeline, featureNames: string[], classes: string[] | null): TrainedModel {
  return new TrainedModel(
    pipeline.task,
    'd0',
    [{ droneId: 'd0', weight: 1, pipeline }],
    featureNames,
    classes,
    () => Promise.reject(new Error('unused')),
  );
}

/** The message of the error `fn` throws. */
function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

let counter = 0;
const load = (text: string): Promise<LoadedModule> => importModule(folder.dir, `m${counter++}`, text);

describe('exportModule refuses', () => {
  it('a step kind it has no runtime for, naming it', async () => {
    registerTransformer({
      kind: 'doubler',
      label: 'Doubler',
      stage: 'engineer',
      numericInput: true,
      supervised: false,
      create: (p) => new Doubler(p),
    });
    const x = [1, 2, 3, 4, 5, 6];
    const pipeline = await new Pipeline(
      [createTransformer('doubler')],
      createModel('decision_tree', 'regression'),
    ).fit(frame(num('x', x)), Float64Array.from(x));
    const error = (() => {
      try {
        exportModule(single(pipeline, ['x'], null));
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({
      code: 'export.unsupported',
      message: expect.stringMatching(/preprocessing step "doubler" has no portable runtime/),
    });
  });

  it('an unknown format', async () => {
    const { model } = await trainOn('iris', [{ model: { family: 'gaussian_nb' } }]);
    expect(() => exportModule(model, { format: 'cjs' as 'esm' })).toThrow(
      /unknown module format "cjs"; use format: 'esm'/,
    );
  });
});

describe('writeModule', () => {
  it('writes TypeScript for a .ts file and JavaScript otherwise', async () => {
    const { model } = await trainOn('iris', [{ model: { family: 'gaussian_nb' } }]);
    expect(writeModule(model, path.join(folder.dir, 'iris.ts'))).toBe('ts');
    expect(readFileSync(path.join(folder.dir, 'iris.ts'), 'utf8')).toBe(
      exportModule(model, { format: 'ts' }),
    );
    expect(writeModule(model, path.join(folder.dir, 'iris.mjs'))).toBe('esm');
    expect(readFileSync(path.join(folder.dir, 'iris.mjs'), 'utf8')).toBe(exportModule(model));
    expect(() => writeModule(model, path.join(folder.dir, 'no', 'such', 'folder.mjs'))).toThrow(
      /does not exist/,
    );
  });
});

describe('an exported module refuses bad rows with a clear error', () => {
  it('names what is wrong with the rows', async () => {
    const { model, test } = await trainOn('penguins', [
      {
        steps: [{ kind: 'simple_imputer' }, { kind: 'one_hot_encoder', params: { handleUnknown: 'error' } }],
        model: { family: 'logistic_regression' },
      },
    ]);
    const m = await load(exportModule(model));
    const row = rowObjects(test)[0];
    expect(messageOf(() => m.predict({} as unknown as unknown[]))).toMatch(
      /^BeeMind model: predict takes an array of row objects/,
    );
    expect(messageOf(() => m.predict([]))).toMatch(/there are no rows to predict/);
    expect(messageOf(() => m.predict([row, 7]))).toMatch(/row 1 is not an object/);
    expect(messageOf(() => m.predict([{ ...row, body_mass_g: '4000' }]))).toMatch(
      /column "body_mass_g" holds numbers, but row 0 has the text "4000"; pass a number \(convert text with Number\(\)\)/,
    );
    const { island: _island, sex: _sex, ...partial } = row;
    expect(messageOf(() => m.predict([partial]))).toMatch(
      /no row has the columns "island", "sex" that the model was trained on/,
    );
    expect(messageOf(() => m.predict([{ ...row, island: 'Atlantis' }]))).toMatch(
      /one_hot_encoder: column "island" has category "Atlantis" \(row 0\) that was not in the training data/,
    );
    expect(messageOf(() => m.predict([{ ...row, body_mass_g: Infinity }]))).toMatch(
      /simple_imputer found an infinite value \(Infinity\) in column "body_mass_g" at row 0/,
    );
  });

  it('refuses a date that is not one, as the library does, and takes a missing one', async () => {
    const { model, test } = await trainOn('seattle_weather', [
      {
        steps: [{ kind: 'date_features' }],
        model: { family: 'hist_gradient_boosting', params: { maxIter: 5 } },
      },
    ]);
    const m = await load(exportModule(model));
    const row = rowObjects(test)[0];
    expect(messageOf(() => m.predict([row, { ...row, date: '01/02/2016' }]))).toMatch(
      /^BeeMind model: column "date" held dates when the model was trained, but row 1 has "01\/02\/2016", which is not one; write dates as YYYY-MM-DD/,
    );
    expect(messageOf(() => model.predict([row, { ...row, date: '01/02/2016' }]))).toBe(
      'column date held dates when the model was trained, but row index 1 (counting from 0) has "01/02/2016", which is not one; write dates as YYYY-MM-DD (ISO 8601, with a time if the column has times), or leave the value empty to make it missing.',
    );
    expect(m.predict([{ ...row, date: null }])).toEqual(model.predict([{ ...row, date: null }]));
  });

  it('refuses a missing value where the model takes none, as the library does', async () => {
    const { model, test } = await trainOn('diabetes', [{ model: { family: 'ridge' } }]);
    const m = await load(exportModule(model));
    const row = { ...rowObjects(test)[0], bmi: null };
    expect(messageOf(() => m.predict([row]))).toMatch(/ridge found a missing value at row 0, feature "bmi"/);
    expect(() =>
      model.predict(
        DataFrame.fromFrame(
          createFrame(Object.entries(row).map(([name, v]) => num(name, [v === null ? NaN : (v as number)]))),
        ),
      ),
    ).toThrow(/missing value/);
    expect((m as { predictProba?: unknown }).predictProba).toBeUndefined();
  });

  it("reads an absent key, undefined, NaN and '' as a missing value", async () => {
    const { model, test } = await trainOn('penguins', [
      {
        steps: [{ kind: 'one_hot_encoder' }],
        model: { family: 'hist_gradient_boosting', params: { maxIter: 10 } },
      },
    ]);
    const m = await load(exportModule(model));
    const rows = rowObjects(test);
    const holes = rows.map((row) => Object.fromEntries(Object.entries(row).filter(([, v]) => v !== null)));
    expect(holes.some((row, i) => Object.keys(row).length < Object.keys(rows[i]).length)).toBe(true);
    expect(m.predict(holes)).toEqual(model.predict(test));
    // so are undefined, NaN and '' (a CSV file's empty cell)
    const spellings = [undefined, NaN, ''];
    const spelled = rows.map((row, i) =>
      Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === null ? spellings[i % 3] : v])),
    );
    expect(m.predictProba!(spelled)).toEqual(m.predictProba!(rows));
  });
});

describe('an exported module reads rows as the library reads frames', () => {
  it('encodes categories never seen at fit as the library does (all zeros, or code -1)', async () => {
    const { model, test } = await trainOn('penguins', ENSEMBLE_CASES[0].specs);
    const m = await load(exportModule(model));
    const rows = rowObjects(test).map((row, i) =>
      i % 3 === 0 ? { ...row, island: 'Atlantis', sex: i % 2 === 0 ? 'unknown' : row.sex } : row,
    );
    const columns = test.features.columns.map((c): Column =>
      c.kind === 'categorical'
        ? { name: c.name, kind: c.kind, values: rows.map((r) => r[c.name] as string | null) }
        : { ...c, values: Float64Array.from(rows, (r) => (r[c.name] === null ? NaN : Number(r[c.name]))) },
    );
    const changed = createFrame(columns);
    expect(m.predict(rows)).toEqual(model.predict(changed));
    const p = model.predictProba(changed);
    expect(m.predictProba!(rows).flat()).toEqual(Array.from(p.data));
  });
});

describe('untrusted column names and labels stay data', () => {
  it('predicts with columns named __proto__, constructor and with comment and script terminators', async () => {
    const names = ['__proto__', 'constructor', 'a*/b', '</script><b>', 'line\u2028break'];
    const n = 40;
    const columns = names.map((name, j) =>
      num(
        name,
        Array.from({ length: n }, (_, i) => ((i * (j + 3)) % 11) + (j === 0 ? i : 0)),
      ),
    );
    const labels = ['*/ x', '__proto__'];
    const y = Float64Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 0 : 1));
    const data = frame(
      ...columns,
      cat(
        'kind',
        Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 'toString' : 'hasOwnProperty')),
      ),
    );
    const pipeline = await new Pipeline(
      [createTransformer('one_hot_encoder')],
      createModel('random_forest', 'classification', { nEstimators: 5 }),
    ).fit(data, y, { nClasses: 2 });
    const model = single(pipeline, [...names, 'kind'], labels);
    for (const format of ['esm', 'ts'] as const) {
      const text = exportModule(model, { format });
      expect(text).not.toMatch(/<\/script>|\u2028/);
    }
    const m = await load(exportModule(model));
    // rows as JSON.parse makes them: `__proto__` an own key
    const rows = JSON.parse(JSON.stringify(DataFrame.fromFrame(data).toObjects()));
    expect(Object.hasOwn(rows[0], '__proto__')).toBe(true);
    expect(m.inputColumns.map((c) => c.name)).toEqual([...names, 'kind']);
    expect(m.classes).toEqual(labels);
    expect(m.predict(rows)).toEqual(model.predict(data));
  });
});

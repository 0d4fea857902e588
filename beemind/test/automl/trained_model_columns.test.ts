// TrainedModel takes its feature columns by name: other columns (the target among them) are ignored, the
// order does not matter, and every missing column is named in one DataError.
import '../../src/models/families.js';
import { TrainedModel } from '../../src/trained/trained_model.js';
import { DISPLAY, type MimeBundle } from '../../src/display.js';
import { createModel } from '../../src/models/registry.js';
import { Pipeline } from '../../src/pipeline/pipeline.js';
import { createTransformer } from '../../src/preprocessing/registry.js';
import { cat, frame, num } from '../helpers/frames.js';

const a = [0, 1, 2, 3, 4, 5, 6, 7];
const b = [7, 1, 5, 3, 4, 2, 6, 0];
const y = Float64Array.from(a, (v) => (v < 4 ? 0 : 1));

async function model(): Promise<TrainedModel> {
  const pipeline = await new Pipeline(
    [createTransformer('standard_scaler')],
    createModel('decision_tree', 'classification'),
  ).fit(frame(num('a', a), num('b', b)), y, { nClasses: 2 });
  return trained(pipeline, ['a', 'b']);
}

/** A fitted pipeline as a two-class TrainedModel of `features`. */
function trained(pipeline: Pipeline, features: string[]): TrainedModel {
  return new TrainedModel(
    'classification',
    'd1',
    [{ droneId: 'd1', weight: 1, pipeline }],
    features,
    ['low', 'high'],
    () => Promise.reject(new Error('unused')),
  );
}

describe('TrainedModel input columns', () => {
  it('ignores extra columns and column order', async () => {
    const m = await model();
    const expected = m.predict(frame(num('a', a), num('b', b)));
    expect(expected).toEqual(['low', 'low', 'low', 'low', 'high', 'high', 'high', 'high']);
    const shuffled = frame(cat('label', a.map(String)), num('b', b), num('extra', b), num('a', a));
    expect(m.predict(shuffled)).toEqual(expected);
    expect(m.predictProba(shuffled).rows).toBe(8);
  });

  it('names every missing column in one DataError', async () => {
    const m = await model();
    expect(() => m.predict(frame(num('b', b)))).toThrow(
      expect.objectContaining({
        name: 'DataError',
        code: 'data.missing_columns',
        message: expect.stringMatching(/^the data lacks the column "a" that the model was trained on/),
      }),
    );
    expect(() => m.predict(frame(num('c', b)))).toThrow(/lacks 2 columns "a", "b"/);
  });

  it('predicts plain row objects, naming a column no row has', async () => {
    const m = await model();
    const rows = a.map((v, i) => ({ a: v, b: b[i], other: 'x' }));
    expect(m.predict(rows)).toEqual(m.predict(frame(num('a', a), num('b', b))));
    expect(m.predictProba(rows).rows).toBe(8);
    // a key one row lacks is a missing value there; a column no row has is an error, as in a table
    expect(() => m.predict([{ b: 1 }, { b: 2 }])).toThrow(
      /lacks the column "a" that the model was trained on/,
    );
    expect(() => m.predict('rows.csv' as never)).toThrow(
      /the model takes a table: .*, or an array of row objects .*it was given the text "rows.csv"/,
    );
  });

  it('reads a column of the trained kind even when the new data reads differently, and names a value it cannot read', async () => {
    const pipeline = await new Pipeline(
      [createTransformer('one_hot_encoder')],
      createModel('decision_tree', 'classification'),
    ).fit(
      frame(
        num('a', a),
        cat(
          'code',
          a.map((v) => (v < 4 ? 'A1' : 'B2')),
        ),
      ),
      y,
      { nClasses: 2 },
    );
    const m = trained(pipeline, ['a', 'code']);
    const expected = m.predict(
      frame(
        num('a', a),
        cat(
          'code',
          a.map((v) => (v < 4 ? 'A1' : 'B2')),
        ),
      ),
    );
    // numbers written as text (a frame built by hand) are read as numbers
    expect(
      m.predict(
        frame(
          cat('a', a.map(String)),
          cat(
            'code',
            a.map((v) => (v < 4 ? 'A1' : 'B2')),
          ),
        ),
      ),
    ).toEqual(expected);
    // codes that all happen to be digits in the new file (read as numbers) are text again, unseen like any new one
    expect(m.predict(frame(num('a', [1, 6]), num('code', [12, 34])))).toHaveLength(2);
    // one value that is not a number: its column, row and value, and what to do
    expect(() => m.predict(frame(cat('a', ['3', 'thirty', '']), cat('code', ['A1', 'A1', 'B2'])))).toThrow(
      expect.objectContaining({
        code: 'data.bad_value',
        message:
          'column a held numbers when the model was trained, but row index 1 (counting from 0) has "thirty"; correct that value, or leave it empty to make it missing.',
      }),
    );
  });

  it('shows class probabilities in a notebook as a table with a column per class', async () => {
    const m = await model();
    const proba = m.predictProba(frame(num('a', a), num('b', b)));
    expect(Object.keys(proba)).toEqual(['data', 'rows', 'cols']); // still a plain matrix to code and JSON
    const bundle = (proba as unknown as Record<symbol, () => MimeBundle>)[DISPLAY]();
    expect(bundle['text/plain'].split('\n')[0]).toMatch(/^row\s+P\(low\)\s+P\(high\)$/);
    expect(bundle['text/plain']).toMatch(/^\s+0\s+1\.0000\s+0\.0000$/m);
    expect(bundle['text/html']).toContain('P(high)');
  });
});

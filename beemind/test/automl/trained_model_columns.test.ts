// TrainedModel takes its feature columns by name: other columns (the target among them) are ignored, the
// order does not matter, and every missing column is named in one DataError.
import '../../src/models/families.js';
import { TrainedModel } from '../../src/trained/trained_model.js';
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
  return new TrainedModel(
    'classification',
    'd1',
    [{ droneId: 'd1', weight: 1, pipeline }],
    ['a', 'b'],
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
});

// target_encoder: smoothed target means and frequencies per category, out of fold on the training rows.
import { ProtocolError } from '../../src/core/errors.js';
import { columnNames } from '../../src/data/frame.js';
import { Pipeline } from '../../src/pipeline/pipeline.js';
import { transformerFromJSON } from '../../src/preprocessing/registry.js';
import { TargetEncoder } from '../../src/preprocessing/target_encoder.js';
import { pipelineFromSpec } from '../../src/pipeline/pipeline.js';
import { cat, frame, num, values } from '../helpers/frames.js';

const train = frame(num('x', [1, 2, 3, 4, 5, 6]), cat('city', ['a', 'a', 'a', 'b', 'b', null]));
const y = Float64Array.from([10, 20, 30, 0, 10, 5]);

describe('target_encoder', () => {
  it('replaces a category by its mean target shrunk towards the overall mean, and adds its share of the rows', async () => {
    const enc = await new TargetEncoder({ smoothing: 2 }).fit(train, y, { task: 'regression' });
    const out = enc.transform(frame(num('x', [0, 0, 0, 0]), cat('city', ['a', 'b', 'zz', null])));
    expect(columnNames(out)).toEqual(['x', 'city=target', 'city=frequency']);
    const prior = 75 / 6;
    const encoded = values(out, 'city=target') as number[];
    expect(encoded[0]).toBeCloseTo((60 + 2 * prior) / 5);
    expect(encoded[1]).toBeCloseTo((10 + 2 * prior) / 4);
    expect(encoded[2]).toBeCloseTo(prior); // unseen: the prior
    expect(encoded[3]).toBeNaN(); // missing stays missing
    expect(values(out, 'city=frequency').slice(0, 3)).toEqual([0.5, 2 / 6, 0]);
  });

  it('gives one column per class for more than two classes, one for two', async () => {
    const labels = Float64Array.from([0, 1, 2, 0, 1, 2]);
    const three = await new TargetEncoder({ frequency: false }).fit(train, labels, {
      task: 'classification',
      nClasses: 3,
    });
    expect(columnNames(three.transform(train))).toEqual([
      'x',
      'city=target_0',
      'city=target_1',
      'city=target_2',
    ]);
    const two = await new TargetEncoder({ frequency: false }).fit(
      train,
      Float64Array.from([0, 1, 1, 0, 0, 1]),
      { task: 'classification', nClasses: 2 },
    );
    expect(columnNames(two.transform(train))).toEqual(['x', 'city=target']);
  });

  it('encodes the training rows out of fold: a category seen on one row tells nothing of that row', async () => {
    const rows = 200;
    const ids = Array.from({ length: rows }, (_, i) => `id${i}`);
    const target = Float64Array.from({ length: rows }, (_, i) => i % 2);
    const data = frame(cat('id', ids));
    const enc = new TargetEncoder({ smoothing: 1, frequency: false });
    const inFold = await enc.fitTransform(data, target, { task: 'regression', seed: 1 });
    // each row's own fold never saw its id: it gets the mean of the other folds, about 0.5 whatever its target
    for (const v of values(inFold, 'id=target') as number[]) expect(Math.abs(v - 0.5)).toBeLessThan(0.1);
    // transform() uses every training row: the same rows now reveal their targets
    const leaked = values(enc.transform(data), 'id=target') as number[];
    expect(leaked.every((v, i) => (target[i] === 1 ? v > 0.7 : v < 0.3))).toBe(true);
  });

  it('is fit out of fold inside a pipeline, and the same seed gives the same model', async () => {
    const rows = 120;
    // one id per row and a target the ids cannot predict: only a leak of each row's own target would fit it
    const data = frame(
      cat(
        'id',
        Array.from({ length: rows }, (_, i) => `r${i}`),
      ),
    );
    const target = Float64Array.from({ length: rows }, (_, i) => (i * 7) % 2);
    const fit = () =>
      pipelineFromSpec(
        {
          steps: [{ kind: 'target_encoder', params: { smoothing: 1 } }],
          model: { family: 'decision_tree', params: { maxDepth: 4 } },
        },
        'classification',
      ).fit(data, target, { nClasses: 2, seed: 4 });
    const [a, b] = [await fit(), await fit()];
    expect(a).toBeInstanceOf(Pipeline);
    expect(Array.from(a.predictProba(data).data)).toEqual(Array.from(b.predictProba(data).data));
    // the tree learned from out-of-fold encodings, which say nothing: on unseen ids it predicts one class
    const unseen = a.predict(frame(cat('id', ['new1', 'new2', 'new3'])));
    expect(new Set(Array.from(unseen)).size).toBe(1);
    // an in-sample encoding would have let the tree separate the training rows perfectly
    const inSample = (
      await new TargetEncoder({ smoothing: 1 }).fit(data, target, { task: 'classification', nClasses: 2 })
    ).transform(data);
    const separable = (values(inSample, 'id=target') as number[]).every((v, i) =>
      target[i] === 1 ? v > 0.5 : v < 0.5,
    );
    expect(separable).toBe(true);
    const training = a.predict(data);
    const accuracy = Array.from(training).filter((p, i) => p === target[i]).length / rows;
    expect(accuracy).toBeLessThan(0.8);
  });

  it('saves and restores its encodings, and refuses damaged ones', async () => {
    const enc = await new TargetEncoder().fit(train, y, { task: 'regression' });
    const json = JSON.parse(JSON.stringify(enc.toJSON()));
    const back = transformerFromJSON(json);
    expect(values(back.transform(train), 'city=target')).toEqual(values(enc.transform(train), 'city=target'));
    json.state.step.encodings[1].means = [1];
    expect(() => transformerFromJSON(json)).toThrow(ProtocolError);
    json.state.step.encodings[1] = null;
    expect(() => transformerFromJSON(json)).toThrow(/must be/);
  });
});

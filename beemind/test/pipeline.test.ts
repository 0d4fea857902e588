import '../src/models/families.js';
import { ConfigurationError, DataError, NotFittedError } from '../src/core/errors.js';
import { Random } from '../src/core/random.js';
import { columnNames, takeFrameRows, type Frame } from '../src/data/frame.js';
import { createModel } from '../src/models/registry.js';
import { Pipeline, type PipelineJSON } from '../src/pipeline/pipeline.js';
import { pipelineFromSpec } from '../src/pipeline/pipeline.js';
import { createTransformer } from '../src/preprocessing/registry.js';
import { cat, frame, num, values } from './helpers/frames.js';

/** 150 rows, three classes: `x` carries the class (with some missing values), `color` hints at it, `n` is noise. */
function data(seed = 4): { f: Frame; y: Float64Array } {
  const rng = new Random(seed);
  const rows = 150;
  const y = Float64Array.from({ length: rows }, (_, i) => i % 3);
  const f = frame(
    num(
      'x',
      Array.from(y, (c, i) => (i % 10 === 0 ? NaN : 2 * c + 0.3 * rng.normal())),
    ),
    cat(
      'color',
      Array.from(y, (c, i) =>
        i % 13 === 0 ? null : rng.float() < 0.8 ? ['red', 'green', 'blue'][c] : 'red',
      ),
    ),
    num(
      'n',
      Array.from(y, () => rng.normal()),
    ),
  );
  return { f, y };
}

const spec = {
  steps: [
    { kind: 'simple_imputer', params: { strategy: 'median', addIndicator: true } },
    { kind: 'one_hot_encoder', params: {} },
    { kind: 'standard_scaler', params: {} },
  ],
  model: { family: 'random_forest', params: { nEstimators: 20, seed: 3 } },
};

const OUTPUT = ['x', 'color=blue', 'color=green', 'color=red', 'n', 'x__missing', 'color__missing'];

describe('Pipeline', () => {
  it('fits the steps in order, then the model on their output, and predicts through them', async () => {
    const { f, y } = data();
    const pipeline = await pipelineFromSpec(spec, 'classification').fit(f, y);
    expect(pipeline.featureNames()).toEqual(OUTPUT);
    expect(columnNames(pipeline.transform(f))).toEqual(OUTPUT);
    const pred = pipeline.predict(f);
    expect(pred).toHaveLength(f.rows);
    expect(pred.filter((p, i) => p === y[i]).length / y.length).toBeGreaterThan(0.9);
    const P = pipeline.predictProba(f);
    expect([P.rows, P.cols]).toEqual([f.rows, 3]);
    for (let i = 0; i < P.rows; i++)
      expect(P.data[i * 3] + P.data[i * 3 + 1] + P.data[i * 3 + 2]).toBeCloseTo(1, 9);
  });

  it('fits every step on the training rows only', async () => {
    const { f, y } = data();
    const trainRows = Array.from({ length: 100 }, (_, i) => i);
    const testRows = Array.from({ length: 50 }, (_, i) => 100 + i);
    const train = takeFrameRows(f, trainRows);
    const pipeline = await new Pipeline(
      [createTransformer('standard_scaler')],
      createModel('decision_tree', 'regression'),
    ).fit(frame(train.columns[0], train.columns[2]), y.subarray(0, 100));
    const test = takeFrameRows(frame(f.columns[0], f.columns[2]), testRows);
    const n = values(train, 'n') as number[];
    const mean = n.reduce((a, b) => a + b, 0) / n.length;
    const std = Math.sqrt(n.reduce((a, b) => a + (b - mean) ** 2, 0) / n.length);
    const scaled = values(pipeline.transform(test), 'n') as number[];
    scaled.forEach((v, i) => expect(v).toBeCloseTo(((values(test, 'n')[i] as number) - mean) / std, 10));
  });

  it('round-trips through JSON and predicts identically', async () => {
    const { f, y } = data();
    const pipeline = await pipelineFromSpec(spec, 'classification').fit(f, y);
    const json = JSON.parse(JSON.stringify(pipeline.toJSON())) as PipelineJSON;
    expect(json.format).toBe('beemind.pipeline');
    const restored = Pipeline.fromJSON(json);
    const { f: fresh } = data(8);
    expect(restored.predict(fresh)).toEqual(pipeline.predict(fresh));
    expect(restored.predictProba(fresh)).toEqual(pipeline.predictProba(fresh));
    expect(restored.featureNames()).toEqual(OUTPUT);
    expect(restored.spec()).toEqual(pipeline.spec());
    expect(() => Pipeline.fromJSON({ format: 'nope' } as never)).toThrow(/not a serialised BeeMind pipeline/);
  });

  it('describes itself as the plain spec it was built from', () => {
    const pipeline = pipelineFromSpec(spec, 'classification');
    const described = pipeline.spec();
    expect(described.steps.map((s) => s.kind)).toEqual([
      'simple_imputer',
      'one_hot_encoder',
      'standard_scaler',
    ]);
    expect(described.steps[0].params).toEqual({ strategy: 'median', addIndicator: true });
    expect(described.model.family).toBe('random_forest');
    expect(described.model.params).toMatchObject({ nEstimators: 20, seed: 3 });
    // the description builds an equal pipeline
    expect(pipelineFromSpec(described, 'classification').spec()).toEqual(described);
  });

  it('reports a malformed spec, an unknown step and bad step params as configuration errors', () => {
    expect(() => pipelineFromSpec({ steps: [{ kind: 'standard_scaler' }] } as never, 'regression')).toThrow(
      /invalid pipeline description: model/,
    );
    expect(() =>
      pipelineFromSpec({ steps: [{ kind: 'pca' }], model: { family: 'decision_tree' } }, 'regression'),
    ).toThrow(ConfigurationError);
    expect(() =>
      pipelineFromSpec(
        { steps: [{ kind: 'log1p', params: { base: 2 } }], model: { family: 'decision_tree' } },
        'regression',
      ),
    ).toThrow(/invalid hyperparameters for log1p/);
  });

  it('maps the model feature importances to the names of the columns it sees', async () => {
    const { f, y } = data();
    const pipeline = await pipelineFromSpec(spec, 'classification').fit(f, y);
    const imp = pipeline.featureImportances()!;
    expect(imp.map((e) => e.feature)).toEqual(OUTPUT);
    expect(imp.reduce((s, e) => s + e.importance, 0)).toBeCloseTo(1, 6);
    const top = [...imp].sort((a, b) => b.importance - a.importance)[0];
    expect(['x', 'color=blue', 'color=green', 'color=red']).toContain(top.feature);
  });

  it('passes the task to supervised steps and nClasses to the model', async () => {
    const { f, y } = data();
    const pipeline = pipelineFromSpec(
      {
        steps: [
          { kind: 'simple_imputer' },
          { kind: 'ordinal_encoder' },
          { kind: 'mutual_info_select', params: { k: 1 } },
        ],
        model: { family: 'decision_tree', params: { maxDepth: 3 } },
      },
      'classification',
    );
    const twoClasses = Float64Array.from(y, (c) => Math.min(c, 1));
    await pipeline.fit(f, twoClasses, { nClasses: 3 });
    expect(pipeline.featureNames()).toEqual(['x']);
    expect(pipeline.predictProba(f).cols).toBe(3);
  });

  it("hands an ordinal encoder's codes to boosting as categories, and a scaled copy as numbers", async () => {
    const { f, y } = data();
    const boosting = { family: 'hist_gradient_boosting', params: { maxIter: 5, minSamplesLeaf: 5 } };
    const codes = await pipelineFromSpec(
      { steps: [{ kind: 'ordinal_encoder' }], model: boosting },
      'classification',
    ).fit(f, y);
    const scaled = await pipelineFromSpec(
      { steps: [{ kind: 'ordinal_encoder' }, { kind: 'standard_scaler' }], model: boosting },
      'classification',
    ).fit(f, y);
    const categoryCodes = (p: Pipeline) =>
      (p.model as unknown as { boosted: { trees: { nCategoryCodes: number } } }).boosted.trees.nCategoryCodes;
    expect(categoryCodes(codes)).toBeGreaterThan(0);
    expect(categoryCodes(scaled)).toBe(0);
  });

  it('explains a categorical column that reaches the model without an encoder', async () => {
    const { f, y } = data();
    const pipeline = pipelineFromSpec(
      { steps: [{ kind: 'simple_imputer' }], model: { family: 'decision_tree' } },
      'classification',
    );
    await expect(pipeline.fit(f, y)).rejects.toThrow(DataError);
    await expect(pipeline.fit(f, y)).rejects.toThrow(
      /column "color" is categorical.*add a one-hot or ordinal encoder/,
    );
  });

  it('checks the task, the target length and that it was fitted', async () => {
    const { f, y } = data();
    const pipeline = pipelineFromSpec(spec, 'classification');
    expect(() => pipeline.predict(f)).toThrow(NotFittedError);
    expect(() => pipeline.featureNames()).toThrow(NotFittedError);
    await expect(pipeline.fit(f, y, { task: 'regression' })).rejects.toThrow(ConfigurationError);
    await expect(pipeline.fit(f, y.subarray(1))).rejects.toThrow(/150 rows but 149 target values/);
  });

  it('rejects new rows whose columns differ from the training frame', async () => {
    const { f, y } = data();
    const pipeline = await pipelineFromSpec(spec, 'classification').fit(f, y);
    expect(() => pipeline.predict(frame(f.columns[0], f.columns[1]))).toThrow(/missing "n"/);
  });
});

// The estimator contract, run over every registered model family and task (scikit-learn's
// estimator_checks in jest form).
import '../../src/models/families.js';
import { DataError } from '../../src/core/errors.js';
import { createMatrix, type Matrix } from '../../src/core/matrix.js';
import type { Task } from '../../src/core/task.js';
import { createModel, estimatorFromJSON, modelFamilies } from '../../src/models/registry.js';
import { makeProblem } from '../helpers/synthetic.js';

/** Small, fast settings so the suite stays quick; the defaults are exercised elsewhere. */
const fastParams: Record<string, Record<string, unknown>> = {
  random_forest: { nEstimators: 10 },
  extra_trees: { nEstimators: 10 },
  hist_gradient_boosting: { maxIter: 20 },
  mlp: { hiddenLayerSizes: [8], maxIter: 20, learningRate: 0.01, batchSize: 16 },
};

const cases: [string, Task][] = modelFamilies().flatMap((f) =>
  f.tasks.map((t) => [f.family, t] as [string, Task]),
);

const copy = (m: Matrix): Matrix => createMatrix(m.rows, m.cols, m.data.slice());

describe.each(cases)('%s (%s) follows the estimator contract', (family, task) => {
  const make = () => createModel(family, task, fastParams[family] ?? {});
  const { X, y } = makeProblem(task, { seed: 3 });

  it('fits and predicts one value per row', async () => {
    const model = await make().fit(X, y);
    const pred = model.predict(X);
    expect(pred).toBeInstanceOf(Float64Array);
    expect(pred.length).toBe(X.rows);
    expect(pred.every(Number.isFinite)).toBe(true);
    expect(model.nFeatures).toBe(X.cols);
    if (task === 'classification')
      expect(pred.every((p) => p >= 0 && p < 3 && Number.isInteger(p))).toBe(true);
  });

  if (task === 'classification') {
    it('predicts probabilities that sum to one per row', async () => {
      const model = await make().fit(X, y);
      const P = model.predictProba!(X);
      expect([P.rows, P.cols]).toEqual([X.rows, 3]);
      for (let i = 0; i < P.rows; i++) {
        let s = 0;
        for (let j = 0; j < P.cols; j++) {
          const p = P.data[i * P.cols + j];
          expect(p).toBeGreaterThanOrEqual(0);
          s += p;
        }
        expect(s).toBeCloseTo(1, 6);
      }
    });

    it('accepts nClasses larger than the labels present (a fold lacking a class)', async () => {
      const two = Float64Array.from(y, (v) => v % 2);
      const model = await make().fit(X, two, { nClasses: 3 });
      expect(model.predictProba!(X).cols).toBe(3);
    });

    it('rejects a target with a single class', async () => {
      await expect(make().fit(X, new Float64Array(X.rows))).rejects.toThrow(/only one class/);
    });
  }

  it('learns better than chance on training data', async () => {
    const model = await make().fit(X, y);
    const pred = model.predict(X);
    if (task === 'classification') {
      const acc = pred.filter((p, i) => p === y[i]).length / y.length;
      expect(acc).toBeGreaterThan(0.5);
    } else {
      let ssRes = 0;
      let ssTot = 0;
      const mean = y.reduce((a, b) => a + b, 0) / y.length;
      y.forEach((v, i) => {
        ssRes += (v - pred[i]) ** 2;
        ssTot += (v - mean) ** 2;
      });
      expect(1 - ssRes / ssTot).toBeGreaterThan(0.3);
    }
  });

  it('is deterministic for a seed', async () => {
    const a = (await make().fit(X, y)).predict(X);
    const b = (await make().fit(X, y)).predict(X);
    expect(b).toEqual(a);
  });

  it('round-trips through JSON and predicts identically', async () => {
    const model = await make().fit(X, y);
    const restored = estimatorFromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    expect(restored.predict(X)).toEqual(model.predict(X));
    if (task === 'classification')
      expect(restored.predictProba!(X).data).toEqual(model.predictProba!(X).data);
    expect(restored.getParams()).toEqual(model.getParams());
  });

  it('exposes plain-object hyperparameters that rebuild the same model', async () => {
    const params = make().getParams();
    expect(JSON.parse(JSON.stringify(params))).toEqual(params);
    const again = createModel(family, task, params);
    expect(again.getParams()).toEqual(params);
  });

  it('does not mutate its inputs', async () => {
    const Xc = copy(X);
    const yc = y.slice();
    const model = await make().fit(Xc, yc);
    model.predict(Xc);
    expect(Xc.data).toEqual(X.data);
    expect(yc).toEqual(y);
  });

  it('rejects empty data with a clear error', async () => {
    await expect(make().fit(createMatrix(0, X.cols), new Float64Array(0))).rejects.toThrow(DataError);
    await expect(make().fit(createMatrix(0, X.cols), new Float64Array(0))).rejects.toThrow(/no rows/);
  });

  it('rejects infinite values, and missing values unless it handles them natively', async () => {
    const inf = copy(X);
    inf.data[5] = Infinity;
    await expect(make().fit(inf, y)).rejects.toThrow(/infinite value/);
    const nan = copy(X);
    nan.data[5] = NaN;
    const model = make();
    const accepts = (model as unknown as { acceptsMissing: boolean }).acceptsMissing;
    if (accepts) {
      await expect(model.fit(nan, y)).resolves.toBe(model);
    } else {
      await expect(model.fit(nan, y)).rejects.toThrow(/missing value \(NaN\).*imputer/);
    }
  });

  it('rejects a different number of columns at predict time', async () => {
    const model = await make().fit(X, y);
    const wrong = createMatrix(2, X.cols + 1);
    expect(() => model.predict(wrong)).toThrow(/fitted on 4 features but got 5/);
  });

  it('refuses to predict before fit', () => {
    expect(() => make().predict(X)).toThrow(/not fitted/);
  });

  it('reports feature importances, one per feature, where defined', async () => {
    const model = await make().fit(X, y);
    if (!model.featureImportances) return expect(model.featureImportances).toBeUndefined();
    const imp = model.featureImportances();
    expect(imp.length).toBe(X.cols);
    expect(imp.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
  });
});

describe('the model registry', () => {
  it('knows every model family of the library', () => {
    expect(
      modelFamilies()
        .map((f) => f.family)
        .sort(),
    ).toEqual(
      [
        'decision_tree',
        'extra_trees',
        'gaussian_nb',
        'hist_gradient_boosting',
        'knn',
        'lasso',
        'linear_regression',
        'logistic_regression',
        'mlp',
        'random_forest',
        'ridge',
        'svm',
      ].sort(),
    );
  });
  it('explains an unknown family and an unsupported task', () => {
    expect(() => createModel('no_such_model', 'classification')).toThrow(
      /unknown model family "no_such_model"/,
    );
  });
});

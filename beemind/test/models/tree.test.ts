// Tree learners (decision tree, random forest, extra trees): correctness on small problems whose answer is
// known, hyperparameters honoured, importances, missing values, determinism and serialisation details.
import '../../src/models/families.js';
import { ConfigurationError, ProtocolError } from '../../src/core/errors.js';
import { createMatrix, matrixFromRows, type Matrix } from '../../src/core/matrix.js';
import { Random } from '../../src/core/random.js';
import { createModel, estimatorFromJSON } from '../../src/models/registry.js';
import { DecisionTreeClassifier, DecisionTreeRegressor } from '../../src/models/tree/decision_tree.js';
import { ExtraTreesClassifier, ExtraTreesRegressor } from '../../src/models/tree/extra_trees.js';
import { FlatTree } from '../../src/models/tree/flat_tree.js';
import { resolveMaxFeatures } from '../../src/models/tree/params.js';
import { RandomForestClassifier, RandomForestRegressor } from '../../src/models/tree/random_forest.js';

/** n rows × p standard normal features; the label is 1 when feature `informative` is positive. */
function oneInformative(n: number, p: number, informative: number, seed = 1): { X: Matrix; y: Float64Array } {
  const rng = new Random(seed);
  const X = createMatrix(n, p);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) X.data[i * p + j] = rng.normal();
    y[i] = X.data[i * p + informative] > 0 ? 1 : 0;
  }
  return { X, y };
}

const column = (values: number[]): Matrix => matrixFromRows(values.map((v) => [v]));
const sum = (a: Float64Array): number => a.reduce((s, v) => s + v, 0);

describe('decision tree', () => {
  it('finds a pure split at the midpoint between the two classes, like scikit-learn', async () => {
    const X = column([1, 2, 3, 4, 5, 6, 7, 8]);
    const y = Float64Array.from([0, 0, 0, 0, 1, 1, 1, 1]);
    const model = await new DecisionTreeClassifier().fit(X, y);
    const [tree] = model.trees;
    expect(tree.nodeCount).toBe(3);
    expect(tree.feature[0]).toBe(0);
    expect(tree.threshold[0]).toBe(4.5);
    expect(Array.from(model.predict(column([4.4, 4.5, 4.6, -100, 100])))).toEqual([0, 0, 1, 0, 1]);
    expect(Array.from(model.predictProba(column([0, 9])).data)).toEqual([1, 0, 0, 1]);
    expect(Array.from(model.featureImportances())).toEqual([1]);
  });

  it('fits a training set exactly when grown without limits', async () => {
    const { X, y } = oneInformative(300, 5, 2);
    // add label noise so the tree has to grow deep
    for (let i = 0; i < y.length; i += 7) y[i] = 1 - y[i];
    const model = await new DecisionTreeClassifier().fit(X, y);
    expect(model.predict(X)).toEqual(y);
  });

  it('honours maxDepth, minSamplesLeaf and minSamplesSplit', async () => {
    const { X, y } = oneInformative(400, 4, 0);
    for (let i = 0; i < y.length; i += 5) y[i] = 1 - y[i];
    for (const maxDepth of [1, 2, 3]) {
      const model = await new DecisionTreeClassifier({ maxDepth }).fit(X, y);
      expect(model.trees[0].depth()).toBe(maxDepth);
    }
    const leafy = await new DecisionTreeClassifier({ minSamplesLeaf: 20 }).fit(X, y);
    const tree = leafy.trees[0];
    const rowsPerLeaf = new Map<number, number>();
    for (let i = 0; i < X.rows; i++)
      rowsPerLeaf.set(tree.leafOf(X, i), (rowsPerLeaf.get(tree.leafOf(X, i)) ?? 0) + 1);
    expect(rowsPerLeaf.size).toBe(tree.leafCount);
    expect(Math.min(...rowsPerLeaf.values())).toBeGreaterThanOrEqual(20);
    // a fraction of the rows: only the root has enough rows to be split
    const stubby = await new DecisionTreeClassifier({ minSamplesSplit: 0.99 }).fit(X, y);
    expect(stubby.trees[0].depth()).toBe(1);
  });

  it('stops splitting below minImpurityDecrease', async () => {
    const { X, y } = oneInformative(200, 3, 1);
    for (let i = 0; i < y.length; i += 4) y[i] = 1 - y[i];
    const full = await new DecisionTreeClassifier().fit(X, y);
    const pruned = await new DecisionTreeClassifier({ minImpurityDecrease: 0.01 }).fit(X, y);
    expect(pruned.trees[0].nodeCount).toBeLessThan(full.trees[0].nodeCount);
    expect(pruned.trees[0].nodeCount).toBeGreaterThan(1);
  });

  it('supports entropy and the random splitter', async () => {
    const { X, y } = oneInformative(300, 6, 4);
    for (const params of [{ criterion: 'entropy' as const }, { splitter: 'random' as const }]) {
      const model = await new DecisionTreeClassifier(params).fit(X, y);
      expect(model.predict(X)).toEqual(y);
      const imp = model.featureImportances();
      expect(imp.indexOf(Math.max(...imp))).toBe(4);
    }
  });

  it('fits a step function exactly in regression', async () => {
    const xs = Array.from({ length: 60 }, (_, i) => i / 60);
    const step = (x: number) => (x < 0.3 ? 1 : x < 0.7 ? 5 : -2);
    const y = Float64Array.from(xs, step);
    const model = await new DecisionTreeRegressor().fit(column(xs), y);
    expect(model.trees[0].leafCount).toBe(3);
    expect(Array.from(model.predict(column([0, 0.29, 0.31, 0.69, 0.71, 1])))).toEqual([1, 1, 5, 5, -2, -2]);
  });

  it('predicts the mean of each leaf in regression', async () => {
    const X = column([0, 0, 1, 1]);
    const y = Float64Array.from([1, 3, 10, 20]);
    const model = await new DecisionTreeRegressor().fit(X, y);
    expect(Array.from(model.predict(column([0, 1])))).toEqual([2, 15]);
  });
});

describe('class weights', () => {
  it('balance the classes like scikit-learn’s class_weight="balanced"', async () => {
    // at x = 1 four rows of class 0 and two of class 1 cannot be separated; weights 10/16 and 10/4 flip the vote
    const X = column([0, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
    const y = Float64Array.from([0, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
    const plain = await new DecisionTreeClassifier().fit(X, y);
    expect(Array.from(plain.predictProba(column([1])).data)).toEqual([4 / 6, 2 / 6]);
    const balanced = await new DecisionTreeClassifier({ classWeight: 'balanced' }).fit(X, y);
    const p = balanced.predictProba(column([1])).data;
    expect(p[0]).toBeCloseTo(1 / 3, 12);
    expect(p[1]).toBeCloseTo(2 / 3, 12);
    for (const classWeight of ['balanced', 'balanced_subsample'] as const) {
      const forest = await new RandomForestClassifier({ nEstimators: 20, classWeight }).fit(X, y);
      expect(forest.predictProba(column([1])).data[1]).toBeGreaterThan(0.5);
    }
  });
});

describe('missing values', () => {
  it('learns where missing values go', async () => {
    // class 1 exactly when feature 0 is missing; feature 1 is noise
    const rng = new Random(4);
    const rows = Array.from({ length: 80 }, (_, i) => [i % 2 === 0 ? NaN : rng.normal(), rng.normal()]);
    const X = matrixFromRows(rows);
    const y = Float64Array.from(rows, (r) => (Number.isNaN(r[0]) ? 1 : 0));
    for (const model of [new DecisionTreeClassifier(), new RandomForestClassifier({ nEstimators: 10 })]) {
      await model.fit(X, y);
      expect(model.predict(X)).toEqual(y);
      expect(
        Array.from(
          model.predict(
            matrixFromRows([
              [NaN, 0],
              [0.5, 0],
            ]),
          ),
        ),
      ).toEqual([1, 0]);
    }
  });

  it('sends a missing value unseen at training to the larger child', async () => {
    const X = column([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const y = Float64Array.from([0, 0, 0, 1, 1, 1, 1, 1, 1, 1]);
    const model = await new DecisionTreeClassifier().fit(X, y);
    expect(Array.from(model.predict(column([NaN])))).toEqual([1]);
  });
});

describe('forests', () => {
  it('pick the informative feature, with importances summing to one', async () => {
    const { X, y } = oneInformative(500, 8, 5);
    const models = [
      new DecisionTreeClassifier(),
      new RandomForestClassifier({ nEstimators: 20 }),
      new ExtraTreesClassifier({ nEstimators: 20 }),
    ];
    for (const model of models) {
      await model.fit(X, y);
      const imp = model.featureImportances();
      expect(imp.length).toBe(8);
      expect(sum(imp)).toBeCloseTo(1, 12);
      expect(imp.indexOf(Math.max(...imp))).toBe(5);
      expect(imp[5]).toBeGreaterThan(0.5);
    }
  });

  it('average the trees’ leaf class frequencies in predictProba', async () => {
    const { X, y } = oneInformative(200, 4, 0);
    const model = await new RandomForestClassifier({ nEstimators: 7, maxDepth: 2 }).fit(X, y);
    const P = model.predictProba(X);
    const manual = new Float64Array(X.rows * 2);
    for (const tree of model.trees) tree.addPredictions(X, manual);
    for (let i = 0; i < manual.length; i++) expect(P.data[i]).toBeCloseTo(manual[i] / 7, 12);
    expect(model.trees.length).toBe(7);
  });

  it('generalise on a noisy problem better than one tree', async () => {
    const rng = new Random(9);
    const make = (n: number) => {
      const X = createMatrix(n, 6);
      const y = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < 6; j++) X.data[i * 6 + j] = rng.normal();
        const x = X.data.subarray(i * 6, i * 6 + 6);
        y[i] = x[0] + x[1] * x[2] + 0.8 * rng.normal() > 0 ? 1 : 0;
      }
      return { X, y };
    };
    const train = make(1500);
    const test = make(1000);
    const accuracy = (pred: Float64Array) => pred.filter((p, i) => p === test.y[i]).length / pred.length;
    const tree = accuracy((await new DecisionTreeClassifier().fit(train.X, train.y)).predict(test.X));
    const forest = accuracy(
      (await new RandomForestClassifier({ nEstimators: 50 }).fit(train.X, train.y)).predict(test.X),
    );
    const extra = accuracy(
      (await new ExtraTreesClassifier({ nEstimators: 50 }).fit(train.X, train.y)).predict(test.X),
    );
    expect(forest).toBeGreaterThan(tree + 0.03);
    expect(extra).toBeGreaterThan(tree + 0.03);
  });

  it('regress a smooth function closely', async () => {
    const rng = new Random(2);
    const n = 600;
    const X = createMatrix(n, 2);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      X.data[2 * i] = rng.uniform(-3, 3);
      X.data[2 * i + 1] = rng.normal();
      y[i] = Math.sin(X.data[2 * i]);
    }
    for (const model of [
      new RandomForestRegressor({ nEstimators: 30 }),
      new ExtraTreesRegressor({ nEstimators: 30 }),
    ]) {
      await model.fit(X, y);
      const grid = matrixFromRows([
        [-2, 0],
        [-1, 0],
        [0, 0],
        [1, 0],
        [2, 0],
      ]);
      const pred = model.predict(grid);
      [-2, -1, 0, 1, 2].forEach((x, i) => expect(Math.abs(pred[i] - Math.sin(x))).toBeLessThan(0.1));
      const imp = model.featureImportances();
      expect(imp[0]).toBeGreaterThan(0.9);
    }
  });

  it('are deterministic for a seed, differ across seeds, and do not depend on nJobs', async () => {
    const { X, y } = oneInformative(300, 6, 1);
    for (let i = 0; i < y.length; i += 3) y[i] = 1 - y[i];
    const fresh = oneInformative(50, 6, 1, 2).X;
    for (const family of ['random_forest', 'extra_trees']) {
      const fit = async (params: Record<string, unknown>) =>
        (await createModel(family, 'classification', { nEstimators: 8, ...params }).fit(X, y)).predictProba!(
          fresh,
        ).data;
      const a = await fit({ seed: 0 });
      expect(await fit({ seed: 0 })).toEqual(a);
      expect(await fit({ seed: 0, nJobs: 2 })).toEqual(a);
      expect(await fit({ seed: 1 })).not.toEqual(a);
    }
  });

  it('use every row once per tree without bootstrap, and bootstrap draws with it', async () => {
    const X = column([1, 2, 3, 4, 5, 6]);
    const y = Float64Array.from([0, 0, 0, 1, 1, 1]);
    // without bootstrap and with all features, every tree of a "forest" is the exact tree
    const exact = await new RandomForestClassifier({
      nEstimators: 5,
      bootstrap: false,
      maxFeatures: null,
    }).fit(X, y);
    for (const tree of exact.trees) expect(tree.threshold[0]).toBe(3.5);
    const boot = await new RandomForestClassifier({ nEstimators: 30, maxSamples: 0.5 }).fit(X, y);
    expect(new Set(boot.trees.map((t) => t.threshold[0])).size).toBeGreaterThan(1);
  });
});

describe('hyperparameters', () => {
  it('default to scikit-learn’s', () => {
    expect(new RandomForestClassifier().getParams()).toMatchObject({
      nEstimators: 100,
      criterion: 'gini',
      maxDepth: null,
      minSamplesSplit: 2,
      minSamplesLeaf: 1,
      maxFeatures: 'sqrt',
      bootstrap: true,
      seed: 0,
    });
    expect(new RandomForestRegressor().getParams()).toMatchObject({
      criterion: 'squared_error',
      maxFeatures: 1,
    });
    expect(new ExtraTreesClassifier().getParams()).toMatchObject({ bootstrap: false, maxFeatures: 'sqrt' });
    expect(new ExtraTreesRegressor().getParams()).toMatchObject({ bootstrap: false, maxFeatures: 1 });
    expect(new DecisionTreeClassifier().getParams()).toMatchObject({ splitter: 'best', maxFeatures: null });
  });

  it('resolve maxFeatures like scikit-learn', () => {
    expect(resolveMaxFeatures('sqrt', 20)).toBe(4);
    expect(resolveMaxFeatures('log2', 20)).toBe(4);
    expect(resolveMaxFeatures(null, 20)).toBe(20);
    expect(resolveMaxFeatures(1, 20)).toBe(20);
    expect(resolveMaxFeatures(0.3, 20)).toBe(6);
    expect(resolveMaxFeatures(0.01, 20)).toBe(1);
    expect(resolveMaxFeatures(7, 20)).toBe(7);
    expect(resolveMaxFeatures(70, 20)).toBe(20);
  });

  it('reject invalid values with a message naming the field', () => {
    expect(() => new RandomForestClassifier({ criterion: 'squared_error' } as never)).toThrow(
      ConfigurationError,
    );
    expect(() => new DecisionTreeClassifier({ minSamplesSplit: 1 })).toThrow(/minSamplesSplit/);
    expect(() => new DecisionTreeClassifier({ maxFeatures: 2.5 })).toThrow(/maxFeatures/);
    expect(() => new ExtraTreesClassifier({ maxSamples: 0.5 })).toThrow(
      /maxSamples only applies with bootstrap/,
    );
    expect(() => createModel('random_forest', 'classification', { nTrees: 10 })).toThrow(/nTrees/);
  });
});

describe('serialisation', () => {
  it('round-trips thresholds exactly, including infinite ones', async () => {
    const X = column([1, 2, NaN, NaN, 3, 4]);
    const y = Float64Array.from([0, 0, 1, 1, 0, 0]);
    const model = await new DecisionTreeClassifier().fit(X, y);
    expect(model.trees[0].threshold[0]).toBe(Infinity);
    const copy = estimatorFromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    expect(copy.predict(column([NaN, 2.5]))).toEqual(Float64Array.from([1, 0]));
    expect(copy.featureImportances!()).toEqual(model.featureImportances());
  });

  it('rejects a malformed tree', () => {
    const tree = new FlatTree(
      Int32Array.from([-1]),
      new Float64Array(1),
      new Int32Array(1),
      Int32Array.from([-1]),
      new Uint8Array(1),
      Float64Array.from([1]),
      1,
    );
    const json = tree.toJSON();
    expect(FlatTree.fromJSON(json).nodeCount).toBe(1);
    expect(() =>
      FlatTree.fromJSON({
        ...json,
        left: new FlatTree(
          new Int32Array(2),
          new Float64Array(2),
          new Int32Array(2),
          new Int32Array(2),
          new Uint8Array(2),
          new Float64Array(1),
          1,
        ).toJSON().left,
      }),
    ).toThrow(ProtocolError);
  });
});

// k-nearest neighbours: hand-checked votes and means, distance weighting, Minkowski powers, and the
// partial-selection search against a full sort.
import { createMatrix, matrixFromRows } from '../../src/core/matrix.js';
import { Random } from '../../src/core/random.js';
import { kNearest } from '../../src/models/neighbors/brute_force.js';
import { KNeighborsClassifier, KNeighborsRegressor } from '../../src/models/neighbors/knn.js';

const line = (values: number[]) => matrixFromRows(values.map((v) => [v]));
// training points on a line: three of class 0 near the origin, two of class 1 near 10
const Xline = line([0, 1, 2, 10, 11]);
const yline = Float64Array.from([0, 0, 0, 1, 1]);

describe('k-nearest neighbours classifier', () => {
  it('with k = 1 reproduces the training labels', async () => {
    const rng = new Random(1);
    const X = createMatrix(60, 3);
    X.data.forEach((_, i) => (X.data[i] = rng.normal()));
    const y = Float64Array.from({ length: 60 }, () => rng.int(3));
    const model = await new KNeighborsClassifier({ nNeighbors: 1 }).fit(X, y);
    expect(Array.from(model.predict(X))).toEqual(Array.from(y));
  });

  it('votes with uniform weights', async () => {
    const model = await new KNeighborsClassifier({ nNeighbors: 3 }).fit(Xline, yline);
    // 1.5: neighbours 1, 2, 0 → all class 0; 9: neighbours 10, 11, 2 → 1/3 class 0, 2/3 class 1
    const P = model.predictProba(line([1.5, 9]));
    expect(Array.from(P.data)).toEqual([1, 0, 1 / 3, 2 / 3]);
    expect(Array.from(model.predict(line([1.5, 9])))).toEqual([0, 1]);
  });

  it('weights votes by inverse distance, and an exact match takes all the weight', async () => {
    const model = await new KNeighborsClassifier({ nNeighbors: 3, weights: 'distance' }).fit(Xline, yline);
    const P = model.predictProba(line([9, 2]));
    // 9: distances 1, 2, 7 → weights 1, 1/2, 1/7
    const w0 = 1 / 7;
    const w1 = 1 + 1 / 2;
    expect(P.data[0]).toBeCloseTo(w0 / (w0 + w1), 14);
    expect(P.data[1]).toBeCloseTo(w1 / (w0 + w1), 14);
    // 2 is a training point of class 0
    expect(Array.from(P.data.subarray(2))).toEqual([1, 0]);
  });

  it('uses the Minkowski power p: Euclidean and Manhattan disagree on the nearest point', async () => {
    const X = matrixFromRows([
      [3, 0],
      [2, 2],
    ]);
    const y = Float64Array.from([0, 1]);
    const origin = matrixFromRows([[0, 0]]);
    // Euclidean: 3 vs 2.83 → class 1; Manhattan: 3 vs 4 → class 0
    const euclid = await new KNeighborsClassifier({ nNeighbors: 1, p: 2 }).fit(X, y);
    const manhattan = await new KNeighborsClassifier({ nNeighbors: 1, p: 1 }).fit(X, y);
    expect(euclid.predict(origin)[0]).toBe(1);
    expect(manhattan.predict(origin)[0]).toBe(0);
  });

  it('consults every training row when nNeighbors exceeds them', async () => {
    const model = await new KNeighborsClassifier({ nNeighbors: 50 }).fit(Xline, yline);
    expect(Array.from(model.predictProba(line([100])).data)).toEqual([0.6, 0.4]);
  });

  it('gives probability 0 to a class absent from the training rows', async () => {
    const model = await new KNeighborsClassifier({ nNeighbors: 2 }).fit(Xline, yline, { nClasses: 3 });
    expect(Array.from(model.predictProba(line([0.4])).data)).toEqual([1, 0, 0]);
  });
});

describe('k-nearest neighbours regressor', () => {
  it('predicts the (weighted) mean target of the neighbours', async () => {
    const y = Float64Array.from([1, 2, 3, 10, 20]);
    const uniform = await new KNeighborsRegressor({ nNeighbors: 2 }).fit(Xline, y);
    expect(Array.from(uniform.predict(line([0.4, 10.6])))).toEqual([1.5, 15]);
    const weighted = await new KNeighborsRegressor({ nNeighbors: 2, weights: 'distance' }).fit(Xline, y);
    // 0.4: distances 0.4 (y=1) and 0.6 (y=2)
    const expected = (1 / 0.4 + 2 / 0.6) / (1 / 0.4 + 1 / 0.6);
    expect(weighted.predict(line([0.4]))[0]).toBeCloseTo(expected, 12);
  });

  it('with k = 1 reproduces the training targets', async () => {
    const y = Float64Array.from([5, -1, 3, 8, 2]);
    const model = await new KNeighborsRegressor({ nNeighbors: 1 }).fit(Xline, y);
    expect(Array.from(model.predict(Xline))).toEqual(Array.from(y));
  });
});

describe('kNearest (partial selection)', () => {
  it.each([1, 2, 3])('matches a full sort of the distances (p = %d)', (p) => {
    const rng = new Random(5);
    const nTrain = 300;
    const nQuery = 20;
    const cols = 4;
    // integer coordinates make exact distance ties common: ties must go to the lower index
    const train = Float64Array.from({ length: nTrain * cols }, () => rng.int(5));
    const query = Float64Array.from({ length: nQuery * cols }, () => rng.int(5));
    const k = 7;
    const result = kNearest(train, nTrain, query, nQuery, cols, k, p);
    for (let q = 0; q < nQuery; q++) {
      const all = Array.from({ length: nTrain }, (_, t) => {
        let s = 0;
        for (let j = 0; j < cols; j++) s += Math.abs(query[q * cols + j] - train[t * cols + j]) ** p;
        return { t, d: s ** (1 / p) };
      }).sort((a, b) => a.d - b.d || a.t - b.t);
      expect(Array.from(result.indices.subarray(q * k, (q + 1) * k))).toEqual(
        all.slice(0, k).map((e) => e.t),
      );
      result.distances.subarray(q * k, (q + 1) * k).forEach((d, a) => expect(d).toBeCloseTo(all[a].d, 12));
    }
  });
});

// Gaussian naive Bayes: fitted statistics and posteriors checked against a hand computation, smoothing,
// absent classes and numerically extreme queries.
import { matrixFromRows } from '../../src/core/matrix.js';
import { GaussianNB } from '../../src/models/naive_bayes/gaussian_nb.js';

// two features, two classes: class 0 has 3 rows, class 1 has 2
const X = matrixFromRows([
  [1, 10],
  [2, 12],
  [3, 11],
  [6, 20],
  [8, 22],
]);
const y = Float64Array.from([0, 0, 0, 1, 1]);

/** Gaussian density, written out independently of the model. */
const density = (x: number, mean: number, variance: number) =>
  Math.exp(-((x - mean) ** 2) / (2 * variance)) / Math.sqrt(2 * Math.PI * variance);

describe('Gaussian naive Bayes', () => {
  it('fits per-class means, population variances plus varSmoothing × the largest variance, and priors', async () => {
    const model = await new GaussianNB().fit(X, y);
    // feature variances over all rows: f0 mean 4 → (9+4+1+4+16)/5 = 6.8; f1 mean 15 → (25+9+16+25+49)/5 = 24.8
    const eps = 1e-9 * 24.8;
    expect(Array.from(model.theta)).toEqual([2, 11, 7, 21]);
    const expected = [2 / 3 + eps, 2 / 3 + eps, 1 + eps, 1 + eps];
    model.variance.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 14));
    expect(Array.from(model.logPrior)).toEqual([Math.log(3 / 5), Math.log(2 / 5)]);
  });

  it('computes posteriors that match a hand computation', async () => {
    const model = await new GaussianNB({ varSmoothing: 0.01 }).fit(X, y);
    const eps = 0.01 * 24.8;
    const query = [4.5, 15];
    const joint = [
      (3 / 5) * density(query[0], 2, 2 / 3 + eps) * density(query[1], 11, 2 / 3 + eps),
      (2 / 5) * density(query[0], 7, 1 + eps) * density(query[1], 21, 1 + eps),
    ];
    const total = joint[0] + joint[1];
    const P = model.predictProba(matrixFromRows([query]));
    expect(P.data[0]).toBeCloseTo(joint[0] / total, 12);
    expect(P.data[1]).toBeCloseTo(joint[1] / total, 12);
    expect(model.predict(matrixFromRows([query]))[0]).toBe(joint[0] > joint[1] ? 0 : 1);
  });

  it('stays finite and normalised for queries far from every class (log-sum-exp)', async () => {
    const model = await new GaussianNB().fit(X, y);
    const P = model.predictProba(
      matrixFromRows([
        [1e6, -1e6],
        [-500, 3000],
      ]),
    );
    for (let i = 0; i < 2; i++) {
      const row = [P.data[2 * i], P.data[2 * i + 1]];
      expect(row.every(Number.isFinite)).toBe(true);
      expect(row[0] + row[1]).toBeCloseTo(1, 12);
    }
  });

  it('handles a feature that is constant within a class', async () => {
    const Xc = matrixFromRows([
      [1, 5],
      [2, 5],
      [3, 7],
      [4, 7],
    ]);
    const model = await new GaussianNB().fit(Xc, Float64Array.from([0, 0, 1, 1]));
    expect(Array.from(model.predict(Xc))).toEqual([0, 0, 1, 1]);
    expect(model.predictProba(Xc).data.every(Number.isFinite)).toBe(true);
  });

  it('gives probability 0 to a class absent from the training data', async () => {
    const model = await new GaussianNB().fit(X, y, { nClasses: 3 });
    const P = model.predictProba(matrixFromRows([[4, 15]]));
    expect(P.cols).toBe(3);
    expect(P.data[2]).toBe(0);
    expect(P.data[0] + P.data[1]).toBeCloseTo(1, 12);
  });
});

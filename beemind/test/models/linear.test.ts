// Linear models (least squares, ridge, lasso, logistic regression): exact answers on small problems,
// optimality (KKT) conditions of the scikit-learn objectives, sparsity, and the solver building blocks.
import { createMatrix, matrixFromRows, type Matrix } from '../../src/core/matrix.js';
import { Random } from '../../src/core/random.js';
import { estimatorFromJSON } from '../../src/models/registry.js';
import '../../src/models/families.js';
import { lassoCoordinateDescent } from '../../src/models/linear/coordinate_descent.js';
import { penalizedLeastSquares } from '../../src/models/linear/least_squares.js';
import { Lasso, LinearRegression, Ridge } from '../../src/models/linear/linear_regression.js';
import { LogisticRegression } from '../../src/models/linear/logistic_regression.js';

/** n × p standard normal features scaled per column by `scales` (default 1). */
function normals(n: number, p: number, seed: number, scales?: number[]): Matrix {
  const rng = new Random(seed);
  const X = createMatrix(n, p);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < p; j++) X.data[i * p + j] = rng.normal() * (scales?.[j] ?? 1);
  return X;
}

function linear(X: Matrix, coef: number[], intercept: number, noise = 0, seed = 9): Float64Array {
  const rng = new Random(seed);
  const y = new Float64Array(X.rows);
  for (let i = 0; i < X.rows; i++) {
    let s = intercept;
    for (let j = 0; j < X.cols; j++) s += coef[j] * X.data[i * X.cols + j];
    y[i] = s + noise * rng.normal();
  }
  return y;
}

const sum = (a: ArrayLike<number>): number => Array.from(a).reduce((s, v) => s + v, 0);

describe('linear regression (least squares)', () => {
  it('recovers the exact coefficients and intercept of a noiseless linear target', async () => {
    const X = normals(40, 3, 1, [1, 100, 0.01]);
    const y = linear(X, [2, -0.03, 250], 1.5);
    const model = await new LinearRegression().fit(X, y);
    expect(model.coef[0]).toBeCloseTo(2, 8);
    expect(model.coef[1]).toBeCloseTo(-0.03, 8);
    expect(model.coef[2]).toBeCloseTo(250, 6);
    expect(model.intercept).toBeCloseTo(1.5, 8);
    const pred = model.predict(X);
    pred.forEach((v, i) => expect(v).toBeCloseTo(y[i], 8));
  });

  it('fits through the origin when fitIntercept is false', async () => {
    const X = matrixFromRows([[1], [2], [3]]);
    const model = await new LinearRegression({ fitIntercept: false }).fit(X, Float64Array.from([2, 4, 7]));
    // w = Σxy / Σx² = (2 + 8 + 21) / 14
    expect(model.coef[0]).toBeCloseTo(31 / 14, 10);
    expect(model.intercept).toBe(0);
  });

  it('stays finite on collinear features, splitting the weight like the minimum-norm solution', async () => {
    const base = normals(30, 1, 2);
    const X = createMatrix(30, 3);
    for (let i = 0; i < 30; i++) {
      X.data[i * 3] = base.data[i];
      X.data[i * 3 + 1] = base.data[i]; // exact duplicate
      X.data[i * 3 + 2] = 7; // constant
    }
    const y = linear(base, [4], 1);
    const model = await new LinearRegression().fit(X, y);
    expect(model.coef[0]).toBeCloseTo(2, 5);
    expect(model.coef[1]).toBeCloseTo(2, 5);
    expect(model.coef[2]).toBeCloseTo(0, 8);
    model.predict(X).forEach((v, i) => expect(v).toBeCloseTo(y[i], 6));
  });

  it('reports |coefficient| importances normalised to one', async () => {
    const X = normals(50, 3, 3);
    const model = await new LinearRegression().fit(X, linear(X, [1, -3, 0], 0));
    const imp = model.featureImportances();
    expect(imp[0]).toBeCloseTo(0.25, 8);
    expect(imp[1]).toBeCloseTo(0.75, 8);
    expect(imp[2]).toBeCloseTo(0, 8);
  });
});

describe('ridge', () => {
  it('matches the closed form w = Σxᶜyᶜ / (Σxᶜ² + alpha) on one feature, intercept unpenalised', async () => {
    const x = [1, 2, 3, 4];
    const y = [3, 5, 4, 8];
    const model = await new Ridge({ alpha: 2 }).fit(matrixFromRows(x.map((v) => [v])), Float64Array.from(y));
    // centred: xᶜ = [-1.5, -0.5, 0.5, 1.5], yᶜ = [-2, 0, -1, 3]; Σxᶜyᶜ = 7, Σxᶜ² = 5
    const w = 7 / (5 + 2);
    expect(model.coef[0]).toBeCloseTo(w, 10);
    expect(model.intercept).toBeCloseTo(5 - w * 2.5, 10);
  });

  it('satisfies the normal equations (XᵀX + alpha·I) w = Xᵀy on centred data', async () => {
    const X = normals(60, 4, 4, [1, 10, 0.1, 1]);
    const y = linear(X, [1, 0.2, -5, 3], 2, 0.5);
    const alpha = 3;
    const model = await new Ridge({ alpha }).fit(X, y);
    const { rows: n, cols: p } = X;
    const mean = Array.from(
      { length: p },
      (_, j) => sum(Array.from({ length: n }, (_, i) => X.data[i * p + j])) / n,
    );
    const yMean = sum(y) / n;
    for (let j = 0; j < p; j++) {
      let lhs = alpha * model.coef[j];
      let rhs = 0;
      for (let i = 0; i < n; i++) {
        const xij = X.data[i * p + j] - mean[j];
        let fit = 0;
        for (let k = 0; k < p; k++) fit += (X.data[i * p + k] - mean[k]) * model.coef[k];
        lhs += xij * fit;
        rhs += xij * (y[i] - yMean);
      }
      expect(lhs).toBeCloseTo(rhs, 7);
    }
  });

  it('shrinks the coefficients as alpha grows', async () => {
    const X = normals(40, 3, 5);
    const y = linear(X, [2, -1, 0.5], 0, 0.1);
    const norms: number[] = [];
    for (const alpha of [0, 1, 10, 100]) {
      const model = await new Ridge({ alpha }).fit(X, y);
      norms.push(Math.hypot(...model.coef));
    }
    for (let k = 1; k < norms.length; k++) expect(norms[k]).toBeLessThan(norms[k - 1]);
  });
});

describe('lasso', () => {
  it('zeroes the irrelevant features exactly and keeps the informative ones', async () => {
    const X = normals(100, 8, 6);
    const y = linear(X, [3, -2, 0, 0, 0, 0, 0, 0], 1, 0.1);
    const model = await new Lasso({ alpha: 0.1 }).fit(X, y);
    expect(Array.from(model.coef.subarray(2))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(model.coef[0]).toBeGreaterThan(2.5);
    expect(model.coef[1]).toBeLessThan(-1.5);
    expect(model.converged).toBe(true);
  });

  it('soft-thresholds the least-squares slope on one feature: w = S(xᶜ·yᶜ/n, alpha) / (xᶜ·xᶜ/n)', async () => {
    const X = matrixFromRows([[1], [2], [3], [4]]);
    const y = Float64Array.from([3, 5, 4, 8]);
    const model = await new Lasso({ alpha: 0.5, tol: 1e-10 }).fit(X, y);
    // Σxᶜyᶜ/n = 7/4, Σxᶜ²/n = 5/4
    expect(model.coef[0]).toBeCloseTo((7 / 4 - 0.5) / (5 / 4), 10);
    const off = await new Lasso({ alpha: 2 }).fit(X, y);
    expect(off.coef[0]).toBe(0);
    expect(off.predict(X).every((v) => Math.abs(v - 5) < 1e-12)).toBe(true);
  });

  it('meets the lasso optimality conditions', async () => {
    const X = normals(80, 5, 7, [1, 3, 0.5, 1, 2]);
    const y = linear(X, [1, 0.5, 0, -2, 0], 3, 0.3);
    const alpha = 0.2;
    const model = await new Lasso({ alpha, tol: 1e-12, maxIter: 10000 }).fit(X, y);
    const { rows: n, cols: p } = X;
    const pred = model.predict(X);
    for (let j = 0; j < p; j++) {
      // gradient of (1/2n)||y − Xw − b||² w.r.t. w_j; the intercept absorbs centring
      let g = 0;
      for (let i = 0; i < n; i++) g -= (X.data[i * p + j] * (y[i] - pred[i])) / n;
      if (model.coef[j] !== 0) expect(g + alpha * Math.sign(model.coef[j])).toBeCloseTo(0, 6);
      else expect(Math.abs(g)).toBeLessThanOrEqual(alpha + 1e-9);
    }
  });

  it('gives uniform importances when every coefficient is zero', async () => {
    const X = normals(20, 4, 8);
    const model = await new Lasso({ alpha: 1e6 }).fit(X, linear(X, [1, 1, 1, 1], 0));
    expect(Array.from(model.coef)).toEqual([0, 0, 0, 0]);
    expect(Array.from(model.featureImportances())).toEqual([0.25, 0.25, 0.25, 0.25]);
  });
});

/** Two Gaussian blobs per class centre, labels 0..k-1. */
function blobs(
  centres: number[][],
  perClass: number,
  spread: number,
  seed: number,
): { X: Matrix; y: Float64Array } {
  const rng = new Random(seed);
  const p = centres[0].length;
  const X = createMatrix(centres.length * perClass, p);
  const y = new Float64Array(X.rows);
  centres.forEach((c, k) => {
    for (let r = 0; r < perClass; r++) {
      const i = k * perClass + r;
      for (let j = 0; j < p; j++) X.data[i * p + j] = c[j] + spread * rng.normal();
      y[i] = k;
    }
  });
  return { X, y };
}

/**
 * Gradient of scikit-learn's objective C·Σ log-loss (without the penalty) w.r.t. coef and intercept,
 * computed from the model's own probabilities.
 */
function logLossGradient(model: LogisticRegression, X: Matrix, y: Float64Array, C: number) {
  const P = model.predictProba(X);
  const K = P.cols;
  const outputs = K === 2 ? 1 : K;
  const p = X.cols;
  const coef = new Float64Array(outputs * p);
  const intercept = new Float64Array(outputs);
  for (let i = 0; i < X.rows; i++) {
    for (let k = 0; k < outputs; k++) {
      const cls = outputs === 1 ? 1 : k;
      const r = C * (P.data[i * K + cls] - (y[i] === cls ? 1 : 0));
      for (let j = 0; j < p; j++) coef[k * p + j] += r * X.data[i * p + j];
      intercept[k] += r;
    }
  }
  return { coef, intercept };
}

describe('logistic regression', () => {
  it('separates a linearly separable binary problem', async () => {
    const { X, y } = blobs(
      [
        [-2, 0],
        [2, 0],
      ],
      30,
      0.5,
      1,
    );
    const model = await new LogisticRegression().fit(X, y);
    expect(Array.from(model.predict(X))).toEqual(Array.from(y));
    expect(model.outputs).toBe(1);
    const P = model.predictProba(
      matrixFromRows([
        [-3, 0],
        [3, 0],
      ]),
    );
    expect(P.data[0]).toBeGreaterThan(0.95);
    expect(P.data[3]).toBeGreaterThan(0.95);
  });

  it('fits a multinomial (softmax) model for three classes', async () => {
    const { X, y } = blobs(
      [
        [0, 4],
        [-4, -2],
        [4, -2],
      ],
      25,
      0.7,
      2,
    );
    const model = await new LogisticRegression().fit(X, y);
    expect(model.outputs).toBe(3);
    expect(Array.from(model.predict(X))).toEqual(Array.from(y));
    const P = model.predictProba(X);
    for (let i = 0; i < P.rows; i++)
      expect(P.data[i * 3] + P.data[i * 3 + 1] + P.data[i * 3 + 2]).toBeCloseTo(1, 12);
  });

  it.each([
    [
      'binary',
      [
        [-1, 0, 0],
        [1, 1, 0],
      ],
    ],
    [
      'multinomial',
      [
        [-1, 0, 0],
        [1, 1, 0],
        [0, -1, 1],
      ],
    ],
  ])('reaches the optimum of the L2 objective on unscaled features (%s)', async (_name, centres) => {
    const { X, y } = blobs(centres, 40, 1.2, 3);
    // wildly different column scales, as in real unscaled data
    const scales = [1000, 1, 0.01];
    for (let i = 0; i < X.rows; i++)
      for (let j = 0; j < 3; j++) X.data[i * 3 + j] = X.data[i * 3 + j] * scales[j] + 5 * scales[j];
    const C = 0.5;
    const model = await new LogisticRegression({ C, maxIter: 1000, tol: 1e-10 }).fit(X, y);
    // stationarity: C·∇loss + w = 0, and C·∇loss w.r.t. the intercept = 0. Measured per row and per unit
    // of the feature's scale: a coefficient on a ×1000 column has a ×1000 larger gradient for the same fit.
    const g = logLossGradient(model, X, y, C);
    g.coef.forEach((v, i) => expect((v + model.coef[i]) / X.rows / scales[i % 3]).toBeCloseTo(0, 7));
    g.intercept.forEach((v) => expect(v / X.rows).toBeCloseTo(0, 7));
  });

  it('with penalty l1 produces exactly zero coefficients for noise features and meets the L1 optimality conditions', async () => {
    const rng = new Random(4);
    const n = 200;
    const p = 8;
    const X = createMatrix(n, p);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < p; j++) X.data[i * p + j] = rng.normal();
      y[i] = X.data[i * p] - 2 * X.data[i * p + 1] + 0.5 * rng.normal() > 0 ? 1 : 0;
    }
    const C = 0.05;
    const model = await new LogisticRegression({ penalty: 'l1', C, maxIter: 5000, tol: 1e-8 }).fit(X, y);
    const zeros = Array.from(model.coef).filter((c) => c === 0).length;
    expect(zeros).toBeGreaterThanOrEqual(4);
    expect(model.coef[0]).toBeGreaterThan(0);
    expect(model.coef[1]).toBeLessThan(0);
    const g = logLossGradient(model, X, y, C);
    model.coef.forEach((w, j) => {
      if (w !== 0) expect(g.coef[j] + Math.sign(w)).toBeCloseTo(0, 4);
      else expect(Math.abs(g.coef[j])).toBeLessThanOrEqual(1 + 1e-4);
    });
    const l2 = await new LogisticRegression({ C }).fit(X, y);
    expect(Array.from(l2.coef).filter((c) => c === 0).length).toBe(0);
  });

  it('shrinks coefficients as C decreases, and without a penalty fits harder', async () => {
    const { X, y } = blobs(
      [
        [-1, 0],
        [1, 0.5],
      ],
      40,
      1,
      5,
    );
    const norm = async (params: Record<string, unknown>) =>
      Math.hypot(...(await new LogisticRegression(params).fit(X, y)).coef);
    const strong = await norm({ C: 0.01 });
    const weak = await norm({ C: 1 });
    const none = await norm({ penalty: null });
    expect(strong).toBeLessThan(weak);
    expect(weak).toBeLessThanOrEqual(none + 1e-9);
  });

  it('fits without an intercept when asked', async () => {
    const { X, y } = blobs(
      [
        [-2, 0],
        [2, 0],
      ],
      20,
      0.5,
      6,
    );
    const model = await new LogisticRegression({ fitIntercept: false }).fit(X, y);
    expect(Array.from(model.intercept)).toEqual([0]);
    expect(Array.from(model.predict(X))).toEqual(Array.from(y));
  });

  it('reports mean |coefficient| importances normalised to one', async () => {
    const { X, y } = blobs(
      [
        [0, 4, 0],
        [-4, -2, 0],
        [4, -2, 0],
      ],
      20,
      0.7,
      7,
    );
    const model = await new LogisticRegression().fit(X, y);
    const imp = model.featureImportances();
    expect(sum(imp)).toBeCloseTo(1, 12);
    expect(imp[2]).toBeLessThan(imp[0]);
    expect(imp[2]).toBeLessThan(imp[1]);
  });

  it('round-trips its coefficients through JSON', async () => {
    const { X, y } = blobs(
      [
        [0, 4],
        [-4, -2],
        [4, -2],
      ],
      10,
      1,
      8,
    );
    const model = await new LogisticRegression({ C: 0.3 }).fit(X, y);
    const restored = estimatorFromJSON(JSON.parse(JSON.stringify(model.toJSON()))) as LogisticRegression;
    expect(restored.coef).toEqual(model.coef);
    expect(restored.intercept).toEqual(model.intercept);
    expect(restored.getParams()).toEqual({
      penalty: 'l2',
      C: 0.3,
      maxIter: 100,
      tol: 1e-4,
      fitIntercept: true,
    });
  });

  it('rejects invalid hyperparameters, naming the field', () => {
    expect(() => new LogisticRegression({ C: 0 })).toThrow(/C:/);
    expect(() => new LogisticRegression({ penalty: 'elasticnet' })).toThrow(/penalty/);
    expect(() => new LogisticRegression({ maxiter: 5 })).toThrow(/maxiter/);
  });
});

describe('solver building blocks', () => {
  it('penalizedLeastSquares solves the stacked system like the normal equations', () => {
    // A = [[1, 2], [3, 4], [5, 7]], y = [1, 2, 4], penalty [0.5, 0.1]
    const A = Float64Array.from([1, 2, 3, 4, 5, 7]);
    const w = penalizedLeastSquares(A, 3, 2, Float64Array.from([1, 2, 4]), Float64Array.from([0.5, 0.1]));
    // (AᵀA + diag(penalty)) w = Aᵀy with AᵀA = [[35, 49], [49, 69]], Aᵀy = [27, 38]
    expect(35.5 * w[0] + 49 * w[1]).toBeCloseTo(27, 10);
    expect(49 * w[0] + 69.1 * w[1]).toBeCloseTo(38, 10);
  });

  it('lassoCoordinateDescent reports a small duality gap at convergence', () => {
    const X = normals(50, 3, 9);
    const y = linear(X, [1, 0, -1], 0, 0.2);
    const result = lassoCoordinateDescent(X.data, 50, 3, y, { alpha: 0.05, maxIter: 1000, tol: 1e-8 });
    expect(result.converged).toBe(true);
    expect(result.gap).toBeGreaterThanOrEqual(-1e-9);
    expect(result.gap).toBeLessThan(1e-8 * sum(y.map((v) => v * v)));
  });
});

// The kernel support vector machine: decision values and predictions against scikit-learn's SVC and SVR (LIBSVM)
// on a small problem, the optimality conditions of the dual solution, Platt's sigmoid, the coupling of pairwise
// probabilities, standardisation inside the model, and a saved model that predicts as the fitted one.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { matrixFromRows, type Matrix } from '../../src/core/matrix.js';
import { Random } from '../../src/core/random.js';
import '../../src/models/families.js';
import { estimatorFromJSON } from '../../src/models/registry.js';
import { coupledProbabilities, fitSigmoid, sigmoidProbability } from '../../src/models/svm/probability.js';
import { RbfKernel, solveSmo } from '../../src/models/svm/smo.js';
import { SupportVectorMachine } from '../../src/models/svm/svm.js';

const X = matrixFromRows([
  [0.2, 1.1],
  [1.5, 0.3],
  [2.2, 2.9],
  [3.1, 0.8],
  [0.9, 2.5],
  [2.8, 1.9],
  [1.2, 1.7],
  [3.6, 2.4],
  [0.4, 0.2],
  [2.5, 0.1],
  [1.9, 3.3],
  [3.3, 3.0],
]);
const yBinary = Float64Array.from([0, 0, 1, 1, 0, 1, 0, 1, 0, 1, 1, 1]);
const yThree = Float64Array.from([0, 0, 2, 1, 2, 1, 0, 1, 0, 1, 2, 2]);
const yValues = Float64Array.from([1.0, 2.1, 5.3, 4.0, 3.2, 4.9, 2.8, 6.1, 0.5, 3.3, 5.0, 6.6]);
const queries = matrixFromRows([
  [1.0, 1.0],
  [2.0, 2.5],
  [3.0, 0.5],
]);
// scikit-learn 1.9 on the same rows standardised by their mean and population spread, gamma = 0.5 (gammaFactor 1
// over 2 features), tol = 1e-6: SVC(C=2).decision_function (negated: scikit-learn's binary value is positive
// for the second class), SVC(C=2, decision_function_shape='ovo').decision_function, and for SVR(C=3, epsilon=0.2)
// fitted on the standardised target, its predictions in the target's units.
const SKLEARN_BINARY = [1.3684422994, -0.5029690027, -1.3119160186];
const SKLEARN_OVO = [
  [1.3728585771, 1.3142706584, 0.032521643],
  [-0.1737924902, -0.6539619046, -0.695635798],
  [-1.3816966596, 0.1027212445, 1.2606053759],
];
const SKLEARN_SVR = [1.6494482754, 4.5684309885, 3.5466889807];

const column = (m: Matrix, c: number) => Array.from({ length: m.rows }, (_, i) => m.data[i * m.cols + c]);

describe('support vector machine against scikit-learn', () => {
  it('gives the decision values of SVC on two classes', async () => {
    const model = await new SupportVectorMachine('classification', { C: 2, tolerance: 1e-6 }).fit(X, yBinary);
    const values = column(model.decisionFunction(queries), 0);
    values.forEach((v, i) => expect(v).toBeCloseTo(SKLEARN_BINARY[i], 5));
    // positive for the first class: its probability is above one half exactly there
    const P = model.predictProba(queries);
    values.forEach((v, i) => expect(P.data[2 * i] > 0.5).toBe(v > 0));
  });

  it('gives the one-against-one decision values of SVC on three classes', async () => {
    const model = await new SupportVectorMachine('classification', { C: 2, tolerance: 1e-6 }).fit(X, yThree);
    const D = model.decisionFunction(queries);
    expect(D.cols).toBe(3);
    for (let i = 0; i < 3; i++)
      for (let c = 0; c < 3; c++) expect(D.data[i * 3 + c]).toBeCloseTo(SKLEARN_OVO[i][c], 5);
  });

  it('predicts as SVR on a standardised target', async () => {
    const model = await new SupportVectorMachine('regression', { C: 3, epsilon: 0.2, tolerance: 1e-6 }).fit(
      X,
      yValues,
    );
    Array.from(model.predict(queries)).forEach((v, i) => expect(v).toBeCloseTo(SKLEARN_SVR[i], 5));
  });
});

describe('the dual solver', () => {
  const rng = new Random(7);
  const n = 80;
  const data = Float64Array.from({ length: n * 3 }, () => rng.normal());
  const labels = Int8Array.from({ length: n }, (_, i) =>
    data[i * 3] + 0.5 * data[i * 3 + 1] + 0.3 * rng.normal() > 0 ? 1 : -1,
  );
  const C = 1.5;
  const kernel = new RbfKernel(data, n, 3, 0.4);
  const { alpha, rho, converged } = solveSmo({
    kernel,
    p: new Float64Array(n).fill(-1),
    y: labels,
    C,
    tolerance: 1e-6,
    maxIterations: 100_000,
  });

  it('meets the box and equality constraints', () => {
    expect(converged).toBe(true);
    let balance = 0;
    alpha.forEach((a, t) => {
      expect(a).toBeGreaterThanOrEqual(0);
      expect(a).toBeLessThanOrEqual(C);
      balance += a * labels[t];
    });
    expect(Math.abs(balance)).toBeLessThan(1e-9);
  });

  it('meets the optimality conditions: margins ≥ 1 outside, = 1 on, ≤ 1 inside the margin', () => {
    for (let t = 0; t < n; t++) {
      const K = kernel.column(t);
      let f = -rho;
      for (let s = 0; s < n; s++) f += alpha[s] * labels[s] * K[s];
      const margin = labels[t] * f;
      if (alpha[t] === 0) expect(margin).toBeGreaterThan(1 - 1e-4);
      else if (alpha[t] === C) expect(margin).toBeLessThan(1 + 1e-4);
      else expect(Math.abs(margin - 1)).toBeLessThan(1e-4);
    }
  });
});

describe('probabilities', () => {
  it("fits Platt's sigmoid where the gradient of its cross-entropy vanishes", () => {
    const rng = new Random(3);
    const f = Float64Array.from({ length: 200 }, () => 2 * rng.normal());
    const positive = Uint8Array.from(f, (v) => (rng.float() < 1 / (1 + Math.exp(-1.7 * v + 0.4)) ? 1 : 0));
    const sigmoid = fitSigmoid(f, positive);
    let nPos = 0;
    positive.forEach((v) => (nPos += v));
    const hi = (nPos + 1) / (nPos + 2);
    const lo = 1 / (200 - nPos + 2);
    let ga = 0;
    let gb = 0;
    f.forEach((v, i) => {
      const d = (positive[i] ? hi : lo) - sigmoidProbability(sigmoid, v);
      ga += v * d;
      gb += d;
    });
    expect(Math.abs(ga)).toBeLessThan(1e-4);
    expect(Math.abs(gb)).toBeLessThan(1e-4);
    // P(positive) = 1 / (1 + exp(a·f + b)): close to the slope and offset the labels were drawn with
    expect(sigmoid.a).toBeCloseTo(-1.7, 0);
  });

  it('couples consistent pairwise probabilities back into the distribution they came from', () => {
    const p = [0.5, 0.3, 0.15, 0.05];
    const k = p.length;
    const r = new Float64Array(k * k);
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) if (i !== j) r[i * k + j] = p[i] / (p[i] + p[j]);
    Array.from(coupledProbabilities(r, k)).forEach((v, i) => expect(v).toBeCloseTo(p[i], 12));
  });

  it('gives every class of nClasses a probability, 0 for a class absent from the training rows', async () => {
    const model = await new SupportVectorMachine('classification').fit(X, yBinary, { nClasses: 3 });
    const P = model.predictProba(queries);
    expect(P.cols).toBe(3);
    for (let i = 0; i < 3; i++) {
      expect(P.data[i * 3 + 2]).toBe(0);
      expect(P.data[i * 3] + P.data[i * 3 + 1]).toBeCloseTo(1, 12);
    }
  });
});

describe('convergence', () => {
  it('says when the solver stopped at maxIter, and keeps the flag in a saved model', async () => {
    const stopped = await new SupportVectorMachine('classification', { maxIter: 2 }).fit(X, yThree);
    expect(stopped.converged).toBe(false);
    expect((estimatorFromJSON(stopped.toJSON()) as SupportVectorMachine).converged).toBe(false);
    const done = await new SupportVectorMachine('regression').fit(X, yValues);
    expect(done.converged).toBe(true);
    expect((estimatorFromJSON(done.toJSON()) as SupportVectorMachine).converged).toBe(true);
  });
});

describe('standardisation inside the model', () => {
  it('predicts the same whatever the units of a feature and of the target', async () => {
    const scaled = matrixFromRows(
      Array.from({ length: X.rows }, (_, i) => [1000 * X.data[2 * i] - 7, X.data[2 * i + 1]]),
    );
    const scaledQueries = matrixFromRows(
      Array.from({ length: 3 }, (_, i) => [1000 * queries.data[2 * i] - 7, queries.data[2 * i + 1]]),
    );
    const a = await new SupportVectorMachine('regression', { tolerance: 1e-10 }).fit(X, yValues);
    const b = await new SupportVectorMachine('regression', { tolerance: 1e-10 }).fit(
      scaled,
      Float64Array.from(yValues, (v) => 50 * v + 3),
    );
    const pa = a.predict(queries);
    Array.from(b.predict(scaledQueries)).forEach((v, i) => expect(v).toBeCloseTo(50 * pa[i] + 3, 6));
  });
});

describe('a saved support vector machine', () => {
  it.each([
    ['classification', yThree],
    ['regression', yValues],
  ] as const)('predicts as the fitted one (%s)', async (task, y) => {
    const model = await new SupportVectorMachine(task, { C: 5 }).fit(X, y);
    const restored = estimatorFromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    expect(Array.from(restored.predict(queries))).toEqual(Array.from(model.predict(queries)));
    if (task === 'classification')
      expect(Array.from(restored.predictProba!(queries).data)).toEqual(
        Array.from(model.predictProba(queries).data),
      );
  });

  it('refuses a state whose support vector index points past the table', async () => {
    const json = (await new SupportVectorMachine('classification').fit(X, yBinary)).toJSON();
    const state = json.state as { model: { pairs: { support: unknown }[] } };
    state.model.pairs[0].support = {
      dtype: 'i32',
      base64: Buffer.from(Int32Array.of(999).buffer).toString('base64'),
    };
    expect(() => estimatorFromJSON(json)).toThrow(/support/);
  });
});

describe('the support vector machine in a search', () => {
  it("is searched when asked for, opening with the portfolio's machine, and its drones save", async () => {
    const { evolve } = await import('../../src/automl/evolve.js');
    const { loadDataset } = await import('../../src/data/datasets.js');
    const { toDataset } = await import('../../src/data/dataset.js');
    const frame = await loadDataset('wine');
    const wine = toDataset(frame, { target: frame.columnNames.at(-1)! });
    const run = await evolve(wine, {
      seed: 1,
      workers: 0,
      store: false,
      families: ['svm'],
      budget: { evaluations: 6 },
      testSize: 0.25,
      importance: false,
    });
    expect(run.drones.every((d) => d.genome.model.family === 'svm')).toBe(true);
    // the portfolio's kernel machine, at the library's defaults, is among the first drones
    expect(
      run.drones.some((d) => d.genome.model.params.C === 1 && d.genome.model.params.gammaFactor === 1),
    ).toBe(true);
    expect(new Set(run.drones.map((d) => JSON.stringify(d.genome.model.params))).size).toBeGreaterThan(1);
    expect(run.testScore).toBeGreaterThan(0.9);
    // a misspelt family fails before the run is recorded in the store
    const { openStore } = await import('../../src/store/index.js');
    const storePath = join(mkdtempSync(join(tmpdir(), 'beemind-svm-')), 'experiments.db');
    await expect(evolve(wine, { workers: 0, store: storePath, families: ['svn'] })).rejects.toThrow(
      /unknown model family svn/,
    );
    expect(await (await openStore(storePath)).listRuns()).toEqual([]);
    // a family of the other task is named as such
    await expect(
      evolve(wine, { workers: 0, store: false, families: ['svm', 'ridge'], budget: { evaluations: 2 } }),
    ).rejects.toThrow(/"ridge" does not learn classification/);
    const restored = estimatorFromJSON(
      JSON.parse(JSON.stringify((await run.model(run.drones[0].id)).toJSON().members[0].pipeline.model)),
    );
    expect(restored.family).toBe('svm');
  });
});

/**
 * This module contains the kernel support vector machine (family `svm`), like scikit-learn's `SVC` and `SVR`
 * with the RBF kernel: C-classification with one machine per pair of classes and probabilities as
 * `SVC(probability=True)` gives them, and ε-regression.
 *
 * Unlike scikit-learn, the model standardises what it learns from: each feature by the mean and spread of the
 * training rows (so that a pipeline without a scaler still gives a kernel over comparable features), and for
 * regression the target too (so that C and ε do not depend on its units; ε is in target standard deviations).
 * `gammaFactor` sets the kernel width as gamma = gammaFactor / features: 1 is scikit-learn's `gamma='scale'` on
 * standardised features.
 *
 * The fit costs about rows² kernel evaluations. The default search offers the family only when `families` names
 * it (search/default_space.ts). For two classes a positive decision value means the first class (scikit-learn:
 * the second); predictions follow the probabilities, which can disagree with the sign near zero, as in
 * scikit-learn's `SVC(probability=True)`.
 */
import { z } from 'zod';
import { column, type Matrix } from '../../core/matrix.js';
import { moments } from '../../core/moments.js';
import { pack, type PackedArray } from '../../core/serialize.js';
import type { StateReader } from '../../core/untrusted.js';
import type { Task } from '../../core/task.js';
import { BaseEstimator } from '../estimator.js';
import { HYPERPARAMETER_LIMITS } from '../limits.js';
import type { ModelFamily } from '../registry.js';
import { coupledProbabilities, fitSigmoid, sigmoidProbability, type Sigmoid } from './probability.js';
import { RbfKernel, rbfKernel, solveSmo } from './smo.js';

const shared = {
  /** Penalty on margin violations: larger fits the training rows more closely. */
  C: z.number().positive().default(1),
  /** Kernel width: gamma = gammaFactor / features, on standardised features. */
  gammaFactor: z.number().positive().default(1),
  /** Stop when no pair of variables violates the optimality conditions by more than this. */
  tolerance: z.number().positive().default(1e-3),
  /** Cap on the solver's iterations (a fit that reaches it keeps the solution found so far). */
  maxIter: z.number().int().positive().max(HYPERPARAMETER_LIMITS.iterations).default(100_000),
};
export const svmClassifierParams = z.strictObject(shared);
export const svmRegressorParams = z.strictObject({
  ...shared,
  /** Half-width of the tube inside which errors cost nothing, in standard deviations of the target. */
  epsilon: z.number().nonnegative().default(0.1),
});
export type SvmParams = z.output<typeof svmRegressorParams> | z.output<typeof svmClassifierParams>;

/** Folds of the cross-validation whose decision values Platt's sigmoids are fitted to (scikit-learn: 5). */
const PLATT_FOLDS = 3;

/** One fitted machine: its support vectors (rows of the shared table), their coefficients y·α, and rho. */
interface Machine {
  support: Int32Array;
  coef: Float64Array;
  rho: number;
}

/** A machine separating class `positive` (+1) from class `negative` (−1), with its sigmoid. */
interface PairMachine extends Machine {
  positive: number;
  negative: number;
  sigmoid: Sigmoid;
}

interface MachineState {
  support: PackedArray;
  coef: PackedArray;
  rho: number;
}

interface SvmState {
  means: PackedArray;
  scales: PackedArray;
  gamma: number;
  /** The support vectors of every machine, standardised, row-major. */
  supportVectors: PackedArray;
  /** Classification: the classes seen at fit, and one machine per pair of them. */
  classes?: number[];
  pairs?: (MachineState & { positive: number; negative: number; plattA: number; plattB: number })[];
  /** Regression: the machine, and the target's mean and spread it predicts in units of. */
  machine?: MachineState;
  targetMean?: number;
  targetScale?: number;
  converged: boolean;
}

export class SupportVectorMachine extends BaseEstimator<SvmParams> {
  readonly family = 'svm';
  means = new Float64Array(0);
  scales = new Float64Array(0);
  gamma = 1;
  supportVectors = new Float64Array(0);
  classes: number[] = [];
  pairs: PairMachine[] = [];
  machine: Machine | null = null;
  targetMean = 0;
  targetScale = 1;
  /** Whether every machine's solver met its tolerance within maxIter (if not, raise maxIter or lower C). */
  converged = true;

  constructor(task: Task, params?: Record<string, unknown>) {
    super(task === 'classification' ? svmClassifierParams : svmRegressorParams, params, 'svm', task);
  }

  protected fitValidated(X: Matrix, y: Float64Array): void {
    const { rows: n, cols: p } = X;
    this.means = new Float64Array(p);
    this.scales = new Float64Array(p);
    for (let j = 0; j < p; j++) {
      const { mean, variance } = moments(column(X, j));
      this.means[j] = mean;
      // a constant column: any scale leaves it constant
      this.scales[j] = variance > 0 ? Math.sqrt(variance) : 1;
    }
    this.gamma = this.params.gammaFactor / p;
    const Z = this.standardised(X);
    const table = new SupportTable(Z, p);
    this.converged = true;
    if (this.task === 'classification') this.fitPairs(Z, n, p, y, table);
    else this.fitRegression(Z, n, p, y, table);
    this.supportVectors = table.vectors();
  }

  private fitPairs(Z: Float64Array, n: number, p: number, y: Float64Array, table: SupportTable): void {
    const byClass = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const rows = byClass.get(y[i]) ?? [];
      rows.push(i);
      byClass.set(y[i], rows);
    }
    this.classes = [...byClass.keys()].sort((a, b) => a - b);
    this.pairs = [];
    for (let a = 0; a < this.classes.length; a++) {
      for (let b = a + 1; b < this.classes.length; b++) {
        const positive = byClass.get(this.classes[a])!;
        const negative = byClass.get(this.classes[b])!;
        const rows = [...positive, ...negative];
        const labels = Int8Array.from(rows, (_, i) => (i < positive.length ? 1 : -1));
        const sub = gather(Z, rows, p);
        const fitted = this.binary(sub, labels, p);
        const sigmoid = fitSigmoid(
          this.heldOutDecisions(sub, labels, p, fitted),
          Uint8Array.from(labels, (l) => (l === 1 ? 1 : 0)),
        );
        this.pairs.push({
          ...table.add(fitted, rows),
          positive: this.classes[a],
          negative: this.classes[b],
          sigmoid,
        });
      }
    }
  }

  /** A two-class machine on standardised rows: coefficients y·α per row, and rho. */
  private binary(Z: Float64Array, labels: Int8Array, p: number): { coef: Float64Array; rho: number } {
    const n = labels.length;
    const { alpha, rho, converged } = solveSmo({
      kernel: new RbfKernel(Z, n, p, this.gamma),
      p: new Float64Array(n).fill(-1),
      y: labels,
      C: this.params.C,
      tolerance: this.params.tolerance,
      maxIterations: this.params.maxIter,
    });
    this.converged &&= converged;
    return { coef: Float64Array.from(alpha, (a, i) => a * labels[i]), rho };
  }

  /**
   * Decision values of each row from a machine that did not see it (PLATT_FOLDS folds, the k-th row of each
   * class in fold k mod PLATT_FOLDS), for Platt's sigmoid; with a class too small to be in every fold, the
   * machine's values on its own training rows.
   */
  private heldOutDecisions(
    Z: Float64Array,
    labels: Int8Array,
    p: number,
    fitted: { coef: Float64Array; rho: number },
  ): Float64Array {
    const n = labels.length;
    let positives = 0;
    for (const l of labels) if (l === 1) positives++;
    if (Math.min(positives, n - positives) < PLATT_FOLDS) {
      return decisions(Z, fitted, Z, n, p, this.gamma);
    }
    const fold = new Int32Array(n);
    const seen = [0, 0];
    for (let i = 0; i < n; i++) fold[i] = seen[labels[i] === 1 ? 0 : 1]++ % PLATT_FOLDS;
    const out = new Float64Array(n);
    for (let k = 0; k < PLATT_FOLDS; k++) {
      const train: number[] = [];
      const held: number[] = [];
      for (let i = 0; i < n; i++) (fold[i] === k ? held : train).push(i);
      const trainZ = gather(Z, train, p);
      const machine = this.binary(
        trainZ,
        Int8Array.from(train, (i) => labels[i]),
        p,
      );
      const values = decisions(trainZ, machine, gather(Z, held, p), held.length, p, this.gamma);
      held.forEach((i, h) => (out[i] = values[h]));
    }
    return out;
  }

  private fitRegression(Z: Float64Array, n: number, p: number, y: Float64Array, table: SupportTable): void {
    const { mean, variance } = moments(y);
    this.targetMean = mean;
    this.targetScale = variance > 0 ? Math.sqrt(variance) : 1;
    // variables t < n are α (y = +1), t ≥ n are α* (y = −1) of row t − n
    const linear = new Float64Array(2 * n);
    const signs = new Int8Array(2 * n);
    const { epsilon } = this.params as z.output<typeof svmRegressorParams>;
    for (let i = 0; i < n; i++) {
      const target = (y[i] - mean) / this.targetScale;
      linear[i] = epsilon - target;
      linear[i + n] = epsilon + target;
      signs[i] = 1;
      signs[i + n] = -1;
    }
    const { alpha, rho, converged } = solveSmo({
      kernel: new RbfKernel(Z, n, p, this.gamma),
      p: linear,
      y: signs,
      C: this.params.C,
      tolerance: this.params.tolerance,
      maxIterations: this.params.maxIter,
    });
    this.converged = converged;
    const coef = Float64Array.from({ length: n }, (_, i) => alpha[i] - alpha[i + n]);
    const rows = Array.from({ length: n }, (_, i) => i);
    this.machine = table.add({ coef, rho }, rows);
  }

  private standardised(X: Matrix): Float64Array {
    const { rows: n, cols: p, data } = X;
    const Z = new Float64Array(n * p);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < p; j++) Z[i * p + j] = (data[i * p + j] - this.means[j]) / this.scales[j];
    }
    return Z;
  }

  /** The kernel between every row of X and every support vector: rows × support vectors. */
  private kernelRows(X: Matrix): { K: Float64Array; nSupport: number } {
    const p = this.nFeatures;
    const nSupport = this.supportVectors.length / p;
    const K = rbfKernel(this.standardised(X), X.rows, this.supportVectors, nSupport, p, this.gamma);
    return { K, nSupport };
  }

  /**
   * The machines' decision values, rows × machines: for a classifier one column per pair of classes (a, b), a < b,
   * in the order (0, 1), (0, 2), …, (1, 2), …, positive for a (scikit-learn's `decision_function_shape='ovo'`); for
   * a regressor one column, in standard deviations of the target from its mean.
   */
  decisionFunction(X: Matrix): Matrix {
    this.checkPredict(X);
    const machines: Machine[] = this.task === 'classification' ? this.pairs : [this.machine!];
    const { K: kernel, nSupport } = this.kernelRows(X);
    const out = new Float64Array(X.rows * machines.length);
    for (let i = 0; i < X.rows; i++) {
      machines.forEach((m, c) => (out[i * machines.length + c] = machineValue(m, kernel, i * nSupport)));
    }
    return { data: out, rows: X.rows, cols: machines.length };
  }

  protected override predictProbaValidated(X: Matrix): Matrix {
    const K = this.nClasses;
    const out = new Float64Array(X.rows * K);
    // at least two: a classifier's training rows hold two classes or more (core/validate.ts)
    const seen = this.classes.length;
    const { K: kernel, nSupport } = this.kernelRows(X);
    const pairwise = new Float64Array(seen * seen);
    for (let i = 0; i < X.rows; i++) {
      const at = i * nSupport;
      if (seen === 2) {
        const pair = this.pairs[0];
        const first = sigmoidProbability(pair.sigmoid, machineValue(pair, kernel, at));
        out[i * K + pair.positive] = first;
        out[i * K + pair.negative] = 1 - first;
        continue;
      }
      let m = 0;
      for (let a = 0; a < seen; a++) {
        for (let b = a + 1; b < seen; b++) {
          const pair = this.pairs[m++];
          // kept off 0 and 1 so that the coupled system stays well posed (LIBSVM's bounds)
          const r = Math.min(
            Math.max(sigmoidProbability(pair.sigmoid, machineValue(pair, kernel, at)), 1e-7),
            1 - 1e-7,
          );
          pairwise[a * seen + b] = r;
          pairwise[b * seen + a] = 1 - r;
        }
      }
      const probabilities = coupledProbabilities(pairwise, seen);
      for (let a = 0; a < seen; a++) out[i * K + this.classes[a]] = probabilities[a];
    }
    return { data: out, rows: X.rows, cols: K };
  }

  protected override predictValuesValidated(X: Matrix): Float64Array {
    const { K: kernel, nSupport } = this.kernelRows(X);
    const machine = this.machine!;
    return Float64Array.from(
      { length: X.rows },
      (_, i) => this.targetMean + this.targetScale * machineValue(machine, kernel, i * nSupport),
    );
  }

  protected getState(): SvmState {
    const machineState = (m: Machine): MachineState => ({
      support: pack(m.support),
      coef: pack(m.coef),
      rho: m.rho,
    });
    return {
      means: pack(this.means),
      scales: pack(this.scales),
      gamma: this.gamma,
      supportVectors: pack(this.supportVectors),
      converged: this.converged,
      ...(this.task === 'classification'
        ? {
            classes: [...this.classes],
            pairs: this.pairs.map((m) => ({
              ...machineState(m),
              positive: m.positive,
              negative: m.negative,
              plattA: m.sigmoid.a,
              plattB: m.sigmoid.b,
            })),
          }
        : {
            machine: machineState(this.machine!),
            targetMean: this.targetMean,
            targetScale: this.targetScale,
          }),
    };
  }

  protected setState(state: StateReader): void {
    const p = this.nFeatures;
    this.means = state.f64('means', { length: p });
    this.scales = state.f64('scales', { length: p, positive: true });
    this.gamma = state.number('gamma', { min: 0 });
    this.supportVectors = state.f64('supportVectors');
    if (this.supportVectors.length % p !== 0) {
      state.fail(`${state.field('supportVectors')} must hold whole rows of ${p} features`);
    }
    const nSupport = this.supportVectors.length / p;
    this.converged = state.boolean('converged');
    const readMachine = (m: StateReader): Machine => {
      const support = m.i32('support', { min: 0, max: nSupport - 1 });
      return { support, coef: m.f64('coef', { length: support.length }), rho: m.number('rho') };
    };
    if (this.task === 'classification') {
      this.classes = state.integers('classes', 0, this.nClasses - 1, { increasing: true });
      if (this.classes.length < 2) state.fail(`${state.field('classes')} must name two classes or more`);
      const pairs = state.list('pairs', (this.classes.length * (this.classes.length - 1)) / 2);
      let m = 0;
      this.pairs = [];
      for (let a = 0; a < this.classes.length; a++) {
        for (let b = a + 1; b < this.classes.length; b++) {
          const pair = pairs[m++];
          if (pair.number('positive') !== this.classes[a] || pair.number('negative') !== this.classes[b]) {
            pair.fail(`the machine must separate classes ${this.classes[a]} and ${this.classes[b]}`);
          }
          this.pairs.push({
            ...readMachine(pair),
            positive: this.classes[a],
            negative: this.classes[b],
            sigmoid: { a: pair.number('plattA'), b: pair.number('plattB') },
          });
        }
      }
    } else {
      this.machine = readMachine(state.object('machine'));
      this.targetMean = state.number('targetMean');
      this.targetScale = state.number('targetScale', { min: 0 });
    }
  }
}

/** Σ coef · K(support vector, row) − rho, from the row's kernel values starting at `at`. */
function machineValue(machine: Machine, kernel: Float64Array, at: number): number {
  let s = -machine.rho;
  for (let t = 0; t < machine.support.length; t++) s += machine.coef[t] * kernel[at + machine.support[t]];
  return s;
}

/** Decision values of `query` rows from a machine fitted on `train` rows (coefficients per training row). */
function decisions(
  train: Float64Array,
  machine: { coef: Float64Array; rho: number },
  query: Float64Array,
  nQuery: number,
  p: number,
  gamma: number,
): Float64Array {
  const rows = [...machine.coef.keys()].filter((t) => machine.coef[t] !== 0);
  const K = rbfKernel(query, nQuery, gather(train, rows, p), rows.length, p, gamma);
  const support: Machine = {
    support: Int32Array.from(rows.keys()),
    coef: Float64Array.from(rows, (t) => machine.coef[t]),
    rho: machine.rho,
  };
  return Float64Array.from({ length: nQuery }, (_, q) => machineValue(support, K, q * rows.length));
}

/** The given rows of row-major data with p columns. */
function gather(Z: Float64Array, rows: readonly number[], p: number): Float64Array<ArrayBuffer> {
  const out = new Float64Array(rows.length * p);
  rows.forEach((r, i) => out.set(Z.subarray(r * p, (r + 1) * p), i * p));
  return out;
}

/** The training rows that are a support vector of some machine, each stored once. */
class SupportTable {
  private readonly index = new Map<number, number>();

  constructor(
    private readonly Z: Float64Array,
    private readonly p: number,
  ) {}

  /** A machine over the table: the rows (of Z) with a non-zero coefficient, and their coefficients. */
  add(fitted: { coef: Float64Array; rho: number }, rows: readonly number[]): Machine {
    const support: number[] = [];
    const coef: number[] = [];
    fitted.coef.forEach((c, i) => {
      if (c === 0) return;
      const row = rows[i];
      if (!this.index.has(row)) this.index.set(row, this.index.size);
      support.push(this.index.get(row)!);
      coef.push(c);
    });
    return { support: Int32Array.from(support), coef: Float64Array.from(coef), rho: fitted.rho };
  }

  vectors(): Float64Array<ArrayBuffer> {
    return gather(this.Z, [...this.index.keys()], this.p);
  }
}

export const svmFamily: ModelFamily = {
  family: 'svm',
  label: 'Support vector machine (RBF kernel)',
  tasks: ['classification', 'regression'],
  create: (task, params) => new SupportVectorMachine(task, params),
};

/**
 * This module contains the solver of the support vector machine's dual problem, sequential minimal optimisation
 * with second-order working-set selection (Fan, Chen and Lin, JMLR 2005, the method of LIBSVM), over an RBF
 * kernel whose columns are computed on demand and kept in a bounded least-recently-used cache:
 *
 *   minimise ½ αᵀQα + pᵀα  subject to  yᵀα = 0 and 0 ≤ α_t ≤ C,  Q_st = y_s y_t K(x_s, x_t), y_t = ±1.
 *
 * A classifier has one variable per row (p = −1); ε-regression has two per row (α and α*, y = +1 and −1), so
 * variable t stands for row t mod n.
 */

/** Column cache size: up to about 3,500 rows every column fits (4 bytes per entry). */
const CACHE_BYTES = 48 * 1024 * 1024;
/** The curvature used where the kernel gives none along a pair's direction (LIBSVM's τ). */
const TAU = 1e-12;

/** The RBF kernel exp(−γ‖a − b‖²) between rows of row-major data, its columns cached by row. */
export class RbfKernel {
  private readonly cache = new Map<number, Float32Array>();
  private readonly capacity: number;

  constructor(
    private readonly data: Float64Array,
    readonly rows: number,
    private readonly cols: number,
    private readonly gamma: number,
  ) {
    this.capacity = Math.max(2, Math.floor(CACHE_BYTES / (4 * Math.max(1, rows))));
  }

  /** K(x_r, x_t) for every row t. */
  column(r: number): Float32Array {
    const hit = this.cache.get(r);
    if (hit) {
      // most recently used last
      this.cache.delete(r);
      this.cache.set(r, hit);
      return hit;
    }
    let out: Float32Array;
    if (this.cache.size >= this.capacity) {
      const [oldest, buffer] = this.cache.entries().next().value as [number, Float32Array];
      this.cache.delete(oldest);
      out = buffer;
    } else {
      out = new Float32Array(this.rows);
    }
    const { data, cols } = this;
    rbfKernel(data.subarray(r * cols, (r + 1) * cols), 1, data, this.rows, cols, this.gamma, out);
    this.cache.set(r, out);
    return out;
  }
}

/**
 * exp(−γ‖a − b‖²) between every row a of A (nA × p) and every row b of B (nB × p), row-major, into `out`
 * (nA × nB): the solver's cached columns, held-out decision values and predictions all compute it here.
 */
export function rbfKernel<T extends Float32Array | Float64Array = Float64Array<ArrayBuffer>>(
  A: Float64Array,
  nA: number,
  B: Float64Array,
  nB: number,
  p: number,
  gamma: number,
  out: T = new Float64Array(nA * nB) as T,
): T {
  for (let i = 0; i < nA; i++) {
    for (let s = 0; s < nB; s++) {
      let d2 = 0;
      for (let j = 0; j < p; j++) {
        const d = A[i * p + j] - B[s * p + j];
        d2 += d * d;
      }
      out[i * nB + s] = Math.exp(-gamma * d2);
    }
  }
  return out;
}

export interface SmoProblem {
  kernel: RbfKernel;
  /** Linear term, one per variable (n for a classifier, 2n for ε-regression). */
  p: Float64Array;
  /** ±1 per variable. */
  y: Int8Array;
  C: number;
  /** Stop when the largest violation of the optimality conditions is below this (LIBSVM's ε, 1e-3). */
  tolerance: number;
  maxIterations: number;
}

export interface SmoSolution {
  alpha: Float64Array;
  /** The decision function is Σ_t y_t α_t K(x_t, x) − rho. */
  rho: number;
  iterations: number;
  converged: boolean;
}

/** Solves the dual problem above from α = 0. */
export function solveSmo(problem: SmoProblem): SmoSolution {
  const { kernel, p, y, C, tolerance, maxIterations } = problem;
  const n = kernel.rows;
  const L = p.length;
  const alpha = new Float64Array(L);
  const G = Float64Array.from(p); // gradient Qα + p, at α = 0
  // the RBF kernel's diagonal is 1, so Q_tt = 1 for every variable
  const upFree = (t: number) => (y[t] === 1 ? alpha[t] < C : alpha[t] > 0);
  const lowFree = (t: number) => (y[t] === 1 ? alpha[t] > 0 : alpha[t] < C);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    // i: the variable that most violates the conditions from above
    let gMax = -Infinity;
    let i = -1;
    for (let t = 0; t < L; t++) {
      if (!upFree(t)) continue;
      const v = -y[t] * G[t];
      if (v >= gMax) {
        gMax = v;
        i = t;
      }
    }
    if (i < 0) {
      converged = true;
      break;
    }
    const Ki = kernel.column(i >= n ? i - n : i);
    // j: the partner that most decreases the objective in a second-order model of it
    let gMax2 = -Infinity;
    let j = -1;
    let best = Infinity;
    for (let t = 0; t < L; t++) {
      if (!lowFree(t)) continue;
      const v = y[t] * G[t];
      if (v >= gMax2) gMax2 = v;
      const b = gMax + v;
      if (b <= 0) continue;
      const a = 2 - 2 * Ki[t >= n ? t - n : t];
      const decrease = -(b * b) / (a > 0 ? a : TAU);
      if (decrease <= best) {
        best = decrease;
        j = t;
      }
    }
    if (gMax + gMax2 < tolerance || j < 0) {
      converged = true;
      break;
    }
    iterations++;
    const Kj = kernel.column(j >= n ? j - n : j);
    const kij = Ki[j >= n ? j - n : j];
    const oldI = alpha[i];
    const oldJ = alpha[j];
    if (y[i] !== y[j]) {
      // α_i − α_j stays fixed: both move by the same step
      const quad = Math.max(2 + 2 * (y[i] * y[j] * kij), TAU);
      const step = (-G[i] - G[j]) / quad;
      const diff = alpha[i] - alpha[j];
      alpha[i] += step;
      alpha[j] += step;
      if (diff > 0) {
        if (alpha[j] < 0) [alpha[j], alpha[i]] = [0, diff];
        if (alpha[i] > C) [alpha[i], alpha[j]] = [C, C - diff];
      } else {
        if (alpha[i] < 0) [alpha[i], alpha[j]] = [0, -diff];
        if (alpha[j] > C) [alpha[j], alpha[i]] = [C, C + diff];
      }
    } else {
      // α_i + α_j stays fixed: one moves up by what the other moves down
      const quad = Math.max(2 - 2 * (y[i] * y[j] * kij), TAU);
      const step = (G[i] - G[j]) / quad;
      const sum = alpha[i] + alpha[j];
      alpha[i] -= step;
      alpha[j] += step;
      if (sum > C) {
        if (alpha[i] > C) [alpha[i], alpha[j]] = [C, sum - C];
        if (alpha[j] > C) [alpha[j], alpha[i]] = [C, sum - C];
      } else {
        if (alpha[j] < 0) [alpha[j], alpha[i]] = [0, sum];
        if (alpha[i] < 0) [alpha[i], alpha[j]] = [0, sum];
      }
    }
    const di = (alpha[i] - oldI) * y[i];
    const dj = (alpha[j] - oldJ) * y[j];
    for (let t = 0; t < L; t++) {
      const r = t >= n ? t - n : t;
      G[t] += y[t] * (Ki[r] * di + Kj[r] * dj);
    }
  }
  return { alpha, rho: offset(alpha, G, y, C), iterations, converged };
}

/**
 * The offset rho: y_t G_t averaged over the free variables, where the conditions hold with equality; without
 * any, the middle of the interval the bounded ones leave.
 */
function offset(alpha: Float64Array, G: Float64Array, y: Int8Array, C: number): number {
  let upper = Infinity;
  let lower = -Infinity;
  let free = 0;
  let sum = 0;
  for (let t = 0; t < alpha.length; t++) {
    const yG = y[t] * G[t];
    if (alpha[t] >= C) {
      if (y[t] === -1) upper = Math.min(upper, yG);
      else lower = Math.max(lower, yG);
    } else if (alpha[t] <= 0) {
      if (y[t] === 1) upper = Math.min(upper, yG);
      else lower = Math.max(lower, yG);
    } else {
      free++;
      sum += yG;
    }
  }
  return free > 0 ? sum / free : (upper + lower) / 2;
}

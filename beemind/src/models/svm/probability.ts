/**
 * This module contains how a support vector machine's decision values become probabilities: Platt's sigmoid
 * for two classes (fitted by Newton's method as Lin, Lin and Weng, Machine Learning 2007, propose), and for
 * more classes the pairwise probabilities coupled into one distribution (Wu, Lin and Weng, JMLR 2004, their
 * second method), as LIBSVM and scikit-learn's `SVC(probability=True)` do.
 */

/** P(positive | f) = 1 / (1 + exp(a·f + b)). */
export interface Sigmoid {
  a: number;
  b: number;
}

export function sigmoidProbability({ a, b }: Sigmoid, f: number): number {
  const z = a * f + b;
  // the same value written two ways, each stable for its sign of z
  return z >= 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z));
}

/**
 * Platt's sigmoid fitted to decision values `f` of rows whose class is positive or not, against targets pulled
 * in from 0 and 1 by one row of each class (which keeps separable data from pushing a to −∞).
 */
export function fitSigmoid(f: Float64Array, positive: Uint8Array): Sigmoid {
  let nPos = 0;
  for (const v of positive) nPos += v;
  const nNeg = f.length - nPos;
  const hi = (nPos + 1) / (nPos + 2);
  const lo = 1 / (nNeg + 2);
  const target = (i: number) => (positive[i] ? hi : lo);
  /** Cross-entropy of (a, b), written to stay finite for large |a·f + b|. */
  const loss = (a: number, b: number) => {
    let s = 0;
    for (let i = 0; i < f.length; i++) {
      const z = a * f[i] + b;
      const t = target(i);
      s += z >= 0 ? t * z + Math.log1p(Math.exp(-z)) : (t - 1) * z + Math.log1p(Math.exp(z));
    }
    return s;
  };
  let a = 0;
  let b = Math.log((nNeg + 1) / (nPos + 1));
  let current = loss(a, b);
  for (let iteration = 0; iteration < 100; iteration++) {
    // gradient and Hessian of the loss; a tiny ridge keeps the Hessian invertible
    let h11 = 1e-12;
    let h22 = 1e-12;
    let h21 = 0;
    let g1 = 0;
    let g2 = 0;
    for (let i = 0; i < f.length; i++) {
      const q = sigmoidProbability({ a, b }, f[i]); // P(positive)
      const w = q * (1 - q);
      const d = target(i) - q;
      h11 += f[i] * f[i] * w;
      h22 += w;
      h21 += f[i] * w;
      g1 += f[i] * d;
      g2 += d;
    }
    if (Math.abs(g1) < 1e-5 && Math.abs(g2) < 1e-5) break;
    const det = h11 * h22 - h21 * h21;
    const da = -(h22 * g1 - h21 * g2) / det;
    const db = -(-h21 * g1 + h11 * g2) / det;
    const slope = g1 * da + g2 * db;
    // backtracking until the loss falls enough
    let step = 1;
    while (step >= 1e-10) {
      const next = loss(a + step * da, b + step * db);
      if (next < current + 1e-4 * step * slope) {
        a += step * da;
        b += step * db;
        current = next;
        break;
      }
      step /= 2;
    }
    if (step < 1e-10) break;
  }
  return { a, b };
}

/**
 * One distribution over k classes from pairwise probabilities: r[i·k + j] = P(i | i or j), with
 * r[j·k + i] = 1 − r[i·k + j]. It minimises Σ_i Σ_{j≠i} (r_ji p_i − r_ij p_j)² subject to Σ p = 1, solved
 * exactly as a (k + 1) × (k + 1) linear system.
 */
export function coupledProbabilities(r: Float64Array, k: number): Float64Array {
  const size = k + 1;
  const A = new Float64Array(size * size);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      if (i === j) continue;
      A[i * size + i] += r[j * k + i] * r[j * k + i];
      A[i * size + j] = -r[j * k + i] * r[i * k + j];
    }
    A[i * size + k] = 1;
    A[k * size + i] = 1;
  }
  const rhs = new Float64Array(size);
  rhs[k] = 1;
  const solution = solveLinear(A, rhs, size);
  const p = new Float64Array(k);
  let total = 0;
  for (let i = 0; i < k; i++) {
    p[i] = Math.max(0, solution[i]);
    total += p[i];
  }
  for (let i = 0; i < k; i++) p[i] = total > 0 ? p[i] / total : 1 / k;
  return p;
}

/** Gaussian elimination with partial pivoting on a small dense system (A and b are overwritten). */
function solveLinear(A: Float64Array, b: Float64Array, n: number): Float64Array {
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(A[r * n + c]) > Math.abs(A[pivot * n + c])) pivot = r;
    if (pivot !== c) {
      for (let j = 0; j < n; j++) [A[c * n + j], A[pivot * n + j]] = [A[pivot * n + j], A[c * n + j]];
      [b[c], b[pivot]] = [b[pivot], b[c]];
    }
    const d = A[c * n + c];
    if (d === 0) continue;
    for (let r = c + 1; r < n; r++) {
      const m = A[r * n + c] / d;
      if (m === 0) continue;
      for (let j = c; j < n; j++) A[r * n + j] -= m * A[c * n + j];
      b[r] -= m * b[c];
    }
  }
  const x = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    let s = b[r];
    for (let j = r + 1; j < n; j++) s -= A[r * n + j] * x[j];
    const d = A[r * n + r];
    x[r] = d === 0 ? 0 : s / d;
  }
  return x;
}

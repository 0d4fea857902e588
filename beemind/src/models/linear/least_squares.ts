/**
 * This module contains the penalised least-squares solver behind ordinary least squares and ridge:
 * min_w ||y − A w||² + Σ_j penalty_j · w_j², solved by Householder QR of the stacked matrix
 * [A; diag(√penalty)] — no normal equations, so the conditioning is that of A, not A².
 */

/**
 * Solves the penalised least-squares problem for a row-major n × p matrix A. Every penalty must be > 0
 * (callers add a tiny jitter for plain least squares), which keeps R non-singular even when columns of A
 * are collinear; the solution then approaches the minimum-norm one.
 */
export function penalizedLeastSquares(
  A: Float64Array,
  n: number,
  p: number,
  y: Float64Array,
  penalty: Float64Array,
): Float64Array {
  const m = n + p;
  // column-major stacked matrix: column j is M[j*m .. j*m+m)
  const M = new Float64Array(m * p);
  for (let i = 0; i < n; i++) {
    const base = i * p;
    for (let j = 0; j < p; j++) M[j * m + i] = A[base + j];
  }
  for (let j = 0; j < p; j++) M[j * m + n + j] = Math.sqrt(penalty[j]);
  const b = new Float64Array(m);
  b.set(y);

  const diag = new Float64Array(p);
  for (let k = 0; k < p; k++) {
    const ck = k * m;
    let norm2 = 0;
    for (let i = k; i < m; i++) norm2 += M[ck + i] * M[ck + i];
    const norm = Math.sqrt(norm2);
    if (norm === 0) continue;
    const alpha = M[ck + k] > 0 ? -norm : norm;
    // Householder vector v = x − alpha·e1, stored in place of column k (rows k..m-1)
    M[ck + k] -= alpha;
    const vnorm2 = norm2 - 2 * alpha * (M[ck + k] + alpha) + alpha * alpha;
    diag[k] = alpha;
    if (vnorm2 === 0) continue;
    const f = 2 / vnorm2;
    for (let j = k + 1; j < p; j++) {
      const cj = j * m;
      let s = 0;
      for (let i = k; i < m; i++) s += M[ck + i] * M[cj + i];
      s *= f;
      if (s !== 0) for (let i = k; i < m; i++) M[cj + i] -= s * M[ck + i];
    }
    let s = 0;
    for (let i = k; i < m; i++) s += M[ck + i] * b[i];
    s *= f;
    for (let i = k; i < m; i++) b[i] -= s * M[ck + i];
  }

  // back substitution R w = (Qᵀ b)[0..p)
  const w = new Float64Array(p);
  for (let k = p - 1; k >= 0; k--) {
    let s = b[k];
    for (let j = k + 1; j < p; j++) s -= M[j * m + k] * w[j];
    w[k] = diag[k] === 0 ? 0 : s / diag[k];
  }
  return w;
}

/**
 * Dense row-major matrices on Float64Array: the numeric currency between preprocessing and models.
 * Missing values are NaN.
 */
export interface Matrix {
  readonly data: Float64Array;
  readonly rows: number;
  readonly cols: number;
}

export function createMatrix(rows: number, cols: number, data?: Float64Array): Matrix {
  const buffer = data ?? new Float64Array(rows * cols);
  if (buffer.length !== rows * cols) {
    throw new RangeError(`matrix data has ${buffer.length} values, expected ${rows} × ${cols}`);
  }
  return { data: buffer, rows, cols };
}

/** Builds a matrix from an array of equal-length rows. */
export function matrixFromRows(rows: ArrayLike<number>[]): Matrix {
  const cols = rows.length === 0 ? 0 : rows[0].length;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((row, i) => {
    if (row.length !== cols) throw new RangeError(`row ${i} has ${row.length} values, expected ${cols}`);
    for (let j = 0; j < cols; j++) data[i * cols + j] = row[j];
  });
  return { data, rows: rows.length, cols };
}

/**
 * The values of a matrix (row-major) or of a vector, told apart by shape: typed arrays from a worker thread may
 * come from another realm, so `instanceof` would not do.
 */
export function valuesOf(p: Matrix | Float64Array): Float64Array {
  return ArrayBuffer.isView(p) ? p : p.data;
}

/** Row `i` as a view (no copy). */
export function row(m: Matrix, i: number): Float64Array {
  return m.data.subarray(i * m.cols, (i + 1) * m.cols);
}

/** Column `j` as a new array. */
export function column(m: Matrix, j: number): Float64Array {
  const out = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) out[i] = m.data[i * m.cols + j];
  return out;
}

/** The rows listed in `indices`, in that order, as a new matrix. */
export function takeRows(m: Matrix, indices: ArrayLike<number>): Matrix {
  const out = new Float64Array(indices.length * m.cols);
  for (let k = 0; k < indices.length; k++) {
    const start = indices[k] * m.cols;
    out.set(m.data.subarray(start, start + m.cols), k * m.cols);
  }
  return { data: out, rows: indices.length, cols: m.cols };
}

/** The values of `v` at `indices`, as a new array of the same type. */
export function take<T extends Float64Array | Int32Array>(v: T, indices: ArrayLike<number>): T {
  const out = new (v.constructor as { new (n: number): T })(indices.length);
  for (let k = 0; k < indices.length; k++) out[k] = v[indices[k]];
  return out;
}

/** Column-major copy: column j occupies out[j*rows .. (j+1)*rows). Tree learners scan columns. */
export function toColumnMajor(m: Matrix): Float64Array {
  const out = new Float64Array(m.rows * m.cols);
  for (let i = 0; i < m.rows; i++) {
    const base = i * m.cols;
    for (let j = 0; j < m.cols; j++) out[j * m.rows + i] = m.data[base + j];
  }
  return out;
}

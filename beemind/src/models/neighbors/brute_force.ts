/**
 * This module contains brute-force k-nearest-neighbour search on row-major typed arrays under a Minkowski
 * distance: distances for a small block of queries at a time, then a bounded max-heap per query (partial
 * selection, O(n log k)), never a full sort.
 */

export interface NeighborResult {
  /** Query-major m × k indices of the training rows, nearest first (ties: lower index first). */
  indices: Int32Array;
  /** The matching distances. */
  distances: Float64Array;
  k: number;
}

/**
 * The k nearest training rows of every query row. `minkowski` is the Minkowski p (2 = Euclidean,
 * 1 = Manhattan, any p ≥ 1 otherwise).
 */
export function kNearest(
  train: Float64Array,
  nTrain: number,
  query: Float64Array,
  nQuery: number,
  cols: number,
  k: number,
  minkowski: number,
): NeighborResult {
  const indices = new Int32Array(nQuery * k);
  const distances = new Float64Array(nQuery * k);
  const heapD = new Float64Array(k);
  const heapI = new Int32Array(k);
  const block = new Float64Array(QUERY_BLOCK * nTrain);
  for (let q0 = 0; q0 < nQuery; q0 += QUERY_BLOCK) {
    const count = Math.min(QUERY_BLOCK, nQuery - q0);
    rawDistances(train, nTrain, query, q0, count, cols, minkowski, block);
    for (let b = 0; b < count; b++) {
      const row = b * nTrain;
      let size = 0;
      for (let t = 0; t < nTrain; t++) {
        const s = block[row + t];
        if (size < k) {
          heapPush(heapD, heapI, size++, s, t);
        } else if (s < heapD[0]) {
          // strictly closer than the current k-th: equal distances keep the earlier (lower-index) row
          heapReplaceTop(heapD, heapI, size, s, t);
        }
      }
      sortAscending(heapD, heapI, size, distances, indices, (q0 + b) * k);
    }
  }
  for (let a = 0; a < distances.length; a++) {
    const s = distances[a];
    distances[a] = minkowski === 2 ? Math.sqrt(s) : minkowski === 1 ? s : s ** (1 / minkowski);
  }
  return { indices, distances, k };
}

/** Queries handled together: each training value is loaded once for all of them (about 2× faster). */
const QUERY_BLOCK = 4;

/**
 * Σ_j |q_j − t_j|^p (no root) from `count` ≤ 4 consecutive queries starting at q0 to every training row,
 * into out[b * nTrain + t]. Missing block members repeat the first query (their results are ignored).
 */
function rawDistances(
  train: Float64Array,
  nTrain: number,
  query: Float64Array,
  q0: number,
  count: number,
  cols: number,
  minkowski: number,
  out: Float64Array,
): void {
  const b0 = q0 * cols;
  const b1 = count > 1 ? b0 + cols : b0;
  const b2 = count > 2 ? b0 + 2 * cols : b0;
  const b3 = count > 3 ? b0 + 3 * cols : b0;
  for (let t = 0; t < nTrain; t++) {
    const tb = t * cols;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    if (minkowski === 2) {
      for (let j = 0; j < cols; j++) {
        const v = train[tb + j];
        const d0 = query[b0 + j] - v;
        const d1 = query[b1 + j] - v;
        const d2 = query[b2 + j] - v;
        const d3 = query[b3 + j] - v;
        s0 += d0 * d0;
        s1 += d1 * d1;
        s2 += d2 * d2;
        s3 += d3 * d3;
      }
    } else if (minkowski === 1) {
      for (let j = 0; j < cols; j++) {
        const v = train[tb + j];
        s0 += Math.abs(query[b0 + j] - v);
        s1 += Math.abs(query[b1 + j] - v);
        s2 += Math.abs(query[b2 + j] - v);
        s3 += Math.abs(query[b3 + j] - v);
      }
    } else {
      for (let j = 0; j < cols; j++) {
        const v = train[tb + j];
        s0 += Math.abs(query[b0 + j] - v) ** minkowski;
        s1 += Math.abs(query[b1 + j] - v) ** minkowski;
        s2 += Math.abs(query[b2 + j] - v) ** minkowski;
        s3 += Math.abs(query[b3 + j] - v) ** minkowski;
      }
    }
    out[t] = s0;
    if (count > 1) out[nTrain + t] = s1;
    if (count > 2) out[2 * nTrain + t] = s2;
    if (count > 3) out[3 * nTrain + t] = s3;
  }
}

/** Writes the heap's `size` entries to out*[at..] in ascending (distance, index) order; k is small. */
function sortAscending(
  heapD: Float64Array,
  heapI: Int32Array,
  size: number,
  outD: Float64Array,
  outI: Int32Array,
  at: number,
): void {
  for (let a = 0; a < size; a++) {
    const d = heapD[a];
    const i = heapI[a];
    let b = a - 1;
    while (b >= 0 && (outD[at + b] > d || (outD[at + b] === d && outI[at + b] > i))) {
      outD[at + b + 1] = outD[at + b];
      outI[at + b + 1] = outI[at + b];
      b--;
    }
    outD[at + b + 1] = d;
    outI[at + b + 1] = i;
  }
}

/** Max-heap order on (distance, index): the root is the farthest (latest on ties) neighbour kept. */
function above(dA: number, iA: number, dB: number, iB: number): boolean {
  return dA > dB || (dA === dB && iA > iB);
}

function heapPush(heapD: Float64Array, heapI: Int32Array, size: number, d: number, i: number): void {
  let c = size;
  while (c > 0) {
    const parent = (c - 1) >> 1;
    if (!above(d, i, heapD[parent], heapI[parent])) break;
    heapD[c] = heapD[parent];
    heapI[c] = heapI[parent];
    c = parent;
  }
  heapD[c] = d;
  heapI[c] = i;
}

function heapReplaceTop(heapD: Float64Array, heapI: Int32Array, size: number, d: number, i: number): void {
  let c = 0;
  for (;;) {
    const l = 2 * c + 1;
    if (l >= size) break;
    const r = l + 1;
    const big = r < size && above(heapD[r], heapI[r], heapD[l], heapI[l]) ? r : l;
    if (!above(heapD[big], heapI[big], d, i)) break;
    heapD[c] = heapD[big];
    heapI[c] = heapI[big];
    c = big;
  }
  heapD[c] = d;
  heapI[c] = i;
}

/**
 * This module contains brute-force k-nearest-neighbour search on row-major typed arrays under a Minkowski
 * distance: one pass over the training rows per query with a bounded max-heap (partial selection, O(n log k)),
 * never a full sort.
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
  for (let q = 0; q < nQuery; q++) {
    const qBase = q * cols;
    let size = 0;
    for (let t = 0; t < nTrain; t++) {
      const tBase = t * cols;
      // distances are compared raw (Σ|d|^p); the p-th root is taken only for the k survivors
      let s = 0;
      if (minkowski === 2) {
        for (let j = 0; j < cols; j++) {
          const d = query[qBase + j] - train[tBase + j];
          s += d * d;
        }
      } else if (minkowski === 1) {
        for (let j = 0; j < cols; j++) s += Math.abs(query[qBase + j] - train[tBase + j]);
      } else {
        for (let j = 0; j < cols; j++) s += Math.abs(query[qBase + j] - train[tBase + j]) ** minkowski;
      }
      if (size < k) {
        heapPush(heapD, heapI, size++, s, t);
      } else if (s < heapD[0]) {
        // strictly closer than the current k-th: equal distances keep the earlier (lower-index) row
        heapReplaceTop(heapD, heapI, size, s, t);
      }
    }
    // heap → ascending order (insertion sort; k is small)
    const out = q * k;
    for (let a = 0; a < size; a++) {
      const d = heapD[a];
      const i = heapI[a];
      let b = a - 1;
      while (b >= 0 && (distances[out + b] > d || (distances[out + b] === d && indices[out + b] > i))) {
        distances[out + b + 1] = distances[out + b];
        indices[out + b + 1] = indices[out + b];
        b--;
      }
      distances[out + b + 1] = d;
      indices[out + b + 1] = i;
    }
    for (let a = 0; a < size; a++) {
      const s = distances[out + a];
      distances[out + a] = minkowski === 2 ? Math.sqrt(s) : minkowski === 1 ? s : s ** (1 / minkowski);
    }
  }
  return { indices, distances, k };
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

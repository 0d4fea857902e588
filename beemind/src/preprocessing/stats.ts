/**
 * This module contains the NaN-aware column statistics the steps learn at fit besides mean and variance
 * (core/moments.ts): sorted present values, linear-interpolation quantiles (by quickselect), quantile bin edges and
 * bin lookup.
 */

/** The non-NaN values, sorted ascending, in a new array. */
export function sortedPresent(values: Float64Array): Float64Array {
  let m = 0;
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === v) out[m++] = v;
  }
  return out.subarray(0, m).sort();
}

/**
 * Rearranges a[lo..hi] so that a[k] holds the value it would hold if the range were sorted, with no larger
 * value before it and no smaller one after it (Hoare quickselect, median-of-three pivot): O(n) on average.
 */
function select(a: Float64Array, lo: number, hi: number, k: number): void {
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < a[lo]) swap(a, lo, mid);
    if (a[hi] < a[lo]) swap(a, lo, hi);
    if (a[hi] < a[mid]) swap(a, mid, hi);
    const pivot = a[mid];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) swap(a, i++, j--);
    }
    // a[lo..j] <= pivot <= a[i..hi]; anything strictly between j and i equals the pivot
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

/**
 * Quantiles `qs` (each in [0, 1], any order) of the non-NaN values, interpolating linearly between order
 * statistics (numpy's default: position q·(n−1) in the sorted values), found by successive quickselects
 * instead of a full sort. NaN for every q when no value is present. The input is not modified.
 */
export function quantiles(values: Float64Array, qs: readonly number[]): Float64Array {
  const out = new Float64Array(qs.length).fill(NaN);
  let n = 0;
  const a = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === v) a[n++] = v;
  }
  if (n === 0) return out;
  // order statistics are requested in ascending order, so each select works right of the previous one
  let from = 0;
  let last = -1;
  const stat = (k: number): number => {
    if (k > last) {
      select(a, from, n - 1, k);
      from = k + 1;
      last = k;
    }
    return a[k];
  };
  const order = qs.map((_, t) => t).sort((s, t) => qs[s] - qs[t]);
  for (const t of order) {
    const pos = qs[t] * (n - 1);
    const lo = Math.floor(pos);
    const v = stat(lo);
    out[t] = pos > lo ? v + (pos - lo) * (stat(lo + 1) - v) : v;
  }
  return out;
}

/**
 * Interior cut points splitting the non-NaN values into `nBins` quantile bins. Duplicate cuts (from tied
 * values) are dropped, so a column with few distinct values gets fewer bins, and cuts equal to the minimum
 * are dropped so the first bin is never empty. Empty when no value is present.
 */
export function quantileCuts(values: Float64Array, nBins: number): Float64Array {
  const qs = Array.from({ length: nBins }, (_, b) => b / nBins); // 0 (the minimum), 1/nBins, …
  const [min, ...inner] = quantiles(values, qs);
  const cuts: number[] = [];
  for (const c of inner) if (c > min && (cuts.length === 0 || c > cuts[cuts.length - 1])) cuts.push(c);
  return Float64Array.from(cuts);
}

/** Bin of `v` given ascending cuts: the number of cuts <= v (0..cuts.length). NaN must be handled by the caller. */
export function binOf(cuts: Float64Array, v: number): number {
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cuts[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

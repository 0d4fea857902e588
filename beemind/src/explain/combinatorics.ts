/**
 * This module contains the counting helpers Shapley values need: the weight of a coalition of each size, and
 * the size of a coalition held as a bit mask.
 */

/** Shapley weights w(s) = s!(p−s−1)!/p! = 1 / (p · C(p−1, s)) for coalitions of s = 0 … p−1 of p players. */
export function shapleyWeights(p: number): Float64Array {
  const w = new Float64Array(p);
  for (let s = 0; s < p; s++) {
    let binom = 1; // C(p − 1, s)
    for (let k = 1; k <= s; k++) binom = (binom * (p - s - 1 + k)) / k;
    w[s] = 1 / (p * binom);
  }
  return w;
}

/** Number of set bits of a 32-bit mask. */
export function popcount(mask: number): number {
  let count = 0;
  for (let v = mask; v; v &= v - 1) count++;
  return count;
}

/**
 * This module contains the mean and variance of a column with missing values (NaN), which preprocessing steps,
 * models and the stacking finish learn at fit.
 */

export interface Moments {
  /** Number of non-NaN values. */
  count: number;
  /** Mean of the non-NaN values (NaN when there are none). */
  mean: number;
  /** Population variance (divides by count) of the non-NaN values (NaN when there are none). */
  variance: number;
}

/** Mean and population variance ignoring NaN (two passes, for accuracy on large offsets). */
export function moments(values: Float64Array): Moments {
  let count = 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === v) {
      sum += v;
      count++;
    }
  }
  if (count === 0) return { count, mean: NaN, variance: NaN };
  const mean = sum / count;
  let ss = 0;
  for (let i = 0; i < values.length; i++) {
    const d = values[i] - mean;
    if (d === d) ss += d * d;
  }
  return { count, mean, variance: ss / count };
}

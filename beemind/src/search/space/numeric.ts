/**
 * This module contains the unit-interval mapping of numeric parameters: log scale and integer rounding are
 * handled here once, so sampling, perturbation, TPE densities and distances all work on [0, 1].
 */
import type { NumericParam } from './types.js';

/** Bounds of the continuous range behind a parameter; an int owns the half-open cell around each integer. */
function transformedBounds(p: NumericParam): [number, number] {
  const lo = p.type === 'int' ? p.low - 0.5 : p.low;
  const hi = p.type === 'int' ? p.high + 0.5 : p.high;
  return p.log ? [Math.log(lo), Math.log(hi)] : [lo, hi];
}

/** Position of `value` in [0, 1] (log-transformed for log parameters); out-of-range values are clipped. */
export function toUnit(p: NumericParam, value: number): number {
  const [a, b] = transformedBounds(p);
  const v = clipNumeric(p, value);
  const t = p.log ? Math.log(v) : v;
  const u = (t - a) / (b - a);
  return u < 0 ? 0 : u > 1 ? 1 : u;
}

/** The parameter value at unit position `u` (rounded for ints, always within bounds). */
export function fromUnit(p: NumericParam, u: number): number {
  const [a, b] = transformedBounds(p);
  const t = a + (b - a) * (u < 0 ? 0 : u > 1 ? 1 : u);
  return clipNumeric(p, p.log ? Math.exp(t) : t);
}

/** Clips into [low, high] and rounds ints. */
export function clipNumeric(p: NumericParam, value: number): number {
  const v = p.type === 'int' ? Math.round(value) : value;
  return v < p.low ? p.low : v > p.high ? p.high : v;
}

/** Whether `value` is a legal value of `p` (a finite number in range; an integer for ints). */
export function isLegalNumber(p: NumericParam, value: unknown): value is number {
  return (
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= p.low &&
    value <= p.high &&
    (p.type !== 'int' || Number.isInteger(value))
  );
}

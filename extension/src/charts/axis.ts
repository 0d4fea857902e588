/**
 * This module contains linear and log scales with "nice" ticks for the hand-drawn charts.
 */

export interface Scale {
  (v: number): number;
  ticks: number[];
  domain: [number, number];
  /** A tick label with as many decimals as the tick step needs. */
  format(v: number): string;
}

/** A linear scale from [d0, d1] to [r0, r1] with about `count` round ticks. */
export function linearScale(d0: number, d1: number, r0: number, r1: number, count = 5): Scale {
  if (d0 === d1) {
    const pad = Math.abs(d0) * 0.05 || 0.5;
    d0 -= pad;
    d1 += pad;
  }
  const step = niceStep((d1 - d0) / count);
  const lo = Math.floor(d0 / step) * step;
  const hi = Math.ceil(d1 / step) * step;
  const scale = ((v: number) => r0 + ((v - lo) / (hi - lo)) * (r1 - r0)) as Scale;
  scale.ticks = [];
  for (let t = lo; t <= hi + step / 2; t += step) scale.ticks.push(Number(t.toPrecision(12)));
  scale.domain = [lo, hi];
  const decimals = Math.max(0, Math.min(12, -Math.floor(Math.log10(step) + 1e-9)));
  scale.format = (v: number) =>
    Math.abs(v) >= 1e6 || (v !== 0 && Math.abs(v) < 1e-6) ? v.toExponential(1) : v.toFixed(decimals);
  return scale;
}

/** A log10 scale with ticks at powers of ten (values are clamped to a positive floor). */
export function logScale(d0: number, d1: number, r0: number, r1: number): Scale {
  const floor = 1e-6;
  const a = Math.floor(Math.log10(Math.max(floor, d0)));
  let b = Math.ceil(Math.log10(Math.max(floor, d1)));
  if (b === a) b = a + 1;
  const scale = ((v: number) => r0 + ((Math.log10(Math.max(floor, v)) - a) / (b - a)) * (r1 - r0)) as Scale;
  scale.ticks = [];
  for (let e = a; e <= b; e++) scale.ticks.push(Number(`1e${e}`)); // exact powers of ten (10 ** -4 is not)
  scale.domain = [10 ** a, 10 ** b];
  scale.format = (v: number) => String(Number(v.toPrecision(3)));
  return scale;
}

function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  const f = raw / power;
  return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * power;
}

// Model-agnostic Shapley values: permutation sampling agrees with exact enumeration within its stated standard
// error; an additive function is explained exactly by either; a function that ignores a column gives it
// exactly zero; local accuracy for every row; a fixed seed repeats.
import { Random } from '../../src/core/random.js';
import { createFrame, type Frame } from '../../src/data/frame.js';
import { agnosticShapley, type OutputFunction } from '../../src/explain/sampling.js';

function numericFrame(rows: number, cols: number, seed: number): Frame {
  const rng = new Random(seed);
  return createFrame(
    Array.from({ length: cols }, (_, j) => ({
      name: `x${j}`,
      kind: 'numeric' as const,
      values: Float64Array.from({ length: rows }, () => rng.normal()),
    })),
  );
}

/** Two outputs: a nonlinear mix of the first columns (column 10 unused), and its negation plus 1. */
const nonlinear: OutputFunction = (frame) => {
  const c = frame.columns.map((col) => col.values as Float64Array);
  const out = new Float64Array(frame.rows * 2);
  for (let i = 0; i < frame.rows; i++) {
    const v =
      c[0][i] * c[1][i] +
      Math.sin(c[2][i]) +
      Math.max(0, c[3][i] - c[4][i]) +
      0.5 * c[5][i] * c[6][i] * c[7][i] +
      c[8][i] -
      c[9][i] ** 2;
    out[2 * i] = v;
    out[2 * i + 1] = 1 - v;
  }
  return out;
};

const additive: OutputFunction = (frame) => {
  const out = new Float64Array(frame.rows);
  frame.columns.forEach((col, j) => {
    for (let i = 0; i < frame.rows; i++) out[i] += (j + 1) * (col.values as Float64Array)[i] ** 3;
  });
  return out;
};

const sum = (v: Float64Array, from: number, to: number) => v.slice(from, to).reduce((a, b) => a + b, 0);

describe('model-agnostic Shapley values', () => {
  const explained = numericFrame(4, 11, 1);
  const background = numericFrame(24, 11, 2);

  test('permutation sampling lies within a few standard errors of exact enumeration', () => {
    const exact = agnosticShapley(nonlinear, 2, explained, background, { exactColumns: 11 });
    const sampled = agnosticShapley(nonlinear, 2, explained, background, { permutations: 96, seed: 3 });
    expect(exact.method).toMatch(/^exact Shapley over 11 columns/);
    expect(exact.maxError).toBe(0);
    expect(sampled.method).toBe('permutation (n=192, antithetic, 24 background rows, seed=3)');
    expect(sampled.maxError).toBeGreaterThan(0);
    // same background mean: the same base
    for (let k = 0; k < 2; k++) expect(sampled.base[k]).toBeCloseTo(exact.base[k], 12);
    const out = nonlinear(explained);
    sampled.values.forEach((phi, i) => {
      for (let q = 0; q < phi.length; q++)
        expect(Math.abs(phi[q] - exact.values[i][q])).toBeLessThanOrEqual(5 * sampled.maxError + 1e-12);
      for (let k = 0; k < 2; k++) {
        const total = sampled.base[k] + sum(phi, k * 11, (k + 1) * 11);
        expect(Math.abs(total - out[2 * i + k])).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(out[2 * i + k])));
        // column 10 is never read: exactly zero either way
        expect(phi[k * 11 + 10]).toBe(0);
        expect(exact.values[i][k * 11 + 10]).toBe(0);
      }
    });
    expect(agnosticShapley(nonlinear, 2, explained, background, { permutations: 96, seed: 3 })).toEqual(
      sampled,
    );
  });

  test('an additive function is explained exactly (every background row is walked from equally often)', () => {
    const sampled = agnosticShapley(additive, 1, explained, background, { permutations: 24, seed: 9 });
    sampled.values.forEach((phi, i) => {
      for (let j = 0; j < 11; j++) {
        const x = (explained.columns[j].values as Float64Array)[i];
        const b = background.columns[j].values as Float64Array;
        const mean = b.reduce((s, v) => s + (j + 1) * v ** 3, 0) / b.length;
        expect(phi[j]).toBeCloseTo((j + 1) * x ** 3 - mean, 10);
      }
    });
  });
});

import { jest } from '@jest/globals';
import { createMatrix } from '../../src/core/matrix.js';
import { getScorer } from '../../src/metrics/scorers.js';
import { affordableEnsemble, nearCopy, selectEnsemble } from '../../src/automl/ensemble.js';

/** Two-class probabilities: p(class 1) per row. */
const proba = (p1: number[]) => createMatrix(p1.length, 2, Float64Array.from(p1.flatMap((p) => [1 - p, p])));

describe('affordableEnsemble', () => {
  const y = Float64Array.from([0, 0, 0, 1, 1, 1]);
  const accuracy = getScorer('accuracy', 'classification');
  // each wrong on one row, a different one: any two averaged with the third are right everywhere
  const candidates = [
    { id: 'slow', oof: proba([0.9, 0.1, 0.1, 0.9, 0.9, 0.9]) },
    { id: 'quick', oof: proba([0.1, 0.9, 0.1, 0.9, 0.9, 0.2]) },
    { id: 'quicker', oof: proba([0.1, 0.1, 0.2, 0.9, 0.1, 0.9]) },
    { id: 'weak', oof: proba([0.4, 0.4, 0.6, 0.6, 0.4, 0.6]) },
  ];
  const seconds: Record<string, number> = { slow: 5, quick: 1, quicker: 0.5, weak: 0.1 };
  const refitMs = (ids: readonly string[]) => ids.reduce((s, id) => s + seconds[id] * 1000, 0);

  it('is the greedy ensemble when its members can be refit in the time left', () => {
    const selection = affordableEnsemble(candidates, y, accuracy, refitMs, () => 10_000)!;
    expect(selection).toEqual(selectEnsemble(candidates, y, accuracy));
    expect(selection.members.map((m) => m.id)).toContain('slow');
  });

  it('selects again without the slowest member while the members cannot be refit', () => {
    const selection = affordableEnsemble(candidates, y, accuracy, refitMs, () => 3_000)!;
    const ids = selection.members.map((m) => m.id);
    expect(ids).not.toContain('slow');
    expect(ids.length).toBeGreaterThanOrEqual(2);
    expect(refitMs(ids)).toBeLessThan(3_000);
  });

  it('reads the time left after each selection, which itself takes time', () => {
    const msLeft = jest.fn(() => 3_000);
    affordableEnsemble(candidates, y, accuracy, refitMs, msLeft);
    expect(msLeft).toHaveBeenCalledTimes(2); // the first selection, with the slow member, did not fit
  });

  it('is null when no two members fit', () => {
    expect(affordableEnsemble(candidates, y, accuracy, refitMs, () => 50)).toBeNull();
  });
});

describe('nearCopy', () => {
  // a linear model's out-of-fold values, and the same model with a tiny penalty: 1% of the spread apart
  const values = Float64Array.from({ length: 200 }, (_, i) => 150 + 60 * Math.sin(i));
  const spread = Math.sqrt(values.reduce((s, v) => s + (v - 150) ** 2, 0) / values.length);
  const penalised = values.map((v, i) => v + (i % 2 ? 1 : -1) * 0.01 * spread);
  const otherFamily = values.map((v, i) => v + (i % 2 ? 1 : -1) * 0.2 * spread);

  it('holds for predictions within 5% of their spread of each other, and not beyond', () => {
    expect(nearCopy(penalised, values)).toBe(true);
    expect(
      nearCopy(
        values.map((v, i) => v + (i % 2 ? 1 : -1) * 0.049 * spread),
        values,
      ),
    ).toBe(true);
    expect(
      nearCopy(
        values.map((v, i) => v + (i % 2 ? 1 : -1) * 0.051 * spread),
        values,
      ),
    ).toBe(false);
    expect(nearCopy(otherFamily, values)).toBe(false);
  });

  it('gives the same verdict whatever the unit of the values', () => {
    const thousands = (p: Float64Array) => p.map((v) => v / 1000);
    expect(nearCopy(thousands(penalised), thousands(values))).toBe(true);
    expect(nearCopy(thousands(otherFamily), thousands(values))).toBe(false);
  });

  it('compares class probabilities row by row and class by class', () => {
    const p = proba([0.9, 0.1, 0.2, 0.8, 0.7, 0.3]).data;
    expect(nearCopy(proba([0.91, 0.1, 0.2, 0.8, 0.7, 0.3]).data, p)).toBe(true);
    expect(nearCopy(proba([0.6, 0.4, 0.2, 0.8, 0.7, 0.3]).data, p)).toBe(false);
  });

  it('holds for constant predictions only when they are equal', () => {
    expect(nearCopy(new Float64Array(5).fill(2), new Float64Array(5).fill(2))).toBe(true);
    expect(nearCopy(new Float64Array(5).fill(2.001), new Float64Array(5).fill(2))).toBe(false);
  });
});

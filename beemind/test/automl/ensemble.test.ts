import { createMatrix } from '../../src/core/matrix.js';
import { getScorer } from '../../src/metrics/scorers.js';
import { affordableEnsemble, selectEnsemble } from '../../src/automl/ensemble.js';

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
    const selection = affordableEnsemble(candidates, y, accuracy, refitMs, 10_000)!;
    expect(selection).toEqual(selectEnsemble(candidates, y, accuracy));
    expect(selection.members.map((m) => m.id)).toContain('slow');
  });

  it('selects again without the slowest member while the members cannot be refit', () => {
    const selection = affordableEnsemble(candidates, y, accuracy, refitMs, 3_000)!;
    const ids = selection.members.map((m) => m.id);
    expect(ids).not.toContain('slow');
    expect(ids.length).toBeGreaterThanOrEqual(2);
    expect(refitMs(ids)).toBeLessThan(3_000);
  });

  it('is null when no two members fit', () => {
    expect(affordableEnsemble(candidates, y, accuracy, refitMs, 50)).toBeNull();
  });
});

// The time budget's split between the search and finishing the run (the champion's refits, ensemble and
// importance): a fixed 15% by default, more when the leaders are slow to refit, never more than half.
import { jest } from '@jest/globals';
import { Budget } from '../../src/automl/budget.js';
import { Leaders } from '../../src/automl/search_loop.js';

describe('the time budget', () => {
  let now = 0;
  beforeEach(() => {
    now = 1000;
    jest.spyOn(performance, 'now').mockImplementation(() => now);
  });
  afterEach(() => jest.restoreAllMocks());

  it('keeps 15% of the seconds for finishing by default', () => {
    const budget = new Budget({ seconds: 10 }, true);
    expect(budget.searchMsLeft()).toBeCloseTo(8500);
    now += 8500;
    expect(budget.reached()).toBe('time');
    expect(budget.runMsLeft()).toBeCloseTo(1500);
  });

  it('keeps more when finishing is estimated to take longer, at most half the budget', () => {
    const budget = new Budget({ seconds: 10 }, true);
    budget.reserveForFinishing(1000); // below the default share: no change
    expect(budget.searchMsLeft()).toBeCloseTo(8500);
    budget.reserveForFinishing(3000);
    expect(budget.searchMsLeft()).toBeCloseTo(7000);
    budget.reserveForFinishing(2000); // a reserve never shrinks within a run
    expect(budget.searchMsLeft()).toBeCloseTo(7000);
    budget.reserveForFinishing(60_000);
    expect(budget.searchMsLeft()).toBeCloseTo(5000);
  });

  it('has no deadline without a seconds limit', () => {
    const budget = new Budget({ evaluations: 5 }, true);
    budget.reserveForFinishing(3000);
    expect(budget.searchMsLeft()).toBe(Infinity);
    expect(budget.runMsLeft()).toBe(Infinity);
  });
});

describe('the leaders the finishing time is kept for', () => {
  it('keeps the best scores and sums their fit times (greater is better)', () => {
    const leaders = new Leaders(true, 3);
    expect(leaders.add(0.8, 1)).toBe(true);
    expect(leaders.add(0.7, 2)).toBe(true);
    expect(leaders.add(0.9, 4)).toBe(true);
    expect(leaders.fitSeconds()).toBe(7);
    expect(leaders.add(0.6, 100)).toBe(false); // below the three best: no change
    expect(leaders.fitSeconds()).toBe(7);
    expect(leaders.add(0.85, 0.5)).toBe(true); // in, and 0.7 (2 s) out
    expect(leaders.fitSeconds()).toBe(5.5);
  });

  it('ranks errors lowest first, and a tie with the last kept stays out', () => {
    const leaders = new Leaders(false, 2);
    leaders.add(3, 1);
    leaders.add(5, 2);
    expect(leaders.add(5, 10)).toBe(false);
    expect(leaders.add(1, 0.25)).toBe(true);
    expect(leaders.fitSeconds()).toBe(1.25);
  });
});

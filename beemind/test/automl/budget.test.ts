// The time budget's split between the search and finishing the run (the champion's refits, ensemble and
// importance): a fixed 15% by default, more when the leader is slow to refit, never more than half.
import { jest } from '@jest/globals';
import { Budget } from '../../src/automl/budget.js';

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

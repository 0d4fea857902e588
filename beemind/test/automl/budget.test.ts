// The time budget's split between the search and finishing the run (the champion's refits, ensemble and
// importance): a fixed 5% by default, more when the leaders are slow to refit, never more than half; and the
// plan for those refits, one after the other or side by side on the evaluation workers.
import { jest } from '@jest/globals';
import { Budget } from '../../src/automl/budget.js';
import { Leaders } from '../../src/automl/search_loop.js';
import { estimatedRefitMs, refitPlan } from '../../src/automl/context.js';

describe('the time budget', () => {
  let now = 0;
  beforeEach(() => {
    now = 1000;
    jest.spyOn(performance, 'now').mockImplementation(() => now);
  });
  afterEach(() => jest.restoreAllMocks());

  it('keeps 5% of the seconds for finishing by default', () => {
    const budget = new Budget({ seconds: 10 }, true);
    expect(budget.searchMsLeft()).toBeCloseTo(9500);
    now += 9500;
    expect(budget.reached()).toBe('time');
    expect(budget.runMsLeft()).toBeCloseTo(500);
  });

  it('keeps more when finishing is estimated to take longer, at most half the budget', () => {
    const budget = new Budget({ seconds: 10 }, true);
    budget.reserveForFinishing(400); // below the default share: no change
    expect(budget.searchMsLeft()).toBeCloseTo(9500);
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
  it('keeps the best scores and their fit times, best first (greater is better)', () => {
    const leaders = new Leaders(true, 3);
    expect(leaders.add(0.8, 1)).toBe(true);
    expect(leaders.add(0.7, 2)).toBe(true);
    expect(leaders.add(0.9, 4)).toBe(true);
    expect(leaders.fitSeconds()).toEqual([4, 1, 2]);
    expect(leaders.add(0.6, 100)).toBe(false); // below the three best: no change
    expect(leaders.fitSeconds()).toEqual([4, 1, 2]);
    expect(leaders.add(0.85, 0.5)).toBe(true); // in, and 0.7 (2 s) out
    expect(leaders.fitSeconds()).toEqual([4, 0.5, 1]);
  });

  it('ranks errors lowest first, and a tie with the last kept stays out', () => {
    const leaders = new Leaders(false, 2);
    leaders.add(3, 1);
    leaders.add(5, 2);
    expect(leaders.add(5, 10)).toBe(false);
    expect(leaders.add(1, 0.25)).toBe(true);
    expect(leaders.fitSeconds()).toEqual([0.25, 1]);
  });
});

describe("the plan for refitting the champion's members", () => {
  it('refits one after the other, at 1.5 times the fold fit times, with one worker or one member', () => {
    expect(refitPlan([1, 2, 3], 1)).toEqual({ ms: 9000, onWorkers: false });
    expect(refitPlan([4], 2)).toEqual({ ms: 6000, onWorkers: false });
    expect(estimatedRefitMs([1, 2, 3])).toBe(9000);
  });

  it('refits side by side on the workers when that is sooner, their start included', () => {
    // slowest first to the least loaded worker: 4 | 3 + 1 → the longest queue is 4 s
    expect(refitPlan([1, 3, 4], 2)).toEqual({ ms: 4 * 1500 + 500, onWorkers: true });
    // three workers: 4 | 3 | 1
    expect(refitPlan([1, 3, 4], 3).ms).toBe(4 * 1500 + 500);
    expect(estimatedRefitMs([1, 3, 4], 2)).toBe(6500);
  });

  it('stays on its own thread when quick refits would not repay starting the workers', () => {
    // one by one 0.3 × 1.5 = 450 ms; side by side 150 ms + 500 ms to start
    const plan = refitPlan([0.1, 0.1, 0.1], 2);
    expect(plan.onWorkers).toBe(false);
    expect(plan.ms).toBeCloseTo(450);
  });
});

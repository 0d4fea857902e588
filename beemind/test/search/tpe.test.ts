import { Random } from '../../src/core/random.js';
import { RandomSearch } from '../../src/search/strategies/random.js';
import { CategoricalParzen, NumericParzen, recencyWeights } from '../../src/search/strategies/tpe/parzen.js';
import { TpeSearch } from '../../src/search/strategies/tpe/tpe.js';
import {
  best,
  CONDITIONAL_OPTIMUM,
  conditional,
  conditionalSpace,
  drive,
  oneDim,
  oneDimSpace,
} from './toys.js';

const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

describe('Parzen estimators', () => {
  it('numeric: a density on [0, 1] that concentrates around the observations', () => {
    const parzen = new NumericParzen([0.2, 0.22, 0.25, 0.9], [1, 1, 1, 1]);
    // integrates to 1 over [0, 1] (midpoint rule)
    let integral = 0;
    const steps = 2000;
    for (let i = 0; i < steps; i++) integral += Math.exp(parzen.logPdf((i + 0.5) / steps)) / steps;
    expect(integral).toBeCloseTo(1, 3);
    expect(parzen.logPdf(0.21)).toBeGreaterThan(parzen.logPdf(0.6));
    const rng = new Random(0);
    const xs = Array.from({ length: 4000 }, () => parzen.sample(rng));
    expect(xs.every((x) => x >= 0 && x <= 1)).toBe(true);
    const near = xs.filter((x) => x > 0.1 && x < 0.35).length / xs.length;
    expect(near).toBeGreaterThan(0.35); // a uniform density puts 0.25 there; 3 of 5 kernels sit there
  });

  it('numeric with no observation is the broad prior', () => {
    const prior = new NumericParzen([], []);
    expect(prior.logPdf(0.5)).toBeGreaterThan(prior.logPdf(0));
    expect(prior.logPdf(0.5) - prior.logPdf(0)).toBeLessThan(0.2); // sigma 1: nearly flat
  });

  it('categorical: a smoothed weighted histogram', () => {
    const c = new CategoricalParzen([0, 0, 2], [1, 1, 1], 3, 1.5);
    // counts 2, 0, 1 plus 0.5 prior each: 2.5, 0.5, 1.5 of 4.5
    expect(Math.exp(c.logPdf(0))).toBeCloseTo(2.5 / 4.5, 12);
    expect(Math.exp(c.logPdf(1))).toBeCloseTo(0.5 / 4.5, 12);
    expect(Math.exp(c.logPdf(2))).toBeCloseTo(1.5 / 4.5, 12);
  });

  it('weights recent observations fully and ramps older ones down', () => {
    expect(recencyWeights(3)).toEqual([1, 1, 1]);
    const w = recencyWeights(35);
    expect(w).toHaveLength(35);
    expect(w[0]).toBeCloseTo(1 / 35, 12);
    expect(w.slice(10)).toEqual(new Array(25).fill(1));
    for (let i = 1; i < 10; i++) expect(w[i]).toBeGreaterThan(w[i - 1]);
  });
});

describe('TPE', () => {
  const seeds = [0, 1, 2, 3, 4, 5];

  it('beats random search on a 1-D objective with the same seeds and budget', () => {
    const regret = (make: (seed: number) => TpeSearch | RandomSearch): number =>
      mean(seeds.map((seed) => -best(drive(make(seed), oneDim, { budget: 30 }))));
    const tpe = regret((seed) => new TpeSearch(oneDimSpace, { seed }));
    const random = regret((seed) => new RandomSearch(oneDimSpace, { seed }));
    expect(tpe).toBeLessThan(random / 2);
    expect(tpe).toBeLessThan(0.05);
  });

  it('beats random search on a conditional objective with the same seeds and budget', () => {
    const regret = (make: (seed: number) => TpeSearch | RandomSearch): number =>
      mean(seeds.map((seed) => CONDITIONAL_OPTIMUM - best(drive(make(seed), conditional, { budget: 100 }))));
    const tpe = regret((seed) => new TpeSearch(conditionalSpace, { seed }));
    const random = regret((seed) => new RandomSearch(conditionalSpace, { seed }));
    expect(tpe).toBeLessThan(0.75 * random);
  });

  it('concentrates its proposals on the good region', () => {
    // after the startup, TPE proposes x within 1.5 of the optimum far more often than the prior does (15%)
    const shares = [0, 1, 2].map((seed) => {
      const evals = drive(new TpeSearch(oneDimSpace, { seed }), oneDim, { budget: 40 }).slice(10);
      expect(evals.every((e) => e.proposal.operator === 'tpe')).toBe(true);
      return (
        evals.filter((e) => Math.abs((e.genome.model.params.x as number) - 3) < 1.5).length / evals.length
      );
    });
    expect(mean(shares)).toBeGreaterThan(0.3);
  });

  it('proposes a batch from each model fit and waits for its results', () => {
    const s = new TpeSearch(oneDimSpace, { seed: 1, nStartup: 3, batchSize: 3 });
    const startup = s.ask(10);
    // startup proposals do not depend on results: all three at once, then the barrier
    expect(startup.map((p) => [p.operator, p.generation])).toEqual([
      ['random', 0],
      ['random', 0],
      ['random', 0],
    ]);
    expect(s.ask(5)).toEqual([]);
    expect(s.pending).toBe(3);
    s.tell(
      startup
        .slice(0, 2)
        .map((p, i) => ({ id: `d${i}`, genome: p.genome, objectives: [oneDim(p.genome)], status: 'ok' })),
    );
    expect(s.ask(5)).toEqual([]);
    s.tell([{ id: 'd2', genome: startup[2].genome, objectives: [], status: 'failed' }]);
    const batch = s.ask(2);
    expect(batch.map((p) => [p.operator, p.generation])).toEqual([
      ['tpe', 1],
      ['tpe', 1],
    ]);
    expect(s.ask(5)).toHaveLength(1);
    expect(s.ask(5)).toEqual([]);
  });

  it('runs its startup on the portfolio first', () => {
    const portfolio = [{ steps: [], model: { family: 'toy', params: { x: 2.5 } } }];
    const [first] = new TpeSearch(oneDimSpace, { seed: 0, portfolio }).ask(1);
    expect(first.operator).toBe('portfolio');
    expect(first.genome).toEqual(portfolio[0]);
  });
});

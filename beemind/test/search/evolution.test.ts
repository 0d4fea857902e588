import { genomeKey, type Genome, type PipelineSpace } from '../../src/search/genome.js';
import { paretoFront } from '../../src/search/nsga2.js';
import { hp } from '../../src/search/space/types.js';
import { distinctBehaviours, EvolutionStrategy } from '../../src/search/strategies/evolution.js';
import { RandomSearch } from '../../src/search/strategies/random.js';
import type { Proposal, Trial, TrialResult } from '../../src/search/strategies/strategy.js';
import { best, CONDITIONAL_OPTIMUM, conditional, conditionalSpace, drive, type Evaluated } from './toys.js';

const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

function result(p: Proposal, id: string, value: number, status: TrialResult['status'] = 'ok'): TrialResult {
  return { id, genome: p.genome, objectives: [value], status };
}

function byGeneration(evals: readonly Evaluated[]): Evaluated[][] {
  const out: Evaluated[][] = [];
  for (const e of evals) (out[e.proposal.generation] ??= []).push(e);
  return out;
}

describe('evolution', () => {
  const portfolio: Genome[] = [
    { steps: [], model: { family: 'b', params: { z: 10 } } },
    { steps: [], model: { family: 'c', params: { w: 0.5, kernel: 'rbf' } } },
  ];

  it('proposes one generation at a time and waits for its results', () => {
    const s = new EvolutionStrategy(conditionalSpace, { seed: 0, populationSize: 6, portfolio });
    const g0 = s.ask(100);
    expect(g0.map((p) => p.operator)).toEqual([
      'portfolio',
      'portfolio',
      'random',
      'random',
      'random',
      'random',
    ]);
    expect(g0.map((p) => p.genome.model)).toEqual(expect.arrayContaining(portfolio.map((g) => g.model)));
    expect(g0.every((p) => p.generation === 0)).toBe(true);
    expect(s.ask(1)).toEqual([]);
    expect(s.pending).toBe(6);
    s.tell(g0.slice(0, 5).map((p, i) => result(p, `g0-${i}`, conditional(p.genome))));
    expect(s.ask(1)).toEqual([]);
    // a failed drone counts as told, with the worst fitness
    s.tell([result(g0[5], 'g0-5', NaN, 'failed')]);
    const g1 = [...s.ask(2), ...s.ask(10)];
    expect(g1).toHaveLength(6);
    expect(s.generation).toBe(2);
    const ids = new Set(g0.map((_, i) => `g0-${i}`));
    for (const p of g1) {
      expect(p.generation).toBe(1);
      expect(['crossover', 'mutation', 'random']).toContain(p.operator);
      for (const parent of p.parents) expect(ids.has(parent)).toBe(true);
      expect(p.parents).not.toContain('g0-5'); // failed drones never breed
      if (p.operator !== 'random') expect(p.detail).toBeTruthy();
    }
  });

  it('improves a toy fitness over generations', () => {
    for (const seed of [0, 1, 2]) {
      const evals = drive(
        new EvolutionStrategy(conditionalSpace, { seed, populationSize: 12 }),
        conditional,
        {
          budget: 120,
          workers: 3,
        },
      );
      const gens = byGeneration(evals).map((g) => g.map((e) => e.objectives[0]).sort((a, b) => b - a));
      expect(gens).toHaveLength(10);
      const top = (g: number[]): number => mean(g.slice(0, 6));
      expect(top(gens[9])).toBeGreaterThan(top(gens[0]) + 0.1);
      expect(mean(gens[9])).toBeGreaterThan(mean(gens[0]));
      expect(best(evals)).toBeGreaterThan(CONDITIONAL_OPTIMUM - 0.1);
    }
  });

  it('beats random search with the same seeds and budget', () => {
    const seeds = [0, 1, 2, 3, 4];
    const regret = (make: (seed: number) => EvolutionStrategy | RandomSearch): number =>
      mean(seeds.map((seed) => CONDITIONAL_OPTIMUM - best(drive(make(seed), conditional, { budget: 100 }))));
    const evolution = regret((seed) => new EvolutionStrategy(conditionalSpace, { seed, populationSize: 10 }));
    const random = regret((seed) => new RandomSearch(conditionalSpace, { seed }));
    expect(evolution).toBeLessThan(0.5 * random);
  });

  it('breeds only from the best drones so far (elitism)', () => {
    const size = 8;
    const evals = drive(
      new EvolutionStrategy(conditionalSpace, { seed: 5, populationSize: size }),
      conditional,
      {
        budget: 64,
      },
    );
    const gens = byGeneration(evals);
    for (let g = 1; g < gens.length; g++) {
      const before = gens.slice(0, g).flat();
      // the best `size`, one per family and score (twins: see the next test)
      const behaviours = new Set<string>();
      const elite = new Set(
        [...before]
          .sort((a, b) => b.objectives[0] - a.objectives[0])
          .filter((e) => {
            const behaviour = `${e.genome.model.family} ${e.objectives[0]}`;
            if (behaviours.has(behaviour)) return false;
            behaviours.add(behaviour);
            return true;
          })
          .slice(0, size)
          .map((e) => e.id),
      );
      for (const e of gens[g]) for (const parent of e.proposal.parents) expect(elite.has(parent)).toBe(true);
    }
  });

  it('breeds from one of each set of twins: the same family at exactly the same score', () => {
    // family b scores 0.9 whatever its settings and steps: every b drone is a twin of the first one
    const plateau = (g: Genome): number => (g.model.family === 'b' ? 0.9 : 0.8 * conditional(g));
    const size = 8;
    const evals = drive(new EvolutionStrategy(conditionalSpace, { seed: 4, populationSize: size }), plateau, {
      budget: 96,
    });
    const family = new Map(evals.map((e) => [e.id, e.genome.model.family]));
    const gens = byGeneration(evals);
    expect(gens.length).toBeGreaterThan(5);
    for (const generation of gens.slice(1)) {
      const parents = new Set(generation.flatMap((e) => e.proposal.parents));
      // one b parent at most, so the other seven parents are of other families
      expect([...parents].filter((id) => family.get(id) === 'b').length).toBeLessThanOrEqual(1);
      expect(parents.size).toBeGreaterThan(1);
    }
    // family a keeps being bred and improved: its best approaches its plateau-scaled optimum (0.84)
    const bestA = Math.max(...evals.filter((e) => e.genome.model.family === 'a').map((e) => e.objectives[0]));
    expect(bestA).toBeGreaterThan(0.8 * (CONDITIONAL_OPTIMUM - 0.1));
  });

  it('keeps the first of each behaviour, best first, up to the population size', () => {
    const trial = (id: string, family: string, score: number, seq: number): Trial => ({
      id,
      key: id,
      seq,
      genome: { steps: [], model: { family, params: {} } },
      objectives: [score],
      fitness: [score],
      status: 'ok',
    });
    const ranked = [
      trial('nb1', 'nb', 0.99, 0),
      trial('nb2', 'nb', 0.99, 1),
      trial('et1', 'et', 0.99, 2),
      trial('nb3', 'nb', 0.98, 3),
      trial('et2', 'et', 0.99, 4),
      trial('rf1', 'rf', 0.97, 5),
    ];
    expect(distinctBehaviours(ranked, 10).map((t) => t.id)).toEqual(['nb1', 'et1', 'nb3', 'rf1']);
    expect(distinctBehaviours(ranked, 2).map((t) => t.id)).toEqual(['nb1', 'et1']);
    expect(distinctBehaviours([], 3)).toEqual([]);
  });

  it('restarts from random genomes when a whole generation failed', () => {
    const s = new EvolutionStrategy(conditionalSpace, { seed: 2, populationSize: 4 });
    const g0 = s.ask(4);
    s.tell(g0.map((p, i) => result(p, `x${i}`, 0, i % 2 ? 'timeout' : 'failed')));
    const g1 = s.ask(4);
    expect(g1.map((p) => [p.operator, p.parents.length])).toEqual([
      ['random', 0],
      ['random', 0],
      ['random', 0],
      ['random', 0],
    ]);
  });

  it('takes the latest result of a genome told twice', () => {
    const s = new EvolutionStrategy(conditionalSpace, { seed: 2, populationSize: 4 });
    const g0 = s.ask(4);
    s.tell(g0.map((p, i) => result(p, `first${i}`, 0, 'failed')));
    // re-evaluated (say on more data): now it succeeds, under a new drone id
    s.tell([result(g0[1], 'again1', 0.5)]);
    const g1 = s.ask(4);
    const bred = g1.filter((p) => p.operator !== 'random');
    expect(bred.length).toBeGreaterThan(0);
    for (const p of bred) expect(p.parents).toEqual(['again1']);
    expect(s.pending).toBe(4);
  });

  it('keeps several objectives in balance with NSGA-II', () => {
    // conflicting objectives: the Pareto set is y = 0 with x in [-3, 3]
    const plane: PipelineSpace = {
      slots: [],
      models: { toy: { x: hp.float(-10, 10), y: hp.float(-10, 10) } },
    };
    const twoGoals = (g: Genome): number[] => {
      const { x, y } = g.model.params as { x: number; y: number };
      return [-Math.pow(x - 3, 2) - y * y, -Math.pow(x + 3, 2) - y * y];
    };
    const evals = drive(new EvolutionStrategy(plane, { seed: 3, populationSize: 12 }), twoGoals, {
      budget: 120,
    });
    const gens = byGeneration(evals);
    const meanAbsY = (g: Evaluated[]): number =>
      mean(g.map((e) => Math.abs(e.genome.model.params.y as number)));
    expect(meanAbsY(gens.slice(-3).flat())).toBeLessThan(meanAbsY(gens[0]) / 3);
    // crowding keeps the front spread along x rather than collapsed on one end
    const front = paretoFront(evals.map((e) => e.objectives)).map(
      (i) => evals[i].genome.model.params.x as number,
    );
    expect(front.length).toBeGreaterThan(8);
    expect(Math.min(...front)).toBeLessThan(-1.5);
    expect(Math.max(...front)).toBeGreaterThan(1.5);
  });

  it('reports exhaustion when the space has no new genome left', () => {
    const tiny: PipelineSpace = { slots: [], models: { m: { k: hp.categorical(['a', 'b', 'c']) } } };
    const s = new EvolutionStrategy(tiny, { seed: 0, populationSize: 2 });
    const evals = drive(s, () => 1, { budget: 50 });
    expect(new Set(evals.map((e) => genomeKey(e.genome))).size).toBe(3);
    expect(evals).toHaveLength(3);
    expect(s.exhausted).toBe(true);
  });
});

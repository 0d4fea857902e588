// The contract every search strategy honours, run over all of them (like Optuna's BasicSamplerTestCase).
import { ConfigurationError } from '../../src/core/errors.js';
import { Random } from '../../src/core/random.js';
import { genomeKey, genomeProblems, sampleGenome, type PipelineSpace } from '../../src/search/genome.js';
import {
  createStrategy,
  EvolutionStrategy,
  GridSearch,
  RandomSearch,
  TpeSearch,
  type SearchStrategy,
  type StrategyName,
} from '../../src/search/strategies/index.js';
import { conditional, conditionalSpace, drive, type Evaluated } from './toys.js';

type Factory = (ps: PipelineSpace, seed: number) => SearchStrategy;

const portfolio = [
  { steps: [], model: { family: 'b', params: { z: 10 } } },
  { steps: [{ kind: 's2', params: {} }], model: { family: 'c', params: { w: 0.5, kernel: 'rbf' } } },
];

const strategies: [string, Factory][] = [
  ['random', (ps, seed) => new RandomSearch(ps, { seed, portfolio })],
  ['grid', (ps, seed) => new GridSearch(ps, { seed })],
  ['tpe', (ps, seed) => new TpeSearch(ps, { seed, nStartup: 6, portfolio })],
  ['evolution', (ps, seed) => new EvolutionStrategy(ps, { seed, populationSize: 8, portfolio })],
];

/** What must be identical between two runs that should be the same search. */
function trace(evals: readonly Evaluated[]): string[] {
  return evals.map(
    (e) =>
      `${e.proposal.key}|${e.proposal.operator}|${e.proposal.parents.join(',')}|${e.proposal.generation}`,
  );
}

const OPERATORS = new Set(['portfolio', 'random', 'grid', 'tpe', 'crossover', 'mutation']);

describe.each(strategies)('the %s strategy', (name, make) => {
  it('proposes valid, never repeated genomes with consistent bookkeeping', () => {
    const s = make(conditionalSpace, 1);
    expect(s.name).toBe(name);
    const evals = drive(s, conditional, { budget: 60, workers: 2 });
    expect(evals).toHaveLength(60);
    const keys = evals.map((e) => e.proposal.key);
    expect(new Set(keys).size).toBe(60);
    const told = new Set<string>();
    let generation = 0;
    for (const e of evals) {
      const p = e.proposal;
      expect(genomeProblems(conditionalSpace, p.genome)).toEqual([]);
      expect(p.key).toBe(genomeKey(p.genome));
      expect(OPERATORS.has(p.operator)).toBe(true);
      expect(Number.isInteger(p.generation) && p.generation >= generation).toBe(true);
      generation = p.generation;
      // parents are drones proposed (and told) before
      for (const parent of p.parents) expect(told.has(parent)).toBe(true);
      if (p.operator === 'crossover') expect(new Set(p.parents).size).toBe(2);
      if (p.operator === 'mutation') expect(p.parents).toHaveLength(1);
      if (!['crossover', 'mutation'].includes(p.operator)) expect(p.parents).toEqual([]);
      told.add(e.id);
    }
    expect(s.pending).toBe(0);
  });

  it('is reproducible from its seed, seed 0 included', () => {
    for (const seed of [0, 7]) {
      const a = trace(drive(make(conditionalSpace, seed), conditional, { budget: 40 }));
      const b = trace(drive(make(conditionalSpace, seed), conditional, { budget: 40 }));
      expect(a).toEqual(b);
    }
    const a = trace(drive(make(conditionalSpace, 0), conditional, { budget: 40 }));
    const b = trace(drive(make(conditionalSpace, 1), conditional, { budget: 40 }));
    expect(a).not.toEqual(b);
  });

  it('makes the same search whatever the number of workers and the order results arrive in', () => {
    const reference = trace(drive(make(conditionalSpace, 3), conditional, { budget: 40, workers: 1 }));
    for (const [workers, orderSeed] of [
      [2, 1],
      [3, 2],
      [5, 3],
    ]) {
      const evals = drive(make(conditionalSpace, 3), conditional, { budget: 40, workers, orderSeed });
      expect(trace(evals)).toEqual(reference);
    }
  });

  it('goes on after failed, timed-out and pruned drones', () => {
    const statuses = ['failed', 'timeout', 'pruned', 'ok', 'ok'] as const;
    const evals = drive(make(conditionalSpace, 4), conditional, {
      budget: 50,
      workers: 2,
      status: (_g, i) => statuses[i % statuses.length],
    });
    expect(evals).toHaveLength(50);
    expect(new Set(evals.map((e) => e.proposal.key)).size).toBe(50);
    // a search where everything fails still proposes
    const allFail = drive(make(conditionalSpace, 4), conditional, { budget: 30, status: () => 'failed' });
    expect(allFail).toHaveLength(30);
  });

  it('never proposes a genome it was told about (warm start)', () => {
    const rng = new Random(9);
    const s = make(conditionalSpace, 5);
    const known = Array.from({ length: 40 }, () => sampleGenome(conditionalSpace, rng));
    s.tell(
      known.map((genome, i) => ({
        id: `old${i}`,
        genome,
        objectives: [conditional(genome)],
        status: 'ok' as const,
      })),
    );
    const knownKeys = new Set(known.map(genomeKey));
    const evals = drive(s, conditional, { budget: 40 });
    expect(evals.filter((e) => knownKeys.has(e.proposal.key))).toEqual([]);
  });

  it('accepts several objectives', () => {
    const evals = drive(make(conditionalSpace, 6), (g) => [conditional(g), -g.steps.length], {
      budget: 40,
      workers: 2,
    });
    expect(evals).toHaveLength(40);
  });

  it('answers ask(0) with nothing', () => {
    const s = make(conditionalSpace, 0);
    expect(s.ask(0)).toEqual([]);
    expect(s.pending).toBe(0);
    expect(s.exhausted).toBe(false);
  });
});

describe('createStrategy', () => {
  it.each(['random', 'grid', 'tpe', 'evolution'] as StrategyName[])('builds %s by name', (name) => {
    expect(createStrategy(name, conditionalSpace, { seed: 1 }).name).toBe(name);
  });

  it('rejects an unknown name with the known ones', () => {
    expect(() => createStrategy('annealing' as StrategyName, conditionalSpace)).toThrow(ConfigurationError);
    expect(() => createStrategy('annealing' as StrategyName, conditionalSpace)).toThrow(
      /evolution, tpe, random, grid/,
    );
  });
});

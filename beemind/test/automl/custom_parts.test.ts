/**
 * evolve() runs on the user's own parts (its third argument): a strategy object or factory, a pruner and an
 * evaluation backend each replace what the string options would build; the shipped example runs as written.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { evolve } from '../../src/automl/evolve.js';
import type { Pruner } from '../../src/automl/parts.js';
import { evaluationCache } from '../../src/evaluation/cache.js';
import { InlineBackend } from '../../src/evaluation/backends.js';
import { loadDataset } from '../../src/data/datasets.js';
import { toDataset, type Dataset } from '../../src/data/dataset.js';
import type { Genome } from '../../src/protocol/events.js';
import {
  createStrategy,
  type Proposal,
  type SearchStrategy,
  type TrialResult,
} from '../../src/search/strategies/index.js';

let iris: Dataset;
beforeAll(async () => {
  iris = toDataset(await loadDataset('iris'), { target: 'species' });
});
beforeEach(() => evaluationCache.clear());

const options = { seed: 0, workers: 0, store: false as const, families: ['decision_tree', 'gaussian_nb'] };

/** Proposes a fixed list of genomes, then is exhausted; records what it was told. */
class ListStrategy implements SearchStrategy {
  readonly name = 'list';
  told: TrialResult[] = [];
  private next = 0;
  constructor(
    private readonly genomes: Genome[],
    private readonly operator = 'random',
  ) {}
  get exhausted() {
    return this.next >= this.genomes.length;
  }
  get pending() {
    return this.next - this.told.length;
  }
  ask(n: number): Proposal[] {
    const out = this.genomes.slice(this.next, this.next + n);
    this.next += out.length;
    return out.map((genome) => ({
      genome,
      key: JSON.stringify(genome),
      parents: [],
      operator: this.operator,
      generation: 0,
    }));
  }
  tell(results: readonly TrialResult[]): void {
    this.told.push(...results);
  }
}

/** A pruner over [1/2, 1] that promotes the first drone of each batch and records the rungs it is asked about. */
function keepFirstPruner(calls: number[]): Pruner {
  return {
    fractions: [0.5, 1],
    promote: (rung, scores) => {
      calls.push(rung);
      return scores.map((_, i) => i === 0);
    },
  };
}

const tree = (maxDepth: number): Genome => ({
  steps: [],
  model: { family: 'decision_tree', params: { maxDepth } },
});

describe('evolve on parts of the user', () => {
  it('evaluates exactly what a strategy object proposes, tells it every result and stops when it is exhausted', async () => {
    const strategy = new ListStrategy([tree(1), tree(2), tree(3)]);
    const run = await evolve(iris, { ...options, populationSize: 2 }, { strategy });
    expect(run.drones.map((d) => d.genome.model.params.maxDepth)).toEqual([1, 2, 3]);
    expect(strategy.told.map((t) => t.id)).toEqual(['d1', 'd2', 'd3']);
    expect(run.reason).toBe('exhausted');
    expect(run.hasChampion).toBe(true);
  });

  it('builds a strategy from a factory given the search space, the seed and the portfolio', async () => {
    let seen: { families: string[]; seed: number; portfolio: number } | null = null as {
      families: string[];
      seed: number;
      portfolio: number;
    } | null;
    const run = await evolve(
      iris,
      { ...options, seed: 5, budget: { evaluations: 6 } },
      {
        strategy: (space, context) => {
          seen = {
            families: Object.keys(space.models).sort(),
            seed: context.seed,
            portfolio: context.portfolio.length,
          };
          return createStrategy('random', space, { seed: context.seed, batchSize: 3 });
        },
      },
    );
    expect(seen).toEqual({
      families: ['decision_tree', 'gaussian_nb'],
      seed: 5,
      portfolio: expect.any(Number),
    });
    expect(seen!.portfolio).toBeGreaterThan(0);
    expect(run.drones).toHaveLength(6);
    expect(run.drones.every((d) => d.operator === 'random')).toBe(true);
  });

  it('gives more rows only to the drones its pruner promotes', async () => {
    const calls: number[] = [];
    const keepFirst = keepFirstPruner(calls);
    const strategy = new ListStrategy([tree(1), tree(2), tree(3)]);
    const run = await evolve(iris, { ...options, populationSize: 3 }, { strategy, pruner: keepFirst });
    expect(calls).toEqual([0]);
    expect(run.drones.map((d) => [d.status, d.fraction])).toEqual([
      ['ok', 1],
      ['pruned', 0.5],
      ['pruned', 0.5],
    ]);
  });

  it('scores the genomes of the portfolio on all rows at once, without asking the pruner', async () => {
    const calls: number[] = [];
    const keepFirst = keepFirstPruner(calls);
    const strategy = new ListStrategy([tree(1), tree(2), tree(3)], 'portfolio');
    const run = await evolve(iris, { ...options, populationSize: 3 }, { strategy, pruner: keepFirst });
    expect(calls).toEqual([]);
    expect(run.drones.map((d) => [d.status, d.fraction])).toEqual([
      ['ok', 1],
      ['ok', 1],
      ['ok', 1],
    ]);
  });

  it('refuses a pruner whose rungs do not end on all rows, saying what is expected', async () => {
    const pruner: Pruner = { fractions: [0.5, 0.75], promote: (_r, s) => s.map(() => true) };
    await expect(evolve(iris, { ...options, budget: { evaluations: 2 } }, { pruner })).rejects.toThrow(
      /a pruner's fractions must grow from above 0 and end at 1 \(got \[0.5, 0.75\]\)/,
    );
  });

  it('evaluates on the backend it is given, and closes it at the end of the run', async () => {
    const backend = new InlineBackend();
    const evaluated: string[] = [];
    const evaluate = backend.evaluate.bind(backend);
    backend.evaluate = (key, job, opts) => {
      evaluated.push(opts?.id ?? '');
      return evaluate(key, job, opts);
    };
    let closed = false;
    const close = backend.close.bind(backend);
    backend.close = async () => {
      closed = true;
      await close();
    };
    const run = await evolve(iris, { ...options, budget: { evaluations: 4 } }, { backend });
    expect([...evaluated].sort()).toEqual(['d1.r0', 'd2.r0', 'd3.r0', 'd4.r0']);
    expect(run.drones).toHaveLength(4);
    expect(closed).toBe(true);
  });

  it('hands a batch to the backend cheapest first and keeps the drones in the order they were proposed', async () => {
    const backend = new InlineBackend();
    const evaluated: string[] = [];
    const evaluate = backend.evaluate.bind(backend);
    backend.evaluate = (key, job, opts) => {
      evaluated.push(`${opts?.id} ${job.genome.model.family}`);
      return evaluate(key, job, opts);
    };
    const bayes: Genome = { steps: [], model: { family: 'gaussian_nb', params: {} } };
    const strategy = new ListStrategy([tree(8), bayes, tree(2)]);
    const run = await evolve(iris, { ...options, populationSize: 3 }, { strategy, backend });
    // a naive Bayes fit costs a pass over the cells; a tree sorts every column: the estimate puts it first
    expect(evaluated).toEqual(['d2.r0 gaussian_nb', 'd1.r0 decision_tree', 'd3.r0 decision_tree']);
    expect(run.drones.map((d) => `${d.id} ${d.family}`)).toEqual([
      'd1 decision_tree',
      'd2 gaussian_nb',
      'd3 decision_tree',
    ]);
    expect(strategy.told.map((t) => t.id)).toEqual(['d1', 'd2', 'd3']);
  });

  it('commits every event to its recorder before anyone hears of it, in place of the store', async () => {
    const heard: string[] = [];
    const recorder = { record: (e: { type: string }) => void heard.push(`recorded ${e.type}`) };
    const run = await evolve(
      iris,
      { ...options, budget: { evaluations: 2 }, populationSize: 2 },
      { recorder, onEvent: (e) => void heard.push(`heard ${e.type}`) },
    );
    expect(heard.filter((h) => h.startsWith('recorded'))).toHaveLength(run.events.length);
    for (let i = 0; i < heard.length; i += 2) {
      expect(heard[i + 1]).toBe(heard[i].replace('recorded', 'heard'));
    }
  });

  it('runs the shipped example of a hand-picked-then-TPE strategy with a median pruner', async () => {
    const example = fileURLToPath(new URL('../../examples/custom_search.mjs', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, [example], { timeout: 120_000 });
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(13);
    expect(lines[0]).toMatch(/^d1 +hand_picked +logistic_regression +ok +rows 1 +0\.9\d{3}$/);
    expect(lines[1]).toMatch(/^d2 +hand_picked +hist_gradient_boosting /);
    // TPE opens with random proposals until it has enough results to model
    expect(lines.slice(2, 12).every((l) => / (tpe|random) /.test(l))).toBe(true);
    expect(lines.some((l) => / pruned +rows 0\.25 /.test(l))).toBe(true);
    expect(lines[12]).toMatch(/^champion \S+, test accuracy 0\.9\d{3}$/);
  }, 150_000);
});

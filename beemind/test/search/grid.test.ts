import { Random } from '../../src/core/random.js';
import { defaultPipelineSpace } from '../../src/search/default_space.js';
import {
  compilePipelineSpace,
  configToGenome,
  genomeKey,
  type PipelineSpace,
} from '../../src/search/genome.js';
import { SpaceGrid } from '../../src/search/space/grid.js';
import { hp } from '../../src/search/space/types.js';
import { GridSearch, lazyPermutation } from '../../src/search/strategies/grid.js';
import { conditional, conditionalSpace, drive } from './toys.js';

const small: PipelineSpace = {
  slots: [{ name: 'scale', optional: true, choices: { s: {} } }],
  models: {
    m: { a: hp.int(1, 3), b: hp.categorical(['x', 'y']) },
    n: { c: hp.float(0, 1) },
  },
};
// scale: none | s (2) × model: m (3 · 2 = 6) + n (3) = 2 × 9 = 18

function allGridKeys(ps: PipelineSpace, resolution: number): string[] {
  const grid = new SpaceGrid(compilePipelineSpace(ps).space, resolution);
  return Array.from({ length: grid.size }, (_, i) => genomeKey(configToGenome(ps, grid.at(i))));
}

describe('grid search', () => {
  it('walks a seeded permutation: every index exactly once', () => {
    for (const n of [1, 2, 3, 7, 16, 17, 100, 1000, 4097]) {
      const perm = lazyPermutation(n, new Random(n));
      const seen = new Set(Array.from({ length: n }, (_, i) => perm(i)));
      expect(seen.size).toBe(n);
      expect(Math.min(...seen)).toBe(0);
      expect(Math.max(...seen)).toBe(n - 1);
    }
    const a = Array.from({ length: 50 }, (_, i) => lazyPermutation(50, new Random(1))(i));
    expect(a).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('enumerates the grid exactly, in index order when asked to', () => {
    const s = new GridSearch(small, { order: 'ordered', resolution: 3 });
    expect(s.size).toBe(18);
    const proposals = s.ask(100);
    expect(proposals.map((p) => p.key)).toEqual(allGridKeys(small, 3));
    expect(proposals.every((p) => p.operator === 'grid' && p.parents.length === 0)).toBe(true);
    expect(proposals[0].genome).toEqual({ steps: [], model: { family: 'm', params: { a: 1, b: 'x' } } });
    expect(s.exhausted).toBe(true);
    expect(s.ask(5)).toEqual([]);
  });

  it('covers the same points in a seeded shuffled order and reports exhaustion', () => {
    const s = new GridSearch(small, { seed: 4, resolution: 3 });
    const first = s.ask(10);
    expect(s.exhausted).toBe(false);
    const rest = s.ask(10);
    expect(rest).toHaveLength(8);
    expect(s.exhausted).toBe(true);
    const keys = [...first, ...rest].map((p) => p.key);
    expect(new Set(keys)).toEqual(new Set(allGridKeys(small, 3)));
    expect(keys).not.toEqual(allGridKeys(small, 3));
    expect(new GridSearch(small, { seed: 4, resolution: 3 }).ask(18).map((p) => p.key)).toEqual(keys);
  });

  it('skips grid points it was told about', () => {
    const s = new GridSearch(small, { order: 'ordered', resolution: 3 });
    const genome = { steps: [], model: { family: 'm', params: { a: 1, b: 'x' } } };
    s.tell([{ id: 'old', genome, objectives: [1], status: 'ok' }]);
    const proposals = s.ask(100);
    expect(proposals).toHaveLength(17);
    expect(proposals.map((p) => p.key)).not.toContain(genomeKey(genome));
  });

  it('stops an evaluation loop when the grid is used up', () => {
    const s = new GridSearch(conditionalSpace, { seed: 1, resolution: 2 });
    const evals = drive(s, conditional, { budget: 10_000, workers: 3 });
    expect(evals).toHaveLength(s.size);
    expect(s.exhausted).toBe(true);
  });

  it('counts the default space grid without enumerating it', () => {
    const s = new GridSearch(defaultPipelineSpace('classification'), { resolution: 2 });
    expect(Number.isSafeInteger(s.size)).toBe(true);
    expect(s.size).toBeGreaterThan(1e5);
    expect(s.ask(3)).toHaveLength(3);
  });
});

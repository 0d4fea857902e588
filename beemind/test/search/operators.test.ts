import { Random } from '../../src/core/random.js';
import { defaultPipelineSpace } from '../../src/search/default_space.js';
import {
  genomeKey,
  genomeProblems,
  restrictFamilies,
  sampleGenome,
  type Genome,
  type PipelineSpace,
} from '../../src/search/genome.js';
import { crossover, mutate } from '../../src/search/operators.js';
import { conditionalSpace } from './toys.js';

const spaces: [string, PipelineSpace][] = [
  ['default classification', defaultPipelineSpace('classification')],
  ['default regression', defaultPipelineSpace('regression')],
  ['conditional toy', conditionalSpace],
];

describe.each(spaces)('operators on the %s space', (_name, ps) => {
  it('mutation always yields a different valid genome and says what it did', () => {
    const rng = new Random(11);
    const problems: string[] = [];
    let unchanged = 0;
    const kinds = new Set<string>();
    for (let i = 0; i < 400; i++) {
      const parent = sampleGenome(ps, rng);
      const { genome, detail } = mutate(ps, parent, rng);
      problems.push(...genomeProblems(ps, genome));
      if (genomeKey(genome) === genomeKey(parent)) unchanged++;
      kinds.add(detail.split(' ')[0]);
    }
    expect(problems).toEqual([]);
    expect(unchanged).toBe(0);
    expect(kinds).toEqual(new Set(['perturb', 'resample', 'swap', 'add', 'remove', 'replace']));
  });

  it('crossover yields valid genomes made of the parents’ parts', () => {
    const rng = new Random(12);
    const problems: string[] = [];
    for (let i = 0; i < 300; i++) {
      const a = sampleGenome(ps, rng);
      const b = sampleGenome(ps, rng);
      const { genome } = crossover(ps, a, b, rng);
      problems.push(...genomeProblems(ps, genome));
      // the model family comes from a parent, and every step is one of a parent's steps (same kind)
      expect([a.model.family, b.model.family]).toContain(genome.model.family);
      for (const step of genome.steps) {
        expect([...a.steps, ...b.steps].map((s) => s.kind)).toContain(step.kind);
      }
    }
    expect(problems).toEqual([]);
  });

  it('is reproducible from the generator state', () => {
    const run = (seed: number): Genome[] => {
      const rng = new Random(seed);
      const a = sampleGenome(ps, rng);
      const b = sampleGenome(ps, rng);
      return [mutate(ps, a, rng).genome, crossover(ps, a, b, rng).genome, mutate(ps, b, rng).genome];
    };
    expect(run(0)).toEqual(run(0));
    expect(run(0)).not.toEqual(run(1));
  });
});

describe('operator details', () => {
  const ps = defaultPipelineSpace('classification');
  const rf: Genome = {
    steps: [
      { kind: 'simple_imputer', params: { strategy: 'median', addIndicator: false } },
      { kind: 'ordinal_encoder', params: {} },
    ],
    model: {
      family: 'random_forest',
      params: {
        criterion: 'gini',
        nEstimators: 100,
        maxFeatures: 0.3,
        minSamplesLeaf: 1,
        minSamplesSplit: 2,
        bootstrap: true,
      },
    },
  };
  const only = (kind: string) => ({
    weights: { perturb: 0, resample: 0, family: 0, add_step: 0, remove_step: 0, replace_step: 0, [kind]: 1 },
  });

  it('swapping the family keeps hyperparameters the new family shares', () => {
    const forests = restrictFamilies(ps, ['random_forest', 'extra_trees']);
    const { genome, detail } = mutate(forests, rf, new Random(0), only('family'));
    expect(detail).toBe('swap family random_forest → extra_trees');
    expect(genome.model).toEqual({ ...rf.model, family: 'extra_trees' });
    expect(genome.steps).toEqual(rf.steps);
  });

  it('perturbs numbers within their bounds, on the log scale for log parameters', () => {
    const rng = new Random(1);
    const ratios: number[] = [];
    for (let i = 0; i < 300; i++) {
      const { genome, detail } = mutate(ps, rf, rng, only('perturb'));
      expect(detail).toMatch(/^perturb model\./);
      const changed = Object.keys(rf.model.params).filter(
        (k) => genome.model.params[k] !== rf.model.params[k],
      );
      expect(changed).toHaveLength(1);
      if (changed[0] === 'nEstimators') ratios.push((genome.model.params.nEstimators as number) / 100);
      expect(genomeProblems(ps, genome)).toEqual([]);
    }
    // nEstimators is log scale on [16, 256]: moves up and down by similar factors around 100
    const logs = ratios.map(Math.log);
    const mean = logs.reduce((s, x) => s + x, 0) / logs.length;
    expect(ratios.length).toBeGreaterThan(20);
    expect(Math.abs(mean)).toBeLessThan(0.15);
  });

  it('adds, removes and replaces steps in their slots', () => {
    const rng = new Random(2);
    const added = mutate(ps, rf, rng, only('add_step'));
    expect(added.detail).toMatch(/^add step /);
    expect(added.genome.steps).toHaveLength(3);
    const removed = mutate(ps, added.genome, rng, only('remove_step'));
    expect(removed.genome.steps).toEqual(rf.steps);
    const replaced = mutate(ps, rf, rng, only('replace_step'));
    expect(replaced.detail).toBe('replace step ordinal_encoder → one_hot_encoder');
    expect(replaced.genome.steps[1].kind).toBe('one_hot_encoder');
    // the imputer and encoder slots are required: there is nothing to remove
    expect(mutate(ps, rf, rng, only('remove_step'))).toEqual({ genome: rf, detail: 'no mutation applies' });
  });

  it('crossover within a family mixes hyperparameters; across families it exchanges step slots', () => {
    const rng = new Random(3);
    const other: Genome = {
      steps: [
        { kind: 'simple_imputer', params: { strategy: 'mean', addIndicator: true } },
        { kind: 'one_hot_encoder', params: { minFrequency: 0.05 } },
        { kind: 'standard_scaler', params: {} },
      ],
      model: {
        family: 'random_forest',
        params: {
          criterion: 'entropy',
          nEstimators: 200,
          maxFeatures: 0.8,
          minSamplesLeaf: 5,
          minSamplesSplit: 10,
          bootstrap: false,
        },
      },
    };
    const mixed = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const { genome, detail } = crossover(ps, rf, other, rng);
      expect(detail).toBe('uniform crossover of random_forest hyperparameters and step slots');
      for (const [k, v] of Object.entries(genome.model.params)) {
        expect([rf.model.params[k], other.model.params[k]]).toContainEqual(v);
        mixed.add(`${k}=${v === rf.model.params[k] ? 'rf' : 'other'}`);
      }
    }
    expect(mixed.size).toBe(12); // every hyperparameter came from each parent at least once

    const knn: Genome = {
      steps: other.steps,
      model: { family: 'knn', params: { nNeighbors: 7, weights: 'distance', p: 1 } },
    };
    for (let i = 0; i < 30; i++) {
      const { genome, detail } = crossover(ps, rf, knn, rng);
      expect(detail).toMatch(/^step slots exchanged between random_forest and knn pipelines/);
      expect([rf.model, knn.model]).toContainEqual(genome.model);
      expect(genomeKey(genome)).not.toBe(genomeKey(rf));
      expect(genomeKey(genome)).not.toBe(genomeKey(knn));
    }
  });
});

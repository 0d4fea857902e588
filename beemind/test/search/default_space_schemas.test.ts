// The default space and portfolio speak the library's language: every family, step kind and hyperparameter
// they use is registered and accepted by the family's and the step's own zod schema.
import { Random } from '../../src/core/random.js';
import type { Task } from '../../src/core/task.js';
import '../../src/models/families.js';
import { modelFamilies, type ModelFamily } from '../../src/models/registry.js';
import { createTransformer, getTransformerKind } from '../../src/preprocessing/registry.js';
import { defaultPipelineSpace } from '../../src/search/default_space.js';
import { sampleGenome, type Genome } from '../../src/search/genome.js';
import { defaultPortfolio } from '../../src/search/portfolio.js';

const families = new Map<string, ModelFamily>(modelFamilies().map((f) => [f.family, f]));

/** Problems building the genome's steps and model with the library's own schemas. */
function buildProblems(task: Task, genome: Genome): string[] {
  const problems: string[] = [];
  for (const step of genome.steps) {
    try {
      createTransformer(step.kind, step.params);
    } catch (e) {
      problems.push(`${step.kind}: ${(e as Error).message}`);
    }
  }
  const family = families.get(genome.model.family);
  if (!family) return [...problems, `unknown family ${genome.model.family}`];
  if (!family.tasks.includes(task)) problems.push(`${family.family} does not support ${task}`);
  try {
    family.create(task, genome.model.params);
  } catch (e) {
    problems.push(`${genome.model.family}: ${(e as Error).message}`);
  }
  return problems;
}

describe.each(['classification', 'regression'] as const)('the default %s space', (task) => {
  const supporting = [...families.values()].filter((f) => f.tasks.includes(task)).map((f) => f.family);
  // every family asked for: the kernel machine is in the default space only then
  const space = defaultPipelineSpace(task, { families: supporting });

  it('offers every library family that supports the task, the kernel machine when asked for', () => {
    expect(Object.keys(space.models).sort()).toEqual([...supporting].sort());
    expect(Object.keys(defaultPipelineSpace(task).models).sort()).toEqual(
      supporting.filter((f) => f !== 'svm').sort(),
    );
  });

  it('places each step kind in the slot of its pipeline stage', () => {
    const stageOfSlot: Record<string, string> = {
      imputer: 'impute',
      encoder: 'encode',
      engineering: 'engineer',
      scaler: 'scale',
      selection: 'select',
    };
    for (const slot of space.slots) {
      for (const kind of Object.keys(slot.choices))
        expect([kind, getTransformerKind(kind).stage]).toEqual([kind, stageOfSlot[slot.name]]);
    }
  });

  it('samples genomes whose steps and model the library accepts', () => {
    const rng = new Random(0);
    const problems = new Set<string>();
    for (let i = 0; i < 400; i++)
      for (const p of buildProblems(task, sampleGenome(space, rng))) problems.add(p);
    expect([...problems]).toEqual([]);
  });

  it('has a portfolio the library accepts', () => {
    const portfolio = defaultPortfolio(task, { families: supporting });
    expect(portfolio.some((g) => g.model.family === 'svm')).toBe(true);
    expect(portfolio.flatMap((g) => buildProblems(task, g))).toEqual([]);
  });
});

/**
 * This module contains the genome (a pipeline of preprocessing steps plus a model family with its
 * hyperparameters) and the PipelineSpace it is drawn from: ordered step slots (imputer, encoder, scaler, …,
 * each with step kinds to choose from and possibly empty) and model families, each with its own space.
 *
 * Internally a PipelineSpace is compiled into one Space of the DSL, one group per slot plus a `model` group:
 * `{ scaler: { kind: 'standard_scaler' }, model: { family: 'ridge', alpha: 0.1 } }`, so sampling, repair,
 * grids and TPE work on genomes through the generic space helpers.
 */
import { ConfigurationError } from '../core/errors.js';
import type { Random } from '../core/random.js';
import { checkSpace } from './space/check.js';
import { configDistance, dimensions, type Dimension } from './space/dimensions.js';
import { canonicalKey } from './space/key.js';
import { configProblems, repairConfig } from './space/repair.js';
import { sampleConfig } from './space/sample.js';
import { hp, type Config, type Space } from './space/types.js';

export interface GenomeStep {
  /** Step kind, e.g. `standard_scaler`. */
  kind: string;
  params: Record<string, unknown>;
}

export interface GenomeModel {
  /** Model family id, e.g. `random_forest`. */
  family: string;
  params: Record<string, unknown>;
}

/** A candidate pipeline: preprocessing steps in order, then a model. Plain JSON. */
export interface Genome {
  steps: GenomeStep[];
  model: GenomeModel;
}

/** One position of the pipeline: which step kinds may fill it, with their hyperparameter spaces. */
export interface StepSlot {
  /** Slot name, e.g. `scaler`; also the name of its group in the compiled space. */
  name: string;
  /** Step kind → its hyperparameter space. */
  choices: Record<string, Space>;
  /** Whether the slot may stay empty (then `none` is one of its choices). */
  optional?: boolean;
  /** Sampling weights by kind (and `none` for an empty slot); kinds not listed get 1. */
  weights?: Record<string, number>;
}

/** Everything a search may build: step slots in pipeline order and model families with their spaces. */
export interface PipelineSpace {
  slots: StepSlot[];
  /** Model family id → hyperparameter space. */
  models: Record<string, Space>;
  /** Sampling weights by family; families not listed get 1. */
  modelWeights?: Record<string, number>;
}

/** The branch name that stands for an empty optional slot. */
export const NO_STEP = 'none';
/** Name of the model group in the compiled space; no slot may use it. */
export const MODEL_GROUP = 'model';

export interface CompiledPipelineSpace {
  readonly pipeline: PipelineSpace;
  /** The same choices as one Space (a group per slot, then `model`). */
  readonly space: Space;
  readonly dimensions: readonly Dimension[];
}

const compiledCache = new WeakMap<PipelineSpace, CompiledPipelineSpace>();

/** Checks a pipeline space once and caches its compiled form (pipeline spaces are treated as immutable). */
export function compilePipelineSpace(ps: PipelineSpace): CompiledPipelineSpace {
  const hit = compiledCache.get(ps);
  if (hit) return hit;
  checkPipelineSpace(ps);
  const space: Record<string, Space[string]> = {};
  for (const slot of ps.slots) {
    const branches: Record<string, Space> = slot.optional ? { [NO_STEP]: {} } : {};
    Object.assign(branches, slot.choices);
    space[slot.name] = hp.group({ kind: hp.conditional(branches, slot.weights) });
  }
  space[MODEL_GROUP] = hp.group({ family: hp.conditional(ps.models, ps.modelWeights) });
  const compiled: CompiledPipelineSpace = { pipeline: ps, space, dimensions: dimensions(space) };
  compiledCache.set(ps, compiled);
  return compiled;
}

/** Throws a ConfigurationError listing every problem of a pipeline space; returns it when valid. */
export function checkPipelineSpace(ps: PipelineSpace): PipelineSpace {
  const problems: string[] = [];
  if (typeof ps !== 'object' || ps === null || !Array.isArray(ps.slots) || typeof ps.models !== 'object') {
    throw new ConfigurationError(
      'search.bad_space',
      'a pipeline space needs `slots` (an array of step slots) and `models` (family id → hyperparameter space).',
    );
  }
  if (Object.keys(ps.models).length === 0) problems.push('models is empty: allow at least one model family');
  const names = new Set<string>();
  for (const slot of ps.slots) {
    if (slot.name === MODEL_GROUP) problems.push(`slot name "${MODEL_GROUP}" is reserved for the model`);
    if (names.has(slot.name)) problems.push(`slot "${slot.name}" appears twice`);
    names.add(slot.name);
    if (!slot.choices || Object.keys(slot.choices).length === 0) {
      problems.push(`slot "${slot.name}" has no step kinds to choose from`);
    }
    for (const [kind, sub] of Object.entries(slot.choices ?? {})) {
      if (kind === NO_STEP)
        problems.push(`slot "${slot.name}": "${NO_STEP}" is not a step kind; use optional: true`);
      if (sub && 'kind' in sub)
        problems.push(`slot "${slot.name}", step ${kind}: a hyperparameter may not be named "kind"`);
      collect(() => checkSpace(sub, `space of step ${kind} in slot "${slot.name}"`), problems);
    }
  }
  for (const [family, sub] of Object.entries(ps.models)) {
    if (sub && 'family' in sub) problems.push(`model ${family}: a hyperparameter may not be named "family"`);
    collect(() => checkSpace(sub, `space of model family ${family}`), problems);
  }
  if (problems.length > 0) {
    throw new ConfigurationError('search.bad_space', `invalid pipeline space: ${problems.join('; ')}.`);
  }
  return ps;
}

function collect(check: () => void, problems: string[]): void {
  try {
    check();
  } catch (e) {
    problems.push((e as Error).message.replace(/\.$/, ''));
  }
}

/** Canonical text of a genome: identical pipelines (up to key order and 6 significant digits) share it. */
export function genomeKey(genome: Genome): string {
  return canonicalKey({ steps: genome.steps, model: genome.model });
}

/** Families that split on the order of a column's values, which an affine rescaling keeps. */
const ORDER_ONLY_FAMILIES = new Set(['decision_tree', 'random_forest', 'extra_trees']);
/** Scalers that map each column by an increasing affine function (min_max_scaler's clip keeps the order too). */
const AFFINE_SCALERS = new Set(['standard_scaler', 'robust_scaler', 'min_max_scaler']);

/**
 * The key a genome's evaluation is cached under: its genomeKey, except that a tree family's last step is left
 * out when it is an affine scaler, since the trees split the same rows with or without it. The search then
 * scores such a variant from the cache instead of fitting the same forest again. (Not for boosting: a scaler
 * turns an ordinal encoder's category codes into plain numbers for it.)
 */
export function evaluationKey(genome: Genome): string {
  const last = genome.steps[genome.steps.length - 1];
  if (!last || !ORDER_ONLY_FAMILIES.has(genome.model.family) || !AFFINE_SCALERS.has(last.kind))
    return genomeKey(genome);
  return genomeKey({ ...genome, steps: genome.steps.slice(0, -1) });
}

/** A short readable description, e.g. `simple_imputer → standard_scaler → ridge`. */
export function genomeLabel(genome: Genome): string {
  return [...genome.steps.map((s) => s.kind), genome.model.family].join(' → ');
}

/**
 * The compiled-space configuration of a genome. Steps are placed into slots in order; a step whose kind fits
 * no remaining slot is reported in `unplaced` (and dropped from the configuration).
 */
export function genomeToConfig(ps: PipelineSpace, genome: Genome): { config: Config; unplaced: string[] } {
  const config: Config = {};
  const unplaced: string[] = [];
  let s = 0;
  for (const step of genome.steps ?? []) {
    let t = s;
    while (t < ps.slots.length && !Object.hasOwn(ps.slots[t].choices, step.kind)) t++;
    if (t === ps.slots.length) {
      unplaced.push(step.kind);
      continue;
    }
    for (; s < t; s++) config[ps.slots[s].name] = { kind: NO_STEP };
    config[ps.slots[t].name] = { ...step.params, kind: step.kind };
    s = t + 1;
  }
  for (; s < ps.slots.length; s++) config[ps.slots[s].name] = { kind: NO_STEP };
  config[MODEL_GROUP] = { ...genome.model?.params, family: genome.model?.family };
  return { config, unplaced };
}

/** The genome of a valid compiled-space configuration. */
export function configToGenome(ps: PipelineSpace, config: Config): Genome {
  const steps: GenomeStep[] = [];
  for (const slot of ps.slots) {
    const { kind, ...params } = config[slot.name] as Config;
    if (kind !== NO_STEP) steps.push({ kind: kind as string, params });
  }
  const { family, ...params } = config[MODEL_GROUP] as Config;
  return { steps, model: { family: family as string, params } };
}

/** A random genome of the pipeline space. */
export function sampleGenome(ps: PipelineSpace, rng: Random): Genome {
  return configToGenome(ps, sampleConfig(compilePipelineSpace(ps).space, rng));
}

/** Every problem of `genome` against the pipeline space (empty when valid). */
export function genomeProblems(ps: PipelineSpace, genome: Genome): string[] {
  const { config, unplaced } = genomeToConfig(ps, genome);
  const problems = unplaced.map((k) => `step ${k} fits no slot of the pipeline space (or is out of order)`);
  return problems.concat(configProblems(compilePipelineSpace(ps).space, config));
}

export function isValidGenome(ps: PipelineSpace, genome: Genome): boolean {
  return genomeProblems(ps, genome).length === 0;
}

/** Throws a ConfigurationError listing every problem of `genome`; returns it when valid. */
export function checkGenome(ps: PipelineSpace, genome: Genome): Genome {
  const problems = genomeProblems(ps, genome);
  if (problems.length > 0) {
    throw new ConfigurationError(
      'search.bad_genome',
      `invalid genome ${genomeLabel(genome)}: ${problems.join('; ')}.`,
    );
  }
  return genome;
}

/** The nearest valid genome: misplaced steps dropped, numbers clipped, invalid or missing choices resampled. */
export function repairGenome(ps: PipelineSpace, genome: Genome, rng: Random): Genome {
  const { config } = genomeToConfig(ps, genome);
  return configToGenome(ps, repairConfig(compilePipelineSpace(ps).space, config, rng));
}

/** Distance in [0, 1] between two valid genomes (see configDistance): 0 for equal genomes. */
export function genomeDistance(ps: PipelineSpace, a: Genome, b: Genome): number {
  const { space, dimensions: dims } = compilePipelineSpace(ps);
  return configDistance(space, genomeToConfig(ps, a).config, genomeToConfig(ps, b).config, dims);
}

/** Mean pairwise genomeDistance of a population (0 for fewer than two genomes): its diversity. */
export function diversity(ps: PipelineSpace, genomes: readonly Genome[]): number {
  const { space, dimensions: dims } = compilePipelineSpace(ps);
  const configs = genomes.map((g) => genomeToConfig(ps, g).config);
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < configs.length; i++) {
    for (let j = i + 1; j < configs.length; j++) {
      sum += configDistance(space, configs[i], configs[j], dims);
      pairs++;
    }
  }
  return pairs === 0 ? 0 : sum / pairs;
}

/** " Did you mean svm?" for names that differ from a family only in case, spaces or hyphens (SVM, Random-Forest). */
function didYouMean(unknown: readonly string[], known: readonly string[]): string {
  const normal = (name: string) =>
    name
      .trim()
      .toLowerCase()
      .replace(/[\s-]+/g, '_');
  const near = unknown.flatMap((u) => known.filter((k) => normal(k) === normal(u)));
  return near.length > 0 ? ` Did you mean ${near.join(', ')}?` : '';
}

/** The same pipeline space limited to `families` (in the given order); unknown families are an error. */
export function restrictFamilies(ps: PipelineSpace, families: readonly string[]): PipelineSpace {
  const unknown = families.filter((f) => !Object.hasOwn(ps.models, f));
  if (unknown.length > 0 || families.length === 0) {
    throw new ConfigurationError(
      'search.unknown_family',
      families.length === 0
        ? 'the family list is empty; name at least one model family.'
        : `unknown model famil${unknown.length > 1 ? 'ies' : 'y'} ${unknown.join(', ')} for this search space; ` +
            `choose from ${Object.keys(ps.models).join(', ')}.${didYouMean(unknown, Object.keys(ps.models))}`,
    );
  }
  const models: Record<string, Space> = {};
  for (const f of families) models[f] = ps.models[f];
  return { ...ps, models };
}

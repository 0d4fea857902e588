/**
 * This module contains the variation operators of evolution, pure functions of (space, genomes, rng):
 * mutation (perturb a number on its unit/log scale, resample one hyperparameter, swap the model family,
 * add / remove / replace a preprocessing step) and uniform crossover (hyperparameters mixed within one family,
 * whole step slots exchanged between pipelines). Results are always valid genomes of the space.
 */
import type { Random } from '../core/random.js';
import {
  MODEL_GROUP,
  NO_STEP,
  compilePipelineSpace,
  configToGenome,
  genomeKey,
  genomeToConfig,
  type Genome,
  type PipelineSpace,
} from './genome.js';
import { activeValues, setAt, type Dimension } from './space/dimensions.js';
import { canonicalKey, cloneValue } from './space/key.js';
import { fromUnit, toUnit } from './space/numeric.js';
import { repairConfig } from './space/repair.js';
import { sampleLeaf } from './space/sample.js';
import type { Config, NumericParam, Space } from './space/types.js';

/** The result of an operator: the new genome and a short description of what changed. */
export interface Variation {
  genome: Genome;
  detail: string;
}

export type MutationKind = 'perturb' | 'resample' | 'family' | 'add_step' | 'remove_step' | 'replace_step';

export interface MutationOptions {
  /**
   * Largest standard deviation of numeric perturbations on the unit (log for log parameters) scale; each
   * perturbation draws its own between sigma/10 and sigma (log-uniformly), mixing fine tuning with jumps.
   * Default 0.2.
   */
  sigma?: number;
  /** Relative frequency of each kind of mutation among those that apply; defaults below. */
  weights?: Partial<Record<MutationKind, number>>;
}

const DEFAULT_WEIGHTS: Record<MutationKind, number> = {
  perturb: 4,
  resample: 2,
  family: 1,
  add_step: 1,
  remove_step: 1,
  replace_step: 1,
};

/** A valid configuration of the genome (a valid genome is converted without drawing randomness). */
function configOf(ps: PipelineSpace, genome: Genome, rng: Random): Config {
  return repairConfig(compilePipelineSpace(ps).space, genomeToConfig(ps, genome).config, rng);
}

function isSlotDimension(d: Dimension): boolean {
  return (
    d.conditions.length === 0 &&
    d.location.length === 2 &&
    d.location[1] === 'kind' &&
    d.location[0] !== MODEL_GROUP
  );
}

function isFamilyDimension(d: Dimension): boolean {
  return d.conditions.length === 0 && d.location[0] === MODEL_GROUP && d.location[1] === 'family';
}

/** Whether a dimension can take more than one value. */
function hasAlternatives(d: Dimension): boolean {
  const p = d.param;
  if (p.type === 'categorical') return p.choices.length > 1;
  if (p.type === 'conditional') return Object.keys(p.branches).length > 1;
  return p.high > p.low;
}

/** Branch names of a slot other than `current` (and other than the empty step). */
function otherKinds(d: Dimension, current: unknown): string[] {
  const p = d.param;
  return p.type === 'conditional'
    ? Object.keys(p.branches).filter((b) => b !== current && b !== NO_STEP)
    : [];
}

/** `value` moved by a Gaussian step on the unit scale (reflected at the bounds); always a different value when possible. */
function perturbNumber(p: NumericParam, value: number, sigma: number, rng: Random): number {
  let u = toUnit(p, value) + rng.normal(0, sigma);
  u = u < 0 ? -u : u > 1 ? 2 - u : u;
  const next = fromUnit(p, u);
  if (next !== value || p.type !== 'int') return next;
  // rounding undid the move: take one integer step, away from a bound
  const up = value < p.high && (value === p.low || u >= toUnit(p, value));
  return value + (up ? 1 : -1);
}

/** A value for `d` different from `current` (resampled from the prior). */
function differentValue(d: Dimension, current: unknown, rng: Random): unknown {
  const p = d.param;
  if (p.type === 'conditional') return rng.choice(Object.keys(p.branches).filter((b) => b !== current));
  if (p.type === 'categorical') {
    const key = canonicalKey(current);
    return cloneValue(rng.choice(p.choices.filter((c) => canonicalKey(c) !== key)));
  }
  for (let i = 0; i < 20; i++) {
    const v = sampleLeaf(p, rng);
    if (v !== current) return v;
  }
  return perturbNumber(p, current as number, 0.5, rng);
}

function where(d: Dimension): string {
  return d.location.join('.');
}

/**
 * One random mutation of `genome`. Swapping the family or replacing a step keeps hyperparameters whose names
 * the new choice shares (clipped into its ranges, e.g. random_forest → extra_trees) and draws the others.
 */
export function mutate(
  ps: PipelineSpace,
  genome: Genome,
  rng: Random,
  options: MutationOptions = {},
): Variation {
  const compiled = compilePipelineSpace(ps);
  const config = configOf(ps, genome, rng);
  const active = activeValues(compiled.space, config);
  const weights = { ...DEFAULT_WEIGHTS, ...options.weights };
  const moves: { kind: MutationKind; dims: Dimension[] }[] = [];
  const add = (kind: MutationKind, dims: Dimension[]): void => {
    if (dims.length > 0 && weights[kind] > 0) moves.push({ kind, dims });
  };
  const dims = compiled.dimensions.filter((d) => active.has(d.id));
  const hyper = dims.filter((d) => !isSlotDimension(d) && !isFamilyDimension(d) && hasAlternatives(d));
  const slots = dims.filter(isSlotDimension);
  const optional = new Set(ps.slots.filter((s) => s.optional).map((s) => s.name));
  add(
    'perturb',
    hyper.filter((d) => d.param.type === 'int' || d.param.type === 'float'),
  );
  add('resample', hyper);
  add(
    'family',
    dims.filter((d) => isFamilyDimension(d) && hasAlternatives(d)),
  );
  add(
    'add_step',
    slots.filter((d) => active.get(d.id) === NO_STEP),
  );
  add(
    'remove_step',
    slots.filter((d) => active.get(d.id) !== NO_STEP && optional.has(d.location[0])),
  );
  add(
    'replace_step',
    slots.filter((d) => active.get(d.id) !== NO_STEP && otherKinds(d, active.get(d.id)).length > 0),
  );
  if (moves.length === 0) return { genome: configToGenome(ps, config), detail: 'no mutation applies' };

  let total = 0;
  for (const m of moves) total += weights[m.kind];
  let r = rng.float() * total;
  const move = moves.find((m) => (r -= weights[m.kind]) < 0) ?? moves[moves.length - 1];
  const d = rng.choice(move.dims);
  const current = active.get(d.id);
  let value: unknown;
  let detail: string;
  switch (move.kind) {
    case 'perturb': {
      const sigma = (options.sigma ?? 0.2) * Math.pow(10, -rng.float());
      value = perturbNumber(d.param as NumericParam, current as number, sigma, rng);
      detail = `perturb ${where(d)}`;
      break;
    }
    case 'resample':
      value = differentValue(d, current, rng);
      detail = `resample ${where(d)}`;
      break;
    case 'family':
      value = differentValue(d, current, rng);
      detail = `swap family ${current} → ${value}`;
      break;
    case 'add_step':
      value = rng.choice(otherKinds(d, current));
      detail = `add step ${value}`;
      break;
    case 'remove_step':
      value = NO_STEP;
      detail = `remove step ${current}`;
      break;
    case 'replace_step':
      value = rng.choice(otherKinds(d, current));
      detail = `replace step ${current} → ${value}`;
      break;
  }
  const next = repairConfig(compiled.space, setAt(config, d.location, value), rng);
  return { genome: configToGenome(ps, next), detail };
}

/** Uniform crossover of two configurations of `space` into `out` (see crossover). */
function crossInto(space: Space, a: Config, b: Config, rng: Random, out: Config): void {
  for (const [name, p] of Object.entries(space)) {
    switch (p.type) {
      case 'constant':
        out[name] = cloneValue(p.value);
        break;
      case 'group': {
        const sub: Config = {};
        crossInto(p.space, (a[name] ?? {}) as Config, (b[name] ?? {}) as Config, rng, sub);
        out[name] = sub;
        break;
      }
      case 'conditional': {
        if (a[name] === b[name]) {
          out[name] = a[name];
          crossInto(p.branches[a[name] as string], a, b, rng, out);
        } else {
          // different branches: the whole branch comes from one parent
          const src = rng.float() < 0.5 ? a : b;
          out[name] = src[name];
          crossInto(p.branches[src[name] as string], src, src, rng, out);
        }
        break;
      }
      default:
        out[name] = cloneValue((rng.float() < 0.5 ? a : b)[name]);
    }
  }
}

/**
 * Uniform crossover: every step slot and the model come from either parent; where both parents share the
 * slot's step kind or the model family, their hyperparameters are mixed one by one. So two pipelines of one
 * family exchange hyperparameters, and pipelines of different families exchange step slots (the child keeps
 * one parent's model whole). A child identical to a parent is redrawn a few times.
 */
export function crossover(ps: PipelineSpace, a: Genome, b: Genome, rng: Random): Variation {
  const compiled = compilePipelineSpace(ps);
  const ca = configOf(ps, a, rng);
  const cb = configOf(ps, b, rng);
  const parentKeys = new Set([genomeKey(a), genomeKey(b)]);
  let child: Genome = a;
  for (let attempt = 0; attempt < 8; attempt++) {
    const out: Config = {};
    crossInto(compiled.space, ca, cb, rng, out);
    child = configToGenome(ps, out);
    if (!parentKeys.has(genomeKey(child))) break;
  }
  const fa = a.model.family;
  const fb = b.model.family;
  const detail =
    fa === fb
      ? `uniform crossover of ${fa} hyperparameters and step slots`
      : `step slots exchanged between ${fa} and ${fb} pipelines (model from ${child.model.family})`;
  return { genome: child, detail };
}

/**
 * This module contains random sampling from a space: uniform or log-uniform numbers, weighted categorical
 * choices, and conditional branches whose parameters are sampled only when the branch is chosen.
 */
import type { Random } from '../../core/random.js';
import { cloneValue } from './key.js';
import { fromUnit } from './numeric.js';
import type { CategoricalParam, ConditionalParam, Config, JsonValue, LeafParam, Space } from './types.js';

/** Index drawn with probability proportional to `weights` (which must have a positive sum). */
export function weightedIndex(weights: ArrayLike<number>, rng: Random): number {
  let total = 0;
  for (let i = 0; i < weights.length; i++) total += weights[i];
  let r = rng.float() * total;
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i];
    if (r < 0 && weights[i] > 0) return i;
  }
  for (let i = weights.length - 1; i >= 0; i--) if (weights[i] > 0) return i;
  return 0;
}

/** Sampling weights of a conditional's branches, in branch order (a branch missing from `weights` gets 1). */
export function branchWeights(p: ConditionalParam): number[] {
  return Object.keys(p.branches).map((b) => p.weights?.[b] ?? 1);
}

export function sampleBranch(p: ConditionalParam, rng: Random): string {
  const names = Object.keys(p.branches);
  return names[p.weights ? weightedIndex(branchWeights(p), rng) : rng.int(names.length)];
}

function sampleCategorical(p: CategoricalParam, rng: Random): JsonValue {
  return p.choices[p.weights ? weightedIndex(p.weights, rng) : rng.int(p.choices.length)];
}

/** One value of a leaf parameter from its prior. */
export function sampleLeaf(p: LeafParam, rng: Random): unknown {
  return p.type === 'categorical' ? cloneValue(sampleCategorical(p, rng)) : fromUnit(p, rng.float());
}

/** A random configuration of `space`, holding exactly the parameters that are active. */
export function sampleConfig(space: Space, rng: Random): Config {
  const out: Config = {};
  sampleInto(space, rng, out);
  return out;
}

function sampleInto(space: Space, rng: Random, out: Config): void {
  for (const [name, p] of Object.entries(space)) {
    switch (p.type) {
      case 'constant':
        out[name] = cloneValue(p.value);
        break;
      case 'group':
        out[name] = sampleConfig(p.space, rng);
        break;
      case 'conditional': {
        const branch = sampleBranch(p, rng);
        out[name] = branch;
        sampleInto(p.branches[branch], rng, out);
        break;
      }
      default:
        out[name] = sampleLeaf(p, rng);
    }
  }
}

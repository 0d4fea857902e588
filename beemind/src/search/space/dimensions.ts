/**
 * This module contains the flat view of a space that model-based search needs: every searchable parameter
 * as a Dimension with a stable id, where its value lives in a configuration, and the conditional branches
 * that make it active; plus the active values of a configuration and a distance between configurations.
 */
import { canonicalKey } from './key.js';
import { toUnit } from './numeric.js';
import type { ConditionalParam, Config, LeafParam, Space } from './types.js';

export interface Dimension {
  /** Stable id: group names and `conditional=branch` segments joined by '/', e.g. `model/family=ridge/alpha`. */
  readonly id: string;
  /** Path of the value inside a configuration, e.g. ['model', 'alpha']. */
  readonly location: readonly string[];
  readonly param: LeafParam | ConditionalParam;
  /** Conditionals (by dimension id) that must hold the given branch for this one to be active, outermost first. */
  readonly conditions: readonly { readonly id: string; readonly branch: string }[];
}

/** Id of parameter `name` under the given group / branch segments. */
export function dimensionId(segments: readonly string[], name: string): string {
  return segments.length === 0 ? name : `${segments.join('/')}/${name}`;
}

/** The id segment of a conditional's branch. */
export function branchSegment(name: string, branch: string): string {
  return `${name}=${branch}`;
}

/** Every searchable parameter of `space` (constants are left out), parents before their children. */
export function dimensions(space: Space): Dimension[] {
  const out: Dimension[] = [];
  walk(space, [], [], [], out);
  return out;
}

function walk(
  space: Space,
  location: string[],
  segments: string[],
  conditions: { id: string; branch: string }[],
  out: Dimension[],
): void {
  for (const [name, p] of Object.entries(space)) {
    if (p.type === 'constant') continue;
    if (p.type === 'group') {
      walk(p.space, [...location, name], [...segments, name], conditions, out);
      continue;
    }
    const id = dimensionId(segments, name);
    out.push({ id, location: [...location, name], param: p, conditions });
    if (p.type === 'conditional') {
      for (const [branch, sub] of Object.entries(p.branches)) {
        walk(sub, location, [...segments, branchSegment(name, branch)], [...conditions, { id, branch }], out);
      }
    }
  }
}

/** Values of the dimensions active in `config` (a valid configuration of `space`), by dimension id. */
export function activeValues(space: Space, config: Config): Map<string, unknown> {
  const out = new Map<string, unknown>();
  collect(space, config, [], out);
  return out;
}

function collect(space: Space, config: Config, segments: string[], out: Map<string, unknown>): void {
  for (const [name, p] of Object.entries(space)) {
    if (p.type === 'constant') continue;
    const v = config[name];
    if (p.type === 'group') {
      if (typeof v === 'object' && v !== null) collect(p.space, v as Config, [...segments, name], out);
      continue;
    }
    out.set(dimensionId(segments, name), v);
    if (p.type === 'conditional' && typeof v === 'string' && Object.hasOwn(p.branches, v)) {
      collect(p.branches[v], config, [...segments, branchSegment(name, v)], out);
    }
  }
}

/** The value at `location` in a configuration (undefined when absent). */
export function getAt(config: Config, location: readonly string[]): unknown {
  let cur: unknown = config;
  for (const k of location) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Config)[k];
  }
  return cur;
}

/** A copy of `config` with `value` at `location` (intermediate objects are copied, the rest shared). */
export function setAt(config: Config, location: readonly string[], value: unknown): Config {
  const [head, ...rest] = location;
  const copy: Config = { ...config };
  copy[head] = rest.length === 0 ? value : setAt((config[head] as Config | undefined) ?? {}, rest, value);
  return copy;
}

/**
 * Distance in [0, 1] between two valid configurations: the mean over dimensions active in either of
 * |Δ| on the unit scale for numbers, 0/1 for categorical values, and 1 where a dimension is active in only one.
 * Pass `dims` (dimensions(space)) when measuring many pairs.
 */
export function configDistance(
  space: Space,
  a: Config,
  b: Config,
  dims: readonly Dimension[] = dimensions(space),
): number {
  const va = activeValues(space, a);
  const vb = activeValues(space, b);
  let sum = 0;
  let count = 0;
  for (const d of dims) {
    const inA = va.has(d.id);
    const inB = vb.has(d.id);
    if (!inA && !inB) continue;
    count++;
    if (inA !== inB) {
      sum += 1;
    } else if (d.param.type === 'int' || d.param.type === 'float') {
      sum += Math.abs(toUnit(d.param, va.get(d.id) as number) - toUnit(d.param, vb.get(d.id) as number));
    } else if (canonicalKey(va.get(d.id)) !== canonicalKey(vb.get(d.id))) {
      sum += 1;
    }
  }
  return count === 0 ? 0 : sum / count;
}

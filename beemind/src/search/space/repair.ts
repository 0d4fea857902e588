/**
 * This module contains configuration checks against a space: configProblems lists what is wrong (missing,
 * out of range, unknown or inactive parameters), repairConfig returns the nearest valid configuration (numbers
 * clipped and rounded, invalid choices and missing parameters resampled, inactive parameters dropped).
 */
import { ConfigurationError } from '../../core/errors.js';
import type { Random } from '../../core/random.js';
import { canonicalKey, cloneValue } from './key.js';
import { clipNumeric, isLegalNumber } from './numeric.js';
import { sampleBranch, sampleConfig, sampleLeaf } from './sample.js';
import type { CategoricalParam, Config, Space } from './types.js';

function isObject(v: unknown): v is Config {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The choice equal to `value` (by canonical key), or undefined. */
function matchChoice(p: CategoricalParam, value: unknown): unknown {
  if (value === undefined) return undefined;
  const key = canonicalKey(value);
  return p.choices.find((c) => canonicalKey(c) === key);
}

/** Every problem of `config` against `space`, each naming the parameter path; empty when valid. */
export function configProblems(space: Space, config: unknown): string[] {
  const problems: string[] = [];
  if (!isObject(config)) return [`the configuration must be an object, got ${JSON.stringify(config)}`];
  const allowed = new Set<string>();
  problemsAt(space, config, '', problems, allowed);
  for (const name of Object.keys(config)) {
    if (!allowed.has(name) && config[name] !== undefined)
      problems.push(`${name} is not an active parameter of the space`);
  }
  return problems;
}

function problemsAt(
  space: Space,
  config: Config,
  path: string,
  problems: string[],
  allowed: Set<string>,
): void {
  for (const [name, p] of Object.entries(space)) {
    allowed.add(name);
    const at = path ? `${path}.${name}` : name;
    const v = config[name];
    if (v === undefined) {
      problems.push(`${at} is missing`);
      continue;
    }
    switch (p.type) {
      case 'int':
      case 'float':
        if (!isLegalNumber(p, v)) {
          const kind = p.type === 'int' ? 'an integer' : 'a number';
          problems.push(`${at} must be ${kind} in [${p.low}, ${p.high}], got ${JSON.stringify(v)}`);
        }
        break;
      case 'categorical':
        if (matchChoice(p, v) === undefined) {
          problems.push(`${at} must be one of ${JSON.stringify(p.choices)}, got ${JSON.stringify(v)}`);
        }
        break;
      case 'constant':
        if (canonicalKey(v) !== canonicalKey(p.value)) {
          problems.push(`${at} is fixed to ${JSON.stringify(p.value)}, got ${JSON.stringify(v)}`);
        }
        break;
      case 'group':
        if (!isObject(v)) problems.push(`${at} must be an object`);
        else for (const q of configProblems(p.space, v)) problems.push(`${at}.${q}`);
        break;
      case 'conditional':
        if (typeof v !== 'string' || !Object.hasOwn(p.branches, v)) {
          problems.push(
            `${at} must be one of ${Object.keys(p.branches).join(', ')}, got ${JSON.stringify(v)}`,
          );
        } else {
          problemsAt(p.branches[v], config, path, problems, allowed);
        }
        break;
    }
  }
}

/** Throws a ConfigurationError listing every problem of `config`; returns it when valid. */
export function checkConfig(space: Space, config: unknown, what = 'configuration'): Config {
  const problems = configProblems(space, config);
  if (problems.length > 0) {
    throw new ConfigurationError('search.bad_config', `invalid ${what}: ${problems.join('; ')}.`);
  }
  return config as Config;
}

/**
 * The nearest valid configuration: legal values are kept, numbers are clipped into range (ints rounded),
 * unknown choices and missing parameters are drawn from `rng`, constants are reset, inactive parameters are
 * dropped. A valid configuration comes back equal (a fresh copy) and consumes no randomness.
 */
export function repairConfig(space: Space, config: unknown, rng: Random): Config {
  const out: Config = {};
  repairInto(space, isObject(config) ? config : {}, rng, out);
  return out;
}

function repairInto(space: Space, config: Config, rng: Random, out: Config): void {
  for (const [name, p] of Object.entries(space)) {
    const v = config[name];
    switch (p.type) {
      case 'int':
      case 'float':
        out[name] = typeof v === 'number' && Number.isFinite(v) ? clipNumeric(p, v) : sampleLeaf(p, rng);
        break;
      case 'categorical': {
        const match = matchChoice(p, v);
        out[name] = match === undefined ? sampleLeaf(p, rng) : cloneValue(match);
        break;
      }
      case 'constant':
        out[name] = cloneValue(p.value);
        break;
      case 'group':
        out[name] = isObject(v) ? repairConfig(p.space, v, rng) : sampleConfig(p.space, rng);
        break;
      case 'conditional': {
        const branch = typeof v === 'string' && Object.hasOwn(p.branches, v) ? v : sampleBranch(p, rng);
        out[name] = branch;
        repairInto(p.branches[branch], config, rng, out);
        break;
      }
    }
  }
}

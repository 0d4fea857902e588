/**
 * This module contains checkSpace: it validates a user-written search space once, so sampling and search can
 * trust it, and reports every problem with the path of the offending parameter.
 */
import { ConfigurationError } from '../../core/errors.js';
import { canonicalKey } from './key.js';
import type { Param, Space } from './types.js';

const PARAM_TYPES = new Set(['int', 'float', 'categorical', 'constant', 'conditional', 'group']);

/** Throws a ConfigurationError listing every problem of `space`; returns it unchanged when valid. */
export function checkSpace<S extends Space>(space: S, what = 'search space'): S {
  const problems: string[] = [];
  checkLevel(space, '', problems);
  if (problems.length > 0) {
    throw new ConfigurationError('search.bad_space', `invalid ${what}: ${problems.join('; ')}.`);
  }
  return space;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks one object level and returns the names its configurations may hold (own + branch parameters). */
function checkLevel(space: unknown, path: string, problems: string[]): Set<string> {
  const names = new Set<string>();
  if (!isPlainObject(space)) {
    problems.push(`${path || '(space)'} must be an object of parameters, got ${JSON.stringify(space)}`);
    return names;
  }
  for (const name of Object.keys(space)) names.add(name);
  for (const [name, param] of Object.entries(space)) {
    const at = path ? `${path}.${name}` : name;
    if (!isPlainObject(param) || !PARAM_TYPES.has(param.type as string)) {
      problems.push(
        `${at} must be a parameter with type int, float, categorical, constant, conditional or group`,
      );
      continue;
    }
    const branchNames = checkParam(param as unknown as Param, at, problems);
    for (const n of branchNames) {
      if (names.has(n)) {
        problems.push(
          `${at}: branch parameter "${n}" clashes with another parameter of the same object; rename one`,
        );
      }
      names.add(n);
    }
  }
  return names;
}

/** Checks one parameter; for a conditional, returns the union of its branches' parameter names. */
function checkParam(p: Param, at: string, problems: string[]): Set<string> {
  switch (p.type) {
    case 'int':
    case 'float': {
      const { low, high } = p;
      if (!Number.isFinite(low) || !Number.isFinite(high)) {
        problems.push(`${at}: low and high must be finite numbers (got ${low}, ${high})`);
        break;
      }
      if (p.type === 'int' && (!Number.isInteger(low) || !Number.isInteger(high))) {
        problems.push(`${at}: an int parameter needs integer bounds (got ${low}, ${high})`);
      }
      if (p.type === 'int' ? low > high : low >= high) {
        problems.push(`${at}: low (${low}) must be ${p.type === 'int' ? 'at most' : 'below'} high (${high})`);
      }
      if (p.log && (p.type === 'int' ? low < 1 : low <= 0)) {
        problems.push(
          `${at}: a log-scale ${p.type} needs low ${p.type === 'int' ? '≥ 1' : '> 0'} (got ${low})`,
        );
      }
      break;
    }
    case 'categorical': {
      if (!Array.isArray(p.choices) || p.choices.length === 0) {
        problems.push(`${at}: a categorical parameter needs a non-empty choices array`);
        break;
      }
      const keys = new Set(p.choices.map((c) => canonicalKey(c)));
      if (keys.size !== p.choices.length) problems.push(`${at}: categorical choices must be distinct`);
      if (p.weights !== undefined) checkWeights(p.weights, p.choices.length, at, problems);
      break;
    }
    case 'constant':
      if (p.value === undefined) problems.push(`${at}: a constant parameter needs a value`);
      break;
    case 'group':
      checkLevel(p.space, at, problems);
      break;
    case 'conditional': {
      const union = new Set<string>();
      if (!isPlainObject(p.branches) || Object.keys(p.branches).length === 0) {
        problems.push(`${at}: a conditional parameter needs at least one branch`);
        return union;
      }
      for (const [branch, sub] of Object.entries(p.branches)) {
        for (const n of checkLevel(sub, `${at}=${branch}`, problems)) union.add(n);
      }
      if (p.weights !== undefined) {
        const unknown = Object.keys(p.weights).filter((b) => !(b in p.branches));
        if (unknown.length > 0) problems.push(`${at}: weights name unknown branches ${unknown.join(', ')}`);
        const ws = Object.keys(p.branches).map((b) => p.weights![b] ?? 1);
        checkWeights(ws, ws.length, at, problems);
      }
      return union;
    }
  }
  return new Set();
}

function checkWeights(weights: readonly number[], n: number, at: string, problems: string[]): void {
  if (!Array.isArray(weights) || weights.length !== n) {
    problems.push(`${at}: weights must have one entry per choice (${n})`);
  } else if (weights.some((w) => !(w >= 0) || !Number.isFinite(w)) || !weights.some((w) => w > 0)) {
    problems.push(`${at}: weights must be finite, non-negative and not all zero`);
  }
}

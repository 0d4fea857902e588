/**
 * This module contains the finite discretisation of a space used by grid search: each number gets
 * `resolution` evenly spaced values (on the log scale for log parameters; every integer when there are
 * fewer), and SpaceGrid addresses the resulting points by index (mixed radix, last parameter fastest,
 * conditional branches laid end to end), so a grid of millions of points is enumerated without being stored.
 */
import { ConfigurationError } from '../../core/errors.js';
import { cloneValue } from './key.js';
import type { Config, JsonValue, Param, Space } from './types.js';

/** The grid values of one parameter (a single value for constants). */
export function gridValues(p: Param, resolution: number): JsonValue[] {
  switch (p.type) {
    case 'categorical':
      return [...p.choices];
    case 'constant':
      return [p.value];
    case 'int': {
      if (p.high - p.low + 1 <= resolution) {
        return Array.from({ length: p.high - p.low + 1 }, (_, i) => p.low + i);
      }
      return [...new Set(spaced(p.low, p.high, resolution, !!p.log).map(Math.round))];
    }
    case 'float':
      return [
        ...new Set(spaced(p.low, p.high, resolution, !!p.log).map((v) => Number(v.toPrecision(6)))),
      ].map((v) => Math.min(p.high, Math.max(p.low, v)));
    default:
      throw new ConfigurationError(
        'search.bad_space',
        `gridValues: ${p.type} parameters have no values of their own.`,
      );
  }
}

/** `n` evenly spaced points from low to high inclusive (geometric when log); the midpoint when n = 1. */
function spaced(low: number, high: number, n: number, log: boolean): number[] {
  const at = (f: number): number => (log ? low * Math.pow(high / low, f) : low + (high - low) * f);
  if (n === 1) return [at(0.5)];
  return Array.from({ length: n }, (_, i) => (i === 0 ? low : i === n - 1 ? high : at(i / (n - 1))));
}

type Entry =
  | { name: string; size: number; kind: 'values'; values: JsonValue[] }
  | { name: string; size: number; kind: 'group'; level: Level }
  | { name: string; size: number; kind: 'conditional'; branches: { name: string; level: Level }[] };

interface Level {
  size: number;
  entries: Entry[];
}

function checkedProduct(a: number, b: number): number {
  const p = a * b;
  if (p > Number.MAX_SAFE_INTEGER) {
    throw new ConfigurationError(
      'search.grid_too_large',
      'the grid has more than 2^53 points; lower the grid resolution or search fewer parameters.',
    );
  }
  return p;
}

function plan(space: Space, resolution: number): Level {
  const entries: Entry[] = [];
  let size = 1;
  for (const [name, p] of Object.entries(space)) {
    let entry: Entry;
    if (p.type === 'group') {
      const level = plan(p.space, resolution);
      entry = { name, size: level.size, kind: 'group', level };
    } else if (p.type === 'conditional') {
      const branches = Object.entries(p.branches).map(([b, sub]) => ({
        name: b,
        level: plan(sub, resolution),
      }));
      const total = branches.reduce((s, b) => s + b.level.size, 0);
      entry = { name, size: total, kind: 'conditional', branches };
    } else {
      const values = gridValues(p, resolution);
      entry = { name, size: values.length, kind: 'values', values };
    }
    size = checkedProduct(size, entry.size);
    entries.push(entry);
  }
  return { size, entries };
}

/** The points of a space's grid, addressable by index 0..size-1. */
export class SpaceGrid {
  readonly size: number;
  private readonly root: Level;

  constructor(
    space: Space,
    readonly resolution = 3,
  ) {
    if (!Number.isInteger(resolution) || resolution < 1) {
      throw new ConfigurationError(
        'search.bad_resolution',
        `grid resolution must be a positive integer (values per numeric parameter), got ${resolution}.`,
      );
    }
    this.root = plan(space, resolution);
    this.size = this.root.size;
  }

  /** The configuration at `index` (0 ≤ index < size). */
  at(index: number): Config {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) {
      throw new RangeError(`grid index ${index} is outside 0..${this.size - 1}`);
    }
    const out: Config = {};
    fill(this.root, index, out);
    return out;
  }
}

function fill(level: Level, index: number, out: Config): void {
  const digits = new Array<number>(level.entries.length);
  for (let e = level.entries.length - 1; e >= 0; e--) {
    const s = level.entries[e].size;
    digits[e] = index % s;
    index = Math.floor(index / s);
  }
  level.entries.forEach((entry, e) => {
    const d = digits[e];
    if (entry.kind === 'values') {
      out[entry.name] = cloneValue(entry.values[d]);
    } else if (entry.kind === 'group') {
      const sub: Config = {};
      fill(entry.level, d, sub);
      out[entry.name] = sub;
    } else {
      let rest = d;
      for (const b of entry.branches) {
        if (rest < b.level.size) {
          out[entry.name] = b.name;
          fill(b.level, rest, out);
          break;
        }
        rest -= b.level.size;
      }
    }
  });
}

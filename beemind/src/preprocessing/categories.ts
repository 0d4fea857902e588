/**
 * This module contains category counting shared by the encoders: the categories of a column in a stable
 * order, and the split of rare categories (fewer than `minFrequency` rows, or beyond the `maxCategories` most
 * frequent) from the kept ones; and the reader of an encoder's saved per-column layout.
 */
import type { StateReader } from '../core/untrusted.js';
import type { ColumnSpec } from './checks.js';

/** Category → number of rows, ignoring null (missing). */
export function countCategories(values: readonly (string | null)[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

/** Categories in ascending code-point order (locale-independent, so codes never depend on the machine). */
export function sortedCategories(categories: Iterable<string>): string[] {
  return [...categories].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export interface FrequencyLimits {
  /** A count (>= 1) or a fraction of the rows (< 1); categories seen fewer times are rare. 0 keeps all. */
  minFrequency: number;
  /** Keep at most this many of the most frequent categories (ties: alphabetical); the rest are rare. */
  maxCategories?: number;
}

/** Splits a column's categories into kept (sorted) and rare ones. */
export function splitRare(
  counts: Map<string, number>,
  rows: number,
  { minFrequency, maxCategories }: FrequencyLimits,
): { kept: string[]; rare: string[] } {
  const minCount = minFrequency < 1 ? minFrequency * rows : minFrequency;
  let kept = sortedCategories(counts.keys()).filter((c) => counts.get(c)! >= minCount);
  if (maxCategories !== undefined && kept.length > maxCategories) {
    // stable sort on a sorted list: ties stay alphabetical
    const top = new Set([...kept].sort((a, b) => counts.get(b)! - counts.get(a)!).slice(0, maxCategories));
    kept = kept.filter((c) => top.has(c));
  }
  const keptSet = new Set(kept);
  const rare = sortedCategories([...counts.keys()].filter((c) => !keptSet.has(c)));
  return { kept, rare };
}

/**
 * Reads an encoder's saved per-column entries at `key`: one per input column, read by `readEntry` for the
 * categorical columns and null for the others (which pass through).
 */
export function readCategoryLayout<T>(
  state: StateReader,
  key: string,
  input: readonly ColumnSpec[],
  readEntry: (list: StateReader, j: number) => T,
): (T | null)[] {
  const list = state.items(key, input.length);
  return input.map((c, j) => {
    if (c.kind === 'categorical') return readEntry(list, j);
    if (!list.isNull(j)) list.fail(`${key}[${j}] must be null: column ${j} is ${c.kind}, not categorical`);
    return null;
  });
}

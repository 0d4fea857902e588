/**
 * This module contains the column screening evolve applies before its search: columns that cannot help any
 * model are set aside, and the run says which and why (as AutoGluon and FLAML do). A constant column, a
 * column repeating an earlier one, and an identifier (every value different: a row number, a code or a name
 * per row) only cost time, and an identifier invites a model to memorise rows.
 */
import { createHash } from 'node:crypto';
import { printable } from '../core/text.js';
import { dateColumnInfo } from './dates.js';
import type { Column, Frame } from './frame.js';
import { isTextColumn } from './text.js';

export type ScreenReason = 'constant' | 'duplicate' | 'identifier';

export interface DroppedColumn {
  column: string;
  reason: ScreenReason;
  /** For a duplicate: the earlier column it repeats. */
  of?: string;
}

/** Identifiers are only recognised from this many rows: on a tiny table every column may be all-distinct. */
const MIN_ROWS_FOR_IDENTIFIER = 20;

function isMissing(v: number | string | null): boolean {
  return v === null || (typeof v === 'number' && Number.isNaN(v));
}

/** One distinct value and no missing one, or nothing but missing values. */
function isConstant(column: Column): boolean {
  let first: number | string | null = null;
  let missing = 0;
  for (const v of column.values) {
    if (isMissing(v)) missing++;
    else if (first === null) first = v;
    else if (v !== first) return false;
  }
  return first === null || missing === 0;
}

/**
 * Every value present and different: a permutation of consecutive integers, or one category per row (a code,
 * or a name such as a company's: a model sees each one once, and a row to predict brings a name it never saw,
 * as AutoGluon's DropUniqueFeatureGenerator reasons). Free text (isTextColumn) is not an identifier: its words
 * recur across rows. Dates are not either, even one per row: their parts (date_features) carry seasons and
 * trends.
 */
function isIdentifier(column: Column, rows: number): boolean {
  if (rows < MIN_ROWS_FOR_IDENTIFIER || column.kind === 'boolean' || dateColumnInfo(column)) return false;
  const seen = new Set<number | string>();
  let min = Infinity;
  let max = -Infinity;
  for (const v of column.values) {
    if (isMissing(v) || seen.has(v!)) return false;
    if (typeof v === 'number') {
      if (!Number.isInteger(v)) return false;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    seen.add(v!);
  }
  // the words of every value are read only for a column whose values all differ
  return column.kind === 'categorical' ? !isTextColumn(column) : max - min === rows - 1;
}

/** A digest of a column's kind and values (missing values alike), so duplicates are found without comparing pairs. */
function digest(column: Column): string {
  const hash = createHash('sha1').update(column.kind);
  if (column.kind === 'categorical') {
    for (const v of column.values) hash.update(v === null ? '\u0000' : `\u0001${v}\u0000`);
  } else {
    const values = Float64Array.from(column.values, (v) => (Number.isNaN(v) ? NaN : v)); // one NaN bit pattern
    hash.update(new Uint8Array(values.buffer));
  }
  return hash.digest('base64');
}

function sameValues(a: Column, b: Column): boolean {
  if (a.kind !== b.kind) return false;
  for (let i = 0; i < a.values.length; i++) {
    const [x, y] = [a.values[i], b.values[i]];
    if (x !== y && !(isMissing(x) && isMissing(y))) return false;
  }
  return true;
}

/**
 * The columns of `frame` that cannot help a model, in column order with the reason. Never all of them: when
 * every column would go, none is dropped and the models see the table as it is.
 */
export function uselessColumns(frame: Frame): DroppedColumn[] {
  const dropped: DroppedColumn[] = [];
  const kept = new Map<string, Column[]>(); // by digest
  for (const column of frame.columns) {
    if (isConstant(column)) dropped.push({ column: column.name, reason: 'constant' });
    else if (isIdentifier(column, frame.rows)) dropped.push({ column: column.name, reason: 'identifier' });
    else {
      const key = digest(column);
      const earlier = kept.get(key)?.find((k) => sameValues(k, column));
      if (earlier) dropped.push({ column: column.name, reason: 'duplicate', of: earlier.name });
      else kept.set(key, [...(kept.get(key) ?? []), column]);
    }
  }
  return kept.size === 0 ? [] : dropped;
}

/** `dropped` as one line for people: `pixel_0_0 (constant), id (identifier), b (duplicate of a)`. */
export function describeDropped(dropped: readonly DroppedColumn[]): string {
  const name = (column: string) => printable(column, { inline: true }); // column names are file contents
  return dropped
    .map(
      (d) =>
        `${name(d.column)} (${d.reason === 'duplicate' ? `duplicate of ${name(d.of ?? '?')}` : d.reason})`,
    )
    .join(', ');
}

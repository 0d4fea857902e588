/**
 * This module contains the input side of explanations: turning what a user hands to `explain` or
 * `partialDependence` (a Frame, a Dataset, or plain row objects) into a Frame, reading a frame's rows back
 * as plain objects for display, seeded row samples, and hybrid frames that mix an explained row with
 * background rows column by column.
 */
import { DataError } from '../core/errors.js';
import { Random } from '../core/random.js';
import { quote } from '../core/text.js';
import type { Dataset } from '../data/dataset.js';
import { createFrame, takeFrameRows, type Column, type ColumnKind, type Frame } from '../data/frame.js';

/** What explain and partialDependence accept as rows. */
export type RowsInput = Frame | Dataset | readonly Record<string, unknown>[];

/**
 * A Frame from `data`. Plain row objects become columns `names` of the kinds `kindsOf` gives (numbers for numeric,
 * true/false or 0/1 for boolean, text for categorical; null, undefined and '' are missing); keys are looked up
 * as own properties only, and other keys are ignored.
 */
export function toFrame(
  data: RowsInput,
  names: readonly string[],
  kindsOf: () => ReadonlyMap<string, ColumnKind>,
): Frame {
  if (!Array.isArray(data)) {
    const frameOrDataset = data as Frame | Dataset;
    return 'features' in frameOrDataset ? frameOrDataset.features : frameOrDataset;
  }
  const rows = data as readonly Record<string, unknown>[];
  const kinds = kindsOf();
  if (rows.length === 0)
    throw new DataError('data.empty', 'no rows were given; pass at least one row object.');
  const columns = names.map((name): Column => {
    const kind = kinds.get(name) ?? 'numeric';
    const read = (row: Record<string, unknown>, i: number): unknown => {
      if (typeof row !== 'object' || row === null) {
        throw new DataError(
          'data.bad_row',
          `row ${i} is not an object; pass rows as objects keyed by column name.`,
        );
      }
      return Object.prototype.hasOwnProperty.call(row, name) ? row[name] : undefined;
    };
    if (kind === 'categorical') {
      const values = rows.map((row, i) => {
        const v = read(row, i);
        if (v === null || v === undefined || v === '') return null;
        if (typeof v === 'string') return v;
        if (typeof v === 'number' || typeof v === 'boolean') return String(v);
        throw new DataError(
          'data.bad_value',
          `row ${i}, column ${quote(name)}: expected text, got ${typeof v}.`,
        );
      });
      return { name, kind, values };
    }
    const values = new Float64Array(rows.length);
    rows.forEach((row, i) => {
      const v = read(row, i);
      if (v === null || v === undefined || v === '') values[i] = NaN;
      else if (typeof v === 'number') values[i] = v;
      else if (typeof v === 'boolean') values[i] = v ? 1 : 0;
      else {
        throw new DataError(
          'data.bad_value',
          `row ${i}, column ${quote(name)}: expected a number${kind === 'boolean' ? ' or true/false' : ''}, got ${typeof v} (${quote(String(v).slice(0, 40))}).`,
        );
      }
    });
    return { name, kind, values };
  });
  return createFrame(columns);
}

/** Row i of a frame as a plain object (missing values as null). */
export function rowObject(frame: Frame, i: number): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  for (const c of frame.columns) {
    const v = c.values[i];
    out[c.name] = v === null || (typeof v === 'number' && Number.isNaN(v)) ? null : v;
  }
  return out;
}

/** At most `limit` rows of `frame`, drawn without replacement with a seeded generator (all rows when fewer). */
export function sampleRows(frame: Frame, limit: number, seed: number): Frame {
  if (frame.rows <= limit) return frame;
  const order = new Random(seed).permutation(frame.rows).slice(0, limit);
  order.sort();
  return takeFrameRows(frame, order);
}

/**
 * A frame of `masks.length × background.rows` rows: for mask m and background row b (in that order, b
 * fastest), column j holds row `i` of `explained` where masks[m][j] is 1, else background row b. With
 * `pairs`, mask m is combined with background row pairs[m] only (masks.length rows).
 */
export function hybridFrame(
  explained: Frame,
  i: number,
  background: Frame,
  masks: readonly Uint8Array[],
  pairs?: Int32Array,
): Frame {
  const nb = pairs ? 1 : background.rows;
  const n = masks.length * nb;
  const columns = explained.columns.map((column, j): Column => {
    const from = background.columns[j];
    if (column.kind === 'categorical') {
      const values = new Array<string | null>(n);
      const x = column.values[i];
      const bg = from.values as readonly (string | null)[];
      for (let m = 0; m < masks.length; m++) {
        const own = masks[m][j] === 1;
        for (let b = 0; b < nb; b++) values[m * nb + b] = own ? x : bg[pairs ? pairs[m] : b];
      }
      return { name: column.name, kind: column.kind, values };
    }
    const values = new Float64Array(n);
    const x = column.values[i];
    const bg = from.values as Float64Array;
    for (let m = 0; m < masks.length; m++) {
      const own = masks[m][j] === 1;
      for (let b = 0; b < nb; b++) values[m * nb + b] = own ? x : bg[pairs ? pairs[m] : b];
    }
    return { ...column, values };
  });
  return { rows: n, columns };
}

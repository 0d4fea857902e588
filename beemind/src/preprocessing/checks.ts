/**
 * This module contains the input checks shared by every preprocessing step: the column layout recorded at
 * fit and compared at transform, non-empty training frames, numeric-only and finite-only inputs.
 */
import { DataError } from '../core/errors.js';
import { quote } from '../core/text.js';
import type { Column, ColumnKind, Frame } from '../data/frame.js';

/** A column's name and kind: what a step remembers about its input at fit. */
export interface ColumnSpec {
  name: string;
  kind: ColumnKind;
}

export function describeColumns(frame: Frame): ColumnSpec[] {
  return frame.columns.map((c) => ({ name: c.name, kind: c.kind }));
}

/** Numeric and boolean columns share one storage (Float64Array) and are interchangeable between fit and transform. */
function storageOf(kind: ColumnKind): 'numbers' | 'strings' {
  return kind === 'categorical' ? 'strings' : 'numbers';
}

/**
 * Returns the columns of `frame` in fit-time order, matched by name (so column order may differ). Throws one
 * DataError listing every missing, unexpected or retyped column.
 */
export function alignColumns(expected: readonly ColumnSpec[], frame: Frame, who: string): Column[] {
  const byName = new Map(frame.columns.map((c) => [c.name, c]));
  const known = new Set(expected.map((s) => s.name));
  const missing: string[] = [];
  const retyped: string[] = [];
  const aligned: Column[] = [];
  for (const spec of expected) {
    const c = byName.get(spec.name);
    if (!c) missing.push(quote(spec.name));
    else if (storageOf(c.kind) !== storageOf(spec.kind))
      retyped.push(`${quote(spec.name)} (${spec.kind} at fit, ${c.kind} now)`);
    else aligned.push(c);
  }
  const extra = frame.columns.filter((c) => !known.has(c.name)).map((c) => quote(c.name));
  if (missing.length || extra.length || retyped.length) {
    const parts: string[] = [];
    if (missing.length) parts.push(`missing ${missing.join(', ')}`);
    if (extra.length) parts.push(`unexpected ${extra.join(', ')}`);
    if (retyped.length) parts.push(`changed kind ${retyped.join(', ')}`);
    throw new DataError(
      'data.column_mismatch',
      `${who} was fitted on different columns than it was given: ${parts.join('; ')}. ` +
        'Pass a frame with the same columns (and kinds) as at fit time.',
    );
  }
  return aligned;
}

/** A training frame must have rows and columns, and `y` (when given) one value per row. */
export function checkFitFrame(frame: Frame, y: Float64Array | undefined, who: string): void {
  if (frame.rows === 0) {
    throw new DataError(
      'data.empty',
      `${who} got a frame with no rows; fit it on at least one row of training data.`,
    );
  }
  if (frame.columns.length === 0) {
    throw new DataError(
      'data.no_features',
      `${who} got a frame with no columns; pass at least one feature column.`,
    );
  }
  if (y && y.length !== frame.rows) {
    throw new DataError(
      'data.length_mismatch',
      `${who} got ${frame.rows} rows but ${y.length} target values; pass one target value per row.`,
    );
  }
}

/** Steps that compute with numbers reject categorical columns, naming the encoder that fixes it. */
export function requireNumeric(columns: readonly Column[], who: string): void {
  for (const c of columns) {
    if (c.kind === 'categorical') {
      throw new DataError(
        'data.non_numeric',
        `column ${quote(c.name)} is categorical; add a one-hot or ordinal encoder before ${who}.`,
      );
    }
  }
}

/** ±Infinity in a numeric column would poison statistics (means, variances, products): reject it. NaN is allowed. */
export function requireFinite(columns: readonly Column[], who: string): void {
  for (const c of columns) {
    if (c.kind === 'categorical') continue;
    const v = c.values;
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (x === Infinity || x === -Infinity) {
        throw new DataError(
          'data.not_finite',
          `${who} found an infinite value (${x}) in column ${quote(c.name)} at row ${i}; ` +
            'replace infinite values (clip them or set them to NaN) before this step.',
        );
      }
    }
  }
}

/**
 * Frames: named, typed columns. The representation preprocessing works on before a model sees a Matrix.
 * Numeric and boolean columns hold Float64Array (NaN = missing, booleans as 0/1); categorical columns hold
 * strings with `null` for missing.
 */
import { DataError } from '../core/errors.js';
import { createMatrix, type Matrix } from '../core/matrix.js';
import { listNames, quote } from '../core/text.js';

export type ColumnKind = 'numeric' | 'boolean' | 'categorical';

export interface NumericColumn {
  readonly name: string;
  readonly kind: 'numeric' | 'boolean';
  readonly values: Float64Array;
  /**
   * Boolean columns read from text: how the file spells false (0) and true (1), e.g. `['No', 'Yes']`. A
   * boolean target's classes are these labels, so predictions come back in the file's own words.
   */
  readonly labels?: readonly [string, string];
  /**
   * Numbers that stand for categories (an ordinal encoder's codes): a model that can split a column as a set
   * of categories (histogram gradient boosting) does so here instead of by order.
   */
  readonly categoryCodes?: true;
}

/** How a boolean column names false and true: the file's own words when it was read from text, else false / true. */
export function booleanLabels(column: NumericColumn): readonly [string, string] {
  return column.labels ?? ['false', 'true'];
}

export interface CategoricalColumn {
  readonly name: string;
  readonly kind: 'categorical';
  readonly values: readonly (string | null)[];
}

export type Column = NumericColumn | CategoricalColumn;

export interface Frame {
  readonly rows: number;
  readonly columns: readonly Column[];
}

export function isNumericColumn(c: Column): c is NumericColumn {
  return c.kind !== 'categorical';
}

/**
 * Throws a DataError saying what `who` takes when `value` is not a table (a Frame or DataFrame, a Dataset, or
 * with `rows` an array of row objects): a file name, an array or anything else gets the way to make one.
 */
export function checkIsTable(value: unknown, who: string, { rows = false } = {}): void {
  const v = value as { rows?: unknown; columns?: unknown; features?: unknown } | null;
  const isObject = typeof v === 'object' && v !== null;
  if (
    isObject &&
    ((typeof v.rows === 'number' && Array.isArray(v.columns)) || typeof v.features === 'object')
  )
    return;
  if (rows && Array.isArray(value)) return;
  const given =
    typeof value === 'string'
      ? `the text ${quote(value.slice(0, 80))}; to read a CSV file, pass await readCSV(${JSON.stringify(value.slice(0, 80))})`
      : Array.isArray(value)
        ? 'an array; make a table of row objects with fromTable(aq.from(rows)) (arquero)'
        : value === null
          ? 'null'
          : typeof value;
  throw new DataError(
    'data.not_a_table',
    `${who} takes a table: a DataFrame (readCSV(path), fromTable(arqueroTable)) or a Dataset (loadDataset(name), toDataset(frame, { target }))${rows ? ', or an array of row objects ({ column: value, … })' : ''}; it was given ${given}.`,
  );
}

/** Builds a frame, checking that every column has the same length and names are unique. */
export function createFrame(columns: readonly Column[]): Frame {
  const rows = columns.length === 0 ? 0 : columns[0].values.length;
  const seen = new Set<string>();
  for (const c of columns) {
    if (c.values.length !== rows) {
      throw new DataError(
        'data.ragged',
        `column ${quote(c.name)} has ${c.values.length} values but the first column has ${rows}; every column must have one value per row.`,
      );
    }
    if (seen.has(c.name)) {
      throw new DataError(
        'data.duplicate_column',
        `column name ${quote(c.name)} appears twice; rename one of them.`,
      );
    }
    seen.add(c.name);
  }
  return { rows, columns };
}

export function columnNames(frame: Frame): string[] {
  return frame.columns.map((c) => c.name);
}

export function getColumn(frame: Frame, name: string): Column {
  const c = frame.columns.find((col) => col.name === name);
  if (!c) {
    throw new DataError(
      'data.unknown_column',
      `no column named ${quote(name)}; the columns are: ${listNames(columnNames(frame))}.`,
    );
  }
  return c;
}

/** The rows at `indices`, in that order. */
export function takeFrameRows(frame: Frame, indices: ArrayLike<number>): Frame {
  const columns = frame.columns.map((c): Column => {
    if (c.kind === 'categorical') {
      const values = new Array<string | null>(indices.length);
      for (let k = 0; k < indices.length; k++) values[k] = c.values[indices[k]];
      return { name: c.name, kind: c.kind, values };
    }
    const values = new Float64Array(indices.length);
    for (let k = 0; k < indices.length; k++) values[k] = c.values[indices[k]];
    return { ...c, values };
  });
  return { rows: indices.length, columns };
}

/**
 * Packs an all-numeric frame into a row-major matrix. A categorical column here means the pipeline lacks an
 * encoder, which is reported with the fix.
 */
export function frameToMatrix(frame: Frame, consumer = 'the model'): Matrix {
  const cols = frame.columns.length;
  const m = createMatrix(frame.rows, cols);
  frame.columns.forEach((c, j) => {
    if (c.kind === 'categorical') {
      throw new DataError(
        'data.non_numeric',
        `column ${quote(c.name)} is categorical but ${consumer} needs numbers; add a one-hot or ordinal encoder before it.`,
      );
    }
    for (let i = 0; i < frame.rows; i++) m.data[i * cols + j] = c.values[i];
  });
  return m;
}

/** Whether a column lacks a value in some row (null text, or NaN). */
export function hasMissingValue(c: Column): boolean {
  if (c.kind === 'categorical') return c.values.includes(null);
  const v = c.values;
  for (let i = 0; i < v.length; i++) if (v[i] !== v[i]) return true;
  return false;
}

/** Per column of a numeric frame, whether it holds category codes (see NumericColumn.categoryCodes). */
export function categoryCodeColumns(frame: Frame): boolean[] {
  return frame.columns.map((c) => c.kind !== 'categorical' && c.categoryCodes === true);
}

/** Wraps a matrix as a numeric frame with the given (or generated) column names. */
export function matrixToFrame(m: Matrix, names?: readonly string[]): Frame {
  const columns: Column[] = [];
  for (let j = 0; j < m.cols; j++) {
    const values = new Float64Array(m.rows);
    for (let i = 0; i < m.rows; i++) values[i] = m.data[i * m.cols + j];
    columns.push({ name: names?.[j] ?? `x${j}`, kind: 'numeric', values });
  }
  return { rows: m.rows, columns };
}

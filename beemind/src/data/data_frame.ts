/**
 * This module contains DataFrame, the user-facing table: typed columns with a schema, conversion to and
 * from arquero tables, and `toDataset` to choose a target.
 */
import { DataError } from '../core/errors.js';
import { createFrame, getColumn, takeFrameRows, type Column, type Frame } from './frame.js';
import { describeColumn, type ColumnSchema } from './schema.js';

export class DataFrame implements Frame {
  readonly rows: number;
  readonly columns: readonly Column[];

  constructor(columns: readonly Column[]) {
    const frame = createFrame(columns);
    this.rows = frame.rows;
    this.columns = frame.columns;
  }

  static fromFrame(frame: Frame): DataFrame {
    return frame instanceof DataFrame ? frame : new DataFrame(frame.columns);
  }

  get columnNames(): string[] {
    return this.columns.map((c) => c.name);
  }

  /** One schema entry per column: kind, missing count, distinct count, range or top categories. */
  get schema(): ColumnSchema[] {
    return this.columns.map(describeColumn);
  }

  column(name: string): Column {
    return getColumn(this, name);
  }

  /** The named columns, in the given order. */
  select(names: readonly string[]): DataFrame {
    return new DataFrame(names.map((n) => this.column(n)));
  }

  /** Every column except the named ones. */
  drop(names: readonly string[]): DataFrame {
    for (const n of names) this.column(n); // unknown names are an error, not a silent no-op
    return new DataFrame(this.columns.filter((c) => !names.includes(c.name)));
  }

  take(indices: ArrayLike<number>): DataFrame {
    return new DataFrame(takeFrameRows(this, indices).columns);
  }

  head(n = 5): DataFrame {
    return this.take(Array.from({ length: Math.min(n, this.rows) }, (_, i) => i));
  }

  /** Row-oriented plain objects (missing values as null), for display and export. */
  toObjects(): Record<string, string | number | boolean | null>[] {
    const out: Record<string, string | number | boolean | null>[] = [];
    for (let i = 0; i < this.rows; i++) {
      const rowObject: Record<string, string | number | boolean | null> = {};
      for (const c of this.columns) {
        const v = c.values[i];
        if (c.kind === 'categorical') rowObject[c.name] = v as string | null;
        else if (Number.isNaN(v as number)) rowObject[c.name] = null;
        else rowObject[c.name] = c.kind === 'boolean' ? v === 1 : (v as number);
      }
      out.push(rowObject);
    }
    return out;
  }

  /** Column-oriented plain arrays, the shape arquero's `table()` takes. */
  toColumns(): Record<string, (string | number | boolean | null)[]> {
    const out: Record<string, (string | number | boolean | null)[]> = {};
    for (const c of this.columns) {
      out[c.name] = Array.from(c.values as ArrayLike<string | number | null>, (v) => {
        if (c.kind === 'categorical') return v;
        if (Number.isNaN(v as number)) return null;
        return c.kind === 'boolean' ? v === 1 : v;
      });
    }
    return out;
  }

  /** An arquero table with the same data (arquero is ESM-only, so this is async). */
  async toTable(): Promise<import('arquero').ColumnTable> {
    const aq = await import('arquero');
    return aq.table(this.toColumns());
  }

  /** Human-readable summary for console.log in a notebook or terminal. */
  toString(): string {
    return `DataFrame(${this.rows} rows × ${this.columns.length} columns: ${this.columns
      .map((c) => `${c.name}: ${c.kind}`)
      .join(', ')})`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** Wraps an arquero table: numbers → numeric, booleans → boolean, anything else → categorical text. */
export function fromTable(table: {
  columnNames(): string[];
  numRows(): number;
  array(name: string): ArrayLike<unknown>;
}): DataFrame {
  if (!table || typeof table.columnNames !== 'function') {
    throw new DataError('data.not_a_table', 'fromTable expects an arquero table (for example aq.table({...})).');
  }
  const columns = table.columnNames().map((name): Column => {
    const values = Array.from(table.array(name));
    const present = values.filter((v) => v !== null && v !== undefined && !(typeof v === 'number' && isNaN(v)));
    if (present.length > 0 && present.every((v) => typeof v === 'boolean')) {
      return { name, kind: 'boolean', values: Float64Array.from(values, (v) => (typeof v === 'boolean' ? +v : NaN)) };
    }
    if (present.length > 0 && present.every((v) => typeof v === 'number')) {
      return { name, kind: 'numeric', values: Float64Array.from(values, (v) => (typeof v === 'number' ? v : NaN)) };
    }
    return {
      name,
      kind: 'categorical',
      values: values.map((v) => (v === null || v === undefined || (typeof v === 'number' && isNaN(v)) ? null : String(v))),
    };
  });
  return new DataFrame(columns);
}

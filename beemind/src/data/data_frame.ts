/**
 * This module contains DataFrame, the user-facing table: typed columns with a schema, conversion to and
 * from arquero tables, and `toDataset` to choose a target.
 */
import { plural } from '../core/text.js';
import { DataError } from '../core/errors.js';
import { DISPLAY, formatSignificant, tableBundle, type TableBundle } from '../core/html_table.js';
import { booleanLabels, createFrame, getColumn, takeFrameRows, type Column, type Frame } from './frame.js';
import { dateColumnInfo } from './dates.js';
import { describeColumn, type ColumnSchema } from './schema.js';
import { isTextColumn } from './text.js';

/** Frames longer than this show their first and last rows only, as pandas does. */
const DISPLAY_MAX_ROWS = 60;
const DISPLAY_HEAD_ROWS = 10;
const DISPLAY_TAIL_ROWS = 5;

export class DataFrame implements Frame {
  readonly rows: number;
  readonly columns: readonly Column[];
  /** Where the table came from (a CSV file's name without its folder and extension, a bundled dataset's name); a run on it is named after it. */
  readonly name: string | undefined;

  constructor(columns: readonly Column[], name?: string) {
    const frame = createFrame(columns);
    this.rows = frame.rows;
    this.columns = frame.columns;
    this.name = name;
  }

  /** The same table under a name (runs on it are listed under that name). */
  named(name: string): DataFrame {
    return new DataFrame(this.columns, name);
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
    return this.take(range(0, Math.min(n, this.rows)));
  }

  /** Row-oriented plain objects (missing values as null), for display and export. */
  toObjects(): Record<string, string | number | boolean | null>[] {
    return range(0, this.rows).map((i) =>
      Object.fromEntries(this.columns.map((c) => [c.name, plainValue(c, i)])),
    );
  }

  /** Column-oriented plain arrays, the shape arquero's `table()` takes. */
  toColumns(): Record<string, (string | number | boolean | null)[]> {
    return Object.fromEntries(
      this.columns.map((c) => [c.name, range(0, this.rows).map((i) => plainValue(c, i))]),
    );
  }

  /** An arquero table with the same data (arquero is ESM-only, so this is async). */
  async toTable(): Promise<import('arquero').ColumnTable> {
    const aq = await import('arquero');
    return aq.table(this.toColumns());
  }

  /**
   * The frame as a table: row numbers, column names with each column's kind (a text column that every pipeline
   * reads as dates or as free text says `date` or `text`), missing values as `NaN`, the
   * first 10 and last 5 rows (with a `…` row) beyond 60 rows, and the size underneath. Text and HTML.
   */
  [DISPLAY](): TableBundle {
    const cut = this.rows > DISPLAY_MAX_ROWS;
    const shown = cut
      ? [...range(0, DISPLAY_HEAD_ROWS), ...range(this.rows - DISPLAY_TAIL_ROWS, this.rows)]
      : range(0, this.rows);
    return tableBundle(
      ['', ...this.columnNames],
      shown.map((i) => [i, ...this.columns.map((c) => shownValue(c, i))]),
      {
        subheader: ['', ...this.columns.map(readAs)],
        ...(cut ? { cutAt: DISPLAY_HEAD_ROWS } : {}),
        footer: `${plural(this.rows, 'row')} × ${plural(this.columns.length, 'column')}`,
        format: formatSignificant,
        alignRight: [true, ...this.columns.map((c) => c.kind === 'numeric')],
        missing: 'NaN',
      },
    );
  }

  /** The display's text table, for console.log in a terminal. */
  toString(): string {
    return this[DISPLAY]()['text/plain'];
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** A cell as a plain value: text, number or boolean, null when missing. */
function plainValue(c: Column, i: number): string | number | boolean | null {
  if (c.kind === 'categorical') return c.values[i];
  const v = c.values[i];
  if (Number.isNaN(v)) return null;
  return c.kind === 'boolean' ? v === 1 : v;
}

/** A cell as the display shows it: a boolean in its column's words (`yes`, `No`: the file's, when read from text). */
function shownValue(c: Column, i: number): string | number | boolean | null {
  const v = plainValue(c, i);
  return typeof v === 'boolean' && c.kind === 'boolean' ? booleanLabels(c)[v ? 1 : 0] : v;
}

/** How a pipeline reads a column: its kind, or `date` / `text` for a text column of dates or of free text. */
function readAs(c: Column): string {
  if (c.kind !== 'categorical') return c.kind;
  return dateColumnInfo(c) ? 'date' : isTextColumn(c) ? 'text' : c.kind;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

/** Wraps an arquero table: numbers → numeric, booleans → boolean, anything else → categorical text. */
export function fromTable(table: {
  columnNames(): string[];
  numRows(): number;
  array(name: string): ArrayLike<unknown>;
}): DataFrame {
  if (!table || typeof table.columnNames !== 'function') {
    throw new DataError(
      'data.not_a_table',
      'fromTable expects an arquero table (for example aq.table({...})).',
    );
  }
  const columns = table.columnNames().map((name): Column => {
    const values = Array.from(table.array(name));
    const present = values.filter(
      (v) => v !== null && v !== undefined && !(typeof v === 'number' && isNaN(v)),
    );
    if (present.length > 0 && present.every((v) => typeof v === 'boolean')) {
      return {
        name,
        kind: 'boolean',
        values: Float64Array.from(values, (v) => (typeof v === 'boolean' ? +v : NaN)),
      };
    }
    if (present.length > 0 && present.every((v) => typeof v === 'number')) {
      return {
        name,
        kind: 'numeric',
        values: Float64Array.from(values, (v) => (typeof v === 'number' ? v : NaN)),
      };
    }
    return {
      name,
      kind: 'categorical',
      values: values.map((v) =>
        v === null || v === undefined || (typeof v === 'number' && isNaN(v)) ? null : String(v),
      ),
    };
  });
  return new DataFrame(columns);
}

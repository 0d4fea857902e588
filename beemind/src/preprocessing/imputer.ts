/**
 * This module contains `simple_imputer`: fills missing values (NaN in numeric columns, null in categorical
 * ones) with a statistic learned per column at fit, optionally adding `<col>__missing` 0/1 indicator columns.
 *
 * - numeric columns use `strategy`: mean, median or most_frequent (the smallest value among ties), or
 *   iterative: the mean first (as scikit-learn's), then a prediction from the other columns (iterative_fill.ts);
 * - boolean columns always use their most frequent value, so they stay 0/1;
 * - categorical columns always use their most frequent category (the alphabetically first among ties),
 *   because a mean or median of categories is undefined.
 * A column with no values at all at fit has nothing to impute from: that is a DataError (drop the column).
 * ±Infinity in numeric columns is rejected (it would poison the mean).
 */
import { z } from 'zod';
import { DataError } from '../core/errors.js';
import { quote } from '../core/text.js';
import { pack } from '../core/serialize.js';
import type { StateReader } from '../core/untrusted.js';
import { hasMissingValue, type Column } from '../data/frame.js';
import { BaseTransformer } from './base.js';
import { requireFinite } from './checks.js';
import {
  applyIterativeFill,
  fitIterativeFill,
  readIterativeFill,
  writeIterativeFill,
  type IterativeFillState,
} from './iterative_fill.js';
import { moments } from '../core/moments.js';
import { quantiles, sortedPresent } from './stats.js';

export const simpleImputerSchema = z.strictObject({
  /**
   * How numeric columns are filled; categorical and boolean columns always use their most frequent value.
   * `iterative` predicts a numeric column's missing values from the other columns.
   */
  strategy: z.enum(['mean', 'median', 'most_frequent', 'iterative']).default('mean'),
  /** Append a `<col>__missing` 0/1 column for every column that had missing values at fit. */
  addIndicator: z.boolean().default(false),
});
export type SimpleImputerParams = z.output<typeof simpleImputerSchema>;

interface ImputerState {
  /** Fill value per numeric column, NaN for categorical columns. */
  numericFill: Float64Array;
  /** Fill category per categorical column, null for numeric columns. */
  categoricalFill: (string | null)[];
  /** Indices of columns that had missing values at fit (they get indicators). */
  indicated: number[];
  /** The `iterative` strategy's regressions; null for the other strategies. */
  iterative: IterativeFillState | null;
}

/** The most frequent value of numbers (smallest among ties), ignoring NaN. */
function modeOfNumbers(sorted: Float64Array): number {
  let best = NaN;
  let bestCount = 0;
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j < sorted.length && sorted[j] === sorted[i]) j++;
    if (j - i > bestCount) {
      bestCount = j - i;
      best = sorted[i];
    }
    i = j;
  }
  return best;
}

/** The most frequent category (alphabetically first among ties), ignoring null; null when all are missing. */
function modeOfCategories(values: readonly (string | null)[]): string | null {
  const counts = new Map<string, number>();
  for (const v of values) if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: string | null = null;
  let bestCount = 0;
  for (const [v, n] of counts) {
    if (n > bestCount || (n === bestCount && best !== null && v < best)) {
      best = v;
      bestCount = n;
    }
  }
  return best;
}

export class SimpleImputer extends BaseTransformer<SimpleImputerParams> {
  readonly kind = 'simple_imputer';
  private state: ImputerState | null = null;

  constructor(params: Partial<SimpleImputerParams> = {}) {
    super(simpleImputerSchema, params, 'simple_imputer');
  }

  protected async fitColumns(columns: readonly Column[], rows: number): Promise<void> {
    requireFinite(columns, this.kind);
    const numericFill = new Float64Array(columns.length).fill(NaN);
    const categoricalFill: (string | null)[] = columns.map(() => null);
    const indicated: number[] = [];
    const { strategy } = this.params;
    columns.forEach((c, j) => {
      if (hasMissingValue(c)) indicated.push(j);
      if (c.kind === 'categorical') {
        categoricalFill[j] = modeOfCategories(c.values);
        if (categoricalFill[j] === null) throw allMissing(c.name);
        return;
      }
      const { count, mean } = moments(c.values);
      if (count === 0) throw allMissing(c.name);
      const rule = c.kind === 'boolean' ? 'most_frequent' : strategy === 'iterative' ? 'mean' : strategy;
      if (rule === 'mean') numericFill[j] = mean;
      else if (rule === 'median') numericFill[j] = quantiles(c.values, [0.5])[0];
      else numericFill[j] = modeOfNumbers(sortedPresent(c.values));
    });
    this.state = { numericFill, categoricalFill, indicated, iterative: null };
    if (strategy === 'iterative') {
      const filled = this.firstFill(columns, rows);
      this.state.iterative = await fitIterativeFill(columns, filled);
    }
  }

  protected transformColumns(columns: readonly Column[], rows: number): Column[] {
    requireFinite(columns, this.kind);
    const { indicated, iterative } = this.state!;
    const out = this.firstFill(columns, rows);
    if (iterative) applyIterativeFill(iterative, columns, out);
    if (this.params.addIndicator) {
      for (const j of indicated) {
        const c = columns[j];
        const flags = new Float64Array(rows);
        if (c.kind === 'categorical') for (let i = 0; i < rows; i++) flags[i] = c.values[i] === null ? 1 : 0;
        else for (let i = 0; i < rows; i++) flags[i] = c.values[i] !== c.values[i] ? 1 : 0;
        out.push({ name: `${c.name}__missing`, kind: 'boolean', values: flags });
      }
    }
    return out;
  }

  /** Every column with its missing values replaced by its column's fill (new arrays only where filled). */
  private firstFill(columns: readonly Column[], rows: number): Column[] {
    const { numericFill, categoricalFill } = this.state!;
    return columns.map((c, j): Column => {
      if (!hasMissingValue(c)) return c;
      if (c.kind === 'categorical') {
        const fill = categoricalFill[j];
        return { name: c.name, kind: c.kind, values: c.values.map((v) => v ?? fill) };
      }
      const fill = numericFill[j];
      const values = new Float64Array(rows);
      const src = c.values;
      for (let i = 0; i < rows; i++) values[i] = src[i] === src[i] ? src[i] : fill;
      return { name: c.name, kind: c.kind, values };
    });
  }

  protected getState(): unknown {
    const s = this.state!;
    const state = {
      numericFill: pack(s.numericFill),
      categoricalFill: s.categoricalFill,
      indicated: s.indicated,
    };
    // written only by the iterative strategy, so other imputers save as they always did
    return s.iterative ? { ...state, iterative: writeIterativeFill(s.iterative) } : state;
  }

  protected setState(state: StateReader): void {
    const input = this.input!;
    const n = input.length;
    // a categorical column is filled with a category, any other with a finite number
    const numericFill = state.f64('numericFill', { length: n, nan: true });
    const categoricalFill = state.strings('categoricalFill', { length: n, nullable: true });
    input.forEach((c, j) => {
      if (c.kind === 'categorical' ? categoricalFill[j] === null : !Number.isFinite(numericFill[j])) {
        state.fail(
          `${state.field('numericFill')} and ${state.field('categoricalFill')} give column ${j} (${c.kind}) no fill value`,
        );
      }
    });
    const indicated = state.integers('indicated', 0, n - 1, { increasing: true });
    const iterative =
      this.params.strategy === 'iterative' ? readIterativeFill(state.object('iterative'), input) : null;
    this.state = { numericFill, categoricalFill, indicated, iterative };
  }
}

function allMissing(name: string): DataError {
  return new DataError(
    'data.all_missing',
    `column ${quote(name)} has no values at all in the training data, so simple_imputer has nothing to fill it with; ` +
      'drop the column before fitting.',
  );
}

/**
 * This module contains `log1p`: the signed log transform sign(x)·log(1 + |x|) applied to every numeric column.
 * It compresses heavy tails, is safe for negatives and zero, and keeps column names and order.
 *
 * Numeric only (categorical columns are a DataError); NaN passes through; ±Infinity is rejected. Stateless
 * apart from the column layout it checks at transform.
 */
import { z } from 'zod';
import type { Column } from '../data/frame.js';
import { BaseTransformer } from './base.js';

export const log1pSchema = z.strictObject({});
export type Log1pParams = z.output<typeof log1pSchema>;

export class Log1p extends BaseTransformer<Log1pParams> {
  readonly kind = 'log1p';
  protected override readonly numericOnly = true;

  constructor(params: Record<string, unknown> = {}) {
    super(log1pSchema, params, 'log1p');
  }

  protected fitColumns(): void {}

  protected transformColumns(columns: readonly Column[], rows: number): Column[] {
    return columns.map((c): Column => {
      const src = c.values as Float64Array;
      const values = new Float64Array(rows);
      for (let i = 0; i < rows; i++) {
        const x = src[i];
        values[i] = x < 0 ? -Math.log1p(-x) : Math.log1p(x);
      }
      return { name: c.name, kind: 'numeric', values };
    });
  }

  protected getState(): unknown {
    return {};
  }

  /** Stateless: nothing to read. */
  protected setState(): void {}
}

/**
 * This module contains `ordinal_encoder`: each categorical column becomes one numeric column of integer codes
 * 0..k-1 (categories in code-point order), keeping its name and position; numeric and boolean columns pass
 * through unchanged.
 *
 * - missing values (null) become NaN, so they stay "missing" for a later imputer or a model that handles NaN;
 * - a category never seen at fit becomes -1 (`handleUnknown: 'ignore'`, an ordinary number every model
 *   accepts) or is a DataError (`'error'`).
 */
import { z } from 'zod';
import { DataError } from '../core/errors.js';
import { quote } from '../core/text.js';
import type { StateReader } from '../core/untrusted.js';
import type { Column } from '../data/frame.js';
import { BaseTransformer } from './base.js';
import { countCategories, readCategoryLayout, sortedCategories } from './categories.js';

export const UNKNOWN_CODE = -1;

export const ordinalEncoderSchema = z.strictObject({
  handleUnknown: z.enum(['ignore', 'error']).default('ignore'),
});
export type OrdinalEncoderParams = z.output<typeof ordinalEncoderSchema>;

export class OrdinalEncoder extends BaseTransformer<OrdinalEncoderParams> {
  readonly kind = 'ordinal_encoder';
  /** Per input column: its categories in code order, or null for pass-through columns. */
  private categories: (string[] | null)[] = [];

  constructor(params: Partial<OrdinalEncoderParams> = {}) {
    super(ordinalEncoderSchema, params, 'ordinal_encoder');
  }

  protected fitColumns(columns: readonly Column[]): void {
    this.categories = columns.map((c) =>
      c.kind === 'categorical' ? sortedCategories(countCategories(c.values).keys()) : null,
    );
  }

  protected transformColumns(columns: readonly Column[], rows: number): Column[] {
    return columns.map((c, j): Column => {
      const cats = this.categories[j];
      if (c.kind !== 'categorical' || !cats) return c;
      const code = new Map(cats.map((cat, k) => [cat, k]));
      const values = new Float64Array(rows);
      for (let i = 0; i < rows; i++) {
        const v = c.values[i];
        if (v === null) values[i] = NaN;
        else {
          const k = code.get(v);
          if (k === undefined && this.params.handleUnknown === 'error') {
            throw new DataError(
              'data.unknown_category',
              `ordinal_encoder: column ${quote(c.name)} has category ${quote(v)} (row ${i}) that was not in the training data; ` +
                `use handleUnknown: 'ignore' to encode unseen categories as ${UNKNOWN_CODE}.`,
            );
          }
          values[i] = k ?? UNKNOWN_CODE;
        }
      }
      return { name: c.name, kind: 'numeric', values };
    });
  }

  protected getState(): unknown {
    return { categories: this.categories };
  }

  protected setState(state: StateReader): void {
    this.categories = readCategoryLayout(
      state,
      'categories',
      this.input!,
      (list, j) => list.strings(j, { unique: true }) as string[],
    );
  }
}

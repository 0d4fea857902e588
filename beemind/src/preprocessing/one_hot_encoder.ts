/**
 * This module contains `one_hot_encoder`: each categorical column becomes 0/1 columns named `<col>=<category>`
 * (categories in code-point order), in the position of the original column; numeric and boolean columns pass
 * through unchanged.
 *
 * - rare categories (see `minFrequency`, `maxCategories`) share one `<col>=__rare__` column;
 * - missing values (null) get their own `<col>=__missing__` column when the training data had any; a missing
 *   value in a column that had none at fit encodes as all zeros;
 * - a category never seen at fit encodes as all zeros (`handleUnknown: 'ignore'`) or is a DataError
 *   (`'error'`).
 */
import { z } from 'zod';
import { DataError } from '../core/errors.js';
import { quote } from '../core/text.js';
import type { StateReader } from '../core/untrusted.js';
import type { Column } from '../data/frame.js';
import { BaseTransformer } from './base.js';
import { countCategories, readCategoryLayout, splitRare } from './categories.js';

export const RARE = '__rare__';
export const MISSING = '__missing__';

export const oneHotEncoderSchema = z.strictObject({
  handleUnknown: z.enum(['ignore', 'error']).default('ignore'),
  /** Categories seen fewer times than this count (>= 1) or fraction of rows (< 1) are grouped as rare; 0 keeps all. */
  minFrequency: z.number().min(0).default(0),
  /**
   * Keep at most this many most frequent categories per column; the others are grouped as rare. Default 64: a
   * column of names or codes with thousands of values would otherwise become thousands of sparse columns that
   * slow every model down (the target encoder serves such columns).
   */
  maxCategories: z.number().int().min(1).default(64),
});
export type OneHotEncoderParams = z.output<typeof oneHotEncoderSchema>;

/** Fitted layout of one categorical column; null entries in the state stand for pass-through columns. */
interface EncodedColumn {
  categories: string[];
  rare: string[];
  missing: boolean;
}

export class OneHotEncoder extends BaseTransformer<OneHotEncoderParams> {
  readonly kind = 'one_hot_encoder';
  private layout: (EncodedColumn | null)[] = [];

  constructor(params: Partial<OneHotEncoderParams> = {}) {
    super(oneHotEncoderSchema, params, 'one_hot_encoder');
  }

  protected fitColumns(columns: readonly Column[], rows: number): void {
    this.layout = columns.map((c) => {
      if (c.kind !== 'categorical') return null;
      const { kept, rare } = splitRare(countCategories(c.values), rows, this.params);
      return { categories: kept, rare, missing: c.values.includes(null) };
    });
  }

  protected transformColumns(columns: readonly Column[], rows: number): Column[] {
    const out: Column[] = [];
    columns.forEach((c, j) => {
      const enc = this.layout[j];
      if (c.kind !== 'categorical' || !enc) {
        out.push(c);
        return;
      }
      const names = [...enc.categories];
      if (enc.rare.length) names.push(RARE);
      if (enc.missing) names.push(MISSING);
      const slot = new Map<string, number>();
      enc.categories.forEach((cat, k) => slot.set(cat, k));
      for (const cat of enc.rare) slot.set(cat, enc.categories.length);
      const missingSlot = enc.missing ? names.length - 1 : -1;
      const outputs = names.map(() => new Float64Array(rows));
      for (let i = 0; i < rows; i++) {
        const v = c.values[i];
        const k = v === null ? missingSlot : (slot.get(v) ?? -1);
        if (k >= 0) outputs[k][i] = 1;
        else if (v !== null && this.params.handleUnknown === 'error') {
          throw new DataError(
            'data.unknown_category',
            `one_hot_encoder: column ${quote(c.name)} has category ${quote(v)} (row ${i}) that was not in the training data; ` +
              "use handleUnknown: 'ignore' to encode unseen categories as all zeros.",
          );
        }
      }
      names.forEach((name, k) =>
        out.push({ name: `${c.name}=${name}`, kind: 'boolean', values: outputs[k] }),
      );
    });
    return out;
  }

  protected getState(): unknown {
    return { layout: this.layout };
  }

  protected setState(state: StateReader): void {
    this.layout = readCategoryLayout(state, 'layout', this.input!, (list, j) => {
      const c = list.object(j);
      return {
        categories: c.strings('categories', { unique: true }) as string[],
        rare: c.strings('rare', { unique: true }) as string[],
        missing: c.boolean('missing'),
      };
    });
  }
}

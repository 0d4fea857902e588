/**
 * This module contains `ordinal_encoder`: each categorical column becomes one numeric column of integer codes
 * 0..k-1, keeping its name and position; numeric and boolean columns pass through unchanged.
 *
 * - `order: 'lexical'` numbers the categories in code-point order. `order: 'target'` numbers them in the order
 *   of their target mean (shrunk towards the overall mean, as target_encoder's), for regression and two
 *   classes: a tree's threshold on those codes then splits the categories as a categorical split would (the
 *   best split of a category by a target mean is a cut in that order), so trees learn a 125-country column in a
 *   few splits instead of many. Categories with fewer than `minCount` training rows share one code, at the
 *   overall mean's place, so a tree cannot single one out by its few rows' own targets. With more than two
 *   classes there is no one target order, and the order is lexical.
 * - missing values (null) become NaN, so they stay "missing" for a later imputer or a model that handles NaN;
 * - a category never seen at fit becomes -1 in lexical order, the rare categories' code in target order
 *   (`handleUnknown: 'ignore'`, an ordinary number every model accepts), or is a DataError (`'error'`).
 */
import { z } from 'zod';
import { DataError } from '../core/errors.js';
import { quote } from '../core/text.js';
import type { StateReader } from '../core/untrusted.js';
import type { Column } from '../data/frame.js';
import { BaseTransformer } from './base.js';
import { countCategories, readCategoryLayout, sortedCategories } from './categories.js';
import { categoryMeans, targetColumns, targetMeans } from './target_encoder.js';
import type { TransformerFitContext } from './transformer.js';

export const UNKNOWN_CODE = -1;

export const ordinalEncoderSchema = z.strictObject({
  handleUnknown: z.enum(['ignore', 'error']).default('ignore'),
  /** Codes in code-point order of the categories, or in order of their target mean (see the module comment). */
  order: z.enum(['lexical', 'target']).default('lexical'),
  /** With order 'target': categories with fewer training rows share one code. */
  minCount: z.number().int().min(1).max(1_000_000).default(5),
  /** With order 'target': pseudo-rows of the overall mean mixed into each category's mean. */
  smoothing: z.number().min(0).max(1e6).default(10),
});
export type OrdinalEncoderParams = z.output<typeof ordinalEncoderSchema>;

export class OrdinalEncoder extends BaseTransformer<OrdinalEncoderParams> {
  readonly kind = 'ordinal_encoder';
  /** Per input column: every category seen at fit in code-point order, or null for pass-through columns. */
  private categories: (string[] | null)[] = [];
  /** Per input column in target order: each category's code (parallel to `categories`); null: its index. */
  private codes: (number[] | null)[] = [];
  /** Per input column: the code of a category not seen at fit. */
  private unseenCodes: number[] = [];

  constructor(params: Partial<OrdinalEncoderParams> = {}) {
    super(ordinalEncoderSchema, params, 'ordinal_encoder');
  }

  protected fitColumns(
    columns: readonly Column[],
    rows: number,
    y: Float64Array | undefined,
    context: TransformerFitContext,
  ): void {
    // one target column is one order: a regression's values, or the share of the second of two classes
    const targets = this.params.order === 'target' && y ? targetColumns(y, context) : [];
    const byTarget = targets.length === 1;
    const prior = byTarget ? targetMeans(targets, () => true) : [];
    const counts = columns.map((c) => (c.kind === 'categorical' ? countCategories(c.values) : null));
    this.categories = counts.map((n) => (n ? sortedCategories(n.keys()) : null));
    this.unseenCodes = columns.map(() => UNKNOWN_CODE);
    this.codes = columns.map((c, j) => {
      const cats = this.categories[j];
      if (c.kind !== 'categorical' || !cats || !byTarget) return null;
      const mean = new Map(
        [...categoryMeans(c.values, targets, () => true, prior, this.params.smoothing)].map(([cat, m]) => [
          cat,
          m[0],
        ]),
      );
      // ranked by mean; ties keep code-point order (a stable sort of a sorted list), so codes never depend on row order
      const ranked = cats
        .filter((cat) => counts[j]!.get(cat)! >= this.params.minCount)
        .sort((a, b) => mean.get(a)! - mean.get(b)!);
      const rank = new Map(ranked.map((cat, k) => [cat, k]));
      // the shared code lies between the categories whose means are below the overall mean and the others
      const shared = ranked.filter((cat) => mean.get(cat)! < prior[0]).length - 0.5;
      this.unseenCodes[j] = shared;
      return cats.map((cat) => rank.get(cat) ?? shared);
    });
  }

  protected transformColumns(columns: readonly Column[], rows: number): Column[] {
    return columns.map((c, j): Column => {
      const cats = this.categories[j];
      if (c.kind !== 'categorical' || !cats) return c;
      const codes = this.codes[j];
      const code = new Map(cats.map((cat, k) => [cat, codes ? codes[k] : k]));
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
                `use handleUnknown: 'ignore' to encode unseen categories as ${this.unseenCodes[j]}.`,
            );
          }
          values[i] = k ?? this.unseenCodes[j];
        }
      }
      return { name: c.name, kind: 'numeric', values, categoryCodes: true };
    });
  }

  protected getState(): unknown {
    return { categories: this.categories, codes: this.codes, unseenCodes: this.unseenCodes };
  }

  protected setState(state: StateReader): void {
    this.categories = readCategoryLayout(
      state,
      'categories',
      this.input!,
      (list, j) => list.strings(j, { unique: true }) as string[],
    );
    // models saved before target order have neither field: codes are the indices, unseen categories -1
    const legacy = !state.has('codes') && !state.has('unseenCodes');
    this.codes = legacy
      ? this.input!.map(() => null)
      : readCategoryLayout(state, 'codes', this.input!, (list, j) =>
          list.isNull(j) ? null : list.numbers(j, { length: this.categories[j]!.length, min: -1 }),
        );
    this.unseenCodes = legacy
      ? this.input!.map(() => UNKNOWN_CODE)
      : state.numbers('unseenCodes', { length: this.input!.length, min: -1 });
  }
}

/**
 * This module contains `pairwise_products`: appends the product of every pair among the highest-variance
 * numeric columns, named `<a>*<b>`, after the original columns. To bound growth it uses the m columns with the
 * largest training variance, m being the largest number with m(m-1)/2 <= maxFeatures (ties keep column order).
 *
 * Numeric only (categorical columns are a DataError); ±Infinity is rejected; a product with a NaN factor is
 * NaN. Variance is measured on the raw scale, so put a scaler first if the columns have different units.
 */
import { z } from 'zod';
import type { StateReader } from '../core/untrusted.js';
import { HYPERPARAMETER_LIMITS } from '../models/limits.js';
import type { Column } from '../data/frame.js';
import { BaseTransformer } from './base.js';
import { moments } from '../core/moments.js';

export const pairwiseProductsSchema = z.strictObject({
  /** Most product columns to add. */
  maxFeatures: z.number().int().min(1).max(HYPERPARAMETER_LIMITS.addedColumns).default(45),
});
export type PairwiseProductsParams = z.output<typeof pairwiseProductsSchema>;

/** The largest m with m(m-1)/2 <= maxPairs. */
export function columnsForPairs(maxPairs: number): number {
  let m = 1;
  while (((m + 1) * m) / 2 <= maxPairs) m++;
  return m;
}

export class PairwiseProducts extends BaseTransformer<PairwiseProductsParams> {
  readonly kind = 'pairwise_products';
  protected override readonly numericOnly = true;
  /** Indices (in input order) of the columns whose pairs are multiplied. */
  private sources: number[] = [];

  constructor(params: Partial<PairwiseProductsParams> = {}) {
    super(pairwiseProductsSchema, params, 'pairwise_products');
  }

  protected fitColumns(columns: readonly Column[]): void {
    const m = columnsForPairs(this.params.maxFeatures);
    // an all-missing column (NaN variance) ranks last; Array.sort is stable, so ties keep column order
    const variances = columns.map((c) => {
      const v = moments(c.values as Float64Array).variance;
      return Number.isNaN(v) ? -1 : v;
    });
    const ranked = columns.map((_, j) => j).sort((a, b) => variances[b] - variances[a]);
    this.sources = ranked.slice(0, m).sort((a, b) => a - b);
  }

  protected transformColumns(columns: readonly Column[], rows: number): Column[] {
    const out: Column[] = [...columns];
    const src = this.sources;
    for (let p = 0; p < src.length; p++) {
      const a = columns[src[p]];
      const va = a.values as Float64Array;
      for (let q = p + 1; q < src.length; q++) {
        const b = columns[src[q]];
        const vb = b.values as Float64Array;
        const values = new Float64Array(rows);
        for (let i = 0; i < rows; i++) values[i] = va[i] * vb[i];
        out.push({ name: `${a.name}*${b.name}`, kind: 'numeric', values });
      }
    }
    return out;
  }

  protected getState(): unknown {
    return { sources: this.sources };
  }

  protected setState(state: StateReader): void {
    const sources = state.integers('sources', 0, this.input!.length - 1, { increasing: true });
    const m = columnsForPairs(this.params.maxFeatures);
    if (sources.length > m)
      state.fail(`${state.field('sources')} lists ${sources.length} columns, but maxFeatures allows ${m}`);
    this.sources = sources;
  }
}

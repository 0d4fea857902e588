/**
 * This module contains `quantile_binning`: each numeric column is cut into `nBins` bins holding about equal
 * numbers of training rows (quantile edges learned at fit; tied values can merge bins, so a column with few
 * distinct values gets fewer). Output per column, in its position:
 * - `encode: 'ordinal'` (default): one column of the same name holding the bin index 0..bins-1;
 * - `encode: 'onehot'`: 0/1 columns `<col>=bin0`, `<col>=bin1`, …
 * Values outside the training range fall in the first or last bin. NaN stays NaN (ordinal) or encodes as all
 * zeros (onehot). Numeric only; ±Infinity is rejected.
 */
import { z } from 'zod';
import { pack } from '../core/serialize.js';
import type { StateReader } from '../core/untrusted.js';
import type { Column } from '../data/frame.js';
import { BaseTransformer } from './base.js';
import { binOf, quantileCuts } from './stats.js';

export const quantileBinningSchema = z.strictObject({
  nBins: z.number().int().min(2).max(255).default(5),
  encode: z.enum(['ordinal', 'onehot']).default('ordinal'),
});
export type QuantileBinningParams = z.output<typeof quantileBinningSchema>;

export class QuantileBinning extends BaseTransformer<QuantileBinningParams> {
  readonly kind = 'quantile_binning';
  protected override readonly numericOnly = true;
  /** Ascending interior cut points per column; bin of v = number of cuts <= v. */
  private cuts: Float64Array[] = [];

  constructor(params: Partial<QuantileBinningParams> = {}) {
    super(quantileBinningSchema, params, 'quantile_binning');
  }

  /** Number of bins column j uses (after merging tied edges). */
  binsOf(j: number): number {
    return this.cuts[j].length + 1;
  }

  protected fitColumns(columns: readonly Column[]): void {
    this.cuts = columns.map((c) => quantileCuts(c.values as Float64Array, this.params.nBins));
  }

  protected transformColumns(columns: readonly Column[], rows: number): Column[] {
    const out: Column[] = [];
    columns.forEach((c, j) => {
      const src = c.values as Float64Array;
      const cuts = this.cuts[j];
      if (this.params.encode === 'ordinal') {
        const values = new Float64Array(rows);
        for (let i = 0; i < rows; i++) values[i] = src[i] === src[i] ? binOf(cuts, src[i]) : NaN;
        out.push({ name: c.name, kind: 'numeric', values });
        return;
      }
      const outputs = Array.from({ length: cuts.length + 1 }, () => new Float64Array(rows));
      for (let i = 0; i < rows; i++) if (src[i] === src[i]) outputs[binOf(cuts, src[i])][i] = 1;
      outputs.forEach((values, b) => out.push({ name: `${c.name}=bin${b}`, kind: 'boolean', values }));
    });
    return out;
  }

  protected getState(): unknown {
    return { cuts: this.cuts.map((c) => pack(c)) };
  }

  protected setState(state: StateReader): void {
    const cuts = state.items('cuts', this.input!.length);
    this.cuts = Array.from({ length: cuts.length }, (_, j) => {
      const c = cuts.f64(j, { increasing: true });
      if (c.length >= this.params.nBins)
        cuts.fail(`${cuts.field(j)} has ${c.length} cut points for ${this.params.nBins} bins`);
      return c;
    });
  }
}

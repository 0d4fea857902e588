/**
 * This module contains `target_encoder`: each categorical column becomes the smoothed mean of the target per
 * category (one column for regression and two classes, `<column>=target`; one per class otherwise,
 * `<column>=target_<k>`), and with `frequency` also the share of the training rows in that category
 * (`<column>=frequency`). It suits high-cardinality categories, where one-hot columns would be many and thin.
 *
 * - The mean is shrunk towards the overall mean by `smoothing` pseudo-rows: (n·mean + m·prior) / (n + m).
 * - On the training rows (fitTransform, which a pipeline's fit uses), each row is encoded with statistics of
 *   the other folds only (cross-fitting, as scikit-learn's TargetEncoder), so the model downstream never sees
 *   a row's own target leak through its category. transform() uses statistics of every training row.
 * - missing values (null) become NaN; a category not seen at fit gets the prior and a frequency of 0.
 * - numeric and boolean columns pass through.
 */
import { z } from 'zod';
import { ConfigurationError } from '../core/errors.js';
import { Random } from '../core/random.js';
import type { StateReader } from '../core/untrusted.js';
import { createFrame, type CategoricalColumn, type Column, type Frame } from '../data/frame.js';
import { BaseTransformer } from './base.js';
import { countCategories, readCategoryLayout, sortedCategories } from './categories.js';
import type { TransformerFitContext } from './transformer.js';

export const targetEncoderSchema = z.strictObject({
  /** Pseudo-rows of the prior mixed into every category's mean. */
  smoothing: z.number().min(0).max(1e6).default(10),
  /** Also output each category's share of the training rows. */
  frequency: z.boolean().default(true),
  /** Folds of the cross-fitting on the training rows. */
  folds: z.number().int().min(2).max(20).default(5),
});
export type TargetEncoderParams = z.output<typeof targetEncoderSchema>;

/** A categorical column's fitted encoding: per category (sorted), `outputs` means row-major, and its share. */
interface ColumnEncoding {
  categories: string[];
  means: number[];
  frequency: number[];
}

export class TargetEncoder extends BaseTransformer<TargetEncoderParams> {
  readonly kind = 'target_encoder';
  private encodings: (ColumnEncoding | null)[] = [];
  /** The target mean per output (the class shares, or the mean value). */
  private prior: number[] = [];

  constructor(params: Partial<TargetEncoderParams> = {}) {
    super(targetEncoderSchema, params, 'target_encoder');
  }

  /** Fits on every row, and returns the training rows encoded out of fold. */
  async fitTransform(frame: Frame, y?: Float64Array, context: TransformerFitContext = {}): Promise<Frame> {
    await this.fit(frame, y, context);
    const targets = targetColumns(y!, context);
    const fold = foldOf(frame.rows, this.params.folds, context.seed ?? 0);
    const outsideFold = Array.from({ length: this.params.folds }, (_, f) => (i: number) => fold[i] !== f);
    const priors = outsideFold.map((outside) => targetMeans(targets, outside));
    const out: Column[] = [];
    frame.columns.forEach((c, j) => {
      const enc = this.encodings[j];
      if (c.kind !== 'categorical' || !enc) {
        out.push(c);
        return;
      }
      const encoded = targets.map(() => new Float64Array(frame.rows));
      outsideFold.forEach((outside, f) => {
        const means = categoryMeans(c.values, targets, outside, priors[f], this.params.smoothing);
        encodeRows(
          c.values,
          (v) => means.get(v),
          priors[f],
          encoded,
          (i) => !outside(i),
        );
      });
      out.push(...encodedColumns(c.name, encoded));
      if (this.params.frequency) out.push(this.frequencyColumn(c, enc, frame.rows));
    });
    return createFrame(out);
  }

  protected fitColumns(
    columns: readonly Column[],
    rows: number,
    y: Float64Array | undefined,
    context: TransformerFitContext,
  ): void {
    if (!y)
      throw new ConfigurationError(
        'target_encoder.no_target',
        'target_encoder learns from the target: fit it with y.',
      );
    const targets = targetColumns(y, context);
    const all = () => true;
    this.prior = targetMeans(targets, all);
    this.encodings = columns.map((c) => {
      if (c.kind !== 'categorical') return null;
      const means = categoryMeans(c.values, targets, all, this.prior, this.params.smoothing);
      const counts = countCategories(c.values);
      const categories = sortedCategories(means.keys());
      return {
        categories,
        means: categories.flatMap((cat) => means.get(cat)!),
        frequency: categories.map((cat) => counts.get(cat)! / rows),
      };
    });
  }

  protected transformColumns(columns: readonly Column[], rows: number): Column[] {
    const outputs = this.prior.length;
    return columns.flatMap((c, j): Column[] => {
      const enc = this.encodings[j];
      if (c.kind !== 'categorical' || !enc) return [c];
      const index = new Map(enc.categories.map((cat, k) => [cat, k]));
      const meansOf = (v: string) => {
        const k = index.get(v);
        return k === undefined ? undefined : enc.means.slice(k * outputs, (k + 1) * outputs);
      };
      const encoded = this.prior.map(() => new Float64Array(rows));
      encodeRows(c.values, meansOf, this.prior, encoded, () => true);
      const out = encodedColumns(c.name, encoded);
      if (this.params.frequency) out.push(this.frequencyColumn(c, enc, rows));
      return out;
    });
  }

  private frequencyColumn(c: CategoricalColumn, enc: ColumnEncoding, rows: number): Column {
    const share = new Map(enc.categories.map((cat, k) => [cat, enc.frequency[k]]));
    const values = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      const v = c.values[i];
      values[i] = v === null ? NaN : (share.get(v) ?? 0);
    }
    return { name: `${c.name}=frequency`, kind: 'numeric', values };
  }

  protected getState(): unknown {
    return { prior: this.prior, encodings: this.encodings };
  }

  protected setState(state: StateReader): void {
    const prior = state.numbers('prior', { min: -Number.MAX_VALUE });
    if (prior.length === 0) state.fail(`${state.field('prior')} lists no outputs`);
    this.prior = prior;
    this.encodings = readCategoryLayout(state, 'encodings', this.input!, (list, j) => {
      const e = list.object(j);
      const categories = e.strings('categories', { unique: true }) as string[];
      return {
        categories,
        means: e.numbers('means', { length: categories.length * prior.length, min: -Number.MAX_VALUE }),
        frequency: e.numbers('frequency', { length: categories.length, min: 0, max: 1 }),
      };
    });
  }
}

/** What is averaged per category: the target itself, or for classes the indicator of each class (one for two). */
export function targetColumns(y: Float64Array, context: TransformerFitContext): Float64Array[] {
  if (context.task !== 'classification') return [y];
  // a loop, not Math.max(...y): spreading a million rows overflows the call stack
  const k = context.nClasses ?? y.reduce((m, v) => Math.max(m, v), 0) + 1;
  const classes = k === 2 ? [1] : Array.from({ length: k }, (_, c) => c);
  return classes.map((c) => Float64Array.from(y, (v) => (v === c ? 1 : 0)));
}

/** The mean of each target column over the rows where `use(i)` (0 when there are none). */
export function targetMeans(targets: readonly Float64Array[], use: (i: number) => boolean): number[] {
  const sums = targets.map(() => 0);
  let used = 0;
  for (let i = 0; i < targets[0].length; i++) {
    if (!use(i)) continue;
    used++;
    targets.forEach((t, o) => (sums[o] += t[i]));
  }
  return sums.map((sum) => (used > 0 ? sum / used : 0));
}

/** Target means per category over the rows where `use(i)`, shrunk towards `prior` by `smoothing` pseudo-rows. */
export function categoryMeans(
  values: readonly (string | null)[],
  targets: readonly Float64Array[],
  use: (i: number) => boolean,
  prior: readonly number[],
  smoothing: number,
): Map<string, number[]> {
  const sums = new Map<string, number[]>();
  const counts = new Map<string, number>();
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || !use(i)) continue;
    let s = sums.get(v);
    if (!s) sums.set(v, (s = targets.map(() => 0)));
    targets.forEach((t, o) => (s![o] += t[i]));
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  const means = new Map<string, number[]>();
  for (const [v, s] of sums) {
    const count = counts.get(v)!;
    means.set(
      v,
      s.map((sum, o) => (sum + smoothing * prior[o]) / (count + smoothing)),
    );
  }
  return means;
}

/**
 * Writes the encoding of the rows where `rowsToWrite(i)` into `encoded` (one array per output): a category's
 * means, the prior for a category without any, NaN for a missing value.
 */
function encodeRows(
  values: readonly (string | null)[],
  meansOf: (category: string) => readonly number[] | undefined,
  prior: readonly number[],
  encoded: Float64Array[],
  rowsToWrite: (i: number) => boolean,
): void {
  for (let i = 0; i < values.length; i++) {
    if (!rowsToWrite(i)) continue;
    const v = values[i];
    const means = v === null ? null : (meansOf(v) ?? prior);
    encoded.forEach((out, t) => (out[i] = means ? means[t] : NaN));
  }
}

/** Seeded fold of each row (shuffled, as even as possible). */
function foldOf(rows: number, folds: number, seed: number): Int32Array {
  const order = new Random(seed).permutation(rows);
  const fold = new Int32Array(rows);
  for (let r = 0; r < rows; r++) fold[order[r]] = r % folds;
  return fold;
}

function encodedColumns(name: string, encoded: readonly Float64Array[]): Column[] {
  if (encoded.length === 1) return [{ name: `${name}=target`, kind: 'numeric', values: encoded[0] }];
  return encoded.map((values, t) => ({ name: `${name}=target_${t}`, kind: 'numeric', values }));
}

/**
 * This module contains `mutual_info_select`: keeps the k (or a fraction of the) columns with the highest mutual
 * information with the target. Each feature is discretised into quantile bins (missing values get a bin of
 * their own); for regression the target is discretised the same way, for classification the class indices
 * are used. MI is the plug-in estimate in nats from the contingency table; ties keep column order.
 * Needs `y` and `context.task` at fit. Numeric only; ±Infinity is rejected.
 */
import { z } from 'zod';
import { ConfigurationError, DataError } from '../core/errors.js';
import type { Column } from '../data/frame.js';
import type { Task } from '../core/task.js';
import { BaseSelector, keepCount, topK, type Selection } from './selector.js';
import { binOf, quantileCuts } from './stats.js';
import type { TransformerFitContext } from './transformer.js';

export const mutualInfoSelectSchema = z
  .strictObject({
    /** Number of columns to keep (clamped to the number of columns). */
    k: z.number().int().min(1).optional(),
    /** Fraction of the columns to keep (rounded, at least one); the default when k is not given is 0.5. */
    fraction: z.number().gt(0).max(1).optional(),
    /** Quantile bins used to discretise each feature (and a regression target). */
    nBins: z.number().int().min(2).max(255).default(10),
  })
  .refine((p) => p.k === undefined || p.fraction === undefined, {
    message: 'give either k or fraction, not both',
    path: ['k'],
  });
export type MutualInfoSelectParams = z.output<typeof mutualInfoSelectSchema>;

/** Discrete codes 0..levels-1 of a numeric column: quantile bins, with NaN in the last level. */
function discretise(values: Float64Array, nBins: number): { codes: Int32Array; levels: number } {
  const cuts = quantileCuts(values, nBins);
  const missing = cuts.length + 1;
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++)
    codes[i] = values[i] === values[i] ? binOf(cuts, values[i]) : missing;
  return { codes, levels: missing + 1 };
}

/** Plug-in mutual information (nats) of two code vectors. */
export function mutualInformation(a: Int32Array, aLevels: number, b: Int32Array, bLevels: number): number {
  const n = a.length;
  const joint = new Float64Array(aLevels * bLevels);
  const pa = new Float64Array(aLevels);
  const pb = new Float64Array(bLevels);
  for (let i = 0; i < n; i++) {
    joint[a[i] * bLevels + b[i]]++;
    pa[a[i]]++;
    pb[b[i]]++;
  }
  let mi = 0;
  for (let u = 0; u < aLevels; u++) {
    if (pa[u] === 0) continue;
    for (let v = 0; v < bLevels; v++) {
      const c = joint[u * bLevels + v];
      if (c > 0) mi += (c / n) * Math.log((c * n) / (pa[u] * pb[v]));
    }
  }
  return Math.max(0, mi);
}

/** The target as codes: class indices for classification, quantile bins for regression. */
function targetCodes(
  y: Float64Array,
  task: Task,
  nBins: number,
  nClasses?: number,
): { codes: Int32Array; levels: number } {
  if (task === 'regression') {
    for (let i = 0; i < y.length; i++) {
      if (!Number.isFinite(y[i])) {
        throw new DataError(
          'data.bad_target',
          `mutual_info_select: target value at row ${i} is ${y[i]}; drop rows with a missing target.`,
        );
      }
    }
    return discretise(y, nBins);
  }
  const codes = new Int32Array(y.length);
  let max = 0;
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (!Number.isInteger(v) || v < 0) {
      throw new DataError(
        'data.bad_labels',
        `mutual_info_select: class label at row ${i} is ${v}; classification targets are class indices 0..k-1.`,
      );
    }
    codes[i] = v;
    if (v > max) max = v;
  }
  return { codes, levels: Math.max(max + 1, nClasses ?? 0) };
}

export class MutualInfoSelect extends BaseSelector<MutualInfoSelectParams> {
  readonly kind = 'mutual_info_select';

  constructor(params: Partial<MutualInfoSelectParams> = {}) {
    super(mutualInfoSelectSchema, params, 'mutual_info_select');
  }

  protected select(
    columns: readonly Column[],
    _rows: number,
    y: Float64Array | undefined,
    context: TransformerFitContext,
  ): Selection {
    if (!y) {
      throw new DataError(
        'data.no_target',
        'mutual_info_select scores columns against the target; fit it with y.',
      );
    }
    if (!context.task) {
      throw new ConfigurationError(
        'transformer.no_task',
        "mutual_info_select needs to know the task; fit it with context { task: 'classification' | 'regression' }.",
      );
    }
    const { nBins, k } = this.params;
    const target = targetCodes(y, context.task, nBins, context.nClasses);
    const scores = new Float64Array(columns.length);
    columns.forEach((c, j) => {
      const x = discretise(c.values as Float64Array, nBins);
      scores[j] = mutualInformation(x.codes, x.levels, target.codes, target.levels);
    });
    const fraction = k === undefined ? (this.params.fraction ?? 0.5) : undefined;
    return { scores, kept: topK(scores, keepCount(columns.length, k, fraction)) };
  }
}

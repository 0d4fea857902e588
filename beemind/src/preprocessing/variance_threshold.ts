/**
 * This module contains `variance_threshold`: drops columns whose training variance (population variance of
 * the present values) is not above `threshold`. With the default threshold 0 it drops exactly the constant
 * columns (compared by min/max, so rounding cannot keep them) and the all-missing ones.
 * If no column survives, fit is a DataError suggesting a lower threshold.
 */
import { z } from 'zod';
import { DataError } from '../core/errors.js';
import type { Column } from '../data/frame.js';
import { BaseSelector, type Selection } from './selector.js';
import { moments } from '../core/moments.js';

export const varianceThresholdSchema = z.strictObject({
  threshold: z.number().min(0).default(0),
});
export type VarianceThresholdParams = z.output<typeof varianceThresholdSchema>;

function isConstant(values: Float64Array): boolean {
  let first = NaN;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v) continue;
    if (first !== first) first = v;
    else if (v !== first) return false;
  }
  return true;
}

export class VarianceThreshold extends BaseSelector<VarianceThresholdParams> {
  readonly kind = 'variance_threshold';

  constructor(params: Partial<VarianceThresholdParams> = {}) {
    super(varianceThresholdSchema, params, 'variance_threshold');
  }

  protected select(columns: readonly Column[]): Selection {
    const { threshold } = this.params;
    const scores = new Float64Array(columns.length);
    const kept: number[] = [];
    columns.forEach((c, j) => {
      const values = c.values as Float64Array;
      scores[j] = moments(values).variance;
      const constant = isConstant(values);
      if (!constant && scores[j] > threshold) kept.push(j);
    });
    if (kept.length === 0) {
      throw new DataError(
        'data.no_features_left',
        `variance_threshold: no column has a training variance above ${threshold}, so every column would be dropped; ` +
          'lower the threshold or check that the columns are not all constant.',
      );
    }
    return { scores, kept };
  }
}

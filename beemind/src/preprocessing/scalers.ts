/**
 * This module contains the scalers: `standard_scaler` (mean / standard deviation), `robust_scaler`
 * (median / interquartile range) and `min_max_scaler` (to a feature range). Each learns one affine map per
 * column at fit, `out = (x - center) / scale + offset`, and applies it at transform.
 *
 * Numeric only: a categorical column is a DataError naming the fix; ±Infinity is rejected; NaN passes through
 * and is ignored in the statistics. Boolean columns are scaled like numbers. A constant column gets scale 1
 * (no division by zero), and an all-missing column is left as it is (NaN stays NaN).
 */
import { z } from 'zod';
import { pack } from '../core/serialize.js';
import type { StateReader } from '../core/untrusted.js';
import type { Column } from '../data/frame.js';
import { BaseTransformer } from './base.js';
import { moments } from '../core/moments.js';
import { quantiles } from './stats.js';

interface AffineState {
  center: Float64Array;
  scale: Float64Array;
  offset: Float64Array;
}

/** A spread of zero (constant column) or NaN (no values) means "do not rescale". */
function safeScale(spread: number): number {
  return spread > 0 && Number.isFinite(spread) ? spread : 1;
}

abstract class AffineScaler<P extends Record<string, unknown>> extends BaseTransformer<P> {
  protected override readonly numericOnly = true;
  protected affine: AffineState | null = null;

  /** Center, scale and offset of one column (NaN entries when the column has no values). */
  protected abstract columnMap(values: Float64Array): [center: number, scale: number, offset: number];

  protected fitColumns(columns: readonly Column[]): void {
    const n = columns.length;
    const affine: AffineState = {
      center: new Float64Array(n),
      scale: new Float64Array(n),
      offset: new Float64Array(n),
    };
    columns.forEach((c, j) => {
      const [center, scale, offset] = this.columnMap(c.values as Float64Array);
      // an all-missing column has no statistics: identity
      affine.center[j] = Number.isFinite(center) ? center : 0;
      affine.scale[j] = safeScale(scale);
      affine.offset[j] = Number.isFinite(offset) ? offset : 0;
    });
    this.affine = affine;
  }

  protected transformColumns(columns: readonly Column[], rows: number): Column[] {
    const { center, scale, offset } = this.affine!;
    return columns.map((c, j): Column => {
      const src = c.values as Float64Array;
      const values = new Float64Array(rows);
      const m = center[j];
      const s = scale[j];
      const o = offset[j];
      for (let i = 0; i < rows; i++) values[i] = (src[i] - m) / s + o;
      this.finish(values, j);
      return { name: c.name, kind: 'numeric', values };
    });
  }

  /** Hook for post-processing one output column (min_max_scaler clips). */
  protected finish(_values: Float64Array, _j: number): void {}

  protected getState(): unknown {
    const a = this.affine!;
    return { center: pack(a.center), scale: pack(a.scale), offset: pack(a.offset) };
  }

  protected setState(state: StateReader): void {
    const length = this.input!.length;
    this.affine = {
      center: state.f64('center', { length }),
      // fit never divides by zero (a constant column gets scale 1)
      scale: state.f64('scale', { length, positive: true }),
      offset: state.f64('offset', { length }),
    };
  }
}

export const standardScalerSchema = z.strictObject({
  /** Subtract the mean. */
  withMean: z.boolean().default(true),
  /** Divide by the (population) standard deviation. */
  withStd: z.boolean().default(true),
});
export type StandardScalerParams = z.output<typeof standardScalerSchema>;

export class StandardScaler extends AffineScaler<StandardScalerParams> {
  readonly kind = 'standard_scaler';

  constructor(params: Partial<StandardScalerParams> = {}) {
    super(standardScalerSchema, params, 'standard_scaler');
  }

  protected columnMap(values: Float64Array): [number, number, number] {
    const { mean, variance } = moments(values);
    return [this.params.withMean ? mean : 0, this.params.withStd ? Math.sqrt(variance) : 1, 0];
  }
}

export const robustScalerSchema = z
  .strictObject({
    withCentering: z.boolean().default(true),
    withScaling: z.boolean().default(true),
    /** Percentiles (0–100) whose distance is the scale; the default is the interquartile range. */
    quantileRange: z.tuple([z.number().min(0).max(100), z.number().min(0).max(100)]).default([25, 75]),
  })
  .refine((p) => p.quantileRange[0] < p.quantileRange[1], {
    message: 'quantileRange must be [low, high] with low < high',
    path: ['quantileRange'],
  });
export type RobustScalerParams = z.output<typeof robustScalerSchema>;

export class RobustScaler extends AffineScaler<RobustScalerParams> {
  readonly kind = 'robust_scaler';

  constructor(params: Partial<RobustScalerParams> = {}) {
    super(robustScalerSchema, params, 'robust_scaler');
  }

  protected columnMap(values: Float64Array): [number, number, number] {
    const [lo, hi] = this.params.quantileRange;
    const [median, qLow, qHigh] = quantiles(values, [0.5, lo / 100, hi / 100]);
    return [this.params.withCentering ? median : 0, this.params.withScaling ? qHigh - qLow : 1, 0];
  }
}

export const minMaxScalerSchema = z
  .strictObject({
    /** Target [min, max] of the training data after scaling. */
    featureRange: z.tuple([z.number(), z.number()]).default([0, 1]),
    /** Clip transformed values (e.g. of test rows outside the training range) to featureRange. */
    clip: z.boolean().default(false),
  })
  .refine((p) => p.featureRange[0] < p.featureRange[1] && p.featureRange.every(Number.isFinite), {
    message: 'featureRange must be finite [low, high] with low < high',
    path: ['featureRange'],
  });
export type MinMaxScalerParams = z.output<typeof minMaxScalerSchema>;

export class MinMaxScaler extends AffineScaler<MinMaxScalerParams> {
  readonly kind = 'min_max_scaler';

  constructor(params: Partial<MinMaxScalerParams> = {}) {
    super(minMaxScalerSchema, params, 'min_max_scaler');
  }

  protected columnMap(values: Float64Array): [number, number, number] {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (min > max) return [NaN, NaN, NaN]; // no values
    const [lo, hi] = this.params.featureRange;
    // a constant column maps to `lo`
    return [min, max > min ? (max - min) / (hi - lo) : 1, lo];
  }

  protected override finish(values: Float64Array): void {
    if (!this.params.clip) return;
    const [lo, hi] = this.params.featureRange;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v < lo) values[i] = lo;
      else if (v > hi) values[i] = hi;
    }
  }
}

/**
 * This module contains partial dependence and individual conditional expectation (ICE): the model's
 * prediction (class probabilities, or the value) averaged over rows while one or two features are set to each
 * value of a grid — quantiles of a numeric feature, the categories of a categorical one — and, for one
 * feature, every row's own curve.
 */
import { ConfigurationError, DataError } from '../core/errors.js';
import { listNames, quote } from '../core/text.js';
import type { VegaLiteSpec } from '../charts/spec.js';
import type { Column, Frame } from '../data/frame.js';
import { DISPLAY, chartBundle, tableBundle, type MimeBundle } from '../display.js';
import { dependenceHeatmapChart, dependenceLineChart } from './charts.js';
import { sampleRows } from './rows.js';

export interface PartialDependenceOptions {
  /** Grid points per numeric feature (default 20; fewer when the feature has fewer distinct values). */
  gridResolution?: number;
  /** Quantile range of a numeric grid (default [0.05, 0.95]). */
  percentiles?: [number, number];
  /** Rows averaged over (seeded sample; default 1000). */
  maxRows?: number;
  /** ICE curves for one feature (default true). */
  ice?: boolean;
  seed?: number;
}

export type GridValue = number | string;

/** The plain-JSON form of a PartialDependence. */
export interface PartialDependenceJSON {
  format: 'beemind.partial-dependence';
  version: 1;
  features: string[];
  outputs: string[];
  scale: 'probability' | 'value';
  grid: GridValue[][];
  average: number[][];
  individual: number[][][] | null;
}

export class PartialDependence {
  constructor(
    readonly features: string[],
    /** Class labels, or ['value']. */
    readonly outputs: string[],
    readonly scale: 'probability' | 'value',
    /** Grid values per feature. */
    readonly grid: GridValue[][],
    /** Per output: the average prediction over the grid (first feature outer, second inner). */
    readonly average: Float64Array[],
    /** One feature only: per output, per row, its prediction over the grid (null without ICE). */
    readonly individual: Float64Array[][] | null,
    private readonly numeric: boolean[],
  ) {}

  /** The default output: the positive class of two, else the first. */
  get defaultOutput(): number {
    return this.outputs.length === 2 ? 1 : 0;
  }

  /** A line (one feature, with ICE curves) or a heat map (two features) for one output. */
  chart(output = this.defaultOutput): VegaLiteSpec {
    if (!Number.isInteger(output) || output < 0 || output >= this.outputs.length) {
      throw new DataError(
        'pdp.bad_output',
        `output ${output} does not exist; the outputs are 0 to ${this.outputs.length - 1}.`,
      );
    }
    const label = this.outputs.length === 1 ? this.outputs[0] : `P(${this.outputs[output]})`;
    if (this.features.length === 1) {
      return dependenceLineChart({
        feature: this.features[0],
        grid: this.grid[0],
        numeric: this.numeric[0],
        average: this.average[output],
        individual: this.individual?.[output] ?? null,
        outputLabel: label,
      });
    }
    return dependenceHeatmapChart(
      [this.features[0], this.features[1]],
      [this.grid[0], this.grid[1]],
      this.average[output],
      label,
    );
  }

  toJSON(): PartialDependenceJSON {
    return {
      format: 'beemind.partial-dependence',
      version: 1,
      features: [...this.features],
      outputs: [...this.outputs],
      scale: this.scale,
      grid: this.grid.map((g) => [...g]),
      average: this.average.map((a) => Array.from(a)),
      individual: this.individual?.map((o) => o.map((r) => Array.from(r))) ?? null,
    };
  }

  [DISPLAY](): MimeBundle {
    const k = this.defaultOutput;
    const text =
      this.features.length === 1
        ? tableBundle(
            [this.features[0], this.outputs.length === 1 ? 'average' : `P(${this.outputs[k]})`],
            this.grid[0].map((g, i) => [g, this.average[k][i]]),
          )['text/plain']
        : `Partial dependence on ${this.features.join(' × ')} (${this.grid[0].length} × ${this.grid[1].length} grid)`;
    return chartBundle(this.chart(), text);
  }
}

/** Grid of a column: quantiles of a numeric column, its distinct values when few, categories by frequency. */
export function featureGrid(
  column: Column,
  resolution: number,
  percentiles: [number, number],
): { values: GridValue[]; numeric: boolean } {
  if (column.kind === 'categorical') {
    const counts = new Map<string, number>();
    for (const v of column.values) if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
    const values = [...counts.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .map(([v]) => v);
    if (values.length === 0)
      throw new DataError(
        'pdp.all_missing',
        `column ${quote(column.name)} has only missing values; it has no grid.`,
      );
    return { values, numeric: false };
  }
  const sorted = Float64Array.from(column.values.filter((v) => !Number.isNaN(v))).sort();
  if (sorted.length === 0)
    throw new DataError(
      'pdp.all_missing',
      `column ${quote(column.name)} has only missing values; it has no grid.`,
    );
  const distinct = [...new Set(sorted)];
  if (distinct.length <= resolution) return { values: distinct, numeric: true };
  const quantile = (q: number) => {
    const pos = q * (sorted.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
  };
  const [a, b] = percentiles;
  const lowValue = quantile(a);
  const highValue = quantile(b);
  const values = Array.from(
    { length: resolution },
    (_, g) => lowValue + ((highValue - lowValue) * g) / (resolution - 1),
  );
  return { values: [...new Set(values)], numeric: true };
}

/** `frame` with column `name` set to `value` in every row. */
function withConstant(frame: Frame, index: number, value: GridValue): Column {
  const c = frame.columns[index];
  if (c.kind === 'categorical')
    return { name: c.name, kind: c.kind, values: new Array<string | null>(frame.rows).fill(value as string) };
  return { ...c, values: new Float64Array(frame.rows).fill(value as number) };
}

/**
 * Partial dependence of `predict` (rows × outputs) on one or two features of `frame`, with ICE curves for one
 * feature. Each grid point is one batch of predictions over the (sampled) rows.
 */
export function partialDependence(
  predict: (frame: Frame) => Float64Array,
  frame: Frame,
  features: readonly string[],
  outputs: string[],
  scale: 'probability' | 'value',
  options: PartialDependenceOptions = {},
): PartialDependence {
  if (features.length < 1 || features.length > 2) {
    throw new ConfigurationError(
      'pdp.features',
      `partialDependence takes one or two features, not ${features.length}.`,
    );
  }
  if (features.length === 2 && features[0] === features[1]) {
    throw new ConfigurationError(
      'pdp.features',
      `partialDependence got ${quote(features[0])} twice; name two different features.`,
    );
  }
  const resolution = options.gridResolution ?? 20;
  if (!(Number.isInteger(resolution) && resolution >= 2 && resolution <= 1000)) {
    throw new ConfigurationError(
      'pdp.grid',
      `gridResolution must be an integer from 2 to 1000, not ${String(resolution)}.`,
    );
  }
  const percentiles = options.percentiles ?? [0.05, 0.95];
  if (!(percentiles[0] >= 0 && percentiles[0] < percentiles[1] && percentiles[1] <= 1)) {
    throw new ConfigurationError(
      'pdp.percentiles',
      `percentiles must be two numbers 0 ≤ low < high ≤ 1, not [${percentiles.join(', ')}].`,
    );
  }
  const rows = sampleRows(frame, options.maxRows ?? 1000, options.seed ?? 0);
  const indices = features.map((name) => {
    const j = rows.columns.findIndex((c) => c.name === name);
    if (j < 0) {
      throw new DataError(
        'pdp.unknown_feature',
        `no feature named ${quote(name)}; the model's features are ${listNames(rows.columns.map((c) => c.name))}.`,
      );
    }
    return j;
  });
  const grids = indices.map((j) => featureGrid(rows.columns[j], resolution, percentiles));
  const K = outputs.length;
  const n = rows.rows;
  const points =
    features.length === 1
      ? grids[0].values.map((v) => [v])
      : grids[0].values.flatMap((a) => grids[1].values.map((b) => [a, b]));
  const average = Array.from({ length: K }, () => new Float64Array(points.length));
  const ice = features.length === 1 && options.ice !== false;
  const individual = ice
    ? Array.from({ length: K }, () => Array.from({ length: n }, () => new Float64Array(points.length)))
    : null;
  points.forEach((point, g) => {
    const columns = rows.columns.slice();
    indices.forEach((j, f) => (columns[j] = withConstant(rows, j, point[f])));
    const out = predict({ rows: n, columns });
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < K; k++) {
        const v = out[i * K + k];
        average[k][g] += v / n;
        if (individual) individual[k][i][g] = v;
      }
    }
  });
  return new PartialDependence(
    [...features],
    outputs,
    scale,
    grids.map((g) => g.values),
    average,
    individual,
    grids.map((g) => g.numeric),
  );
}

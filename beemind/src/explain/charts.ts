/**
 * This module contains the Vega-Lite 5 specs of explanations: a waterfall of one row's attributions, a
 * beeswarm of many rows' attributions per column, a bar chart of mean |attribution| per class, and partial
 * dependence (a line with ICE curves for one feature, a heat map for two).
 */
import { evenlySpaced } from '../core/evenly_spaced.js';
import { Random } from '../core/random.js';
import { spec, type VegaLiteSpec } from '../charts/spec.js';

/** Columns shown one by one in a waterfall; the rest are summed into one bar. */
const WATERFALL_COLUMNS = 12;

export interface WaterfallInput {
  columns: readonly string[];
  values: ArrayLike<number>;
  /** The row's value per column, shown beside its name. */
  rowValues: readonly unknown[];
  base: number;
  outputLabel: string;
  scale: string;
}

function shortValue(v: unknown): string {
  if (v === null || v === undefined) return 'missing';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toPrecision(4).replace(/\.?0+$/, '');
  const s = String(v);
  return s.length > 24 ? `${s.slice(0, 23)}…` : s;
}

/** Bars from the base value to the output, one per column (largest |attribution| first). */
export function waterfallChart(input: WaterfallInput): VegaLiteSpec {
  const order = Array.from(input.values, (v, j) => ({ v, j })).sort((a, b) => Math.abs(b.v) - Math.abs(a.v));
  const shown = order.slice(0, WATERFALL_COLUMNS);
  const rest = order.slice(WATERFALL_COLUMNS);
  const steps = shown.map(({ v, j }) => ({
    label: `${input.columns[j]} = ${shortValue(input.rowValues[j])}`,
    column: input.columns[j],
    value: v,
  }));
  if (rest.length > 0) {
    steps.push({
      label: `${rest.length} other columns`,
      column: '',
      value: rest.reduce((s, r) => s + r.v, 0),
    });
  }
  let level = input.base;
  const values = steps.map((step, k) => {
    const start = level;
    level += step.value;
    return { ...step, order: k, start, end: level, direction: step.value >= 0 ? 'raises' : 'lowers' };
  });
  const labels = values.map((v) => v.label);
  return spec({
    title: `Why this row: ${input.outputLabel}${input.scale === input.outputLabel ? '' : ` (${input.scale})`} from ${input.base.toPrecision(4)} to ${level.toPrecision(4)}`,
    data: { values },
    width: 380,
    height: { step: 20 },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          y: { field: 'label', type: 'nominal', sort: labels, title: null },
          x: { field: 'start', type: 'quantitative', title: input.scale, scale: { zero: false } },
          x2: { field: 'end' },
          color: {
            field: 'direction',
            type: 'nominal',
            scale: { domain: ['raises', 'lowers'], range: ['#d62728', '#1f77b4'] },
            title: null,
          },
          tooltip: [
            { field: 'label', type: 'nominal', title: 'column' },
            { field: 'value', type: 'quantitative', title: 'attribution', format: '.4g' },
            { field: 'end', type: 'quantitative', title: 'running total', format: '.4g' },
          ],
        },
      },
      { mark: { type: 'rule', strokeDash: [4, 3], color: '#777' }, encoding: { x: { datum: input.base } } },
    ],
  });
}

export interface SummaryInput {
  columns: readonly string[];
  /** Per row, the attribution of each column for the output shown. */
  values: readonly ArrayLike<number>[];
  /** Per row, each column's value (numbers colour the points; other values are grey). */
  rowValues: readonly (readonly unknown[])[];
  outputLabel: string;
  scale: string;
  limit?: number;
}

/**
 * Beeswarm: one point per row and column at its attribution, columns sorted by mean |attribution|, colour =
 * the column's value relative to its range among the rows (low blue, high red); a seeded vertical jitter.
 */
export function beeswarmChart(input: SummaryInput): VegaLiteSpec {
  const p = input.columns.length;
  const meanAbs = new Float64Array(p);
  for (const row of input.values)
    for (let j = 0; j < p; j++) meanAbs[j] += Math.abs(row[j]) / input.values.length;
  const ranked = Array.from({ length: p }, (_, j) => j)
    .sort((a, b) => meanAbs[b] - meanAbs[a])
    .slice(0, input.limit ?? 20);
  const low = new Float64Array(p).fill(Infinity);
  const high = new Float64Array(p).fill(-Infinity);
  for (const row of input.rowValues) {
    row.forEach((v, j) => {
      if (typeof v === 'number' && Number.isFinite(v)) {
        low[j] = Math.min(low[j], v);
        high[j] = Math.max(high[j], v);
      }
    });
  }
  const rng = new Random(0);
  const values = [];
  for (const j of ranked) {
    for (let i = 0; i < input.values.length; i++) {
      const v = input.rowValues[i][j];
      const relative =
        typeof v === 'number' && Number.isFinite(v)
          ? high[j] > low[j]
            ? (v - low[j]) / (high[j] - low[j])
            : 0.5
          : null;
      values.push({
        column: input.columns[j],
        attribution: input.values[i][j],
        value: typeof v === 'number' || typeof v === 'string' ? v : null,
        relative,
        jitter: rng.uniform(-0.4, 0.4),
      });
    }
  }
  return spec({
    title: `Attributions to ${input.outputLabel} (${input.scale}), ${input.values.length} rows`,
    data: { values },
    width: 380,
    height: { step: 22 },
    mark: { type: 'circle', size: 18, opacity: 0.8 },
    encoding: {
      y: { field: 'column', type: 'nominal', sort: ranked.map((j) => input.columns[j]), title: null },
      yOffset: { field: 'jitter', type: 'quantitative', scale: { domain: [-0.5, 0.5] } },
      x: { field: 'attribution', type: 'quantitative', title: `attribution (${input.scale})` },
      color: {
        field: 'relative',
        type: 'quantitative',
        scale: { domain: [0, 1], range: ['#1f77b4', '#d62728'] },
        legend: { title: 'value (low → high)', format: '.1f' },
      },
      tooltip: [
        { field: 'column', type: 'nominal' },
        { field: 'value', type: 'nominal', title: 'value' },
        { field: 'attribution', type: 'quantitative', format: '.4g' },
      ],
    },
  });
}

/** Stacked bars of mean |attribution| per column, one colour per output (class). */
export function meanAbsBarChart(
  columns: readonly string[],
  outputs: readonly string[],
  meanAbs: readonly Float64Array[],
  scale: string,
  limit = 20,
): VegaLiteSpec {
  const total = columns.map((_, j) => meanAbs.reduce((s, m) => s + m[j], 0));
  const ranked = columns
    .map((_, j) => j)
    .sort((a, b) => total[b] - total[a])
    .slice(0, limit);
  const values = ranked.flatMap((j) =>
    outputs.map((output, k) => ({ column: columns[j], output, meanAbs: meanAbs[k][j] })),
  );
  return spec({
    title: `Mean |attribution| per column (${scale})`,
    data: { values },
    width: 380,
    height: { step: 18 },
    mark: 'bar',
    encoding: {
      y: { field: 'column', type: 'nominal', sort: ranked.map((j) => columns[j]), title: null },
      x: { field: 'meanAbs', type: 'quantitative', stack: 'zero', title: 'mean |attribution|' },
      color: { field: 'output', type: 'nominal', title: 'output' },
      tooltip: [
        { field: 'column', type: 'nominal' },
        { field: 'output', type: 'nominal' },
        { field: 'meanAbs', type: 'quantitative', format: '.4g' },
      ],
    },
  });
}

export interface DependenceLine {
  feature: string;
  grid: readonly (number | string)[];
  numeric: boolean;
  average: ArrayLike<number>;
  /** ICE curves: one per row, over the grid. */
  individual: readonly ArrayLike<number>[] | null;
  outputLabel: string;
}

/**
 * The most ICE curves a chart draws: more are a grey mass in 380 pixels, and each adds its points to the notebook
 * (569 curves of 20 points at full precision were 0.7 MB).
 */
export const ICE_CURVES_DRAWN = 200;

/** Four significant digits: finer than a chart's pixels, a third of the characters of a full double. */
const drawn = (y: number) => Number(y.toPrecision(4));
/** A grid value as the chart places it: six significant digits keep neighbouring quantiles of a grid apart. */
const placed = (x: number | string) => (typeof x === 'number' ? Number(x.toPrecision(6)) : x);

/**
 * Partial dependence of one feature: the average as a thick line over thin ICE curves (at most ICE_CURVES_DRAWN,
 * rows evenly spaced over all of them; the PartialDependence keeps every curve).
 */
export function dependenceLineChart(input: DependenceLine): VegaLiteSpec {
  const xType = input.numeric ? 'quantitative' : 'ordinal';
  const grid = Array.from(input.grid, placed);
  const average = grid.map((x, g) => ({ x, y: input.average[g] }));
  const curves = input.individual ?? [];
  const rows = evenlySpaced(
    curves.map((_, row) => row),
    ICE_CURVES_DRAWN,
  );
  const ice = rows.flatMap((row) => grid.map((x, g) => ({ x, y: drawn(curves[row][g]), row })));
  const subtitle =
    rows.length === curves.length
      ? `a thin line for each of the ${curves.length} rows`
      : `thin lines for ${rows.length} of the ${curves.length} rows, evenly spaced`;
  const x = { field: 'x', type: xType, title: input.feature, sort: input.numeric ? undefined : null };
  const y = { field: 'y', type: 'quantitative', title: input.outputLabel };
  return spec({
    title: {
      text: `Partial dependence of ${input.outputLabel} on ${input.feature}`,
      ...(curves.length > 0 ? { subtitle } : {}),
    },
    width: 380,
    height: 240,
    layer: [
      ...(ice.length > 0
        ? [
            {
              data: { values: ice },
              mark: { type: 'line', strokeWidth: 0.6, opacity: 0.25, color: '#888' },
              encoding: { x, y, detail: { field: 'row', type: 'nominal' } },
            },
          ]
        : []),
      {
        data: { values: average },
        mark: { type: 'line', point: true, strokeWidth: 3, color: '#f2a900' },
        encoding: {
          x,
          y,
          tooltip: [
            { field: 'x', title: input.feature },
            { field: 'y', type: 'quantitative', format: '.4g', title: 'average' },
          ],
        },
      },
    ],
  });
}

/** Partial dependence of two features: a heat map of the average over the grid. */
export function dependenceHeatmapChart(
  features: readonly [string, string],
  grids: readonly [readonly (number | string)[], readonly (number | string)[]],
  average: ArrayLike<number>,
  outputLabel: string,
): VegaLiteSpec {
  const [ga, gb] = grids;
  const values = ga.flatMap((a, i) =>
    gb.map((b, j) => ({ a: String(a), b: String(b), y: average[i * gb.length + j] })),
  );
  return spec({
    title: `Partial dependence of ${outputLabel} on ${features[0]} and ${features[1]}`,
    data: { values },
    width: { step: Math.max(12, Math.min(40, 380 / Math.max(1, ga.length))) },
    height: { step: Math.max(12, Math.min(40, 300 / Math.max(1, gb.length))) },
    mark: 'rect',
    encoding: {
      x: { field: 'a', type: 'ordinal', sort: ga.map(String), title: features[0] },
      y: { field: 'b', type: 'ordinal', sort: gb.map(String), title: features[1] },
      color: { field: 'y', type: 'quantitative', title: outputLabel, scale: { scheme: 'viridis' } },
      tooltip: [
        { field: 'a', type: 'nominal', title: features[0] },
        { field: 'b', type: 'nominal', title: features[1] },
        { field: 'y', type: 'quantitative', format: '.4g', title: 'average' },
      ],
    },
  });
}

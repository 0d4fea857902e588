/**
 * This module contains Explanation: per-row attributions of a model's raw output to the user's columns
 * (values[row][output][column]) with the base value, such that base + Σ attributions = the raw output;
 * global importance from mean |attribution|, and its displays (waterfall for one row, beeswarm or bars for
 * many).
 */
import { plural } from '../core/text.js';
import { DataError } from '../core/errors.js';
import type { FeatureImportance } from './importance.js';
import { featureImportanceChart } from '../charts/model_charts.js';
import type { VegaLiteSpec } from '../charts/spec.js';
import { DISPLAY, chartBundle, importanceBundle, tableBundle, type MimeBundle } from '../display.js';
import type { Scale } from './attribution.js';
import { beeswarmChart, meanAbsBarChart, waterfallChart } from './charts.js';

/** The plain-JSON form of an Explanation (typed arrays as number arrays). */
export interface ExplanationJSON {
  format: 'beemind.explanation';
  version: 1;
  columns: string[];
  outputs: string[];
  scale: Scale;
  base: number[];
  values: number[][][];
  method: string;
  maxError: number;
  rows: Record<string, unknown>[];
}

export interface ExplanationInit {
  columns: string[];
  outputs: string[];
  scale: Scale;
  base: number[];
  values: Float64Array[][];
  method: string;
  maxError: number;
  rows: Record<string, unknown>[];
  /** Names the model in importance reports (its drone id, or `ensemble`). */
  modelId?: string;
}

/** Mean |attribution| per column, with the same fields as permutation importance, displayable. */
export class AttributionImportance {
  readonly metric: string;
  constructor(
    readonly droneId: string,
    readonly scale: Scale,
    readonly features: readonly FeatureImportance[],
  ) {
    this.metric = `mean |attribution| (${scale})`;
  }

  /** Sorted, most important first. */
  sorted(): FeatureImportance[] {
    return [...this.features].sort((a, b) => b.importance - a.importance);
  }

  chart(): VegaLiteSpec {
    return featureImportanceChart(this.features, { title: `Mean |attribution| (${this.scale})` });
  }

  [DISPLAY](): MimeBundle {
    return importanceBundle(this.sorted(), this.chart());
  }
}

export class Explanation {
  /** The user's input columns (attributions of one-hot and other derived columns are summed back to them). */
  readonly columns: string[];
  /** Class labels for a classifier (one output per class), ['value'] for a regressor. */
  readonly outputs: string[];
  /** What the raw output and the attributions are measured in. */
  readonly scale: Scale;
  /** Base value (expected raw output over the background) per output. */
  readonly base: number[];
  /** values[row][output][column]. */
  readonly values: Float64Array[][];
  /** How the attributions were computed, e.g. 'tree-shap (path-dependent)'. */
  readonly method: string;
  /** 0 for exact methods; for sampling the largest standard error of an attribution. */
  readonly maxError: number;
  /** The explained rows' input values, for display. */
  readonly rows: Record<string, unknown>[];
  readonly modelId: string;

  constructor(init: ExplanationInit) {
    this.columns = init.columns;
    this.outputs = init.outputs;
    this.scale = init.scale;
    this.base = init.base;
    this.values = init.values;
    this.method = init.method;
    this.maxError = init.maxError;
    this.rows = init.rows;
    this.modelId = init.modelId ?? 'model';
  }

  /** The default output shown: the positive class of two, else the first output. */
  get defaultOutput(): number {
    return this.outputs.length === 2 ? 1 : 0;
  }

  private checkRow(row: number): void {
    if (!Number.isInteger(row) || row < 0 || row >= this.values.length) {
      throw new DataError(
        'explain.bad_row',
        `row ${row} is not one of the ${this.values.length} explained rows (0 to ${this.values.length - 1}).`,
      );
    }
  }

  private checkOutput(output: number): void {
    if (!Number.isInteger(output) || output < 0 || output >= this.outputs.length) {
      throw new DataError(
        'explain.bad_output',
        `output ${output} does not exist; the outputs are 0 to ${this.outputs.length - 1} (${this.outputs.join(', ')}).`,
      );
    }
  }

  /** The output (class) a row's explanation shows by default: the one with the largest raw output. */
  topOutput(row: number): number {
    this.checkRow(row);
    let best = 0;
    for (let k = 1; k < this.outputs.length; k++) if (this.output(row, k) > this.output(row, best)) best = k;
    return best;
  }

  /** base + Σ attributions: the model's raw output for the row (log-odds, probability or value). */
  output(row: number, output = this.defaultOutput): number {
    this.checkRow(row);
    this.checkOutput(output);
    let sum = this.base[output];
    for (const v of this.values[row][output]) sum += v;
    return sum;
  }

  /** Mean |attribution| per column (averaged over outputs), with its spread over rows. */
  importance(): AttributionImportance {
    const p = this.columns.length;
    const K = this.outputs.length;
    const perRow = this.values.map((row) => {
      const out = new Float64Array(p);
      for (let k = 0; k < K; k++) for (let j = 0; j < p; j++) out[j] += Math.abs(row[k][j]) / K;
      return out;
    });
    const n = Math.max(1, perRow.length);
    const features = this.columns.map((feature, j) => {
      const mean = perRow.reduce((s, r) => s + r[j], 0) / n;
      const std = Math.sqrt(perRow.reduce((s, r) => s + (r[j] - mean) ** 2, 0) / n);
      return { feature, importance: mean, std };
    });
    return new AttributionImportance(this.modelId, this.scale, features);
  }

  /** Waterfall of one row's attributions from the base value to the output (default: its top output). */
  waterfall(row: number, output?: number): VegaLiteSpec {
    this.checkRow(row);
    const k = output ?? this.topOutput(row);
    this.checkOutput(k);
    return waterfallChart({
      columns: this.columns,
      values: this.values[row][k],
      rowValues: this.columns.map((c) => this.rows[row]?.[c]),
      base: this.base[k],
      outputLabel: this.outputLabel(k),
      scale: this.scale,
    });
  }

  /**
   * Summary of all rows: a beeswarm of one output's attributions (given, or the only / positive class), or
   * for several classes without `output` stacked bars of mean |attribution| per class.
   */
  summary(output?: number): VegaLiteSpec {
    if (output === undefined && this.outputs.length > 2) {
      const p = this.columns.length;
      const meanAbs = this.outputs.map((_, k) => {
        const m = new Float64Array(p);
        for (const row of this.values)
          for (let j = 0; j < p; j++) m[j] += Math.abs(row[k][j]) / this.values.length;
        return m;
      });
      return meanAbsBarChart(this.columns, this.outputs, meanAbs, this.scale);
    }
    const k = output ?? this.defaultOutput;
    this.checkOutput(k);
    return beeswarmChart({
      columns: this.columns,
      values: this.values.map((row) => row[k]),
      rowValues: this.rows.map((r) => this.columns.map((c) => r[c])),
      outputLabel: this.outputLabel(k),
      scale: this.scale,
    });
  }

  private outputLabel(k: number): string {
    return this.outputs.length === 1 ? this.outputs[0] : `class ${this.outputs[k]}`;
  }

  toJSON(): ExplanationJSON {
    return {
      format: 'beemind.explanation',
      version: 1,
      columns: [...this.columns],
      outputs: [...this.outputs],
      scale: this.scale,
      base: [...this.base],
      values: this.values.map((row) => row.map((v) => Array.from(v))),
      method: this.method,
      maxError: this.maxError,
      rows: this.rows.map((r) => ({ ...r })),
    };
  }

  [DISPLAY](): MimeBundle {
    const top = this.importance().sorted().slice(0, 10);
    const text =
      `Explanation of ${plural(this.values.length, 'row')} by ${this.method} (${this.scale}` +
      `${this.maxError > 0 ? `, standard error ≤ ${this.maxError.toPrecision(2)}` : ''})\n` +
      tableBundle(
        ['column', 'mean |attribution|'],
        top.map((f) => [f.feature, f.importance]),
      )['text/plain'];
    return chartBundle(this.values.length === 1 ? this.waterfall(0) : this.summary(), text);
  }
}

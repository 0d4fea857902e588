/**
 * This module contains the base of the feature-selection steps: a subclass scores the columns at fit and
 * chooses which to keep; transform returns the kept columns in their original order, unchanged.
 * Selectors are numeric only (encode categorical columns first); ±Infinity is rejected.
 */
import { pack } from '../core/serialize.js';
import { NotFittedError } from '../core/errors.js';
import type { StateReader } from '../core/untrusted.js';
import type { Column } from '../data/frame.js';
import { BaseTransformer } from './base.js';
import type { TransformerFitContext } from './transformer.js';

export interface Selection {
  /** One score per input column (variance, mutual information, importance). */
  scores: Float64Array;
  /** Indices of the kept columns, ascending, never empty. */
  kept: number[];
}

export abstract class BaseSelector<P extends Record<string, unknown>> extends BaseTransformer<P> {
  protected override readonly numericOnly = true;
  private selection: Selection | null = null;

  /** Per input column: its score and whether it is kept (after fit). */
  scores(): { name: string; score: number; kept: boolean }[] {
    if (!this.selection) throw new NotFittedError(this.kind);
    const kept = new Set(this.selection.kept);
    const names = this.inputNames();
    return names.map((name, j) => ({ name, score: this.selection!.scores[j], kept: kept.has(j) }));
  }

  protected abstract select(
    columns: readonly Column[],
    rows: number,
    y: Float64Array | undefined,
    context: TransformerFitContext,
  ): Promise<Selection> | Selection;

  protected async fitColumns(
    columns: readonly Column[],
    rows: number,
    y: Float64Array | undefined,
    context: TransformerFitContext,
  ): Promise<void> {
    this.selection = await this.select(columns, rows, y, context);
  }

  protected transformColumns(columns: readonly Column[]): Column[] {
    return this.selection!.kept.map((j) => columns[j]);
  }

  protected getState(): unknown {
    const s = this.selection!;
    return { scores: pack(s.scores), kept: s.kept };
  }

  protected setState(state: StateReader): void {
    const n = this.input!.length;
    const kept = state.integers('kept', 0, n - 1, { increasing: true });
    if (kept.length === 0) state.fail(`${state.field('kept')} lists no column`);
    this.selection = { scores: state.f64('scores', { length: n, nan: true, infinite: true }), kept };
  }
}

/**
 * Indices of the `k` highest scores, returned ascending (NaN scores rank last; ties keep column order).
 * `k` is clamped to 1..scores.length.
 */
export function topK(scores: Float64Array, k: number): number[] {
  const n = scores.length;
  const key = (j: number): number => (Number.isNaN(scores[j]) ? -Infinity : scores[j]);
  const order = Array.from({ length: n }, (_, j) => j).sort((a, b) => key(b) - key(a) || a - b);
  return order.slice(0, Math.max(1, Math.min(n, k))).sort((a, b) => a - b);
}

/** How many columns to keep from `k` (a count) or `fraction` (of the columns, rounded, at least one). */
export function keepCount(n: number, k: number | undefined, fraction: number | undefined): number {
  if (k !== undefined) return Math.min(n, k);
  return Math.max(1, Math.round(n * (fraction ?? 1)));
}

/**
 * This module contains BaseTransformer, the base class of every built-in step: it validates hyperparameters
 * once (zod), checks inputs at fit and transform (non-empty training data, same columns as at fit, numeric
 * and finite where the step needs it), and serialises params + fitted state. Subclasses implement the
 * trusted `fitColumns` / `transformColumns` twins and `getState` / `setState` (which reads untrusted state
 * from a model file and checks every field it uses).
 *
 * Frames are treated as immutable: steps never write into their input, and unchanged columns are shared
 * between the input and output frames rather than copied.
 */
import type { z } from 'zod';
import { NotFittedError } from '../core/errors.js';
import { StateReader } from '../core/untrusted.js';
import { createFrame, type Column, type Frame } from '../data/frame.js';
import { parseParams } from '../models/estimator.js';
import {
  alignColumns,
  checkFitFrame,
  describeColumns,
  requireFinite,
  requireNumeric,
  type ColumnSpec,
} from './checks.js';
import type { Transformer, TransformerFitContext, TransformerJSON } from './transformer.js';

/** A transformer that can be rebuilt from its JSON: the registry creates it from params, then restores state. */
export interface RestorableTransformer extends Transformer {
  restore(state: unknown): this;
}

/** What toJSON stores in `state` for a fitted step. */
interface BaseState {
  input: ColumnSpec[];
  step: unknown;
}

export abstract class BaseTransformer<P extends Record<string, unknown>> implements RestorableTransformer {
  abstract readonly kind: string;
  /** Steps that compute with numbers: categorical columns and ±Infinity are rejected at fit and transform. */
  protected readonly numericOnly: boolean = false;
  protected readonly params: P;
  /** Column layout seen at fit; null until fitted. */
  protected input: ColumnSpec[] | null = null;

  constructor(schema: z.ZodType<P>, params: unknown, who: string) {
    this.params = parseParams(schema, params, who);
  }

  getParams(): P {
    return structuredClone(this.params);
  }

  get fitted(): boolean {
    return this.input !== null;
  }

  /** Names of the columns seen at fit, in order. */
  inputNames(): string[] {
    if (!this.input) throw new NotFittedError(this.kind);
    return this.input.map((c) => c.name);
  }

  async fit(frame: Frame, y?: Float64Array, context: TransformerFitContext = {}): Promise<this> {
    checkFitFrame(frame, y, this.kind);
    this.checkValues(frame.columns);
    this.input = null; // a refit that fails leaves the step unfitted, not half-updated
    await this.fitColumns(frame.columns, frame.rows, y, context);
    this.input = describeColumns(frame);
    return this;
  }

  transform(frame: Frame): Frame {
    if (!this.input) throw new NotFittedError(this.kind);
    const columns = alignColumns(this.input, frame, this.kind);
    this.checkValues(columns);
    return createFrame(this.transformColumns(columns, frame.rows));
  }

  toJSON(): TransformerJSON {
    const state: BaseState | null = this.input
      ? { input: structuredClone(this.input), step: structuredClone(this.getState()) }
      : null;
    return { format: 'beemind.transformer', version: 1, kind: this.kind, params: this.getParams(), state };
  }

  /**
   * Restores fitted state produced by toJSON (called by the registry's transformerFromJSON): the input columns
   * (at least one, names unique), then the step's own state, checked against them (a ProtocolError names what
   * is wrong).
   */
  restore(state: unknown): this {
    if (state === null || state === undefined) return this;
    const s = StateReader.of(state, this.kind);
    const columns = s.list('input');
    if (columns.length === 0) s.fail(`${s.field('input')} lists no columns`);
    const input = columns.map((c) => ({ name: c.string('name'), kind: c.oneOf('kind', COLUMN_KINDS) }));
    const names = new Set(input.map((c) => c.name));
    if (names.size !== input.length) s.fail(`${s.field('input')} lists a column twice`);
    this.input = input; // the step's reader checks its state against these columns
    try {
      this.setState(s.object('step'));
    } catch (error) {
      this.input = null;
      throw error;
    }
    return this;
  }

  private checkValues(columns: readonly Column[]): void {
    if (!this.numericOnly) return;
    requireNumeric(columns, this.kind);
    requireFinite(columns, this.kind);
  }

  /** Learns from validated training columns (non-empty; numeric and finite when `numericOnly`). */
  protected abstract fitColumns(
    columns: readonly Column[],
    rows: number,
    y: Float64Array | undefined,
    context: TransformerFitContext,
  ): Promise<void> | void;
  /** Maps columns already aligned to fit-time order to the output columns. */
  protected abstract transformColumns(columns: readonly Column[], rows: number): Column[];
  /** Plain-JSON fitted state (typed arrays packed with core/serialize). */
  protected abstract getState(): unknown;
  /** Reads (and checks) what getState returned; `this.input` holds the restored input columns. */
  protected abstract setState(state: StateReader): void;
}

const COLUMN_KINDS = ['numeric', 'boolean', 'categorical'] as const;

/**
 * The transformer contract every preprocessing step implements: fitted on training data only, then applied
 * to any frame with the same columns. Steps work on Frames (typed columns) so encoders see categories and
 * scalers see numbers.
 */
import type { Frame } from '../data/frame.js';
import type { Task } from '../core/task.js';

export interface TransformerFitContext {
  /** Task of the downstream model; supervised steps (mutual information, model-based selection) need it. */
  task?: Task;
  /** Number of classes for classification targets. */
  nClasses?: number;
  /** Seed for stochastic steps. */
  seed?: number;
}

export interface TransformerJSON {
  format: 'beemind.transformer';
  version: 1;
  kind: string;
  params: Record<string, unknown>;
  /** Step-specific fitted state; null when unfitted. */
  state: unknown;
}

export interface Transformer {
  /** Step id, e.g. `standard_scaler`. */
  readonly kind: string;
  getParams(): Record<string, unknown>;
  /** Learns from training rows only. `y` is the encoded target (class indices or values) when available. */
  fit(frame: Frame, y?: Float64Array, context?: TransformerFitContext): Promise<this>;
  /**
   * Fits, and returns the training rows transformed as the next step should learn from them. Only steps whose
   * training output differs from transform() implement it (target encoding out of fold); a pipeline's fit
   * uses it when present.
   */
  fitTransform?(frame: Frame, y?: Float64Array, context?: TransformerFitContext): Promise<Frame>;
  /** Applies the fitted step; throws DataError when columns differ from those seen at fit. */
  transform(frame: Frame): Frame;
  toJSON(): TransformerJSON;
}

/**
 * This module contains explainModel, what `TrainedModel.explain` delegates to: attributions of a champion (one
 * pipeline, or a weighted ensemble of pipelines) over the user's columns against background rows.
 *
 * A single pipeline is explained on its model's own scale (log-odds for boosting and logistic regression,
 * probabilities for the other classifiers, the value for regressors). An ensemble averages its members'
 * predictions, so its attributions are the members' attributions weighted the same way, each member
 * explained on the scale the ensemble averages: the value for regressors, class probabilities for
 * classifiers (members whose exact method works on log-odds are then explained by sampling). A stack's level-2
 * model is not an average, so a stack is explained as a whole by Shapley sampling over the user's columns.
 */
import { ConfigurationError, DataError } from '../core/errors.js';
import { valuesOf } from '../core/matrix.js';
import type { ColumnKind, Frame } from '../data/frame.js';
import type { Task } from '../core/task.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import type { Attribution, Scale } from './attribution.js';
import { Explanation } from './explanation.js';
import { stackPrediction } from '../pipeline/stack.js';
import { pipelineAttribution } from './pipeline_attribution.js';
import { rowObject, sampleRows } from './rows.js';
import { agnosticShapley, type SamplingOptions } from './sampling.js';

/** What explanations need of a trained model (TrainedModel satisfies it). */
export interface ExplainableModel {
  readonly id: string;
  readonly task: Task;
  readonly classes: readonly string[] | null;
  readonly featureNames: readonly string[];
  readonly members: readonly { readonly weight: number; readonly pipeline: Pipeline }[];
  /** A stack's level-2 pipeline over the members' outputs, or null. */
  readonly level2?: Pipeline | null;
}

export interface ExplainOptions<Rows = unknown> extends SamplingOptions {
  /**
   * Rows the attributions are measured against (the training rows or a sample of them): they give the base
   * value, TreeSHAP's node covers, linear means and the sampling background. Default: the model's stored
   * background, else the explained rows themselves (at least 2).
   */
  background?: Rows;
  /** Background rows used by sampling methods (seeded sample; default 100). */
  backgroundSize?: number;
  /** Background rows routed through trees for their covers and used for linear means (default 2000). */
  coverSize?: number;
}

/** The column kinds the model's first steps expect (numeric when a pipeline has no steps). */
export function columnKinds(model: ExplainableModel): Map<string, ColumnKind> {
  const kinds = new Map<string, ColumnKind>(model.featureNames.map((name) => [name, 'numeric']));
  for (const [name, kind] of recordedKinds(model)) if (kinds.has(name)) kinds.set(name, kind);
  return kinds;
}

/** The kinds of the input columns as the model's first step recorded them at fit (empty when it did not). */
export function recordedKinds(model: ExplainableModel): Map<string, ColumnKind> {
  const first = model.members[0]?.pipeline.steps[0];
  const input = (first?.toJSON().state as { input?: { name: string; kind: ColumnKind }[] } | null)?.input;
  return new Map((input ?? []).map((c) => [c.name, c.kind]));
}

/** The outputs' names: class labels, or 'value'. */
export function outputNames(model: ExplainableModel): string[] {
  return model.task === 'classification' ? [...(model.classes ?? [])] : ['value'];
}

/**
 * Attributions of every row of `explained` (the model's feature columns, in training order) against
 * `background` (the same columns).
 */
export function explainModel(
  model: ExplainableModel,
  explained: Frame,
  background: Frame,
  options: ExplainOptions = {},
): Explanation {
  if (background.rows < 2) {
    throw new DataError(
      'explain.no_background',
      'explain needs background rows to compare against (the training rows or a sample of them): pass { background: trainingRows }, or explain at least 2 rows at once (they are then the background).',
    );
  }
  for (const [name, value] of [
    ['backgroundSize', options.backgroundSize],
    ['coverSize', options.coverSize],
    ['permutations', options.permutations],
  ] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value >= 1)) {
      throw new ConfigurationError(
        'explain.bad_option',
        `explain option ${name} must be a positive integer, not ${String(value)}.`,
      );
    }
  }
  const seed = options.seed ?? 0;
  const reference = {
    cover: sampleRows(background, options.coverSize ?? 2000, seed),
    sample: sampleRows(background, options.backgroundSize ?? 100, seed),
  };
  const level2 = model.level2;
  if (level2) {
    const f = (frame: Frame) => valuesOf(stackPrediction(model.members, level2, frame));
    const K = model.task === 'classification' ? model.classes!.length : 1;
    const attribution = agnosticShapley(f, K, explained, reference.sample, { ...options, seed });
    return explanation(model, explained, {
      ...attribution,
      scale: model.task === 'classification' ? 'probability' : 'value',
      method: `stack of ${model.members.length} members by ${level2.model.family}: ${attribution.method}`,
    });
  }
  const ensemble = model.members.length > 1;
  const scale: Scale | undefined = ensemble
    ? model.task === 'classification'
      ? 'probability'
      : 'value'
    : undefined;
  const parts = model.members.map((m) => ({
    weight: ensemble ? m.weight : 1,
    attribution: pipelineAttribution(m.pipeline, explained, reference, { ...options, seed, scale }),
  }));
  return explanation(model, explained, { ...weightedSum(parts), scale: parts[0].attribution.scale });
}

/** The Explanation of `explained`'s rows from an attribution over its columns. */
function explanation(
  model: ExplainableModel,
  explained: Frame,
  attribution: Attribution & { scale: Scale },
): Explanation {
  const p = explained.columns.length;
  const K = attribution.base.length;
  return new Explanation({
    columns: explained.columns.map((c) => c.name),
    outputs: outputNames(model),
    scale: attribution.scale,
    base: Array.from(attribution.base),
    values: attribution.values.map((phi) =>
      Array.from({ length: K }, (_, k) => phi.slice(k * p, (k + 1) * p)),
    ),
    method: attribution.method,
    maxError: attribution.maxError,
    rows: Array.from({ length: explained.rows }, (_, i) => rowObject(explained, i)),
    modelId: model.id,
  });
}

/** Σ weight · attribution over ensemble members (one member: itself). */
function weightedSum(parts: { weight: number; attribution: Attribution }[]): Attribution {
  if (parts.length === 1) return parts[0].attribution;
  const first = parts[0].attribution;
  const base = new Float64Array(first.base.length);
  const values = first.values.map((v) => new Float64Array(v.length));
  let maxError = 0;
  for (const { weight, attribution } of parts) {
    for (let k = 0; k < base.length; k++) base[k] += weight * attribution.base[k];
    attribution.values.forEach((v, i) => {
      for (let q = 0; q < v.length; q++) values[i][q] += weight * v[q];
    });
    maxError += weight * attribution.maxError;
  }
  const methods = [...new Set(parts.map((p) => p.attribution.method))];
  return {
    base,
    values,
    method: `weighted sum over ${parts.length} members: ${methods.join('; ')}`,
    maxError,
  };
}

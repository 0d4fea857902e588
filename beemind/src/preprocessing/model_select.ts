/**
 * This module contains `model_select`: fits a model from the model registry (default `extra_trees`) on the
 * training rows and keeps the columns whose feature importance reaches a threshold (`'mean'`, `'median'` or a
 * number; the default is the mean importance) or the top `k` by importance. At least the most important
 * column is always kept; ties keep column order.
 *
 * Unless `modelParams` says otherwise, the model gets the fit context's seed (when its family has a `seed`
 * hyperparameter) and 50 trees (when it has `nEstimators`), so selection stays cheap and reproducible.
 * Needs `y` and `context.task` at fit. Numeric only; ±Infinity is rejected; NaN reaches the model, which must
 * accept missing values (or put an imputer first).
 */
import { z } from 'zod';
import '../models/families.js';
import { ConfigurationError, DataError } from '../core/errors.js';
import { quote } from '../core/text.js';
import { frameToMatrix, type Column } from '../data/frame.js';
import type { Task } from '../core/task.js';
import { createModel, type RestorableEstimator } from '../models/registry.js';
import { BaseSelector, topK, type Selection } from './selector.js';
import type { TransformerFitContext } from './transformer.js';

/** Trees used by a tree-ensemble selector unless `modelParams.nEstimators` is given. */
export const SELECTOR_TREES = 50;

export const modelSelectSchema = z
  .strictObject({
    /** Model family id from the model registry; it must report feature importances. */
    family: z.string().min(1).default('extra_trees'),
    /** Hyperparameters of that family. */
    modelParams: z.record(z.string(), z.unknown()).default({}),
    /** Keep columns with importance >= this ('mean' / 'median' of the importances, or a number); default 'mean'. */
    threshold: z.union([z.enum(['mean', 'median']), z.number()]).optional(),
    /** Keep the k most important columns instead of using a threshold. */
    k: z.number().int().min(1).optional(),
  })
  .refine((p) => p.k === undefined || p.threshold === undefined, {
    message: 'give either k or threshold, not both',
    path: ['k'],
  });
export type ModelSelectParams = z.output<typeof modelSelectSchema>;

function median(values: Float64Array): number {
  const s = Float64Array.from(values).sort();
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

export class ModelSelect extends BaseSelector<ModelSelectParams> {
  readonly kind = 'model_select';

  constructor(params: Partial<ModelSelectParams> = {}) {
    super(modelSelectSchema, params, 'model_select');
  }

  /** The selector's model with the seed and tree-count defaults filled in. */
  private makeModel(task: Task, seed: number): RestorableEstimator {
    const { family, modelParams } = this.params;
    const defaults = createModel(family, task).getParams();
    const params: Record<string, unknown> = { ...modelParams };
    if ('seed' in defaults && !('seed' in params)) params.seed = seed;
    if ('nEstimators' in defaults && !('nEstimators' in params)) params.nEstimators = SELECTOR_TREES;
    return createModel(family, task, params);
  }

  protected async select(
    columns: readonly Column[],
    rows: number,
    y: Float64Array | undefined,
    context: TransformerFitContext,
  ): Promise<Selection> {
    if (!y)
      throw new DataError('data.no_target', 'model_select fits a model to rank the columns; fit it with y.');
    if (!context.task) {
      throw new ConfigurationError(
        'transformer.no_task',
        "model_select needs to know the task; fit it with context { task: 'classification' | 'regression' }.",
      );
    }
    const model = this.makeModel(context.task, context.seed ?? 0);
    await model.fit(frameToMatrix({ rows, columns }, this.kind), y, { nClasses: context.nClasses });
    if (!model.featureImportances) {
      throw new ConfigurationError(
        'transformer.no_importances',
        `model_select: model family ${quote(this.params.family)} does not report feature importances; ` +
          'use a tree ensemble such as extra_trees or random_forest, or a linear model.',
      );
    }
    const scores = Float64Array.from(model.featureImportances());
    if (this.params.k !== undefined) return { scores, kept: topK(scores, this.params.k) };
    const t = this.params.threshold ?? 'mean';
    const cut =
      t === 'mean' ? scores.reduce((a, b) => a + b, 0) / scores.length : t === 'median' ? median(scores) : t;
    const kept: number[] = [];
    // a small tolerance so that equal importances (e.g. all columns tied at the mean) are all kept
    const tol = 1e-12 * Math.max(1, Math.abs(cut));
    scores.forEach((s, j) => {
      if (s >= cut - tol) kept.push(j);
    });
    return { scores, kept: kept.length ? kept : topK(scores, 1) };
  }
}

/**
 * This module contains stacking (Wolpert, 1992), beside greedy ensemble selection: a level-2 model learns how
 * to combine the best drones from their out-of-fold predictions, as scikit-learn's StackingClassifier and
 * AutoGluon's stack levels do. Classifiers are combined by a logistic regression on the members' log-odds
 * (two classes) or log-probabilities, regressors by a ridge regression on their values.
 *
 * Whether the stack helps is decided out of fold as well: the level-2 model is cross-validated on the
 * out-of-fold predictions, so its score is comparable with the drones' and the greedy ensemble's.
 */
import { createMatrix, take, valuesOf } from '../core/matrix.js';
import { takeFrameRows } from '../data/frame.js';
import { kFold } from '../data/split.js';
import type { Task } from '../core/task.js';
import type { Scorer } from '../metrics/scorers.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import { pipelineFromSpec } from '../pipeline/pipeline.js';
import { moments } from '../core/moments.js';
import { level2Output, stackInputs, type StackShape } from '../pipeline/stack.js';
import { estimatedFitCost } from '../search/cost.js';
import { scoreAverage, type EnsembleCandidate, type EnsembleSelection } from './ensemble.js';

const LEVEL2_FOLDS = 5;
/**
 * Regularisation strengths tried for the level-2 model, weakest last: the members' outputs are strongly
 * correlated, and how much to shrink their weights depends on how many rows there are to learn them from.
 * For ridge, alpha is relative to the rows × the target's variance.
 */
const STRENGTHS = [1, 0.1, 0.01];

/**
 * A level-2 pipeline, not yet fitted: no preprocessing, a linear model regularised by `strength` (for ridge,
 * relative to `squares`, the target's sum of squared deviations).
 */
function level2Pipeline(task: Task, strength: number, squares: number): Pipeline {
  if (task === 'classification') {
    return pipelineFromSpec(
      { steps: [], model: { family: 'logistic_regression', params: { C: 0.1 / strength, maxIter: 300 } } },
      task,
    );
  }
  return pipelineFromSpec(
    { steps: [], model: { family: 'ridge', params: { alpha: strength * squares + 1e-12 } } },
    task,
  );
}

export interface Stack extends EnsembleSelection {
  /** The level-2 pipeline fitted on every search row's out-of-fold member predictions. */
  level2: Pipeline;
  /** The level-2 model's own out-of-fold output on the search rows (probabilities or values, flattened). */
  oof: Float64Array;
}

/**
 * Fits a stack over `candidates` (the best drones first) and scores it out of fold. Member weights are each
 * member's share of the level-2 model's absolute coefficients, for display. Returns null with fewer than two
 * candidates, rows too few for level-2 folds, or when its cross-validation, timed by the first level-2 fit,
 * would take longer than `msAvailable` (or the a-priori estimate of search/cost.ts says so before the first fit).
 * The level-2 regularisation is the strength that scores best out of fold.
 */
export async function fitStack(
  candidates: readonly EnsembleCandidate[],
  y: Float64Array,
  scorer: Scorer,
  shape: StackShape,
  options: { seed: number; msAvailable: () => number },
): Promise<Stack | null> {
  const { seed } = options;
  const rows = y.length;
  if (candidates.length < 2 || rows < 2 * LEVEL2_FOLDS) return null;
  const outputs = candidates.map((c) => valuesOf(c.oof));
  const inputs = stackInputs(outputs, rows, shape);
  const classification = shape.task === 'classification';
  const width = classification ? shape.nClasses : 1;
  const fitOptions = { nClasses: classification ? shape.nClasses : undefined, seed };
  const folds = kFold(rows, LEVEL2_FOLDS, { seed: seed + 2, stratify: classification ? y : null });
  const sign = scorer.greaterIsBetter ? 1 : -1;
  const { count, variance } = moments(y);
  const squares = count * variance; // the target's sum of squared deviations
  // the a-priori estimate first (many classes make the level-2 model slow): a first fit that cannot fit is not tried
  const level2Fits = folds.length * STRENGTHS.length + 1;
  const foldShape = {
    rows: Math.ceil(rows * (1 - 1 / LEVEL2_FOLDS)),
    columns: inputs.columns.length,
    classes: width,
  };
  const level2Genome = {
    steps: [],
    model: { family: classification ? 'logistic_regression' : 'ridge', params: {} },
  };
  if (estimatedFitCost(level2Genome, foldShape) * 1000 * level2Fits > options.msAvailable()) return null;
  let best: { strength: number; score: number; oof: Float64Array } | null = null;
  const started = performance.now();
  for (const strength of STRENGTHS) {
    const oof = new Float64Array(rows * width);
    for (const fold of folds) {
      const level2 = await level2Pipeline(shape.task, strength, squares).fit(
        takeFrameRows(inputs, fold.train),
        take(y, fold.train),
        fitOptions,
      );
      const values = valuesOf(level2Output(level2, takeFrameRows(inputs, fold.test)));
      fold.test.forEach((row, i) => {
        for (let k = 0; k < width; k++) oof[row * width + k] = values[i * width + k];
      });
      // the first strength's folds time the rest: give up when all of them would not fit
      if (best === null && strength === STRENGTHS[0] && fold === folds[0]) {
        const foldMs = performance.now() - started;
        if (foldMs * level2Fits > options.msAvailable()) return null;
      }
    }
    const score = scoreAverage(scorer, y, classification ? createMatrix(rows, width, oof) : oof);
    if (best === null || sign * score > sign * best.score) best = { strength, score, oof };
  }
  const { strength, score, oof } = best!;
  const level2 = await level2Pipeline(shape.task, strength, squares).fit(inputs, y, fitOptions);
  const importance = level2.model.featureImportances?.() ?? new Float64Array(inputs.columns.length).fill(1);
  const perMember = inputs.columns.length / candidates.length;
  const shares = candidates.map((_, m) =>
    importance.slice(m * perMember, (m + 1) * perMember).reduce((a, b) => a + b, 0),
  );
  const total = shares.reduce((a, b) => a + b, 0) || 1;
  return {
    members: candidates.map((c, m) => ({ id: c.id, weight: shares[m] / total })),
    score,
    level2,
    oof,
  };
}

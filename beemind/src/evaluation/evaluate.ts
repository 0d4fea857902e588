/**
 * This module contains the evaluation of one genome: fit its pipeline on each validation fold (optionally on
 * a fraction of the training rows, for successive halving), score it, and collect out-of-fold predictions
 * for ensembling; and the refit of a genome on every row, which the finish of a run hands to the workers. Both
 * are pure and run the same in a worker thread or in the calling thread.
 */
import type { Matrix } from '../core/matrix.js';
import { Random } from '../core/random.js';
import { takeFrameRows, type Frame } from '../data/frame.js';
import type { Dataset } from '../data/dataset.js';
import type { Split } from '../data/split.js';
import type { Genome } from '../protocol/events.js';
import { getScorer } from '../metrics/scorers.js';
import { argmaxRows } from '../models/estimator.js';
import type { Task } from '../core/task.js';
import { pipelineFromSpec, type Pipeline, type PipelineJSON } from '../pipeline/pipeline.js';

/** The search rows and their folds: shared once with every worker. */
export interface EvaluationData {
  features: Frame;
  y: Float64Array;
  task: Task;
  nClasses: number;
  folds: Split[];
}

export interface EvaluationJob {
  genome: Genome;
  /** Fraction of each fold's training rows to fit on (1 = all). */
  fraction: number;
  metric: string;
  seed: number;
  /** Collect out-of-fold predictions (for ensembles); only meaningful at fraction 1. */
  wantPredictions: boolean;
  /** Measure the serialised size of the fitted model (an objective). */
  measureSize: boolean;
}

/** The evaluation data of `dataset`'s rows and `folds` of them (none when the data is only for refits). */
export function evaluationDataOf(dataset: Dataset, folds: Split[]): EvaluationData {
  return {
    features: { rows: dataset.rows, columns: dataset.features.columns },
    y: dataset.target.values,
    task: dataset.task,
    nClasses: dataset.nClasses,
    folds,
  };
}

/** A genome to fit on every row of the shared data: a drone's refit after the search. */
export interface FitJob {
  genome: Genome;
  seed: number;
}

export interface EvaluationResult {
  foldScores: number[];
  /** Out-of-fold predictions, rows × predictionColumns (probabilities for classifiers). */
  predictions: Float64Array | null;
  predictionColumns: number;
  fitSeconds: number;
  /** Prediction time per fold on the validation rows. */
  predictSeconds: number;
  /** Bytes of the fitted pipeline's JSON (0 when not measured). */
  modelSize: number;
}

/** The first ⌈fraction·n⌉ rows of a seeded shuffle of `rows` (nested across fractions: same seed, same order). */
export function subsampleRows(rows: Int32Array, fraction: number, seed: number): Int32Array {
  if (fraction >= 1) return rows;
  const shuffled = new Random(seed).shuffle(rows.slice());
  return shuffled.subarray(0, Math.max(2, Math.ceil(fraction * rows.length))).sort();
}

function toY(y: Float64Array, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length);
  for (let k = 0; k < rows.length; k++) out[k] = y[rows[k]];
  return out;
}

/** How many folds score each row (the repeats of repeated cross-validation), counted once per shared data. */
const TIMES_SCORED = new WeakMap<EvaluationData, Uint16Array>();
function timesScoredOf(data: EvaluationData): Uint16Array {
  let times = TIMES_SCORED.get(data);
  if (!times) {
    times = new Uint16Array(data.y.length);
    for (const fold of data.folds) for (const row of fold.test) times[row]++;
    TIMES_SCORED.set(data, times);
  }
  return times;
}

export async function evaluateGenome(data: EvaluationData, job: EvaluationJob): Promise<EvaluationResult> {
  const scorer = getScorer(job.metric, data.task);
  const classify = data.task === 'classification';
  const columns = classify ? data.nClasses : 1;
  const predictions = job.wantPredictions ? new Float64Array(data.y.length * columns) : null;
  const foldScores: number[] = [];
  const timesScored = predictions ? timesScoredOf(data) : null;
  let fitSeconds = 0;
  let predictSeconds = 0;
  let modelSize = 0;

  for (let f = 0; f < data.folds.length; f++) {
    const fold = data.folds[f];
    const trainRows = subsampleRows(fold.train, job.fraction, job.seed + f);
    const pipeline = pipelineFromSpec(job.genome, data.task);
    const t0 = performance.now();
    await pipeline.fit(takeFrameRows(data.features, trainRows), toY(data.y, trainRows), {
      nClasses: classify ? data.nClasses : undefined,
      seed: job.seed,
    });
    const t1 = performance.now();
    const validation = takeFrameRows(data.features, fold.test);
    const truth = toY(data.y, fold.test);
    let predicted: Float64Array | Matrix;
    let proba: Matrix | null = null;
    if (classify) {
      proba = pipeline.predictProba(validation);
      predicted = scorer.needsProba ? proba : argmaxRows(proba);
    } else {
      predicted = pipeline.predict(validation);
    }
    predictSeconds += (performance.now() - t1) / 1000;
    fitSeconds += (t1 - t0) / 1000;
    foldScores.push(scorer.score(truth, predicted));
    if (predictions) {
      // repeated cross-validation scores each row once per repeat: its prediction is their average
      const values = proba ? proba.data : (predicted as Float64Array);
      for (let k = 0; k < fold.test.length; k++) {
        const row = fold.test[k];
        for (let c = 0; c < columns; c++)
          predictions[row * columns + c] += values[k * columns + c] / timesScored![row];
      }
    }
    if (job.measureSize && f === 0) modelSize = JSON.stringify(pipeline.toJSON()).length;
  }
  return {
    foldScores,
    predictions,
    predictionColumns: columns,
    fitSeconds: fitSeconds / data.folds.length,
    predictSeconds: predictSeconds / data.folds.length,
    modelSize,
  };
}

/** `job`'s pipeline fit on every row of `data`: a drone's refit, in a worker or on the run's own thread. */
export function fitOnEveryRow(data: EvaluationData, job: FitJob): Promise<Pipeline> {
  return pipelineFromSpec(job.genome, data.task).fit(data.features, data.y, {
    nClasses: data.task === 'classification' ? data.nClasses : undefined,
    seed: job.seed,
  });
}

/** fitOnEveryRow, serialised: what a worker sends back must be plain data. */
export async function fitGenome(data: EvaluationData, job: FitJob): Promise<PipelineJSON> {
  return (await fitOnEveryRow(data, job)).toJSON();
}
